//! The QR code on the chip citizen ID card (thẻ Căn cước công dân / Căn cước, CCCD):
//!
//! `12-digit ID|9-digit old ID (may be empty)|full name|date of birth ddmmyyyy|gender|address|issue date ddmmyyyy`
//!
//! Newer cards append more fields; they are kept in [`Cccd::extra`] and otherwise ignored.
//! The kiosk uses a scan to prefill forms, never to sign in.
//!
//! Validation follows the structure of the personal identification number set by Circular
//! 07/2016/TT-BCA (Thông tư 07/2016/TT-BCA, Điều 7 and Phụ lục I): 3 digits of the province
//! where the birth was registered, 1 digit of century and gender, 2 digits of the year of
//! birth, 6 random digits.

use crate::text::{fold, nfc};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Province codes (the first 3 digits of the ID number) of Circular 07/2016/TT-BCA, Phụ lục I
/// "Danh mục mã tỉnh, thành phố trực thuộc Trung ương nơi công dân đăng ký khai sinh": the 63
/// provinces before the 2025 merger, with the name each code was issued for. Cards keep their
/// numbers after the merger, so these remain the codes in use.
pub const PROVINCES: [(&str, &str); 63] = [
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

/// The province a code was issued for.
pub fn province(code: &str) -> Option<&'static str> {
    PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A scanned CCCD QR, fields as read (name and address NFC, dates parsed where they are real
/// dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cccd {
    /// Số định danh cá nhân, as read.
    pub id_number: String,
    /// Số CMND cũ (9 digits), empty when the card has none.
    pub old_id_number: String,
    /// Họ và tên (NFC).
    pub full_name: String,
    /// Ngày sinh; `None` when the field is not a real date.
    pub date_of_birth: Option<NaiveDate>,
    /// Giới tính as printed (`Nam` / `Nữ`).
    pub gender: String,
    /// Nơi thường trú (NFC).
    pub address: String,
    /// Ngày cấp; `None` when the field is not a real date.
    pub issue_date: Option<NaiveDate>,
    /// The raw date of birth and issue date fields (for the reason when they are not dates).
    #[serde(skip)]
    raw_dates: (String, String),
    /// Fields after the seventh, as read (newer cards).
    #[serde(skip)]
    pub extra: Vec<String>,
}

/// Why a scan is not a valid CCCD, in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalid {
    /// Vietnamese.
    pub reason_vi: String,
    /// English.
    pub reason_en: String,
}

impl Invalid {
    fn new(vi: impl Into<String>, en: impl Into<String>) -> Invalid {
        Invalid {
            reason_vi: vi.into(),
            reason_en: en.into(),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.reason_vi, self.reason_en)
    }
}

