//! Typo tolerance: one edit (insertion, deletion, substitution or swap of neighbours) in a
//! query word of five letters or more, found through a table of one-letter deletions of every
//! indexed term (a symmetric-delete index), then checked exactly.

use crate::CatalogError;
use rusqlite::Connection;

/// Words shorter than this are never corrected.
pub(crate) const MIN_LEN: usize = 5;

fn deletions(term: &str) -> Vec<String> {
    let chars: Vec<char> = term.chars().collect();
    let mut out: Vec<String> = (0..chars.len())
        .map(|i| {
            chars[..i]
                .iter()
                .chain(chars[i + 1..].iter())
                .collect::<String>()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Rebuilds `catalog_vocab_del` from the index's terms.
pub(crate) fn rebuild_vocab(conn: &Connection) -> Result<(), CatalogError> {
    conn.execute("DELETE FROM catalog_vocab_del", [])?;
    let terms: Vec<String> = conn
        .prepare("SELECT term FROM catalog_fts_vocab")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut ins =
        conn.prepare("INSERT OR IGNORE INTO catalog_vocab_del (del, term) VALUES (?1, ?2)")?;
    for t in &terms {
        let n = t.chars().count();
        if n + 1 < MIN_LEN || !t.chars().all(|c| c.is_alphanumeric()) {
            continue;
        }
        ins.execute([t, t])?;
        for d in deletions(t) {
            ins.execute([&d, t])?;
        }
    }
    Ok(())
}

/// [`rebuild_vocab`] in transactions of `step` terms each (begun by `begin`), so that other
/// writers of the database file get in between.
pub(crate) fn rebuild_vocab_in_steps<'c>(
    step: usize,
    begin: &dyn Fn() -> rusqlite::Result<rusqlite::Transaction<'c>>,
) -> Result<(), CatalogError> {
    let tx = begin()?;
    tx.execute("DELETE FROM catalog_vocab_del", [])?;
    let terms: Vec<String> = tx
        .prepare("SELECT term FROM catalog_fts_vocab")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    tx.commit()?;
    for chunk in terms.chunks(step.max(1)) {
        let tx = begin()?;
        {
            let mut ins =
                tx.prepare("INSERT OR IGNORE INTO catalog_vocab_del (del, term) VALUES (?1, ?2)")?;
            for t in chunk {
                let n = t.chars().count();
                if n + 1 < MIN_LEN || !t.chars().all(|c| c.is_alphanumeric()) {
                    continue;
                }
                ins.execute([t, t])?;
                for d in deletions(t) {
                    ins.execute([&d, t])?;
                }
            }
        }
        tx.commit()?;
        std::thread::sleep(crate::import::BETWEEN_STEPS);
    }
    Ok(())
}

/// Damerau (optimal string alignment) distance ≤ 1.
pub(crate) fn within_one(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if p == la && p == lb {
        return true;
    }
    let (ra, rb) = (&a[p..], &b[p..]);
    if la == lb {
        // substitution or swap of neighbours
        ra[1..] == rb[1..]
            || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
    } else if la > lb {
        ra[1..] == *rb
    } else {
        *ra == rb[1..]
    }
}

/// Indexed terms one edit away from `term` (not `term` itself).
pub(crate) fn candidates(conn: &Connection, term: &str) -> Result<Vec<String>, CatalogError> {
    if term.chars().count() < MIN_LEN {
        return Ok(Vec::new());
    }
    let mut keys = deletions(term);
    keys.push(term.to_string());
    let placeholders = vec!["?"; keys.len()].join(",");
    let sql = format!(
        "SELECT DISTINCT term FROM catalog_vocab_del WHERE del IN ({placeholders})
         UNION SELECT term FROM catalog_vocab_del WHERE term IN ({placeholders}) AND del = term"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let both: Vec<&String> = keys.iter().chain(keys.iter()).collect();
    let found: Vec<String> = stmt
        .query_map(rusqlite::params_from_iter(both), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(found
        .into_iter()
        .filter(|t| t != term && within_one(term, t))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(within_one("sinhh", "sinh"));
        assert!(within_one("khia", "khai"));
        assert!(within_one("honn", "hon"));
        assert!(within_one("thuong", "thuonh"));
        assert!(!within_one("thuong", "thoung2"));
        assert!(!within_one("abcd", "abdcx"));
    }
}
