//! VietQR (NAPAS) payment payloads: EMVCo merchant-presented QR, as the banking apps in
//! Vietnam scan it, and a parser for any EMVCo TLV payload.
//!
//! Layout written by [`encode`] (every field is `ID` (2 digits) `LEN` (2 digits) `VALUE`):
//!
//! | id | value |
//! |---|---|
//! | 00 | `01` (payload format) |
//! | 01 | `12` when an amount is set (dynamic), `11` otherwise (static) |
//! | 38 | `00`=`A000000727` (NAPAS), `01`={`00` bank BIN, `01` account}, `02`=`QRIBFTTA` (transfer to account) |
//! | 53 | `704` (VND) |
//! | 54 | amount in đồng, digits only |
//! | 58 | `VN` |
//! | 62 | `08` = purpose of the transfer (ASCII-folded, ≤ 25 characters) |
//! | 63 | CRC-16/CCITT-FALSE over everything before its value, 4 upper-case hex digits |

use crate::text::ascii_fold;
use serde::{Deserialize, Serialize};

/// NAPAS's globally unique identifier (field 38.00).
pub const NAPAS_GUID: &str = "A000000727";
/// Service code for a transfer to an account (field 38.02).
pub const SERVICE_TO_ACCOUNT: &str = "QRIBFTTA";
/// Longest purpose (62.08) written: NAPAS and the banks' apps show at most 25 characters of
/// the additional data's purpose reliably.
pub const MAX_PURPOSE: usize = 25;

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR), the checksum
/// of EMVCo QR payloads. Check value: `crc16_ccitt_false(b"123456789") == 0x29B1`.
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Why a payment QR could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VietQrError {
    /// The bank BIN is not 6 digits.
    #[error("mã BIN ngân hàng phải gồm 6 chữ số / the bank BIN must be 6 digits")]
    BadBin,
    /// The account is empty, too long or has characters other than letters and digits.
    #[error("số tài khoản phải gồm 1–19 chữ hoặc số / the account must be 1–19 letters or digits")]
    BadAccount,
    /// The amount has more than 13 digits.
    #[error("số tiền quá lớn / the amount is too large")]
    BadAmount,
}

/// A VietQR transfer to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer<'a> {
    /// 6-digit NAPAS bank BIN (e.g. `970436` Vietcombank).
    pub bin: &'a str,
    /// Account number.
    pub account: &'a str,
    /// Amount in đồng; `None` leaves it to the payer (static QR).
    pub amount: Option<u64>,
    /// Purpose of the transfer (any text: it is folded, see [`purpose_text`]).
    pub purpose: &'a str,
}

/// Folds a purpose to what the field carries: ASCII letters, digits, space and `-`, other
/// characters as spaces, spaces collapsed, trimmed, cut to [`MAX_PURPOSE`].
///
/// ```
/// assert_eq!(motcua_core::vietqr::purpose_text("Lệ phí hồ sơ H01-261123-0001"), "Le phi ho so H01-261123-0");
/// ```
pub fn purpose_text(s: &str) -> String {
    let folded: String = ascii_fold(s)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut out = String::new();
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.chars()
        .take(MAX_PURPOSE)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// The purpose for a dossier's fee: `LPHS {code}` when it fits, else the code alone (the code
/// is what staff match the transfer by, so it always comes whole when it fits at all).
pub fn dossier_purpose(code: &str) -> String {
    let code = purpose_text(code);
    let with_prefix = format!("LPHS {code}");
    if with_prefix.len() <= MAX_PURPOSE {
        with_prefix
    } else {
        code
    }
}

fn tlv(out: &mut String, id: &str, value: &str) {
    debug_assert!(value.len() <= 99);
    out.push_str(id);
    out.push_str(&format!("{:02}", value.len()));
    out.push_str(value);
}

/// Builds the VietQR payload of a transfer.
pub fn encode(t: &Transfer<'_>) -> Result<String, VietQrError> {
    if t.bin.len() != 6 || !t.bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VietQrError::BadBin);
    }
    if t.account.is_empty()
        || t.account.len() > 19
        || !t.account.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(VietQrError::BadAccount);
    }
    if t.amount.is_some_and(|a| a > 9_999_999_999_999) {
        return Err(VietQrError::BadAmount);
    }
    let mut bank = String::new();
    tlv(&mut bank, "00", t.bin);
    tlv(&mut bank, "01", t.account);
    let mut acct = String::new();
    tlv(&mut acct, "00", NAPAS_GUID);
    tlv(&mut acct, "01", &bank);
    tlv(&mut acct, "02", SERVICE_TO_ACCOUNT);

    let mut out = String::new();
    tlv(&mut out, "00", "01");
    tlv(&mut out, "01", if t.amount.is_some() { "12" } else { "11" });
    tlv(&mut out, "38", &acct);
    tlv(&mut out, "53", "704");
    if let Some(a) = t.amount {
        tlv(&mut out, "54", &a.to_string());
    }
    tlv(&mut out, "58", "VN");
    let purpose = purpose_text(t.purpose);
    if !purpose.is_empty() {
        let mut add = String::new();
        tlv(&mut add, "08", &purpose);
        tlv(&mut out, "62", &add);
    }
    out.push_str("6304");
    let crc = crc16_ccitt_false(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    Ok(out)
}

