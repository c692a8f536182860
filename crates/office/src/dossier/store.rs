//! Dossier storage: the [`DossierStore`] trait the filing service uses, and its SQLite
//! implementation on the office database (tables of migration 3).
//!
//! One writer connection behind a mutex: each submission is one `BEGIN IMMEDIATE`
//! transaction, committed (WAL, `synchronous=FULL`) before the caller hears back. The ticket
//! writer thread has its own connection to the same file; SQLite serialises the two writers
//! (busy timeout 5 s). Reads go through the office database's reader pool.
//!
//! Attachments go in first, in pieces of [`PIECE`] bytes, each its own short transaction
//! (table `attachment_pieces`): the dossier's own transaction then only names them. SQLite
//! has one write lock for the whole file; holding it for a 30 MB transaction (150 ms and
//! more here) would hold every kiosk's ticket for as long. Pieces no dossier names (a crash
//! or a refusal in between) are deleted at start and when a filing fails.

use super::DecodedFile;
use crate::db::{open_writer, Readers};
use chrono::NaiveDate;
use motcua_core::dossier::{dossier_code, Dossier, DossierStatus};
use motcua_core::life::{DossierList, DossierSummary, DossierView, HistoryEntry};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::Mutex;

/// Bytes of one attachment piece, written in a transaction of its own.
pub const PIECE: usize = 512 * 1024;

/// Setting that holds the receipt signing key's seed (hex).
pub const KEY_SETTING: &str = "receipt_signing_key";

/// What can go wrong storing or reading dossiers. The bilingual message is made at the HTTP
/// edge (`dossier::http`).
#[derive(Debug, thiserror::Error)]
pub enum DossierStoreError {
    /// The idempotency key was used before with a different request.
    #[error("the idempotency key was used for a different request")]
    IdempotencyConflict,
    /// Today's four-digit dossier numbers are used up.
    #[error("today's dossier numbers are used up")]
    DailyLimitReached,
    /// The database failed (nothing was stored; a retry with the same key is safe).
    #[error("dossier storage: {0}")]
    Storage(String),
    /// The step was refused (a rule of the dossier's life, a bad field): nothing changed.
    #[error("refused: {}", .0.message_en)]
    Refused(motcua_core::ApiError),
}

impl From<rusqlite::Error> for DossierStoreError {
    fn from(e: rusqlite::Error) -> Self {
        DossierStoreError::Storage(e.to_string())
    }
}

impl From<serde_json::Error> for DossierStoreError {
    fn from(e: serde_json::Error) -> Self {
        DossierStoreError::Storage(e.to_string())
    }
}

/// A dossier to file: the request's fingerprint, its files, and how to make the dossier once
/// its code and lookup secret are drawn inside the transaction.
pub struct NewDossier<'a> {
    /// The `Idempotency-Key`.
    pub key: &'a str,
    /// SHA-256 of the request body, hex.
    pub body_sha256: &'a str,
    /// The agency code, the prefix of the dossier code.
    pub agency: &'a str,
    /// The office day the code is numbered in.
    pub day: NaiveDate,
    /// Attachments to store with it.
    pub files: &'a [DecodedFile],
    /// Makes the dossier for a code and a lookup secret.
    pub make: &'a dyn Fn(&str, &str) -> Dossier,
    /// Who filed it (the kiosk, and the staff member assisting there): recorded in the audit
    /// trail in the same transaction, and `assisted_by` on the dossier.
    pub actor: Option<&'a crate::access::Actor>,
}

