//! What a scanned string is: a CCCD QR, a VietQR payment payload, a receipt's tracking URL,
//! or unknown. `motcua scan decode` prints [`decode`]'s JSON; the kiosk's `scan_decode`
//! command returns it to the screen (one type, generated for TypeScript).

use crate::receipt::{parse_tracking_url, ReceiptVerifyingKey};
use chrono::NaiveDate;
use serde::Serialize;

/// A citizen ID card (CCCD) QR, as read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS, utoipa::ToSchema)]
pub struct CccdScan {
    /// Số định danh cá nhân (12 digits).
    pub id_number: String,
    /// The old 9-digit CMND number, empty when the card has none.
    pub old_id_number: String,
    /// Họ và tên (NFC).
    pub full_name: String,
    /// YYYY-MM-DD, `null` when the field is not a real date.
    pub date_of_birth: Option<String>,
    /// YYYY-MM-DD, `null` when the field is not a real date.
    pub issue_date: Option<String>,
    /// As printed (`Nam` / `Nữ`).
    pub gender: String,
    /// Nơi thường trú (NFC).
    pub address: String,
    /// Whether every check passed (dates, province code, century/gender digit).
    pub valid: bool,
    /// Why not, in English with the field (when not valid).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
    /// Why not, for the citizen in Vietnamese (when not valid).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason_vi: Option<String>,
    /// Why not, for the citizen in English (when not valid).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason_en: Option<String>,
}

/// What a scan is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScanResult {
    /// A CCCD: prefills answers, never signs anyone in.
    Cccd(CccdScan),
    /// A payment payload.
    Vietqr(crate::vietqr::VietQr),
    /// A receipt's tracking link.
    Receipt {
        /// The dossier it tracks.
        dossier_code: String,
        /// Whether its signature verifies with the office's key (`false` without a key).
        signature_ok: bool,
    },
    /// Anything else.
    Unknown,
}

/// Classifies and decodes a scan. `key` is the office's receipt public key (without it a
/// receipt's `signature_ok` is `false`); `today` is the local date CCCD dates are checked
/// against.
pub fn decode(scan: &str, key: Option<&ReceiptVerifyingKey>, today: NaiveDate) -> ScanResult {
    let trimmed = scan.trim();
    if let Some(c) = crate::cccd::parse(trimmed) {
        let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let check = c.validate(today);
        return ScanResult::Cccd(CccdScan {
            date_of_birth: date(c.date_of_birth),
            issue_date: date(c.issue_date),
            valid: check.is_ok(),
            reason: check.as_ref().err().map(|e| e.to_string()),
            reason_vi: check.as_ref().err().map(|e| e.reason_vi.clone()),
            reason_en: check.as_ref().err().map(|e| e.reason_en.clone()),
            id_number: c.id_number,
            old_id_number: c.old_id_number,
            full_name: c.full_name,
            gender: c.gender,
            address: c.address,
        });
    }
    if let Some(q) = crate::vietqr::decode(trimmed) {
        return ScanResult::Vietqr(q);
    }
    if let Some(link) = parse_tracking_url(trimmed) {
        return ScanResult::Receipt {
            signature_ok: key.is_some_and(|k| link.signature_ok(k)),
            dossier_code: link.code,
        };
    }
    ScanResult::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(
        scan: &str,
        key: Option<&ReceiptVerifyingKey>,
        today: NaiveDate,
    ) -> serde_json::Value {
        serde_json::to_value(super::decode(scan, key, today)).unwrap()
    }

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
