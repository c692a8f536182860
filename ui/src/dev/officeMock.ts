/// <reference types="node" />
// DEV ONLY: a small in-memory office server (docs/QUEUE.md) inside `npm run dev`, so the counter
// page and the TV board can be looked at without the Rust server. A Vite plugin (serve only):
// it never reaches a build. With MOTCUA_OFFICE=http://127.0.0.1:8080 Vite proxies /api to a
// real office server instead. A ticket is issued every 20 s (MOCK_ISSUE_SECS, 0 = never).
// Staff (docs/STAFF-API.md): sign in as lan (counter), quanly (manager) or admin, each with the
// password "matkhau-demo"; the session is a cookie, state changes need its X-CSRF-Token, and
// every counter action is in the audit trail (GET /api/v1/audit, /api/v1/audit.csv).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

interface MockTicket {
  id: string;
  number: string;
  service_id: string;
  priority: string;
  issued_at: string;
  people_ahead: number;
  estimated_wait_minutes: number;
  status_url: string;
  status: 'waiting' | 'called' | 'skipped' | 'completed';
  service_name_vi: string;
  service_name_en: string;
}

interface MockCounter {
  id: string;
  number: number;
  name: string;
  service_ids: string[];
  current: MockTicket | null;
  served_today: number;
}

const SERVICES = [
  { id: 'ho-tich', prefix: 'A', name_vi: 'Hộ tịch – Chứng thực', name_en: 'Civil status – Certification', minutes: 10 },
  { id: 'dat-dai', prefix: 'B', name_vi: 'Đất đai – Xây dựng', name_en: 'Land – Construction', minutes: 20 },
  { id: 'kinh-doanh', prefix: 'C', name_vi: 'Kinh doanh', name_en: 'Business registration', minutes: 15 },
  { id: 'lao-dong', prefix: 'D', name_vi: 'Lao động – Thương binh – Xã hội', name_en: 'Labour – Invalids – Social affairs', minutes: 10 },
];

const counters: MockCounter[] = [
  ['quay-1', 1, ['ho-tich']],
  ['quay-2', 2, ['ho-tich', 'kinh-doanh']],
  ['quay-3', 3, ['dat-dai']],
  ['quay-4', 4, ['kinh-doanh', 'lao-dong']],
].map(([id, n, s]) => ({
  id: id as string,
  number: n as number,
  name: `Quầy ${n as number}`,
  service_ids: s as string[],
  current: null,
  served_today: 0,
}));

const tickets: MockTicket[] = [];
const seq = new Map<string, number>();
const events: { id: number; type: string; data: string }[] = [];
const streams = new Set<ServerResponse>();
const lastCalled: { ticket: MockTicket; counter: { id: string; number: number; name: string }; at: string }[] = [];

function now(): string {
  const d = new Date(Date.now() + 7 * 3600_000);
  return `${d.toISOString().slice(0, 19)}+07:00`;
}

function waitingMap(): Record<string, number> {
  return Object.fromEntries(SERVICES.map((s) => [s.id, tickets.filter((t) => t.service_id === s.id && t.status === 'waiting').length]));
}

function services(): unknown[] {
  const w = waitingMap();
  return SERVICES.map((s) => {
    const n = counters.filter((c) => c.service_ids.includes(s.id)).length || 1;
    return {
      id: s.id,
      prefix: s.prefix,
      name_vi: s.name_vi,
      name_en: s.name_en,
      open: true,
      waiting: w[s.id],
      estimated_wait_minutes: Math.ceil(((w[s.id] ?? 0) * s.minutes) / n),
    };
  });
}

function ref(c: MockCounter): { id: string; number: number; name: string } {
  return { id: c.id, number: c.number, name: c.name };
}

function emit(type: string, ticket: MockTicket, counter: MockCounter | null): void {
  const id = (events.at(-1)?.id ?? 0) + 1;
  const data = JSON.stringify({ id, type, at: now(), ticket, counter: counter && ref(counter), waiting: waitingMap() });
  events.push({ id, type, data });
  if (counter && (type === 'called' || type === 'recalled')) {
    lastCalled.unshift({ ticket, counter: ref(counter), at: now() });
    lastCalled.splice(8);
  }
  for (const res of streams) res.write(`id: ${id}\nevent: ${type}\ndata: ${data}\n\n`);
}

