//! The short plain title of a document name (thành phần hồ sơ), shown large above the official
//! text, which stays as published (docs/CATALOG.md, "Document titles").
//!
//! The national database names documents the way the legal text does: the copy forms first
//! ("Bản chính hoặc bản sao có chứng thực …"), the form and the decree in parentheses ("(mẫu
//! CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA)"), conditions and notes after the name,
//! sometimes the template file name glued on. The rule, deterministic and in this order:
//!
//! 1. NFC, zero-width characters dropped, white space collapsed; list markers (`1.`, `(iv)`,
//!    `c)`, `+`, `*`) dropped from the start.
//! 2. A name that says how it is called from then on ("(sau đây gọi tắt là giấy tờ tùy thân)")
//!    is called that.
//! 3. A condition with its document ("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản …")
//!    reads "Nếu trẻ em bị bỏ rơi: biên bản …"; when that is too long, "Nếu cần: biên bản …".
//!    "Đối với X: Y" keeps its "Đối với X:" when it fits.
//! 4. Otherwise: a glued template file name cut off; the copy forms dropped when they are
//!    boilerplate (two forms or more, a qualifier such as "có chứng thực", or a colon after
//!    them); parentheses dropped (but "(nếu có)"); cut at the first clause (`;`, `:`, `. `,
//!    ` - `, a comma after five words or more) and before legal boilerplate ("theo mẫu", "mẫu
//!    số", "theo quy định", "ban hành kèm theo", "trong trường hợp", "đối với" …).
//! 5. Connecting words left at the end ("của", "và", "theo" …) dropped; at most [`MAX_CHARS`]
//!    characters, cut at a word with "…"; the first letter upper case. A result of fewer than
//!    three words where the name had more is retried with less cut away. Never empty.

use crate::text::nfc;

/// Longest short title, in characters.
pub const MAX_CHARS: usize = 60;

/// Characters of a name the rule reads (the short title is at most 60 of them).
const WORK_CHARS: usize = 180;
/// Characters of a name where its alias ("sau đây gọi tắt là …") is looked for.
const ALIAS_CHARS: usize = 400;

/// The short plain title of the document named `name` (see the module documentation).
///
/// ```
/// use motcua_core::catalog::short_title;
/// assert_eq!(
///     short_title("Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng"),
///     "Giấy chứng sinh"
/// );
/// assert_eq!(
///     short_title("Tờ khai thay đổi thông tin cư trú (mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA)."),
///     "Tờ khai thay đổi thông tin cư trú"
/// );
/// ```
pub fn short_title(name: &str) -> String {
    // The title comes from the name's first clause: what lies further never changes it, and
    // names run to 1,000 characters. Imports title every document, so keep it cheap: the rule
    // reads the head of the name, the alias (which may come later) is looked for first.
    let head = |n: usize| match name.char_indices().nth(n) {
        Some((i, _)) => &name[..i],
        None => name,
    };
    let named = if name.contains("gọi tắt là") {
        alias(strip_markers(&normalize(head(ALIAS_CHARS))))
    } else {
        None
    };
    let clean = normalize(head(WORK_CHARS));
    let s = strip_markers(&clean);
    let out = named
        .or_else(|| conditional(s))
        .or_else(|| for_whom(s))
        .unwrap_or_else(|| plain(s, &clean));
    to_nfc(&capitalize(&out)).into_owned()
}

/// NFC, zero-width and direction marks dropped, white space runs to one space, trimmed.
fn normalize(s: &str) -> String {
    let s: String = to_nfc(s)
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
            )
        })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `s` in NFC; the national data already is, which a quick check tells cheaply.
fn to_nfc(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized};
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => std::borrow::Cow::Borrowed(s),
        _ => std::borrow::Cow::Owned(nfc(s)),
    }
}

/// `s` lower-cased character by character where that keeps each character's UTF-8 length, so
/// byte offsets found in it are offsets in `s` (every Vietnamese letter does).
fn lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf8() == c.len_utf8() => x,
                _ => c,
            }
        })
        .collect()
}

