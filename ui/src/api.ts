// The kiosk's Tauri commands: the invoke wrappers. Their answers' types are generated from
// the Rust types (./generated), never written here.
// Rust fields are snake_case on the wire; command arguments are camelCase in JS.

import { invoke } from '@tauri-apps/api/core';

import type {
  DossierRequest,
  FieldCount,
  Hit,
  IssuedTicket,
  KioskInfo,
  KioskStatus,
  Priority,
  PrintOutcome,
  PrintResult,
  ProcedureView,
  ScanResult,
  ScannedFile,
  Service,
  SignInStartView,
  SignInState,
  StaffState,
  StaffTools,
  SubmitResult,
} from './generated';
import { toCommandError } from './wire';

export * from './wire';

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

/** Whether the office server answers, and offline tickets not yet handed to it. */
export function kioskStatus(): Promise<KioskStatus> {
  return call<KioskStatus>('kiosk_status');
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

/** "In lại": the last ticket issued at this kiosk, printed again. */
export function reprintTicket(ticketId: string): Promise<PrintOutcome> {
  return call<PrintOutcome>('reprint_ticket', { ticketId });
}

/** The local emergency PIN: resolves (with null) when right; rejects with "wrong_pin" or "locked_out". */
export function staffUnlock(pin: string): Promise<null> {
  return call<null>('staff_unlock', { pin });
}

// ---------------------------------------------------------------- staff assist (issue 12)

/** Whether the kiosk is enrolled, who assists, whether an emergency PIN exists. */
export function staffState(): Promise<StaffState> {
  return call<StaffState>('staff_state');
}

/** Enrolls the kiosk with the one-time code an admin made (rejects with "bad_enroll_code"). */
export function enrollKiosk(code: string): Promise<StaffState> {
  return call<StaffState>('enroll_kiosk', { code });
}

/** A staff member signs in with their own account (rejects with "bad_credentials", "too_many_attempts"). */
export function assistSignIn(username: string, password: string): Promise<StaffState> {
  return call<StaffState>('assist_sign_in', { username, password });
}

/** Ends assist mode at the office server; the token leaves memory. Never fails. */
export function assistEnd(): Promise<void> {
  return call<undefined>('assist_end');
}

export function staffTools(): Promise<StaffTools> {
  return call<StaffTools>('staff_tools');
}

export function printTestPage(): Promise<void> {
  return call<undefined>('print_test_page');
}

export function reprintLastTicket(): Promise<PrintOutcome> {
  return call<PrintOutcome>('reprint_last_ticket');
}

export function reprintLastReceipt(): Promise<void> {
  return call<undefined>('reprint_last_receipt');
}

export function exitKiosk(): Promise<void> {
  return call<undefined>('exit_kiosk');
}

/** Tells the backend the home screen is on screen (start-up timing). Never fails. */
export function uiReady(): void {
  call<null>('ui_ready').catch(() => undefined);
}

// ---------------------------------------------------------------- procedure catalog (issue 4)

export interface SearchArgs {
  q: string;
  field: string | null;
  online: boolean;
  limit: number;
}

export function searchProcedures(args: SearchArgs): Promise<Hit[]> {
  return call<Hit[]>('search_procedures', { ...args });
}

export function procedureFields(): Promise<FieldCount[]> {
  return call<FieldCount[]>('procedure_fields');
}

export function getProcedure(code: string): Promise<ProcedureView> {
  return call<ProcedureView>('get_procedure', { code });
}

/** Print the list of documents to bring (the kiosk's printer). */
export function printChecklist(code: string): Promise<PrintResult> {
  return call<PrintResult>('print_checklist', { code });
}

// ---------------------------------------------------------------- online filing (issue 5)

export function signinStart(): Promise<SignInStartView> {
  return call<SignInStartView>('signin_start');
}

export function signinStatus(): Promise<SignInState> {
  return call<SignInState>('signin_status');
}

/** Ends the citizen's session: signs out and forgets the profile (backend side). */
export function sessionEnd(): Promise<void> {
  return call<undefined>('session_end');
}

export function scanDecode(text: string): Promise<ScanResult> {
  return call<ScanResult>('scan_decode', { text });
}

export function submitDossier(request: DossierRequest): Promise<SubmitResult> {
  return call<SubmitResult>('submit_dossier', { request });
}

export function scannerTake(): Promise<ScannedFile> {
  return call<ScannedFile>('scanner_take');
}
