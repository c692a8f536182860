//! `motcua vietqr encode` and `motcua scan decode` with the real binary.

use serde_json::Value;
use std::process::Command;

fn motcua(args: &[&str]) -> std::process::Output {
    Command::new(crate::MOTCUA)
        .args(args)
        .output()
        .expect("run motcua")
}

fn decode(s: &str) -> Value {
    let o = motcua(&["scan", "decode", s, "--today", "2026-11-23"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

#[test]
fn vietqr_encode_prints_the_payload_on_one_line() {
    // A payload published from a live payment gateway (MB Bank account, 7,000 đ).
    let o = motcua(&[
        "vietqr",
        "encode",
        "--bin",
        "970422",
        "--account",
        "VQRQADAIJ5512",
        "--amount",
        "7000",
        "--purpose",
        "TL89 100",
    ]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "00020101021238570010A000000727012700069704220113VQRQADAIJ55120208QRIBFTTA5303704540470005802VN62120808TL89 1006304E346\n"
    );
    let o = motcua(&["vietqr", "encode", "--bin", "97042", "--account", "1"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("BIN"));
}

#[test]
fn scan_decode_kinds_and_fields() {
    let v = decode("079304001234||Trần Thị Bình|29022004|Nữ|Q.1, TP.HCM|10052024|extra");
    assert_eq!(v["kind"], "cccd");
    assert_eq!(v["id_number"], "079304001234");
    assert_eq!(v["old_id_number"], "");
    assert_eq!(v["full_name"], "Trần Thị Bình");
    assert_eq!(v["date_of_birth"], "2004-02-29");
    assert_eq!(v["issue_date"], "2024-05-10");
    assert_eq!(v["gender"], "Nữ");
    assert_eq!(v["address"], "Q.1, TP.HCM");
    assert_eq!(v["valid"], true);

    let v = decode("099304001234||Trần Thị Bình|29022004|Nữ|Q.1|10052024");
    assert_eq!(v["kind"], "cccd");
    assert_eq!(v["valid"], false);
    assert!(v["reason"].as_str().unwrap().contains("099"), "{v}");

    let o = motcua(&[
        "vietqr",
        "encode",
        "--bin",
        "970436",
        "--account",
        "1023456789",
        "--amount",
        "150000",
        "--purpose",
        "Lệ phí H26-261123-0001",
    ]);
    let payload = String::from_utf8(o.stdout).unwrap();
    let v = decode(payload.trim());
    assert_eq!(v["kind"], "vietqr");
    assert_eq!(v["bin"], "970436");
    assert_eq!(v["account"], "1023456789");
    assert_eq!(v["service"], "QRIBFTTA");
    assert_eq!(v["amount"], "150000");
    assert_eq!(v["currency"], "704");
    assert_eq!(v["country"], "VN");
    assert_eq!(v["purpose"], "Le phi H26-261123-0001");
    assert_eq!(v["crc_ok"], true);

    // A receipt link without a key to check it: recognised, not verified.
    let v = decode("http://10.0.0.5:8080/d/H26-261123-0001?k=abcdefghij&s=AAAA");
    assert_eq!(v["kind"], "receipt");
    assert_eq!(v["dossier_code"], "H26-261123-0001");
    assert_eq!(v["signature_ok"], false);

    for junk in ["", "hello", "||||||", "0002010102", "\u{301}|\u{7f}"] {
        assert_eq!(decode(junk)["kind"], "unknown", "{junk:?}");
    }
}
