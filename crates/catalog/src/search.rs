//! Search: FTS5 over folded names and fields for candidates, then a re-rank with the signals
//! that tell what a citizen most likely means (docs/CATALOG.md, "Ranking").

use crate::{typo, CatalogError, Hit, OfficeScope};
use motcua_core::telex;
use motcua_core::text::fold;
use rusqlite::{params_from_iter, types::Value as SqlValue, Connection};
use std::collections::HashMap;

/// A search. `q` may be empty to browse by the filters alone.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// What the citizen typed.
    pub q: String,
    /// Only procedures served at this level (`commune`, `province`, `ministry`, `other`).
    pub level: Option<String>,
    /// Only this field (lĩnh vực), compared accent- and case-insensitively.
    pub field: Option<String>,
    /// Only procedures with (`true`) or without (`false`) an online channel.
    pub online: Option<bool>,
    /// Most results; 0 means 20.
    pub limit: usize,
    /// The levels the office serves: their procedures rank higher.
    pub own_levels: Vec<String>,
    /// The office searched for: each hit says where it is handled when not there
    /// ([`Hit::handled_at`]), and browsing (no words) shows only the procedures at the
    /// office's level unless `level` says otherwise.
    pub office: Option<OfficeScope>,
}

impl SearchRequest {
    /// A plain query with default filters.
    pub fn query(q: impl Into<String>) -> Self {
        SearchRequest {
            q: q.into(),
            ..Default::default()
        }
    }
}

/// Folded words of `s`: letters and digits runs.
pub(crate) fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Most words of a query that are searched: the words after the twelfth are left out. A
/// procedure's name rarely needs more than eight words to be found, and each word adds a
/// match group (and, when no procedure has them all, a pass for each word left out), so a
/// long query costs far more than it helps.
pub const MAX_QUERY_WORDS: usize = 12;

/// Most one-letter words of a query that are searched ("xe ô tô" keeps its "o"): the ones
/// after the third are left out, as a run of single letters says nothing about a procedure and
/// each matches most of the catalog.
pub const MAX_ONE_LETTER_WORDS: usize = 3;

/// Terms searched at most once colloquial phrases are expanded ([`synonyms`] may lengthen a
/// query that already has [`MAX_QUERY_WORDS`]).
const MAX_SEARCH_TERMS: usize = 2 * MAX_QUERY_WORDS;

/// What a search does with what was typed: the words it searches for (as typed, NFC) and how
/// many it leaves out (past [`MAX_QUERY_WORDS`] words, or one-letter words past
/// [`MAX_ONE_LETTER_WORDS`]). Words are runs of letters and digits.
pub fn query_words(q: &str) -> (Vec<String>, usize) {
    let (kept, dropped, _) = cap_words(q);
    (kept, dropped)
}

/// [`query_words`], and whether the last word was left out.
fn cap_words(q: &str) -> (Vec<String>, usize, bool) {
    let q = motcua_core::text::nfc(q);
    let mut kept = Vec::new();
    let mut dropped = 0;
    let mut one_letter = 0;
    let mut last_dropped = false;
    for w in q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let single = w.chars().count() == 1;
        last_dropped =
            kept.len() == MAX_QUERY_WORDS || (single && one_letter == MAX_ONE_LETTER_WORDS);
        if last_dropped {
            dropped += 1;
            continue;
        }
        one_letter += usize::from(single);
        kept.push(w.to_string());
    }
    (kept, dropped, last_dropped)
}

/// Words that say nothing about which procedure: left out of the length signal.
const FILLER: &[&str] = &["thu", "tuc"];

/// Words citizens add around what they want ("tôi muốn xin giấy phép"): dropped from the
/// query when other words remain.
const QUERY_FILLER: &[&str] = &["toi", "muon", "xin"];

struct Group {
    word: String,
    /// The word and its one-edit neighbours that exist in the index.
    alts: Vec<String>,
    /// Matches as a prefix too (the word being typed).
    prefix: bool,
}

/// The columns the ranking reads, borrowed from SQLite's row (no copies while scanning).
struct Row<'a> {
    name_fold: &'a str,
    field_fold: &'a str,
    levels: &'a str,
    bm25: f64,
}

