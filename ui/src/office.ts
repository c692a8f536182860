// The office server's queue API (docs/QUEUE.md) for the counter page and the TV board: wire
// types and fetch wrappers. Same origin (the office server serves these pages), no Tauri.

import { T } from './i18n';
import { type ApiError, type Service, type Ticket, isApiError, toCommandError } from './wire';

export const API = '/api/v1';

export interface CounterRef {
  id: string;
  number: number;
  name: string;
}

export interface Counter extends CounterRef {
  service_ids: string[];
  /** The ticket it called last and has not completed, skipped or transferred. */
  current: Ticket | null;
  served_today: number;
}

export const EVENT_TYPES = ['issued', 'called', 'recalled', 'skipped', 'transferred', 'completed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One Server-Sent Event of `GET /events`. */
export interface QueueEvent {
  /** Grows, survives a server restart. */
  id: number;
  type: EventType;
  /** RFC 3339, +07:00. */
  at: string;
  ticket: Ticket;
  counter: CounterRef | null;
  /** Tickets waiting per service id, after this event. */
  waiting: Record<string, number>;
}

/** A call shown in the board's "last called" list. */
export interface CalledEntry {
  ticket: Ticket;
  counter: CounterRef;
  at: string;
}

/** `GET /board`: what a board (re)connecting needs. */
export interface BoardSnapshot {
  office_name: string | null;
  counters: Counter[];
  /** Newest first. */
  last_called: CalledEntry[];
  /** With today's waiting counts and estimated waits. */
  services: Service[];
  server_time: string | null;
  /** Events after this one are not in the snapshot. */
  last_event_id: number;
}

/** Why a request failed: the server's bilingual error, or ours when it could not be reached. */
export function networkError(): ApiError {
  return {
    code: 'network',
    message: T.networkError.en,
    message_vi: T.networkError.vi,
    message_en: T.networkError.en,
  };
}

function httpError(status: number): ApiError {
  return {
    code: `http_${status}`,
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

// ------------------------------------------------------------------ reading loose JSON

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function isTicket(v: unknown): v is Ticket {
  const o = obj(v);
  return o !== null && typeof o.id === 'string' && typeof o.number === 'string' && typeof o.service_id === 'string';
}

function counterRef(v: unknown): CounterRef | null {
  const o = obj(v);
  const id = str(o?.id);
  if (!o || id === null) return null;
  const n = num(o.number) ?? 0;
  return { id, number: n, name: (str(o.name) ?? `Quầy ${n}`).normalize('NFC') };
}

export function parseCounter(v: unknown): Counter | null {
  const ref = counterRef(v);
  const o = obj(v);
  if (!ref || !o) return null;
  return {
    ...ref,
    service_ids: Array.isArray(o.service_ids) ? o.service_ids.filter((x): x is string => typeof x === 'string') : [],
    current: isTicket(o.current) ? o.current : null,
    served_today: num(o.served_today) ?? 0,
  };
}

function waitingMap(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const o = obj(v);
  if (o) {
    for (const [k, n] of Object.entries(o)) {
      const x = num(n);
      if (x !== null) out[k] = x;
    }
  } else if (Array.isArray(v)) {
    // [{service_id, waiting, estimated_wait_minutes?}, …]
    for (const item of v) {
      const i = obj(item);
      const id = str(i?.service_id) ?? str(i?.id);
      const x = num(i?.waiting) ?? num(i?.count);
      if (id !== null && x !== null) out[id] = x;
    }
  }
  return out;
}

/** A `data:` line of the event stream; null if it is not a queue event. */
export function parseEvent(data: string, fallbackType: string, fallbackId: string): QueueEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  const o = obj(v);
  if (!o || !isTicket(o.ticket)) return null;
  const type = str(o.type) ?? fallbackType;
  if (!(EVENT_TYPES as readonly string[]).includes(type)) return null;
  const id = num(o.id) ?? Number(fallbackId);
  if (!Number.isFinite(id)) return null;
  return {
    id,
    type: type as EventType,
    at: str(o.at) ?? new Date().toISOString(),
    ticket: o.ticket,
    counter: counterRef(o.counter),
    waiting: waitingMap(o.waiting),
  };
}

function calledEntry(v: unknown): CalledEntry | null {
  const o = obj(v);
  if (!o) return null;
  // {ticket, counter, at} or a called event.
  const ticket = isTicket(o.ticket) ? o.ticket : null;
  const counter = counterRef(o.counter);
  if (!ticket || !counter) return null;
  return { ticket, counter, at: str(o.at) ?? str(o.called_at) ?? '' };
}

function parseService(v: unknown): Service | null {
  const o = obj(v);
  const id = str(o?.id) ?? str(o?.service_id);
  if (!o || id === null) return null;
  return {
    id,
    prefix: str(o.prefix) ?? '',
    name_vi: (str(o.name_vi) ?? id).normalize('NFC'),
    name_en: str(o.name_en) ?? str(o.name_vi) ?? id,
    open: typeof o.open === 'boolean' ? o.open : true,
    waiting: num(o.waiting) ?? 0,
    estimated_wait_minutes: num(o.estimated_wait_minutes) ?? 0,
  };
}

/** `GET /board`, read leniently; services without names are completed from `GET /services`. */
export async function fetchBoard(): Promise<BoardSnapshot> {
  const raw = obj(await request<unknown>('GET', '/board')) ?? {};
  const counters = (Array.isArray(raw.counters) ? raw.counters : []).map(parseCounter).filter((c): c is Counter => c !== null);
  const lastRaw = Array.isArray(raw.last_called) ? raw.last_called : [];
  let services = (Array.isArray(raw.services) ? raw.services : []).map(parseService).filter((s): s is Service => s !== null);
  const waiting = waitingMap(raw.waiting);
  const estimates = waitingMap(raw.estimated_wait_minutes ?? raw.estimated_waits);
  if (services.length === 0 || services.some((s) => s.prefix === '')) {
    services = (await fetchServices()).map((s) => ({ ...s }));
  }
  for (const s of services) {
    if (s.id in waiting) s.waiting = waiting[s.id];
    if (s.id in estimates) s.estimated_wait_minutes = estimates[s.id];
  }
  return {
    office_name: str(raw.office_name)?.normalize('NFC') ?? null,
    counters,
    last_called: lastRaw.map(calledEntry).filter((c): c is CalledEntry => c !== null),
    services,
    server_time: str(raw.server_time),
    last_event_id: num(raw.last_event_id) ?? 0,
  };
}

export async function fetchServices(): Promise<Service[]> {
  const list = await request<unknown>('GET', '/services');
  return (Array.isArray(list) ? list : []).map(parseService).filter((s): s is Service => s !== null);
}

export async function fetchCounters(): Promise<Counter[]> {
  const list = await request<unknown>('GET', '/counters');
  return (Array.isArray(list) ? list : []).map(parseCounter).filter((c): c is Counter => c !== null);
}

export type CounterAction = 'call-next' | 'recall' | 'skip' | 'transfer' | 'complete';

/** What a counter action answers: the counter after it and the ticket acted on. */
export interface ActionResult {
  counter: Counter | null;
  ticket: Ticket | null;
}

export async function counterAction(
  counterId: string,
  action: CounterAction,
  body: { ticket_id?: string; service_id?: string } = {},
): Promise<ActionResult> {
  const v = obj(await request<unknown>('POST', `/counters/${encodeURIComponent(counterId)}/${action}`, body));
  return {
    counter: parseCounter(v?.counter),
    ticket: isTicket(v?.ticket) ? v.ticket : null,
  };
}

/** The spoken announcement of a `called`/`recalled` event. */
export function announcementUrl(eventId: number): string {
  return `${API}/announcements/${eventId}.wav`;
}