/// The dossier side of the office database, as the filing service sees it.
pub trait DossierStore: Send + Sync {
    /// The setting `key`, storing `value` first if it has none.
    fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, DossierStoreError>;
    /// Files `new` once per idempotency key: `(dossier, true)` when stored now, the stored one
    /// and `false` when the key was seen with the same body.
    fn file(&self, new: NewDossier<'_>) -> Result<(Dossier, bool), DossierStoreError>;
    /// The dossier filed under the idempotency key `key` with the same body, `None` when the
    /// key is unused; [`DossierStoreError::IdempotencyConflict`] when it was used with another.
    fn replay(&self, key: &str, body_sha256: &str) -> Result<Option<Dossier>, DossierStoreError>;
    /// The dossier `code` and its lookup secret.
    fn get(&self, code: &str) -> Result<Option<(Dossier, String)>, DossierStoreError>;
    /// An attachment's content and media type.
    fn attachment(
        &self,
        code: &str,
        position: u32,
    ) -> Result<Option<(Vec<u8>, String)>, DossierStoreError>;
    /// How many dossiers are stored.
    fn count(&self) -> Result<u64, DossierStoreError>;
    /// One step of the dossier `code`'s life, in one transaction with its history row and
    /// audit entry: `step` sees the dossier (with its history) as stored now and gives the
    /// dossier after it and the entry it leaves, or its refusal (then nothing is written).
    /// `None`: no such dossier.
    fn act(
        &self,
        code: &str,
        step: &mut Step<'_>,
        actor: &crate::access::Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Dossier>, DossierStoreError>;
    /// A page of a back-office list and the count of every view.
    fn list(&self, q: &ListQuery) -> Result<DossierList, DossierStoreError>;
}

/// One step of a dossier's life, as [`DossierStore::act`] runs it: the dossier as stored →
/// the dossier after and the entry it leaves, or the refusal.
pub type Step<'a> =
    dyn FnMut(&Dossier) -> Result<(Dossier, HistoryEntry), motcua_core::ApiError> + 'a;

/// What [`DossierStore::list`] lists.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// The view.
    pub view: DossierView,
    /// Now, RFC 3339 (+07:00): what is before it is overdue.
    pub now: String,
    /// The last day that counts as due soon.
    pub soon: NaiveDate,
    /// Part of the dossier code, or the procedure code.
    pub search: Option<String>,
    /// Page size.
    pub limit: u32,
    /// Skip this many.
    pub offset: u32,
}

/// The state of a dossier whose clock runs (it can be overdue), as SQL.
const CLOCK_RUNS: &str = "status IN ('received', 'processing', 'supplement_received')";
const CLOSED: &str = "status IN ('returned', 'refused', 'stopped', 'withdrawn')";
/// The appointment as text that sorts with `ListQuery::now` (old rows have only the day).
const DUE: &str = "COALESCE(due_at, due_date || 'T23:59:59+07:00')";

/// The SQL condition of a view (over `p`, the parameters: `p.now`, `p.soon`, `p.q`).
fn view_sql(v: DossierView) -> String {
    match v {
        DossierView::Open => format!("NOT ({CLOSED})"),
        DossierView::Submitted => "status = 'submitted'".into(),
        DossierView::InProgress => CLOCK_RUNS.into(),
        DossierView::DueSoon => format!("{CLOCK_RUNS} AND {DUE} >= p.now AND due_date <= p.soon"),
        DossierView::Overdue => format!("{CLOCK_RUNS} AND {DUE} < p.now"),
        DossierView::AwaitingSupplement => "status = 'supplement_requested'".into(),
        DossierView::AwaitingFee => "status = 'awaiting_fee'".into(),
        DossierView::ResultReady => "status = 'result_ready'".into(),
        DossierView::Closed => CLOSED.into(),
        DossierView::All => "1".into(),
    }
}

/// The history of `code`, oldest first.
fn history(conn: &Connection, code: &str) -> Result<Vec<HistoryEntry>, DossierStoreError> {
    let mut st = conn.prepare_cached(
        "SELECT entry_json FROM dossier_history WHERE dossier_code = ?1 ORDER BY seq",
    )?;
    let rows = st.query_map([code], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}

fn insert_history(
    conn: &Connection,
    code: &str,
    e: &HistoryEntry,
) -> Result<(), DossierStoreError> {
    conn.prepare_cached(
        "INSERT INTO dossier_history (dossier_code, seq, at, action, from_status, to_status,
                                      actor, entry_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        code,
        e.seq,
        e.at,
        e.action.as_str(),
        e.from.map(|s| s.as_str()),
        e.to.as_str(),
        e.by,
        serde_json::to_string(e)?,
    ])?;
    Ok(())
}

/// The dossier as stored in `dossier_json`: without its history (rows of its own) nor what
/// is computed when read.
fn stored_json(d: &Dossier) -> Result<String, DossierStoreError> {
    let mut d = d.clone();
    d.history.clear();
    d.overdue = false;
    Ok(serde_json::to_string(&d)?)
}

/// [`DossierStore`] on the office database.
pub struct SqliteDossiers {
    writer: Mutex<Connection>,
    readers: Readers,
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

impl SqliteDossiers {
    /// Opens a writer and two readers on the (already migrated) office database, and deletes
    /// attachment pieces that no dossier names (a crash while filing).
    pub fn open(path: &Path) -> rusqlite::Result<SqliteDossiers> {
        let writer = open_writer(path)?;
        let left = writer.execute(
            "DELETE FROM attachment_pieces WHERE staged NOT IN
                 (SELECT staged FROM dossier_attachments WHERE staged IS NOT NULL)",
            [],
        )?;
        if left > 0 {
            tracing::info!(
                pieces = left,
                "attachment pieces of an unfinished filing deleted"
            );
        }
        Ok(SqliteDossiers {
            writer: Mutex::new(writer),
            readers: Readers::open(path, 2)?,
        })
    }
}

/// Writes `content` as pieces under a new id, each piece in its own transaction; the id.
fn stage(conn: &Connection, content: &[u8]) -> Result<String, DossierStoreError> {
    let id: String = super::random_bytes::<16>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut st = conn
        .prepare_cached("INSERT INTO attachment_pieces (staged, seq, bytes) VALUES (?1, ?2, ?3)")?;
    for (seq, piece) in content.chunks(PIECE).enumerate() {
        st.execute(params![id, seq, piece])?;
    }
    Ok(id)
}

/// Deletes the pieces of `ids` (a filing that did not go through).
fn unstage(conn: &Connection, ids: &[String]) {
    for id in ids {
        if let Err(e) = conn.execute("DELETE FROM attachment_pieces WHERE staged = ?1", [id]) {
            tracing::warn!(error = %e, "attachment pieces left for the next start");
        }
    }
}

impl DossierStore for SqliteDossiers {
    fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, DossierStoreError> {
        let conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        conn.execute(
            "INSERT INTO dossier_settings (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            [key, value],
        )?;
        Ok(conn.query_row(
            "SELECT value FROM dossier_settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )?)
    }

    fn file(&self, new: NewDossier<'_>) -> Result<(Dossier, bool), DossierStoreError> {
        let NewDossier {
            key,
            body_sha256,
            agency,
            day,
            files,
            make,
            actor,
        } = new;
        let mut conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        // A repeat is answered before anything is written.
        if let Some(d) = earlier(&conn, key, body_sha256)? {
            return Ok((d, false));
        }
        let mut staged = Vec::with_capacity(files.len());
        for f in files {
            match stage(&conn, &f.content) {
                Ok(id) => staged.push(id),
                Err(e) => {
                    unstage(&conn, &staged);
                    return Err(e);
                }
            }
        }
        let out = file_staged(
            &mut conn,
            key,
            body_sha256,
            agency,
            day,
            files,
            &staged,
            make,
            actor,
        );
        if !matches!(out, Ok((_, true))) {
            unstage(&conn, &staged);
        }
        out
    }

    fn replay(&self, key: &str, body_sha256: &str) -> Result<Option<Dossier>, DossierStoreError> {
        self.readers.read(|conn| earlier(conn, key, body_sha256))
    }

    fn get(&self, code: &str) -> Result<Option<(Dossier, String)>, DossierStoreError> {
        let row: Option<(String, String, String)> = self.readers.read(|conn| {
            conn.query_row(
                "SELECT dossier_json, status, lookup_secret FROM dossiers WHERE code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
        })?;
        match row {
            Some((json, status, secret)) => {
                let mut d = from_row(&json, &status)?;
                d.history = self.readers.read(|conn| history(conn, code))?;
                Ok(Some((d, secret)))
            }
            None => Ok(None),
        }
    }

    fn attachment(
        &self,
        code: &str,
        position: u32,
    ) -> Result<Option<(Vec<u8>, String)>, DossierStoreError> {
        Ok(self
            .readers
            .read(|conn| -> rusqlite::Result<Option<(Vec<u8>, String)>> {
                let row: Option<(Vec<u8>, String, Option<String>)> = conn
                    .query_row(
                        "SELECT content, media_type, staged FROM dossier_attachments
                     WHERE dossier_code = ?1 AND position = ?2",
                        params![code, position],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                let Some((mut content, media_type, staged)) = row else {
                    return Ok(None);
                };
                if let Some(id) = staged {
                    let mut st = conn.prepare_cached(
                        "SELECT bytes FROM attachment_pieces WHERE staged = ?1 ORDER BY seq",
                    )?;
                    let mut rows = st.query([id])?;
                    while let Some(r) = rows.next()? {
                        let piece: Vec<u8> = r.get(0)?;
                        content.extend_from_slice(&piece);
                    }
                }
                Ok(Some((content, media_type)))
            })?)
    }

    fn count(&self) -> Result<u64, DossierStoreError> {
        Ok(self
            .readers
            .read(|conn| conn.query_row("SELECT COUNT(*) FROM dossiers", [], |r| r.get(0)))?)
    }

    fn act(
        &self,
        code: &str,
        step: &mut Step<'_>,
        actor: &crate::access::Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Dossier>, DossierStoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(String, String)> = tx
            .query_row(
                "SELECT dossier_json, status FROM dossiers WHERE code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((json, status)) = row else {
            return Ok(None);
        };
        let mut before = from_row(&json, &status)?;
        before.history = history(&tx, code)?;
        let (mut after, entry) = step(&before).map_err(DossierStoreError::Refused)?;
        tx.execute(
            "UPDATE dossiers SET status = ?2, due_date = ?3, due_at = ?4, days_left = ?5,
                                 dossier_json = ?6, updated_at = ?7
             WHERE code = ?1",
            params![
                code,
                after.status.as_str(),
                after.due_date.to_string(),
                after.due_at,
                after.days_left,
                stored_json(&after)?,
                entry.at,
            ],
        )?;
        insert_history(&tx, code, &entry)?;
        let detail = format!(
            "{} → {}",
            entry.from.map_or("", |s| s.as_str()),
            entry.to.as_str()
        );
        crate::access::audit::append(
            &tx,
            now,
            actor,
            &crate::access::audit::What {
                action: &format!("dossier.{}", entry.action.as_str()),
                target_kind: Some("dossier"),
                target: Some(code),
                detail: Some(&detail),
            },
        )?;
        tx.commit()?;
        tracing::info!(code = %code, action = entry.action.as_str(), to = entry.to.as_str(), "dossier step");
        after.history = before.history;
        after.history.push(entry);
        Ok(Some(after))
    }

    fn list(&self, q: &ListQuery) -> Result<DossierList, DossierStoreError> {
        let search = q
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", s.replace(['%', '_', '\\'], "")));
        let filter = if search.is_some() {
            " AND (code LIKE p.q OR procedure_code LIKE p.q)"
        } else {
            ""
        };
        const PARAMS: &str = "(SELECT ?1 AS now, ?2 AS soon, ?3 AS q) p";
        let order = match q.view {
            DossierView::Closed | DossierView::All => {
                "COALESCE(updated_at, received_at) DESC, code DESC"
            }
            _ => "due_date, COALESCE(due_at, ''), code",
        };
        let now = q.now.clone();
        let soon = q.soon.to_string();
        let view = q.view;
        let (limit, offset) = (q.limit, q.offset);
        Ok(self
            .readers
            .read(move |conn| -> rusqlite::Result<DossierList> {
                let s3 = search.clone().unwrap_or_default();
                let mut counts = std::collections::BTreeMap::new();
                for v in DossierView::ALL {
                    let n: u32 = conn.query_row(
                        &format!(
                            "SELECT COUNT(*) FROM dossiers, {PARAMS} WHERE ({}){filter}",
                            view_sql(v)
                        ),
                        params![now, soon, s3],
                        |r| r.get(0),
                    )?;
                    counts.insert(v.as_str().to_owned(), n);
                }
                let sql = format!(
                    "SELECT code, procedure_code,
                        COALESCE(json_extract(dossier_json, '$.procedure_name'), ''),
                        COALESCE(json_extract(dossier_json, '$.applicant.full_name'), ''),
                        status, channel, received_at, due_date, due_at, days_left,
                        COALESCE(json_extract(dossier_json, '$.fee_vnd'), 0), digitized,
                        ({CLOCK_RUNS} AND {DUE} < p.now)
                 FROM dossiers, {PARAMS} WHERE ({}){filter}
                 ORDER BY {order} LIMIT {limit} OFFSET {offset}",
                    view_sql(view)
                );
                let mut st = conn.prepare(&sql)?;
                let rows = st.query_map(params![now, soon, s3], |r| {
                    let status: String = r.get(4)?;
                    let channel: String = r.get(5)?;
                    let due: String = r.get(7)?;
                    Ok(DossierSummary {
                        code: r.get(0)?,
                        procedure_code: r.get(1)?,
                        procedure_name: r.get(2)?,
                        applicant_name: r.get(3)?,
                        status: DossierStatus::parse(&status).unwrap_or(DossierStatus::Submitted),
                        channel: if channel == "counter" {
                            motcua_core::dossier::Channel::Counter
                        } else {
                            motcua_core::dossier::Channel::Online
                        },
                        received_at: r.get(6)?,
                        due_date: due.parse().unwrap_or_default(),
                        due_at: r.get(8)?,
                        days_left: r.get(9)?,
                        fee_vnd: r.get::<_, i64>(10)?.max(0) as u64,
                        digitized: r.get(11)?,
                        overdue: r.get(12)?,
                    })
                })?;
                let items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(DossierList {
                    view,
                    total: counts.get(view.as_str()).copied().unwrap_or(0),
                    items,
                    counts,
                })
            })?)
    }
}

/// The dossier filed before under the idempotency key `key` with the same body, `None` when
/// the key is unused; [`DossierStoreError::IdempotencyConflict`] when it came with another body.
fn earlier(
    conn: &Connection,
    key: &str,
    body_sha256: &str,
) -> Result<Option<Dossier>, DossierStoreError> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT request_sha256, dossier_json, status FROM dossiers
             WHERE idempotency_key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((sha, _, _)) if sha != body_sha256 => Err(DossierStoreError::IdempotencyConflict),
        Some((_, json, status)) => {
            let mut d = from_row(&json, &status)?;
            d.history = history(conn, &d.code)?;
            Ok(Some(d))
        }
    }
}

fn from_row(json: &str, status: &str) -> Result<Dossier, DossierStoreError> {
    let mut d: Dossier = serde_json::from_str(json)?;
    d.status = DossierStatus::parse(status).unwrap_or(d.status);
    Ok(d)
}

/// The dossier's own transaction, its attachments already staged as `staged` (one id per
/// file, in order).
#[allow(clippy::too_many_arguments)]
fn file_staged(
    conn: &mut Connection,
    key: &str,
    body_sha256: &str,
    agency: &str,
    day: NaiveDate,
    files: &[DecodedFile],
    staged: &[String],
    make: &dyn Fn(&str, &str) -> Dossier,
    actor: Option<&crate::access::Actor>,
) -> Result<(Dossier, bool), DossierStoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Again inside the transaction: another process may have filed it meanwhile.
    if let Some(d) = earlier(&tx, key, body_sha256)? {
        return Ok((d, false));
    }
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
                DossierStoreError::DailyLimitReached
            }
            e => e.into(),
        })?;
    let code = dossier_code(agency, day, seq as u32);
    let secret = motcua_core::receipt::secret_from_bytes(super::random_bytes::<7>());
    let dossier = make(&code, &secret);
    // A paper dossier names the ticket of the visit: it must be one (the transaction ends
    // here otherwise, and the number is not used).
    if let Some(t) = &dossier.ticket_id {
        let known: Option<i64> = tx
            .query_row("SELECT 1 FROM tickets WHERE id = ?1", [t], |r| r.get(0))
            .optional()?;
        if known.is_none() {
            return Err(DossierStoreError::Refused(motcua_core::ApiError::new(
                motcua_core::ErrorCode::NotFound,
                "Không tìm thấy lượt (“ticket_id”) này. Vui lòng gọi số của công dân trước khi tiếp nhận hồ sơ.",
                "No such ticket (“ticket_id”). Please call the citizen's number before receiving the dossier.",
            )));
        }
    }
    let json = stored_json(&dossier)?;
    tx.execute(
        "INSERT INTO dossiers (code, agency_code, office_day, seq, procedure_code, status,
                               received_at, due_date, lookup_secret, idempotency_key,
                               request_sha256, dossier_json, verified_with,
                               account_subject, submitted_by, received_by, assisted_by,
                               channel, ticket_id, digitized, due_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?12, ?6, ?7, ?8, ?9, ?10, ?11, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19, ?20, ?21, ?6)",
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
            json,
            dossier.status.as_str(),
            dossier.verified_with.map(|v| v.as_str()),
            dossier.account_subject,
            dossier.submitted_by.as_ref().map(|s| &s.full_name),
            dossier.received_by,
            actor.and_then(|a| a.assisted_by.as_deref()),
            dossier.channel.as_str(),
            dossier.ticket_id,
            dossier.digitized,
            dossier.due_at,
        ],
    )?;
    for e in &dossier.history {
        insert_history(&tx, &code, e)?;
    }
    if let Some(actor) = actor {
        crate::access::audit::append(
            &tx,
            chrono::Utc::now(),
            actor,
            &crate::access::audit::What {
                action: if dossier.channel == motcua_core::dossier::Channel::Counter {
                    "dossier.receive"
                } else {
                    "dossier.file"
                },
                target_kind: Some("dossier"),
                target: Some(&code),
                detail: Some(&dossier.procedure_code),
            },
        )?;
    }
    for (i, d) in dossier.documents.iter().enumerate() {
        tx.execute(
            "INSERT INTO dossier_documents (dossier_code, position, name, originals, copies,
                                            paper_at_counter)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![code, i, d.name, d.originals, d.copies, d.paper_at_counter],
        )?;
    }
    for (f, piece_id) in files.iter().zip(staged) {
        tx.execute(
            "INSERT INTO dossier_attachments (dossier_code, position, file_name, media_type,
                                              size, sha256, content, staged)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, X'', ?7)",
            params![
                code,
                f.position,
                f.file_name,
                f.media_type,
                f.content.len(),
                f.sha256,
                piece_id
            ],
        )?;
    }
    tx.commit()?;
    tracing::info!(code = %code, procedure = %dossier.procedure_code, files = files.len(), "dossier filed");
    Ok((dossier, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::MIGRATIONS;

    /// Attachments are written in pieces before the dossier's own transaction and read back
    /// whole; a repeat writes nothing; pieces a crash left are gone after a restart.
    /// Every view's query runs on the schema, with and without a search.
    #[test]
    fn every_view_lists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.db");
        crate::db::prepare(&path).unwrap();
        let store = SqliteDossiers::open(&path).unwrap();
        for view in DossierView::ALL {
            for search in [None, Some("H00".to_owned())] {
                let l = store
                    .list(&ListQuery {
                        view,
                        now: "2026-12-04T10:00:00+07:00".into(),
                        soon: NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(),
                        search,
                        limit: 10,
                        offset: 0,
                    })
                    .unwrap_or_else(|e| panic!("{view:?}: {e}"));
                assert_eq!(l.total, 0);
                assert_eq!(l.counts.len(), DossierView::ALL.len());
            }
        }
    }

    #[test]
    fn attachments_go_in_pieces_and_come_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.db");
        crate::db::prepare(&path).unwrap();
        let store = SqliteDossiers::open(&path).unwrap();
        let content: Vec<u8> = (0..PIECE * 2 + 1000).map(|i| (i % 251) as u8).collect();
        let file = DecodedFile {
            position: 0,
            file_name: "to-khai.pdf".into(),
            media_type: "application/pdf",
            sha256: "x".into(),
            content: content.clone(),
        };
        let d = crate::dossier::tests_support::dossier("H00.00-261123-0001");
        let make = |code: &str, _: &str| Dossier {
            code: code.to_owned(),
            ..d.clone()
        };
        let new = |key: &'static str| NewDossier {
            key,
            body_sha256: "sha",
            agency: "H00.00",
            day: d.due_date,
            files: std::slice::from_ref(&file),
            make: &make,
            actor: None,
        };
        let (filed, created) = store.file(new("k-1")).unwrap();
        assert!(created);
        let pieces = |s: &SqliteDossiers| -> i64 {
            s.readers
                .read(|c| c.query_row("SELECT COUNT(*) FROM attachment_pieces", [], |r| r.get(0)))
                .unwrap()
        };
        assert_eq!(pieces(&store), 3, "two whole pieces and a short one");
        let (back, media) = store.attachment(&filed.code, 0).unwrap().unwrap();
        assert_eq!(media, "application/pdf");
        assert!(back == content, "the same bytes in the same order");
        // A repeat with the same key stores nothing more.
        let (again, created) = store.file(new("k-1")).unwrap();
        assert!(!created);
        assert_eq!(again.code, filed.code);
        assert_eq!(pieces(&store), 3);
        // Pieces of a filing that never finished (a crash) are deleted at the next start.
        store
            .writer
            .lock()
            .unwrap()
            .execute(
                "INSERT INTO attachment_pieces VALUES ('orphan', 0, X'00')",
                [],
            )
            .unwrap();
        drop(store);
        let store = SqliteDossiers::open(&path).unwrap();
        assert_eq!(pieces(&store), 3);
        assert!(store.attachment(&filed.code, 0).unwrap().unwrap().0 == content);
    }

    /// A dossier stored before `submitted` existed keeps its status, documents and files
    /// through migration 4, and new dossiers can be stored as `submitted`.
    #[test]
    fn dossiers_of_schema_3_survive_the_submitted_status() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.db");
        let mut conn = open_writer(&path).unwrap();
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        let mut d = crate::dossier::tests_support::dossier("H00.00-261123-0001");
        d.status = DossierStatus::Received;
        conn.execute(
            "INSERT INTO dossiers (code, agency_code, office_day, seq, procedure_code, status,
                                   received_at, due_date, lookup_secret, idempotency_key,
                                   request_sha256, dossier_json)
             VALUES (?1, 'H00.00', '2026-11-23', 1, '1.001612', 'received', ?2, ?3,
                     'abcdefghij', 'k-old', 'sha', ?4)",
            params![
                d.code,
                d.received_at,
                d.due_date.to_string(),
                serde_json::to_string(&d).unwrap()
            ],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO dossier_documents VALUES (?1, 0, 'Tờ khai', 1, 0, 0)",
            [&d.code],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO dossier_attachments VALUES (?1, 0, 'a.pdf', 'application/pdf', 3, 'x', X'010203')",
            [&d.code],
        )
        .unwrap();
        crate::db::migrate(&mut conn).unwrap();
        drop(conn);

        let store = SqliteDossiers::open(&path).unwrap();
        let (old, secret) = store.get(&d.code).unwrap().unwrap();
        assert_eq!(old.status, DossierStatus::Received);
        assert_eq!(secret, "abcdefghij");
        assert_eq!(
            store.attachment(&d.code, 0).unwrap(),
            Some((vec![1, 2, 3], "application/pdf".to_owned()))
        );
        let new = crate::dossier::tests_support::dossier("H00.00-261123-0002");
        let make = |code: &str, _: &str| Dossier {
            code: code.to_owned(),
            ..new.clone()
        };
        let (filed, created) = store
            .file(NewDossier {
                key: "k-new",
                body_sha256: "sha2",
                agency: "H00.00",
                day: new.due_date,
                files: &[],
                make: &make,
                actor: None,
            })
            .unwrap();
        assert!(created);
        let (read, _) = store.get(&filed.code).unwrap().unwrap();
        assert_eq!(read.status, DossierStatus::Submitted);
        let column: String = store
            .readers
            .read(|c| {
                c.query_row(
                    "SELECT status FROM dossiers WHERE code = ?1",
                    [&filed.code],
                    |r| r.get(0),
                )
            })
            .unwrap();
        assert_eq!(column, "submitted");
        // A status outside the list is still refused by the schema.
        let refused = store.writer.lock().unwrap().execute(
            "UPDATE dossiers SET status = 'lost' WHERE code = ?1",
            [&filed.code],
        );
        assert!(refused.is_err());
    }
}
