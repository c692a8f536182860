//! Dossier storage on the office database (tables of migration 3).
//!
//! One writer connection behind a mutex: each submission is one `BEGIN IMMEDIATE`
//! transaction, committed (WAL, `synchronous=FULL`) before the caller hears back. The ticket
//! writer thread has its own connection to the same file; SQLite serialises the two writers
//! (busy timeout 5 s).

use super::{Checked, Filing};
use chrono::{DateTime, Utc};
use motcua_core::dossier::{dossier_code, Dossier, DossierStatus};
use motcua_core::{ApiError, ErrorCode};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Setting that holds the receipt signing key's seed (hex).
pub const KEY_SETTING: &str = "receipt_signing_key";

/// The dossier tables.
pub struct DossierDb {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

fn storage(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "dossier storage failed");
    ApiError::new(
        ErrorCode::ServerUnavailable,
        "Chưa lưu được hồ sơ. Vui lòng thử lại; hồ sơ sẽ không bị nộp hai lần.",
        "The dossier could not be stored. Please try again; it will not be filed twice.",
    )
}

/// Reads one setting from the database at `path` (read-only).
pub fn read_setting(path: &Path, key: &str) -> rusqlite::Result<Option<String>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.query_row(
        "SELECT value FROM dossier_settings WHERE key = ?1",
        [key],
        |r| r.get(0),
    )
    .optional()
}

impl DossierDb {
    /// Opens connections to the (already migrated) office database.
    pub fn open(path: &Path) -> rusqlite::Result<DossierDb> {
        let writer = Connection::open(path)?;
        writer.busy_timeout(Duration::from_secs(5))?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        writer.pragma_update(None, "synchronous", "FULL")?;
        writer.pragma_update(None, "foreign_keys", true)?;
        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        reader.busy_timeout(Duration::from_secs(5))?;
        Ok(DossierDb {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
        })
    }

    /// The setting `key`, storing `value` first if it has none.
    pub fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, String> {
        let conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        conn.execute(
            "INSERT INTO dossier_settings (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            [key, value],
        )
        .map_err(|e| e.to_string())?;
        conn.query_row(
            "SELECT value FROM dossier_settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())
    }

    pub(super) fn file(
        &self,
        filing: &Filing,
        key: &str,
        body_sha256: &str,
        checked: Checked,
        now: DateTime<Utc>,
    ) -> Result<(Dossier, bool), ApiError> {
        let mut conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(storage)?;
        let before: Option<(String, String, String)> = tx
            .query_row(
                "SELECT request_sha256, dossier_json, status FROM dossiers
                 WHERE idempotency_key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(storage)?;
        if let Some((sha, json, status)) = before {
            if sha != body_sha256 {
                return Err(ApiError::new(
                    ErrorCode::IdempotencyConflict,
                    "Mã Idempotency-Key này đã dùng cho một hồ sơ khác. Mỗi hồ sơ mới cần một mã mới.",
                    "This Idempotency-Key was used for a different dossier. Each new dossier needs a new key.",
                ));
            }
            return Ok((from_row(&json, &status)?, false));
        }
        let day = motcua_core::time::office_day(now);
        let agency = &filing.agency.code;
        let seq: i64 = tx
            .query_row(
                "INSERT INTO dossier_day_counters (agency_code, office_day, last_seq)
                 VALUES (?1, ?2, 1)
                 ON CONFLICT (agency_code, office_day) DO UPDATE SET last_seq = last_seq + 1
                 RETURNING last_seq",
                params![agency, day.to_string()],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    ApiError::new(
                        ErrorCode::DailyLimitReached,
                        "Hôm nay đã hết số hồ sơ (9.999). Vui lòng nộp vào ngày mai hoặc hỏi cán bộ.",
                        "Today's dossier numbers (9,999) are used up. Please file tomorrow or ask a staff member.",
                    )
                }
                e => storage(e),
            })?;
        let code = dossier_code(agency, day, seq as u32);
        let secret = motcua_core::receipt::secret_from_bytes(super::random_bytes::<7>());
        let dossier = filing.make_dossier(&code, &secret, &checked, now);
        let json = serde_json::to_string(&dossier).map_err(storage)?;
        tx.execute(
            "INSERT INTO dossiers (code, agency_code, office_day, seq, procedure_code, status,
                                   received_at, due_date, lookup_secret, idempotency_key,
                                   request_sha256, dossier_json)
             VALUES (?1, ?2, ?3, ?4, ?5, 'received', ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                code,
                agency,
                day.to_string(),
                seq,
                dossier.procedure_code,
                dossier.received_at,
                dossier.due_date.to_string(),
                secret,
                key,
                body_sha256,
                json
            ],
        )
        .map_err(storage)?;
        for (i, d) in dossier.documents.iter().enumerate() {
            tx.execute(
                "INSERT INTO dossier_documents (dossier_code, position, name, originals, copies,
                                                paper_at_counter)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![code, i, d.name, d.originals, d.copies, d.paper_at_counter],
            )
            .map_err(storage)?;
        }
        for f in &checked.files {
            tx.execute(
                "INSERT INTO dossier_attachments (dossier_code, position, file_name, media_type,
                                                  size, sha256, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    code,
                    f.position,
                    f.file_name,
                    f.media_type,
                    f.content.len(),
                    f.sha256,
                    f.content
                ],
            )
            .map_err(storage)?;
        }
        tx.commit().map_err(storage)?;
        tracing::info!(code = %code, procedure = %dossier.procedure_code, files = checked.files.len(), "dossier filed");
        Ok((dossier, true))
    }

    /// The dossier `code` and its lookup secret.
    pub fn get(&self, code: &str) -> Result<Option<(Dossier, String)>, ApiError> {
        let conn = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        let row: Option<(String, String, String)> = conn
            .query_row(
                "SELECT dossier_json, status, lookup_secret FROM dossiers WHERE code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(storage)?;
        match row {
            Some((json, status, secret)) => Ok(Some((from_row(&json, &status)?, secret))),
            None => Ok(None),
        }
    }

    /// An attachment's content and media type.
    pub fn attachment(
        &self,
        code: &str,
        position: u32,
    ) -> Result<Option<(Vec<u8>, String)>, ApiError> {
        let conn = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        conn.query_row(
            "SELECT content, media_type FROM dossier_attachments
             WHERE dossier_code = ?1 AND position = ?2",
            params![code, position],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(storage)
    }

    /// How many dossiers are stored (tests, status).
    pub fn count(&self) -> Result<u64, ApiError> {
        let conn = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        conn.query_row("SELECT COUNT(*) FROM dossiers", [], |r| r.get(0))
            .map_err(storage)
    }
}

fn from_row(json: &str, status: &str) -> Result<Dossier, ApiError> {
    let mut d: Dossier = serde_json::from_str(json).map_err(storage)?;
    d.status = DossierStatus::parse(status).unwrap_or(d.status);
    Ok(d)
}
