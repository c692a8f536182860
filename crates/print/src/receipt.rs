//! "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" after Mẫu 01 of the appendix to Circular
//! 01/2018/TT-VPCP: agency header left and national motto right, the dossier code, the
//! applicant, the request, the numbered documents with originals and copies, the processing
//! time, received and return times, where to collect, the two signature blocks; below them the
//! tracking QR and, when a fee is due, the VietQR payment QR with the amount.
//!
//! The page is laid out once on an A4 column (points); A5 is the same page scaled by 148/210.
//! The 80 mm thermal version is a column of [`Block`]s in the ticket's layout engine.

use crate::fonts::{metrics, text_width_em, Weight};
use crate::layout::{Block, Placed, Style};
use motcua_core::dossier::{Delivery, Dossier};
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

/// `08 giờ 05 phút, ngày 23/11/2026` from RFC 3339 (local time).
fn time_vi(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t
            .with_timezone(&motcua_core::time::vn_offset())
            .format("%H giờ %M phút, ngày %d/%m/%Y")
            .to_string(),
        Err(_) => rfc3339.to_owned(),
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
    let date = chrono::DateTime::parse_from_rfc3339(&d.received_at)
        .map(|t| {
            t.with_timezone(&motcua_core::time::vn_offset())
                .format("ngày %d tháng %m năm %Y")
                .to_string()
        })
        .unwrap_or_default();
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
    p.y += p.text_in(
        0.0,
        width,
        p.y,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        14.0,
        Weight::Bold,
        true,
    );
    p.y += 12.0;

    let b = Weight::Bold;
    let r = Weight::Regular;
    p.para(
        0.0,
        &[(&format!("{} tiếp nhận hồ sơ của:", d.agency.name), r)],
    );
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
        let how = if doc.paper_at_counter {
            "nộp bản giấy tại quầy"
        } else if doc.attachment.is_some() {
            "nộp trực tuyến"
        } else {
            "không đính kèm"
        };
        p.para(
            14.0,
            &[(
                &format!(
                    "{}. {} — Bản chính: {}; Bản sao: {} ({how})",
                    i + 1,
                    doc.name,
                    doc.originals,
                    doc.copies
                ),
                r,
            )],
        );
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
    p.para(
        0.0,
        &[(
            &format!("4. Thời gian nhận hồ sơ: {}", time_vi(&d.received_at)),
            r,
        )],
    );
    p.para(
        0.0,
        &[
            ("5. Thời gian trả kết quả giải quyết hồ sơ:", r),
            (&format!("ngày {}", d.due_date.format("%d/%m/%Y")), b),
        ],
    );
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
        yr += p.text_in(
            col,
            width,
            y0 + side / 2.0 - 10.0,
            &format!("Phí, lệ phí {} đồng: nộp tại quầy", thousands(d.fee_vnd)),
            10.5,
            b,
            true,
        );
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
    let mut out = Vec::new();
    if !d.agency.parent.trim().is_empty() {
        out.push(t(&d.agency.parent.to_uppercase(), 8.5, r));
    }
    out.push(t(&d.agency.name.to_uppercase(), 9.5, b));
    out.push(Block::Gap(3.0));
    out.push(t("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 11.5, b));
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
        let how = if doc.paper_at_counter {
            "bản giấy tại quầy"
        } else {
            "trực tuyến"
        };
        out.push(t(
            &format!(
                "{}. {} (chính {}, sao {}; {how})",
                i + 1,
                doc.name,
                doc.originals,
                doc.copies
            ),
            8.5,
            r,
        ));
    }
    out.push(Block::Gap(3.0));
    out.push(t(
        &format!("Thời hạn giải quyết: {}", d.processing_time.label_vi()),
        9.0,
        r,
    ));
    out.push(t(&format!("Nhận lúc {}", time_vi(&d.received_at)), 9.0, r));
    out.push(t(
        &format!("Hẹn trả kết quả: ngày {}", d.due_date.format("%d/%m/%Y")),
        11.0,
        b,
    ));
    out.push(t(&format!("Nhận kết quả tại: {}", delivery_vi(d)), 8.5, r));
    out.push(Block::Gap(2.0));
    out.push(Block::Rule);
    out.push(Block::Qr {
        data: d.tracking_url.clone(),
        size_pt: 120.0,
    });
    out.push(t("Quét để tra cứu hồ sơ", 9.0, b));
    if let Some(pay) = &d.payment {
        out.push(Block::Gap(4.0));
        out.push(Block::Rule);
        out.push(Block::Qr {
            data: pay.vietqr.clone(),
            size_pt: 120.0,
        });
        out.push(t("Quét để nộp phí/lệ phí", 9.5, b));
        out.push(t(
            &format!("Số tiền: {} đồng", thousands(pay.amount_vnd)),
            10.5,
            b,
        ));
        out.push(t(
            &format!("{} – TK {}", pay.account_name, pay.account),
            8.0,
            r,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_receipt() {
        assert_eq!(
            time_vi("2026-11-23T09:05:00+07:00"),
            "09 giờ 05 phút, ngày 23/11/2026"
        );
    }
}
