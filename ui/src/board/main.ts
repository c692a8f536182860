// TV board (/board), 1920×1080 landscape, read from across the hall: the number at each
// counter, the last 4 called, who waits per service and for how long, the clock, the office's
// name. Live over Server-Sent Events (live.ts recovers by itself after a server restart); each
// call is announced by announcer.ts. Runs in an ordinary browser; no Tauri.
//
// `?device=board-2` names this board when it reports its sound (on, muted, or blocked by the
// browser until a touch) to the office, so a board without sound shows on the counter page;
// default `board-1`. `?view=staff` is the staff view: the same board with the devices' alerts
// ("kiosk-1: máy in lỗi") above it; it reports its sound only when given a `?device=`. The
// public board never shows the alerts.

import '../styles/fonts.css';
import '../styles/base.css';
import '../styles/board.css';

import { button, h } from '../dom';
import { T, aboutMinutesText, inviteText, peopleText, setDocTitle, setLang, type Text } from '../i18n';
import { type LiveStatus, startLive } from '../live';
import { fetchDevices, reportDevice } from '../office';
import type { BoardWire as BoardSnapshot, CalledWire as CalledEntry, CounterWire as Counter, EventWire as QueueEvent } from '../wire';
import { emblem, runClock } from '../shell';
import type { DeviceStatus, Service, SoundState } from '../wire';
import { type Announcement, Announcer } from './announcer';

const MUTE_KEY = 'motcua.board.muted';
/** More services than this and the waiting list gets compact rows (a 1080-line TV). */
const DENSE_SERVICES = 5;
/** An unchanged sound state is reported again this often (the office forgets a silent device
 * after 10 minutes). */
const REPORT_AGAIN_MS = 4 * 60_000;
const REPORT_RETRY_MS = 15_000;

const params = new URLSearchParams(window.location.search);
const STAFF_VIEW = params.get('view') === 'staff';
/** This board's device token (`motcua device add --kind board`), given in the address's
 * fragment (`/board#token=…`), which the browser never sends to the server; kept in memory. */
const TOKEN: string | null = ((): string | null => {
  const t = new URLSearchParams(window.location.hash.slice(1)).get('token')?.trim() ?? '';
  return /^[A-Za-z0-9_-]{16,128}$/.test(t) ? t : null;
})();
/** This board's name in its reports (the server records it under its enrolled name); null: it
 * does not report (no device token: the office would refuse it). */
const DEVICE_ID: string | null = ((): string | null => {
  if (TOKEN === null) return null;
  const given = params.get('device')?.trim() ?? '';
  // eslint-disable-next-line no-control-regex
  if (given.length >= 1 && given.length <= 64 && !/[\u0000-\u001f\u007f]/.test(given)) return given.normalize('NFC');
  return 'board-1';
})();
const LAST_CALLED = 4;
/** A call replayed after a reconnect is still announced if it is this recent. */
const FRESH_MS = 90_000;

interface BoardState {
  officeName: string | null;
  counters: Counter[];
  services: Service[];
  lastCalled: CalledEntry[];
  /** Server clock minus this machine's. */
  offsetMs: number;
  live: LiveStatus;
  muted: boolean;
  calling: Announcement | null;
  /** Devices by id (staff view only). */
  devices: Map<string, DeviceStatus>;
}

const state: BoardState = {
  officeName: null,
  counters: [],
  services: [],
  lastCalled: [],
  offsetMs: 0,
  live: 'connecting',
  muted: readMuted(),
  calling: null,
  devices: new Map(),
};

