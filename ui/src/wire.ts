// Wire types shared by every page (kiosk, counter, board) and the error helpers. No Tauri here:
// the counter and board pages run in ordinary browsers.

export type Lang = 'vi' | 'en';

// The shapes themselves are generated from the Rust types (src-tauri/wire_ts.rs).
export type * from './generated';
export { ERROR_CODES, EVENT_KINDS, PRIORITIES, PRIORITY_LABELS } from './generated';
import { type ApiError, type ErrorCode, ERROR_CODES } from './generated';

/** What a failed call gave: an ApiError, or sometimes a plain string. */
export type CommandError = ApiError | string;

/** Whether `c` is one of the codes the Rust side can answer. */
export function isErrorCode(c: unknown): c is ErrorCode {
  return typeof c === 'string' && (ERROR_CODES as readonly string[]).includes(c);
}

export function isApiError(e: unknown): e is ApiError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    // Any code string: a newer server's code still shows its bilingual message.
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