function issue(serviceId: string, priority = 'none'): MockTicket {
  const s = SERVICES.find((x) => x.id === serviceId) ?? SERVICES[0];
  const n = (seq.get(s.id) ?? 0) + 1;
  seq.set(s.id, n);
  const t: MockTicket = {
    id: `t${String(tickets.length + 1).padStart(31, '0')}`,
    number: `${s.prefix}${String(n).padStart(3, '0')}`,
    service_id: s.id,
    priority,
    issued_at: now(),
    people_ahead: waitingMap()[s.id] ?? 0,
    estimated_wait_minutes: 0,
    status_url: '',
    status: 'waiting',
    service_name_vi: s.name_vi,
    service_name_en: s.name_en,
  };
  tickets.push(t);
  emit('issued', t, null);
  return t;
}

/** Answers; true (the request was handled). */
function apiError(res: ServerResponse, status: number, code: string, vi: string, en: string): true {
  return json(res, status, { code, message: en, message_vi: vi, message_en: en });
}

function json(res: ServerResponse, status: number, body: unknown): true {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
  return true;
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => {
      s += c.toString();
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(s || '{}') as Record<string, unknown>);
      } catch {
        resolve({});
      }
    });
  });
}

function finish(c: MockCounter, status: 'completed' | 'skipped', type: string): void {
  if (!c.current) return;
  const t = c.current;
  t.status = status;
  c.current = null;
  if (status === 'completed') c.served_today += 1;
  emit(type, t, c);
}

async function counterAction(req: IncomingMessage, res: ServerResponse, id: string, action: string): Promise<true> {
  const c = counters.find((x) => x.id === id);
  if (!c) return apiError(res, 404, 'unknown_counter', `Không có quầy “${id}”.`, `No counter “${id}”.`);
  const body = await readBody(req);
  if (typeof body.ticket_id === 'string' && body.ticket_id !== c.current?.id) {
    return apiError(res, 409, 'not_current_ticket', 'Số này không phải số đang phục vụ tại quầy này.', 'This is not the ticket your counter is serving.');
  }
  if (action === 'call-next') {
    const next = tickets.find((t) => t.status === 'waiting' && c.service_ids.includes(t.service_id));
    if (!next) return apiError(res, 409, 'queue_empty', 'Không còn ai đang chờ ở các dịch vụ quầy này phục vụ.', 'Nobody is waiting for the services this counter serves.');
    finish(c, 'completed', 'completed');
    next.status = 'called';
    c.current = next;
    emit('called', next, c);
    return json(res, 200, { counter: c, ticket: next });
  }
  const t = c.current;
  if (!t) return apiError(res, 409, 'no_current_ticket', 'Quầy chưa gọi số nào.', 'The counter has not called a number.');
  if (action === 'recall') {
    emit('recalled', t, c);
  } else if (action === 'skip') {
    finish(c, 'skipped', 'skipped');
  } else if (action === 'complete') {
    finish(c, 'completed', 'completed');
  } else if (action === 'transfer') {
    const s = SERVICES.find((x) => x.id === body.service_id);
    if (!s) return apiError(res, 404, 'unknown_service', 'Không có dịch vụ này.', 'No such service.');
    t.status = 'waiting';
    t.service_id = s.id;
    c.current = null;
    emit('transferred', t, c);
  } else {
    return apiError(res, 404, 'not_found', 'Không tìm thấy.', 'Not found.');
  }
  return json(res, 200, { counter: c, ticket: t });
}

function board(): unknown {
  return {
    office_name: 'UBND xã Tân Phú – Bộ phận Một cửa',
    counters,
    last_called: lastCalled.slice(0, 4),
    services: services(),
    server_time: now(),
    last_event_id: events.at(-1)?.id ?? 0,
  };
}

