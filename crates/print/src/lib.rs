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
mod transport;

pub use checklist::{
    checklist_bitmap, render_checklist, sample_checklist, Checklist, ChecklistChannel,
    ChecklistItem, A5_MM,
};
pub use error::PrintError;
pub use raster::{Bitmap, DPI};
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
    let width = paper.dots();
    let lay = layout::layout(
        &layout::ticket_blocks(t),
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
