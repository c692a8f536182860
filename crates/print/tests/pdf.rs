//! The PDF ticket, checked with the real poppler tools: the text extracts (font embedded with a
//! ToUnicode map), the fonts are embedded subsets, and the rasterized QR decodes.

use crate::common;

use common::{run, squash, zbar};
use motcua_core::{Priority, Ticket};
use motcua_print::{render_ticket, sample_ticket, Format};
use std::path::PathBuf;

fn write_pdf(dir: &tempfile::TempDir, t: &Ticket) -> PathBuf {
    let bytes = render_ticket(t, Format::Pdf).expect("renders");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = dir.path().join("ticket.pdf");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn pdftotext_finds_every_line_in_vietnamese() {
    let dir = tempfile::tempdir().unwrap();
    let t = sample_ticket();
    let pdf = write_pdf(&dir, &t);
    let text = squash(&run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    for expected in [
        "Bộ phận Một cửa UBND phường Hoàn Kiếm",
        "PHIẾU SỐ THỨ TỰ",
        "Queue ticket",
        "Đăng ký hộ tịch, chứng thực chữ ký",
        "A023",
        "Ưu tiên: Người cao tuổi",
        "Số người chờ trước bạn: 12",
        "Thời gian chờ dự kiến: khoảng 35 phút",
        "08:05 ngày 22/11/2026",
        "Quét mã để theo dõi lượt của bạn",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
}

#[test]
fn offline_tickets_say_so_and_online_ones_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = sample_ticket();
    let online = squash(&run(
        "pdftotext",
        &[write_pdf(&dir, &t).to_str().unwrap(), "-"],
    ));
    assert!(!online.contains("mất kết nối"), "{online:?}");
    t.offline = true;
    t.number = "A1-007".into();
    let offline = squash(&run(
        "pdftotext",
        &[write_pdf(&dir, &t).to_str().unwrap(), "-"],
    ));
    assert!(offline.contains("A1-007"), "{offline:?}");
    assert!(
        offline.contains("Phiếu cấp khi mất kết nối – Issued offline"),
        "{offline:?}"
    );
}

#[test]
fn decomposed_input_prints_as_nfc_and_no_priority_means_no_badge() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = sample_ticket();
    // NFD: base letters followed by combining marks, as some keyboards and databases give.
    t.service_name_vi = Some("Chu\u{031B}\u{0301}ng thu\u{031B}\u{0323}c".into());
    t.priority = Priority::None;
    t.office_name = None;
    let pdf = write_pdf(&dir, &t);
    let text = squash(&run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("Chứng thực"), "{text:?}");
    assert!(!text.contains("Ưu tiên"), "{text:?}");
    assert!(!text.contains("Hoàn Kiếm"), "{text:?}");
    assert!(text.starts_with("PHIẾU SỐ THỨ TỰ"), "{text:?}");
}

#[test]
fn fonts_are_embedded_subsets_with_unicode_maps() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&dir, &sample_ticket());
    let out = run("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "regular and bold expected:\n{out}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let name = cols[0];
        let (tag, family) = name.split_once('+').expect("subset tag");
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{name}"
        );
        assert!(family.starts_with("NotoSans-"), "{name}");
        // ... emb sub uni object ID
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{row}");
    }
    // A subset, not the ~500 kB font files.
    assert!(std::fs::metadata(&pdf).unwrap().len() < 80_000);
}

#[test]
fn page_is_80_mm_wide_and_one_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&dir, &sample_ticket());
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .expect("pages");
    assert_eq!(squash(pages), "Pages: 1", "{info}");
    let size = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .expect("page size");
    let nums: Vec<f32> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!((nums[0] - 226.77).abs() < 0.1, "{size}");
    // Taller than wide, but a ticket, not an A4 page.
    assert!(nums[1] > 300.0 && nums[1] < 600.0, "{size}");
}

#[test]
fn qr_decodes_from_a_200_dpi_rendering() {
    let dir = tempfile::tempdir().unwrap();
    let t = sample_ticket();
    let pdf = write_pdf(&dir, &t);
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "200",
            "-png",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = dir.path().join("page-1.png");
    assert_eq!(zbar(&png), vec![t.status_url]);
}
