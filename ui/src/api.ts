// The kiosk's Tauri commands: wire types and the invoke wrappers, in one place.
// Rust fields are snake_case on the wire; command arguments are camelCase in JS.

import { invoke } from '@tauri-apps/api/core';

export type Lang = 'vi' | 'en';

export interface KioskInfo {
  office_name: string;
  language: Lang;
  idle_timeout_secs: number;
  demo: boolean;
  online: boolean;
  kiosk_id: string;
  version: string;
}

export interface Service {
  id: string;
  prefix: string;
  name_vi: string;
  name_en: string;
  open: boolean;
  waiting: number;
  estimated_wait_minutes: number;
}

export const PRIORITIES = [
  'none',
  'elderly',
  'disabled',
  'pregnant',
  'child_under_6',
  'appointment',
] as const;

export type Priority = (typeof PRIORITIES)[number];

export type TicketStatus = 'waiting' | 'called' | 'skipped' | 'completed';

export interface Ticket {
  id: string;
  /** Display form, e.g. "A023". */
  number: string;
  service_id: string;
  priority: Priority;
  /** RFC 3339, local time (+07:00). */
  issued_at: string;
  people_ahead: number;
  estimated_wait_minutes: number;
  status_url: string;
  status: TicketStatus;
  service_name_vi?: string;
  service_name_en?: string;
  office_name?: string;
}

export interface ApiError {
  code: string;
  message: string;
  message_vi: string;
  message_en: string;
}

export interface IssuedTicket {
  ticket: Ticket;
  /** SVG markup made by the backend. */
  qr_svg: string;
  printed: boolean;
  print_error: ApiError | null;
}

/** What a rejected command gave: an ApiError, or sometimes a plain string. */
export type CommandError = ApiError | string;

export function isApiError(e: unknown): e is ApiError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.code === 'string' &&
    typeof o.message_vi === 'string' &&
    typeof o.message_en === 'string'
  );
}

/** Turns whatever an invoke rejected with into an ApiError or a string. */
export function toCommandError(e: unknown): CommandError {
  if (isApiError(e)) {
    return {
      code: e.code,
      message: typeof e.message === 'string' ? e.message : `${e.message_vi} / ${e.message_en}`,
      message_vi: e.message_vi.normalize('NFC'),
      message_en: e.message_en,
    };
  }
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** The error code, or undefined for a plain-string error. */
export function errorCode(e: CommandError): string | undefined {
  return typeof e === 'string' ? undefined : e.code;
}

function hasTauri(): boolean {
  return '__TAURI_INTERNALS__' in window;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  // DEV-ONLY sample data for looking at screens in a plain browser. `import.meta.env.DEV`
  // is the constant false in production builds, so this branch and the module are dropped.
  if (import.meta.env.DEV && !hasTauri()) {
    const { mockInvoke } = await import('./dev/mock');
    try {
      return (await mockInvoke(cmd, args)) as T;
    } catch (e) {
      throw toCommandError(e);
    }
  }
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toCommandError(e);
  }
}

export function kioskInfo(): Promise<KioskInfo> {
  return call<KioskInfo>('kiosk_info');
}

export function listServices(): Promise<Service[]> {
  return call<Service[]>('list_services');
}

export function issueTicket(serviceId: string, priority: Priority): Promise<IssuedTicket> {
  return call<IssuedTicket>('issue_ticket', { serviceId, priority });
}

/** Resolves (with null) when the PIN is right; rejects with "wrong_pin" or "locked_out". */
export function staffUnlock(pin: string): Promise<null> {
  return call<null>('staff_unlock', { pin });
}

export function exitKiosk(): Promise<void> {
  return call<undefined>('exit_kiosk');
}

/** Tells the backend the home screen is on screen (start-up timing). Never fails. */
export function uiReady(): void {
  call<null>('ui_ready').catch(() => undefined);
}
