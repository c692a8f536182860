// Every word of the online filing screens, in Vietnamese (NFC) and English.

import type { Text } from '../i18n';

export const FT = {
  startTitle: { vi: 'Nộp hồ sơ trực tuyến', en: 'File a dossier online' },
  startLead: {
    vi: 'Đăng nhập bằng ứng dụng VNeID trên điện thoại của mình. Không nhập mật khẩu trên máy này.',
    en: 'You sign in with the VNeID app on your own phone. Never type a password on this machine.',
  },
  startStep1: { vi: 'Quét mã QR bằng ứng dụng VNeID và bấm Đồng ý.', en: 'Scan the QR code with the VNeID app and approve.' },
  startStep2: { vi: 'Trả lời từng câu hỏi, mỗi màn hình một câu.', en: 'Answer the questions, one per screen.' },
  startStep3: { vi: 'Đính kèm giấy tờ, hoặc nộp bản giấy tại quầy.', en: 'Attach your documents, or hand in paper at the counter.' },
  startStep4: {
    vi: 'Nhận giấy hẹn có mã QR để tra cứu hồ sơ và nộp phí.',
    en: 'Get a receipt with QR codes to track the dossier and pay the fee.',
  },
  startHelp: { vi: 'Cán bộ luôn sẵn sàng hỗ trợ.', en: 'Staff are here to help you.' },
  startButton: { vi: 'Bắt đầu – Đăng nhập bằng VNeID', en: 'Start – Sign in with VNeID' },
  forProcedure: { vi: 'Thủ tục', en: 'Procedure' },

  signinTitle: { vi: 'Quét mã bằng ứng dụng VNeID', en: 'Scan with the VNeID app' },
  signinHow: {
    vi: 'Mở ứng dụng VNeID trên điện thoại → chọn biểu tượng quét mã QR → quét mã này → bấm Đồng ý.',
    en: 'Open the VNeID app on your phone → tap the QR scan icon → scan this code → approve.',
  },
  signinCode: { vi: 'Mã xác nhận', en: 'Confirmation code' },
  signinCodeHelp: {
    vi: 'Nếu điện thoại hỏi, hãy kiểm tra mã này trùng với mã trên điện thoại.',
    en: 'If your phone asks, check that this code matches the one on the phone.',
  },
  signinWaiting: { vi: 'Đang chờ đồng ý trên điện thoại…', en: 'Waiting for you to approve on your phone…' },
  signinDemo: { vi: 'DEMO – không phải VNeID thật', en: 'DEMO – not the real VNeID' },
  signinStarting: { vi: 'Đang tạo mã đăng nhập…', en: 'Making a sign-in code…' },
  signinDenied: {
    vi: 'Đăng nhập đã bị từ chối trên điện thoại. Bấm "Tạo mã mới" nếu muốn thử lại.',
    en: 'The sign-in was declined on the phone. Press "New code" to try again.',
  },
  signinExpired: { vi: 'Mã đã hết hạn. Bấm "Tạo mã mới" để thử lại.', en: 'The code has expired. Press "New code" to try again.' },
  signinRetry: { vi: 'Tạo mã mới', en: 'New code' },
  signinOk: { vi: 'Đăng nhập thành công', en: 'Signed in' },
  noVneid: { vi: 'Chưa có VNeID? Lấy số nộp tại quầy', en: 'No VNeID? Take a number to file at the counter' },
  noVneidNote: {
    vi: 'Tài khoản VNeID mức độ 2 được đăng ký miễn phí tại Công an xã, phường: mang theo thẻ căn cước và điện thoại có số thuê bao đứng tên mình.',
    en: 'A level 2 VNeID account is registered free of charge at the commune or ward police office: bring your citizen ID card and a phone whose number is in your own name.',
  },

  endSession: { vi: 'Hủy hồ sơ', en: 'Cancel filing' },
  leaveTitle: { vi: 'Hủy hồ sơ đang khai?', en: 'Cancel this dossier?' },
  leaveLead: {
    vi: 'Nếu hủy, mọi thông tin đã nhập trên máy này sẽ bị xóa, hồ sơ không được gửi và máy đăng xuất VNeID.',
    en: 'If you cancel, everything typed on this machine is cleared, nothing is sent, and you are signed out of VNeID.',
  },
  leaveYes: { vi: 'Hủy và xóa thông tin', en: 'Cancel and clear' },
  leaveNo: { vi: 'Quay lại tiếp tục', en: 'Go back and continue' },

  progress: { vi: 'Câu', en: 'Question' },
  continue: { vi: 'Tiếp tục', en: 'Continue' },
  errorTitle: { vi: 'Cần sửa', en: 'There is a problem' },
  prefilled: { vi: 'Đã điền sẵn từ VNeID hoặc căn cước. Kiểm tra và sửa nếu cần.', en: 'Filled in from VNeID or the ID card. Check it and correct it if needed.' },
  scanHint: {
    vi: 'Có thể quét mã QR trên căn cước bằng máy quét để điền sẵn.',
    en: 'You can scan the QR code on the ID card with the scanner to fill this in.',
  },
  scanFilled: { vi: 'Đã điền thông tin từ căn cước.', en: 'Filled in from the ID card.' },

  docsTitle: { vi: 'Giấy tờ kèm theo', en: 'Documents' },
  docsLead: {
    vi: 'Với mỗi giấy tờ: đính kèm tệp (PDF, JPG, PNG, tối đa 10 MB), quét bằng máy quét, hoặc nộp bản giấy tại quầy. Bỏ qua giấy tờ không áp dụng.',
    en: 'For each document: attach a file (PDF, JPG, PNG, up to 10 MB), scan it, or hand in paper at the counter. Skip documents that do not apply to you.',
  },
  docsCases: { vi: 'Chỉ khi trường hợp cụ thể cần', en: 'Only if your case needs them' },
  docsNone: { vi: 'Thủ tục này không yêu cầu giấy tờ kèm theo.', en: 'This procedure needs no documents.' },
  docFile: { vi: 'Chọn tệp', en: 'Choose a file' },
  docScan: { vi: 'Quét giấy tờ', en: 'Scan' },
  docPaper: { vi: 'Nộp bản giấy tại quầy', en: 'Paper at the counter' },
  docRemove: { vi: 'Bỏ', en: 'Remove' },
  docIsPaper: { vi: 'Sẽ nộp bản giấy tại quầy', en: 'Paper, at the counter' },
  docNotType: {
    vi: 'Tệp này không phải PDF, JPG hay PNG (kiểm tra theo nội dung, không theo tên). Hãy chọn tệp khác.',
    en: 'This file is not a PDF, JPG or PNG (checked by its content, not its name). Choose another file.',
  },
  docTooBig: { vi: 'Tệp lớn hơn 10 MB. Hãy chọn tệp nhỏ hơn hoặc nộp bản giấy.', en: 'The file is over 10 MB. Choose a smaller one or hand in paper.' },
  docTotalTooBig: {
    vi: 'Tổng dung lượng hồ sơ vượt 30 MB. Hãy nộp bớt bản giấy tại quầy.',
    en: 'The dossier is over 30 MB in all. Hand in some documents on paper instead.',
  },

  deliveryTitle: { vi: 'Nhận kết quả ở đâu?', en: 'Where do you want to receive the result?' },
  deliveryOffice: { vi: 'Tại Bộ phận Một cửa', en: 'At the one-stop office' },
  deliveryPost: { vi: 'Qua bưu điện (bưu chính công ích)', en: 'By post (public postal service)' },
  deliveryAddress: { vi: 'Địa chỉ nhận kết quả', en: 'Delivery address' },
  deliveryNeedAddress: { vi: 'Nhập địa chỉ để bưu điện chuyển kết quả đến.', en: 'Type the address the post should deliver to.' },

  reviewTitle: { vi: 'Kiểm tra lại trước khi gửi', en: 'Check before you send' },
  reviewLead: {
    vi: 'Xem từng dòng, bấm Sửa nếu cần, rồi bấm Gửi hồ sơ ở dưới cùng màn hình.',
    en: 'Read each line and press Change if needed, then press Send at the bottom of the screen.',
  },
  reviewChange: { vi: 'Sửa', en: 'Change' },
  reviewSend: { vi: 'Gửi hồ sơ', en: 'Send the dossier' },
  reviewSending: { vi: 'Đang gửi hồ sơ…', en: 'Sending the dossier…' },
  reviewDocs: { vi: 'Giấy tờ', en: 'Documents' },
  reviewDelivery: { vi: 'Nhận kết quả', en: 'Result' },
  reviewNoDocs: { vi: 'Không có', en: 'None' },

  doneTitle: { vi: 'Đã gửi hồ sơ trực tuyến', en: 'Dossier sent online' },
  doneAwaiting: {
    vi: 'Cán bộ sẽ kiểm tra và tiếp nhận hồ sơ; giấy tiếp nhận và hẹn trả kết quả được cấp khi hồ sơ được tiếp nhận.',
    en: 'Staff will check and accept the dossier; the receipt with the result date is issued when it is accepted.',
  },
  paperOwedTitle: { vi: 'Còn phải nộp tại quầy:', en: 'Still to hand in at the counter:' },
  paperOwedNote: {
    vi: 'Hồ sơ chỉ được tiếp nhận khi đã nộp đủ các giấy tờ này. Ngày hẹn tính từ khi nộp đủ.',
    en: 'The dossier is accepted only once these papers are handed in. The result date counts from then.',
  },
  paperOwedTicket: { vi: 'Lấy số để nộp giấy tờ', en: 'Take a number to hand in the papers' },
  doneCode: { vi: 'Mã hồ sơ', en: 'Dossier code' },
  doneDue: { vi: 'Ngày hẹn trả kết quả (dự kiến)', en: 'Result due (expected)' },
  doneFee: { vi: 'Phí, lệ phí', en: 'Fee' },
  doneTrack: { vi: 'Quét để tra cứu hồ sơ', en: 'Scan to track the dossier' },
  donePay: { vi: 'Quét để nộp phí, lệ phí', en: 'Scan to pay the fee' },
  donePrinted: { vi: 'Mời nhận giấy xác nhận nộp hồ sơ trực tuyến ở khe máy in.', en: 'Please take the confirmation of online submission from the printer.' },
  doneNotPrinted: {
    vi: 'Máy in bị lỗi nên chưa in được giấy xác nhận. Hồ sơ đã được gửi; mời báo cán bộ tại quầy mã hồ sơ ở trên để được in lại.',
    en: 'The printer failed, so no confirmation was printed. The dossier is sent; tell a staff member the dossier code above to have it printed.',
  },
  doneQueued: {
    vi: 'Hồ sơ đã được lưu trên máy và sẽ tự gửi khi có kết nối. Mời đến quầy để cán bộ đưa giấy hẹn.',
    en: 'The dossier is saved on this kiosk and will be sent as soon as the connection returns. Staff will give you the receipt.',
  },
  doneEnd: { vi: 'Kết thúc và đăng xuất', en: 'Finish and sign out' },

} as const satisfies Record<string, Text>;

export function progressText(i: number, n: number, vi: boolean): string {
  return vi ? `Câu ${String(i)} trên ${String(n)}` : `Question ${String(i)} of ${String(n)}`;
}

export function countdownText(secs: number, vi: boolean): string {
  const m = Math.floor(secs / 60);
  const s = String(secs % 60).padStart(2, '0');
  return vi ? `Mã còn hiệu lực ${String(m)}:${s}` : `Code valid for ${String(m)}:${s}`;
}
