// Live queue state for the counter page and the TV board: a snapshot from `GET /board`, then
// the event stream from the snapshot's `last_event_id` on. On any stream error (server restart,
// network cut) the stream is closed, the snapshot fetched again (retrying with a growing delay)
// and the stream reopened from the last event this page applied. A check every 30 s refetches
// the snapshot (fresh wait estimates) and reconnects if the server is gone or events stopped
// arriving.

import { API, DEVICE_EVENT, EVENT_TYPES, fetchBoard, parseDevice, parseEvent } from './office';
import type { BoardWire as BoardSnapshot, DeviceStatus, EventWire as QueueEvent } from './wire';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveHandlers {
  /** A consistent snapshot: `first` on page load, else after a reconnect or a periodic check. */
  snapshot(s: BoardSnapshot, first: boolean): void;
  /** A new event, in id order, each once. `covered`: the last snapshot already holds its effect
   * (an event replayed after a reconnect); only its announcement may still matter. */
  event(e: QueueEvent, covered: boolean): void;
  status(s: LiveStatus): void;
  /** A device's status changed (SSE `device`, not a queue event: no id, never replayed; reload
   * the list in `snapshot`). Pages that show no device alerts leave it out. */
  device?(s: DeviceStatus): void;
}

export interface Live {
  /** Refetch the snapshot now (after a local action failed, say). */
  refresh(): void;
  stop(): void;
}

const CHECK_MS = 30_000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10_000;

export function startLive(h: LiveHandlers): Live {
  let es: EventSource | null = null;
  /** Highest event id the stream delivered (or the id it was opened from). */
  let last = 0;
  /** Events up to this id are in the last snapshot. */
  let snapId = 0;
  const applied = (): number => Math.max(last, snapId);
  let first = true;
  let stopped = false;
  let recovering = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer = 0;
  /** An event id a check saw in a snapshot before the stream brought it (0: none). */
  let owed = 0;

  const onMessage = (ev: MessageEvent<string>): void => {
    const e = parseEvent(ev.data);
    if (!e || e.id <= last) return;
    last = e.id;
    h.event(e, e.id <= snapId);
  };

  const open = (from: number): void => {
    es?.close();
    last = from;
    const src = new EventSource(`${API}/events?last_event_id=${from}`);
    es = src;
    for (const t of EVENT_TYPES) src.addEventListener(t, onMessage);
    src.addEventListener('message', onMessage);
    if (h.device) {
      src.addEventListener(DEVICE_EVENT, (ev: MessageEvent<string>) => {
        const s = parseDevice(ev.data);
        if (s && es === src) h.device?.(s);
      });
    }
    src.addEventListener('open', () => {
      if (es !== src) return;
      retryMs = RETRY_MIN_MS;
      h.status('live');
    });
    src.addEventListener('error', () => {
      if (es !== src) return;
      // Never leave it to the browser: fetch a fresh snapshot, then resume.
      src.close();
      es = null;
      recover();
    });
  };

  const connect = async (): Promise<void> => {
    const snap = await fetchBoard();
    if (stopped) return;
    // Resume from the last event this page saw, so calls made while it was cut off are still
    // announced; on page load, or with a new database (ids restarted), from the snapshot.
    const fresh = first || snap.last_event_id < applied();
    const from = fresh ? snap.last_event_id : Math.min(last, snap.last_event_id);
    snapId = snap.last_event_id;
    owed = 0;
    h.snapshot(snap, first);
    first = false;
    open(from);
  };

  const recover = (): void => {
    if (stopped || recovering) return;
    recovering = true;
    h.status(first ? 'connecting' : 'reconnecting');
    window.clearTimeout(retryTimer);
    // The delay grows until a stream opens, so a server that refuses the stream (or closes it
    // at once) is not hammered.
    const schedule = (): void => {
      retryTimer = window.setTimeout(attempt, retryMs);
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
    };
    const attempt = (): void => {
      connect()
        .then(() => {
          recovering = false;
        })
        .catch(() => {
          if (!stopped) schedule();
        });
    };
    if (first) attempt();
    else schedule();
  };

  const check = (): void => {
    if (stopped || recovering) return;
    fetchBoard()
      .then((snap) => {
        if (stopped || recovering) return;
        if (owed > applied()) {
          // Events the last check saw have still not come: the stream is dead without saying so.
          es?.close();
          es = null;
          recover();
        } else if (snap.last_event_id === applied()) {
          owed = 0;
          snapId = snap.last_event_id;
          h.snapshot(snap, false);
        } else {
          owed = Math.max(owed, snap.last_event_id);
        }
      })
      .catch(() => {
        if (stopped || recovering) return;
        es?.close();
        es = null;
        recover();
      });
  };
  const checkTimer = window.setInterval(check, CHECK_MS);

  h.status('connecting');
  recover();

  return {
    refresh: check,
    stop: () => {
      stopped = true;
      window.clearInterval(checkTimer);
      window.clearTimeout(retryTimer);
      es?.close();
      es = null;
    },
  };
}
