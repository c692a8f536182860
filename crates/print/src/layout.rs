//! The ticket's content and the one layout engine every output format uses.
//!
//! [`ticket_blocks`] turns a [`Ticket`] into a list of [`Block`]s (what to print, in order);
//! [`layout`] places them on a column of a given width. Units are whatever the backend uses:
//! printer dots for the raster (ESC/POS, PNG) and points for the PDF. Sizes in the blocks are
//! in points and scaled by [`Geometry::unit_per_pt`].

use crate::fonts::{metrics, text_width_em, Weight};
use motcua_core::{Priority, Ticket};
use qrcode::{EcLevel, QrCode};
use unicode_normalization::UnicodeNormalization;

/// How text of a block looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Style {
    /// Black text on paper.
    Plain,
    /// White text in a black badge (the priority label: easy to spot for the staff).
    Badge,
}

/// One thing printed on the ticket, top to bottom.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// Centered text, wrapped on spaces. `fit` shrinks it to one line instead of wrapping.
    Text {
        text: String,
        size_pt: f32,
        weight: Weight,
        style: Style,
        fit: bool,
    },
    /// A dashed separator.
    Rule,
    /// A QR code of `data`, about `size_pt` wide (quiet zone included).
    Qr { data: String, size_pt: f32 },
    /// Vertical space.
    Gap(f32),
    /// Left-aligned text wrapped on spaces, indented by `indent_pt`; `label` (a list number)
    /// hangs in the indent on the first line.
    Para {
        text: String,
        size_pt: f32,
        weight: Weight,
        indent_pt: f32,
        label: Option<String>,
    },
    /// These blocks inside a black frame (what must not be missed).
    Frame(Vec<Block>),
}

pub(crate) fn text(text: impl AsRef<str>, size_pt: f32, weight: Weight) -> Block {
    Block::Text {
        text: text.as_ref().nfc().collect(),
        size_pt,
        weight,
        style: Style::Plain,
        fit: false,
    }
}

/// `"08:05 ngày 22/11/2026"` from an RFC 3339 instant, in Vietnamese local time (UTC+7).
/// Unparseable input is printed as it is rather than failing the print.
pub(crate) fn vn_datetime(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t
            .with_timezone(&motcua_core::time::vn_offset())
            .format("%H:%M ngày %d/%m/%Y")
            .to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// `"22/11/2026"`: the office day of an RFC 3339 instant (UTC+7); `None` if unparseable.
pub(crate) fn vn_date(rfc3339: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| {
        t.with_timezone(&motcua_core::time::vn_offset())
            .format("%d/%m/%Y")
            .to_string()
    })
}

/// A Vietnamese line and its English twin in smaller type under it.
fn bilingual(b: &mut Vec<Block>, vi: impl AsRef<str>, en: impl AsRef<str>, size: f32, w: Weight) {
    b.push(text(vi, size, w));
    b.push(text(en, (size * 0.78).max(7.5), Weight::Regular));
}

