/// <reference types="node" />
// DEV ONLY: a small in-memory office server (docs/QUEUE.md) inside `npm run dev`, so the counter
// page and the TV board can be looked at without the Rust server. A Vite plugin (serve only):
// it never reaches a build. With MOTCUA_OFFICE=http://127.0.0.1:8080 Vite proxies /api to a
// real office server instead. A ticket is issued every 20 s (MOCK_ISSUE_SECS, 0 = never).

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

/** Handles an /api/v1 request; false: not ours. */
function route(req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://mock');
  const p = url.pathname;
  if (!p.startsWith('/api/v1/')) return false;
  const m = /^\/api\/v1\/counters\/([^/]+)\/([a-z-]+)$/.exec(p);
  if (req.method === 'POST' && m) {
    void counterAction(req, res, decodeURIComponent(m[1]), m[2]);
    return true;
  }
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
