//! Telex and VNI composition: raw keystrokes (`"ddawng kys"`) to Vietnamese (`"đăng ký"`).
//!
//! The kiosk's on-screen keyboard and the catalog search both use these rules; the keyboard's
//! TypeScript port reads the same vectors (`crates/core/tests/telex_vectors.json`).
//!
//! Rules, per word (a run of letters; in VNI also digits):
//!
//! * Telex: `aa` → â, `ee` → ê, `oo` → ô, `dd` → đ, `aw` → ă, `ow` → ơ, `uw` → ư, `uow` → ươ,
//!   `w` with no vowel to change → ư; tone keys `s` sắc, `f` huyền, `r` hỏi, `x` ngã, `j` nặng,
//!   `z` removes the tone. Modifier keys act on the word's last vowel when only final
//!   consonants follow it (`vieetj` and `vietej` both give việt).
//! * VNI: `6` circumflex, `7` horn (`uo7` → ươ), `8` breve, `9` đ, `1`–`5` tones (sắc, huyền,
//!   hỏi, ngã, nặng), `0` removes the tone.
//! * Pressing the same key again undoes it and types the key itself: `ass` → `as`,
//!   `aaa` → `aa`, `ddd` → `dd`, `ww` → `w`.
//! * A key that has nothing to act on is typed as itself (`s` at the start of `sinh`).
//! * The tone goes where the modern rule puts it (the rule of the 2018 textbooks, and the
//!   majority spelling in the national procedure database for `oa`/`oe`): on the vowel with a
//!   mark (ươ → ơ); else in three vowels on the middle one; in two vowels on the second when a
//!   final consonant follows or the pair is `oa`, `oe`, `uy` (hoà, khoẻ, thuỷ), otherwise on
//!   the first (mía, múa, tái). `qu` and `gi` count as consonants before another vowel.
//!
//! Already-composed letters pass through (and can take a tone key: `ês` → ế).

use unicode_normalization::UnicodeNormalization;

/// The input method the keystrokes were typed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Letters as keys (`aa`, `dd`, `w`, `s f r x j z`).
    Telex,
    /// Digits as keys (`6 7 8 9`, `1`–`5`, `0`).
    Vni,
}

/// Composes Telex keystrokes: `compose("tooi laf ai") == "tôi là ai"`.
pub fn compose(input: &str) -> String {
    compose_with(input, Mode::Telex)
}

/// Composes VNI keystrokes: `compose_vni("viet65") == "việt"`.
pub fn compose_vni(input: &str) -> String {
    compose_with(input, Mode::Vni)
}

/// Composes `input` typed with `mode`. The result is NFC.
pub fn compose_with(input: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    let mut word = Word::default();
    for c in input.nfc() {
        let in_word = c.is_alphabetic() || (mode == Mode::Vni && c.is_ascii_digit());
        if in_word {
            word.key(c, mode);
        } else {
            word.flush(&mut out);
            out.push(c);
        }
    }
    word.flush(&mut out);
    out
}

/// Whether `q` reads as raw Telex keystrokes: composing it changes it.
pub fn looks_like_telex(q: &str) -> bool {
    compose(q) != q.nfc().collect::<String>()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Acute,
    Grave,
    Hook,
    Tilde,
    Dot,
}

impl Tone {
    fn mark(self) -> char {
        match self {
            Tone::Acute => '\u{301}',
            Tone::Grave => '\u{300}',
            Tone::Hook => '\u{309}',
            Tone::Tilde => '\u{303}',
            Tone::Dot => '\u{323}',
        }
    }

