//! Import of JSON lines (docs/CATALOG.md): lenient reading, cleaning, flags, idempotent upsert.

use crate::{schema, typo, CatalogError};
use motcua_core::catalog::{Channel, Document, Duration, Procedure, ResultDoc, LEVELS};
use motcua_core::text::nfc;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;
use std::io::BufRead;

/// The pause between the steps of an import in steps ([`ImportOptions::commit_every`]).
pub(crate) const BETWEEN_STEPS: std::time::Duration = std::time::Duration::from_millis(40);

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Keep only procedures served at one of these levels (empty: all). The office keeps all
    /// levels by default and ranks its own higher (docs/CATALOG.md); this is for trimmed
    /// catalogs.
    pub levels: Vec<String>,
    /// Withdraw (soft-delete, reported in deltas) stored procedures the file does not hold.
    /// Off by default: a partial file must not empty the catalog.
    pub prune: bool,
    /// Commit every this many stored procedures, letting the other writers of the database
    /// file in between (the office's queue shares it: a seed of 1,600 procedures in one
    /// transaction held its tickets for seconds). The catalog's version moves only with the
    /// last commit, so an import cut short leaves the version where it was and, run again,
    /// completes (records already stored are unchanged). `None`: one transaction.
    pub commit_every: Option<usize>,
}

/// A line that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// 1-based line number in the file.
    pub line: usize,
    /// The code, where one could be read.
    pub code: Option<String>,
    /// Why, in Vietnamese and English.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// New procedures.
    pub added: usize,
    /// Stored procedures whose record changed (or that came back after a withdrawal).
    pub updated: usize,
    /// Stored procedures the file holds unchanged.
    pub unchanged: usize,
    /// Lines left out, each with its reason.
    pub skipped: Vec<Skip>,
    /// Records left out because no level of theirs is in [`ImportOptions::levels`].
    pub filtered: usize,
    /// Procedures withdrawn because the file does not hold them ([`ImportOptions::prune`]).
    pub withdrawn: usize,
    /// Records kept with flags (noise found, see `Procedure::flags`).
    pub flagged: usize,
    /// The catalog version after the import (unchanged when nothing changed).
    pub version: u64,
}