/// [`lower`] of the first `n` bytes of `s` (fewer at a character boundary).
fn lower_head(s: &str, n: usize) -> String {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    lower(&s[..end])
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn is_roman(s: &str) -> bool {
    (1..=5).contains(&s.len())
        && s.chars()
            .all(|c| matches!(c, 'i' | 'v' | 'x' | 'I' | 'V' | 'X'))
}

/// Drops list markers from the start: `1.`, `2)`, `(3)`, `(iv)`, `iv)`, `a)`, `+`, `-`, `*`, `•`.
fn strip_markers(mut s: &str) -> &str {
    loop {
        s = s.trim_start();
        let before = s.len();
        let sym = s.trim_start_matches(['+', '-', '*', '•', '–', '·', '.']);
        if sym.len() != before {
            s = sym;
            continue;
        }
        let (inner, rest) = match s.strip_prefix('(') {
            Some(r) => match r.find(')') {
                Some(i) => (&r[..i], &r[i + 1..]),
                None => return s,
            },
            None => match s.find([')', '.']) {
                // `1.` and `iv)` only before a space: "1.001193" or "v.v." are no markers.
                Some(i) if i <= 5 && s[i + 1..].starts_with(' ') => (&s[..i], &s[i + 1..]),
                _ => return s,
            },
        };
        let marker = (1..=2).contains(&inner.len()) && inner.chars().all(|c| c.is_ascii_digit())
            || is_roman(inner)
            || inner.chars().count() == 1 && inner.chars().all(char::is_alphabetic);
        if !marker {
            return s;
        }
        s = rest;
    }
}

/// "… (sau đây gọi tắt là giấy tờ tùy thân) …" → "giấy tờ tùy thân".
fn alias(s: &str) -> Option<String> {
    const KEY: &str = "(sau đây gọi tắt là ";
    let at = lower(s).find(KEY)?;
    let rest = &s[at + KEY.len()..];
    let end = rest.find(')')?;
    let name = tidy(&rest[..end]);
    (2..=40)
        .contains(&chars(&name))
        .then(|| fit(&name, MAX_CHARS))
}

/// Lower-cases the first letter when the second is lower case too (not an acronym), for a
/// document named after a colon.
fn lower_first(s: &str) -> String {
    let mut it = s.chars();
    match (it.next(), it.clone().next()) {
        (Some(a), Some(b)) if b.is_lowercase() => lower(&a.to_string()) + it.as_str(),
        _ => s.to_string(),
    }
}

/// "Trường hợp X thì phải có Y" → "Nếu X: Y" (or "Nếu cần: Y").
fn conditional(s: &str) -> Option<String> {
    let l = lower_head(s, 32);
    let lead = [
        "trong trường hợp ",
        "đối với trường hợp ",
        "trường hợp ",
        "nếu ",
    ]
    .into_iter()
    .find(|p| l.starts_with(p))?;
    let body = &s[lead.len()..];
    // The condition ends at "thì", else where an obligation starts ("… mang thai hộ phải có …")
    // (both written in lower case).
    let (cond, after) = match body.find(" thì ") {
        Some(i) => (&body[..i], &body[i + " thì ".len()..]),
        None => {
            let i = body.find(" phải ")?;
            (&body[..i], &body[i + 1..])
        }
    };
    if cond.contains(['.', ';', ':']) {
        return None;
    }
    let la = lower_head(after, 48);
    let mut at = 0;
    for must in ["phải ", "cần "] {
        if la[at..].starts_with(must) {
            at += must.len();
        }
    }
    const VERBS: &[&str] = &[
        "nộp thêm ",
        "nộp bổ sung ",
        "nộp ",
        "có ",
        "xuất trình ",
        "gửi kèm theo ",
        "gửi kèm ",
        "kèm theo ",
        "bổ sung ",
    ];
    let verb = VERBS.iter().find(|v| la[at..].starts_with(*v))?;
    let doc = lower_first(&title_of(&after[at + verb.len()..], true));
    if words(&doc) < 2 {
        return None;
    }
    let cond = tidy(&drop_parens(cond));
    let full = format!("Nếu {cond}: {doc}");
    Some(if chars(&full) <= MAX_CHARS {
        full
    } else if chars(&cond) <= 30 {
        fit(&full, MAX_CHARS)
    } else {
        format!("Nếu cần: {}", fit(&doc, MAX_CHARS - chars("Nếu cần: ")))
    })
}

/// "Đối với Quân đội nhân dân: Giấy giới thiệu …" keeps who it is for when that fits.
fn for_whom(s: &str) -> Option<String> {
    if !lower_head(s, 16).starts_with("đối với ") {
        return None;
    }
    let colon = s.find(':')?;
    let (who, rest) = (tidy(&s[..colon]), &s[colon + 1..]);
    if chars(&who) > 40 || words(rest) < 2 {
        return None;
    }
    let doc = title_of(rest, true);
    if words(&doc) < 2 {
        return None;
    }
    let full = format!("{who}: {}", lower_first(&doc));
    Some(if chars(&full) <= MAX_CHARS {
        full
    } else if chars(&who) <= 30 {
        fit(&full, MAX_CHARS)
    } else {
        fit(&doc, MAX_CHARS)
    })
}

/// The general rule, with fallbacks that cut less when it leaves too little.
fn plain(s: &str, whole: &str) -> String {
    let t = plain_tries(s, whole);
    // A condition cut short ("Trường hợp giấy tờ tùy thân sử dụng là: …") says it goes on.
    let lead = lower_head(&t, 24);
    let open = ["trường hợp", "trong trường hợp", "nếu", "đối với"]
        .iter()
        .any(|p| lead.starts_with(p));
    if open && !t.ends_with('…') && words(&t) < words(s) {
        format!("{}…", fit(&t, MAX_CHARS - 1).trim_end_matches('…'))
    } else {
        t
    }
}

fn plain_tries(s: &str, whole: &str) -> String {
    let tries: [&dyn Fn() -> String; 5] = [
        &|| title_of(s, true),
        &|| title_of(s, false),
        &|| fit(&drop_parens(s), MAX_CHARS),
        &|| fit(s, MAX_CHARS),
        &|| fit(whole, MAX_CHARS),
    ];
    let enough = 3.min(words(s).max(1));
    let mut first_non_empty = None;
    for t in tries {
        let t = t();
        if words(&t) >= enough {
            return t;
        }
        if first_non_empty.is_none() && !t.is_empty() {
            first_non_empty = Some(t);
        }
    }
    first_non_empty.unwrap_or_else(|| "Giấy tờ".to_string())
}

/// Step 4 of the rule on `s`; `markers`: also cut before legal boilerplate words.
fn title_of(s: &str, markers: bool) -> String {
    let s = match glue(s) {
        Some(i) if chars(&s[..i]) >= 10 => &s[..i],
        _ => s,
    };
    let s = strip_copy_forms(s);
    let s = drop_parens(s);
    fit(clause(&s, markers), MAX_CHARS)
}

/// Where a template file name is glued on without a space: a lower-case letter or `)` running
/// into an upper-case letter followed by a lower-case letter, a digit or `_` ("…khoáng
/// sảnMau 07", "…điện tử)Don_TT1"); "VNeID" or "TT-BCA" are no glue.
fn glue(s: &str) -> Option<usize> {
    let mut it = s.char_indices();
    let (mut a, mut b) = (it.next()?.1, it.next()?);
    for (_, c) in it {
        if (a.is_lowercase() || a == ')')
            && b.1.is_uppercase()
            && (c.is_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Some(b.0);
        }
        a = b.1;
        b = (b.0 + b.1.len_utf8(), c);
    }
    None
}

/// `s` starts with the lower-case `word` followed by a word boundary: the rest.
fn eat<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    // `lower` keeps byte lengths, so the prefix's lower case is the lower case's prefix.
    let head = s.get(..word.len())?;
    let rest = &s[word.len()..];
    (lower(head) == word && !rest.starts_with(char::is_alphanumeric)).then_some(rest)
}

