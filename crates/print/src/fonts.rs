//! The bundled Noto Sans faces (SIL Open Font License), parsed once.

use ab_glyph::{Font, FontRef};
use std::sync::OnceLock;

/// Noto Sans Regular, covers Vietnamese (precomposed letters with stacked marks).
pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold.
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

/// Which face of the bundled family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

pub(crate) fn face(w: Weight) -> &'static FontRef<'static> {
    static REGULAR: OnceLock<FontRef<'static>> = OnceLock::new();
    static BOLD: OnceLock<FontRef<'static>> = OnceLock::new();
    match w {
        Weight::Regular => REGULAR.get_or_init(|| {
            FontRef::try_from_slice(REGULAR_TTF).expect("bundled NotoSans-Regular.ttf parses")
        }),
        Weight::Bold => BOLD.get_or_init(|| {
            FontRef::try_from_slice(BOLD_TTF).expect("bundled NotoSans-Bold.ttf parses")
        }),
    }
}

/// Font metrics in em units (1.0 = the font size).
pub(crate) struct EmMetrics {
    pub ascent: f32,
    pub descent: f32,
}

pub(crate) fn metrics(w: Weight) -> EmMetrics {
    let f = face(w);
    let upem = f.units_per_em().unwrap_or(1000.0);
    EmMetrics {
        ascent: f.ascent_unscaled() / upem,
        descent: f.descent_unscaled() / upem,
    }
}

/// Advance width of `text` at size 1.0 (em units), no kerning (neither the PDF nor the raster
/// backend applies any, so both measure the same).
pub(crate) fn text_width_em(w: Weight, text: &str) -> f32 {
    let f = face(w);
    let upem = f.units_per_em().unwrap_or(1000.0);
    text.chars()
        .map(|c| f.h_advance_unscaled(f.glyph_id(c)))
        .sum::<f32>()
        / upem
}