function stream(req: IncomingMessage, res: ServerResponse, url: URL): true {
  const header = req.headers['last-event-id'];
  const from = Number((typeof header === 'string' ? header : null) ?? url.searchParams.get('last_event_id') ?? 0) || 0;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  res.write(': hello\n\n');
  for (const e of events.filter((x) => x.id > from)) res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`);
  streams.add(res);
  const ping = setInterval(() => {
    res.write(': ping\n\n');
  }, 15_000);
  req.on('close', () => {
    clearInterval(ping);
    streams.delete(res);
  });
  return true;
}

// ------------------------------------------------------------------ staff (docs/STAFF-API.md)

interface MockStaff {
  username: string;
  full_name: string;
  role: 'counter' | 'manager' | 'admin';
  counters: string[];
  services: string[];
  enabled: boolean;
  password: string;
  failures: number;
  locked_until: number;
}

interface MockSession {
  id: string;
  csrf: string;
  username: string;
  counter_id: string | null;
  seen: number;
}

const IDLE_SECS = 30 * 60;
const staff: MockStaff[] = [
  ['lan', 'Nguyễn Thị Lan', 'counter'],
  ['quanly', 'Trần Văn Minh', 'manager'],
  ['admin', 'Lê Quang Huy', 'admin'],
].map(([username, full_name, role]) => ({
  username,
  full_name,
  role: role as MockStaff['role'],
  counters: [],
  services: [],
  enabled: true,
  password: 'matkhau-demo',
  failures: 0,
  locked_until: 0,
}));
const sessions = new Map<string, MockSession>();
const devices = [
  { name: 'kiosk-1', kind: 'kiosk', counter_id: null, created_at: now(), revoked_at: null as string | null },
  { name: 'board-1', kind: 'board', counter_id: null, created_at: now(), revoked_at: null as string | null },
];
interface MockAudit {
  id: number;
  at: string;
  actor_kind: string;
  actor: string | null;
  device: string | null;
  assisted_by: string | null;
  action: string;
  target_kind: string | null;
  target: string | null;
  detail: unknown;
  hash: string;
}
const audit: MockAudit[] = [];

function record(actor: string | null, action: string, targetKind: string | null, target: string | null): void {
  const id = audit.length + 1;
  audit.push({
    id,
    at: now(),
    actor_kind: actor ? 'staff' : 'system',
    actor,
    device: null,
    assisted_by: null,
    action,
    target_kind: targetKind,
    target,
    detail: null,
    hash: id.toString(16).padStart(64, '0'),
  });
}

function token(): string {
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}

function staffWire(s: MockStaff): unknown {
  return { username: s.username, full_name: s.full_name, role: s.role, counters: s.counters, services: s.services, enabled: s.enabled };
}

function sessionBody(x: MockSession): unknown {
  const s = staff.find((u) => u.username === x.username);
  return { csrf_token: x.csrf, staff: s && staffWire(s), counter_id: x.counter_id, idle_timeout_secs: IDLE_SECS };
}

/** The request's live session, or null. */
function sessionOf(req: IncomingMessage): MockSession | null {
  const m = /(?:^|;\s*)motcua_staff=([0-9a-f]+)/.exec(req.headers.cookie ?? '');
  const x = m ? sessions.get(m[1]) : undefined;
  if (!x) return null;
  const s = staff.find((u) => u.username === x.username);
  if (!s?.enabled || Date.now() - x.seen > IDLE_SECS * 1000) {
    sessions.delete(x.id);
    return null;
  }
  x.seen = Date.now();
  return x;
}

function unauthorized(res: ServerResponse): true {
  return apiError(res, 401, 'unauthorized', 'Cần đăng nhập để làm việc này.', 'Please sign in to do this.');
}

/** The session a state-changing request needs, with its CSRF token; null: answered already. */
function guard(req: IncomingMessage, res: ServerResponse, role?: MockStaff['role'][]): MockSession | null {
  const x = sessionOf(req);
  if (!x) {
    unauthorized(res);
    return null;
  }
  if (req.method !== 'GET' && req.headers['x-csrf-token'] !== x.csrf) {
    apiError(res, 403, 'csrf_missing', 'Yêu cầu thiếu mã bảo vệ. Vui lòng tải lại trang.', 'The request lacks its security token. Please reload the page.');
    return null;
  }
  const s = staff.find((u) => u.username === x.username);
  if (role && (!s || !role.includes(s.role))) {
    apiError(res, 403, 'forbidden', 'Tài khoản này không được làm việc này.', 'Your account may not do this.');
    return null;
  }
  return x;
}

async function signIn(req: IncomingMessage, res: ServerResponse): Promise<true> {
  const b = await readBody(req);
  const s = staff.find((u) => u.username === b.username);
  if (s && s.locked_until > Date.now()) {
    const secs = Math.ceil((s.locked_until - Date.now()) / 1000);
    res.setHeader('Retry-After', String(secs));
    return apiError(res, 429, 'too_many_attempts', 'Sai mật khẩu quá nhiều lần. Tài khoản tạm khoá.', 'Too many wrong passwords. The account is locked for a while.');
  }
  if (!s?.enabled || s.password !== b.password) {
    if (s) {
      s.failures += 1;
      if (s.failures >= 5) {
        s.failures = 0;
        s.locked_until = Date.now() + 5 * 60_000;
      }
    }
    return apiError(res, 401, 'bad_credentials', 'Tên đăng nhập hoặc mật khẩu không đúng.', 'Wrong username or password.');
  }
  s.failures = 0;
  const x: MockSession = { id: token(), csrf: token(), username: s.username, counter_id: null, seen: Date.now() };
  sessions.set(x.id, x);
  res.setHeader('Set-Cookie', `motcua_staff=${x.id}; HttpOnly; SameSite=Strict; Path=/`);
  record(s.username, 'staff.sign_in', 'staff', s.username);
  return json(res, 200, sessionBody(x));
}

function csv(): string {
  const q = (v: string | number | null): string => `"${String(v ?? '').replace(/"/g, '""')}"`;
  const head = ['id', 'at', 'actor_kind', 'actor', 'device', 'assisted_by', 'action', 'target_kind', 'target', 'hash'];
  const rows = audit.map((e) => head.map((k) => q(e[k as keyof MockAudit] as string | number | null)).join(','));
  return `\ufeff${[head.join(','), ...rows].join('\r\n')}\r\n`;
}

