// The staff side of the office API (docs/STAFF-API.md) for the counter page: sign-in, the
// session's counter, password change, the audit trail and the admin's staff and devices.
// The session cookie is HttpOnly; the CSRF token is kept in memory (office.ts) and sent on every
// state-changing request.

import { type RequestError, request, setCsrfToken } from '../office';

// The wire shapes, generated from the Rust types (crates/core/src/staff.rs).
import type { AuditEntry } from '../generated/AuditEntry';
import type { DeviceWire } from '../generated/DeviceWire';
import type { EnrollCode } from '../generated/EnrollCode';
import type { Role } from '../generated/Role';
import type { StaffSessionWire } from '../generated/StaffSessionWire';
import type { StaffWire } from '../generated/StaffWire';
export type { AuditEntry, DeviceWire, EnrollCode, StaffWire };
export type StaffRole = Role;
export type StaffSession = StaffSessionWire;
export type ActorKind = 'staff' | 'device' | 'cli' | 'system';
export type DeviceKindName = DeviceWire['kind'];

/** Whether this role may see the audit trail. */
export function seesAudit(role: StaffRole): boolean {
  return role === 'manager' || role === 'admin';
}

function remember(s: StaffSession): StaffSession {
  setCsrfToken(s.csrf_token);
  return s;
}

/** Signs in; the cookie is set by the answer. A 401 here is the answer, not a lost session. */
export async function signIn(username: string, password: string): Promise<StaffSession> {
  return remember(await request<StaffSession>('POST', '/staff/session', { username, password }, { session: false }));
}

/** The session this browser already has (a reload), or null when there is none. */
export async function restoreSession(): Promise<StaffSession | null> {
  try {
    return remember(await request<StaffSession>('GET', '/staff/session', undefined, { session: false }));
  } catch (e) {
    if ((e as RequestError).status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

/** Signs out (the cookie is cleared); forgets the token whatever the answer. */
export async function signOut(): Promise<void> {
  try {
    await request<null>('DELETE', '/staff/session', undefined, { session: false });
  } finally {
    setCsrfToken(null);
  }
}

/** Binds the session to a counter: from then on it acts only there. */
export async function chooseCounter(counterId: string): Promise<StaffSession> {
  return remember(await request<StaffSession>('POST', '/staff/session/counter', { counter_id: counterId }));
}

export const MIN_PASSWORD = 10;

export function changePassword(current: string, next: string): Promise<null> {
  return request<null>('POST', '/staff/password', { current_password: current, new_password: next });
}

export const AUDIT_PAGE = 100;

/** The audit trail, newest first; `before`: entries older than that id. */
export function fetchAudit(before: number | null, limit = AUDIT_PAGE): Promise<AuditEntry[]> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== null) q.set('before', String(before));
  return request<AuditEntry[]>('GET', `/audit?${q.toString()}`);
}

/** Every entry, oldest first, as CSV (UTF-8 with a BOM, for a spreadsheet). */
export const AUDIT_CSV_URL = '/api/v1/audit.csv';

export function listStaff(): Promise<StaffWire[]> {
  return request<StaffWire[]>('GET', '/staff');
}

export function setStaffEnabled(username: string, enabled: boolean): Promise<StaffWire> {
  return request<StaffWire>('POST', `/staff/${encodeURIComponent(username)}/${enabled ? 'enable' : 'disable'}`);
}

export function listDevices(): Promise<DeviceWire[]> {
  return request<DeviceWire[]>('GET', '/devices');
}

export function revokeDevice(name: string): Promise<DeviceWire> {
  return request<DeviceWire>('POST', `/devices/${encodeURIComponent(name)}/revoke`);
}

export function makeEnrollCode(kind: DeviceKindName): Promise<EnrollCode> {
  return request<EnrollCode>('POST', '/devices/enroll-codes', { kind });
}
