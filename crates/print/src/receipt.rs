//! What the kiosk prints for a filed dossier, chosen by its status:
//!
//! * filed online and not yet accepted
//!   ([`DossierStatus::Submitted`](motcua_core::dossier::DossierStatus::Submitted)): "Giấy xác nhận nộp hồ
//!   sơ trực tuyến" — a confirmation, with the expected return date counted from acceptance
//!   and, boxed, the papers still to hand in at the counter;
//! * accepted by an officer: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" after Mẫu 01 of the
//!   appendix to Circular 01/2018/TT-VPCP, with the two signature blocks.
//!
//! Both have the agency header left and the national motto right with the place and date, the
//! dossier code, the applicant, the request, the numbered documents (only the counts that are
//! not zero), the processing time, the times of filing and return (hour and minute), where to
//! collect; below, the tracking QR and, when a fee is due, the VietQR payment QR.
//!
//! The page is laid out once on an A4 column (points); A5 is the same page scaled by 148/210.
//! The 80 mm thermal version is a column of [`Block`]s in the ticket's layout engine.

use crate::fonts::{metrics, text_width_em, Weight};
use crate::layout::{Block, Placed, Style};
use motcua_core::dossier::{Delivery, Dossier, DossierDocument};
use motcua_core::text::thousands;
use qrcode::{EcLevel, QrCode};
use unicode_normalization::UnicodeNormalization;

/// Page sizes of the receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    /// 210 × 297 mm.
    A4,
    /// 148 × 210 mm (the A4 page scaled).
    A5,
}

impl PageSize {
    /// Width and height in mm.
    pub fn mm(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (210.0, 297.0),
            PageSize::A5 => (148.0, 210.0),
        }
    }

    /// Factor from the A4 layout.
    pub fn scale(self) -> f32 {
        self.mm().0 / 210.0
    }
}

const MM: f32 = 72.0 / 25.4;
/// Margins of administrative documents (Nghị định 30/2020/NĐ-CP: left 30–35 mm, right
/// 15–20 mm, top and bottom 20–25 mm).
pub(crate) const LEFT_MM: f32 = 30.0;
pub(crate) const RIGHT_MM: f32 = 15.0;
pub(crate) const TOP_MM: f32 = 18.0;
const BODY: f32 = 12.0;

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// The title of what prints for `d`: Mẫu 01 once an officer has accepted it, the confirmation
/// of online submission before. Vietnamese, English.
pub(crate) fn title(d: &Dossier) -> (&'static str, &'static str) {
    if d.status.accepted() {
        (
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Dossier receipt and appointment for the result",
        )
    } else {
        (
            "GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN",
            "Confirmation of online submission",
        )
    }
}

/// The documents still to hand in on paper at the counter: those marked so, while no officer
/// has accepted the dossier (an accepted dossier has its papers).
fn still_to_hand_in(d: &Dossier) -> Vec<&DossierDocument> {
    if d.status.accepted() {
        return Vec::new();
    }
    d.documents
        .iter()
        .filter(|doc| doc.paper_at_counter)
        .collect()
}

/// `Bản chính: 1; Bản sao: 2`, leaving out a count of zero (`None` when both are).
fn counts_vi(doc: &DossierDocument) -> Option<String> {
    let parts: Vec<String> = [("Bản chính", doc.originals), ("Bản sao", doc.copies)]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(label, n)| format!("{label}: {n}"))
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The appointment: `09:05 ngày 26/11/2026` (the date alone for dossiers filed before the
/// hour was recorded).
fn due_vi(d: &Dossier) -> String {
    match d.due_at.as_deref().filter(|t| {
        chrono::DateTime::parse_from_rfc3339(t).is_ok_and(|t| {
            t.with_timezone(&motcua_core::time::vn_offset())
                .date_naive()
                == d.due_date
        })
    }) {
        Some(t) => crate::layout::vn_datetime(t),
        None => format!("ngày {}", d.due_date.format("%d/%m/%Y")),
    }
}

/// `Hoàn Kiếm, ngày 23 tháng 11 năm 2026` (Nghị định 30/2020/NĐ-CP: a day below 10 and the
/// months 1 and 2 with a leading zero), without the place when none is known.
fn place_and_date(d: &Dossier) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(&d.received_at) else {
        return String::new();
    };
    use chrono::Datelike;
    let t = t.with_timezone(&motcua_core::time::vn_offset());
    let month = if t.month() <= 2 {
        format!("{:02}", t.month())
    } else {
        t.month().to_string()
    };
    let date = format!("ngày {:02} tháng {month} năm {}", t.day(), t.year());
    match d.agency.place_name() {
        Some(place) => format!("{place}, {date}"),
        None => date,
    }
}

