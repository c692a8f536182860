//! What a scanned string is: a CCCD QR, a VietQR payment payload, a receipt's tracking URL,
//! or unknown. `motcua scan decode` prints [`decode`]'s JSON.

use crate::receipt::{parse_tracking_url, ReceiptVerifyingKey};
use chrono::NaiveDate;
use serde_json::{json, Value};

/// Classifies and decodes a scan. `key` is the office's receipt public key (without it a
/// receipt's `signature_ok` is `false`); `today` is the local date CCCD dates are checked
/// against.
pub fn decode(scan: &str, key: Option<&ReceiptVerifyingKey>, today: NaiveDate) -> Value {
    let trimmed = scan.trim();
    if let Some(c) = crate::cccd::parse(trimmed) {
        let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let mut v = json!({
            "kind": "cccd",
            "id_number": c.id_number,
            "old_id_number": c.old_id_number,
            "full_name": c.full_name,
            "date_of_birth": date(c.date_of_birth),
            "issue_date": date(c.issue_date),
            "gender": c.gender,
            "address": c.address,
            "valid": true,
        });
        if let Err(e) = c.validate(today) {
            v["valid"] = json!(false);
            v["reason"] = json!(e.to_string());
            v["reason_vi"] = json!(e.reason_vi);
            v["reason_en"] = json!(e.reason_en);
        }
        return v;
    }
    if let Some(q) = crate::vietqr::decode(trimmed) {
        return json!({
            "kind": "vietqr",
            "bin": q.bin,
            "account": q.account,
            "service": q.service,
            "amount": q.amount,
            "currency": q.currency,
            "country": q.country,
            "purpose": q.purpose,
            "crc_ok": q.crc_ok,
        });
    }
    if let Some(link) = parse_tracking_url(trimmed) {
        return json!({
            "kind": "receipt",
            "dossier_code": link.code,
            "signature_ok": key.is_some_and(|k| link.signature_ok(k)),
        });
    }
    json!({"kind": "unknown"})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn kinds() {
        let v = decode(
            "001099012345||Lê Thị Cúc|01021999|Nam|Hà Nội|15082021",
            None,
            today(),
        );
        assert_eq!(v["kind"], "cccd");
        assert_eq!(v["date_of_birth"], "1999-02-01");
        assert_eq!(v["valid"], true);
        let v = decode(
            "001099012345||Lê|31021999|Nam|Hà Nội|15082021",
            None,
            today(),
        );
        assert_eq!(v["valid"], false);
        assert!(v["reason"].as_str().unwrap().contains("31021999"));
        let p = crate::vietqr::encode(&crate::vietqr::Transfer {
            bin: "970436",
            account: "1023456789",
            amount: Some(50_000),
            purpose: "LPHS H01-261123-0001",
        })
        .unwrap();
        let v = decode(&p, None, today());
        assert_eq!(v["kind"], "vietqr");
        assert_eq!(v["amount"], "50000");
        assert_eq!(v["crc_ok"], true);
        let k = crate::receipt::signing_key([5; 32]);
        let url = crate::receipt::tracking_url("http://h", &k, "H01-261123-0001", "abcdefghij");
        let v = decode(&url, Some(&k.verifying_key()), today());
        assert_eq!(v["kind"], "receipt");
        assert_eq!(v["dossier_code"], "H01-261123-0001");
        assert_eq!(v["signature_ok"], true);
        assert_eq!(decode(&url, None, today())["signature_ok"], false);
        assert_eq!(decode("hello", None, today())["kind"], "unknown");
    }
}
