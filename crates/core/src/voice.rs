//! The spoken announcement of a call: the sentence the board shows and the form a speech
//! synthesiser reads.
//!
//! The ticket number is spelled digit by digit ("A, không, hai, ba") so it sounds the same on
//! every board whatever the synthesiser does with numbers; the counter number is read as a
//! Vietnamese number ("quầy số mười hai").

/// Vietnamese words for the digits 0–9.
pub const DIGIT_WORDS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// The announcement as displayed: `Mời công dân có số A023 đến quầy số 3`.
///
/// ```
/// assert_eq!(
///     motcua_core::voice::announcement_text("A023", 3),
///     "Mời công dân có số A023 đến quầy số 3"
/// );
/// ```
pub fn announcement_text(number: &str, counter_number: u32) -> String {
    format!("Mời công dân có số {number} đến quầy số {counter_number}")
}

/// The announcement as a synthesiser should read it: the ticket number spelled (see
/// [`spell_number`]) and the counter number in words.
///
/// ```
/// assert_eq!(
///     motcua_core::voice::announcement_speech("A023", 3),
///     "Mời công dân có số A, không, hai, ba, đến quầy số ba."
/// );
/// ```
pub fn announcement_speech(number: &str, counter_number: u32) -> String {
    format!(
        "Mời công dân có số {}, đến quầy số {}.",
        spell_number(number),
        number_words(counter_number)
    )
}

/// Spells a ticket number for speech: letters as they are, each digit as its Vietnamese word,
/// items separated by commas (a short pause); the dash of an offline number (`A1-007`) becomes
/// a full stop (a longer pause). Other characters are dropped.
///
/// ```
/// use motcua_core::voice::spell_number;
/// assert_eq!(spell_number("B105"), "B, một, không, năm");
/// assert_eq!(spell_number("A1-007"), "A, một. không, không, bảy");
/// ```
pub fn spell_number(number: &str) -> String {
    let mut groups: Vec<Vec<String>> = vec![Vec::new()];
    for c in number.chars() {
        if c == '-' {
            if groups.last().is_some_and(|g| !g.is_empty()) {
                groups.push(Vec::new());
            }
        } else if let Some(d) = c.to_digit(10) {
            groups
                .last_mut()
                .expect("never empty")
                .push(DIGIT_WORDS[d as usize].to_owned());
        } else if c.is_alphabetic() {
            groups.last_mut().expect("never empty").push(c.to_string());
        }
    }
    groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| g.join(", "))
        .collect::<Vec<_>>()
        .join(". ")
}

/// Reads a number in Vietnamese words (northern usage: `linh` for a zero ten, `mốt`, `tư`,
/// `lăm` after a ten). Numbers of a million or more are spelled digit by digit.
///
/// ```
/// use motcua_core::voice::number_words;
/// assert_eq!(number_words(21), "hai mươi mốt");
/// assert_eq!(number_words(105), "một trăm linh năm");
/// ```
pub fn number_words(n: u32) -> String {
    if n >= 1_000_000 {
        return n
            .to_string()
            .bytes()
            .map(|b| DIGIT_WORDS[(b - b'0') as usize])
            .collect::<Vec<_>>()
            .join(" ");
    }
    if n < 1000 {
        return below_thousand(n, false);
    }
    let (thousands, rest) = (n / 1000, n % 1000);
    let mut s = format!("{} nghìn", below_thousand(thousands, false));
    if rest > 0 {
        s.push(' ');
        s.push_str(&below_thousand(rest, true));
    }
    s
}

/// 0–999; `full` reads the hundreds even when zero ("không trăm linh năm" after "nghìn").
fn below_thousand(n: u32, full: bool) -> String {
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut words: Vec<&str> = Vec::new();
    if h > 0 || full {
        words.push(DIGIT_WORDS[h as usize]);
        words.push("trăm");
    }
    let has_hundreds = !words.is_empty();
    match t {
        0 if u == 0 => {
            if !has_hundreds {
                words.push("không");
            }
        }
        0 => {
            if has_hundreds {
                words.push("linh");
            }
            words.push(DIGIT_WORDS[u as usize]);
        }
        1 => {
            words.push("mười");
            match u {
                0 => {}
                5 => words.push("lăm"),
                _ => words.push(DIGIT_WORDS[u as usize]),
            }
        }
        _ => {
            words.push(DIGIT_WORDS[t as usize]);
            words.push("mươi");
            match u {
                0 => {}
                1 => words.push("mốt"),
                4 => words.push("tư"),
                5 => words.push("lăm"),
                _ => words.push(DIGIT_WORDS[u as usize]),
            }
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_sentence() {
        assert_eq!(
            announcement_text("A023", 3),
            "Mời công dân có số A023 đến quầy số 3"
        );
        assert_eq!(
            announcement_text("A1-007", 12),
            "Mời công dân có số A1-007 đến quầy số 12"
        );
    }

    #[test]
    fn every_digit_has_its_word() {
        assert_eq!(
            spell_number("A0123456789"),
            "A, không, một, hai, ba, bốn, năm, sáu, bảy, tám, chín"
        );
        assert_eq!(spell_number("A023"), "A, không, hai, ba");
        assert_eq!(spell_number("D1000"), "D, một, không, không, không");
    }

    #[test]
    fn offline_dash_is_a_pause_and_letters_stay() {
        assert_eq!(spell_number("A1-007"), "A, một. không, không, bảy");
        assert_eq!(spell_number("AB12-003"), "A, B, một, hai. không, không, ba");
        // Stray characters are not read; a leading or doubled dash is one pause at most.
        assert_eq!(spell_number("-A 1--2"), "A, một. hai");
        assert_eq!(spell_number(""), "");
    }

    #[test]
    fn speech_sentence() {
        assert_eq!(
            announcement_speech("A023", 3),
            "Mời công dân có số A, không, hai, ba, đến quầy số ba."
        );
        assert_eq!(
            announcement_speech("C2-015", 15),
            "Mời công dân có số C, hai. không, một, năm, đến quầy số mười lăm."
        );
    }

    #[test]
    fn vietnamese_number_words() {
        let cases = [
            (0, "không"),
            (1, "một"),
            (4, "bốn"),
            (5, "năm"),
            (10, "mười"),
            (11, "mười một"),
            (14, "mười bốn"),
            (15, "mười lăm"),
            (20, "hai mươi"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (99, "chín mươi chín"),
            (100, "một trăm"),
            (101, "một trăm linh một"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (115, "một trăm mười lăm"),
            (121, "một trăm hai mươi mốt"),
            (1000, "một nghìn"),
            (1005, "một nghìn không trăm linh năm"),
            (2024, "hai nghìn không trăm hai mươi tư"),
            (1_000_000, "một không không không không không không"),
        ];
        for (n, want) in cases {
            assert_eq!(number_words(n), want, "{n}");
        }
    }
}
