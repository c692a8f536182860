// Wire types shared by every page (kiosk, counter, board) and the error helpers. No Tauri here:
// the counter and board pages run in ordinary browsers.

export type Lang = 'vi' | 'en';

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
  /** Issued by a kiosk while the office server could not be reached (number `A1-007`). */
  offline?: boolean;
}

export interface ApiError {
  code: string;
  message: string;
  message_vi: string;
  message_en: string;
}

/** What a failed call gave: an ApiError, or sometimes a plain string. */
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

/** Turns whatever a call rejected with into an ApiError or a string. */
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
