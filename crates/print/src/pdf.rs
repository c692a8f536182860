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

/// Render `blocks` as a one-page PDF titled `title`.
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
    render_items(
        &lay.items,
        PAGE_WIDTH_MM,
        page_h_pt / pt(1.0),
        left,
        top,
        1.0,
        title,
    )
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
    let page_h_pt = pt(h_mm);
    let flip = |y: f32| page_h_pt - top - y * scale; // layout y (down) -> PDF y (up)
    let sx = |x: f32| left + x * scale;

    let mut doc = PdfDocument::new(title);
    let regular = doc.add_font(parsed(Weight::Regular)?);
    let bold = doc.add_font(parsed(Weight::Bold)?);

    let mut ops = vec![Op::SetFillColor { col: gray(0.0) }];
    for item in items {
        match item {
            Placed::Rect { x, y, w, h } => ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(sx(*x)),
                    y: Pt(flip(y + h)),
                    width: Pt(*w * scale),
                    height: Pt(*h * scale),
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
                    Weight::Regular => regular.clone(),
                    Weight::Bold => bold.clone(),
                };
                if *white {
                    ops.push(Op::SetFillColor { col: gray(1.0) });
                }
                ops.extend([
                    Op::StartTextSection,
                    Op::SetFont {
                        font: PdfFontHandle::External(font),
                        size: Pt(*size * scale),
                    },
                    Op::SetTextCursor {
                        pos: Point {
                            x: Pt(sx(*x)),
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
    let page = PdfPage::new(Mm(w_mm), Mm(h_mm), ops);
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    Ok(doc.with_pages(vec![page]).save(&opts, &mut Vec::new()))
}