/// One EMVCo data object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// Two-digit id.
    pub id: &'a str,
    /// Its value.
    pub value: &'a str,
}

/// Splits an EMVCo TLV string into its data objects; `None` unless the whole string is a
/// well-formed sequence (2-digit id, 2-digit length, value of that many bytes, on character
/// boundaries).
pub fn parse_tlv(s: &str) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let id = rest.get(0..2)?;
        let len = rest.get(2..4)?;
        if !id.bytes().all(|b| b.is_ascii_digit()) || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let len: usize = len.parse().ok()?;
        let value = rest.get(4..4 + len)?;
        out.push(Tlv { id, value });
        rest = &rest[4 + len..];
    }
    Some(out)
}

fn find<'a>(objs: &[Tlv<'a>], id: &str) -> Option<&'a str> {
    objs.iter().find(|t| t.id == id).map(|t| t.value)
}

/// A parsed VietQR payload, as `motcua scan decode` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct VietQr {
    /// Bank BIN (38.01.00).
    pub bin: Option<String>,
    /// Account (38.01.01).
    pub account: Option<String>,
    /// Service code (38.02), e.g. `QRIBFTTA`.
    pub service: Option<String>,
    /// Amount in đồng (54) as written.
    pub amount: Option<String>,
    /// Currency (53), `704` for VND.
    pub currency: Option<String>,
    /// Country (58).
    pub country: Option<String>,
    /// Purpose (62.08).
    pub purpose: Option<String>,
    /// Whether the CRC (63) matches.
    pub crc_ok: bool,
}

