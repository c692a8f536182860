//! Print layouts and printer transports for Một Cửa Kiosk.
//!
//! A queue ticket is rendered by [`render_ticket`] to one of three [`Format`]s that show the same
//! content from the same layout engine:
//!
//! * **PDF**: an 80 mm wide page as tall as the ticket, text in the bundled Noto Sans (embedded
//!   and subset, so it is searchable), the QR as vector rectangles.
//! * **ESC/POS** for 58 mm (384 dots) or 80 mm (576 dots) thermal printers at 203 dpi: the
//!   whole ticket as a raster image (GS v 0), because printer code pages garble Vietnamese.
//! * **PNG**: the very bitmap the 80 mm printer gets, for previews.
//!
//! [`print()`] sends rendered bytes through a [`Transport`] (folder, raw TCP 9100, device file,
//! CUPS) and [`status`] asks a printer how it is. Errors convert to a bilingual
//! [`motcua_core::ApiError`] with code `PrinterUnavailable`.

#![warn(missing_docs)]

mod checklist;
mod error;
mod escpos;
mod fonts;
mod layout;
mod pdf;
mod raster;
mod receipt;
mod transport;

pub use checklist::{
    checklist_bitmap, render_checklist, sample_checklist, Checklist, ChecklistChannel,
    ChecklistItem, A5_MM,
};
pub use error::PrintError;
pub use raster::{Bitmap, DPI};
pub use receipt::PageSize;
pub use transport::{
    print, status, PrintOutcome, PrinterStatus, Transport, CONNECT_TIMEOUT, DEFAULT_TCP_PORT,
    STATUS_TIMEOUT, WRITE_TIMEOUT,
};

use motcua_core::{Priority, Ticket, TicketStatus};
use std::fmt;
use std::str::FromStr;

/// Thermal paper width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paper {
    /// 58 mm roll: 48 mm printable, 384 dots at 203 dpi.
    Mm58,
    /// 80 mm roll: 72 mm printable, 576 dots at 203 dpi.
    Mm80,
}

impl Paper {
    /// Printable width in dots at 203 dpi.
    pub fn dots(self) -> usize {
        match self {
            Paper::Mm58 => 384,
            Paper::Mm80 => 576,
        }
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// PDF, 80 mm wide page.
    Pdf,
    /// ESC/POS bytes for a thermal printer on this paper.
    EscPos(Paper),
    /// PNG preview: the 80 mm raster.
    Png,
}

impl Format {
    /// File extension for the folder transport.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::EscPos(_) => "escpos",
            Format::Png => "png",
        }
    }
}

impl FromStr for Format {
    type Err = PrintError;

    /// `pdf`, `escpos` (80 mm), `escpos58`, `escpos80` or `png` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, PrintError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(Format::Pdf),
            "escpos" | "escpos80" => Ok(Format::EscPos(Paper::Mm80)),
            "escpos58" => Ok(Format::EscPos(Paper::Mm58)),
            "png" => Ok(Format::Png),
            _ => Err(PrintError::InvalidSetting(format!(
                "unknown print format “{s}” (use pdf, escpos58, escpos80 or png)"
            ))),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Pdf => "pdf",
            Format::EscPos(Paper::Mm58) => "escpos58",
            Format::EscPos(Paper::Mm80) => "escpos80",
            Format::Png => "png",
        })
    }
}

/// Blank dots left and right of the ticket on the paper's printable width.
pub(crate) const RASTER_SIDE_DOTS: usize = 12;
/// Blank dots above the ticket.
const RASTER_TOP_DOTS: usize = 16;
/// Blank dots below the ticket (before the feed to the cutter).
const RASTER_BOTTOM_DOTS: usize = 16;

/// The ticket as the thermal printer prints it: a 1-bit bitmap `paper.dots()` wide.
pub fn ticket_bitmap(t: &Ticket, paper: Paper) -> Bitmap {
    roll_bitmap(&layout::ticket_blocks(t), paper)
}

