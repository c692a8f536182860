// The staff wire as the counter page sends it (docs/STAFF-API.md): the cookie goes by itself
// (credentials same-origin), the CSRF token from the sign-in on every state-changing request
// and never on a GET, a 401 ends the session (except the sign-in's own), a 429's wait is said.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { onUnauthorized, setCsrfToken } from '../office';
import { chooseCounter, fetchAudit, restoreSession, signIn, signOut } from './staff';
import { withWait } from './staffViews';

interface Sent {
  url: string;
  init: RequestInit;
}

let sent: Sent[] = [];
let answers: Response[] = [];

function answer(status: number, body: unknown, headers: Record<string, string> = {}): void {
  answers.push(
    new Response(body === null ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    }),
  );
}

const SESSION = {
  csrf_token: 'csrf-123',
  staff: { username: 'lan', full_name: 'Nguyễn Thị Lan', role: 'counter', counters: [], services: [], enabled: true },
  counter_id: null,
  idle_timeout_secs: 1800,
};

function headers(i: number): Record<string, string> {
  return (sent[i]?.init.headers ?? {}) as Record<string, string>;
}

beforeEach(() => {
  sent = [];
  answers = [];
  vi.stubGlobal('window', globalThis);
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit) => {
      sent.push({ url, init });
      const r = answers.shift();
      return r ? Promise.resolve(r) : Promise.reject(new Error('no answer'));
    }),
  );
  setCsrfToken(null);
  onUnauthorized(null);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('staff session', () => {
  it('signs in, then sends the CSRF token on state changes only, always with credentials', async () => {
    answer(200, SESSION);
    const s = await signIn('lan', 'mat khau dai');
    expect(s.staff.full_name).toBe('Nguyễn Thị Lan');
    expect(sent[0]?.url).toBe('/api/v1/staff/session');
    expect(sent[0]?.init.method).toBe('POST');
    expect(JSON.parse(sent[0]?.init.body as string)).toEqual({ username: 'lan', password: 'mat khau dai' });
    expect(headers(0)['X-CSRF-Token']).toBeUndefined();

    answer(200, { ...SESSION, counter_id: 'quay-1' });
    await chooseCounter('quay-1');
    expect(sent[1]?.url).toBe('/api/v1/staff/session/counter');
    expect(headers(1)['X-CSRF-Token']).toBe('csrf-123');
    expect(sent[1]?.init.credentials).toBe('same-origin');

    answer(200, []);
    await fetchAudit(null);
    expect(sent[2]?.url).toBe('/api/v1/audit?limit=100');
    expect(headers(2)['X-CSRF-Token']).toBeUndefined();
    expect(sent[2]?.init.credentials).toBe('same-origin');

    answer(200, []);
    await fetchAudit(42, 100);
    expect(sent[3]?.url).toBe('/api/v1/audit?limit=100&before=42');

    answer(204, null);
    await signOut();
    expect(sent[4]?.init.method).toBe('DELETE');
    expect(headers(4)['X-CSRF-Token']).toBe('csrf-123');

    // Signed out: no token any more.
    answer(200, []);
    await fetchAudit(null);
    expect(headers(5)['X-CSRF-Token']).toBeUndefined();
  });

  it('a wrong password is the answer, not a lost session', async () => {
    const hook = vi.fn();
    onUnauthorized(hook);
    answer(401, { code: 'bad_credentials', message: 'x', message_vi: 'Sai mật khẩu.', message_en: 'Wrong password.' });
    await expect(signIn('lan', 'sai')).rejects.toMatchObject({ code: 'bad_credentials', status: 401 });
    expect(hook).not.toHaveBeenCalled();
  });

  it('a 401 on any other request ends the session', async () => {
    const hook = vi.fn();
    onUnauthorized(hook);
    answer(401, { code: 'unauthorized', message: 'x', message_vi: 'Cần đăng nhập.', message_en: 'Sign in.' });
    await expect(fetchAudit(null)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(hook).toHaveBeenCalledTimes(1);
  });

  it('a reload without a session gives null', async () => {
    answer(401, { code: 'unauthorized', message: 'x', message_vi: 'Cần đăng nhập.', message_en: 'Sign in.' });
    expect(await restoreSession()).toBeNull();
    answer(200, SESSION);
    expect((await restoreSession())?.csrf_token).toBe('csrf-123');
  });

  it('a lockout says how long to wait when the message does not', async () => {
    answer(429, { code: 'too_many_attempts', message: 'x', message_vi: 'Tài khoản tạm khoá.', message_en: 'Account locked.' }, { 'Retry-After': '300' });
    const err: unknown = await signIn('lan', 'x').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'too_many_attempts', retry_after_secs: 300 });
    const shown = withWait(err);
    expect(shown).toMatchObject({
      message_vi: 'Tài khoản tạm khoá. Vui lòng thử lại sau 5 phút.',
      message_en: 'Account locked. Please try again in 5 minutes.',
    });
    // The server's own wait is not said twice.
    const own = withWait({ ...(err as object), message_vi: 'Thử lại sau 5 phút.', message_en: 'Try again in 5 minutes.' });
    expect(own).toMatchObject({ message_vi: 'Thử lại sau 5 phút.' });
  });
});