fn eat_any<'a>(s: &'a str, list: &[&str]) -> Option<&'a str> {
    // Longest first, so "bản sao điện tử" is not read as "bản sao" then "điện tử".
    let mut best: Option<&'a str> = None;
    for w in list {
        if let Some(r) = eat(s, w) {
            if best.is_none_or(|b| r.len() < b.len()) {
                best = Some(r);
            }
        }
    }
    best
}

/// Drops the copy forms in front of the document ("Bản chính hoặc bản sao có chứng thực
/// hoặc bản sao điện tử: Giấy chứng nhận …" → "Giấy chứng nhận …") when they are boilerplate:
/// two forms or more, a qualifier, or a colon after them. "Bản sao hộ chiếu" stays.
fn strip_copy_forms(s: &str) -> &str {
    const KINDS: &[&str] = &["sao", "chính", "chụp", "gốc", "điện tử", "photo"];
    const QUALIFIERS: &[&str] = &[
        "có chứng thực",
        "được chứng thực",
        "đã được chứng thực",
        "chứng thực",
        "có công chứng",
        "được công chứng",
        "công chứng",
        "điện tử",
        "được cấp từ sổ gốc",
        "cấp từ sổ gốc",
        "từ sổ gốc",
        "được chứng thực từ bản chính",
        "từ bản chính",
        "kèm bản chính để đối chiếu",
        "kèm theo bản chính để đối chiếu",
        "để đối chiếu",
        "có giá trị pháp lý",
        "hợp lệ",
        "hợp pháp",
        "có xác nhận",
        "y",
    ];
    const JOINS: &[&str] = &["hoặc", "và", "kèm theo", "kèm", "xuất trình"];
    let (mut rest, mut kinds, mut qualifiers, mut colon) = (s, 0, 0, false);
    loop {
        let r = rest.trim_start_matches([' ', ',', ';', '/']);
        if let Some(r) = r.strip_prefix(':') {
            colon = true;
            rest = r;
            continue;
        }
        if kinds > 0 {
            if let Some(r) = eat_any(r, JOINS) {
                rest = r;
                continue;
            }
        }
        let Some(r) = eat(r, "bản").and_then(|r| eat_any(r.trim_start(), KINDS)) else {
            break;
        };
        kinds += 1;
        rest = r;
        while let Some(r) = eat_any(rest.trim_start(), QUALIFIERS) {
            qualifiers += 1;
            rest = r;
        }
    }
    let rest = rest.trim_matches([' ', ',', ';', ':', '/']);
    if kinds > 0 && (kinds >= 2 || qualifiers > 0 || colon) && rest.starts_with(char::is_alphabetic)
    {
        rest
    } else {
        s
    }
}