/// What the citizen does next with a confirmation of online submission.
fn next_step(d: &Dossier) -> (&'static str, &'static str) {
    if still_to_hand_in(d).is_empty() {
        (
            "Cán bộ sẽ kiểm tra và tiếp nhận hồ sơ; quét mã QR dưới đây để theo dõi.",
            "An officer will check and accept the dossier; scan the QR code below to follow it.",
        )
    } else {
        (
            "Mang giấy này và các giấy tờ còn phải nộp đến quầy để cán bộ kiểm tra, tiếp nhận hồ sơ.",
            "Bring this paper and the documents still to hand in to the counter, where an officer checks and accepts the dossier.",
        )
    }
}

/// When the return date counts from, for a dossier not accepted yet.
fn counts_from(d: &Dossier) -> (&'static str, &'static str) {
    if still_to_hand_in(d).is_empty() {
        (
            "Thời hạn giải quyết tính từ khi cán bộ tiếp nhận hồ sơ.",
            "The due date counts from when an officer accepts the dossier.",
        )
    } else {
        (
            "Thời hạn giải quyết tính từ khi nộp đủ giấy tờ tại quầy.",
            "The due date counts from when the papers are handed in.",
        )
    }
}

fn delivery_vi(d: &Dossier) -> String {
    match &d.delivery {
        Delivery::Office => {
            let place = if d.agency.address.trim().is_empty() {
                d.agency.name.clone()
            } else {
                format!("{}, {}", d.agency.name, d.agency.address)
            };
            format!("Bộ phận Tiếp nhận và Trả kết quả – {place}")
        }
        Delivery::Post { address } => {
            format!("Qua dịch vụ bưu chính công ích, gửi đến: {address}")
        }
    }
}

/// A column cursor placing items in points on the A4 content column.
struct Page {
    items: Vec<Placed>,
    width: f32,
    y: f32,
}

impl Page {
    fn line_h(size: f32, weight: Weight) -> (f32, f32) {
        let m = metrics(weight);
        (m.ascent * size, (m.ascent - m.descent) * size * 1.05)
    }

    /// Text wrapped in `[x0, x1]`, each line centered or left; returns the height used.
    #[allow(clippy::too_many_arguments)]
    fn text_in(
        &mut self,
        x0: f32,
        x1: f32,
        y: f32,
        s: &str,
        size: f32,
        weight: Weight,
        center: bool,
    ) -> f32 {
        let (above, lh) = Self::line_h(size, weight);
        let mut yy = y;
        for line in crate::layout::wrap(&nfc(s), weight, (x1 - x0) / size) {
            let w = text_width_em(weight, &line) * size;
            let x = if center { x0 + (x1 - x0 - w) / 2.0 } else { x0 };
            self.items.push(Placed::Text {
                x,
                baseline: yy + above,
                size,
                weight,
                white: false,
                text: line,
            });
            yy += lh;
        }
        yy - y
    }

    /// A paragraph across the column: `label` in bold then the value, wrapped, continuation
    /// lines indented by `indent`.
    fn para(&mut self, indent: f32, parts: &[(&str, Weight)]) {
        let size = BODY;
        let (above, lh) = Self::line_h(size, Weight::Regular);
        let mut x = indent;
        let mut first = true;
        for (text, weight) in parts {
            let text = nfc(text);
            for word in text.split(' ') {
                let piece = if first || x == indent {
                    word.to_owned()
                } else {
                    format!(" {word}")
                };
                let w = text_width_em(*weight, &piece) * size;
                if x + w > self.width && x > indent {
                    self.y += lh;
                    x = indent + 14.0;
                    let w2 = text_width_em(*weight, word) * size;
                    self.items.push(Placed::Text {
                        x,
                        baseline: self.y + above,
                        size,
                        weight: *weight,
                        white: false,
                        text: word.to_owned(),
                    });
                    x += w2;
                } else {
                    self.items.push(Placed::Text {
                        x,
                        baseline: self.y + above,
                        size,
                        weight: *weight,
                        white: false,
                        text: piece,
                    });
                    x += w;
                }
                first = false;
            }
        }
        self.y += lh + 2.0;
    }

