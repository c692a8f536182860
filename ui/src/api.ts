// The kiosk's Tauri commands: wire types and the invoke wrappers, in one place.
// Rust fields are snake_case on the wire; command arguments are camelCase in JS.

import { invoke } from '@tauri-apps/api/core';

import type { CitizenProfile } from './filing/session';
import { type ApiError, type Lang, type Priority, type Service, type Ticket, toCommandError } from './wire';

export * from './wire';
export type { CitizenProfile };

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
  has_online: boolean;
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

// ---------------------------------------------------------------- online filing (issue 5)


/** A sign-in started: what the screen shows while the citizen scans with the VNeID app. */
export interface SignInStart {
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string | null;
  /** SVG of the QR the phone scans (verification_uri_complete, else verification_uri). */
  qr_svg: string;
  expires_in: number;
  interval: number;
  /** A sandbox provider, not the real VNeID. */
  demo: boolean;
}

export interface SignInState {
  status: 'pending' | 'approved' | 'denied' | 'expired' | 'error';
  message_vi: string | null;
  message_en: string | null;
  profile: CitizenProfile | null;
  expires_in: number;
  demo: boolean;
}

export function signinStart(): Promise<SignInStart> {
  return call<SignInStart>('signin_start');
}

export function signinStatus(): Promise<SignInState> {
  return call<SignInState>('signin_status');
}

/** Ends the citizen's session: signs out and forgets the profile (backend side). */
export function sessionEnd(): Promise<void> {
  return call<undefined>('session_end');
}

/** What a scanned code is (the barcode scanner types it): a CCCD, a VietQR, a receipt… */
export interface ScanResult {
  kind: 'cccd' | 'vietqr' | 'receipt' | 'unknown';
  valid?: boolean;
  reason_vi?: string;
  reason_en?: string;
  id_number?: string;
  full_name?: string;
  date_of_birth?: string;
  gender?: string;
  address?: string;
}

export function scanDecode(text: string): Promise<ScanResult> {
  return call<ScanResult>('scan_decode', { text });
}

export interface AttachmentWire {
  kind: 'attachment';
  file_name: string;
  content_base64: string;
}

export interface DossierRequestWire {
  procedure_code: string;
  applicant: {
    full_name: string;
    id_number: string;
    date_of_birth: string | null;
    gender: string | null;
    address: string | null;
    phone: string | null;
    email: string | null;
  };
  answers: Record<string, string>;
  documents: {
    name: string;
    originals: number;
    copies: number;
    submission: AttachmentWire | { kind: 'paper_at_counter' };
  }[];
  delivery: { method: 'office' } | { method: 'post'; address: string };
}

export interface DossierWire {
  code: string;
  procedure_code: string;
  procedure_name: string;
  received_at: string;
  due_date: string;
  fee_vnd: number;
  status: string;
  tracking_url: string;
  payment: { amount_vnd: number; vietqr: string } | null;
}

export interface SubmitResult {
  /** Null while the submission waits in the kiosk's outbox (server unreachable). */
  dossier: DossierWire | null;
  tracking_qr_svg: string | null;
  payment_qr_svg: string | null;
  printed: boolean;
  print_error: ApiError | null;
}

export function submitDossier(request: DossierRequestWire): Promise<SubmitResult> {
  return call<SubmitResult>('submit_dossier', { request });
}

/** A file from the kiosk's document scanner (the newest page it saved), taken out of its folder. */
export interface ScannedFile {
  file_name: string;
  media_type: string;
  size: number;
  content_base64: string;
}

export function scannerTake(): Promise<ScannedFile> {
  return call<ScannedFile>('scanner_take');
}
