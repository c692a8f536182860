// The kiosk's Tauri commands: wire types and the invoke wrappers, in one place.
// Rust fields are snake_case on the wire; command arguments are camelCase in JS.

import { invoke } from '@tauri-apps/api/core';

import { type ApiError, type Lang, type Priority, type Service, type Ticket, toCommandError } from './wire';

export * from './wire';

export interface KioskInfo {
  office_name: string;
  language: Lang;
  idle_timeout_secs: number;
  demo: boolean;
  online: boolean;
  kiosk_id: string;
  version: string;
}

export interface IssuedTicket {
  ticket: Ticket;
  /** SVG markup made by the backend. */
  qr_svg: string;
  printed: boolean;
  print_error: ApiError | null;
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

export interface KioskStatus {
  online: boolean;
  outbox_pending: number;
  outbox_rejected: number;
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

// ---------------------------------------------------------------- procedure catalog (issue 4)

/** One search result. */
export interface ProcedureHit {
  code: string;
  name: string;
  field: string;
  levels: string[];
  online: boolean;
  score: number;
}

export interface FieldCount {
  field: string;
  count: number;
}

export interface Duration {
  value: number;
  unit: string;
}

export interface ProcedureChannel {
  /** "online", "in_person" or "postal". */
  channel: string;
  duration: Duration | null;
  fee_vnd: number | null;
  fee_text: string;
}

export interface ProcedureDocument {
  name: string;
  template: string | null;
  originals: number;
  copies: number;
}

/** A procedure as the kiosk shows it. */
export interface ProcedureDetail {
  code: string;
  name: string;
  field: string;
  agency: string;
  levels: string[];
  channels: ProcedureChannel[];
  documents: ProcedureDocument[];
  results: { name: string; code: string | null }[];
  requirements: string;
  legal_basis: string;
  public_url: string;
  /** SVG markup of the QR of public_url, made by the backend. */
  qr_svg: string;
  /** The service queue this procedure's field maps to, if any. */
  service_id: string | null;
  /** Whether it came from the kiosk's offline copy of the catalog. */
  from_cache: boolean;
}

export interface SearchArgs {
  q: string;
  field: string | null;
  online: boolean;
  limit: number;
}

export function searchProcedures(args: SearchArgs): Promise<ProcedureHit[]> {
  return call<ProcedureHit[]>('search_procedures', { ...args });
}

export function procedureFields(): Promise<FieldCount[]> {
  return call<FieldCount[]>('procedure_fields');
}

export function getProcedure(code: string): Promise<ProcedureDetail> {
  return call<ProcedureDetail>('get_procedure', { code });
}

export interface PrintResult {
  printed: boolean;
  print_error: ApiError | null;
}

/** Print the list of documents to bring (the kiosk's printer). */
export function printChecklist(code: string): Promise<PrintResult> {
  return call<PrintResult>('print_checklist', { code });
}
