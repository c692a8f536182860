//! Vietnamese text: NFC normalisation, accent folding, amounts as Vietnamese write them, and
//! the one check of the names and free text that requests bring ([`check_field`]).

use crate::{ApiError, ErrorCode};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// An amount with dots between thousands, as Vietnamese write money: `150.000`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Returns `s` in Unicode Normalization Form C, the form every stored and rendered string uses.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Folds Vietnamese text for matching: compatibility forms made plain (NFKC: full-width
/// `Ｋｈａｉ` → `Khai`, the ligature `ﬁ` → `fi`, `²` → `2`), lower case, diacritics removed,
/// `đ`/`Đ` → `d`.
///
/// ```
/// assert_eq!(motcua_core::text::fold("Đăng ký KHAI SINH"), "dang ky khai sinh");
/// assert_eq!(motcua_core::text::fold("ＫＨＡＩ ｓｉｎｈ"), "khai sinh");
/// ```
pub fn fold(s: &str) -> String {
    // NFKD is NFKC's decomposition: the compatibility forms become their plain letters and
    // the marks come apart, to be dropped.
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Folds to plain ASCII for channels that cannot carry Vietnamese (bank transfer purposes,
/// thermal printer code pages): like [`fold`] but keeps case and replaces any remaining
/// non-ASCII character with a space.
pub fn ascii_fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c if c.is_ascii() => c,
            _ => ' ',
        })
        .collect()
}

/// What kind of character a request's name or text may not hold (see [`forbidden_char`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    /// NUL and the other C0 and C1 control characters, DEL.
    Control,
    /// A character that shows nothing: zero-width space, joiners, word joiner, the invisible
    /// operators, the byte order mark.
    Invisible,
    /// A bidirectional embedding, override, isolate or mark, which makes text show in another
    /// order than it is stored (`U+202E` turns `fdp.exe` into what reads as `exe.pdf`).
    Direction,
}

impl Forbidden {
    /// What `c` is, if a request may not hold it. `\n` and `\t` are allowed when `multiline`.
    pub fn of(c: char, multiline: bool) -> Option<Forbidden> {
        match c {
            '\n' | '\t' if multiline => None,
            c if c.is_control() => Some(Forbidden::Control),
            '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' => {
                Some(Forbidden::Invisible)
            }
            '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}' => Some(Forbidden::Direction),
            _ => None,
        }
    }

    fn vi(self) -> &'static str {
        match self {
            Forbidden::Control => "ký tự điều khiển",
            Forbidden::Invisible => "ký tự vô hình",
            Forbidden::Direction => "ký tự đổi chiều chữ",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Forbidden::Control => "a control character",
            Forbidden::Invisible => "an invisible character",
            Forbidden::Direction => "a text direction control",
        }
    }
}

/// The first character of `s` that a name or text of a request may not hold, and what it is.
pub fn forbidden_char(s: &str, multiline: bool) -> Option<(char, Forbidden)> {
    s.chars()
        .find_map(|c| Forbidden::of(c, multiline).map(|f| (c, f)))
}

/// `s` without what [`forbidden_char`] finds: a control character becomes a space, an
/// invisible or direction character goes; then trimmed. For text a kiosk copies from
/// elsewhere (the catalog's document names, a file's name) before it sends it; what a person
/// types is checked with [`check_field`], not changed.
pub fn strip_forbidden(s: &str) -> String {
    let out: String = s
        .chars()
        .filter_map(|c| match Forbidden::of(c, false) {
            None => Some(c),
            Some(Forbidden::Control) => Some(' '),
            Some(_) => None,
        })
        .collect();
    out.trim().to_owned()
}

/// How [`check_field`] checks one text field of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRule {
    /// At most this many characters (Unicode scalar values).
    pub max_chars: usize,
    /// Something must be left once white space is trimmed.
    pub required: bool,
    /// Free text of several lines: `\n` and `\t` allowed.
    pub multiline: bool,
}

impl FieldRule {
    /// A name: required, one line, at most `max_chars`.
    pub const fn name(max_chars: usize) -> FieldRule {
        FieldRule {
            max_chars,
            required: true,
            multiline: false,
        }
    }

    /// One line of text that may be empty, at most `max_chars`.
    pub const fn line(max_chars: usize) -> FieldRule {
        FieldRule {
            max_chars,
            required: false,
            multiline: false,
        }
    }

