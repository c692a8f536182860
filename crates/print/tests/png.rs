//! The PNG preview: the 80 mm printer's bitmap, with a QR that decodes.

use crate::common;

use motcua_print::{render_ticket, sample_ticket, ticket_bitmap, Format, Paper};

#[test]
fn png_is_the_80mm_raster_and_its_qr_decodes() {
    let t = sample_ticket();
    let bytes = render_ticket(&t, Format::Png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));

    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    let bitmap = ticket_bitmap(&t, Paper::Mm80);
    assert_eq!(info.width, 576);
    assert_eq!(info.height as usize, bitmap.height);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticket.png");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(common::zbar(&path), vec![t.status_url]);
}

#[test]
fn other_urls_decode_too() {
    let mut t = sample_ticket();
    t.status_url =
        "http://192.168.1.20:8080/tickets/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0?lang=vi".into();
    t.number = "B1234".into();
    let bytes = render_ticket(&t, Format::Png).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticket.png");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(common::zbar(&path), vec![t.status_url]);
}