    fn from_mark(c: char) -> Option<Tone> {
        Some(match c {
            '\u{301}' => Tone::Acute,
            '\u{300}' => Tone::Grave,
            '\u{309}' => Tone::Hook,
            '\u{303}' => Tone::Tilde,
            '\u{323}' => Tone::Dot,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Letter {
    /// Lower-case letter, possibly with its shape mark (â ă ê ô ơ ư đ), never a tone.
    ch: char,
    upper: bool,
}

#[derive(Debug, Default)]
struct Word {
    letters: Vec<Letter>,
    tone: Option<Tone>,
    /// The previous key if it acted (shape or tone), with the word as it was before it.
    acted: Option<(char, Vec<Letter>, Option<Tone>)>,
    /// The previous key was an undo: pressing it again types it again.
    undone: Option<char>,
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn has_shape(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

fn base(c: char) -> char {
    match c {
        'ă' | 'â' => 'a',
        'ê' => 'e',
        'ô' | 'ơ' => 'o',
        'ư' => 'u',
        'đ' => 'd',
        c => c,
    }
}

impl Word {
    fn push_literal(&mut self, c: char) {
        // An already-composed letter: its shape stays on the letter, its tone goes to the word.
        let upper = c.is_uppercase();
        let lower: String = c.to_lowercase().collect();
        let mut marks = lower.nfd();
        let Some(first) = marks.next() else {
            return;
        };
        let mut shaped = String::from(first);
        for m in marks {
            match Tone::from_mark(m) {
                Some(t) => self.tone = Some(t),
                None => shaped.push(m),
            }
        }
        for ch in shaped.nfc() {
            self.letters.push(Letter { ch, upper });
        }
    }

    fn has_vowel(&self) -> bool {
        self.letters.iter().any(|l| is_vowel(l.ch))
    }

    fn last_vowel(&self) -> Option<usize> {
        self.letters.iter().rposition(|l| is_vowel(l.ch))
    }

    fn key(&mut self, c: char, mode: Mode) {
        let k = c.to_ascii_lowercase();
        if self.undone == Some(k) {
            self.push_literal(c);
            return;
        }
        self.undone = None;
        if let Some((prev_k, letters, tone)) = self.acted.take() {
            if prev_k == k {
                // The same key again undoes it and types the key itself.
                self.letters = letters;
                self.tone = tone;
                self.push_literal(c);
                self.undone = Some(k);
                return;
            }
        }
        let before = (self.letters.clone(), self.tone);
        let upper = c.is_uppercase();
        let acted = match mode {
            Mode::Telex => self.telex(k, upper),
            Mode::Vni => self.vni(k),
        };
        if acted {
            self.acted = Some((k, before.0, before.1));
        } else {
            self.push_literal(c);
        }
    }

    fn telex(&mut self, k: char, upper: bool) -> bool {
        match k {
            's' => self.tone_key(Some(Tone::Acute)),
            'f' => self.tone_key(Some(Tone::Grave)),
            'r' => self.tone_key(Some(Tone::Hook)),
            'x' => self.tone_key(Some(Tone::Tilde)),
            'j' => self.tone_key(Some(Tone::Dot)),
            'z' => self.tone_key(None),
            'a' | 'e' | 'o' => self.circumflex(Some(k)),
            'w' => self.horn(true, upper),
            'd' => self.d_bar(true),
            _ => false,
        }
    }

    fn vni(&mut self, k: char) -> bool {
        match k {
            '1' => self.tone_key(Some(Tone::Acute)),
            '2' => self.tone_key(Some(Tone::Grave)),
            '3' => self.tone_key(Some(Tone::Hook)),
            '4' => self.tone_key(Some(Tone::Tilde)),
            '5' => self.tone_key(Some(Tone::Dot)),
            '0' => self.tone_key(None),
            '6' => self.circumflex(None),
            '7' => self.horn(false, false),
            '8' => self.breve(),
            '9' => self.d_bar(false),
            _ => false,
        }
    }

    fn tone_key(&mut self, tone: Option<Tone>) -> bool {
        if !self.has_vowel() || (tone.is_none() && self.tone.is_none()) {
            return false;
        }
        self.tone = tone;
        true
    }

    /// Circumflex on the last vowel; `want` = the letter it must be (Telex `aa`), `None` = any
    /// of a e o (VNI `6`).
    fn circumflex(&mut self, want: Option<char>) -> bool {
        let Some(i) = self.last_vowel() else {
            return false;
        };
        let cur = self.letters[i].ch;
        let ok = match want {
            Some(w) => matches!(cur, 'a' | 'e' | 'o' | 'ă' | 'ơ') && base(cur) == w,
            None => matches!(cur, 'a' | 'e' | 'o' | 'ă' | 'ơ'),
        };
        if !ok {
            return false;
        }
        self.letters[i].ch = match base(cur) {
            'a' => 'â',
            'e' => 'ê',
            _ => 'ô',
        };
        true
    }

    fn breve(&mut self) -> bool {
        let Some(i) = self.last_vowel() else {
            return false;
        };
        if !matches!(self.letters[i].ch, 'a' | 'â') {
            return false;
        }
        self.letters[i].ch = 'ă';
        true
    }

    /// Telex `w` / VNI `7`: uo → ươ, o → ơ, u → ư (Telex also a → ă, ua → ưa); a Telex `w`
    /// in a word without vowel types ư.
    fn horn(&mut self, telex: bool, upper: bool) -> bool {
        if let Some(i) = self.last_vowel() {
            let cur = self.letters[i].ch;
            if matches!(cur, 'o' | 'ô') && i >= 1 && self.letters[i - 1].ch == 'u' {
                // "quo" is qu + o: only the o takes the horn.
                let qu = i >= 2 && self.letters[i - 2].ch == 'q';
                if !qu {
                    self.letters[i - 1].ch = 'ư';
                }
                self.letters[i].ch = 'ơ';
                return true;
            }
            let shaped = match cur {
                'o' | 'ô' => Some('ơ'),
                'u' => Some('ư'),
                'a' | 'â' if telex => Some('ă'),
                _ => None,
            };
            if let Some(s) = shaped {
                self.letters[i].ch = s;
                return true;
            }
            return false;
        }
        if telex {
            self.letters.push(Letter { ch: 'ư', upper });
            return true;
        }
        false
    }

    /// Telex `dd` / VNI `d9`: the word's first letter d → đ.
    fn d_bar(&mut self, telex: bool) -> bool {
        match self.letters.first() {
            Some(l) if l.ch == 'd' => {
                // Telex needs the d right before (dd), or anywhere in the word (dinhd).
                if telex && self.letters.len() > 1 && !self.has_vowel() {
                    return false;
                }
                self.letters[0].ch = 'đ';
                true
            }
            _ => false,
        }
    }

    /// Where the tone goes (index into `letters`), by the modern rule.
    fn tone_position(&self) -> Option<usize> {
        let start = self.letters.iter().position(|l| is_vowel(l.ch))?;
        let mut end = start;
        while end < self.letters.len() && is_vowel(self.letters[end].ch) {
            end += 1;
        }
        let mut s = start;
        // qu + vowel, gi + vowel: the u / i belongs to the consonant.
        if end - s > 1 && s >= 1 {
            let prev = self.letters[s - 1].ch;
            let cur = self.letters[s].ch;
            if (prev == 'q' && cur == 'u') || (prev == 'g' && cur == 'i') {
                s += 1;
            }
        }
        let run: Vec<char> = self.letters[s..end].iter().map(|l| l.ch).collect();
        if let Some(j) = run.iter().rposition(|c| has_shape(*c)) {
            return Some(s + j);
        }
        let final_consonant = end < self.letters.len();
        Some(match run.len() {
            1 => s,
            2 => {
                let pair: String = run.iter().collect();
                if final_consonant || matches!(pair.as_str(), "oa" | "oe" | "uy") {
                    s + 1
                } else {
                    s
                }
            }
            _ => s + 1,
        })
    }

    fn flush(&mut self, out: &mut String) {
        let at = self.tone.and_then(|t| Some((self.tone_position()?, t)));
        for (i, l) in self.letters.iter().enumerate() {
            let mut s = String::new();
            if l.upper {
                s.extend(l.ch.to_uppercase());
            } else {
                s.push(l.ch);
            }
            if let Some((pos, t)) = at {
                if pos == i {
                    s.push(t.mark());
                }
            }
            out.extend(s.nfc());
        }
        *self = Word::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_vectors() {
        assert_eq!(compose("tooi laf ai"), "tôi là ai");
        assert_eq!(compose("ddaay laf ddaau"), "đây là đâu");
        assert_eq!(compose("duwowis"), "dưới");
        assert_eq!(compose_vni("viet65"), "việt");
    }

    #[test]
    fn plain_ascii_vietnamese_mostly_stays() {
        for q in [
            "khai sinh",
            "dang ky ket hon",
            "thuong tru",
            "1.001193",
            "ho kinh doanh",
        ] {
            assert_eq!(compose(q), q);
            assert!(!looks_like_telex(q));
        }
        assert!(looks_like_telex("ddawng kys"));
    }
}
