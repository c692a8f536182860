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
            "status":"waiting","service_name_vi":"Đất đai – Xây dựng","service_name_en":"Land – Construction",
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
