// Every word the kiosk shows, in Vietnamese (NFC) and English. Plain words, short sentences.

import { type Lang, type Priority, PRIORITY_LABELS, type Service, type Ticket } from './wire';

export type Text = Readonly<Record<Lang, string>>;

let current: Lang = 'vi';
let title: Text | null = null;

export function lang(): Lang {
  return current;
}

export function otherLang(): Lang {
  return current === 'vi' ? 'en' : 'vi';
}

export function setLang(l: Lang): void {
  current = l;
  document.documentElement.lang = l;
  document.title = tr(title ?? T.docTitle);
}

/** The page's title in both languages (the kiosk's by default). */
export function setDocTitle(t: Text): void {
  title = t;
  document.title = tr(t);
}

/** The text in the current language. */
export function tr(t: Text): string {
  return t[current];
}

export const T = {
  docTitle: { vi: 'Lấy số thứ tự – Bộ phận Một cửa', en: 'Take a queue number – One-stop office' },
  officeFallback: { vi: 'Bộ phận Một cửa', en: 'One-stop office' },
  langToggle: { vi: 'English', en: 'Tiếng Việt' },
  langToggleHint: { vi: 'Chuyển sang tiếng Anh', en: 'Switch to Vietnamese' },
  demo: { vi: 'Chế độ thử – số không có giá trị', en: 'Demo mode – numbers are not valid' },
  offline: {
    vi: 'Đang mất kết nối máy chủ – vẫn lấy số bình thường.',
    en: 'Server connection lost – numbers are still issued.',
  },
  ticketOffline: {
    vi: 'Số này được cấp khi máy mất kết nối. Số vẫn được gọi theo thứ tự đến lượt.',
    en: 'This number was issued while the kiosk was offline. It is still called in turn.',
  },

  // Home
  homeTitle: { vi: 'Lấy số thứ tự', en: 'Take a queue number' },
  homeLead: { vi: 'Mời chọn việc cần làm.', en: 'Touch what you need to do.' },
  servicesLoading: { vi: 'Đang tải danh sách dịch vụ…', en: 'Loading the services…' },
  servicesEmpty: {
    vi: 'Hiện chưa có dịch vụ nhận số. Vui lòng hỏi cán bộ tại quầy.',
    en: 'No service is taking numbers yet. Please ask staff at the counter.',
  },
  closed: { vi: 'Tạm ngừng nhận số', en: 'Not taking numbers now' },
  otherTitle: { vi: 'Việc khác', en: 'Other services' },
  retry: { vi: 'Thử lại', en: 'Try again' },
  staff: { vi: 'Cán bộ', en: 'Staff' },

  // Tiles
  tileVneid: { vi: 'Nộp hồ sơ trực tuyến (VNeID)', en: 'File online (VNeID)' },
  tileProcedures: { vi: 'Tra cứu thủ tục', en: 'Look up a procedure' },

  // Navigation
  back: { vi: 'Quay lại', en: 'Back' },
  home: { vi: 'Trang chủ', en: 'Home' },

  // Priority
  priorityTitle: { vi: 'Có thuộc diện ưu tiên không?', en: 'Are you entitled to priority?' },
  priorityNone: { vi: 'Không – In số thứ tự', en: 'No – Print my number' },
  priorityYes: {
    vi: 'Có – chạm vào diện ưu tiên để in số:',
    en: 'Yes – touch your group to print a priority number:',
  },
  priorityNote: {
    vi: 'Cán bộ có thể đề nghị xuất trình giấy tờ.',
    en: 'Staff may ask you to show a document.',
  },
  issuing: { vi: 'Đang in số thứ tự, vui lòng chờ…', en: 'Printing your number, please wait…' },

  // Ticket
  ticketTitle: { vi: 'Số thứ tự', en: 'Your queue number' },
  scanQr: { vi: 'Quét mã để theo dõi lượt trên điện thoại', en: 'Scan the code to follow your turn on a phone' },
  ticketNext: {
    vi: 'Mời ngồi chờ, theo dõi màn hình và lắng nghe gọi số.',
    en: 'Please take a seat, watch the screen and listen for your number.',
  },
  ticketValidToday: { vi: 'Số chỉ có giá trị trong ngày hôm nay.', en: 'The number is valid today only.' },
  reprint: { vi: 'In lại', en: 'Print again' },
  reprinting: { vi: 'Đang in lại…', en: 'Printing again…' },
  qrLabel: { vi: 'Mã QR theo dõi lượt', en: 'QR code to follow your turn' },
  printOk: { vi: 'Vui lòng nhận phiếu ở khe máy in.', en: 'Please take your ticket from the printer slot.' },
  printFailedTitle: { vi: 'Máy in đang gặp sự cố', en: 'The printer has a problem' },
  done: { vi: 'Xong', en: 'Done' },

  // Coming soon

  // Staff
  staffTitle: { vi: 'Dành cho cán bộ', en: 'For staff' },
  staffLead: { vi: 'Nhập mã PIN của cán bộ.', en: 'Enter the staff PIN.' },
  pinLabel: { vi: 'Mã PIN', en: 'PIN' },
  pinDelete: { vi: 'Xoá', en: 'Delete' },
  pinDeleteName: { vi: 'Xoá số cuối', en: 'Delete last digit' },
  pinClear: { vi: 'Xoá hết', en: 'Clear' },
  unlock: { vi: 'Mở khoá', en: 'Unlock' },
  unlocking: { vi: 'Đang kiểm tra…', en: 'Checking…' },
  staffMenuTitle: { vi: 'Menu cán bộ', en: 'Staff menu' },
  exitKiosk: { vi: 'Thoát chế độ kiosk', en: 'Exit kiosk mode' },
  exiting: { vi: 'Đang thoát…', en: 'Exiting…' },
  kioskId: { vi: 'Mã máy', en: 'Kiosk ID' },
  version: { vi: 'Phiên bản', en: 'Version' },
  connection: { vi: 'Kết nối máy chủ', en: 'Server connection' },
  online: { vi: 'Có', en: 'Yes' },
  offlineShort: { vi: 'Mất kết nối', en: 'Offline' },

  // Staff assist mode (issue 12)
  signInLead: {
    vi: 'Cán bộ đăng nhập bằng tài khoản của mình để hỗ trợ công dân.',
    en: 'Staff sign in with their own account to assist citizens.',
  },
  username: { vi: 'Tên đăng nhập', en: 'Username' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  signingIn: { vi: 'Đang đăng nhập…', en: 'Signing in…' },
  showPassword: { vi: 'Hiện mật khẩu', en: 'Show password' },
  hidePassword: { vi: 'Ẩn mật khẩu', en: 'Hide password' },
  enrollKiosk: { vi: 'Đăng ký máy', en: 'Enroll kiosk' },
  enrollTitle: { vi: 'Đăng ký máy với máy chủ', en: 'Enroll this kiosk at the office server' },
  enrollLead: {
    vi: 'Nhập mã đăng ký một lần do quản trị viên tạo (ví dụ K7M4-9QPX).',
    en: 'Type the one-time enrollment code an administrator made (for example K7M4-9QPX).',
  },
  enrollNeeded: {
    vi: 'Máy chưa được đăng ký với máy chủ, nên chưa đăng nhập được.',
    en: 'This kiosk is not enrolled at the office server yet, so nobody can sign in.',
  },
  enrollCode: { vi: 'Mã đăng ký', en: 'Enrollment code' },
  enrolling: { vi: 'Đang đăng ký…', en: 'Enrolling…' },
  enrolled: { vi: 'Đã đăng ký máy. Cán bộ có thể đăng nhập.', en: 'Kiosk enrolled. Staff can sign in now.' },
  serverAway: {
    vi: 'Không kết nối được máy chủ nên cán bộ chưa đăng nhập được.',
    en: 'The office server does not answer, so staff cannot sign in now.',
  },
  emergencyPin: { vi: 'Mã PIN khẩn cấp', en: 'Emergency PIN' },
  emergencyLead: {
    vi: 'Chỉ dùng khi máy chủ không hoạt động: nhập mã PIN khẩn cấp để thoát chế độ kiosk.',
    en: 'Only while the office server is down: enter the emergency PIN to leave kiosk mode.',
  },
  emergencyPinDemo: {
    vi: 'DEMO: mã PIN khẩn cấp là mã mặc định công khai, chỉ dùng ở chế độ thử.',
    en: 'DEMO: the emergency PIN is the public default, for demo mode only.',
  },
  assisting: { vi: 'Đang hỗ trợ', en: 'Assisting' },
  assistEnd: { vi: 'Kết thúc hỗ trợ', en: 'End assist' },
  assistToolsTitle: { vi: 'Công cụ cán bộ', en: 'Staff tools' },
  assistStart: { vi: 'Hỗ trợ công dân', en: 'Assist a citizen' },
  assistStartHint: {
    vi: 'Về màn hình chính; số thứ tự và hồ sơ làm trong lượt này ghi tên cán bộ hỗ trợ.',
    en: 'Back to the home screen; numbers and dossiers made now record you as assisting.',
  },
  reprintLastTicket: { vi: 'In lại số thứ tự vừa lấy', en: 'Reprint the last ticket' },
  reprintLastReceipt: { vi: 'In lại giấy biên nhận', en: 'Reprint the receipt' },
  printTestPage: { vi: 'In trang thử', en: 'Print a test page' },
  printing: { vi: 'Đang in…', en: 'Printing…' },
  printedOk: { vi: 'Đã in xong.', en: 'Printed.' },
  printerTitle: { vi: 'Máy in', en: 'Printer' },
  printerLastJob: { vi: 'Lần in gần nhất', en: 'Last print job' },
  printerLastOk: { vi: 'Thành công', en: 'Succeeded' },
  printerLastFailed: { vi: 'Bị lỗi', en: 'Failed' },
  printerNoJob: { vi: 'Chưa in lần nào', en: 'Nothing printed yet' },
  outboxTitle: { vi: 'Đang chờ gửi lên máy chủ', en: 'Waiting to reach the server' },
  outboxTickets: { vi: 'Số thứ tự cấp khi mất kết nối', en: 'Numbers issued offline' },
  outboxDossiers: { vi: 'Hồ sơ chờ gửi', en: 'Dossiers waiting' },
  outboxRejected: { vi: 'Máy chủ từ chối', en: 'Refused by the server' },
  outboxOldest: { vi: 'Cũ nhất', en: 'Oldest' },
  outboxEmpty: { vi: 'Không có gì chờ gửi', en: 'Nothing waiting' },
  noLastTicket: { vi: 'Chưa có số nào', en: 'No number yet' },

  // Counter page (staff at their desk)
  counterDocTitle: { vi: 'Quầy giao dịch – Bộ phận Một cửa', en: 'Service counter – One-stop office' },
  counterPage: { vi: 'Quầy giao dịch', en: 'Service counter' },
  pickTitle: { vi: 'Chọn quầy làm việc', en: 'Choose your counter' },
  pickLead: {
    vi: 'Máy này sẽ nhớ quầy đã chọn. Có thể đổi quầy bất cứ lúc nào.',
    en: 'This computer remembers your choice. You can change it at any time.',
  },
  countersLoading: { vi: 'Đang tải danh sách quầy…', en: 'Loading the counters…' },
  countersEmpty: { vi: 'Chưa có quầy nào được thiết lập.', en: 'No counter is set up yet.' },
  changeCounter: { vi: 'Đổi quầy', en: 'Change counter' },
  serving: { vi: 'Đang phục vụ', en: 'Now serving' },
  noCurrent: { vi: 'Chưa gọi số nào', en: 'No number called' },
  noCurrentHelp: {
    vi: 'Bấm “Gọi số tiếp” để mời công dân tiếp theo.',
    en: 'Press “Call next” to invite the next citizen.',
  },
  callNext: { vi: 'Gọi số tiếp', en: 'Call next' },
  recall: { vi: 'Gọi lại', en: 'Call again' },
  skip: { vi: 'Bỏ qua', en: 'Skip' },
  transfer: { vi: 'Chuyển', en: 'Transfer' },
  complete: { vi: 'Hoàn thành', en: 'Complete' },
  cancel: { vi: 'Huỷ', en: 'Cancel' },
  transferNone: {
    vi: 'Không có dịch vụ nào khác để chuyển sang.',
    en: 'There is no other service to transfer to.',
  },
  queuesTitle: { vi: 'Hàng chờ', en: 'Queues' },
  servedHere: { vi: 'Quầy này phục vụ', en: 'Served here' },
  otherCounters: { vi: 'Quầy khác', en: 'Other counters' },
  shortcuts: { vi: 'Phím tắt', en: 'Keyboard' },
  sending: { vi: 'Đang gửi…', en: 'Sending…' },
  actions: { vi: 'Thao tác', en: 'Actions' },
  skippedTitle: { vi: 'Số đã bỏ qua', en: 'Skipped numbers' },
  skippedNone: { vi: 'Hôm nay chưa bỏ qua số nào.', en: 'No number skipped today.' },
  skippedHelp: {
    vi: 'Công dân quay lại thì bấm “Gọi lại số này”.',
    en: 'If the citizen comes back, press “Call this number again”.',
  },
  callSkipped: { vi: 'Gọi lại số này', en: 'Call this number again' },
  callNumberTitle: { vi: 'Gọi số', en: 'Call a number' },
  callNumberHelp: {
    vi: 'Số đang chờ hoặc đã bỏ qua hôm nay, ví dụ A012',
    en: 'A number waiting or skipped today, e.g. A012',
  },
  callNumberButton: { vi: 'Gọi số này', en: 'Call this number' },
  skipConfirmBody: {
    vi: 'Công dân sẽ mất lượt. Nên bấm “Gọi lại” một lần trước khi bỏ qua. Hôm nay vẫn gọi lại được số này trong “Số đã bỏ qua”.',
    en: 'The citizen will lose their turn. It is best to press “Call again” once before skipping. The number can still be called again today from “Skipped numbers”.',
  },
  skipConfirmBack: { vi: 'Chưa, quay lại', en: 'Not yet, go back' },
  deviceAlertsTitle: { vi: 'Thiết bị cần xử lý', en: 'Devices need attention' },

  // TV board
  boardDocTitle: { vi: 'Bảng số thứ tự – Bộ phận Một cửa', en: 'Queue board – One-stop office' },
  boardTitle: { vi: 'Bảng số thứ tự', en: 'Queue board' },
  counter: { vi: 'Quầy', en: 'Counter' },
  inviteLead: { vi: 'Mời công dân có số', en: 'Number' },
  inviteTo: { vi: 'đến quầy số', en: 'please go to counter' },
  noQueue: { vi: 'Không có ai chờ', en: 'Nobody waiting' },
  liveOk: { vi: 'Đã kết nối máy chủ', en: 'Connected to the server' },
  lastCalled: { vi: 'Số vừa gọi', en: 'Just called' },
  waitingTitle: { vi: 'Đang chờ', en: 'Waiting' },
  notCalled: { vi: 'Chưa gọi', en: 'Not called' },
  soundOff: { vi: 'Tắt tiếng', en: 'Mute' },
  soundOn: { vi: 'Bật tiếng', en: 'Unmute' },
  unlockAudio: { vi: 'Chạm để bật âm thanh', en: 'Touch to turn on sound' },
  noneCalledYet: { vi: 'Chưa có số nào được gọi', en: 'No number called yet' },
  unlockAudioLead: {
    vi: 'Bảng chưa phát được tiếng gọi số',
    en: 'The board cannot play the calls yet',
  },
  staffAlertsTitle: { vi: 'Cảnh báo thiết bị', en: 'Device alerts' },
  staffAlertsNone: { vi: 'Mọi thiết bị đều bình thường', en: 'All devices are working' },

  // Connection (counter page and board)
  reconnecting: {
    vi: 'Mất kết nối với máy chủ – đang kết nối lại…',
    en: 'Lost the connection to the server – reconnecting…',
  },
  connecting: { vi: 'Đang kết nối máy chủ…', en: 'Connecting to the server…' },
  networkError: {
    vi: 'Không kết nối được máy chủ của Bộ phận Một cửa. Vui lòng kiểm tra mạng rồi thử lại.',
    en: 'Cannot reach the office server. Please check the network and try again.',
  },
  serverError: { vi: 'Máy chủ báo lỗi', en: 'The server reported an error' },

  // Errors
  errorGeneric: {
    vi: 'Đã có lỗi xảy ra. Vui lòng thử lại. Nếu vẫn lỗi, vui lòng hỏi cán bộ tại quầy.',
    en: 'Something went wrong. Please try again. If it still fails, please ask staff at the counter.',
  },
  startupError: {
    vi: 'Máy chưa sẵn sàng. Vui lòng chờ một chút hoặc hỏi cán bộ tại quầy.',
    en: 'The kiosk is not ready. Please wait a moment or ask staff at the counter.',
  },

  // Idle countdown
  idleTitle: { vi: 'Ông/Bà vẫn đang dùng máy?', en: 'Are you still there?' },
  idleStay: { vi: 'Tôi vẫn đang dùng', en: 'I am still here' },

  // On-screen keyboard
  kbLabel: { vi: 'Bàn phím', en: 'Keyboard' },
  kbTelex: { vi: 'Gõ dấu: Telex', en: 'Accents: Telex' },
  kbVni: { vi: 'Gõ dấu: VNI', en: 'Accents: VNI' },
  kbOff: { vi: 'Gõ dấu: Tắt', en: 'Accents: off' },
  kbSpace: { vi: 'Dấu cách', en: 'Space' },
  kbClear: { vi: 'Xóa hết', en: 'Clear' },
  kbBackspace: { vi: 'Xóa một chữ', en: 'Delete one letter' },
  kbDot: { vi: 'Dấu chấm', en: 'Full stop' },
  kbDash: { vi: 'Gạch ngang', en: 'Dash' },
  kbSlash: { vi: 'Gạch chéo', en: 'Slash' },
  kbShift: { vi: 'Chữ hoa', en: 'Shift' },
  kbTone: { vi: 'Dấu', en: 'Tone' },
  kbHint: {
    vi: 'Chữ ă â đ ê ô ơ ư và các dấu có sẵn trên hàng phím đầu: gõ chữ, rồi chạm dấu. Telex, VNI vẫn dùng được.',
    en: 'ă â đ ê ô ơ ư and the tone marks are on the top row: type the word, then touch the tone. Telex and VNI still work.',
  },

  // Procedure search
  searchTitle: { vi: 'Tra cứu thủ tục', en: 'Look up a procedure' },
  searchPickTitle: { vi: 'Chọn thủ tục cần nộp', en: 'Choose what you want to file' },
  searchLabel: { vi: 'Tên thủ tục, lĩnh vực hoặc mã', en: 'Procedure name, field or code' },
  searchOnline: { vi: 'Chỉ thủ tục nộp trực tuyến được', en: 'Only procedures that can be filed online' },
  searchFieldsTitle: { vi: 'Hoặc chọn lĩnh vực', en: 'Or choose a field' },
  searchNone: {
    vi: 'Không tìm thấy thủ tục nào. Hãy thử từ khác ngắn hơn, hoặc hỏi cán bộ.',
    en: 'No procedure found. Try other, shorter words, or ask staff.',
  },
  searchLoading: { vi: 'Đang tìm…', en: 'Searching…' },
  searchClearField: { vi: 'Bỏ chọn lĩnh vực', en: 'Clear the field' },
  keyboardHide: { vi: 'Ẩn bàn phím', en: 'Hide keyboard' },
  keyboardShow: { vi: 'Hiện bàn phím', en: 'Show keyboard' },
  onlineBadge: { vi: 'Nộp trực tuyến được', en: 'Can be filed online' },
  fromCache: {
    vi: 'Đang dùng bản lưu trên máy do mất kết nối máy chủ.',
    en: 'Showing the copy kept on this kiosk: the server cannot be reached.',
  },

  // Procedure page
  procCode: { vi: 'Mã thủ tục', en: 'Procedure code' },
  procField: { vi: 'Lĩnh vực', en: 'Field' },
  procAgency: { vi: 'Cơ quan thực hiện', en: 'Handled by' },
  procDocuments: { vi: 'Giấy tờ cần mang', en: 'Documents to bring' },
  procNoDocuments: { vi: 'Chưa có danh sách giấy tờ. Vui lòng hỏi cán bộ.', en: 'No list of documents yet. Please ask staff.' },
  procTemplate: { vi: 'Mẫu', en: 'Form' },
  docFullName: { vi: 'Xem tên đầy đủ', en: 'Full official name' },
  docFullNameHide: { vi: 'Ẩn tên đầy đủ', en: 'Hide the official name' },
  handledProvince: { vi: 'Thực hiện tại cấp tỉnh', en: 'Handled by the province' },
  handledCommune: { vi: 'Thực hiện tại cấp xã', en: 'Handled by the commune' },
  handledMinistry: { vi: 'Thực hiện tại bộ, ngành trung ương', en: 'Handled by a ministry' },
  handledAgency: { vi: 'Thực hiện tại cơ quan chuyên ngành', en: "Handled by the agency's own office" },
  handledOther: { vi: 'Thực hiện tại cơ quan, tổ chức khác', en: 'Handled by another body' },
  procChannels: { vi: 'Cách nộp, thời hạn và lệ phí', en: 'How to file, time and fee' },
  procChannel: { vi: 'Cách nộp', en: 'How' },
  procDuration: { vi: 'Thời hạn giải quyết', en: 'Processing time' },
  procFee: { vi: 'Phí, lệ phí', en: 'Fee' },
  procFeeFree: { vi: 'Miễn phí', en: 'Free' },
  procFeeSee: { vi: 'Xem chi tiết tại quầy', en: 'Ask at the counter' },
  procDurationUnknown: { vi: 'Hỏi cán bộ', en: 'Ask staff' },
  procResult: { vi: 'Kết quả', en: 'Result' },
  procLegal: { vi: 'Căn cứ pháp lý', en: 'Legal basis' },
  procRequirements: { vi: 'Yêu cầu, điều kiện', en: 'Requirements' },
  procQr: {
    vi: 'Quét mã để xem thủ tục này trên điện thoại',
    en: 'Scan to read this procedure on your phone',
  },
  procTakeNumber: { vi: 'Lấy số cho thủ tục này', en: 'Take a number for this' },
  procFileOnline: { vi: 'Nộp trực tuyến', en: 'File online' },
  procPrint: { vi: 'In danh sách giấy tờ', en: 'Print the list of documents' },
  procPrinted: { vi: 'Đã in. Mời nhận giấy ở khe máy in.', en: 'Printed. Please take the paper from the printer.' },
  procNoService: {
    vi: 'Thủ tục này chưa gắn với dịch vụ lấy số nào. Vui lòng hỏi cán bộ.',
    en: 'This procedure has no queue yet. Please ask staff.',
  },
  channelOnline: { vi: 'Trực tuyến', en: 'Online' },
  channelInPerson: { vi: 'Trực tiếp', en: 'In person' },
  channelPostal: { vi: 'Bưu chính', en: 'By post' },
  original: { vi: 'bản chính', en: 'original' },
  copy: { vi: 'bản sao', en: 'copy' },
} as const satisfies Record<string, Text>;

/** The priorities' labels: the same words the printed ticket uses (generated from Rust). */
export const PRIORITY_LABEL: Readonly<Record<Exclude<Priority, 'none'>, Text>> = PRIORITY_LABELS;

export function serviceName(s: Pick<Service, 'name_vi' | 'name_en'>, l: Lang = current): string {
  return l === 'vi' ? s.name_vi.normalize('NFC') : s.name_en;
}

export function ticketServiceName(t: Ticket, fallback: Service | undefined): string {
  const vi = t.service_name_vi ?? fallback?.name_vi ?? '';
  const en = t.service_name_en ?? fallback?.name_en ?? vi;
  return serviceName({ name_vi: vi, name_en: en });
}

export function waitingText(n: number): string {
  return current === 'vi' ? `${n} người đang chờ` : `${n} waiting`;
}

export function waitMinutesShort(m: number): string {
  if (current === 'vi') return m <= 0 ? 'Không phải chờ' : `Chờ khoảng ${m} phút`;
  return m <= 0 ? 'No wait' : `About ${m} min wait`;
}

export function peopleAheadText(n: number, l: Lang = current): string {
  if (l === 'vi') {
    return n <= 0 ? 'Không có ai đang chờ trước' : `Có ${n} người đang chờ trước`;
  }
  if (n <= 0) return 'Nobody is waiting ahead of you';
  return n === 1 ? 'There is 1 person waiting ahead of you' : `There are ${n} people waiting ahead of you`;
}

/** Offline, the kiosk cannot know who waits: it says so rather than "nobody ahead". */
export function peopleAheadUnknownText(l: Lang = current): string {
  return l === 'vi'
    ? 'Chưa biết có bao nhiêu người chờ trước (máy đang mất kết nối).'
    : 'How many people are ahead is not known (the kiosk is offline).';
}

/** "Quầy phục vụ: 1, 2" / "Served at counters 1 and 2". */
export function countersText(counters: readonly number[], l: Lang = current): string {
  const list = counters.map(String);
  if (l === 'vi') return `Quầy phục vụ: ${list.join(', ')}`;
  if (list.length === 1) return `Served at counter ${list[0] ?? ''}`;
  return `Served at counters ${list.slice(0, -1).join(', ')} and ${list[list.length - 1] ?? ''}`;
}

export function waitText(m: number, l: Lang = current): string {
  if (l === 'vi') {
    return m <= 0
      ? 'Thời gian chờ dự kiến: sẽ được gọi sớm'
      : `Thời gian chờ dự kiến: khoảng ${m} phút`;
  }
  if (m <= 0) return 'Estimated wait: you will be called soon';
  return m === 1 ? 'Estimated wait: about 1 minute' : `Estimated wait: about ${m} minutes`;
}

/** The printer failed: one sentence per language, with the number in it. */
export function printFailedText(number: string, l: Lang = current): string {
  return l === 'vi'
    ? `Máy in bị lỗi nên chưa in được phiếu. Số ${number} vẫn được giữ: bấm "In lại", hoặc đọc số này cho cán bộ.`
    : `The printer failed, so no ticket was printed. Number ${number} is kept: press "Print again", or tell the number to a staff member.`;
}

export function issuedAtText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = new Intl.DateTimeFormat('vi-VN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(d);
  return current === 'vi' ? `Giờ lấy số: ${time}` : `Issued at ${time}`;
}

export function autoHomeText(secs: number): string {
  return current === 'vi'
    ? `Màn hình tự về trang chủ sau ${secs} giây.`
    : `This screen goes back home in ${secs} seconds.`;
}

/** "Đang hỗ trợ: Nguyễn Văn A" / "Assisting: Nguyễn Văn A". */
export function assistingText(name: string): string {
  return `${tr(T.assisting)}: ${name.normalize('NFC')}`;
}

/** The printer's own state, as staff read it. */
export function printerStateText(state: string): string {
  const map: Record<string, Text> = {
    ready: { vi: 'Sẵn sàng', en: 'Ready' },
    offline: { vi: 'Không kết nối', en: 'Offline' },
    paper_out: { vi: 'Hết giấy', en: 'Out of paper' },
    cover_open: { vi: 'Nắp máy đang mở', en: 'Cover open' },
  };
  return tr(map[state] ?? { vi: 'Đang lỗi', en: 'Error' });
}

export function pinEnteredText(n: number): string {
  if (current === 'vi') return n === 0 ? 'Chưa nhập số nào' : `Đã nhập ${n} số`;
  if (n === 0) return 'No digits entered';
  return n === 1 ? '1 digit entered' : `${n} digits entered`;
}

export function priorityLine(p: Priority): string {
  if (p === 'none') return '';
  return current === 'vi'
    ? `Ưu tiên: ${PRIORITY_LABEL[p].vi}`
    : `Priority: ${PRIORITY_LABEL[p].en}`;
}

export function serviceLine(name: string): string {
  return current === 'vi' ? `Dịch vụ: ${name}` : `Service: ${name}`;
}

/** "Mời công dân có số A023 đến quầy số 3". */
export function inviteText(number: string, counter: number, l: Lang = current): string {
  return l === 'vi'
    ? `Mời công dân có số ${number} đến quầy số ${counter}`
    : `Number ${number}, please go to counter ${counter}`;
}

export function transferTitle(number: string): string {
  return current === 'vi' ? `Chuyển số ${number} sang dịch vụ:` : `Transfer ${number} to the service:`;
}

/** "Bỏ qua số A012?" */
export function skipConfirmTitle(number: string, l: Lang = current): string {
  return l === 'vi' ? `Bỏ qua số ${number}?` : `Skip ${number}?`;
}

/** "Gọi lại số này: A012" (the button's name for screen readers, its visible label first). */
export function callSkippedLabel(number: string): string {
  return `${tr(T.callSkipped)}: ${number}`;
}

export function skippedText(number: string): string {
  return current === 'vi' ? `Đã bỏ qua số ${number}` : `Skipped ${number}`;
}

export function servedTodayText(n: number): string {
  return current === 'vi' ? `Đã phục vụ hôm nay: ${n}` : `Served today: ${n}`;
}

export function calledText(number: string): string {
  return current === 'vi' ? `Đã gọi số ${number}` : `Called ${number}`;
}

export function peopleText(n: number, l: Lang = current): string {
  if (l === 'vi') return `${n} người`;
  return n === 1 ? '1 person' : `${n} people`;
}

export function aboutMinutesText(m: number, l: Lang = current): string {
  if (l === 'vi') return m <= 0 ? 'Không phải chờ' : `Khoảng ${m} phút`;
  if (m <= 0) return 'No wait';
  return m === 1 ? 'About 1 minute' : `About ${m} minutes`;
}

/** "Hộ tịch (42)". */
export function fieldCountText(field: string, n: number): string {
  return `${field} (${n})`;
}

export function resultsText(n: number): string {
  if (current === 'vi') return `${n} thủ tục`;
  return n === 1 ? '1 procedure' : `${n} procedures`;
}

/** "Bản chính: 1, bản sao: 2" — the counts a document line shows. */
export function copiesText(originals: number, copies: number): string {
  const parts: string[] = [];
  if (originals > 0) parts.push(current === 'vi' ? `${originals} bản chính` : `${originals} original${originals > 1 ? 's' : ''}`);
  if (copies > 0) parts.push(current === 'vi' ? `${copies} bản sao` : `${copies} cop${copies > 1 ? 'ies' : 'y'}`);
  return parts.join(', ');
}

const UNIT_EN: Partial<Record<string, [string, string]>> = {
  'Ngày làm việc': ['working day', 'working days'],
  Ngày: ['day', 'days'],
  'Giờ làm việc': ['working hour', 'working hours'],
  Giờ: ['hour', 'hours'],
  Tháng: ['month', 'months'],
  Năm: ['year', 'years'],
  Phút: ['minute', 'minutes'],
};

/** "5 ngày làm việc" / "5 working days". */
export function durationText(value: number, unit: string): string {
  const v = Number.isInteger(value) ? String(value) : String(value).replace('.', current === 'vi' ? ',' : '.');
  if (current === 'vi') return `${v} ${unit.toLowerCase()}`;
  const en = UNIT_EN[unit];
  return en ? `${v} ${value === 1 ? en[0] : en[1]}` : `${v} ${unit}`;
}

/** "8.000 đồng". */
export function feeText(vnd: number): string {
  return `${new Intl.NumberFormat('vi-VN').format(vnd)} ${current === 'vi' ? 'đồng' : 'VND'}`;
}

export function idleText(secs: number): string {
  return current === 'vi'
    ? `Màn hình sẽ về trang chủ và xóa thông tin đã nhập sau ${String(secs)} giây. Chạm vào màn hình để tiếp tục.`
    : `This screen goes home and clears what you typed in ${String(secs)} seconds. Touch the screen to continue.`;
}
