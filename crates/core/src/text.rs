//! Vietnamese text: NFC normalisation, accent folding, and amounts as Vietnamese write them.

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

/// Folds Vietnamese text for matching: lower case, diacritics removed, `đ`/`Đ` → `d`.
///
/// ```
/// assert_eq!(motcua_core::text::fold("Đăng ký KHAI SINH"), "dang ky khai sinh");
/// ```
pub fn fold(s: &str) -> String {
    s.nfd()
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
}