    /// Free text of several lines that may be empty, at most `max_chars`.
    pub const fn text(max_chars: usize) -> FieldRule {
        FieldRule {
            max_chars,
            required: false,
            multiline: true,
        }
    }
}

/// Checks one name or text field of a request (its value as it will be stored: trimmed, NFC):
/// no control character (but `\n` and `\t` in multi-line text), no invisible or text
/// direction character ([`Forbidden`]), not empty after trimming when required, at most
/// `rule.max_chars` characters. The refusal is a 400 `bad_request` in both languages naming
/// `field` as the wire calls it (`applicant.full_name`, `documents[2].name`); the value itself
/// is never echoed.
pub fn check_field(field: &str, value: &str, rule: FieldRule) -> Result<(), ApiError> {
    if let Some((c, what)) = forbidden_char(value, rule.multiline) {
        let code = format!("U+{:04X}", u32::from(c));
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!(
                "Trường “{field}” chứa ký tự không được phép: {} ({code}). Vui lòng nhập lại.",
                what.vi()
            ),
            format!(
                "The field “{field}” holds a character that is not allowed: {} ({code}). \
                 Please type it again.",
                what.en()
            ),
        ));
    }
    if rule.required && value.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("Trường “{field}” không được để trống."),
            format!("The field “{field}” must not be empty."),
        ));
    }
    if value.chars().count() > rule.max_chars {
        return Err(too_long(field, rule.max_chars));
    }
    Ok(())
}

