//! ESC/POS output, checked by decoding the byte stream the way a printer would.

use crate::common;

use motcua_print::{render_ticket, sample_ticket, ticket_bitmap, Format, Paper};
use qrcode::{EcLevel, QrCode};

/// What a printer would do with an ESC/POS stream (the subset a ticket may use).
#[derive(Debug, Default)]
struct Printed {
    inits: usize,
    /// Raster image rows, each `width_bytes` wide.
    width_bytes: Option<usize>,
    rows: Vec<Vec<u8>>,
    /// Data stored with GS ( k (QR model 2) and whether it was printed.
    qr_model: Option<u8>,
    qr_ec: Option<u8>,
    qr_data: Option<Vec<u8>>,
    qr_printed: bool,
    feeds: usize,
    /// Cut commands: (m, n).
    cuts: Vec<(u8, Option<u8>)>,
    /// Bytes that would be printed as characters.
    text: Vec<u8>,
}

fn take<'a>(b: &'a [u8], i: &mut usize, n: usize) -> Result<&'a [u8], String> {
    let s = b
        .get(*i..*i + n)
        .ok_or_else(|| format!("truncated command at byte {i}"))?;
    *i += n;
    Ok(s)
}

/// Decode an ESC/POS stream; unknown ESC / GS commands are errors, other bytes are text.
fn decode(b: &[u8]) -> Result<Printed, String> {
    let mut p = Printed::default();
    let mut i = 0;
    while i < b.len() {
        let at = i;
        match take(b, &mut i, 1)?[0] {
            0x1B => match take(b, &mut i, 1)?[0] {
                b'@' => p.inits += 1,
                b'a' | b'!' | b'E' | b'3' => {
                    take(b, &mut i, 1)?;
                }
                b'd' => {
                    take(b, &mut i, 1)?;
                    p.feeds += 1;
                }
                c => return Err(format!("unknown ESC {c:#04x} at {at}")),
            },
            0x1D => match take(b, &mut i, 1)?[0] {
                b'v' => {
                    let h = take(b, &mut i, 6)?;
                    assert_eq!(h[0], b'0', "GS v 0");
                    assert_eq!(h[1], 0, "normal density");
                    let xb = h[2] as usize | (h[3] as usize) << 8;
                    let y = h[4] as usize | (h[5] as usize) << 8;
                    if let Some(w) = p.width_bytes {
                        assert_eq!(w, xb, "all raster bands have the same width");
                    }
                    p.width_bytes = Some(xb);
                    let data = take(b, &mut i, xb * y)?;
                    p.rows.extend(data.chunks(xb).map(<[u8]>::to_vec));
                }
                b'(' => {
                    let k = take(b, &mut i, 3)?;
                    assert_eq!(k[0], b'k', "only GS ( k is expected");
                    let len = k[1] as usize | (k[2] as usize) << 8;
                    let body = take(b, &mut i, len)?;
                    assert_eq!(body[0], 49, "cn = 49: QR code");
                    match body[1] {
                        65 => p.qr_model = Some(body[2]),
                        67 => {} // module size
                        69 => p.qr_ec = Some(body[2]),
                        80 => p.qr_data = Some(body[3..].to_vec()),
                        81 => p.qr_printed = true,
                        f => return Err(format!("unknown QR function {f}")),
                    }
                }
                b'V' => {
                    let m = take(b, &mut i, 1)?[0];
                    let n = if matches!(m, 65 | 66 | 97 | 98) {
                        Some(take(b, &mut i, 1)?[0])
                    } else {
                        None
                    };
                    p.cuts.push((m, n));
                }
                c => return Err(format!("unknown GS {c:#04x} at {at}")),
            },
            0x10 => return Err(format!("real-time command (DLE) inside a job at {at}")),
            c => p.text.push(c),
        }
    }
    Ok(p)
}

impl Printed {
    fn width_dots(&self) -> usize {
        self.width_bytes.unwrap_or(0) * 8
    }

    fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, self.width_dots() as u32, self.rows.len() as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        let mut w = enc.write_header().unwrap();
        let data: Vec<u8> = self.rows.iter().flatten().map(|b| !b).collect();
        w.write_image_data(&data).unwrap();
        drop(w);
        out
    }
}