function readMuted(): boolean {
  try {
    return window.localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

function saveMuted(m: boolean): void {
  try {
    window.localStorage.setItem(MUTE_KEY, m ? '1' : '0');
  } catch {
    // Storage off: the choice lasts until the page reloads.
  }
}

/** A loudspeaker (decorative). */
function speakerIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon board-unlock-icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute(
    'd',
    'M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4M14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6',
  );
  svg.appendChild(path);
  return svg;
}

/** Vietnamese first, English below and smaller (marked lang="en"). */
function bilingual(t: Text, cls = ''): HTMLElement[] {
  return [h('span', { class: `vi ${cls}`.trim() }, t.vi), h('span', { class: 'en', lang: 'en' }, t.en)];
}

// ------------------------------------------------------------------ DOM

const officeEl = h('p', { class: 'board-office', testid: 'board-office' });
const timeEl = h('time', { class: 'board-time', testid: 'board-clock' });
const dateEl = h('span', { class: 'clock-date board-date', testid: 'board-date' });
const countersEl = h('ul', { class: 'board-counters', role: 'list' });
const lastEl = h('ol', { class: 'board-last', testid: 'board-last-called' });
const waitingEl = h('ul', { class: 'board-waiting', role: 'list' });
const boardSide = h('div', { class: 'board-side' });
const statusEl = h('p', { class: 'board-status', testid: 'board-status', role: 'status' });
const soundLabel = h('span', { class: 'btn-bi' });
const soundBtn = button({ class: 'btn board-btn', testid: 'board-sound-toggle', onClick: toggleSound }, soundLabel);
// Where the browser blocks sound until a touch: a large call to action in the middle of the
// board, away from the mute button (a touch anywhere on the board works too).
const unlockBtn = button(
  { class: 'btn board-unlock', testid: 'board-unlock-audio', hidden: true, onClick: unlockAudio },
  speakerIcon(),
  h('span', { class: 'board-unlock-text' }, ...bilingual(T.unlockAudio)),
);
const unlockEl = h(
  'div',
  { class: 'board-unlock-band', testid: 'board-unlock-band', hidden: true },
  h('p', { class: 'board-unlock-lead' }, ...bilingual(T.unlockAudioLead)),
  unlockBtn,
);
const alertsEl = h('section', {
  class: 'board-alerts',
  testid: 'board-staff-alerts',
  'aria-labelledby': 'board-alerts-title',
  hidden: !STAFF_VIEW,
});
const alertsList = h('div', { class: 'board-alerts-body', role: 'alert' });
alertsEl.append(h('h2', { id: 'board-alerts-title', class: 'board-alerts-title' }, ...bilingual(T.staffAlertsTitle)), alertsList);
const flashNumber = h('span', { class: 'flash-number' });
const flashCounter = h('span', { class: 'flash-counter' });
const flashEn = h('p', { class: 'flash-en', lang: 'en' });
const flashEl = h(
  'div',
  { class: 'board-flash', testid: 'board-announcement', hidden: true },
  h(
    'p',
    { class: 'flash-vi' },
    h('span', { class: 'flash-lead' }, T.inviteLead.vi),
    flashNumber,
    h('span', { class: 'flash-lead' }, T.inviteTo.vi),
    flashCounter,
  ),
  flashEn,
);
// What a screen reader says (the sound is for the hall).
const sayEl = h('div', { class: 'visually-hidden', 'aria-live': 'assertive', 'aria-atomic': 'true' });

function mount(root: HTMLElement): void {
  boardSide.replaceChildren(
    h(
      'section',
      { class: 'board-box', 'aria-labelledby': 'last-title' },
      h('h2', { id: 'last-title', class: 'board-h' }, ...bilingual(T.lastCalled)),
      lastEl,
    ),
    h(
      'section',
      { class: 'board-box', 'aria-labelledby': 'waiting-title' },
      h('h2', { id: 'waiting-title', class: 'board-h' }, ...bilingual(T.waitingTitle)),
      waitingEl,
    ),
  );
  root.replaceChildren(
    h(
      'header',
      { class: 'board-head' },
      h('div', { class: 'brand' }, emblem(), h('div', { class: 'board-brand-text' }, officeEl, h('p', { class: 'board-sub' }, ...bilingual(T.boardTitle)))),
      h('p', { class: 'clock board-clock' }, timeEl, dateEl),
    ),
    alertsEl,
    h(
      'main',
      { class: 'board-main' },
      h(
        'section',
        { class: 'board-serving', 'aria-labelledby': 'serving-title' },
        h('h1', { id: 'serving-title', class: 'board-h' }, ...bilingual(T.serving)),
        countersEl,
      ),
      boardSide,
    ),
    unlockEl,
    h('footer', { class: 'board-foot' }, statusEl, h('div', { class: 'board-controls' }, soundBtn)),
    flashEl,
    sayEl,
  );
}

// ------------------------------------------------------------------ painting

let paintedCounters = '';
let paintedLast = '';
let paintedWaiting = '';

function paint(): void {
  officeEl.textContent = state.officeName ?? T.officeFallback.vi;

  const counters = [...state.counters].sort((a, b) => a.number - b.number);
  const ckey = JSON.stringify([
    counters.map((c) => [c.id, c.name, c.number, c.current?.id, c.current?.number, c.service_ids]),
    state.services.map((s) => [s.id, s.prefix, s.name_vi]),
    state.calling?.counter_id,
  ]);
  if (ckey !== paintedCounters) {
    paintedCounters = ckey;
    countersEl.dataset.count = String(counters.length);
    countersEl.replaceChildren(...counters.map(counterCard));
  }

  const lkey = JSON.stringify(state.lastCalled.map((e) => [e.ticket.id, e.ticket.number, e.counter.number]));
  if (lkey !== paintedLast) {
    paintedLast = lkey;
    lastEl.replaceChildren(
      ...(state.lastCalled.length === 0
        ? [h('li', { class: 'last-none' }, ...bilingual(T.noneCalledYet))]
        : state.lastCalled.slice(0, LAST_CALLED).map((e, i) =>
            h(
              'li',
              { class: `last${i === 0 ? ' last-newest' : ''}`, testid: `board-last-${i}` },
              h('span', { class: 'last-number' }, e.ticket.number),
              h('span', { class: 'last-arrow', 'aria-hidden': 'true' }, '→'),
              h('span', { class: 'last-counter' }, `${T.counter.vi} ${e.counter.number}`),
            ),
          )),
    );
  }

  const wkey = JSON.stringify(state.services.map((s) => [s.id, s.prefix, s.name_vi, s.waiting, s.estimated_wait_minutes, s.open]));
  if (wkey !== paintedWaiting) {
    paintedWaiting = wkey;
    waitingEl.replaceChildren(...state.services.map(waitingRow));
  }

  paintControls();
}

function counterCard(c: Counter): HTMLElement {
  const cur = c.current;
  const calling = state.calling?.counter_id === c.id;
  return h(
    'li',
    { class: `board-counter${calling ? ' is-calling' : ''}${cur ? '' : ' is-idle'}`, testid: `board-counter-${c.id}` },
    h(
      'p',
      { class: 'bc-label' },
      h('span', { class: 'bc-word' }, T.counter.vi),
      h('span', { class: 'bc-n' }, String(c.number)),
      // The letters of the numbers it calls (A023 → A), with the services' names for screen readers.
      h('span', { class: 'bc-letters', title: servicesOf(c) }, ...lettersOf(c)),
    ),
    h(
      'p',
      {
        class: 'bc-current',
        testid: `board-current-${c.id}`,
        'aria-label': cur ? undefined : T.notCalled.vi,
        'data-len': cur ? lenClass(cur.number) : undefined,
      },
      cur ? cur.number : '—',
    ),
  );
}

/** Long numbers (B1234, offline A1-007) get a smaller size so they fit. */
function lenClass(number: string): string {
  return number.length <= 4 ? 'short' : number.length === 5 ? 'long' : 'longer';
}

function servedBy(c: Counter): Service[] {
  return c.service_ids
    .map((id) => state.services.find((s) => s.id === id))
    .filter((s): s is Service => s !== undefined);
}

/** "Hộ tịch – Chứng thực, Kinh doanh": what the counter serves. */
function servicesOf(c: Counter): string {
  return servedBy(c)
    .map((s) => s.name_vi)
    .join(', ');
}

function lettersOf(c: Counter): HTMLElement[] {
  return [
    h('span', { class: 'visually-hidden' }, servicesOf(c)),
    ...servedBy(c).map((s) => h('span', { class: 'bc-letter', 'aria-hidden': 'true' }, s.prefix)),
  ];
}

function waitingRow(s: Service): HTMLElement {
  return h(
    'li',
    { class: `wait${s.waiting > 0 ? '' : ' wait-none'}`, testid: `board-waiting-${s.id}` },
    h('span', { class: 'wait-prefix', 'aria-hidden': 'true' }, s.prefix),
    h('span', { class: 'wait-name' }, s.name_vi),
    h('span', { class: 'wait-count', testid: `board-waiting-count-${s.id}` }, peopleText(s.waiting, 'vi')),
    h('span', { class: 'wait-est' }, s.waiting > 0 ? aboutMinutesText(s.estimated_wait_minutes, 'vi') : T.noQueue.vi),
  );
}

function paintControls(): void {
  soundLabel.replaceChildren(...bilingual(state.muted ? T.soundOn : T.soundOff));
  soundBtn.setAttribute('aria-pressed', String(state.muted));
  soundBtn.classList.toggle('is-muted', state.muted);
  const blocked = !state.muted && announcer.audioBlocked;
  unlockBtn.hidden = !blocked;
  unlockEl.hidden = !blocked;
  // Compact rows for many services, and while the sound band or the staff alerts take room;
  // with both, the last calls shrink to the latest two, or one (every queue stays on screen).
  const many = state.services.length > DENSE_SERVICES;
  const extras = Number(blocked) + Number(STAFF_VIEW);
  const dense = many || extras > 0;
  for (const el of [waitingEl, lastEl, boardSide]) el.classList.toggle('is-dense', dense);
  lastEl.classList.toggle('is-tight', many && extras === 1);
  lastEl.classList.toggle('is-tighter', many && extras === 2);
  statusEl.classList.toggle('is-down', state.live !== 'live');
  statusEl.replaceChildren(
    ...(state.live === 'live'
      ? bilingual(T.liveOk)
      : bilingual(state.live === 'connecting' ? T.connecting : T.reconnecting)),
  );
}

let paintedAlerts = '';

/** The staff view's device alerts: Vietnamese first, English beside it (newest first). */
function paintAlerts(): void {
  if (!STAFF_VIEW) return;
  const list = [...state.devices.values()]
    .filter((d) => d.alert_vi !== null || d.alert_en !== null)
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at) || a.device_id.localeCompare(b.device_id));
  const key = JSON.stringify(list.map((d) => [d.device_id, d.alert_vi, d.alert_en]));
  if (key === paintedAlerts) return;
  paintedAlerts = key;
  alertsEl.classList.toggle('has-alerts', list.length > 0);
  alertsList.replaceChildren(
    list.length === 0
      ? h('p', { class: 'board-alerts-none', testid: 'board-alerts-none' }, ...bilingual(T.staffAlertsNone))
      : h(
          'ul',
          { class: 'board-alerts-list', role: 'list' },
          list.map((d) =>
            h(
              'li',
              { class: 'board-alert', testid: `board-alert-${d.device_id}` },
              h('span', { class: 'vi' }, d.alert_vi ?? d.alert_en ?? ''),
              h('span', { class: 'en', lang: 'en' }, d.alert_en ?? ''),
            ),
          ),
        ),
  );
}