/// A scored candidate.
#[derive(Clone, Copy)]
struct Cand {
    id: i64,
    score: f64,
    /// Length of the name: the shorter first among equal scores.
    len: usize,
}

/// The stored field name that `f` names, compared folded ("ho tich" → "Hộ tịch"); `f` itself
/// when none does (then nothing matches).
fn resolve_field(conn: &Connection, f: &str) -> Result<String, CatalogError> {
    let want = fold(f.trim());
    let mut stmt = conn.prepare_cached("SELECT DISTINCT field FROM catalog_procedures")?;
    let fields = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for field in fields {
        let field = field?;
        if fold(&field) == want {
            return Ok(field);
        }
    }
    Ok(f.trim().to_string())
}

pub(crate) fn run(conn: &Connection, req: &SearchRequest) -> Result<Vec<Hit>, CatalogError> {
    let resolved;
    let req = match &req.field {
        Some(f) => {
            resolved = SearchRequest {
                field: Some(resolve_field(conn, f)?),
                ..req.clone()
            };
            &resolved
        }
        None => req,
    };
    let limit = if req.limit == 0 {
        20
    } else {
        req.limit.min(500)
    };
    let mut q = motcua_core::text::nfc(req.q.trim());
    // The word limits: a query over them is searched with the words it keeps (a code such as
    // "1.001193" is never over them, and stays as typed).
    let (kept, dropped, last_dropped) = cap_words(&q);
    // The last word typed may be among those left out: then the last kept one is whole.
    let typing = !req.q.ends_with(char::is_whitespace) && !last_dropped;
    if dropped > 0 {
        q = kept.join(" ");
    }
    let mut scored: HashMap<i64, Cand> = HashMap::new();
    let mut keep = |c: Cand| match scored.get(&c.id) {
        Some(h) if h.score >= c.score => {}
        _ => {
            scored.insert(c.id, c);
        }
    };
    if words(&q).is_empty() {
        let own;
        let req = match (&req.office, &req.level) {
            // Browsing a field (or the online ones) of this office.
            (Some(o), None) if req.field.is_some() || req.online.is_some() => {
                own = SearchRequest {
                    level: Some(o.level.key().to_string()),
                    ..req.clone()
                };
                &own
            }
            _ => req,
        };
        for c in browse(conn, req)? {
            keep(c);
        }
    } else {
        for c in by_code(conn, req, &q)? {
            keep(c);
        }
        let mut variants = vec![q.clone()];
        if telex::looks_like_telex(&q) {
            variants.push(telex::compose(&q));
        }
        if looks_like_vni(&q) {
            variants.push(telex::compose_vni(&q));
        }
        for v in variants.clone() {
            variants.extend(synonyms(&v));
        }
        for v in &variants {
            for c in text_search(conn, req, v, typing)? {
                keep(c);
            }
        }
    }
    let mut cands: Vec<Cand> = scored.into_values().collect();
    cands.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.len.cmp(&b.len))
            .then_with(|| a.id.cmp(&b.id))
    });
    cands.truncate(limit);
    let mut stmt = conn.prepare_cached(
        "SELECT code, name, field, levels, has_online FROM catalog_procedures WHERE id = ?1",
    )?;
    let mut hits = Vec::with_capacity(cands.len());
    for c in cands {
        hits.push(stmt.query_row([c.id], |r| {
            let levels: String = r.get(3)?;
            let levels: Vec<String> = levels
                .split(',')
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            let field: String = r.get(2)?;
            Ok(Hit {
                code: r.get(0)?,
                name: r.get(1)?,
                handled_at: req
                    .office
                    .as_ref()
                    .and_then(|o| o.handled_at(&levels, &field)),
                field,
                levels,
                has_online: r.get(4)?,
                score: (c.score * 1000.0).round() / 1000.0,
            })
        })?);
    }
    Ok(hits)
}

/// SQL conditions for the filters, appended to a query on `p`.
fn filters(req: &SearchRequest, sql: &mut String, args: &mut Vec<SqlValue>) {
    if let Some(l) = &req.level {
        sql.push_str(" AND (',' || p.levels || ',') LIKE ?");
        args.push(SqlValue::Text(format!("%,{},%", l.trim())));
    }
    if let Some(f) = &req.field {
        sql.push_str(" AND p.field = ?");
        args.push(SqlValue::Text(motcua_core::text::nfc(f.trim())));
    }
    if let Some(o) = req.online {
        sql.push_str(" AND p.has_online = ?");
        args.push(SqlValue::Integer(o as i64));
    }
}