fn check_paper(paper: Paper, dots: usize) {
    let t = sample_ticket();
    let bytes = render_ticket(&t, Format::EscPos(paper)).unwrap();
    assert_eq!(&bytes[..2], b"\x1b@", "starts with ESC @");
    let p = decode(&bytes).unwrap();
    assert_eq!(p.inits, 1);
    assert_eq!(p.width_dots(), dots);
    assert!(p.rows.len() > 600, "a whole ticket, {} rows", p.rows.len());
    assert!(
        p.cuts
            .iter()
            .any(|(m, _)| matches!(m, 0 | 1 | 48 | 49 | 65 | 66)),
        "no cut in {:?}",
        p.cuts
    );
    assert_eq!(p.cuts.len(), 1, "exactly one cut");
    assert!(p.feeds >= 1, "feeds to the cutter");
    // Nothing is printed as characters: every letter, Vietnamese or not, is in the raster.
    assert!(
        p.text.is_empty(),
        "plain text sent: {:?}",
        String::from_utf8_lossy(&p.text)
    );
    for word in ["PHIẾU", "Số người", "A023", "phút"] {
        assert!(
            !bytes.windows(word.len()).any(|w| w == word.as_bytes()),
            "{word} sent as text"
        );
    }
    // The printed image is exactly the preview bitmap.
    let bitmap = ticket_bitmap(&t, paper);
    assert_eq!(p.rows.concat(), bitmap.bits);

    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("printed.png");
    std::fs::write(&png, p.to_png()).unwrap();
    match &p.qr_data {
        // Native QR: the stored data is the URL and it is a valid model 2 / level M QR.
        Some(data) => {
            assert_eq!(data, t.status_url.as_bytes());
            assert!(p.qr_printed);
            QrCode::with_error_correction_level(data, EcLevel::M).unwrap();
        }
        // Raster QR: read it back from the printed image.
        None => assert_eq!(common::zbar(&png), vec![t.status_url.clone()]),
    }
}

#[test]
fn escpos_80mm_is_576_dots_raster_with_cut_and_readable_qr() {
    check_paper(Paper::Mm80, 576);
}

#[test]
fn escpos_58mm_is_384_dots_raster_with_cut_and_readable_qr() {
    check_paper(Paper::Mm58, 384);
}

#[test]
fn format_strings() {
    assert_eq!(
        "escpos".parse::<Format>().unwrap(),
        Format::EscPos(Paper::Mm80)
    );
    assert_eq!(
        "escpos80".parse::<Format>().unwrap(),
        Format::EscPos(Paper::Mm80)
    );
    assert_eq!(
        "ESCPOS58".parse::<Format>().unwrap(),
        Format::EscPos(Paper::Mm58)
    );
    assert_eq!("pdf".parse::<Format>().unwrap(), Format::Pdf);
    assert_eq!("png".parse::<Format>().unwrap(), Format::Png);
    assert!("escpos76".parse::<Format>().is_err());
    for f in [
        Format::Pdf,
        Format::Png,
        Format::EscPos(Paper::Mm58),
        Format::EscPos(Paper::Mm80),
    ] {
        assert_eq!(f.to_string().parse::<Format>().unwrap(), f);
    }
}

/// The decoder itself understands a native-QR job (GS ( k) and re-encodes its data, so a
/// switch to printer-side QR codes would still be checked.
#[test]
fn decoder_reads_native_qr_commands() {
    let url = sample_ticket().status_url;
    let mut job = b"\x1b@".to_vec();
    job.extend_from_slice(&[0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0]); // model 2
    job.extend_from_slice(&[0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49]); // level M
    let len = url.len() + 3;
    job.extend_from_slice(&[
        0x1D,
        0x28,
        0x6B,
        (len & 0xFF) as u8,
        (len >> 8) as u8,
        49,
        80,
        48,
    ]);
    job.extend_from_slice(url.as_bytes());
    job.extend_from_slice(&[0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48]); // print
    job.extend_from_slice(&[0x1D, 0x56, 66, 0]);
    let p = decode(&job).unwrap();
    assert_eq!(p.qr_model, Some(50));
    assert_eq!(p.qr_ec, Some(49));
    assert_eq!(p.qr_data.as_deref(), Some(url.as_bytes()));
    assert!(p.qr_printed);
    assert_eq!(p.cuts, vec![(66, Some(0))]);
    let code = QrCode::with_error_correction_level(p.qr_data.unwrap(), EcLevel::M).unwrap();
    assert_eq!(code.error_correction_level(), EcLevel::M);
    // Plain text is caught.
    assert_eq!(decode(b"\x1b@Xin ch\xc3\xa0o").unwrap().text.len(), 9);
}