pub(crate) fn run(
    conn: &Connection,
    reader: impl BufRead,
    opts: &ImportOptions,
) -> Result<ImportReport, CatalogError> {
    let mut report = ImportReport::default();
    let mut seen: HashSet<String> = HashSet::new();
    // IMMEDIATE: the write lock is taken (waiting on the busy handler) when the transaction
    // begins. A deferred one that read first and then meets another writer's commit fails at
    // once with "database is locked" instead of waiting.
    let begin = || Transaction::new_unchecked(conn, TransactionBehavior::Immediate);
    let mut tx = begin()?;
    let mut stored = 0usize;
    let old_version = schema::catalog_version(&tx)?;
    let new_version = old_version + 1;
    for (i, line) in reader.split(b'\n').enumerate() {
        let n = i + 1;
        let line = line.map_err(|source| CatalogError::Io {
            path: format!("line {n}"),
            source,
        })?;
        let skip = |code: Option<String>, vi: &str, en: &str| Skip {
            line: n,
            code,
            reason: format!("{vi} / {en}"),
        };
        let Ok(text) = std::str::from_utf8(&line) else {
            report
                .skipped
                .push(skip(None, "dòng không phải UTF-8", "the line is not UTF-8"));
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                report.skipped.push(skip(
                    None,
                    &format!("JSON sai cú pháp (cột {})", e.column()),
                    &format!("malformed JSON (column {})", e.column()),
                ));
                continue;
            }
        };
        let p = match clean(&value) {
            Ok(p) => p,
            Err((code, vi, en)) => {
                report.skipped.push(skip(code, vi, en));
                continue;
            }
        };
        if !seen.insert(p.code.clone()) {
            report.skipped.push(skip(
                Some(p.code.clone()),
                "mã thủ tục trùng với một dòng trước trong tệp (giữ dòng đầu)",
                "duplicate code in the file (the first line is kept)",
            ));
            continue;
        }
        if !opts.levels.is_empty() && !p.levels.iter().any(|l| opts.levels.contains(l)) {
            report.filtered += 1;
            continue;
        }
        if !p.flags.is_empty() {
            report.flagged += 1;
        }
        match upsert(&tx, &p, new_version)? {
            Upsert::Added => report.added += 1,
            Upsert::Updated => report.updated += 1,
            Upsert::Unchanged => report.unchanged += 1,
        }
        stored += 1;
        if opts
            .commit_every
            .is_some_and(|n| n > 0 && stored.is_multiple_of(n))
        {
            tx.commit()?;
            // Long enough for a writer polling on its busy handler (SQLite backs off to 100 ms
            // between tries) to find the lock free.
            std::thread::sleep(BETWEEN_STEPS);
            tx = begin()?;
        }
    }
    if opts.prune {
        let mut stmt = tx.prepare("SELECT code FROM catalog_procedures WHERE deleted = 0")?;
        let stored: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        for code in stored {
            if !seen.contains(&code) {
                withdraw(&tx, &code, new_version)?;
                report.withdrawn += 1;
            }
        }
    }
    // Something changed, or an import cut short before its version was set completes.
    let finish = report.added + report.updated + report.withdrawn > 0
        || (old_version == 0 && report.unchanged > 0);
    if finish {
        match opts.commit_every.filter(|&n| n > 0) {
            None => typo::rebuild_vocab(&tx)?,
            Some(n) => {
                tx.commit()?;
                typo::rebuild_vocab_in_steps(n * 20, &begin)?;
                tx = begin()?;
            }
        }
        schema::set_catalog_version(&tx, new_version)?;
        report.version = new_version;
    } else {
        report.version = old_version;
    }
    tx.commit()?;
    Ok(report)
}

type Reject = (Option<String>, &'static str, &'static str);

