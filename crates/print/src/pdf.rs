//! The PDF backend: an 80 mm wide page as tall as the ticket, text in the embedded (subset)
//! Noto Sans faces so it is selectable and searchable, the QR as vector rectangles.

use crate::fonts::{Weight, BOLD_TTF, REGULAR_TTF};
use crate::layout::{layout, Block, Geometry, Placed};
use crate::PrintError;
use printpdf::{
    Color, Greyscale, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem, WindingOrder,
};
use std::sync::OnceLock;

/// Page width: 80 mm roll.
pub const PAGE_WIDTH_MM: f32 = 80.0;
/// Side margins: the column is exactly as wide as on the 80 mm thermal printer (576 dots less
/// its side margins, at 203 dpi), so the PDF and the 80 mm ESC/POS ticket break lines alike.
const SIDE_MM: f32 =
    (PAGE_WIDTH_MM - (576 - 2 * crate::RASTER_SIDE_DOTS) as f32 / crate::DPI * 25.4) / 2.0;
const TOP_MM: f32 = 5.0;
const BOTTOM_MM: f32 = 6.0;

fn parsed(weight: Weight) -> Result<&'static ParsedFont, PrintError> {
    static REGULAR: OnceLock<Option<ParsedFont>> = OnceLock::new();
    static BOLD: OnceLock<Option<ParsedFont>> = OnceLock::new();
    let (cell, bytes) = match weight {
        Weight::Regular => (&REGULAR, REGULAR_TTF),
        Weight::Bold => (&BOLD, BOLD_TTF),
    };
    cell.get_or_init(|| ParsedFont::from_bytes(bytes, 0, &mut Vec::new()))
        .as_ref()
        .ok_or_else(|| PrintError::Render("the bundled font could not be parsed".into()))
}

fn gray(percent: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent,
        icc_profile: None,
    })
}

fn pt(mm: f32) -> f32 {
    Pt::from(Mm(mm)).0
}

/// Render `blocks` as a one-page PDF titled `title`: an 80 mm roll page as tall as the content.
pub(crate) fn render(blocks: &[Block], title: &str) -> Result<Vec<u8>, PrintError> {
    let width_pt = pt(PAGE_WIDTH_MM - 2.0 * SIDE_MM);
    let lay = layout(
        blocks,
        Geometry {
            width: width_pt,
            unit_per_pt: 1.0,
            snap: false,
            text_scale: 1.0,
        },
    );
    let (left, top) = (pt(SIDE_MM), pt(TOP_MM));
    let page_h_pt = top + lay.height + pt(BOTTOM_MM);
    let mut doc = PdfDocument::new(title);
    let fonts = Fonts {
        regular: doc.add_font(parsed(Weight::Regular)?),
        bold: doc.add_font(parsed(Weight::Bold)?),
    };
    let ops = page_ops(&lay.items, &fonts, left, top, page_h_pt);
    let page = PdfPage::new(Mm(PAGE_WIDTH_MM), Mm::from(Pt(page_h_pt)), ops);
    Ok(save(doc, vec![page]))
}

/// Render `blocks` on pages of `width_mm` × `height_mm` (A4, A5) with `margin_mm` all round;
/// a block that does not fit on the rest of a page starts the next one.
pub(crate) fn render_pages(
    blocks: &[Block],
    title: &str,
    width_mm: f32,
    height_mm: f32,
    margin_mm: f32,
) -> Result<Vec<u8>, PrintError> {
    let g = Geometry {
        width: pt(width_mm - 2.0 * margin_mm),
        unit_per_pt: 1.0,
        snap: false,
        text_scale: 1.0,
    };
    let avail = pt(height_mm - 2.0 * margin_mm);
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = 0.0f32;
    for block in blocks {
        let lay = layout(std::slice::from_ref(block), g);
        if y > 0.0 && y + lay.height > avail {
            pages.push(Vec::new());
            y = 0.0;
            if matches!(block, Block::Gap(_) | Block::Rule) {
                continue;
            }
        }
        let page = pages.last_mut().expect("at least one page");
        page.extend(lay.items.into_iter().map(|item| shift(item, y)));
        y += lay.height;
    }
    let mut doc = PdfDocument::new(title);
    let fonts = Fonts {
        regular: doc.add_font(parsed(Weight::Regular)?),
        bold: doc.add_font(parsed(Weight::Bold)?),
    };
    let page_h = pt(height_mm);
    let margin = pt(margin_mm);
    let out = pages
        .iter()
        .map(|items| {
            PdfPage::new(
                Mm(width_mm),
                Mm(height_mm),
                page_ops(items, &fonts, margin, margin, page_h),
            )
        })
        .collect();
    Ok(save(doc, out))
}