/// Parentheses dropped (legal references, copy forms, counts), except "(nếu có)"; an
/// unclosed one cuts the text there.
fn drop_parens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut group = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth == 1 {
                    group.clear();
                }
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    if lower(group.trim()) == "nếu có" {
                        out.push_str("(nếu có)");
                    } else {
                        out.push(' ');
                    }
                }
            }
            ')' => out.push(' '),
            c if depth > 0 => group.push(c),
            c => out.push(c),
        }
    }
    let joined = out.split_whitespace().collect::<Vec<_>>().join(" ");
    [" ,", " .", " :", " ;"]
        .into_iter()
        .fold(joined, |acc, p| acc.replace(p, &p[1..]))
}

/// Words after which the name says something else: how to fill it, which decree, which case.
const CUT_BEFORE: &[&str] = &[
    " theo mẫu",
    " mẫu số",
    " theo quy định",
    " quy định tại",
    " ban hành kèm theo",
    " được ban hành",
    " tại phụ lục",
    " theo phụ lục",
    " phụ lục",
    " nghị định số",
    " thông tư số",
    " theo nghị định",
    " theo thông tư",
    " tại nghị định",
    " tại thông tư",
    " theo hướng dẫn",
    " trong trường hợp",
    " đối với trường hợp",
    " trừ trường hợp",
    " trong đó",
    " do cơ quan",
    " đối với ",
    " kèm theo ",
    " sau đây",
];