    /// A rectangle's outline `thick` points wide, from (`x0`, `y0`) to (`x1`, `y1`).
    fn frame(&mut self, x0: f32, x1: f32, y0: f32, y1: f32, thick: f32) {
        for (x, y, w, h) in [
            (x0, y0, x1 - x0, thick),
            (x0, y1 - thick, x1 - x0, thick),
            (x0, y0, thick, y1 - y0),
            (x1 - thick, y0, thick, y1 - y0),
        ] {
            self.items.push(Placed::Rect { x, y, w, h });
        }
    }

    fn rule(&mut self, x0: f32, x1: f32, y: f32) {
        self.items.push(Placed::Rect {
            x: x0,
            y,
            w: x1 - x0,
            h: 0.6,
        });
    }

    /// A QR of `data`, `side` points wide (quiet zone included), top-left at (`x`, `y`).
    fn qr(&mut self, data: &str, x: f32, y: f32, side: f32) -> bool {
        let Ok(code) = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M) else {
            return false;
        };
        let n = code.width();
        let module = side / (n + 8) as f32;
        let (x0, y0) = (x + 4.0 * module, y + 4.0 * module);
        crate::layout::qr_rects(&code, x0, y0, module, &mut self.items);
        true
    }
}

/// The receipt on the A4 content column: placed items (points, origin at the column's
/// top-left) and the column width.
pub(crate) fn a4_items(d: &Dossier) -> (Vec<Placed>, f32, f32) {
    let width = (210.0 - LEFT_MM - RIGHT_MM) * MM;
    let mut p = Page {
        items: Vec::new(),
        width,
        y: 0.0,
    };
    // Header: agency left (about 2/5), motto right.
    let split = width * 0.42;
    let mut yl = 0.0;
    if !d.agency.parent.trim().is_empty() {
        yl += p.text_in(
            0.0,
            split,
            yl,
            &d.agency.parent.to_uppercase(),
            11.0,
            Weight::Regular,
            true,
        );
    }
    yl += p.text_in(
        0.0,
        split,
        yl,
        &d.agency.name.to_uppercase(),
        11.0,
        Weight::Bold,
        true,
    );
    p.rule(split * 0.35, split * 0.65, yl + 2.0);
    yl += 6.0;
    let mut yr = 0.0;
    yr += p.text_in(
        split,
        width,
        yr,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        11.0,
        Weight::Bold,
        true,
    );
    let motto = "Độc lập - Tự do - Hạnh phúc";
    yr += p.text_in(split, width, yr, motto, 12.0, Weight::Bold, true);
    let mw = text_width_em(Weight::Bold, motto) * 12.0;
    let mid = (split + width) / 2.0;
    p.rule(mid - mw / 2.0, mid + mw / 2.0, yr + 1.0);
    yr += 8.0;
    let date = place_and_date(d);
    yr += p.text_in(split, width, yr, &date, 11.0, Weight::Regular, true);
    yl += p.text_in(
        0.0,
        split,
        yl,
        &format!("Mã hồ sơ: {}", d.code),
        11.0,
        Weight::Bold,
        true,
    );
    p.y = yl.max(yr) + 16.0;

    // Title.
    let (title_vi, title_en) = title(d);
    p.y += p.text_in(0.0, width, p.y, title_vi, 14.0, Weight::Bold, true);
    p.y += p.text_in(0.0, width, p.y, title_en, 10.5, Weight::Regular, true);
    p.y += 10.0;

    let b = Weight::Bold;
    let r = Weight::Regular;
    let accepted = d.status.accepted();
    let intro = if accepted {
        format!("{} tiếp nhận hồ sơ của:", d.agency.name)
    } else {
        format!("{} đã nhận hồ sơ nộp trực tuyến của:", d.agency.name)
    };
    p.para(0.0, &[(&intro, r)]);
    p.para(0.0, &[("Ông/Bà:", r), (&d.applicant.full_name, b)]);
    if !d.applicant.id_number.is_empty() {
        p.para(
            0.0,
            &[("Số định danh cá nhân:", r), (&d.applicant.id_number, r)],
        );
    }
    let dash = "…………";
    p.para(
        0.0,
        &[
            ("Địa chỉ:", r),
            (d.applicant.address.as_deref().unwrap_or(dash), r),
        ],
    );
    let mut contact = format!(
        "Số điện thoại: {}",
        d.applicant.phone.as_deref().unwrap_or(dash)
    );
    if let Some(e) = &d.applicant.email {
        contact.push_str(&format!("    Email: {e}"));
    }
    p.para(0.0, &[(&contact, r)]);
    p.para(
        0.0,
        &[
            ("Nội dung yêu cầu giải quyết:", r),
            (
                &format!("{} (mã thủ tục {})", d.procedure_name, d.procedure_code),
                b,
            ),
        ],
    );
    p.para(0.0, &[("1. Thành phần hồ sơ nộp gồm:", r)]);
    for (i, doc) in d.documents.iter().enumerate() {
        let how = if doc.paper_at_counter && !accepted {
            "chưa nộp: nộp bản giấy tại quầy"
        } else if doc.paper_at_counter {
            "nộp bản giấy tại quầy"
        } else if doc.attachment.is_some() {
            "nộp trực tuyến"
        } else {
            "không đính kèm"
        };
        let line = match counts_vi(doc) {
            Some(n) => format!("{}. {} — {n} ({how})", i + 1, doc.name),
            None => format!("{}. {} ({how})", i + 1, doc.name),
        };
        p.para(14.0, &[(&line, r)]);
    }
    let paper = still_to_hand_in(d);
    if !paper.is_empty() {
        p.y += 4.0;
        let top = p.y;
        let pad = 8.0;
        p.y += pad;
        let full = p.width;
        p.width = full - pad;
        p.para(
            pad,
            &[
                ("Còn phải nộp tại quầy:", b),
                ("/ Still to hand in at the counter:", r),
            ],
        );
        for doc in &paper {
            let line = match counts_vi(doc) {
                Some(n) => format!("• {} — {n}", doc.name),
                None => format!("• {}", doc.name),
            };
            p.para(pad + 10.0, &[(&line, b)]);
        }
        let (vi, en) = counts_from(d);
        p.para(pad, &[(vi, b)]);
        p.para(pad, &[(en, r)]);
        p.width = full;
        p.y += pad - 4.0;
        p.frame(0.0, width, top, p.y, 1.2);
        p.y += 6.0;
    }
    p.para(0.0, &[("2. Số lượng hồ sơ: 01 (bộ)", r)]);
    p.para(
        0.0,
        &[(
            &format!(
                "3. Thời gian giải quyết hồ sơ theo quy định là: {}",
                d.processing_time.label_vi()
            ),
            r,
        )],
    );
    let (filed_label, due_label) = if accepted {
        (
            "4. Thời gian nhận hồ sơ:",
            "5. Thời gian trả kết quả giải quyết hồ sơ:",
        )
    } else {
        (
            "4. Thời gian nộp trực tuyến:",
            "5. Thời gian trả kết quả dự kiến:",
        )
    };
    p.para(
        0.0,
        &[
            (filed_label, r),
            (&crate::layout::vn_datetime(&d.received_at), r),
        ],
    );
    p.para(0.0, &[(due_label, r), (&due_vi(d), b)]);
    if !accepted && paper.is_empty() {
        // (With papers still to hand in, the box above says it.)
        let (vi, en) = counts_from(d);
        p.para(14.0, &[(vi, r)]);
        p.para(14.0, &[(en, r)]);
    }
    p.para(
        0.0,
        &[("6. Đăng ký nhận kết quả tại:", r), (&delivery_vi(d), r)],
    );
    let fee = if d.fee_vnd == 0 {
        "7. Phí, lệ phí: không".to_owned()
    } else {
        format!("7. Phí, lệ phí: {} đồng", thousands(d.fee_vnd))
    };
    p.para(0.0, &[(&fee, r)]);

    if accepted {
        // Signatures.
        p.y += 12.0;
        let half = width / 2.0;
        let y0 = p.y;
        let mut yl = y0 + p.text_in(0.0, half, y0, "NGƯỜI NỘP HỒ SƠ", 11.5, b, true);
        yl += p.text_in(0.0, half, yl, "(Ký và ghi rõ họ tên)", 10.5, r, true);
        let mut yr = y0 + p.text_in(half, width, y0, "NGƯỜI TIẾP NHẬN HỒ SƠ", 11.5, b, true);
        yr += p.text_in(half, width, yr, "(Ký và ghi rõ họ tên)", 10.5, r, true);
        let ysig = yl.max(yr) + 40.0;
        p.text_in(0.0, half, ysig, &d.applicant.full_name, 11.5, b, true);
        p.y = ysig + 22.0;
    } else {
        // What happens next, instead of signatures nobody has given.
        p.y += 6.0;
        let (vi, en) = next_step(d);
        p.para(0.0, &[(vi, b)]);
        p.para(0.0, &[(en, r)]);
        p.y += 8.0;
    }

    // QR codes.
    p.rule(0.0, width, p.y);
    p.y += 8.0;
    let side = 108.0;
    let y0 = p.y;
    let col = width / 2.0;
    p.qr(&d.tracking_url, (col - side) / 2.0, y0, side);
    let mut yl = y0 + side + 2.0;
    yl += p.text_in(0.0, col, yl, "Quét để tra cứu hồ sơ", 10.5, b, true);
    yl += p.text_in(0.0, col, yl, "Scan to track the dossier", 9.0, r, true);
    let mut yr = y0;
    if let Some(pay) = &d.payment {
        p.qr(&pay.vietqr, col + (col - side) / 2.0, y0, side);
        yr += side + 2.0;
        yr += p.text_in(col, width, yr, "Quét để nộp phí/lệ phí", 10.5, b, true);
        yr += p.text_in(
            col,
            width,
            yr,
            &format!("Số tiền: {} đồng", thousands(pay.amount_vnd)),
            10.5,
            b,
            true,
        );
        let holder = if pay.account_name.trim().is_empty() {
            format!("TK {}", pay.account)
        } else {
            format!("{} – TK {}", pay.account_name, pay.account)
        };
        yr += p.text_in(col, width, yr, &holder, 9.0, r, true);
        yr += p.text_in(
            col,
            width,
            yr,
            &format!("Nội dung: {}", pay.purpose),
            9.0,
            r,
            true,
        );
    } else if d.fee_vnd > 0 {
        // Beside the tracking QR, level with its middle; the column ends below the notice
        // however many lines it takes.
        let top = y0 + side / 2.0 - 10.0;
        yr = top
            + p.text_in(
                col,
                width,
                top,
                &format!("Phí, lệ phí {} đồng: nộp tại quầy", thousands(d.fee_vnd)),
                10.5,
                b,
                true,
            );
        yr += p.text_in(col, width, yr, "Fee paid at the counter", 9.0, r, true);
    }
    p.y = yl.max(yr);
    (p.items, width, p.y)
}