async function loadDevices(): Promise<void> {
  if (!STAFF_VIEW) return;
  try {
    const list = await fetchDevices();
    state.devices = new Map(list.map((d) => [d.device_id, d]));
    paintAlerts();
  } catch {
    // Kept; the next snapshot tries again.
  }
}

function onDevice(d: DeviceStatus): void {
  state.devices.set(d.device_id, d);
  paintAlerts();
}

// ------------------------------------------------------------------ own sound, reported

function soundState(): SoundState {
  if (state.muted) return 'muted';
  return announcer.audioBlocked ? 'blocked' : 'on';
}

let reported: SoundState | null = null;
let reportTimer = 0;
let reporting = false;

/** Tells the office this board's sound state, if it changed or `again` (a heartbeat, a
 * reconnect: the office forgets on restart). Failures are retried. */
function reportSound(again = false): void {
  if (DEVICE_ID === null || reporting) return;
  const now = soundState();
  if (!again && now === reported) return;
  reporting = true;
  window.clearTimeout(reportTimer);
  reportDevice({ device_id: DEVICE_ID, kind: 'board', printer: null, printer_detail: null, sound: now }, TOKEN ?? undefined)
    .then(
      () => {
        reported = now;
        reportTimer = window.setTimeout(() => {
          reportSound(true);
        }, REPORT_AGAIN_MS);
      },
      () => {
        reported = null;
        reportTimer = window.setTimeout(() => {
          reportSound(true);
        }, REPORT_RETRY_MS);
      },
    )
    .finally(() => {
      reporting = false;
      // It may have changed while the report was on its way.
      if (reported !== null && soundState() !== reported) reportSound();
    });
}

