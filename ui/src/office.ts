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

// Staff pages (the counter page) sign in with a session cookie (HttpOnly: never seen here) and
// send its CSRF token on every state-changing request; the token lives in memory only.
let csrfToken: string | null = null;
let unauthorizedHook: ((err: ApiError) => void) | null = null;

/** The signed-in session's CSRF token (null: signed out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on any 401 answer (idle expiry, signed out elsewhere, account disabled), unless the
 * request asked not to (`session: false`, e.g. the sign-in itself). */
export function onUnauthorized(hook: ((err: ApiError) => void) | null): void {
  unauthorizedHook = hook;
}

/** A failed request's error; `retry_after_secs` from a 429's `Retry-After`. */
export type RequestError = ApiError & { status?: number; retry_after_secs?: number };

export interface RequestOptions {
  /** false: a 401 is the answer itself (sign-in, restore), not a lost session. */
  session?: boolean;
  /** A device token sent as `Authorization: Bearer` (the TV board's own). */
  bearer?: string;
}

export type Method = 'GET' | 'POST' | 'DELETE';

/** JSON request to the API; rejects with an ApiError (or a string) on any failure. */
export async function request<R>(method: Method, path: string, body?: unknown, opts: RequestOptions = {}): Promise<R> {
  const ctl = new AbortController();
  const timer = window.setTimeout(() => {
    ctl.abort();
  }, TIMEOUT_MS);
  let res: Response;
  let text: string;
  try {
    const headers: Record<string, string> = {};
    const init: RequestInit = { method, cache: 'no-store', credentials: 'same-origin', signal: ctl.signal, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET' && csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;
    if (opts.bearer !== undefined) headers.Authorization = `Bearer ${opts.bearer}`;
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
  if (!res.ok) {
    const base = isApiError(data) ? toCommandError(data) : httpError(res.status);
    const err: RequestError = typeof base === 'string' ? { ...httpError(res.status), message: base } : { ...base };
    err.status = res.status;
    const retry = Number(res.headers.get('Retry-After'));
    if (res.status === 429 && Number.isFinite(retry) && retry > 0) err.retry_after_secs = retry;
    if (res.status === 401 && opts.session !== false) unauthorizedHook?.(err);
    throw err;
  }
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

/** Reports this device's whole state, with its device token if it has one (a board), else with
 * the signed-in staff session. */
export function reportDevice(r: DeviceReport, token?: string): Promise<DeviceStatus> {
  return request<DeviceStatus>('POST', '/devices/status', r, token === undefined ? {} : { bearer: token, session: false });
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
