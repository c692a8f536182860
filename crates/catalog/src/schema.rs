//! The catalog's own tables, created if missing; versioned by `catalog_meta.schema_version`.

use crate::{CatalogError, SCHEMA_VERSION};
use rusqlite::{params, Connection, OptionalExtension};

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS catalog_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_procedures (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    field TEXT NOT NULL,
    levels TEXT NOT NULL,          -- comma-separated, e.g. 'province,commune'
    has_online INTEGER NOT NULL,
    name_fold TEXT NOT NULL,       -- folded name words (lower case, no marks, đ → d), ' '-joined
    field_fold TEXT NOT NULL,
    version INTEGER NOT NULL,      -- catalog version this row last changed at
    deleted INTEGER NOT NULL DEFAULT 0
);
-- The full records (motcua_core::catalog::Procedure as JSON), apart: searches scan the small
-- rows above, which stay in SQLite's page cache, and read a record only to show it.
CREATE TABLE IF NOT EXISTS catalog_records (
    id INTEGER PRIMARY KEY,        -- catalog_procedures.id
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_procedures_version ON catalog_procedures(version);
CREATE INDEX IF NOT EXISTS catalog_procedures_field ON catalog_procedures(field);
-- Folded text only (ASCII letters and digits in practice), so the tokenizer needs no
-- diacritic handling of its own (its remove_diacritics would not fold đ anyway).
CREATE VIRTUAL TABLE IF NOT EXISTS catalog_fts USING fts5(
    name, field, content='', contentless_delete=1, prefix='1 2 3',
    tokenize='unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE IF NOT EXISTS catalog_fts_vocab USING fts5vocab(catalog_fts, 'row');
-- Typo tolerance: every folded name/field term with each one-letter deletion of it.
CREATE TABLE IF NOT EXISTS catalog_vocab_del (
    del TEXT NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (del, term)
) WITHOUT ROWID;
";

pub(crate) fn ensure(conn: &Connection) -> Result<(), CatalogError> {
    let have: Option<String> = conn
        .query_row(
            "SELECT value FROM catalog_meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()
        .or_else(|e| match e {
            rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("no such table") => {
                Ok(None)
            }
            e => Err(e),
        })?;
    let have: u32 = have.and_then(|v| v.parse().ok()).unwrap_or(0);
    if have > SCHEMA_VERSION {
        return Err(CatalogError::NewerSchema(have));
    }
    if have == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(CREATE)?;
    tx.execute(
        "INSERT INTO catalog_meta (key, value) VALUES ('schema_version', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [SCHEMA_VERSION.to_string()],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO catalog_meta (key, value) VALUES ('catalog_version', '0')",
        [],
    )?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn catalog_version(conn: &Connection) -> Result<u64, CatalogError> {
    let v: String = conn.query_row(
        "SELECT value FROM catalog_meta WHERE key = 'catalog_version'",
        [],
        |r| r.get(0),
    )?;
    Ok(v.parse().unwrap_or(0))
}

pub(crate) fn set_catalog_version(conn: &Connection, v: u64) -> Result<(), CatalogError> {
    conn.execute(
        "UPDATE catalog_meta SET value = ?1 WHERE key = 'catalog_version'",
        params![v.to_string()],
    )?;
    Ok(())
}