// ------------------------------------------------------------------ announcements

const announcer = new Announcer({
  show: (a) => {
    state.calling = a;
    flashNumber.textContent = a.number;
    flashNumber.dataset.len = lenClass(a.number);
    flashCounter.textContent = String(a.counter_number);
    flashEn.textContent = inviteText(a.number, a.counter_number, 'en');
    flashEl.hidden = false;
    // Restart the flash animation for back-to-back calls.
    flashEl.classList.remove('is-on');
    flashEl.getBoundingClientRect();
    flashEl.classList.add('is-on');
    sayEl.textContent = inviteText(a.number, a.counter_number, 'vi');
    paint();
  },
  hide: (a) => {
    if (state.calling?.event_id !== a.event_id) return;
    state.calling = null;
    flashEl.hidden = true;
    flashEl.classList.remove('is-on');
    paint();
  },
  blocked: () => {
    paintControls();
    reportSound();
  },
  muted: () => state.muted,
});

function toggleSound(): void {
  state.muted = !state.muted;
  saveMuted(state.muted);
  if (state.muted) announcer.silence();
  else announcer.unlock();
  paintControls();
  reportSound();
}

function unlockAudio(): void {
  announcer.unlock();
}

// ------------------------------------------------------------------ live data

function onSnapshot(s: BoardSnapshot): void {
  state.officeName = s.office_name;
  state.counters = s.counters;
  state.services = s.services;
  state.lastCalled = s.last_called.slice(0, LAST_CALLED);
  void loadDevices();
  if (s.server_time) {
    const t = Date.parse(s.server_time);
    if (Number.isFinite(t)) state.offsetMs = t - Date.now();
  }
  paint();
}