/// `ddmmyyyy` → a real date.
pub fn parse_ddmmyyyy(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = s[0..2].parse().ok()?;
    let m = s[2..4].parse().ok()?;
    let y = s[4..8].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Whether a scanned string has the shape of a CCCD QR: at least 7 `|`-separated fields and a
/// first field of digits. Such a scan is reported as a CCCD even when it does not validate.
pub fn looks_like(scan: &str) -> bool {
    let scan = scan.trim();
    let mut fields = scan.split('|');
    let first = fields.next().unwrap_or("");
    !first.is_empty()
        && first.len() <= 20
        && first.bytes().all(|b| b.is_ascii_digit())
        && fields.count() >= 6
}

/// Splits a scan into its fields; `None` if it does not [`looks_like`] a CCCD QR.
pub fn parse(scan: &str) -> Option<Cccd> {
    if !looks_like(scan) {
        return None;
    }
    // Keyboard-wedge scanners add a line end; some add spaces.
    let f: Vec<&str> = scan.trim().split('|').map(str::trim).collect();
    Some(Cccd {
        id_number: f[0].to_owned(),
        old_id_number: f[1].to_owned(),
        full_name: nfc(f[2]),
        date_of_birth: parse_ddmmyyyy(f[3]),
        gender: nfc(f[4]),
        address: nfc(f[5]),
        issue_date: parse_ddmmyyyy(f[6]),
        raw_dates: (f[3].to_owned(), f[6].to_owned()),
        extra: f[7..].iter().map(|s| (*s).to_owned()).collect(),
    })
}

/// Gender from the printed field: `Some(false)` male, `Some(true)` female.
fn female(gender: &str) -> Option<bool> {
    match fold(gender).as_str() {
        "nam" | "male" => Some(false),
        "nu" | "female" => Some(true),
        _ => None,
    }
}

impl Cccd {
    /// Checks the card as of `today` (local date): 12-digit number, 9-digit old number or none,
    /// a name, real dates, birth not in the future and before the issue date, the issue date
    /// not in the future, a province code of Circular 07/2016/TT-BCA, and the number's century,
    /// gender and year digits agreeing with the date of birth and gender.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Invalid> {
        let id = &self.id_number;
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "Số định danh phải gồm đúng 12 chữ số. Vui lòng quét lại thẻ.",
                "The ID number must be exactly 12 digits. Please scan the card again.",
            ));
        }
        if !self.old_id_number.is_empty()
            && (self.old_id_number.len() != 9
                || !self.old_id_number.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Invalid::new(
                "Số CMND cũ phải gồm 9 chữ số hoặc để trống.",
                "The old ID number must be 9 digits or empty.",
            ));
        }
        if self.full_name.trim().is_empty() {
            return Err(Invalid::new(
                "Thiếu họ và tên trên mã QR.",
                "The QR code has no full name.",
            ));
        }
        let Some(dob) = self.date_of_birth else {
            return Err(Invalid::new(
                format!(
                    "Ngày sinh “{}” không phải ngày hợp lệ (ddmmyyyy).",
                    self.raw_dates.0
                ),
                format!(
                    "The date of birth “{}” is not a real date (ddmmyyyy).",
                    self.raw_dates.0
                ),
            ));
        };
        let Some(issued) = self.issue_date else {
            return Err(Invalid::new(
                format!(
                    "Ngày cấp “{}” không phải ngày hợp lệ (ddmmyyyy).",
                    self.raw_dates.1
                ),
                format!(
                    "The issue date “{}” is not a real date (ddmmyyyy).",
                    self.raw_dates.1
                ),
            ));
        };
        if dob > today {
            return Err(Invalid::new(
                "Ngày sinh ở tương lai.",
                "The date of birth is in the future.",
            ));
        }
        if issued > today {
            return Err(Invalid::new(
                "Ngày cấp ở tương lai.",
                "The issue date is in the future.",
            ));
        }
        if dob >= issued {
            return Err(Invalid::new(
                "Ngày sinh phải trước ngày cấp thẻ.",
                "The date of birth must be before the issue date.",
            ));
        }
        let code = &id[0..3];
        if province(code).is_none() {
            return Err(Invalid::new(
                format!("Mã tỉnh “{code}” (3 chữ số đầu) không có trong danh mục mã tỉnh."),
                format!("The province code “{code}” (first 3 digits) is not an issued code."),
            ));
        }
        let cg = id.as_bytes()[3] - b'0';
        // 0/1: born 1900–1999 (male/female), 2/3: 2000–2099, 4/5: 2100–2199, …
        let century = 19 + i32::from(cg / 2);
        let yy: i32 = id[4..6].parse().unwrap_or(-1);
        if dob.year() / 100 != century || dob.year() % 100 != yy {
            return Err(Invalid::new(
                "Số định danh không khớp với năm sinh (chữ số thứ 4–6).",
                "The ID number does not match the year of birth (digits 4–6).",
            ));
        }
        if let Some(f) = female(&self.gender) {
            if f != (cg % 2 == 1) {
                return Err(Invalid::new(
                    "Số định danh không khớp với giới tính (chữ số thứ 4).",
                    "The ID number does not match the gender (digit 4).",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    const GOOD: &str =
        "001099012345|123456789|Nguyễn Văn An|01021999|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|15082021";

    #[test]
    fn the_list_has_63_distinct_codes_in_range() {
        let mut codes: Vec<_> = PROVINCES.iter().map(|(c, _)| *c).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 63);
        assert_eq!(codes.first(), Some(&"001"));
        assert_eq!(codes.last(), Some(&"096"));
        assert_eq!(province("079"), Some("Hồ Chí Minh"));
        assert_eq!(province("003"), None);
    }

    #[test]
    fn parses_and_validates_a_card() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.id_number, "001099012345");
        assert_eq!(c.old_id_number, "123456789");
        assert_eq!(c.full_name, "Nguyễn Văn An");
        assert_eq!(c.date_of_birth, NaiveDate::from_ymd_opt(1999, 2, 1));
        assert_eq!(c.issue_date, NaiveDate::from_ymd_opt(2021, 8, 15));
        assert_eq!(c.gender, "Nam");
        assert!(c.validate(today()).is_ok());
    }

    #[test]
    fn tolerates_extra_fields_empty_old_id_line_end_and_decomposed_name() {
        let s = "079304001234||Trần Thi\u{323} Bình|29022004|Nữ|Q.1, TP.HCM|10052024|X|Y\r\n";
        let c = parse(s).unwrap();
        assert_eq!(c.full_name, "Trần Thị Bình");
        assert_eq!(c.extra, vec!["X", "Y"]);
        assert!(c.validate(today()).is_ok(), "{:?}", c.validate(today()));
    }

    fn reason(s: &str) -> String {
        parse(s).unwrap().validate(today()).unwrap_err().reason_en
    }

    #[test]
    fn reasons_for_bad_cards() {
        assert!(reason("00109901234|123456789|A|01021999|Nam|x|15082021").contains("12 digits"));
        assert!(reason("001099012345|12345|A|01021999|Nam|x|15082021").contains("old ID"));
        assert!(reason("001099012345||A|31021999|Nam|x|15082021").contains("31021999"));
        assert!(reason("001099012345||A|01021999|Nam|x|15132021").contains("issue date"));
        assert!(reason("001099012345||A|01021999|Nam|x|15082027").contains("future"));
        assert!(reason("001099012345||A|01021999|Nam|x|15081998").contains("before"));
        assert!(reason("003099012345||A|01021999|Nam|x|15082021").contains("province"));
        assert!(reason("001098012345||A|01021999|Nam|x|15082021").contains("year of birth"));
        assert!(reason("001299012345||A|01021999|Nam|x|15082021").contains("year of birth"));
        assert!(reason("001199012345||A|01021999|Nam|x|15082021").contains("gender"));
        assert!(reason("001099012345||  |01021999|Nam|x|15082021").contains("name"));
        let e = parse("001099012345||A|01021999|Nam|x|15081998")
            .unwrap()
            .validate(today())
            .unwrap_err();
        assert!(e.reason_vi.contains("ngày cấp"), "{}", e.reason_vi);
    }

    #[test]
    fn not_a_cccd() {
        assert!(parse("hello").is_none());
        assert!(parse("001099012345|a|b").is_none());
        assert!(parse("abc|||||||").is_none());
        assert!(parse("").is_none());
    }

    #[test]
    fn no_panic_on_arbitrary_input() {
        let mut rng = crate::testrand::Rng::new(7);
        let mut parsed = 0;
        for i in 0..30_000 {
            let s = if i % 2 == 0 {
                rng.string(80)
            } else {
                // Mutate a good scan: replace a random char range by random text.
                let mut s: Vec<char> = GOOD.chars().collect();
                let at = rng.below(s.len());
                let len = rng.below(6);
                let end = (at + len).min(s.len());
                s.splice(at..end, rng.string(6).chars());
                s.into_iter().collect()
            };
            if let Some(c) = parse(&s) {
                parsed += 1;
                let _ = c.validate(today());
            }
        }
        assert!(parsed > 1000, "the mutations should mostly still parse");
    }
}
