// DEV-ONLY sample data, for looking at the screens in a plain browser (`npm run dev`).
// Loaded only when import.meta.env.DEV is true and Tauri is absent; never in a build.
// Query switches: ?lang=en  ?print=fail  ?offline=1  ?demo=1  ?pin=1234  ?fail=issue|services|info

const q = new URLSearchParams(window.location.search);

const services = [
  { id: 'ho-tich', prefix: 'A', name_vi: 'Hộ tịch (khai sinh, kết hôn, khai tử)', name_en: 'Civil status (birth, marriage, death)', open: true, waiting: 12, estimated_wait_minutes: 25 },
  { id: 'chung-thuc', prefix: 'B', name_vi: 'Chứng thực bản sao, chữ ký', name_en: 'Certified copies and signatures', open: true, waiting: 4, estimated_wait_minutes: 8 },
  { id: 'dat-dai', prefix: 'C', name_vi: 'Đất đai – Xây dựng', name_en: 'Land and construction', open: true, waiting: 0, estimated_wait_minutes: 0 },
  { id: 'cu-tru', prefix: 'D', name_vi: 'Cư trú', name_en: 'Residence registration', open: false, waiting: 0, estimated_wait_minutes: 0 },
  { id: 'bao-tro', prefix: 'E', name_vi: 'Lao động – Thương binh – Xã hội', name_en: 'Labour, invalids and social affairs', open: true, waiting: 7, estimated_wait_minutes: 15 },
];

let seq = 22;
let tries = 0;
let assisting = false;
let enrolled = new URLSearchParams(window.location.search).get('enrolled') !== '0';
function staffNow(): unknown {
  return {
    enrolled,
    online: true,
    assisting: assisting ? { username: 'demo-admin', full_name: 'Cán bộ Demo', role: 'admin' } : null,
    idle_timeout_secs: 300,
    emergency_pin: true,
    emergency_pin_demo: true,
  };
}

function err(code: string, vi: string, en: string): { code: string; message: string; message_vi: string; message_en: string } {
  return { code, message: `${vi} / ${en}`, message_vi: vi, message_en: en };
}

function sampleQr(): string {
  // A fake QR-like pattern, just for looking at the layout.
  let cells = '';
  let x = 12345;
  for (let r = 0; r < 25; r++) {
    for (let c = 0; c < 25; c++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const finder = (r < 7 && c < 7) || (r < 7 && c > 17) || (r > 17 && c < 7);
      if (finder ? (r % 6 === 0 || c % 6 === 0 || (r % 6 > 1 && r % 6 < 5 && c % 6 > 1 && c % 6 < 5)) : (x >> 16) % 2 === 0) {
        cells += `M${c + 2} ${r + 2}h1v1h-1z`;
      }
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" width="29" height="29"><rect width="29" height="29" fill="#fff"/><path d="${cells}" fill="#000"/></svg>`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => window.setTimeout(r, ms));

export async function mockInvoke(cmd: string, args?: Record<string, unknown>): Promise<unknown> {
  await sleep(150);
  const fail = q.get('fail');
  switch (cmd) {
    case 'kiosk_info':
      if (fail === 'info') throw 'IPC: kiosk backend not ready';
      return {
        office_name: 'UBND phường Bến Nghé – Bộ phận Một cửa',
        language: q.get('lang') === 'en' ? 'en' : 'vi',
        idle_timeout_secs: Number(q.get('idle') ?? 90),
        demo: q.get('demo') === '1',
        online: q.get('offline') !== '1',
        kiosk_id: 'KIOSK-01',
        version: '0.1.0-dev',
      };
    case 'kiosk_status':
      return { online: q.get('offline') !== '1', outbox_pending: 0, outbox_rejected: 0, assisting };
    case 'list_services':
      if (fail === 'services') {
        throw err('server_unavailable', 'Không kết nối được máy chủ của Bộ phận Một cửa. Vui lòng thử lại sau ít phút hoặc hỏi cán bộ.', 'Cannot reach the office server. Please try again in a few minutes or ask a staff member.');
      }
      return services;
    case 'reprint_ticket':
      await sleep(500);
      return { printed: true, print_error: null };
    case 'issue_ticket': {
      await sleep(700);
      if (fail === 'issue') {
        throw err('service_closed', 'Dịch vụ “Hộ tịch” hiện không nhận số. Vui lòng hỏi cán bộ hướng dẫn.', 'The service “Civil status” is not taking numbers now. Please ask a staff member.');
      }
      const s = services.find((x) => x.id === args?.serviceId) ?? services[0];
      seq += 1;
      const printed = q.get('print') !== 'fail';
      return {
        ticket: {
          id: `t-${seq}`,
          number: `${s.prefix}${String(seq).padStart(3, '0')}`,
          service_id: s.id,
          priority: args?.priority ?? 'none',
          issued_at: '2025-11-24T09:41:00+07:00',
          people_ahead: s.waiting,
          estimated_wait_minutes: s.estimated_wait_minutes,
          status_url: `https://motcua.example/t/${seq}`,
          status: 'waiting',
          service_name_vi: s.name_vi,
          service_name_en: s.name_en,
          office_name: 'UBND phường Bến Nghé',
        },
        qr_svg: sampleQr(),
        printed,
        print_error: printed
          ? null
          : err('printer_unavailable', 'Máy in hết giấy hoặc chưa bật.', 'The printer is out of paper or switched off.'),
      };
    }
    case 'staff_unlock':
      tries += 1;
      if (tries > 5) throw err('locked_out', 'Nhập sai quá nhiều lần. Vui lòng thử lại sau 5 phút.', 'Too many wrong tries. Please try again in 5 minutes.');
      if (args?.pin !== (q.get('pin') ?? '1234')) throw err('wrong_pin', 'Mã PIN không đúng. Vui lòng nhập lại.', 'Wrong PIN. Please enter it again.');
      tries = 0;
      return null;
    case 'staff_state':
      return staffNow();
    case 'enroll_kiosk':
      await sleep(300);
      if (typeof args?.code !== 'string' || args.code.toUpperCase() !== 'K7M4-9QPX') {
        throw err('bad_enroll_code', 'Mã đăng ký không đúng, đã dùng hoặc đã hết hạn.', 'The enrollment code is wrong, used or expired.');
      }
      enrolled = true;
      return staffNow();
    case 'assist_sign_in':
      await sleep(300);
      if (args?.password !== 'demo-mat-khau') throw err('bad_credentials', 'Tên đăng nhập hoặc mật khẩu không đúng.', 'Wrong username or password.');
      assisting = true;
      return staffNow();
    case 'assist_end':
      assisting = false;
      return null;
    case 'staff_tools':
      return {
        printer: { state: 'ready', last_job_failed: false },
        outbox: { tickets_pending: 2, tickets_rejected: 0, oldest_ticket: new Date().toISOString(), dossiers_pending: 0, dossiers_rejected: 0, oldest_dossier: null },
        last_ticket: 'A001',
        last_receipt: false,
      };
    case 'print_test_page':
    case 'reprint_last_receipt':
      await sleep(400);
      return null;
    case 'reprint_last_ticket':
      await sleep(400);
      return { printed: true, print_error: null };
    case 'exit_kiosk':
      throw 'exit_kiosk is not available in the browser preview';
    default:
      throw `unknown command ${cmd}`;
  }
}
