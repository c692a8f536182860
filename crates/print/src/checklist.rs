//! A procedure's checklist of documents, for the citizen to take home: A5 PDF pages, or the
//! thermal roll (ESC/POS raster, PNG) from the same blocks.

use crate::fonts::Weight;
use crate::layout::{text, vn_datetime, Block};
use crate::{escpos, pdf, Bitmap, Format, Paper, PrintError};
use unicode_normalization::UnicodeNormalization;

/// One document to bring.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistItem {
    /// What it is, as the procedure names it.
    pub name: String,
    /// Its short plain title (the catalog's `short_title`), printed first and large; the
    /// official name follows, as published. `None` or equal to `name`: the name alone.
    pub short_title: Option<String>,
    /// Originals to bring.
    pub originals: u32,
    /// Copies to bring.
    pub copies: u32,
    /// The form (mẫu đơn, tờ khai) to fill, if any.
    pub template: Option<String>,
}

/// One way to file, with its processing time and fee, already worded in Vietnamese
/// ("Trực tiếp", "5 ngày làm việc", "8.000 đồng").
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistChannel {
    /// Trực tuyến, Trực tiếp, Bưu chính.
    pub channel: String,
    /// Processing time.
    pub duration: String,
    /// Fee.
    pub fee: String,
}

/// What the checklist shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Checklist {
    /// The office that printed it.
    pub office_name: Option<String>,
    /// Mã thủ tục.
    pub code: String,
    /// Tên thủ tục.
    pub name: String,
    /// Lĩnh vực.
    pub field: String,
    /// Giấy tờ cần mang.
    pub items: Vec<ChecklistItem>,
    /// Cách nộp, thời hạn, lệ phí.
    pub channels: Vec<ChecklistChannel>,
    /// The procedure's public page (QR).
    pub public_url: String,
    /// When it was printed (RFC 3339).
    pub printed_at: String,
}

fn para(s: impl AsRef<str>, size_pt: f32, weight: Weight, label: Option<String>) -> Block {
    Block::Para {
        text: s.as_ref().nfc().collect(),
        size_pt,
        weight,
        indent_pt: if label.is_some() { 14.0 } else { 0.0 },
        label,
    }
}

fn counts(it: &ChecklistItem) -> String {
    let mut parts = Vec::new();
    if it.originals > 0 {
        parts.push(format!("Bản chính: {}", it.originals));
    }
    if it.copies > 0 {
        parts.push(format!("Bản sao: {}", it.copies));
    }
    if let Some(t) = it.template.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(format!("Mẫu: {t}"));
    }
    parts.join(" · ")
}

/// The checklist's content. Every format prints exactly these blocks.
pub(crate) fn blocks(c: &Checklist) -> Vec<Block> {
    let mut b = Vec::new();
    if let Some(office) = c.office_name.as_deref().filter(|s| !s.trim().is_empty()) {
        b.push(text(office, 9.0, Weight::Regular));
        b.push(Block::Gap(3.0));
    }
    b.push(text("GIẤY TỜ CẦN MANG", 14.0, Weight::Bold));
    b.push(text("Documents to bring", 8.0, Weight::Regular));
    b.push(Block::Gap(4.0));
    b.push(text(&c.name, 11.5, Weight::Bold));
    b.push(text(
        format!("Mã thủ tục: {} · Lĩnh vực: {}", c.code, c.field),
        8.5,
        Weight::Regular,
    ));
    b.push(Block::Gap(3.0));
    b.push(Block::Rule);
    b.push(Block::Gap(3.0));
    if c.items.is_empty() {
        b.push(para(
            "Chưa có danh sách giấy tờ. Vui lòng hỏi cán bộ tại quầy.",
            10.0,
            Weight::Regular,
            None,
        ));
    }
    for (i, it) in c.items.iter().enumerate() {
        let plain = it
            .short_title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty() && *t != it.name.trim());
        b.push(para(
            plain.unwrap_or(&it.name),
            10.0,
            Weight::Bold,
            Some(format!("{}.", i + 1)),
        ));
        if plain.is_some() {
            // The official text, as published, under the plain title.
            b.push(Block::Para {
                text: it.name.nfc().collect(),
                size_pt: 8.5,
                weight: Weight::Regular,
                indent_pt: 14.0,
                label: None,
            });
        }
        let n = counts(it);
        if !n.is_empty() {
            b.push(Block::Para {
                text: n.nfc().collect(),
                size_pt: 9.0,
                weight: Weight::Regular,
                indent_pt: 14.0,
                label: None,
            });
        }
        b.push(Block::Gap(4.0));
    }
    if !c.channels.is_empty() {
        b.push(Block::Rule);
        b.push(Block::Gap(3.0));
        b.push(para("Cách nộp, thời hạn, lệ phí", 10.0, Weight::Bold, None));
        for ch in &c.channels {
            b.push(para(
                format!("{}: {} · Phí, lệ phí: {}", ch.channel, ch.duration, ch.fee),
                9.0,
                Weight::Regular,
                Some("–".into()),
            ));
        }
        b.push(Block::Gap(3.0));
    }
    b.push(Block::Rule);
    b.push(Block::Gap(2.0));
    b.push(Block::Qr {
        data: c.public_url.clone(),
        size_pt: 90.0,
    });
    b.push(text(
        "Quét mã để xem đầy đủ thủ tục trên điện thoại",
        8.5,
        Weight::Regular,
    ));
    b.push(text(
        format!("In lúc {}", vn_datetime(&c.printed_at)),
        8.0,
        Weight::Regular,
    ));
    b
}