function onEvent(e: QueueEvent, covered: boolean): void {
  const isCall = e.type === 'called' || e.type === 'recalled';
  if (!covered) {
    for (const s of state.services) {
      const n = e.waiting[s.id];
      if (n !== undefined) s.waiting = n;
    }
    const byId = state.counters.find((c) => c.id === e.counter?.id);
    if (isCall && e.counter) {
      if (byId) byId.current = e.ticket;
      else live.refresh();
      state.lastCalled = [
        { ticket: e.ticket, counter: e.counter, at: e.at },
        ...state.lastCalled.filter((x) => x.ticket.id !== e.ticket.id),
      ].slice(0, LAST_CALLED);
    } else if (e.type !== 'issued') {
      for (const c of state.counters) {
        if (c.current?.id === e.ticket.id) c.current = null;
      }
    }
    paint();
  }
  if (isCall && e.counter) {
    const age = Date.now() + state.offsetMs - Date.parse(e.at);
    if (!covered || !(age > FRESH_MS)) {
      announcer.enqueue({
        event_id: e.id,
        type: e.type === 'recalled' ? 'recalled' : 'called',
        number: e.ticket.number,
        counter_id: e.counter.id,
        counter_number: e.counter.number,
      });
    }
  }
}

function onStatus(s: LiveStatus): void {
  // Back after a cut (perhaps a server restart, which forgets devices): report again.
  if (s === 'live' && state.live !== 'live' && reported !== null) reportSound(true);
  state.live = s;
  paintControls();
}

// ------------------------------------------------------------------ start

setLang('vi');
setDocTitle(T.boardDocTitle);
const root = document.getElementById('app');
if (root) mount(root);
runClock(timeEl, dateEl, () => 'vi', () => state.offsetMs);
paint();

// Read-only test hook: the announcements queued and played, with what happened to their sound.
Object.defineProperty(window, '__board', {
  value: Object.freeze({
    get announcements(): Announcement[] {
      return announcer.list();
    },
    get audioBlocked(): boolean {
      return announcer.audioBlocked;
    },
  }),
  writable: false,
  configurable: false,
});

const live = startLive({ snapshot: onSnapshot, event: onEvent, status: onStatus, device: STAFF_VIEW ? onDevice : undefined });
// The first report once it is known whether the browser lets the board play sound.
if (state.muted) reportSound();
else void announcer.probe().finally(() => {
  reportSound();
});
// While sound is blocked, any touch on the board turns it on.
document.addEventListener('pointerdown', () => {
  if (!state.muted && announcer.audioBlocked) announcer.unlock();
});