fn own_level(req: &SearchRequest, levels: &str) -> bool {
    levels
        .split(',')
        .any(|l| req.own_levels.iter().any(|o| o == l))
}

/// Runs `sql` (selecting [`SELECT`]'s columns then a bm25 value) and scores each row.
fn scan(
    conn: &Connection,
    sql: &str,
    args: &[SqlValue],
    mut score: impl FnMut(&Row) -> f64,
) -> Result<Vec<Cand>, CatalogError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<&str> {
            r.get_ref(i)?.as_str().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    i,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
        };
        let row = Row {
            name_fold: text(1)?,
            field_fold: text(2)?,
            levels: text(3)?,
            bm25: r.get(4)?,
        };
        out.push(Cand {
            id: r.get(0)?,
            score: score(&row),
            len: row.name_fold.len(),
        });
    }
    Ok(out)
}

const SELECT: &str = "SELECT p.id, p.name_fold, p.field_fold, p.levels";

/// No words: the filters alone (browse a field), own levels first, then by name.
fn browse(conn: &Connection, req: &SearchRequest) -> Result<Vec<Cand>, CatalogError> {
    if req.level.is_none() && req.field.is_none() && req.online.is_none() {
        return Ok(Vec::new());
    }
    let mut sql = format!("{SELECT}, 0.0 FROM catalog_procedures p WHERE p.deleted = 0");
    let mut args = Vec::new();
    filters(req, &mut sql, &mut args);
    scan(conn, &sql, &args, |r| {
        if own_level(req, r.levels) {
            1.0
        } else {
            0.0
        }
    })
}

/// Codes: "1.001193" exactly, or a run of at least three digits inside a code ("001193").
fn by_code(conn: &Connection, req: &SearchRequest, q: &str) -> Result<Vec<Cand>, CatalogError> {
    let t = q.trim();
    let looks = t.len() >= 3 && t.chars().all(|c| c.is_ascii_digit() || c == '.');
    if !looks || t.chars().filter(char::is_ascii_digit).count() < 3 {
        return Ok(Vec::new());
    }
    let mut sql = String::from(
        "SELECT p.id, p.code, p.field_fold, p.levels, 0.0 FROM catalog_procedures p
         WHERE p.deleted = 0 AND p.code LIKE ?",
    );
    let mut args = vec![SqlValue::Text(format!("%{t}%"))];
    filters(req, &mut sql, &mut args);
    sql.push_str(" ORDER BY p.code LIMIT 50");
    // Here `name_fold` holds the code.
    scan(conn, &sql, &args, |r| {
        let code = r.name_fold;
        let base = if code == t {
            100.0
        } else if code.ends_with(t) {
            60.0
        } else {
            50.0
        };
        base + if own_level(req, r.levels) { 2.0 } else { 0.0 }
    })
}

/// A letter directly followed by a VNI key digit ("d9a8ng ky1"), and composing changes it.
fn looks_like_vni(q: &str) -> bool {
    let cs: Vec<char> = q.chars().collect();
    cs.windows(2)
        .any(|w| w[0].is_alphabetic() && w[1].is_ascii_digit())
        && telex::compose_vni(q) != q
}

/// What citizens call things (folded) → the words the national database uses.
const SYNONYMS: &[(&str, &str)] = &[
    ("so do", "giay chung nhan quyen su dung dat"),
    ("so hong", "giay chung nhan quyen su dung dat"),
    ("qsdd", "quyen su dung dat"),
    ("cmnd", "can cuoc"),
    ("cccd", "can cuoc"),
    ("chung minh nhan dan", "can cuoc"),
    ("can cuoc cong dan", "can cuoc"),
    ("ho khau", "thuong tru"),
    ("gpxd", "giay phep xay dung"),
    ("bhyt", "bao hiem y te"),
    ("bhxh", "bao hiem xa hoi"),
    ("dkkd", "dang ky kinh doanh"),
    ("giay phep kinh doanh", "dang ky kinh doanh"),
];

