//! ID token claims → [`CitizenProfile`], by the configured claim names.

use super::config::ClaimNames;
use motcua_core::text::nfc;
use motcua_core::CitizenProfile;
use serde_json::{Map, Value};

/// The profile in `claims` (an ID token's payload, already validated). `sub` is required by
/// the validation; the other fields are left out when absent or unusable.
pub fn profile(claims: &Map<String, Value>, names: &ClaimNames) -> CitizenProfile {
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    CitizenProfile {
        subject,
        full_name: first_text(claims, &names.full_name).or_else(|| composed_name(claims)),
        date_of_birth: first_text(claims, &names.date_of_birth).and_then(|d| date(&d)),
        gender: first_text(claims, &names.gender).and_then(|g| gender(&g)),
        id_number: first_text(claims, &names.id_number)
            .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect()),
        address: names
            .address
            .iter()
            .find_map(|n| claims.get(n).and_then(address)),
        phone: first_text(claims, &names.phone),
    }
}

/// The first claim of `names` that is a non-empty string (or number), trimmed and NFC.
fn first_text(claims: &Map<String, Value>, names: &[String]) -> Option<String> {
    names.iter().find_map(|n| match claims.get(n)? {
        Value::String(s) if !s.trim().is_empty() => Some(nfc(s.trim())),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// `family_name middle_name given_name`, the Vietnamese order.
fn composed_name(claims: &Map<String, Value>) -> Option<String> {
    let parts: Vec<String> = ["family_name", "middle_name", "given_name"]
        .iter()
        .filter_map(|k| claims.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(nfc)
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// `YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY` or `DDMMYYYY` → `YYYY-MM-DD`, if a real date.
fn date(s: &str) -> Option<String> {
    let s = s.trim();
    let (y, m, d) = if s.len() >= 10 && s.as_bytes()[4] == b'-' {
        (s.get(0..4)?, s.get(5..7)?, s.get(8..10)?)
    } else if s.len() == 10 && matches!(s.as_bytes()[2], b'/' | b'-') {
        (s.get(6..10)?, s.get(3..5)?, s.get(0..2)?)
    } else if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        (s.get(4..8)?, s.get(2..4)?, s.get(0..2)?)
    } else {
        return None;
    };
    let date = chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// `male` / `female` from the usual spellings; anything else is left out.
fn gender(s: &str) -> Option<String> {
    let folded = motcua_core::text::fold(s.trim());
    match folded.as_str() {
        "male" | "m" | "nam" | "1" | "man" => Some("male".into()),
        "female" | "f" | "nu" | "2" | "woman" => Some("female".into()),
        _ => None,
    }
}

/// A string, or an OpenID Connect address object (`formatted`, else its parts joined).
fn address(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(nfc(s.trim())),
        Value::Object(o) => {
            if let Some(f) = o.get("formatted").and_then(Value::as_str) {
                if !f.trim().is_empty() {
                    return Some(nfc(&f.trim().replace(['\r', '\n'], ", ")));
                }
            }
            let parts: Vec<String> = ["street_address", "locality", "region", "country"]
                .iter()
                .filter_map(|k| o.get(*k).and_then(Value::as_str))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| nfc(&s.replace(['\r', '\n'], ", ")))
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn standard_claims() {
        // "Hà" decomposed (a + combining grave): the profile is NFC.
        let p = profile(
            &map(json!({
                "sub": "u1", "name": "Nguyễn Thị Thu Ha\u{0300}", "birthdate": "1990-07-15",
                "gender": "female", "id_number": "001190012345",
                "address": {"formatted": "12 Hàng Bạc\nHà Nội"}, "phone_number": "0912345678"
            })),
            &ClaimNames::default(),
        );
        assert_eq!(p.subject, "u1");
        assert_eq!(p.full_name.as_deref(), Some("Nguyễn Thị Thu Hà"));
        assert_eq!(p.date_of_birth.as_deref(), Some("1990-07-15"));
        assert_eq!(p.gender.as_deref(), Some("female"));
        assert_eq!(p.id_number.as_deref(), Some("001190012345"));
        assert_eq!(p.address.as_deref(), Some("12 Hàng Bạc, Hà Nội"));
        assert_eq!(p.phone.as_deref(), Some("0912345678"));
    }

    #[test]
    fn vneid_style_names_and_formats() {
        let p = profile(
            &map(json!({
                "sub": "u2", "ho_ten": "Trần Văn Nam", "ngay_sinh": "05/03/1985",
                "gioi_tinh": "Nam", "so_dinh_danh": "079 085 001 234", "dia_chi": "Quận 1, TP.HCM"
            })),
            &ClaimNames::default(),
        );
        assert_eq!(p.full_name.as_deref(), Some("Trần Văn Nam"));
        assert_eq!(p.date_of_birth.as_deref(), Some("1985-03-05"));
        assert_eq!(p.gender.as_deref(), Some("male"));
        assert_eq!(p.id_number.as_deref(), Some("079085001234"));
        assert_eq!(p.address.as_deref(), Some("Quận 1, TP.HCM"));
        assert_eq!(p.phone, None);
    }

    #[test]
    fn configured_names_win_and_bad_values_are_left_out() {
        let names = ClaimNames {
            id_number: vec!["soCCCD".into()],
            ..ClaimNames::default()
        };
        let p = profile(
            &map(json!({
                "sub": "u3", "family_name": "Lê", "given_name": "Hoa", "birthdate": "1990-02-30",
                "gender": "khác", "id_number": "999", "soCCCD": "001190012345"
            })),
            &names,
        );
        assert_eq!(p.full_name.as_deref(), Some("Lê Hoa"));
        assert_eq!(p.date_of_birth, None, "30 February is not a date");
        assert_eq!(p.gender, None);
        assert_eq!(p.id_number.as_deref(), Some("001190012345"));
        assert_eq!(date("15071990").as_deref(), Some("1990-07-15"));
    }
}
