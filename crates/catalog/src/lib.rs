//! Procedure catalog of Một Cửa Kiosk: imports the national procedure data (docs/CATALOG.md),
//! searches it the way citizens type (accents or not, typos, raw Telex, codes), and hands out
//! versioned deltas for the kiosks' offline caches.
//!
//! The catalog lives in any rusqlite [`Connection`] (the office database, a kiosk's cache) in
//! its own tables, all prefixed `catalog_`; its schema version is a row of `catalog_meta`
//! (never `PRAGMA user_version`, which the office's migrations own).
//!
//! ```
//! # fn demo() -> Result<(), motcua_catalog::CatalogError> {
//! let conn = rusqlite::Connection::open_in_memory().unwrap();
//! let catalog = motcua_catalog::Catalog::new(&conn)?;
//! let line = r#"{"code":"1.001193","name":"Thủ tục đăng ký khai sinh","levels":["commune"],"field":"Hộ tịch"}"#;
//! let report = catalog.import_reader(line.as_bytes(), &Default::default())?;
//! assert_eq!(report.added, 1);
//! let hits = catalog.search(&motcua_catalog::SearchRequest::query("khai si"))?;
//! assert_eq!(hits[0].code, "1.001193");
//! # Ok(()) }
//! # demo().unwrap();
//! ```

mod import;
mod office;
mod schema;
mod search;
mod typo;

pub use import::{ImportOptions, ImportReport, Skip};
pub use motcua_core::catalog::{
    CatalogChanges, Channel, Document, FieldCount, Hit, Procedure, ResultDoc, LEVELS,
};
pub use office::{default_elsewhere_fields, default_field_order, OfficeScope};
pub use search::{query_words, SearchRequest, MAX_ONE_LETTER_WORDS, MAX_QUERY_WORDS};

use rusqlite::{params, Connection, OptionalExtension};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

/// Version of the catalog's own tables (row `schema_version` of `catalog_meta`).
pub const SCHEMA_VERSION: u32 = 1;

/// Why a catalog operation failed. Messages in Vietnamese and English.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The database failed.
    #[error("Lỗi cơ sở dữ liệu danh mục thủ tục / Catalog database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("Không đọc/ghi được tệp {path} / Cannot read or write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The catalog tables were made by a newer program.
    #[error(
        "Danh mục thủ tục có phiên bản lược đồ {0} mới hơn chương trình này / The catalog \
         tables have schema version {0}, newer than this program"
    )]
    NewerSchema(u32),
    /// A delta does not start where this catalog is.
    #[error(
        "Bản cập nhật danh mục bắt đầu từ phiên bản {since}, danh mục đang ở phiên bản {have} / \
         The catalog delta starts at version {since} but this catalog is at version {have}"
    )]
    Gap {
        /// Where the delta starts.
        since: u64,
        /// Where this catalog is.
        have: u64,
    },
    /// A stored record could not be decoded.
    #[error("Bản ghi thủ tục {0} hỏng / The stored procedure {0} is corrupt")]
    Corrupt(String),
}

/// The catalog in one SQLite connection. Cheap to create: make one per use.
pub struct Catalog<'c> {
    conn: &'c Connection,
}

