// The counter page's staff words (sign-in, session, password, audit, administration), in
// Vietnamese (NFC) and English, and the pure helpers that format them. Unit-tested (text.test.ts).

import type { Lang } from '../wire';
import type { Text } from '../i18n';
import { TIME_ZONE } from '../shell';
import type { ActorKind, AuditEntry, DeviceKindName, StaffRole } from './staff';

export const S = {
  signInTitle: { vi: 'Đăng nhập', en: 'Sign in' },
  signInLead: {
    vi: 'Đăng nhập bằng tài khoản cán bộ để làm việc tại quầy.',
    en: 'Sign in with your staff account to work at a counter.',
  },
  username: { vi: 'Tên đăng nhập', en: 'Username' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  signingIn: { vi: 'Đang đăng nhập…', en: 'Signing in…' },
  checking: { vi: 'Đang kiểm tra phiên đăng nhập…', en: 'Checking your sign-in…' },
  fillBoth: {
    vi: 'Vui lòng nhập tên đăng nhập và mật khẩu.',
    en: 'Please enter your username and password.',
  },
  signInFailed: { vi: 'Không đăng nhập được', en: 'Could not sign in' },
  sessionExpired: {
    vi: 'Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.',
    en: 'Your session has ended. Please sign in again.',
  },
  signedOut: { vi: 'Đã đăng xuất.', en: 'You have signed out.' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
  signedInAs: { vi: 'Đang đăng nhập', en: 'Signed in' },
  staffBar: { vi: 'Tài khoản', en: 'Account' },
  wrongCounterTitle: { vi: 'Không thể làm việc tại quầy này', en: 'You cannot work at this counter' },
  wrongCounterHelp: {
    vi: 'Tài khoản này không được phân công cho quầy này. Vui lòng chọn quầy khác hoặc hỏi quản lý.',
    en: 'Your account is not assigned to this counter. Please choose another counter or ask your manager.',
  },
  choosing: { vi: 'Đang chọn quầy…', en: 'Choosing the counter…' },
  desk: { vi: 'Quầy', en: 'Counter' },
  // Password
  passwordTitle: { vi: 'Đổi mật khẩu', en: 'Change password' },
  passwordLead: {
    vi: 'Mật khẩu mới có ít nhất 10 ký tự. Các phiên đăng nhập khác của tài khoản này sẽ kết thúc.',
    en: 'The new password has at least 10 characters. Your other sessions will end.',
  },
  currentPassword: { vi: 'Mật khẩu hiện tại', en: 'Current password' },
  newPassword: { vi: 'Mật khẩu mới', en: 'New password' },
  newPasswordHelp: { vi: 'Ít nhất 10 ký tự', en: 'At least 10 characters' },
  repeatPassword: { vi: 'Nhập lại mật khẩu mới', en: 'New password again' },
  savePassword: { vi: 'Đổi mật khẩu', en: 'Change password' },
  passwordTooShort: {
    vi: 'Mật khẩu mới phải có ít nhất 10 ký tự.',
    en: 'The new password must have at least 10 characters.',
  },
  passwordMismatch: {
    vi: 'Hai lần nhập mật khẩu mới không giống nhau.',
    en: 'The two new passwords are not the same.',
  },
  passwordSame: {
    vi: 'Mật khẩu mới phải khác mật khẩu hiện tại.',
    en: 'The new password must differ from the current one.',
  },
  passwordChanged: { vi: 'Đã đổi mật khẩu.', en: 'Your password has been changed.' },
  passwordFailed: { vi: 'Chưa đổi được mật khẩu', en: 'The password was not changed' },
  back: { vi: 'Quay lại quầy', en: 'Back to the counter' },
  // Audit
  auditNav: { vi: 'Nhật ký', en: 'Audit' },
  auditTitle: { vi: 'Nhật ký thao tác', en: 'Audit trail' },
  auditLead: {
    vi: 'Mọi thao tác của cán bộ, thiết bị và quản trị, mới nhất trước. Giờ Việt Nam.',
    en: 'Every staff, device and admin action, newest first. Vietnam time.',
  },
  auditLoading: { vi: 'Đang tải nhật ký…', en: 'Loading the audit trail…' },
  auditEmpty: { vi: 'Chưa có mục nào.', en: 'No entry yet.' },
  auditMore: { vi: 'Xem thêm', en: 'Show more' },
  auditEnd: { vi: 'Đã hiện hết nhật ký.', en: 'That is the whole trail.' },
  auditCsv: { vi: 'Tải CSV', en: 'Download CSV' },
  auditCsvHelp: {
    vi: 'Toàn bộ nhật ký, cũ nhất trước, mở được bằng Excel.',
    en: 'The whole trail, oldest first, opens in Excel.',
  },
  colTime: { vi: 'Thời gian', en: 'Time' },
  colWho: { vi: 'Người thực hiện', en: 'Who' },
  colDevice: { vi: 'Thiết bị', en: 'Device' },
  colAssisted: { vi: 'Hỗ trợ bởi', en: 'Assisted by' },
  colAction: { vi: 'Thao tác', en: 'Action' },
  colTarget: { vi: 'Đối tượng', en: 'Target' },
  auditCaption: { vi: 'Nhật ký thao tác, mới nhất trước', en: 'Audit trail, newest first' },
  // Administration
  adminNav: { vi: 'Quản trị', en: 'Admin' },
  adminTitle: { vi: 'Quản trị tài khoản và thiết bị', en: 'Accounts and devices' },
  staffTitle: { vi: 'Cán bộ', en: 'Staff' },
  devicesTitle: { vi: 'Thiết bị', en: 'Devices' },
  colUsername: { vi: 'Tên đăng nhập', en: 'Username' },
  colName: { vi: 'Họ tên', en: 'Full name' },
  colRole: { vi: 'Vai trò', en: 'Role' },
  colState: { vi: 'Trạng thái', en: 'State' },
  colDeviceName: { vi: 'Tên thiết bị', en: 'Name' },
  colKind: { vi: 'Loại', en: 'Kind' },
  colCounter: { vi: 'Quầy', en: 'Counter' },
  colCreated: { vi: 'Tạo lúc', en: 'Created' },
  enabled: { vi: 'Đang hoạt động', en: 'Enabled' },
  disabled: { vi: 'Đã khoá', en: 'Disabled' },
  revoked: { vi: 'Đã thu hồi', en: 'Revoked' },
  disable: { vi: 'Khoá', en: 'Disable' },
  enable: { vi: 'Mở khoá', en: 'Enable' },
  revoke: { vi: 'Thu hồi', en: 'Revoke' },
  enrollTitle: { vi: 'Mã đăng ký kiosk', en: 'Kiosk enrollment code' },
  enrollLead: {
    vi: 'Nhập mã này tại màn hình cán bộ của kiosk mới. Dùng một lần, trong 15 phút.',
    en: 'Enter this code on the new kiosk’s staff screen. One use, within 15 minutes.',
  },
  enrollMake: { vi: 'Tạo mã đăng ký', en: 'Make a code' },
  enrollExpires: { vi: 'Hết hạn lúc', en: 'Expires at' },
  actionFailed: { vi: 'Không thực hiện được', en: 'That did not work' },
  loading: { vi: 'Đang tải…', en: 'Loading…' },
} as const satisfies Record<string, Text>;

export const ROLE: Readonly<Record<StaffRole, Text>> = {
  counter: { vi: 'Cán bộ quầy', en: 'Counter staff' },
  manager: { vi: 'Quản lý', en: 'Manager' },
  admin: { vi: 'Quản trị viên', en: 'Administrator' },
};

const ACTOR: Readonly<Record<ActorKind, Text>> = {
  staff: { vi: 'Cán bộ', en: 'Staff' },
  device: { vi: 'Thiết bị', en: 'Device' },
  cli: { vi: 'Dòng lệnh', en: 'Command line' },
  system: { vi: 'Hệ thống', en: 'System' },
};

export const DEVICE_KIND: Readonly<Record<DeviceKindName, Text>> = {
  kiosk: { vi: 'Kiosk', en: 'Kiosk' },
  counter: { vi: 'Thiết bị quầy', en: 'Counter device' },
  board: { vi: 'Bảng hiển thị', en: 'Board' },
};

/** The audit trail's actions in words; an action not listed shows as the server names it. */
const ACTION: Readonly<Partial<Record<string, Text>>> = {
  'counter.call_next': { vi: 'Gọi số tiếp', en: 'Called next' },
  'counter.call_number': { vi: 'Gọi số theo yêu cầu', en: 'Called a number' },
  'counter.complete': { vi: 'Hoàn thành', en: 'Completed' },
  'counter.recall': { vi: 'Gọi lại', en: 'Called again' },
  'counter.skip': { vi: 'Bỏ qua', en: 'Skipped' },
  'counter.transfer': { vi: 'Chuyển dịch vụ', en: 'Transferred' },
  'device.add': { vi: 'Thêm thiết bị', en: 'Device added' },
  'device.enroll_code': { vi: 'Tạo mã đăng ký', en: 'Enrollment code made' },
  'device.replace': { vi: 'Thay thiết bị', en: 'Device replaced' },
  'device.revoke': { vi: 'Thu hồi thiết bị', en: 'Device revoked' },
  'device.enroll': { vi: 'Đăng ký thiết bị', en: 'Device enrolled' },
  'staff.add': { vi: 'Thêm tài khoản', en: 'Account added' },
  'staff.assist_start': { vi: 'Bắt đầu hỗ trợ tại kiosk', en: 'Kiosk assist started' },
  'staff.assist_end': { vi: 'Kết thúc hỗ trợ tại kiosk', en: 'Kiosk assist ended' },
  'staff.disable': { vi: 'Khoá tài khoản', en: 'Account disabled' },
  'staff.enable': { vi: 'Mở khoá tài khoản', en: 'Account enabled' },
  'staff.locked': { vi: 'Tạm khoá do sai mật khẩu', en: 'Locked after wrong passwords' },
  'staff.password': { vi: 'Đổi mật khẩu', en: 'Password changed' },
  'staff.sign_in': { vi: 'Đăng nhập', en: 'Signed in' },
  'staff.sign_in_failed': { vi: 'Đăng nhập sai', en: 'Sign-in failed' },
  'staff.sign_in_refused': { vi: 'Đăng nhập bị từ chối', en: 'Sign-in refused' },
  'staff.sign_out': { vi: 'Đăng xuất', en: 'Signed out' },
  'staff.choose_counter': { vi: 'Chọn quầy', en: 'Counter chosen' },
  'ticket.issue': { vi: 'Cấp số', en: 'Ticket issued' },
  'ticket.offline': { vi: 'Số cấp khi mất mạng', en: 'Offline ticket' },
  'dossier.submit': { vi: 'Nộp hồ sơ', en: 'Dossier filed' },
};

/** "Gọi số tiếp", or null when the action has no words here. */
export function actionText(action: string, l: Lang): string | null {
  return ACTION[action]?.[l] ?? null;
}

export function roleText(role: StaffRole, l: Lang): string {
  return (ROLE[role] as Text | undefined)?.[l] ?? role;
}

/** "Nguyễn Văn An · Quản lý". */
export function whoText(fullName: string, role: StaffRole, l: Lang): string {
  return `${fullName} · ${roleText(role, l)}`;
}

/** A time of the audit trail in Vietnam: "02/12/2026 17:21:05". Unreadable: as given. */
export function auditTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const p = (t: Intl.DateTimeFormatPartTypes): string => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('day')}/${p('month')}/${p('year')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

/** Who did it: "Cán bộ: lan" / "Dòng lệnh". */
export function actorText(e: Pick<AuditEntry, 'actor_kind' | 'actor'>, l: Lang): string {
  const kind = (ACTOR as Readonly<Record<string, Text | undefined>>)[e.actor_kind]?.[l] ?? e.actor_kind;
  return e.actor ? `${kind}: ${e.actor}` : kind;
}

/** On what: "ticket A012" (the kind as the server names it). */
export function targetText(e: Pick<AuditEntry, 'target_kind' | 'target'>): string {
  if (!e.target) return e.target_kind ?? '';
  return e.target_kind ? `${e.target_kind} ${e.target}` : e.target;
}

/** The wait a 429 asks for, in words: "5 phút" / "5 minutes", "30 giây" / "30 seconds". */
export function waitText(secs: number, l: Lang): string {
  if (secs >= 60) {
    const m = Math.ceil(secs / 60);
    return l === 'vi' ? `${m} phút` : `${m} minute${m === 1 ? '' : 's'}`;
  }
  const s = Math.max(1, Math.ceil(secs));
  return l === 'vi' ? `${s} giây` : `${s} second${s === 1 ? '' : 's'}`;
}

/** "Vui lòng thử lại sau 5 phút." / "Please try again in 5 minutes." */
export function retryText(secs: number, l: Lang): string {
  return l === 'vi' ? `Vui lòng thử lại sau ${waitText(secs, 'vi')}.` : `Please try again in ${waitText(secs, 'en')}.`;
}

/** "Hết hạn lúc 10:36" / "Expires at 10:36" (Vietnam time). */
export function clockOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}
