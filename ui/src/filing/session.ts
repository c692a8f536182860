// One citizen's filing session, in memory only. `clear()` drops every bit of it (and the screens
// that showed it are gone with the route stack); nothing here is ever written to storage.

import type { CitizenProfile } from '../generated';
import type { FormDef } from './forms';

/** The signed-in citizen's profile (generated from the Rust type). */
export type { CitizenProfile };

export interface ChecklistItem {
  /** The official name, as published (what the dossier records). */
  name: string;
  /** Its short plain title (from the catalog), shown large above the official name. */
  shortTitle: string;
  originals: number;
  copies: number;
  /** Needed only in some cases ("Trường hợp…", "…trong trường hợp…"): listed after the others. */
  conditional: boolean;
  /** A file attached here (content in memory until the submission leaves), or paper. */
  choice: { kind: 'file'; fileName: string; mediaType: string; size: number; base64: string } | { kind: 'paper' } | null;
}

export interface FilingState {
  profile: CitizenProfile | null;
  demo: boolean;
  procedureCode: string | null;
  procedureName: string;
  /** The queue service of the procedure (to file at the counter instead). */
  serviceId: string | null;
  form: FormDef | null;
  answers: Partial<Record<string, string>>;
  /** Typed or chosen on a screen but not yet confirmed with Continue (redraws keep it). */
  drafts: Partial<Record<string, string>>;
  /** Questions the citizen has confirmed (prefilled ones are asked too, answered). */
  step: number;
  documents: ChecklistItem[];
  delivery: { method: 'office' } | { method: 'post'; address: string } | null;
}

function fresh(): FilingState {
  return {
    profile: null,
    demo: false,
    procedureCode: null,
    procedureName: '',
    serviceId: null,
    form: null,
    answers: {},
    drafts: {},
    step: 0,
    documents: [],
    delivery: null,
  };
}

export let filing: FilingState = fresh();

/** Whether a citizen is signed in or has started a dossier. */
export function active(): boolean {
  return filing.profile !== null || filing.procedureCode !== null;
}

/** Forget everything about the citizen. */
export function clear(): void {
  // Overwrite the attachments' contents before letting go of them.
  for (const d of filing.documents) {
    if (d.choice?.kind === 'file') d.choice.base64 = '';
  }
  filing = fresh();
}

/** The bytes of a file as base64 (the wire form of an attachment). */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(bin);
}

/** What a file is, by its first bytes (not its name): pdf, jpeg, png, or null. */
export function sniff(bytes: Uint8Array): 'application/pdf' | 'image/jpeg' | 'image/png' | null {
  const b = (i: number): number => bytes[i] ?? -1;
  if (b(0) === 0x25 && b(1) === 0x50 && b(2) === 0x44 && b(3) === 0x46 && b(4) === 0x2d) return 'application/pdf';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) {
    return 'image/png';
  }
  return null;
}

export const MAX_FILE = 10 * 1024 * 1024;
export const MAX_DOSSIER = 30 * 1024 * 1024;

/** Bytes attached so far. */
export function attachedBytes(): number {
  return filing.documents.reduce((n, d) => n + (d.choice?.kind === 'file' ? d.choice.size : 0), 0);
}

/** Folded for matching: lower case, NFC. */
const low = (s: string): string => s.normalize('NFC').toLowerCase();

/** Whether a catalog document is needed only in some cases (by its wording). */
export function isConditional(name: string): boolean {
  const n = low(name).trim();
  // "(i)…(v)": the national data numbers the cases of one requirement this way.
  if (/^\(?[ivx]+\)\s/u.test(n)) return true;
  return (
    /^(trường hợp|đối với|nếu|khi)\s/u.test(n) ||
    /(trong|đối với) trường hợp/u.test(n) ||
    /\(nếu\s/u.test(n)
  );
}

/**
 * The documents a citizen attaches, from the catalog's list: notes the national data lists as
 * documents (no original, no copy: "Đối với việc…", "+ Người tiếp nhận…") are left out, and
 * what everyone brings comes before what only some cases need.
 */
export function checklistFrom(
  docs: readonly { name: string; short_title?: string; originals: number; copies: number }[],
): ChecklistItem[] {
  const items = docs
    .filter((d) => d.originals + d.copies > 0)
    .map((d) => ({
      name: d.name.normalize('NFC').trim(),
      shortTitle: (d.short_title ?? '').normalize('NFC').trim(),
      originals: d.originals,
      copies: d.copies,
      conditional: isConditional(d.name),
      choice: null,
    }));
  return [...items.filter((d) => !d.conditional), ...items.filter((d) => d.conditional)];
}
