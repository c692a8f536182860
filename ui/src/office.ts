// The office server's queue API (docs/QUEUE.md) for the counter page and the TV board: wire
// types and fetch wrappers. Same origin (the office server serves these pages), no Tauri.

import { T } from './i18n';
import {
  type ActionResult,
  type ApiError,
  type BoardWire,
  type CounterWire,
  type DeviceReport,
  type DeviceStatus,
  type EventWire,
  type Service,
  type Ticket,
  EVENT_KINDS,
  isApiError,
  toCommandError,
} from './wire';

export const API = '/api/v1';

// The shapes (CounterWire, BoardWire, CalledWire, EventWire…) are generated from the Rust types.
export { EVENT_KINDS as EVENT_TYPES } from './wire';
export type { EventKind as EventType } from './wire';

/** Why a request failed: the server's bilingual error, or ours when it could not be reached. */
export function networkError(): ApiError {
  return {
    code: 'server_unreachable',
    message: T.networkError.en,
    message_vi: T.networkError.vi,
    message_en: T.networkError.en,
  };
}

function httpError(status: number): ApiError {
  return {
    code: 'unreadable_answer',
    message: `HTTP ${status}`,
    message_vi: `${T.serverError.vi} (HTTP ${status})`,
    message_en: `${T.serverError.en} (HTTP ${status})`,
  };
}

const TIMEOUT_MS = 10_000;

/** JSON request to the API; rejects with an ApiError (or a string) on any failure. */
export async function request<R>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<R> {
  const ctl = new AbortController();
  const timer = window.setTimeout(() => {
    ctl.abort();
  }, TIMEOUT_MS);
  let res: Response;
  let text: string;
  try {
    const init: RequestInit = { method, cache: 'no-store', signal: ctl.signal };
    if (body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    res = await fetch(`${API}${path}`, init);
    text = await res.text();
  } catch {
    throw networkError();
  } finally {
    window.clearTimeout(timer);
  }
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw isApiError(data) ? toCommandError(data) : httpError(res.status);
  return data as R;
}

/** A `data:` line of the event stream; null if it is not a queue event. */
export function parseEvent(data: string): EventWire | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const e = v as Partial<EventWire>;
  const known = (EVENT_KINDS as readonly unknown[]).includes(e.type);
  if (!known || typeof e.id !== 'number' || typeof e.ticket !== 'object') return null;
  return v as EventWire;
}

/** `GET /board`: what a board (re)connecting needs. */
export function fetchBoard(): Promise<BoardWire> {
  return request<BoardWire>('GET', '/board');
}

export function fetchServices(): Promise<Service[]> {
  return request<Service[]>('GET', '/services');
}

export function fetchCounters(): Promise<CounterWire[]> {
  return request<CounterWire[]>('GET', '/counters');
}

export type CounterAction = 'call-next' | 'recall' | 'skip' | 'transfer' | 'complete';

/** A counter action: the counter after it and the ticket acted on. */
export function counterAction(
  counterId: string,
  action: CounterAction,
  body: { ticket_id?: string; service_id?: string } = {},
): Promise<ActionResult> {
  return request<ActionResult>('POST', `/counters/${encodeURIComponent(counterId)}/${action}`, body);
}

/** Today's skipped numbers of the services the counter serves, the latest called first. */
export function fetchSkipped(counterId: string): Promise<Ticket[]> {
  return request<Ticket[]>('GET', `/counters/${encodeURIComponent(counterId)}/skipped`);
}

/** Calls a number of today (waiting, or skipped and come back) at the counter. */
export function callNumber(counterId: string, number: string): Promise<ActionResult> {
  return request<ActionResult>('POST', `/counters/${encodeURIComponent(counterId)}/call-number`, { number });
}

/** The SSE event name of a device status change (no id: not a stored queue event). */
export const DEVICE_EVENT = 'device';

/** Every device heard from in the last 10 minutes, newest first. */
export function fetchDevices(): Promise<DeviceStatus[]> {
  return request<DeviceStatus[]>('GET', '/devices/status');
}

/** Reports this device's whole state. */
export function reportDevice(r: DeviceReport): Promise<DeviceStatus> {
  return request<DeviceStatus>('POST', '/devices/status', r);
}

/** A `device` event's data; null if it is not a device status. */
export function parseDevice(data: string): DeviceStatus | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Partial<DeviceStatus>;
  if (typeof s.device_id !== 'string' || typeof s.kind !== 'string' || typeof s.updated_at !== 'string') return null;
  return v as DeviceStatus;
}

/** The spoken announcement of a `called`/`recalled` event. */
export function announcementUrl(eventId: number): string {
  return `${API}/announcements/${eventId}.wav`;
}