/// The ticket's content. All output formats print exactly these blocks.
///
/// It says only what is known: an offline ticket (the kiosk could not reach the office
/// server) does not know how many people are ahead, so it says so instead of a count.
pub(crate) fn ticket_blocks(t: &Ticket) -> Vec<Block> {
    let mut b = Vec::new();
    if let Some(office) = t.office_name.as_deref().filter(|s| !s.trim().is_empty()) {
        b.push(text(office, 9.0, Weight::Regular));
        b.push(Block::Gap(3.0));
    }
    b.push(text("PHIẾU SỐ THỨ TỰ", 15.0, Weight::Bold));
    b.push(text("Queue ticket", 8.0, Weight::Regular));
    b.push(Block::Gap(2.0));
    b.push(Block::Rule);
    b.push(Block::Gap(3.0));
    let service = t
        .service_name_vi
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(&t.service_id);
    b.push(text(service, 12.0, Weight::Bold));
    if let Some(en) = t
        .service_name_en
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        b.push(text(en, 8.0, Weight::Regular));
    }
    b.push(Block::Gap(9.0));
    b.push(Block::Text {
        text: t.number.nfc().collect(),
        size_pt: 88.0,
        weight: Weight::Bold,
        style: Style::Plain,
        fit: true,
    });
    b.push(Block::Gap(6.0));
    if t.priority != Priority::None {
        b.push(Block::Text {
            text: format!("Ưu tiên: {}", t.priority.label_vi())
                .nfc()
                .collect(),
            size_pt: 10.5,
            weight: Weight::Bold,
            style: Style::Badge,
            fit: false,
        });
        b.push(text(
            format!("Priority: {}", t.priority.label_en()),
            8.0,
            Weight::Regular,
        ));
        b.push(Block::Gap(5.0));
    }
    if t.offline {
        // Issued by the kiosk while the office server was unreachable: staff see at a glance
        // why the number has a dash, and the citizen that the wait is not known.
        b.push(text(
            "Phiếu cấp khi mất kết nối – Issued offline",
            9.0,
            Weight::Bold,
        ));
        b.push(Block::Gap(3.0));
        bilingual(
            &mut b,
            "Chưa biết số người chờ trước",
            "Number of people ahead not known",
            10.5,
            Weight::Regular,
        );
    } else {
        bilingual(
            &mut b,
            format!("Đang chờ trước: {} người", t.people_ahead),
            format!("People ahead: {}", t.people_ahead),
            10.5,
            Weight::Regular,
        );
        // No estimate is printed as "under a minute": a counter may still be busy.
        if t.estimated_wait_minutes > 0 {
            bilingual(
                &mut b,
                format!(
                    "Thời gian chờ dự kiến: khoảng {} phút",
                    t.estimated_wait_minutes
                ),
                format!("Estimated wait: about {} minutes", t.estimated_wait_minutes),
                10.5,
                Weight::Regular,
            );
        }
    }
    b.push(Block::Gap(4.0));
    bilingual(
        &mut b,
        "Mời ngồi chờ, theo dõi màn hình và nghe gọi số",
        "Please take a seat, watch the screen and listen for your number",
        10.5,
        Weight::Bold,
    );
    if let Some(counters) = t.counters.as_ref().filter(|c| !c.is_empty()) {
        let list = counters
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        bilingual(
            &mut b,
            format!("Quầy phục vụ: {list}"),
            format!("Counters: {list}"),
            10.5,
            Weight::Regular,
        );
    }
    b.push(Block::Gap(4.0));
    b.push(text(
        format!("Lấy phiếu lúc {}", vn_datetime(&t.issued_at)),
        9.0,
        Weight::Regular,
    ));
    let valid = match vn_date(&t.issued_at) {
        Some(day) => format!("Số chỉ có giá trị trong ngày {day}"),
        None => "Số chỉ có giá trị trong ngày lấy phiếu".to_string(),
    };
    bilingual(&mut b, valid, "Valid today only", 9.0, Weight::Bold);
    b.push(Block::Gap(4.0));
    b.push(Block::Rule);
    b.push(Block::Gap(2.0));
    b.push(Block::Qr {
        data: t.status_url.clone(),
        size_pt: 96.0,
    });
    bilingual(
        &mut b,
        "Quét mã để theo dõi lượt chờ",
        "Scan to follow your turn",
        9.0,
        Weight::Regular,
    );
    b
}

/// Column geometry for [`layout`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    /// Usable width, in backend units.
    pub width: f32,
    /// Backend units per point (203/72 for a 203 dpi printer, 1.0 for PDF).
    pub unit_per_pt: f32,
    /// Snap rectangles and QR modules to whole units (printer dots), for crisp rasters.
    pub snap: bool,
    /// Factor on text sizes (not on the fitted number nor the QR): narrow paper uses smaller
    /// type so that lines do not break after every word.
    pub text_scale: f32,
}

/// A placed item, in backend units, origin at the column's top-left, y growing downwards.
#[derive(Debug, Clone)]
pub(crate) enum Placed {
    /// One line of text; `x` is the left of the pen, `baseline` the baseline.
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        white: bool,
        text: String,
    },
    /// A filled black rectangle.
    Rect { x: f32, y: f32, w: f32, h: f32 },
}

/// The placed ticket.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub items: Vec<Placed>,
    pub height: f32,
}