/// The query with each colloquial phrase it holds replaced by the official words.
fn synonyms(q: &str) -> Vec<String> {
    let joined = format!(" {} ", words(q).join(" "));
    SYNONYMS
        .iter()
        .filter(|(from, _)| joined.contains(&format!(" {from} ")))
        .map(|(from, to)| {
            joined
                .replace(&format!(" {from} "), &format!(" {to} "))
                .trim()
                .to_string()
        })
        .collect()
}

fn fts_quote(w: &str) -> String {
    format!("\"{}\"", w.replace('"', "\"\""))
}

fn text_search(
    conn: &Connection,
    req: &SearchRequest,
    q: &str,
    typing: bool,
) -> Result<Vec<Cand>, CatalogError> {
    let mut ws = words(q);
    ws.truncate(MAX_SEARCH_TERMS);
    if ws.is_empty() {
        return Ok(Vec::new());
    }
    if ws.iter().any(|w| !QUERY_FILLER.contains(&w.as_str())) {
        // Keep the last word even if it looks like filler: it may be a word being typed.
        let last = ws.len() - 1;
        ws = ws
            .into_iter()
            .enumerate()
            .filter(|(i, w)| *i == last || !QUERY_FILLER.contains(&w.as_str()))
            .map(|(_, w)| w)
            .collect();
    }
    let n = ws.len();
    let mut groups = Vec::with_capacity(n);
    for (i, w) in ws.iter().enumerate() {
        let mut alts = vec![w.clone()];
        alts.extend(typo::candidates(conn, w)?);
        groups.push(Group {
            word: w.clone(),
            alts,
            prefix: typing && i + 1 == n,
        });
    }
    let expr = |g: &Group| {
        let mut parts: Vec<String> = g.alts.iter().map(|a| fts_quote(a)).collect();
        if g.prefix {
            parts.push(format!("{}*", fts_quote(&g.word)));
        }
        format!("({})", parts.join(" OR "))
    };
    let all: Vec<String> = groups.iter().map(expr).collect();
    let score = |r: &Row| score(req, &groups, r);
    // bm25 says nothing about a lone one- or two-letter prefix, which matches most of the
    // catalog: skip its cost there.
    let short = groups.len() == 1 && groups[0].prefix && groups[0].word.len() <= 2;
    // A lone one- or two-letter prefix matches most of the catalog: bm25 says nothing there,
    // and only the likeliest rows by a cheap prior (own level, commune, short name) are
    // scored in full.
    let prior = short.then_some(SHORT_PREFIX_ROWS);
    let mut cands = fts(conn, req, &all.join(" AND "), !short, prior, score)?;
    if cands.is_empty() && all.len() > 2 {
        // No procedure has every word: all words but one ("cấp lại sổ đỏ" finds "cấp đổi …").
        let drop_one: Vec<String> = (0..all.len())
            .map(|skip| {
                let rest: Vec<&str> = (0..all.len())
                    .filter(|i| *i != skip)
                    .map(|i| all[i].as_str())
                    .collect();
                format!("({})", rest.join(" AND "))
            })
            .collect();
        cands = fts(conn, req, &drop_one.join(" OR "), false, None, score)?;
    }
    if cands.is_empty() && all.len() > 1 {
        // Any word will do; the coverage signal ranks the ones that match most.
        cands = fts(conn, req, &all.join(" OR "), false, None, score)?;
    }
    Ok(cands)
}

fn fts(
    conn: &Connection,
    req: &SearchRequest,
    matcher: &str,
    bm25: bool,
    prior: Option<usize>,
    score: impl FnMut(&Row) -> f64,
) -> Result<Vec<Cand>, CatalogError> {
    let rank = if bm25 {
        "bm25(catalog_fts, 4.0, 1.0)"
    } else {
        "0.0"
    };
    let mut sql = format!(
        "{SELECT}, {rank} FROM catalog_fts
         JOIN catalog_procedures p ON p.id = catalog_fts.rowid
         WHERE catalog_fts MATCH ? AND p.deleted = 0"
    );
    let mut args = vec![SqlValue::Text(matcher.to_string())];
    filters(req, &mut sql, &mut args);
    if let Some(n) = prior {
        sql.push_str(" ORDER BY (0");
        for l in &req.own_levels {
            sql.push_str(" + ((',' || p.levels || ',') LIKE ?)");
            args.push(SqlValue::Text(format!("%,{l},%")));
        }
        sql.push_str(&format!(
            ") > 0 DESC, (',' || p.levels || ',') LIKE '%,commune,%' DESC, \
             length(p.name_fold) LIMIT {n}"
        ));
    }
    scan(conn, &sql, &args, score)
}