/// Usable height of the A4 column in points (top and bottom margins taken off).
pub(crate) const A4_COLUMN_HEIGHT: f32 = (297.0 - TOP_MM - 12.0) * MM;

/// The 80 mm thermal receipt, as blocks of the ticket's layout engine.
pub(crate) fn thermal_blocks(d: &Dossier) -> Vec<Block> {
    let t = |s: &str, size: f32, w: Weight| Block::Text {
        text: nfc(s),
        size_pt: size,
        weight: w,
        style: Style::Plain,
        fit: false,
    };
    let (r, b) = (Weight::Regular, Weight::Bold);
    let accepted = d.status.accepted();
    let mut out = Vec::new();
    if !d.agency.parent.trim().is_empty() {
        out.push(t(&d.agency.parent.to_uppercase(), 8.5, r));
    }
    out.push(t(&d.agency.name.to_uppercase(), 9.5, b));
    let date = place_and_date(d);
    if !date.is_empty() {
        out.push(t(&date, 8.0, r));
    }
    out.push(Block::Gap(3.0));
    let (title_vi, title_en) = title(d);
    out.push(t(title_vi, 11.5, b));
    out.push(t(title_en, 8.0, r));
    out.push(Block::Rule);
    out.push(t("Mã hồ sơ", 9.0, r));
    out.push(Block::Text {
        text: d.code.clone(),
        size_pt: 20.0,
        weight: b,
        style: Style::Plain,
        fit: true,
    });
    out.push(Block::Gap(4.0));
    out.push(t(&format!("Ông/Bà: {}", d.applicant.full_name), 9.5, b));
    if let Some(phone) = &d.applicant.phone {
        out.push(t(&format!("Điện thoại: {phone}"), 9.0, r));
    }
    out.push(t(&format!("Yêu cầu: {}", d.procedure_name), 9.5, r));
    out.push(Block::Gap(3.0));
    out.push(t("Thành phần hồ sơ:", 9.0, b));
    for (i, doc) in d.documents.iter().enumerate() {
        let how = if doc.paper_at_counter && !accepted {
            "chưa nộp, nộp tại quầy"
        } else if doc.paper_at_counter {
            "bản giấy tại quầy"
        } else if doc.attachment.is_some() {
            "trực tuyến"
        } else {
            "không đính kèm"
        };
        let line = match counts_vi(doc) {
            Some(n) => format!("{}. {} ({n}; {how})", i + 1, doc.name),
            None => format!("{}. {} ({how})", i + 1, doc.name),
        };
        out.push(t(&line, 8.5, r));
    }
    let paper = still_to_hand_in(d);
    if !paper.is_empty() {
        out.push(Block::Gap(3.0));
        let mut inner = vec![
            t("Còn phải nộp tại quầy:", 10.0, b),
            t("Still to hand in at the counter:", 8.0, r),
        ];
        for doc in &paper {
            let line = match counts_vi(doc) {
                Some(n) => format!("• {} ({n})", doc.name),
                None => format!("• {}", doc.name),
            };
            inner.push(t(&line, 9.0, b));
        }
        let (vi, en) = counts_from(d);
        inner.push(t(vi, 8.5, b));
        inner.push(t(en, 8.0, r));
        out.push(Block::Frame(inner));
    }
    out.push(Block::Gap(3.0));
    out.push(t(
        &format!("Thời hạn giải quyết: {}", d.processing_time.label_vi()),
        9.0,
        r,
    ));
    let filed = crate::layout::vn_datetime(&d.received_at);
    if accepted {
        out.push(t(&format!("Nhận lúc {filed}"), 9.0, r));
        out.push(t(&format!("Hẹn trả kết quả: {}", due_vi(d)), 11.0, b));
    } else {
        out.push(t(&format!("Nộp trực tuyến lúc {filed}"), 9.0, r));
        out.push(t(&format!("Dự kiến trả kết quả: {}", due_vi(d)), 10.5, b));
        if paper.is_empty() {
            let (vi, en) = counts_from(d);
            out.push(t(vi, 8.0, r));
            out.push(t(en, 7.5, r));
        }
    }
    out.push(t(&format!("Nhận kết quả tại: {}", delivery_vi(d)), 8.5, r));
    if !accepted {
        out.push(Block::Gap(3.0));
        let (vi, en) = next_step(d);
        out.push(t(vi, 9.0, b));
        out.push(t(en, 7.5, r));
    }
    out.push(Block::Gap(2.0));
    out.push(Block::Rule);
    out.push(Block::Qr {
        data: d.tracking_url.clone(),
        size_pt: 120.0,
    });
    out.push(t("Quét để tra cứu hồ sơ", 9.0, b));
    out.push(t("Scan to track the dossier", 7.5, r));
    if let Some(pay) = &d.payment {
        out.push(Block::Gap(4.0));
        out.push(Block::Rule);
        out.push(Block::Qr {
            data: pay.vietqr.clone(),
            size_pt: 120.0,
        });
        out.push(t("Quét để nộp phí/lệ phí", 9.5, b));
        out.push(t("Scan to pay the fee", 7.5, r));
        out.push(t(
            &format!("Số tiền: {} đồng", thousands(pay.amount_vnd)),
            10.5,
            b,
        ));
        let holder = if pay.account_name.trim().is_empty() {
            format!("TK {}", pay.account)
        } else {
            format!("{} – TK {}", pay.account_name, pay.account)
        };
        out.push(t(&holder, 8.0, r));
    } else if d.fee_vnd > 0 {
        out.push(Block::Gap(3.0));
        out.push(t(
            &format!("Phí, lệ phí {} đồng: nộp tại quầy", thousands(d.fee_vnd)),
            9.5,
            b,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::dossier::DossierStatus;

    #[test]
    fn counts_leave_out_zeros_and_the_date_line_has_the_place() {
        let mut d = crate::sample_dossier();
        assert_eq!(counts_vi(&d.documents[0]).as_deref(), Some("Bản chính: 1"));
        assert_eq!(counts_vi(&d.documents[1]).as_deref(), Some("Bản sao: 1"));
        d.documents[0].copies = 2;
        assert_eq!(
            counts_vi(&d.documents[0]).as_deref(),
            Some("Bản chính: 1; Bản sao: 2")
        );
        d.documents[0].originals = 0;
        d.documents[0].copies = 0;
        assert_eq!(counts_vi(&d.documents[0]), None);
        assert_eq!(place_and_date(&d), "Hoàn Kiếm, ngày 23 tháng 11 năm 2026");
        d.received_at = "2026-02-05T09:05:00+07:00".into();
        d.agency.place = "Nha Trang".into();
        assert_eq!(place_and_date(&d), "Nha Trang, ngày 05 tháng 02 năm 2026");
        d.received_at = "2026-03-05T09:05:00+07:00".into();
        assert_eq!(place_and_date(&d), "Nha Trang, ngày 05 tháng 3 năm 2026");
    }

    #[test]
    fn the_appointment_shows_its_hour_when_it_is_known() {
        let mut d = crate::sample_dossier();
        assert_eq!(due_vi(&d), "09:05 ngày 26/11/2026");
        d.due_at = None;
        assert_eq!(due_vi(&d), "ngày 26/11/2026");
        // An hour on another day than the due date is not trusted.
        d.due_at = Some("2026-11-27T09:05:00+07:00".into());
        assert_eq!(due_vi(&d), "ngày 26/11/2026");
    }

    /// The box of a line of text: left, top, right, bottom.
    fn text_box(x: f32, baseline: f32, size: f32, weight: Weight, text: &str) -> [f32; 4] {
        let m = metrics(weight);
        [
            x,
            baseline - m.ascent * size,
            x + text_width_em(weight, text) * size,
            baseline - m.descent * size,
        ]
    }

    fn overlap(a: [f32; 4], b: [f32; 4], slack: f32) -> bool {
        a[0] < b[2] - slack && b[0] < a[2] - slack && a[1] < b[3] - slack && b[1] < a[3] - slack
    }

    /// No line of text is printed over another, over a QR code or over a rule, for the
    /// layouts a receipt can take (paid by QR or at the counter, accepted or not, long names).
    #[test]
    fn nothing_printed_covers_anything_else() {
        let mut variants = Vec::new();
        let d = crate::sample_dossier();
        variants.push(d.clone());
        let mut at_counter = d.clone();
        at_counter.payment = None;
        variants.push(at_counter.clone());
        let mut accepted = at_counter.clone();
        accepted.status = DossierStatus::Received;
        variants.push(accepted);
        let mut long = d.clone();
        long.applicant.full_name = "Công Tôn Nữ Thị Hoàng Phương Thảo Nguyên".into();
        long.agency.name = "Trung tâm Phục vụ hành chính công xã Phước Hậu, tỉnh Vĩnh Long".into();
        long.fee_vnd = 1_250_000;
        for doc in long.documents.iter_mut() {
            doc.paper_at_counter = true;
            doc.name = format!("{} có chứng thực của cơ quan có thẩm quyền", doc.name);
        }
        if let Some(pay) = long.payment.as_mut() {
            pay.account_name = "UBND XA PHUOC HAU TINH VINH LONG - TAI KHOAN THU PHI".into();
        }
        variants.push(long.clone());
        long.payment = None;
        variants.push(long);
        for (n, d) in variants.iter().enumerate() {
            let (items, _, _) = a4_items(d);
            let texts: Vec<[f32; 4]> = items
                .iter()
                .filter_map(|it| match it {
                    Placed::Text {
                        x,
                        baseline,
                        size,
                        weight,
                        text,
                        ..
                    } if !text.trim().is_empty() => {
                        Some(text_box(*x, *baseline, *size, *weight, text))
                    }
                    _ => None,
                })
                .collect();
            let rects: Vec<[f32; 4]> = items
                .iter()
                .filter_map(|it| match it {
                    Placed::Rect { x, y, w, h } => Some([*x, *y, x + w, y + h]),
                    _ => None,
                })
                .collect();
            for (i, a) in texts.iter().enumerate() {
                for b in &texts[i + 1..] {
                    // Words of one line touch: only a real overlap counts.
                    assert!(!overlap(*a, *b, 1.0), "variant {n}: text {a:?} over {b:?}");
                }
                for r in &rects {
                    assert!(!overlap(*a, *r, 0.5), "variant {n}: text {a:?} over {r:?}");
                }
            }
        }
    }

    #[test]
    fn the_title_follows_the_status() {
        let mut d = crate::sample_dossier();
        assert_eq!(title(&d).0, "GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN");
        assert_eq!(still_to_hand_in(&d).len(), 1);
        d.status = DossierStatus::Received;
        assert_eq!(title(&d).0, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
        assert!(still_to_hand_in(&d).is_empty());
    }
}