/// Blocks laid out on a thermal roll: the printable width less the side margins, 203 dpi,
/// smaller type on 58 mm paper. Tickets, checklists and thermal receipts all print this way.
pub(crate) fn roll_bitmap(blocks: &[layout::Block], paper: Paper) -> Bitmap {
    let width = paper.dots();
    let lay = layout::layout(
        blocks,
        layout::Geometry {
            width: (width - 2 * RASTER_SIDE_DOTS) as f32,
            unit_per_pt: DPI / 72.0,
            snap: true,
            text_scale: match paper {
                Paper::Mm58 => 0.8,
                Paper::Mm80 => 1.0,
            },
        },
    );
    let height = RASTER_TOP_DOTS + lay.height as usize + RASTER_BOTTOM_DOTS;
    let mut canvas = raster::Canvas::new(width, height);
    canvas.draw(&lay, RASTER_SIDE_DOTS as f32, RASTER_TOP_DOTS as f32);
    canvas.to_bitmap()
}

/// Render a queue ticket.
pub fn render_ticket(t: &Ticket, format: Format) -> Result<Vec<u8>, PrintError> {
    match format {
        Format::Pdf => pdf::render(
            &layout::ticket_blocks(t),
            &format!("Phiếu số thứ tự {}", t.number),
        ),
        Format::EscPos(paper) => Ok(escpos::encode(&ticket_bitmap(t, paper))),
        Format::Png => ticket_bitmap(t, Paper::Mm80)
            .to_png()
            .map_err(|e| PrintError::Render(format!("PNG encoding failed: {e}"))),
    }
}

/// A realistic ticket for test prints (`--sample`): a ward office, a civil-status service with
/// stacked Vietnamese marks (Đ, ộ, ữ), an elderly priority.
pub fn sample_ticket() -> Ticket {
    Ticket {
        id: "5f0c2a9e-8d1b-4c7a-9e21-3b6d4f8a1c07".into(),
        number: "A023".into(),
        service_id: "ho-tich".into(),
        priority: Priority::Elderly,
        issued_at: "2026-11-22T08:05:00+07:00".into(),
        people_ahead: 12,
        estimated_wait_minutes: 35,
        status_url: "https://motcua.hoankiem.hanoi.gov.vn/t/5f0c2a9e".into(),
        status: TicketStatus::Waiting,
        service_name_vi: Some("Đăng ký hộ tịch, chứng thực chữ ký".into()),
        service_name_en: Some("Civil registration, signature certification".into()),
        office_name: Some("Bộ phận Một cửa UBND phường Hoàn Kiếm".into()),
        offline: false,
        counters: Some(vec![1, 2]),
    }
}

/// The QR code of `data` as a standalone SVG element (no XML declaration) for the kiosk screen:
/// `width`/`height` attributes and a `viewBox` in modules, a 4-module white quiet zone, dark
/// modules black. Error correction level M, as on the paper ticket.
pub fn qr_svg(data: &str) -> String {
    use qrcode::{Color, EcLevel, QrCode};
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(data.as_bytes(), EcLevel::L));
    let Ok(code) = code else {
        // Longer than any QR can hold: an empty white square rather than a panic.
        return r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 8 8"><rect width="8" height="8" fill="#fff"/></svg>"##.to_string();
    };
    let n = code.width();
    let quiet = 4;
    let total = n + 2 * quiet;
    let px = total * 8;
    let colors = code.to_colors();
    let mut path = String::new();
    for y in 0..n {
        let mut x = 0;
        while x < n {
            if colors[y * n + x] == Color::Dark {
                let start = x;
                while x < n && colors[y * n + x] == Color::Dark {
                    x += 1;
                }
                path.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + quiet,
                    y + quiet,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}" viewBox="0 0 {total} {total}" shape-rendering="crispEdges"><rect width="{total}" height="{total}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    )
}

/// An output format of the dossier receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptFormat {
    /// PDF on an A4 or A5 page, embedded subset Noto Sans, vector QR codes.
    Pdf(PageSize),
    /// PNG preview of the A4 page at 203 dpi (1-bit, as a printer would print it).
    Png,
    /// The 80 mm (or 58 mm) thermal version as ESC/POS raster.
    EscPos(Paper),
    /// PNG preview of the 80 mm thermal version (the bitmap the printer gets).
    ThermalPng,
}

