//! The raster backend: draws a [`Layout`] into a 1-bit bitmap at printer resolution. The same
//! bitmap is sent to ESC/POS printers (GS v 0) and encoded as the PNG preview, so the preview
//! is exactly what the paper shows.

use crate::fonts::{face, Weight};
use crate::layout::{Layout, Placed};
use ab_glyph::{point, Font, PxScale, ScaleFont};

/// Thermal printer resolution (dots per inch), for 58 mm and 80 mm paper alike.
pub const DPI: f32 = 203.0;

/// A grayscale canvas: 0 = paper, 255 = full ink.
pub(crate) struct Canvas {
    pub width: usize,
    pub height: usize,
    pub ink: Vec<u8>,
}

impl Canvas {
    pub fn new(width: usize, height: usize) -> Self {
        Canvas {
            width,
            height,
            ink: vec![0; width * height],
        }
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let x0 = x.round().max(0.0) as usize;
        let y0 = y.round().max(0.0) as usize;
        let x1 = ((x + w).round().max(0.0) as usize).min(self.width);
        let y1 = ((y + h).round().max(0.0) as usize).min(self.height);
        for row in y0..y1 {
            if x0 < x1 {
                self.ink[row * self.width + x0..row * self.width + x1].fill(255);
            }
        }
    }

    fn draw_text(
        &mut self,
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        white: bool,
        s: &str,
    ) {
        let font = face(weight);
        let upem = font.units_per_em().unwrap_or(1000.0);
        // ab_glyph scales so that ascent - descent = the px scale; we want 1 em = `size`.
        let scale = PxScale::from(size * font.height_unscaled() / upem);
        let scaled = font.as_scaled(scale);
        let mut pen = x;
        for c in s.chars() {
            let id = font.glyph_id(c);
            let glyph = id.with_scale_and_position(scale, point(pen, baseline));
            pen += scaled.h_advance(id);
            let Some(outlined) = font.outline_glyph(glyph) else {
                continue; // spaces
            };
            let b = outlined.px_bounds();
            let (ox, oy) = (b.min.x as i64, b.min.y as i64);
            let (w, h) = (self.width as i64, self.height as i64);
            let ink = &mut self.ink;
            let width = self.width;
            outlined.draw(|gx, gy, cov| {
                let (px, py) = (ox + gx as i64, oy + gy as i64);
                if px < 0 || py < 0 || px >= w || py >= h {
                    return;
                }
                let p = &mut ink[py as usize * width + px as usize];
                let c = (cov.clamp(0.0, 1.0) * 255.0) as u8;
                if white {
                    *p = (*p).min(255 - c);
                } else {
                    *p = (*p).max(c);
                }
            });
        }
    }

    /// Draw a layout with its column origin at (`left`, `top`).
    pub fn draw(&mut self, layout: &Layout, left: f32, top: f32) {
        for item in &layout.items {
            match item {
                Placed::Rect { x, y, w, h } => self.fill_rect(left + x, top + y, *w, *h),
                Placed::Text {
                    x,
                    baseline,
                    size,
                    weight,
                    white,
                    text,
                } => self.draw_text(left + x, top + baseline, *size, *weight, *white, text),
            }
        }
    }

    /// Threshold to 1 bit. Thermal heads print dots, not grays; a threshold a little under
    /// half keeps thin strokes of small text (and diacritics) visible.
    pub fn to_bitmap(&self) -> Bitmap {
        let stride = self.width.div_ceil(8);
        let mut bits = vec![0u8; stride * self.height];
        for y in 0..self.height {
            let row = &self.ink[y * self.width..(y + 1) * self.width];
            let out = &mut bits[y * stride..(y + 1) * stride];
            for (x, &v) in row.iter().enumerate() {
                if v >= 110 {
                    out[x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        Bitmap {
            width: self.width,
            height: self.height,
            bits,
        }
    }
}

/// A 1-bit image, rows packed MSB first, 1 = black dot (the ESC/POS raster format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    /// Width in dots.
    pub width: usize,
    /// Height in dots.
    pub height: usize,
    /// `height` rows of `width.div_ceil(8)` bytes.
    pub bits: Vec<u8>,
}

impl Bitmap {
    /// Bytes per row.
    pub fn stride(&self) -> usize {
        self.width.div_ceil(8)
    }

    /// Whether the dot at (`x`, `y`) is black.
    pub fn get(&self, x: usize, y: usize) -> bool {
        self.bits[y * self.stride() + x / 8] & (0x80 >> (x % 8)) != 0
    }

    /// Encode as a 1-bit grayscale PNG (white paper, black dots), tagged with the printer's
    /// resolution so viewers show it at paper size.
    pub fn to_png(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.width as u32, self.height as u32);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::One);
            let ppm = (DPI / 0.0254).round() as u32;
            enc.set_pixel_dims(Some(png::PixelDimensions {
                xppu: ppm,
                yppu: ppm,
                unit: png::Unit::Meter,
            }));
            let mut w = enc.write_header()?;
            // PNG grayscale: 0 = black, so invert.
            let data: Vec<u8> = self.bits.iter().map(|b| !b).collect();
            w.write_image_data(&data)?;
        }
        Ok(out)
    }
}