/** Staff routes; false: not one of them. */
function staffRoute(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const p = url.pathname;
  const method = req.method ?? 'GET';
  if (p === '/api/v1/staff/session') {
    if (method === 'POST') {
      void signIn(req, res);
      return true;
    }
    if (method === 'GET') {
      const x = sessionOf(req);
      return x ? json(res, 200, sessionBody(x)) : unauthorized(res);
    }
    if (method === 'DELETE') {
      const x = guard(req, res);
      if (!x) return true;
      sessions.delete(x.id);
      res.statusCode = 204;
      res.setHeader('Set-Cookie', 'motcua_staff=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
      res.end();
      return true;
    }
  }
  if (method === 'POST' && p === '/api/v1/staff/session/counter') {
    const x = guard(req, res);
    if (!x) return true;
    void readBody(req).then((b) => {
      const c = counters.find((k) => k.id === b.counter_id);
      if (!c) return apiError(res, 404, 'unknown_counter', 'Không có quầy này.', 'No such counter.');
      const s = staff.find((u) => u.username === x.username);
      if (s && s.counters.length > 0 && !s.counters.includes(c.id)) {
        return apiError(res, 403, 'wrong_counter', 'Tài khoản này không làm việc tại quầy này.', 'You do not work at this counter.');
      }
      x.counter_id = c.id;
      record(x.username, 'staff.choose_counter', 'counter', c.id);
      return json(res, 200, sessionBody(x));
    });
    return true;
  }
  if (method === 'POST' && p === '/api/v1/staff/password') {
    const x = guard(req, res);
    if (!x) return true;
    void readBody(req).then((b) => {
      const s = staff.find((u) => u.username === x.username);
      if (!s || s.password !== b.current_password) {
        return apiError(res, 401, 'bad_credentials', 'Mật khẩu hiện tại không đúng.', 'The current password is wrong.');
      }
      if (typeof b.new_password !== 'string' || b.new_password.length < 10) {
        return apiError(res, 400, 'bad_request', 'Mật khẩu mới cần ít nhất 10 ký tự.', 'The new password needs at least 10 characters.');
      }
      s.password = b.new_password;
      for (const [id, o] of sessions) if (o.username === s.username && id !== x.id) sessions.delete(id);
      record(s.username, 'staff.password', 'staff', s.username);
      res.statusCode = 204;
      res.end();
      return true;
    });
    return true;
  }
  if (p === '/api/v1/audit' || p === '/api/v1/audit.csv') {
    if (!guard(req, res, ['manager', 'admin'])) return true;
    if (p.endsWith('.csv')) {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.end(csv());
      return true;
    }
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, 500);
    const before = Number(url.searchParams.get('before') ?? 0) || Infinity;
    return json(res, 200, [...audit].reverse().filter((e) => e.id < before).slice(0, limit));
  }
  if (p === '/api/v1/staff' && method === 'GET') {
    if (!guard(req, res, ['admin'])) return true;
    return json(res, 200, staff.map(staffWire));
  }
  const sm = /^\/api\/v1\/staff\/([^/]+)\/(enable|disable)$/.exec(p);
  if (sm && method === 'POST') {
    const x = guard(req, res, ['admin']);
    if (!x) return true;
    const s = staff.find((u) => u.username === decodeURIComponent(sm[1]));
    if (!s) return apiError(res, 404, 'not_found', 'Không có tài khoản này.', 'No such account.');
    s.enabled = sm[2] === 'enable';
    record(x.username, `staff.${sm[2]}`, 'staff', s.username);
    return json(res, 200, staffWire(s));
  }
  if (p === '/api/v1/devices' && method === 'GET') {
    if (!guard(req, res, ['admin'])) return true;
    return json(res, 200, devices);
  }
  const dm = /^\/api\/v1\/devices\/([^/]+)\/revoke$/.exec(p);
  if (dm && method === 'POST') {
    const x = guard(req, res, ['admin']);
    if (!x) return true;
    const d = devices.find((k) => k.name === decodeURIComponent(dm[1]));
    if (!d) return apiError(res, 404, 'not_found', 'Không có thiết bị này.', 'No such device.');
    d.revoked_at ??= now();
    record(x.username, 'device.revoke', 'device', d.name);
    return json(res, 200, d);
  }
  if (p === '/api/v1/devices/enroll-codes' && method === 'POST') {
    const x = guard(req, res, ['admin']);
    if (!x) return true;
    record(x.username, 'device.enroll_code', 'device', null);
    const code = String(Math.floor(100000 + Math.random() * 900000));
    return json(res, 201, { code, expires_at: new Date(Date.now() + 15 * 60_000).toISOString() });
  }
  return false;
}