impl FromStr for ReceiptFormat {
    type Err = PrintError;

    /// `pdf` (A4), `pdf-a4`, `pdf-a5`, `png`, `png80` (thermal preview), `escpos` (80 mm),
    /// `escpos80`, `escpos58`.
    fn from_str(s: &str) -> Result<Self, PrintError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" | "pdf-a4" | "a4" => Ok(ReceiptFormat::Pdf(PageSize::A4)),
            "pdf-a5" | "a5" => Ok(ReceiptFormat::Pdf(PageSize::A5)),
            "png" => Ok(ReceiptFormat::Png),
            "escpos" | "escpos80" => Ok(ReceiptFormat::EscPos(Paper::Mm80)),
            "escpos58" => Ok(ReceiptFormat::EscPos(Paper::Mm58)),
            "png80" => Ok(ReceiptFormat::ThermalPng),
            _ => Err(PrintError::InvalidSetting(format!(
                "unknown receipt format “{s}” (use pdf, pdf-a5, png, png80, escpos80 or escpos58)"
            ))),
        }
    }
}

/// The thermal receipt as the printer prints it.
pub fn receipt_bitmap(d: &motcua_core::dossier::Dossier, paper: Paper) -> Bitmap {
    roll_bitmap(&receipt::thermal_blocks(d), paper)
}

/// The A4 receipt page at 203 dpi.
pub fn receipt_page_bitmap(d: &motcua_core::dossier::Dossier) -> Bitmap {
    let (items, _, height) = receipt::a4_items(d);
    // A long checklist shrinks to fit the page rather than running off it.
    let k = DPI / 72.0 * (receipt::A4_COLUMN_HEIGHT / height).min(1.0);
    let mm = DPI / 25.4;
    let scaled: Vec<layout::Placed> = items
        .into_iter()
        .map(|it| match it {
            layout::Placed::Rect { x, y, w, h } => layout::Placed::Rect {
                x: x * k,
                y: y * k,
                w: (w * k).max(1.0),
                h: (h * k).max(1.0),
            },
            layout::Placed::Text {
                x,
                baseline,
                size,
                weight,
                white,
                text,
            } => layout::Placed::Text {
                x: x * k,
                baseline: baseline * k,
                size: size * k,
                weight,
                white,
                text,
            },
        })
        .collect();
    let (w, h) = ((210.0 * mm) as usize, (297.0 * mm) as usize);
    let mut canvas = raster::Canvas::new(w, h);
    canvas.draw(
        &layout::Layout {
            items: scaled,
            height: h as f32,
        },
        receipt::LEFT_MM * mm,
        receipt::TOP_MM * mm,
    );
    canvas.to_bitmap()
}

/// Render the receipt of a dossier (as `GET /api/v1/dossiers/{code}` returns it).
pub fn render_receipt(
    d: &motcua_core::dossier::Dossier,
    format: ReceiptFormat,
) -> Result<Vec<u8>, PrintError> {
    match format {
        ReceiptFormat::Pdf(size) => {
            let (items, _, height) = receipt::a4_items(d);
            let (w, h) = size.mm();
            // A long checklist shrinks to fit the page rather than running off it.
            let k = size.scale() * (receipt::A4_COLUMN_HEIGHT / height).min(1.0);
            let mm = 72.0 / 25.4;
            pdf::render_items(
                &items,
                w,
                h,
                receipt::LEFT_MM * mm * k,
                receipt::TOP_MM * mm * k,
                k,
                &if d.status.accepted() {
                    format!("Giấy tiếp nhận hồ sơ {}", d.code)
                } else {
                    format!("Giấy xác nhận nộp hồ sơ trực tuyến {}", d.code)
                },
            )
        }
        ReceiptFormat::Png => receipt_page_bitmap(d)
            .to_png()
            .map_err(|e| PrintError::Render(format!("PNG encoding failed: {e}"))),
        ReceiptFormat::EscPos(paper) => Ok(escpos::encode(&receipt_bitmap(d, paper))),
        ReceiptFormat::ThermalPng => receipt_bitmap(d, Paper::Mm80)
            .to_png()
            .map_err(|e| PrintError::Render(format!("PNG encoding failed: {e}"))),
    }
}