/// The refusal of a field over `max_chars` characters, stating that limit.
pub fn too_long(field: &str, max_chars: usize) -> ApiError {
    ApiError::new(
        ErrorCode::BadRequest,
        format!("Trường “{field}” quá dài (tối đa {max_chars} ký tự)."),
        format!("The field “{field}” is too long (at most {max_chars} characters)."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_with_dots() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(5), "5");
        assert_eq!(thousands(150_000), "150.000");
        assert_eq!(thousands(1_234_567), "1.234.567");
    }

    #[test]
    fn nfc_composes_decomposed_input() {
        let decomposed = "Hô\u{323} ti\u{323}ch"; // "Hộ tịch" typed with combining marks
        assert_eq!(nfc(decomposed), "Hộ tịch");
        assert_ne!(decomposed, "Hộ tịch");
    }

    #[test]
    fn fold_strips_marks_and_d_bar() {
        assert_eq!(fold("Đất đai – Xây dựng"), "dat dai – xay dung");
        assert_eq!(
            fold("Thủ tục đăng ký khai sinh"),
            "thu tuc dang ky khai sinh"
        );
    }

    #[test]
    fn ascii_fold_keeps_case() {
        assert_eq!(ascii_fold("Đóng phí hồ sơ"), "Dong phi ho so");
        assert_eq!(ascii_fold("A–B"), "A B");
    }

    #[test]
    fn fold_makes_compatibility_forms_plain() {
        assert_eq!(fold("ＫＨＡＩ ＳＩＮＨ"), "khai sinh");
        assert_eq!(fold("Ｃấｐ ｌạｉ"), "cap lai");
        assert_eq!(fold("Giấy ﬁ"), "giay fi");
        assert_eq!(fold("Đất ²"), "dat 2");
        assert_eq!(fold("ｄăng ký"), "dang ky");
    }

    #[test]
    fn forbidden_characters_by_kind() {
        use Forbidden::*;
        let table: &[(char, bool, Option<Forbidden>)] = &[
            ('\0', false, Some(Control)),
            ('\u{1}', false, Some(Control)),
            ('\u{1B}', false, Some(Control)),
            ('\u{7F}', false, Some(Control)),
            ('\u{85}', false, Some(Control)),
            ('\u{9F}', false, Some(Control)),
            ('\r', false, Some(Control)),
            ('\r', true, Some(Control)),
            ('\n', false, Some(Control)),
            ('\n', true, None),
            ('\t', false, Some(Control)),
            ('\t', true, None),
            ('\u{200B}', false, Some(Invisible)),
            ('\u{200C}', false, Some(Invisible)),
            ('\u{200D}', true, Some(Invisible)),
            ('\u{2060}', false, Some(Invisible)),
            ('\u{2064}', false, Some(Invisible)),
            ('\u{FEFF}', false, Some(Invisible)),
            ('\u{200E}', false, Some(Direction)),
            ('\u{200F}', false, Some(Direction)),
            ('\u{202A}', false, Some(Direction)),
            ('\u{202E}', true, Some(Direction)),
            ('\u{2066}', false, Some(Direction)),
            ('\u{2069}', false, Some(Direction)),
            ('\u{061C}', false, Some(Direction)),
            // Allowed: letters with their marks, spaces, punctuation, the neighbours of the
            // forbidden ranges.
            ('a', false, None),
            ('ệ', false, None),
            ('Đ', false, None),
            ('\u{0323}', false, None),
            (' ', false, None),
            ('\u{A0}', false, None),
            ('–', false, None),
            ('\u{200A}', false, None),
            ('\u{2010}', false, None),
            ('\u{2029}', false, None),
            ('\u{2065}', false, None),
            ('\u{206A}', false, None),
            ('\u{061B}', false, None),
            ('\u{FEFE}', false, None),
            ('😀', false, None),
        ];
        for &(c, multiline, want) in table {
            assert_eq!(
                Forbidden::of(c, multiline),
                want,
                "U+{:04X} multiline={multiline}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn fields_are_checked_and_the_refusal_names_the_field() {
        let name = FieldRule::name(10);
        let line = FieldRule::line(10);
        let text = FieldRule::text(10);
        let table: &[(&str, FieldRule, Option<&str>)] = &[
            ("Nguyễn An", name, None),
            ("", line, None),
            ("  ", line, None),
            ("hai\ndòng\tx", text, None),
            ("", name, Some("must not be empty")),
            (" \u{3000} ", name, Some("must not be empty")),
            (
                "\u{200B}\u{200B}",
                name,
                Some("invisible character (U+200B)"),
            ),
            ("\u{FEFF}", line, Some("invisible character (U+FEFF)")),
            ("An\0", name, Some("control character (U+0000)")),
            ("An\u{85}", text, Some("control character (U+0085)")),
            ("hai\ndòng", line, Some("control character (U+000A)")),
            ("hai\r\n", text, Some("control character (U+000D)")),
            (
                "\u{202E}fdp.exe",
                name,
                Some("text direction control (U+202E)"),
            ),
            ("a\u{2067}b", text, Some("text direction control (U+2067)")),
            ("a\u{061C}", line, Some("text direction control (U+061C)")),
            ("mười một ký", name, Some("at most 10 characters")),
            ("ệệệệệệệệệệ", name, None),
        ];
        for &(value, rule, want) in table {
            let got = check_field("applicant.full_name", value, rule);
            match want {
                None => assert!(got.is_ok(), "{value:?}: {got:?}"),
                Some(part) => {
                    let e = got.expect_err(value);
                    assert_eq!(e.code, ErrorCode::BadRequest);
                    assert_eq!(e.http_status(), 400);
                    assert!(e.message_en.contains(part), "{value:?}: {}", e.message_en);
                    for m in [&e.message_vi, &e.message_en] {
                        assert!(m.contains("“applicant.full_name”"), "{m}");
                        assert!(
                            value.trim().is_empty() || !m.contains(value),
                            "the value is not echoed: {m}"
                        );
                    }
                    assert!(e.message_vi.contains("Trường"), "{}", e.message_vi);
                }
            }
        }
        let e = check_field("printer_detail", &"x".repeat(201), FieldRule::line(200)).unwrap_err();
        assert!(
            e.message_vi.contains("tối đa 200 ký tự"),
            "{}",
            e.message_vi
        );
        assert!(
            e.message_en.contains("at most 200 characters"),
            "{}",
            e.message_en
        );
    }

    #[test]
    fn copied_text_is_stripped_of_what_may_not_be_sent() {
        for (from, to) in [
            ("đăng k\u{200E}ý hộ tịch", "đăng ký hộ tịch"),
            ("Các tài liệu\tkhác\t", "Các tài liệu khác"),
            ("\u{202E}fdp.exe", "fdp.exe"),
            ("\u{FEFF}scan.pdf", "scan.pdf"),
            ("a\0b", "a b"),
            ("Giấy chứng sinh", "Giấy chứng sinh"),
        ] {
            let got = strip_forbidden(from);
            assert_eq!(got, to);
            assert_eq!(forbidden_char(&got, false), None);
        }
    }
}