/** Handles an /api/v1 request; false: not ours. */
function route(req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://mock');
  const p = url.pathname;
  if (!p.startsWith('/api/v1/')) return false;
  if (staffRoute(req, res, url)) return true;
  const m = /^\/api\/v1\/counters\/([^/]+)\/([a-z-]+)$/.exec(p);
  if (req.method === 'POST' && m) {
    const x = guard(req, res);
    if (!x) return true;
    const id = decodeURIComponent(m[1]);
    if (x.counter_id !== id) {
      return apiError(res, 403, 'wrong_counter', 'Phiên đăng nhập này làm việc tại quầy khác.', 'This session works at another counter.');
    }
    void counterAction(req, res, id, m[2]).then(() => {
      record(x.username, `counter.${m[2]}`, 'counter', id);
    });
    return true;
  }
  if (req.method === 'GET' && m?.[2] === 'skipped') {
    const c = counters.find((k) => k.id === decodeURIComponent(m[1]));
    return json(res, 200, tickets.filter((t) => t.status === 'skipped' && c?.service_ids.includes(t.service_id)).reverse());
  }
  if (p === '/api/v1/devices/status') return json(res, 200, []);
  if (req.method === 'POST' && p === '/api/v1/tickets') {
    void readBody(req).then((b) => {
      const priority = typeof b.priority === 'string' ? b.priority : 'none';
      json(res, 201, issue(typeof b.service_id === 'string' ? b.service_id : '', priority));
    });
    return true;
  }
  if (p === '/api/v1/services') return json(res, 200, services());
  if (p === '/api/v1/counters') return json(res, 200, counters);
  if (p === '/api/v1/board') return json(res, 200, board());
  if (p === '/api/v1/events') return stream(req, res, url);
  if (p.startsWith('/api/v1/announcements/')) {
    return apiError(res, 503, 'voice_unavailable', 'Máy chủ chưa có giọng đọc.', 'No voice on this server.');
  }
  return apiError(res, 404, 'not_found', 'Không tìm thấy.', 'Not found.');
}

export function officeMock(): Plugin {
  return {
    name: 'motcua-office-mock',
    apply: 'serve',
    configureServer(server) {
      if (process.env.MOTCUA_OFFICE) return;
      for (let i = 0; i < 14; i++) issue(SERVICES[i % SERVICES.length].id, i === 5 ? 'elderly' : 'none');
      const secs = Number(process.env.MOCK_ISSUE_SECS ?? 20);
      if (secs > 0) {
        const t = setInterval(() => {
          issue(SERVICES[Math.floor(Math.random() * SERVICES.length)].id);
        }, secs * 1000);
        server.httpServer?.on('close', () => {
          clearInterval(t);
        });
      }
      server.middlewares.use((req, res, next) => {
        if (!route(req, res)) next();
      });
    },
  };
}