/// The checklist as the thermal printer prints it.
pub fn checklist_bitmap(c: &Checklist, paper: Paper) -> Bitmap {
    crate::roll_bitmap(&blocks(c), paper)
}

/// A5 page size in millimetres.
pub const A5_MM: (f32, f32) = (148.0, 210.0);

/// Render a checklist: PDF on A5 pages, ESC/POS for a thermal roll, PNG (the 80 mm raster).
pub fn render_checklist(c: &Checklist, format: Format) -> Result<Vec<u8>, PrintError> {
    match format {
        Format::Pdf => pdf::render_pages(
            &blocks(c),
            &format!("Giấy tờ cần mang – {}", c.code),
            A5_MM.0,
            A5_MM.1,
            14.0,
        ),
        Format::EscPos(paper) => Ok(escpos::encode(&checklist_bitmap(c, paper))),
        Format::Png => checklist_bitmap(c, Paper::Mm80)
            .to_png()
            .map_err(|e| PrintError::Render(format!("PNG encoding failed: {e}"))),
    }
}

/// A realistic checklist for test prints: birth registration with a long document name.
pub fn sample_checklist() -> Checklist {
    Checklist {
        office_name: Some("Bộ phận Một cửa UBND phường Hoàn Kiếm".into()),
        code: "1.001193".into(),
        name: "Thủ tục đăng ký khai sinh".into(),
        field: "Hộ tịch".into(),
        items: vec![
            ChecklistItem {
                name: "Tờ khai đăng ký khai sinh theo mẫu".into(),
                short_title: None,
                originals: 1,
                copies: 0,
                template: Some("TK khai sinh.docx".into()),
            },
            ChecklistItem {
                name: "Bản chính Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh".into(),
                short_title: Some("Giấy chứng sinh".into()),
                originals: 1,
                copies: 0,
                template: None,
            },
        ],
        channels: vec![ChecklistChannel {
            channel: "Trực tiếp".into(),
            duration: "1 ngày làm việc".into(),
            fee: "Miễn phí".into(),
        }],
        public_url: "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fac-7489-b53b-a15eb239a6fe".into(),
        printed_at: "2026-11-23T09:40:00+07:00".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout;

    #[test]
    fn every_format_renders_and_numbered_items_hang_left() {
        let c = sample_checklist();
        for f in [
            Format::Pdf,
            Format::Png,
            Format::EscPos(Paper::Mm58),
            Format::EscPos(Paper::Mm80),
        ] {
            let bytes = render_checklist(&c, f).unwrap();
            assert!(bytes.len() > 1000, "{f:?}");
        }
        let lay = layout::layout(
            &blocks(&c),
            layout::Geometry {
                width: 400.0,
                unit_per_pt: 1.0,
                snap: false,
                text_scale: 1.0,
            },
        );
        let label = lay.items.iter().find_map(|i| match i {
            layout::Placed::Text { x, text, .. } if text == "1." => Some(*x),
            _ => None,
        });
        assert_eq!(label, Some(0.0), "the number hangs at the left edge");
    }
}