/// The first clause of `s`.
fn clause(s: &str, markers: bool) -> &str {
    let mut cut = s.len();
    let mut at = |i: Option<usize>| {
        if let Some(i) = i.filter(|i| *i > 0) {
            cut = cut.min(i);
        }
    };
    at(s.find([';', ':', '…']));
    for p in [". ", " - ", " – ", "? "] {
        at(s.find(p));
    }
    // A full stop right after a word ends the sentence even without a space ("… cư trú.1."),
    // past the first few characters (abbreviations such as "TP." may open a name).
    if let Some(i) = s
        .match_indices('.')
        .map(|(i, _)| i)
        .find(|i| s[..*i].ends_with(char::is_alphabetic) && s[..*i].chars().nth(9).is_some())
    {
        at(Some(i));
    }
    if markers {
        // Only before the cut so far can a marker cut earlier; each marker starts with a
        // space, so only the spaces are tried.
        let l = lower(&s[..cut]);
        if let Some(i) = l
            .match_indices(' ')
            .map(|(i, _)| i)
            .find(|i| *i > 0 && CUT_BEFORE.iter().any(|m| l[*i..].starts_with(m)))
        {
            cut = i;
        }
    }
    // A comma ends the name only after a few words: "Giấy tờ, tài liệu …" is one name.
    let mut from = 0;
    while let Some(i) = s[from..].find(',').map(|i| i + from) {
        if i >= cut {
            break;
        }
        if words(&s[..i]) >= 5 {
            cut = i;
            break;
        }
        from = i + 1;
    }
    &s[..cut]
}

/// Words a name does not end with.
const DANGLING: &[&str] = &[
    "và", "hoặc", "của", "cho", "về", "với", "theo", "tại", "trong", "để", "do", "được", "các",
    "những", "là", "có", "đã", "từ", "bằng", "hay", "thì", "mà", "khi", "nếu", "ở", "số", "như",
    "bị", "sau", "trước", "gồm",
];

const EDGE: &[char] = &[' ', ',', ';', ':', '.', '-', '–', '/', '+', '*', '…'];

/// Punctuation off both ends, then dangling words off the end.
fn tidy(s: &str) -> String {
    let mut t = s
        .trim_matches(EDGE)
        .trim_start_matches(['(', '[', ' '])
        .to_string();
    loop {
        let Some((head, last)) = t.rsplit_once(' ') else {
            return t;
        };
        if !DANGLING.contains(&lower(last).as_str()) {
            return t;
        }
        t = head.trim_end_matches(EDGE).to_string();
    }
}

/// [`tidy`], then at most `max` characters, cut at a word with "…".
fn fit(s: &str, max: usize) -> String {
    let t = tidy(s);
    if chars(&t) <= max {
        return t;
    }
    let head: String = t.chars().take(max - 1).collect();
    let cut = match head.rfind(' ') {
        Some(i) if i > 0 => &head[..i],
        _ => &head[..],
    };
    let cut = tidy(cut);
    let cut = if cut.is_empty() { head } else { cut };
    format!("{cut}…")
}