fn shift(item: Placed, dy: f32) -> Placed {
    match item {
        Placed::Rect { x, y, w, h } => Placed::Rect { x, y: y + dy, w, h },
        Placed::Text {
            x,
            baseline,
            size,
            weight,
            white,
            text,
        } => Placed::Text {
            x,
            baseline: baseline + dy,
            size,
            weight,
            white,
            text,
        },
    }
}

struct Fonts {
    regular: printpdf::FontId,
    bold: printpdf::FontId,
}

/// Drawing operations of placed items on a page `page_h_pt` tall, the column's top-left at
/// (`left`, `top`) from the page's top-left.
fn page_ops(items: &[Placed], fonts: &Fonts, left: f32, top: f32, page_h_pt: f32) -> Vec<Op> {
    let flip = |y: f32| page_h_pt - top - y; // layout y (down) -> PDF y (up)
    let mut ops = vec![Op::SetFillColor { col: gray(0.0) }];
    for item in items {
        match item {
            Placed::Rect { x, y, w, h } => ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(left + x),
                    y: Pt(flip(y + h)),
                    width: Pt(*w),
                    height: Pt(*h),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            }),
            Placed::Text {
                x,
                baseline,
                size,
                weight,
                white,
                text,
            } => {
                let font = match weight {
                    Weight::Regular => fonts.regular.clone(),
                    Weight::Bold => fonts.bold.clone(),
                };
                if *white {
                    ops.push(Op::SetFillColor { col: gray(1.0) });
                }
                ops.extend([
                    Op::StartTextSection,
                    Op::SetFont {
                        font: PdfFontHandle::External(font),
                        size: Pt(*size),
                    },
                    Op::SetTextCursor {
                        pos: Point {
                            x: Pt(left + x),
                            y: Pt(flip(*baseline)),
                        },
                    },
                    Op::ShowText {
                        items: vec![TextItem::Text(text.clone())],
                    },
                    Op::EndTextSection,
                ]);
                if *white {
                    ops.push(Op::SetFillColor { col: gray(0.0) });
                }
            }
        }
    }
    ops
}

fn save(mut doc: PdfDocument, pages: Vec<PdfPage>) -> Vec<u8> {
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    doc.with_pages(pages).save(&opts, &mut Vec::new())
}

/// A one-page PDF of placed items: page `w_mm` × `h_mm`, the items' origin at (`left`, `top`)
/// points from the page's top-left, every coordinate and size multiplied by `scale`.
pub(crate) fn render_items(
    items: &[Placed],
    w_mm: f32,
    h_mm: f32,
    left: f32,
    top: f32,
    scale: f32,
    title: &str,
) -> Result<Vec<u8>, PrintError> {
    let scaled: Vec<Placed> = items
        .iter()
        .cloned()
        .map(|item| match item {
            Placed::Rect { x, y, w, h } => Placed::Rect {
                x: x * scale,
                y: y * scale,
                w: w * scale,
                h: h * scale,
            },
            Placed::Text {
                x,
                baseline,
                size,
                weight,
                white,
                text,
            } => Placed::Text {
                x: x * scale,
                baseline: baseline * scale,
                size: size * scale,
                weight,
                white,
                text,
            },
        })
        .collect();
    let mut doc = PdfDocument::new(title);
    let fonts = Fonts {
        regular: doc.add_font(parsed(Weight::Regular)?),
        bold: doc.add_font(parsed(Weight::Bold)?),
    };
    let ops = page_ops(&scaled, &fonts, left, top, pt(h_mm));
    Ok(save(doc, vec![PdfPage::new(Mm(w_mm), Mm(h_mm), ops)]))
}