/// Whether `payload`'s last field is a CRC (`6304XXXX`) that matches the rest.
pub fn crc_ok(payload: &str) -> bool {
    let Some(split) = payload.len().checked_sub(4) else {
        return false;
    };
    let (Some(head), Some(crc)) = (payload.get(..split), payload.get(split..)) else {
        return false;
    };
    if !head.ends_with("6304") {
        return false;
    }
    u16::from_str_radix(crc, 16).ok() == Some(crc16_ccitt_false(head.as_bytes()))
        && crc.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses a VietQR payload: `None` unless it is well-formed TLV whose field 38 carries the
/// NAPAS GUID. The CRC is checked, not required ([`VietQr::crc_ok`]).
pub fn decode(payload: &str) -> Option<VietQr> {
    let objs = parse_tlv(payload)?;
    if find(&objs, "00") != Some("01") {
        return None;
    }
    let acct = parse_tlv(find(&objs, "38")?)?;
    if find(&acct, "00") != Some(NAPAS_GUID) {
        return None;
    }
    let bank = find(&acct, "01").and_then(parse_tlv).unwrap_or_default();
    let add = find(&objs, "62").and_then(parse_tlv).unwrap_or_default();
    let own = |v: Option<&str>| v.map(str::to_owned);
    Some(VietQr {
        bin: own(find(&bank, "00")),
        account: own(find(&bank, "01")),
        service: own(find(&acct, "02")),
        amount: own(find(&objs, "54")),
        currency: own(find(&objs, "53")),
        country: own(find(&objs, "58")),
        purpose: own(find(&add, "08")),
        crc_ok: crc_ok(payload),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    /// A payload produced by a live payment gateway in Vietnam (payOS, MB Bank account, 7,000 đ,
    /// purpose "TL89 100"), as published in a public repository.
    const PUBLISHED: &str = "00020101021238570010A000000727012700069704220113VQRQADAIJ55120208QRIBFTTA5303704540470005802VN62120808TL89 1006304E346";

    #[test]
    fn encodes_a_published_payload_byte_for_byte() {
        let out = encode(&Transfer {
            bin: "970422",
            account: "VQRQADAIJ5512",
            amount: Some(7000),
            purpose: "TL89 100",
        })
        .unwrap();
        assert_eq!(out, PUBLISHED);
    }

    #[test]
    fn decodes_the_published_payload() {
        let q = decode(PUBLISHED).unwrap();
        assert_eq!(q.bin.as_deref(), Some("970422"));
        assert_eq!(q.account.as_deref(), Some("VQRQADAIJ5512"));
        assert_eq!(q.service.as_deref(), Some("QRIBFTTA"));
        assert_eq!(q.amount.as_deref(), Some("7000"));
        assert_eq!(q.currency.as_deref(), Some("704"));
        assert_eq!(q.country.as_deref(), Some("VN"));
        assert_eq!(q.purpose.as_deref(), Some("TL89 100"));
        assert!(q.crc_ok);
        let mut bad = PUBLISHED.to_owned();
        bad.replace_range(60..61, "9");
        assert!(!decode(&bad).map(|q| q.crc_ok).unwrap_or(false));
    }

    #[test]
    fn static_qr_without_amount_and_folded_purpose() {
        let out = encode(&Transfer {
            bin: "970436",
            account: "0011001932418",
            amount: None,
            purpose: "Lệ phí hồ sơ: Đăng ký!",
        })
        .unwrap();
        assert!(out.starts_with("000201010211"), "{out}");
        assert!(!out.contains("54"), "{out}");
        let q = decode(&out).unwrap();
        assert_eq!(q.purpose.as_deref(), Some("Le phi ho so Dang ky"));
        assert!(q.crc_ok);
        assert!(out.is_ascii());
    }

    #[test]
    fn dossier_purpose_keeps_the_code() {
        assert_eq!(
            dossier_purpose("H01.01-261123-0042"),
            "LPHS H01.01-261123-0042"
        );
        let long = "000.00.00.H26-261123-0042";
        assert_eq!(dossier_purpose(long), long);
    }

    #[test]
    fn rejects_bad_bank_details() {
        let t = |bin, account| Transfer {
            bin,
            account,
            amount: Some(1),
            purpose: "",
        };
        assert_eq!(encode(&t("97043", "1")), Err(VietQrError::BadBin));
        assert_eq!(encode(&t("97043a", "1")), Err(VietQrError::BadBin));
        assert_eq!(encode(&t("970436", "")), Err(VietQrError::BadAccount));
        assert_eq!(encode(&t("970436", "12 34")), Err(VietQrError::BadAccount));
    }

    #[test]
    fn no_panic_on_arbitrary_input() {
        let mut rng = crate::testrand::Rng::new(0x5eed);
        for _ in 0..20_000 {
            let s = rng.string(120);
            let _ = decode(&s);
            let _ = crc_ok(&s);
            let _ = purpose_text(&s);
            let _ = encode(&Transfer {
                bin: "970436",
                account: "123",
                amount: Some(rng.next() % 100_000_000),
                purpose: &s,
            })
            .map(|p| assert!(decode(&p).unwrap().crc_ok));
        }
        // Mutations of a valid payload: truncations and byte flips.
        for cut in 0..PUBLISHED.len() {
            let _ = decode(&PUBLISHED[..cut]);
        }
    }
}