fn capitalize(s: &str) -> String {
    let mut it = s.chars();
    match it.next() {
        Some(c) => {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => format!("{u}{}", it.as_str()),
                _ => s.to_string(),
            }
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_documents_read_plainly() {
        for (name, want) in [
            ("Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh; nếu không có người làm chứng thì phải có giấy cam đoan về việc sinh.", "Giấy chứng sinh"),
            ("Tờ khai đăng ký khai sinh theo mẫu  (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính)", "Tờ khai đăng ký khai sinh"),
            ("Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử/Giấy chứng nhận căn cước hoặc các giấy tờ khác có dán ảnh và thông tin cá nhân do cơ quan có thẩm quyền cấp, còn giá trị sử dụng (sau đây gọi tắt là giấy tờ tùy thân) để chứng minh về nhân thân khi làm thủ tục trực tiếp tại cơ quan đăng ký hộ tịch.", "Giấy tờ tùy thân"),
            ("Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy quyền thực hiện việc đăng ký khai sinh.", "Văn bản ủy quyền"),
            ("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.", "Nếu trẻ em bị bỏ rơi: biên bản về việc trẻ bị bỏ rơi"),
            ("Tờ khai thay đổi thông tin cư trú (mẫu CT01 ban hành kèm theo  Thông tư số 53/2025/TT-BCA).", "Tờ khai thay đổi thông tin cư trú"),
            ("Tờ khai thay đổi thông tin cư   trú (Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA).1.", "Tờ khai thay đổi thông tin cư trú"),
            ("Bản chính hoặc bản sao kèm bản chính để đối chiếu hoặc bản sao có chứng thực hoặc bản sao điện tử được cấp từ sổ gốc: Giấy chứng nhận đăng ký hợp tác xã", "Giấy chứng nhận đăng ký hợp tác xã"),
            ("Vận tải đơn (trừ trường hợp vận tải bằng đường bộ): 01 bản chụp", "Vận tải đơn"),
            ("Tờ khai thuế GTGT mẫu số 01/GTGT", "Tờ khai thuế GTGT"),
            ("(ii) Điều lệ công ty.", "Điều lệ công ty"),
            ("Bản sao hộ chiếu và bản sao thị thực nhập cảnh đối với những nước yêu cầu phải có thị thực nhập cảnh.", "Bản sao hộ chiếu và bản sao thị thực nhập cảnh"),
            ("Giấy đề nghị đăng ký hộ kinh doanh", "Giấy đề nghị đăng ký hộ kinh doanh"),
            ("Đơn đề nghị phê duyệt quy trình (bản chính hoặc biểu mẫu điện tử)Don_TT1.", "Đơn đề nghị phê duyệt quy trình"),
            ("Giải trình hoặc cung cấp tài liệu (nếu có)", "Giải trình hoặc cung cấp tài liệu (nếu có)"),
            ("Hộ chiếu", "Hộ chiếu"),
            ("hoặc", "Hoặc"),
            ("Trường hợp giấy tờ tùy thân sử dụng là: Hộ chiếu, Thẻ căn cước thì người có yêu cầu chỉ cần cung cấp thông tin", "Trường hợp giấy tờ tùy thân sử dụng…"),
        ] {
            assert_eq!(short_title(name), want, "{name}");
        }
    }

    #[test]
    fn long_names_are_cut_at_a_word_and_never_empty() {
        let t = short_title("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao và bản sao cần chứng thực. Trường hợp người yêu cầu chứng thực chỉ xuất trình bản chính");
        assert!(t.starts_with("Bản chính giấy tờ, văn bản"), "{t}");
        assert!(t.ends_with('…') && t.chars().count() <= MAX_CHARS, "{t}");
        for odd in ["", "   ", "(bản chính)", "+ ", "…", "1.", "(2)"] {
            let t = short_title(odd);
            assert!(
                !t.is_empty() && t.chars().count() <= MAX_CHARS,
                "{odd:?} → {t:?}"
            );
        }
    }

    #[test]
    fn markers_and_zero_width_characters_go() {
        assert_eq!(
            short_title("c)\tCác tài liệu chứng minh tiêu chí ưu tiên"),
            "Các tài liệu chứng minh tiêu chí ưu tiên"
        );
        assert_eq!(
            short_title("Trường hợp người yêu cầu đăng k\u{200e}ý hộ tịch"),
            "Trường hợp người yêu cầu đăng ký hộ tịch"
        );
        assert_eq!(short_title("1.001193 là mã"), "1.001193 là mã");
    }
}