/// The seed of the key the sample receipt is signed with. Demo only: never an office's key.
pub const SAMPLE_RECEIPT_SEED: [u8; 32] = *b"motcua-sample-receipt-key-demo!!";

/// A realistic dossier with a fee due, for test prints (`motcua render receipt --sample`):
/// a household business registration (1.001612, 150,000 đ) filed online at a commune office
/// and not yet accepted (so it prints as the confirmation of online submission), one paper
/// still to hand in at the counter, its tracking URL signed with [`SAMPLE_RECEIPT_SEED`].
pub fn sample_dossier() -> motcua_core::dossier::Dossier {
    use motcua_core::dossier::*;
    let code = "000.00.00.H26-261123-0042";
    let key = motcua_core::receipt::signing_key(SAMPLE_RECEIPT_SEED);
    let purpose = motcua_core::vietqr::dossier_purpose(code);
    let vietqr = motcua_core::vietqr::encode(&motcua_core::vietqr::Transfer {
        bin: "970436",
        account: "1023456789",
        amount: Some(150_000),
        purpose: &purpose,
    })
    .expect("valid sample transfer");
    Dossier {
        code: code.into(),
        procedure_code: "1.001612".into(),
        procedure_name: "Đăng ký thành lập hộ kinh doanh".into(),
        applicant: Applicant {
            full_name: "Nguyễn Thị Hồng Nhung".into(),
            id_number: "001186012345".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1986, 5, 12),
            gender: Some("Nữ".into()),
            address: Some("Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội".into()),
            phone: Some("0912 345 678".into()),
            email: None,
        },
        answers: Default::default(),
        received_at: "2026-11-23T09:05:00+07:00".into(),
        processing_time: motcua_core::workdays::ProcessingTime::working_days(3),
        due_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("date"),
        due_at: Some("2026-11-26T09:05:00+07:00".into()),
        fee_vnd: 150_000,
        status: DossierStatus::Submitted,
        documents: vec![
            DossierDocument {
                name: "Giấy đề nghị đăng ký hộ kinh doanh".into(),
                originals: 1,
                copies: 0,
                paper_at_counter: false,
                attachment: Some(AttachmentInfo {
                    file_name: "de-nghi.pdf".into(),
                    media_type: "application/pdf".into(),
                    size: 182_344,
                    sha256: "0".repeat(64),
                }),
            },
            DossierDocument {
                name: "Bản sao biên bản họp thành viên hộ gia đình".into(),
                originals: 0,
                copies: 1,
                paper_at_counter: false,
                attachment: Some(AttachmentInfo {
                    file_name: "bien-ban.jpg".into(),
                    media_type: "image/jpeg".into(),
                    size: 912_004,
                    sha256: "1".repeat(64),
                }),
            },
            DossierDocument {
                name: "Bản sao hợp đồng thuê địa điểm kinh doanh".into(),
                originals: 0,
                copies: 1,
                paper_at_counter: true,
                attachment: None,
            },
        ],
        delivery: Delivery::Office,
        tracking_url: motcua_core::receipt::tracking_url(
            "https://motcua.hoankiem.hanoi.gov.vn",
            &key,
            code,
            "p4vkt4pjhy",
        ),
        payment: Some(Payment {
            amount_vnd: 150_000,
            bank_bin: "970436".into(),
            account: "1023456789".into(),
            account_name: "UBND PHUONG HOAN KIEM".into(),
            purpose,
            vietqr,
        }),
        agency: Agency {
            parent: "UBND thành phố Hà Nội".into(),
            name: "UBND phường Hoàn Kiếm".into(),
            address: "Số 126 phố Hàng Trống, phường Hoàn Kiếm, Hà Nội".into(),
            code: "000.00.00.H26".into(),
            place: String::new(),
        },
        verified_with: None,
        account_subject: None,
        submitted_by: None,
        received_by: None,
        channel: motcua_core::dossier::Channel::Online,
        ticket_id: None,
        digitized: false,
        days_left: None,
        fee_paid: false,
        overdue: false,
        history: vec![],
    }
}