fn s(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => nfc(s.trim()),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn opt_s(v: &Value, key: &str) -> Option<String> {
    Some(s(v, key)).filter(|s| !s.is_empty())
}

fn arr<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn count(v: &Value, key: &str) -> u32 {
    v.get(key)
        .and_then(Value::as_u64)
        .map_or(0, |n| n.min(u32::MAX as u64) as u32)
}

/// Whether `code` has the national database's shape: digits '.' digits (`1.001193`).
pub(crate) fn code_shape_ok(code: &str) -> bool {
    let Some((a, b)) = code.split_once('.') else {
        return false;
    };
    !a.is_empty()
        && a.len() <= 3
        && (4..=8).contains(&b.len())
        && a.bytes().all(|c| c.is_ascii_digit())
        && b.bytes().all(|c| c.is_ascii_digit())
}

/// Reads one record leniently; refuses only what cannot be a procedure.
fn clean(v: &Value) -> Result<Procedure, Reject> {
    if !v.is_object() {
        return Err((
            None,
            "dòng không phải đối tượng JSON",
            "the line is not a JSON object",
        ));
    }
    let code = s(v, "code");
    if code.is_empty() {
        return Err((None, "thiếu mã thủ tục (code)", "missing code"));
    }
    if !code_shape_ok(&code) {
        return Err((
            Some(code),
            "mã thủ tục sai dạng (cần dạng 1.001193)",
            "bad code shape (expected like 1.001193)",
        ));
    }
    let name = s(v, "name");
    if name.is_empty() {
        return Err((Some(code), "thiếu tên thủ tục (name)", "missing name"));
    }
    let mut flags: Vec<String> = arr(v, "flags")
        .iter()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect();
    let mut flag = |f: String| {
        if !flags.contains(&f) {
            flags.push(f);
        }
    };
    let mut levels = Vec::new();
    for l in arr(v, "levels") {
        match l.as_str() {
            Some(l) if LEVELS.contains(&l) => {
                if !levels.iter().any(|x| x == l) {
                    levels.push(l.to_string());
                }
            }
            Some(l) => flag(format!("unknown_level:{l}")),
            None => flag("unknown_level".into()),
        }
    }
    if levels.is_empty() {
        flag("no_level".into());
    }
    let mut channels = Vec::new();
    for (i, c) in arr(v, "channels").iter().enumerate() {
        let duration = c.get("duration").and_then(|d| {
            let value = d.get("value").and_then(Value::as_f64)?;
            let unit = s(d, "unit");
            (!unit.is_empty() && value.is_finite() && value >= 0.0)
                .then_some(Duration { value, unit })
        });
        if duration.is_none() {
            flag(format!("duration_unreadable:channels[{i}]"));
        }
        channels.push(Channel {
            channel: s(c, "channel"),
            duration,
            fee_vnd: c.get("fee_vnd").and_then(Value::as_i64),
            fee_text: s(c, "fee_text"),
        });
    }
    let mut documents = Vec::new();
    for (i, d) in arr(v, "documents").iter().enumerate() {
        let mut name = s(d, "name");
        let mut template = opt_s(d, "template");
        if template.is_none() {
            if let Some((n, t)) = split_template(&name) {
                name = n;
                template = Some(t);
                flag(format!("template_split:documents[{i}]"));
            } else if ends_with_file_ext(&name) {
                flag(format!("template_glued:documents[{i}]"));
            }
        }
        if name.is_empty() {
            continue;
        }
        documents.push(Document {
            // Derived, never read from the file: the rule's latest answer.
            short_title: motcua_core::catalog::short_title(&name),
            name,
            template,
            originals: count(d, "originals"),
            copies: count(d, "copies"),
        });
    }
    let results = arr(v, "results")
        .iter()
        .map(|r| ResultDoc {
            name: s(r, "name"),
            code: opt_s(r, "code"),
        })
        .filter(|r| !r.name.is_empty())
        .collect();
    Ok(Procedure {
        code,
        name,
        levels,
        field: s(v, "field"),
        agency: s(v, "agency"),
        competent_authority: s(v, "competent_authority"),
        audience: s(v, "audience"),
        decision: s(v, "decision"),
        kind: s(v, "kind"),
        channels,
        documents,
        results,
        steps: s(v, "steps"),
        requirements: s(v, "requirements"),
        legal_basis: s(v, "legal_basis"),
        source_url: opt_s(v, "source_url").filter(|u| u.starts_with("http")),
        flags,
    })
}

const FILE_EXTS: &[&str] = &[
    ".doc", ".docx", ".pdf", ".xls", ".xlsx", ".rar", ".zip", ".odt",
];

fn ends_with_file_ext(name: &str) -> bool {
    let lower = name.to_lowercase();
    FILE_EXTS.iter().any(|e| lower.ends_with(e))
}

/// Splits "Tờ khai (mẫu N24)TK de nghi (N24).doc" into the document name and the template
/// file name glued after it: the file name starts at the first place where a letter or `)`
/// is followed, without a space, by an upper-case letter or a digit.
pub(crate) fn split_template(name: &str) -> Option<(String, String)> {
    if !ends_with_file_ext(name) {
        return None;
    }
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    for w in chars.windows(2) {
        let ((_, a), (at, b)) = (w[0], w[1]);
        let glue = (a == ')' || a.is_lowercase()) && (b.is_uppercase() || b.is_ascii_digit());
        if glue {
            let (n, t) = (name[..at].trim(), name[at..].trim());
            if n.chars().count() >= 3 && t.chars().count() >= 5 {
                return Some((n.to_string(), t.to_string()));
            }
        }
    }
    None
}

pub(crate) enum Upsert {
    Added,
    Updated,
    Unchanged,
}

/// Stores `p` at `version` unless the stored record is equal.
pub(crate) fn upsert(
    conn: &Connection,
    p: &Procedure,
    version: u64,
) -> Result<Upsert, CatalogError> {
    let json = serde_json::to_string(p).expect("a procedure serializes");
    let old: Option<(i64, String, bool)> = conn
        .prepare_cached(
            "SELECT p.id, r.json, p.deleted FROM catalog_procedures p
             JOIN catalog_records r ON r.id = p.id WHERE p.code = ?1",
        )?
        .query_row([&p.code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let levels = p.levels.join(",");
    // Folded words joined by single spaces: the ranking splits them on ' ' alone.
    let name_fold = crate::search::words(&p.name).join(" ");
    let field_fold = crate::search::words(&p.field).join(" ");
    let outcome = match old {
        Some((_, ref j, false)) if *j == json => return Ok(Upsert::Unchanged),
        Some((id, _, _)) => {
            conn.prepare_cached(
                "UPDATE catalog_procedures SET name = ?2, field = ?3, levels = ?4,
                 has_online = ?5, name_fold = ?6, version = ?7, deleted = 0,
                 field_fold = ?8
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                p.name,
                p.field,
                levels,
                p.has_online(),
                name_fold,
                version as i64,
                field_fold
            ])?;
            conn.prepare_cached("UPDATE catalog_records SET json = ?2 WHERE id = ?1")?
                .execute(params![id, json])?;
            conn.prepare_cached("DELETE FROM catalog_fts WHERE rowid = ?1")?
                .execute([id])?;
            conn.prepare_cached(
                "INSERT INTO catalog_fts (rowid, name, field) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, name_fold, field_fold])?;
            Upsert::Updated
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO catalog_procedures
                 (code, name, field, levels, has_online, name_fold, version, field_fold)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                p.code,
                p.name,
                p.field,
                levels,
                p.has_online(),
                name_fold,
                version as i64,
                field_fold
            ])?;
            let id = conn.last_insert_rowid();
            conn.prepare_cached("INSERT INTO catalog_records (id, json) VALUES (?1, ?2)")?
                .execute(params![id, json])?;
            conn.prepare_cached(
                "INSERT INTO catalog_fts (rowid, name, field) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, name_fold, field_fold])?;
            Upsert::Added
        }
    };
    Ok(outcome)
}

/// Marks `code` withdrawn at `version` (kept as a tombstone for deltas).
pub(crate) fn withdraw(conn: &Connection, code: &str, version: u64) -> Result<(), CatalogError> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM catalog_procedures WHERE code = ?1 AND deleted = 0",
            [code],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = id {
        conn.execute(
            "UPDATE catalog_procedures SET deleted = 1, version = ?2 WHERE id = ?1",
            params![id, version as i64],
        )?;
        conn.execute("DELETE FROM catalog_fts WHERE rowid = ?1", [id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_template_names_split() {
        let (n, t) = split_template(
            "Phiếu khai báo tạm trú cho người nước ngoài (mẫu NA17)101-Mau A17 tam tru cho nguoi nuoc ngoai.doc",
        )
        .unwrap();
        assert_eq!(n, "Phiếu khai báo tạm trú cho người nước ngoài (mẫu NA17)");
        assert_eq!(t, "101-Mau A17 tam tru cho nguoi nuoc ngoai.doc");
        let (n, t) =
            split_template("Đơn đề nghị cấp đổi thẻ bảo hiểm y tếMau01-ĐN(BHYT) (1).doc").unwrap();
        assert_eq!(n, "Đơn đề nghị cấp đổi thẻ bảo hiểm y tế");
        assert_eq!(t, "Mau01-ĐN(BHYT) (1).doc");
        assert_eq!(split_template("Giấy khai sinh (bản chính)"), None);
    }

    #[test]
    fn code_shapes() {
        assert!(code_shape_ok("1.001193"));
        assert!(code_shape_ok("2.000815"));
        assert!(!code_shape_ok("1001193"));
        assert!(!code_shape_ok("abc.def"));
        assert!(!code_shape_ok("1.00"));
    }
}