impl<'c> Catalog<'c> {
    /// Opens the catalog in `conn`, creating or upgrading its tables.
    pub fn new(conn: &'c Connection) -> Result<Catalog<'c>, CatalogError> {
        schema::ensure(conn)?;
        Ok(Catalog { conn })
    }

    /// The connection.
    pub fn connection(&self) -> &Connection {
        self.conn
    }

    /// The catalog version: 0 when empty, bumped by each import or delta that changes
    /// something.
    pub fn version(&self) -> Result<u64, CatalogError> {
        schema::catalog_version(self.conn)
    }

    /// Number of procedures (withdrawn ones excluded).
    pub fn len(&self) -> Result<usize, CatalogError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM catalog_procedures WHERE deleted = 0",
            [],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Whether the catalog holds no procedure.
    pub fn is_empty(&self) -> Result<bool, CatalogError> {
        Ok(self.len()? == 0)
    }

    /// Imports a `.jsonl` or `.jsonl.gz` file (gzip is recognised by its magic bytes).
    pub fn import(&self, path: &Path, opts: &ImportOptions) -> Result<ImportReport, CatalogError> {
        let io = |source| CatalogError::Io {
            path: path.display().to_string(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        self.import_reader(open_maybe_gz(file).map_err(io)?, opts)
    }

    /// Imports JSON lines from `reader` (plain or gzip). Idempotent: a record equal to the
    /// stored one changes nothing; the catalog version moves only when something changed.
    pub fn import_reader(
        &self,
        reader: impl Read,
        opts: &ImportOptions,
    ) -> Result<ImportReport, CatalogError> {
        import::run(
            self.conn,
            open_maybe_gz(reader).map_err(|source| CatalogError::Io {
                path: "<input>".into(),
                source,
            })?,
            opts,
        )
    }

    /// The full record of `code` (withdrawn ones: `None`).
    pub fn get(&self, code: &str) -> Result<Option<Procedure>, CatalogError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT r.json FROM catalog_procedures p JOIN catalog_records r ON r.id = p.id
                 WHERE p.code = ?1 AND p.deleted = 0",
                [code.trim()],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| decode(&j, code)).transpose()
    }

    /// Ranked search; see [`SearchRequest`].
    pub fn search(&self, req: &SearchRequest) -> Result<Vec<Hit>, CatalogError> {
        search::run(self.conn, req)
    }

    /// Fields (lĩnh vực) with their procedure counts, largest first; `level` counts only
    /// the procedures served at that level.
    pub fn fields(&self, level: Option<&str>) -> Result<Vec<FieldCount>, CatalogError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT field, COUNT(*) FROM catalog_procedures
             WHERE deleted = 0 AND field <> ''
               AND (?1 IS NULL OR (',' || levels || ',') LIKE '%,' || ?1 || ',%')
             GROUP BY field ORDER BY COUNT(*) DESC, field",
        )?;
        let rows = stmt.query_map(params![level], |r| {
            Ok(FieldCount {
                field: r.get(0)?,
                count: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Fields with the number of procedures served at any of `levels` (all levels when
    /// empty): what an office shows to browse its own procedures. Most procedures first.
    pub fn fields_in(&self, levels: &[String]) -> Result<Vec<FieldCount>, CatalogError> {
        if levels.is_empty() {
            return self.fields(None);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT field, levels FROM catalog_procedures WHERE deleted = 0 AND field <> ''",
        )?;
        let mut counts: std::collections::HashMap<String, u32> = Default::default();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let own: String = r.get(1)?;
            if own.split(',').any(|l| levels.iter().any(|x| x == l)) {
                *counts.entry(r.get(0)?).or_default() += 1;
            }
        }
        let mut out: Vec<FieldCount> = counts
            .into_iter()
            .map(|(field, count)| FieldCount { field, count })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.field.cmp(&b.field)));
        Ok(out)
    }

    /// The fields an office browses: those with procedures it handles
    /// ([`OfficeScope::handles`]: at its level, not an elsewhere field), each with the number
    /// of those procedures, in the office's order ([`OfficeScope::order`]).
    pub fn office_fields(&self, scope: &OfficeScope) -> Result<Vec<FieldCount>, CatalogError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT field, levels FROM catalog_procedures WHERE deleted = 0 AND field <> ''",
        )?;
        let mut counts: std::collections::HashMap<String, u32> = Default::default();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let field: String = r.get(0)?;
            let levels: String = r.get(1)?;
            let levels: Vec<&str> = levels.split(',').filter(|l| !l.is_empty()).collect();
            if !levels.is_empty() && scope.handles(&levels, &field) {
                *counts.entry(field).or_default() += 1;
            }
        }
        Ok(scope.order(
            counts
                .into_iter()
                .map(|(field, count)| FieldCount { field, count })
                .collect(),
        ))
    }

    /// What changed after version `since`: the records changed since then and the codes
    /// withdrawn since then. `since` = 0 gives the whole catalog.
    pub fn changes_since(&self, since: u64) -> Result<CatalogChanges, CatalogError> {
        let version = self.version()?;
        let mut out = CatalogChanges {
            since,
            version,
            ..Default::default()
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.code, r.json, p.deleted FROM catalog_procedures p
             JOIN catalog_records r ON r.id = p.id WHERE p.version > ?1 ORDER BY p.code",
        )?;
        let mut rows = stmt.query([since as i64])?;
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            let deleted: bool = r.get(2)?;
            if deleted {
                // A kiosk that never had it loses nothing by deleting it.
                out.deleted.push(code);
            } else {
                let json: String = r.get(1)?;
                out.upserts.push(decode(&json, &code)?);
            }
        }
        Ok(out)
    }

    /// Applies a delta from [`Catalog::changes_since`] (a kiosk's cache catching up with its
    /// server). Refuses a delta that starts after this catalog's version; one that starts
    /// before it is fine (its records are newer or equal). Returns the new version.
    pub fn apply_changes(&self, changes: &CatalogChanges) -> Result<u64, CatalogError> {
        let have = self.version()?;
        if changes.since > have {
            return Err(CatalogError::Gap {
                since: changes.since,
                have,
            });
        }
        if changes.version <= have {
            return Ok(have);
        }
        let tx = self.conn.unchecked_transaction()?;
        for p in &changes.upserts {
            import::upsert(&tx, p, changes.version)?;
        }
        for code in &changes.deleted {
            import::withdraw(&tx, code, changes.version)?;
        }
        typo::rebuild_vocab(&tx)?;
        schema::set_catalog_version(&tx, changes.version)?;
        tx.commit()?;
        Ok(changes.version)
    }

    /// Writes the procedures served at any of `levels` (all when empty) as JSON lines sorted by
    /// code, in the import format. Returns how many were written.
    pub fn export(&self, levels: &[String], mut out: impl Write) -> Result<usize, CatalogError> {
        let mut stmt = self.conn.prepare(
            "SELECT r.json, p.levels FROM catalog_procedures p
             JOIN catalog_records r ON r.id = p.id WHERE p.deleted = 0 ORDER BY p.code",
        )?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        let io = |source| CatalogError::Io {
            path: "<output>".into(),
            source,
        };
        while let Some(r) = rows.next()? {
            let json: String = r.get(0)?;
            let lv: String = r.get(1)?;
            if !levels.is_empty() && !lv.split(',').any(|l| levels.iter().any(|w| w == l)) {
                continue;
            }
            out.write_all(json.as_bytes()).map_err(io)?;
            out.write_all(b"\n").map_err(io)?;
            n += 1;
        }
        Ok(n)
    }

    /// [`Catalog::export`] gzipped with fixed header fields (no name, time 0), so the same
    /// catalog always gives the same bytes.
    pub fn export_gz(&self, levels: &[String], out: impl Write) -> Result<usize, CatalogError> {
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .operating_system(255)
            .write(out, flate2::Compression::best());
        let n = self.export(levels, &mut gz)?;
        gz.finish().map_err(|source| CatalogError::Io {
            path: "<output>".into(),
            source,
        })?;
        Ok(n)
    }
}

/// A stored record; documents stored before short titles existed get theirs.
fn decode(json: &str, code: &str) -> Result<Procedure, CatalogError> {
    let mut p: Procedure =
        serde_json::from_str(json).map_err(|_| CatalogError::Corrupt(code.into()))?;
    p.fill_short_titles();
    Ok(p)
}

/// Wraps `r` in a gzip decoder when it starts with the gzip magic bytes.
fn open_maybe_gz<'a, R: Read + 'a>(r: R) -> std::io::Result<Box<dyn BufRead + 'a>> {
    let mut br = BufReader::with_capacity(1 << 16, r);
    let head = br.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(br),
        )))
    } else {
        Ok(Box::new(br))
    }
}