/// Split `text` into lines no wider than `max` (in em units at size 1.0), on spaces; a word too
/// long for a line is broken between characters.
pub(crate) fn wrap(text: &str, weight: Weight, max_em: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width_em(weight, &candidate) <= max_em {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: break it if it still does not fit.
        for c in word.chars() {
            line.push(c);
            if text_width_em(weight, &line) > max_em && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Like [`wrap`], but with lines of even length: the same number of lines as the greedy wrap,
/// at the narrowest width that keeps that number (no lone word on the last line).
fn wrap_balanced(text: &str, weight: Weight, max_em: f32) -> Vec<String> {
    let greedy = wrap(text, weight, max_em);
    if greedy.len() < 2 {
        return greedy;
    }
    // "Label: value" that needs two lines breaks after the colon when both halves fit.
    if greedy.len() == 2 {
        if let Some((label, value)) = text.split_once(": ") {
            let label = format!("{label}:");
            if text_width_em(weight, &label) <= max_em && text_width_em(weight, value) <= max_em {
                return vec![label, value.to_string()];
            }
        }
    }
    let (mut lo, mut hi) = (0.0f32, max_em);
    let mut best = greedy;
    for _ in 0..12 {
        let mid = (lo + hi) / 2.0;
        let lines = wrap(text, weight, mid);
        if lines.len() <= best.len() {
            hi = mid;
            best = lines;
        } else {
            lo = mid;
        }
    }
    best
}

/// Place `blocks` on a column.
pub(crate) fn layout(blocks: &[Block], g: Geometry) -> Layout {
    let pt = g.unit_per_pt;
    let snap = |v: f32| if g.snap { v.round() } else { v };
    let mut items = Vec::new();
    let mut y = 0.0f32;
    for block in blocks {
        match block {
            Block::Gap(h) => y += h * pt,
            Block::Frame(inner) => {
                let thick = snap((1.2 * pt).max(2.0));
                let pad = snap(5.0 * pt);
                let inside = layout(
                    inner,
                    Geometry {
                        width: g.width - 2.0 * (pad + thick),
                        ..g
                    },
                );
                let (x0, y0) = (pad + thick, snap(y) + pad + thick);
                for item in inside.items {
                    items.push(match item {
                        Placed::Rect { x, y, w, h } => Placed::Rect {
                            x: x + x0,
                            y: y + y0,
                            w,
                            h,
                        },
                        Placed::Text {
                            x,
                            baseline,
                            size,
                            weight,
                            white,
                            text,
                        } => Placed::Text {
                            x: x + x0,
                            baseline: baseline + y0,
                            size,
                            weight,
                            white,
                            text,
                        },
                    });
                }
                let (top, h) = (snap(y), snap(inside.height + 2.0 * (pad + thick)));
                for (x, y, w, h) in [
                    (0.0, top, g.width, thick),
                    (0.0, top + h - thick, g.width, thick),
                    (0.0, top, thick, h),
                    (snap(g.width - thick), top, thick, h),
                ] {
                    items.push(Placed::Rect { x, y, w, h });
                }
                y = top + h;
            }
            Block::Para {
                text,
                size_pt,
                weight,
                indent_pt,
                label,
            } => {
                let m = metrics(*weight);
                let size = size_pt * pt * g.text_scale;
                let indent = indent_pt * pt * g.text_scale;
                let (above, below) = (m.ascent * size, -m.descent * size);
                let line_h = above + below;
                if let Some(label) = label {
                    items.push(Placed::Text {
                        x: 0.0,
                        baseline: y + above,
                        size,
                        weight: *weight,
                        white: false,
                        text: label.clone(),
                    });
                }
                for line in wrap(text, *weight, (g.width - indent) / size) {
                    items.push(Placed::Text {
                        x: indent,
                        baseline: y + above,
                        size,
                        weight: *weight,
                        white: false,
                        text: line,
                    });
                    y += line_h;
                }
            }
            Block::Rule => {
                let thick = snap((0.9 * pt).max(1.0));
                let (dash, gap) = (4.0 * pt, 2.5 * pt);
                let y0 = snap(y + 2.0 * pt);
                let mut x = 0.0;
                while x < g.width {
                    let w = dash.min(g.width - x);
                    items.push(Placed::Rect {
                        x: snap(x),
                        y: y0,
                        w: snap(w),
                        h: thick,
                    });
                    x += dash + gap;
                }
                y = y0 + thick + 2.0 * pt;
            }
            Block::Qr { data, size_pt } => {
                let Ok(code) = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
                else {
                    continue; // data too long for a QR: print the rest of the ticket
                };
                let n = code.width();
                let quiet = 4;
                let total = (n + 2 * quiet) as f32;
                let target = (size_pt * pt).min(g.width);
                let mut module = target / total;
                if g.snap {
                    module = module.floor().max(1.0);
                }
                let side = module * total;
                let x0 = snap((g.width - side) / 2.0) + module * quiet as f32;
                let y0 = snap(y) + module * quiet as f32;
                qr_rects(&code, x0, y0, module, &mut items);
                y = snap(y) + side;
            }
            Block::Text {
                text,
                size_pt,
                weight,
                style,
                fit,
            } => {
                let m = metrics(*weight);
                let pad = if *style == Style::Badge {
                    3.0 * pt
                } else {
                    0.0
                };
                let max_w = g.width - 2.0 * pad;
                let mut size = size_pt * pt;
                if !*fit {
                    size *= g.text_scale;
                }
                let lines = if *fit {
                    let w = text_width_em(*weight, text);
                    if w * size > max_w * 0.96 {
                        size = max_w * 0.96 / w;
                    }
                    vec![text.clone()]
                } else {
                    wrap_balanced(text, *weight, max_w / size)
                };
                // A line box of ascent + descent; the large number gets a tighter box (digits
                // and capitals reach ~0.72 em, nothing descends).
                let (above, below) = if *fit {
                    (0.74 * size, 0.02 * size)
                } else {
                    (m.ascent * size, -m.descent * size)
                };
                let line_h = above + below;
                if *style == Style::Badge {
                    let widest = lines
                        .iter()
                        .map(|l| text_width_em(*weight, l) * size)
                        .fold(0.0, f32::max);
                    let bw = widest + 2.0 * pad + 2.0 * pt;
                    items.push(Placed::Rect {
                        x: snap((g.width - bw) / 2.0),
                        y: snap(y),
                        w: snap(bw),
                        h: snap(line_h * lines.len() as f32 + 2.0 * pad * 0.6),
                    });
                    y += pad * 0.6;
                }
                for line in lines {
                    let w = text_width_em(*weight, &line) * size;
                    items.push(Placed::Text {
                        x: (g.width - w) / 2.0,
                        baseline: y + above,
                        size,
                        weight: *weight,
                        white: *style == Style::Badge,
                        text: line,
                    });
                    y += line_h;
                }
                if *style == Style::Badge {
                    y += pad * 0.6;
                }
            }
        }
    }
    Layout {
        items,
        height: y.ceil(),
    }
}

/// The dark modules of a QR code as rectangles, one per horizontal run, the top-left module at
/// (`x0`, `y0`) (inside the quiet zone), each module `module` wide.
pub(crate) fn qr_rects(code: &QrCode, x0: f32, y0: f32, module: f32, out: &mut Vec<Placed>) {
    let n = code.width();
    let colors = code.to_colors();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                out.push(Placed::Rect {
                    x: x0 + start as f32 * module,
                    y: y0 + row as f32 * module,
                    w: (col - start) as f32 * module,
                    h: module,
                });
            } else {
                col += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_date_form() {
        assert_eq!(
            vn_datetime("2026-11-22T08:05:00+07:00"),
            "08:05 ngày 22/11/2026"
        );
        // Another offset is shown in office time.
        assert_eq!(vn_datetime("2026-11-22T01:05:00Z"), "08:05 ngày 22/11/2026");
        assert_eq!(vn_datetime("not a date"), "not a date");
    }

    #[test]
    fn wrap_keeps_words_and_width() {
        let lines = wrap(
            "Đăng ký khai sinh, khai tử và các thủ tục hộ tịch khác",
            Weight::Bold,
            10.0,
        );
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(text_width_em(Weight::Bold, l) <= 10.0, "{l}");
        }
        assert_eq!(
            lines.join(" "),
            "Đăng ký khai sinh, khai tử và các thủ tục hộ tịch khác"
        );
    }
}
