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

fn pdf_text(dir: &tempfile::TempDir, t: &Ticket) -> String {
    squash(&run(
        "pdftotext",
        &[write_pdf(dir, t).to_str().unwrap(), "-"],
    ))
}

/// No "bạn" (too familiar for elders): no pronoun, or "Ông/Bà".
fn assert_no_ban(text: &str) {
    let lower = text.to_lowercase();
    for w in lower.split(|c: char| !c.is_alphanumeric()) {
        assert_ne!(w, "bạn", "\"bạn\" on the ticket: {text:?}");
    }
}

#[test]
fn pdftotext_finds_every_line_in_vietnamese_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let text = pdf_text(&dir, &sample_ticket());
    for expected in [
        "Bộ phận Một cửa UBND phường Hoàn Kiếm",
        "PHIẾU SỐ THỨ TỰ",
        "Queue ticket",
        "Đăng ký hộ tịch, chứng thực chữ ký",
        "A023",
        "Ưu tiên: Người cao tuổi",
        "Priority: Older person",
        "Đang chờ trước: 12 người",
        "People ahead: 12",
        "Thời gian chờ dự kiến: khoảng 35 phút",
        "Estimated wait: about 35 minutes",
        "Mời ngồi chờ, theo dõi màn hình và nghe gọi số",
        "Please take a seat, watch the screen and listen for your number",
        "Quầy phục vụ: 1, 2",
        "Counters: 1, 2",
        "Lấy phiếu lúc 08:05 ngày 22/11/2026",
        "Số chỉ có giá trị trong ngày 22/11/2026",
        "Valid today only",
        "Quét mã để theo dõi lượt chờ",
        "Scan to follow your turn",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    assert_no_ban(&text);
    assert!(!text.contains("mất kết nối"), "{text:?}");
    assert!(!text.contains("Chưa biết"), "{text:?}");
}

#[test]
fn offline_tickets_say_so_and_do_not_claim_a_wait() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = sample_ticket();
    t.offline = true;
    t.number = "A1-007".into();
    // What the kiosk's stale copy of the queue said: not printed.
    t.people_ahead = 0;
    t.estimated_wait_minutes = 0;
    let offline = pdf_text(&dir, &t);
    for expected in [
        "A1-007",
        "Phiếu cấp khi mất kết nối – Issued offline",
        "Chưa biết số người chờ trước",
        "Number of people ahead not known",
        "Mời ngồi chờ, theo dõi màn hình và nghe gọi số",
        "Please take a seat, watch the screen and listen for your number",
        "Quầy phục vụ: 1, 2",
        "Số chỉ có giá trị trong ngày 22/11/2026",
        "Valid today only",
    ] {
        assert!(
            offline.contains(expected),
            "{expected:?} missing from {offline:?}"
        );
    }
    for claim in [
        "Đang chờ trước",
        "People ahead:",
        "Thời gian chờ dự kiến",
        "Estimated wait",
        "dưới 1 phút",
    ] {
        assert!(!offline.contains(claim), "{claim:?} in {offline:?}");
    }
    assert_no_ban(&offline);
}

#[test]
fn nobody_ahead_online_is_said_plainly_and_unknown_counters_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = sample_ticket();
    t.people_ahead = 0;
    t.estimated_wait_minutes = 0;
    t.counters = None;
    let text = pdf_text(&dir, &t);
    assert!(text.contains("Đang chờ trước: 0 người"), "{text:?}");
    assert!(text.contains("People ahead: 0"), "{text:?}");
    // No promise of "under a minute": a counter may still be busy.
    assert!(!text.contains("Thời gian chờ dự kiến"), "{text:?}");
    assert!(!text.contains("Quầy phục vụ"), "{text:?}");
    assert!(!text.contains("Counters:"), "{text:?}");
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

/// The printed checklist gives each document its short plain title first, then the official
/// name as published (smaller, under it); a document whose name is already plain prints once.
#[test]
fn the_checklist_prints_the_plain_title_then_the_official_name() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = motcua_print::render_checklist(&motcua_print::sample_checklist(), Format::Pdf)
        .expect("renders");
    let path = dir.path().join("checklist.pdf");
    std::fs::write(&path, bytes).unwrap();
    let text = squash(&run("pdftotext", &[path.to_str().unwrap(), "-"]));
    let plain = text
        .find("2. Giấy chứng sinh")
        .expect("the plain title, numbered");
    let official = text
        .find("Bản chính Giấy chứng sinh; trường hợp không có Giấy chứng sinh")
        .expect("the official name, as published");
    assert!(plain < official, "plain title first: {text}");
    assert_eq!(
        text.matches("Tờ khai đăng ký khai sinh theo mẫu").count(),
        1,
        "a name without a shorter title prints once: {text}"
    );
}