/// Rows scored in full for a lone one- or two-letter prefix.
const SHORT_PREFIX_ROWS: usize = 150;

/// How well a word group matches a name word: 1 exact, 0.8 prefix while typing, 0.7 one edit.
fn match_weight(g: &Group, w: &str) -> f64 {
    if w == g.word {
        1.0
    } else if g.alts[1..].iter().any(|a| a == w) {
        0.7
    } else if g.prefix && w.starts_with(&g.word) {
        0.8
    } else {
        0.0
    }
}

/// The re-rank. Signals, in order of weight: how much of the query the name covers, whether
/// the query's words stand together in the name (a phrase), the office's own levels, how few
/// other words the name has (the plain procedure before its variants), then bm25.
fn score(req: &SearchRequest, groups: &[Group], r: &Row) -> f64 {
    let name: Vec<&str> = r.name_fold.split(' ').filter(|w| !w.is_empty()).collect();
    let in_field = |g: &Group| {
        r.field_fold
            .split(' ')
            .any(|w| !w.is_empty() && match_weight(g, w) > 0.0)
    };
    let mut covered = 0.0;
    let mut field_covered = 0.0;
    let mut pos: Vec<Option<usize>> = Vec::with_capacity(groups.len());
    let mut used = vec![false; name.len()];
    for g in groups {
        // The best match; among equals the one right after the previous word's, else the
        // first ("khai t" → the "tử" after "khai", not the "thủ" of "Thủ tục").
        let prev = pos.last().copied().flatten();
        let best = name
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, w)| (i, match_weight(g, w)))
            .filter(|(_, m)| *m > 0.0)
            .max_by(|a, b| {
                let next = |i: usize| prev.is_some_and(|p| p + 1 == i);
                a.1.total_cmp(&b.1)
                    .then(next(a.0).cmp(&next(b.0)))
                    .then(b.0.cmp(&a.0))
            });
        match best {
            Some((i, m)) => {
                used[i] = true;
                covered += m;
                pos.push(Some(i));
            }
            None => {
                pos.push(None);
                if in_field(g) {
                    field_covered += 1.0;
                }
            }
        }
    }
    let n = groups.len() as f64;
    let coverage = covered / n;
    let field_cov = field_covered / n;
    let pairs = groups.len().saturating_sub(1);
    let adjacent = pos
        .windows(2)
        .filter(|w| matches!((w[0], w[1]), (Some(a), Some(b)) if b == a + 1))
        .count();
    let phrase = if pairs == 0 {
        0.0
    } else {
        adjacent as f64 / pairs as f64
    };
    // The query's words end the name ("đăng ký khai sinh" for "khai sinh"): the plain one.
    let ends = pos.last().copied().flatten() == Some(name.len().saturating_sub(1));
    let other_words = name
        .iter()
        .enumerate()
        .filter(|(i, w)| !used[*i] && !FILLER.contains(w))
        .count() as f64;
    // The whole query as a phrase at the start of the name, fillers aside ("Chứng thực bản
    // sao …" for "chung thuc ban sao").
    let first = name.iter().position(|w| !FILLER.contains(w));
    let whole = pairs > 0 && adjacent == pairs;
    let starts = (whole || groups.len() == 1) && pos.first().copied().flatten() == first;
    let own = !req.own_levels.is_empty() && own_level(req, r.levels);
    // Commonness: the commune is where citizens go for most things.
    let commune = r.levels.split(',').any(|l| l == "commune");
    10.0 * coverage
        + 3.0 * field_cov
        + 3.0 * phrase
        + if whole { 1.5 } else { 0.0 }
        + if starts { 1.0 } else { 0.0 }
        + if ends { 0.8 } else { 0.0 }
        + if own { 4.0 } else { 0.0 }
        + if commune { 0.8 } else { 0.0 }
        - 1.2 * other_words.min(15.0).ln_1p()
        + 0.05 * (-r.bm25).min(40.0)
}
