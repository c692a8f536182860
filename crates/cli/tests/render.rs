//! `motcua render ticket` with the real binary and crates/print.

use std::process::Command;

fn motcua(args: &[&str]) -> std::process::Output {
    Command::new(crate::MOTCUA)
        .args(args)
        .output()
        .expect("run motcua")
}

#[test]
fn renders_sample_and_api_json_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("t.png");
    let o = motcua(&[
        "render",
        "ticket",
        "--sample",
        "--format",
        "png",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&png)
        .unwrap()
        .starts_with(b"\x89PNG\r\n\x1a\n"));

    // A ticket exactly as the API returns it.
    let json = dir.path().join("t.json");
    std::fs::write(
        &json,
        r#"{"id":"0123456789abcdef0123456789abcdef","number":"B007","service_id":"dat-dai",
            "priority":"none","issued_at":"2026-11-22T08:05:00+07:00","people_ahead":2,
            "estimated_wait_minutes":40,"status_url":"http://127.0.0.1:8080/t/0123456789abcdef0123456789abcdef",
            "status":"waiting","service_name_vi":"Đất đai – Xây dựng","service_name_en":"Land and construction",
            "office_name":"UBND xã Thử Nghiệm"}"#,
    )
    .unwrap();
    let pdf = dir.path().join("t.pdf");
    let o = motcua(&[
        "render",
        "ticket",
        "--json",
        json.to_str().unwrap(),
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let text = pdf_text(&pdf);
    for want in [
        "B007",
        "Đang chờ trước: 2 người",
        "People ahead: 2",
        "Thời gian chờ dự kiến: khoảng 40 phút",
        "Estimated wait: about 40 minutes",
        "Mời ngồi chờ, theo dõi màn hình và nghe gọi số",
        "Please take a seat, watch the screen and listen for your number",
        "Số chỉ có giá trị trong ngày 22/11/2026",
        "Valid today only",
    ] {
        assert!(text.contains(want), "{want:?} missing from {text}");
    }
    // The API's ticket does not say which counters serve it: no counter line.
    assert!(!text.contains("Quầy phục vụ"), "{text}");
    assert_no_ban(&text);

    let esc = dir.path().join("t.bin");
    let o = motcua(&[
        "render",
        "ticket",
        "--json",
        json.to_str().unwrap(),
        "--format",
        "escpos58",
        "--out",
        esc.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&esc).unwrap().len() > 100);
}

/// The PDF's text, whitespace collapsed (pdftotext breaks wrapped lines).
fn pdf_text(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// No "bạn" on a printout.
fn assert_no_ban(text: &str) {
    for w in text.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
        assert_ne!(w, "bạn", "{text}");
    }
}

#[test]
fn the_sample_ticket_says_what_happens_next_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("t.pdf");
    let o = motcua(&[
        "render",
        "ticket",
        "--sample",
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = pdf_text(&pdf);
    for want in [
        "Đang chờ trước: 12 người",
        "People ahead: 12",
        "Thời gian chờ dự kiến: khoảng 35 phút",
        "Estimated wait: about 35 minutes",
        "Mời ngồi chờ, theo dõi màn hình và nghe gọi số",
        "Please take a seat, watch the screen and listen for your number",
        "Quầy phục vụ: 1, 2",
        "Counters: 1, 2",
        "Số chỉ có giá trị trong ngày 22/11/2026",
        "Valid today only",
    ] {
        assert!(text.contains(want), "{want:?} missing from {text}");
    }
    assert_no_ban(&text);
}

#[test]
fn an_offline_ticket_says_the_wait_is_not_known() {
    let dir = tempfile::tempdir().unwrap();
    // As the kiosk makes it while the server is unreachable (its stale count says 0).
    let json = dir.path().join("offline.json");
    std::fs::write(
        &json,
        r#"{"id":"k1-20261122-007","number":"A1-007","service_id":"ho-tich",
            "priority":"none","issued_at":"2026-11-22T08:05:00+07:00","people_ahead":0,
            "estimated_wait_minutes":0,"status_url":"http://127.0.0.1:8080/t/k1-20261122-007",
            "status":"waiting","service_name_vi":"Hộ tịch – Chứng thực",
            "service_name_en":"Civil registration and certification",
            "office_name":"UBND xã Thử Nghiệm","offline":true,"counters":[1,2]}"#,
    )
    .unwrap();
    let pdf = dir.path().join("offline.pdf");
    let o = motcua(&[
        "render",
        "ticket",
        "--json",
        json.to_str().unwrap(),
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = pdf_text(&pdf);
    for want in [
        "A1-007",
        "Issued offline",
        "Chưa biết số người chờ trước",
        "Number of people ahead not known",
        "Mời ngồi chờ, theo dõi màn hình và nghe gọi số",
        "Please take a seat, watch the screen and listen for your number",
        "Quầy phục vụ: 1, 2",
        "Counters: 1, 2",
        "Số chỉ có giá trị trong ngày 22/11/2026",
        "Valid today only",
    ] {
        assert!(text.contains(want), "{want:?} missing from {text}");
    }
    for claim in [
        "Đang chờ trước",
        "People ahead:",
        "Estimated wait",
        "dưới 1 phút",
    ] {
        assert!(!text.contains(claim), "{claim:?} in {text}");
    }
    assert_no_ban(&text);
}

#[test]
fn the_sample_receipt_is_a_confirmation_with_the_papers_to_bring() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("r.pdf");
    let o = motcua(&[
        "render",
        "receipt",
        "--sample",
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = pdf_text(&pdf);
    for want in [
        "Hoàn Kiếm, ngày 23 tháng 11 năm 2026",
        "GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN",
        "Confirmation of online submission",
        "Còn phải nộp tại quầy: / Still to hand in at the counter:",
        "• Bản sao hợp đồng thuê địa điểm kinh doanh — Bản sao: 1",
        "Thời hạn giải quyết tính từ khi nộp đủ giấy tờ tại quầy.",
        "5. Thời gian trả kết quả dự kiến: 09:05 ngày 26/11/2026",
    ] {
        assert!(text.contains(want), "{want:?} missing from {text}");
    }
    assert!(!text.contains("Bản sao: 0"), "{text}");
    assert_no_ban(&text);
}

#[test]
fn bad_render_arguments_fail_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let o = motcua(&[
        "render",
        "ticket",
        "--sample",
        "--format",
        "gif",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("gif"));
    let o = motcua(&[
        "render",
        "ticket",
        "--format",
        "png",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success(), "needs --json or --sample");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{}").unwrap();
    let o = motcua(&[
        "render",
        "ticket",
        "--json",
        bad.to_str().unwrap(),
        "--format",
        "png",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a ticket"));
    assert!(!out.exists());
}
