//! ESC/POS encoding of a ticket bitmap.
//!
//! Vietnamese cannot be printed reliably as text on thermal printers (their code pages, even
//! the "Vietnamese" ones such as TCVN-3 or Windows-1258, disagree between models and garble
//! stacked marks), so the whole ticket, text and QR, is one raster image (GS v 0). A raster QR
//! also prints the same on printers without the GS ( k QR function.

use crate::raster::Bitmap;

/// ESC @: initialize the printer (clears modes left by a previous job).
pub const INIT: [u8; 2] = [0x1B, 0x40];
/// Rows per GS v 0 block: small enough for the input buffers of cheap printers.
pub const BAND_ROWS: usize = 255;
/// Lines fed (ESC d n) after the image so the end of the ticket clears the cutter.
pub const FEED_LINES: u8 = 5;
/// GS V 1: partial cut (leaves a tab so the ticket does not fall).
pub const PARTIAL_CUT: [u8; 3] = [0x1D, 0x56, 0x01];

/// The ESC/POS job for `bitmap`: initialize, raster bands, feed, partial cut.
pub(crate) fn encode(bitmap: &Bitmap) -> Vec<u8> {
    let stride = bitmap.stride();
    let mut out = Vec::with_capacity(bitmap.bits.len() + 64);
    out.extend_from_slice(&INIT);
    // ESC a 0: left aligned, so the image's own margins decide the position.
    out.extend_from_slice(&[0x1B, 0x61, 0x00]);
    let mut row = 0;
    while row < bitmap.height {
        let rows = BAND_ROWS.min(bitmap.height - row);
        // GS v 0 m xL xH yL yH: m = 0 (normal size), x in bytes, y in dots.
        out.extend_from_slice(&[
            0x1D,
            0x76,
            0x30,
            0x00,
            (stride & 0xFF) as u8,
            (stride >> 8) as u8,
            (rows & 0xFF) as u8,
            (rows >> 8) as u8,
        ]);
        out.extend_from_slice(&bitmap.bits[row * stride..(row + rows) * stride]);
        row += rows;
    }
    out.extend_from_slice(&[0x1B, 0x64, FEED_LINES]);
    out.extend_from_slice(&PARTIAL_CUT);
    out
}
