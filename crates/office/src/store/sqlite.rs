//! The SQLite store: one writer thread doing group commit, a small pool of read-only
//! connections for queries (WAL lets them read while the writer writes).
//!
//! Issuing a ticket: the request goes over a channel to the writer thread, which blocks for the
//! first request, drains up to [`MAX_BATCH`] more that are already queued, runs them all in one
//! `BEGIN IMMEDIATE` transaction (each in its own savepoint), commits once — one fsync with
//! `synchronous=FULL` — and only then answers each caller. A request that fails validation is
//! rejected before its service's counter is touched, so it consumes no number and does not
//! disturb the rest of the batch.

use super::{
    estimate_wait_minutes, migrate, seed, IssueRequest, Origin, Pending, ServiceInfo, Store,
    StoreError, TicketRecord,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use motcua_core::queue::format_number;
use motcua_core::time::office_day;
use motcua_core::TicketStatus;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

/// Most requests committed in one transaction.
pub const MAX_BATCH: usize = 256;

/// Requests that may queue for the writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4096;

/// Options of [`SqliteStore::open`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Digits of the daily sequence in a ticket number (`A001` for 3).
    pub number_width: usize,
    /// Seed the demo commune services and counters if the database has no service.
    pub seed_demo: bool,
    /// Read-only connections for queries.
    pub readers: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            number_width: 3,
            seed_demo: true,
            readers: 4,
        }
    }
}

type ExecFn = Box<dyn FnOnce(&Connection) -> Result<(), StoreError> + Send>;

enum WriteCmd {
    Issue {
        req: IssueRequest,
        now: DateTime<Utc>,
        reply: tokio::sync::oneshot::Sender<Result<TicketRecord, StoreError>>,
    },
    /// Any other write (admin changes; issue 3's calls). Clears the waiting-count cache.
    Exec {
        f: ExecFn,
        reply: SyncSender<Result<(), StoreError>>,
    },
}

/// [`Store`] on a SQLite file in WAL mode with `synchronous=FULL`.
pub struct SqliteStore {
    path: PathBuf,
    tx: Mutex<Option<SyncSender<WriteCmd>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

fn open_writer(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "SQLite refused WAL mode");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, applies migrations, seeds demo data
    /// if asked and the database has no service, and starts the writer thread.
    pub fn open(path: impl AsRef<Path>, opts: StoreOptions) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut conn = open_writer(&path)?;
        migrate(&mut conn)?;
        if opts.seed_demo {
            seed::seed_demo_if_empty(&mut conn)?;
        }
        let readers = (0..opts.readers.max(1))
            .map(|_| open_reader(&path).map(Mutex::new))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let (tx, rx) = sync_channel(QUEUE_DEPTH);
        let width = opts.number_width.max(1);
        let writer = std::thread::Builder::new()
            .name("motcua-writer".into())
            .spawn(move || Writer::new(conn, width).run(rx))
            .map_err(|e| StoreError::Storage(format!("cannot start writer thread: {e}")))?;
        Ok(SqliteStore {
            path,
            tx: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(writer)),
            readers,
            next_reader: AtomicUsize::new(0),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues a command for the writer. When the queue is full, a blocking caller waits for
    /// room; a non-blocking one (the async path) is refused with `Unavailable` (HTTP 503: the
    /// office is overloaded, try again) rather than stalling a runtime thread.
    fn send(&self, cmd: WriteCmd, block: bool) -> Result<(), StoreError> {
        let tx = self
            .tx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or(StoreError::Unavailable)?;
        match tx.try_send(cmd) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(cmd)) if block => {
                tx.send(cmd).map_err(|_| StoreError::Unavailable)
            }
            Err(TrySendError::Full(_)) => Err(StoreError::Unavailable),
            Err(TrySendError::Disconnected(_)) => Err(StoreError::Unavailable),
        }
    }

    /// Runs `f` on a free read-only connection (or waits for one).
    fn read<R>(&self, f: impl FnOnce(&Connection) -> R) -> R {
        let n = self.readers.len();
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(conn) = self.readers[(start + i) % n].try_lock() {
                return f(&conn);
            }
        }
        let conn = self.readers[start % n]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        f(&conn)
    }

    /// Runs an arbitrary write on the writer thread, inside the current group-commit batch.
    fn exec(
        &self,
        f: impl FnOnce(&Connection) -> Result<(), StoreError> + Send + 'static,
    ) -> Result<(), StoreError> {
        let (reply, rx) = sync_channel(1);
        self.send(
            WriteCmd::Exec {
                f: Box::new(f),
                reply,
            },
            true,
        )?;
        rx.recv().map_err(|_| StoreError::Unavailable)?
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.close();
    }
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Storage(format!("bad timestamp in database: {s}")))
}

fn day_str(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

const COUNT_WAITING_BEFORE: &str = "SELECT COUNT(*) FROM tickets
     WHERE service_id = ?1 AND office_day = ?2 AND status = 'waiting' AND seq < ?3";

impl Store for SqliteStore {
    fn list_services(&self, now: DateTime<Utc>) -> Result<Vec<ServiceInfo>, StoreError> {
        let day = day_str(office_day(now));
        self.read(|conn| {
            let mut st = conn.prepare_cached(
                "SELECT s.id, s.prefix, s.name_vi, s.name_en, s.open, s.default_minutes,
                        s.sort_order,
                        (SELECT COUNT(*) FROM counter_services cs WHERE cs.service_id = s.id),
                        (SELECT COUNT(*) FROM tickets t WHERE t.service_id = s.id
                            AND t.office_day = ?1 AND t.status = 'waiting')
                 FROM services s ORDER BY s.sort_order, s.id",
            )?;
            let rows = st.query_map([&day], |r| {
                Ok(ServiceInfo {
                    id: r.get(0)?,
                    prefix: r.get(1)?,
                    name_vi: r.get(2)?,
                    name_en: r.get(3)?,
                    open: r.get(4)?,
                    default_minutes: r.get(5)?,
                    sort_order: r.get(6)?,
                    counters: r.get(7)?,
                    waiting: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn start_issue(&self, req: IssueRequest, now: DateTime<Utc>) -> Pending<TicketRecord> {
        let (reply, pending) = Pending::channel();
        match self.send(WriteCmd::Issue { req, now, reply }, false) {
            Ok(()) => pending,
            Err(e) => Pending::ready(Err(e)),
        }
    }

    fn get_ticket(
        &self,
        id: &str,
        _now: DateTime<Utc>,
    ) -> Result<Option<TicketRecord>, StoreError> {
        self.read(|conn| {
            let row = conn
                .prepare_cached(
                    "SELECT t.id, t.service_id, t.office_day, t.seq, t.number, t.priority,
                            t.status, t.issued_at, t.called_at, t.counter_id, t.completed_at,
                            t.origin, s.name_vi, s.name_en, s.default_minutes,
                            (SELECT COUNT(*) FROM counter_services cs
                                WHERE cs.service_id = s.id)
                     FROM tickets t JOIN services s ON s.id = t.service_id
                     WHERE t.id = ?1",
                )?
                .query_row([id], |r| {
                    Ok((
                        (
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, u32>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                        ),
                        (
                            r.get::<_, String>(6)?,
                            r.get::<_, String>(7)?,
                            r.get::<_, Option<String>>(8)?,
                            r.get::<_, Option<String>>(9)?,
                            r.get::<_, Option<String>>(10)?,
                            r.get::<_, String>(11)?,
                        ),
                        (
                            r.get::<_, String>(12)?,
                            r.get::<_, String>(13)?,
                            r.get::<_, u32>(14)?,
                            r.get::<_, u32>(15)?,
                        ),
                    ))
                })
                .optional()?;
            let Some((
                (id, service_id, day, seq, number, priority),
                (status, issued_at, called_at, counter_id, completed_at, origin),
                (name_vi, name_en, minutes, counters),
            )) = row
            else {
                return Ok(None);
            };
            let corrupt = |what: &str| StoreError::Storage(format!("bad {what} in database"));
            let status: TicketStatus = status.parse().map_err(|_| corrupt("status"))?;
            let people_ahead = if status == TicketStatus::Waiting {
                conn.prepare_cached(COUNT_WAITING_BEFORE)?
                    .query_row(params![service_id, day, seq], |r| r.get(0))?
            } else {
                0
            };
            Ok(Some(TicketRecord {
                office_day: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map_err(|_| corrupt("office day"))?,
                priority: priority.parse().map_err(|_| corrupt("priority"))?,
                issued_at: parse_ts(&issued_at)?,
                called_at: called_at.as_deref().map(parse_ts).transpose()?,
                completed_at: completed_at.as_deref().map(parse_ts).transpose()?,
                origin: Origin::from_db(&origin).ok_or_else(|| corrupt("origin"))?,
                estimated_wait_minutes: estimate_wait_minutes(people_ahead, minutes, counters),
                id,
                service_id,
                seq,
                number,
                status,
                counter_id,
                people_ahead,
                service_name_vi: name_vi,
                service_name_en: name_en,
            }))
        })
    }

    fn set_service_open(&self, service_id: &str, open: bool) -> Result<(), StoreError> {
        let id = service_id.to_owned();
        self.exec(move |conn| {
            let n = conn.execute(
                "UPDATE services SET open = ?2 WHERE id = ?1",
                params![id, open],
            )?;
            if n == 0 {
                return Err(StoreError::UnknownService(id));
            }
            Ok(())
        })
    }

    fn close(&self) {
        // Dropping the last sender ends the writer loop once the queue is drained.
        self.tx.lock().unwrap_or_else(|e| e.into_inner()).take();
        let handle = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            if h.join().is_err() {
                tracing::error!("writer thread panicked");
            }
        }
    }
}

/// The writer thread's state.
struct Writer {
    conn: Connection,
    width: usize,
    cache: Cache,
    /// `PRAGMA data_version` when the cache was last validated: it changes when another
    /// connection (another process, a manual `sqlite3` session) commits to the file.
    data_version: Option<i64>,
}

/// What the writer remembers between batches so the hot path does fewer queries. It is
/// cleared whenever it may no longer match the database: another connection wrote, a write
/// other than an issue ran, or a batch rolled back.
#[derive(Default)]
struct Cache {
    /// Waiting tickets per (service, office day), counting the open batch, so `people_ahead`
    /// of a new ticket needs no count over the day's tickets.
    waiting: HashMap<(String, NaiveDate), u32>,
    /// Service rows by id.
    services: HashMap<String, ServiceRow>,
}

impl Cache {
    fn clear(&mut self) {
        self.waiting.clear();
        self.services.clear();
    }
}

/// Outcome of one command inside a batch, answered after the commit.
enum Outcome {
    Issue(
        tokio::sync::oneshot::Sender<Result<TicketRecord, StoreError>>,
        Result<TicketRecord, StoreError>,
    ),
    Exec(SyncSender<Result<(), StoreError>>, Result<(), StoreError>),
}

#[derive(Clone)]
struct ServiceRow {
    prefix: String,
    name_vi: String,
    name_en: String,
    open: bool,
    minutes: u32,
    counters: u32,
}

impl Writer {
    fn new(conn: Connection, width: usize) -> Writer {
        Writer {
            conn,
            width,
            cache: Cache::default(),
            data_version: None,
        }
    }

    fn run(mut self, rx: Receiver<WriteCmd>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while let Ok(first) = rx.recv() {
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(cmd) => batch.push(cmd),
                    Err(_) => break,
                }
            }
            self.commit_batch(&mut batch);
        }
        tracing::debug!("writer thread stopped");
    }

    fn commit_batch(&mut self, batch: &mut Vec<WriteCmd>) {
        let size = batch.len();
        let mut pending = Vec::with_capacity(size);
        let mut clear_cache = false;
        let result = (|| -> Result<(), StoreError> {
            let mut tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Holding the write lock, so this is the latest state of the file.
            let version: i64 = tx.pragma_query_value(None, "data_version", |r| r.get(0))?;
            if self.data_version != Some(version) {
                self.cache.clear();
                self.data_version = Some(version);
            }
            for cmd in batch.drain(..) {
                match cmd {
                    WriteCmd::Issue { req, now, reply } => {
                        let out = issue_one(&mut tx, &mut self.cache, self.width, &req, now);
                        pending.push(Outcome::Issue(reply, out));
                    }
                    WriteCmd::Exec { f, reply } => {
                        clear_cache = true;
                        let sp = tx.savepoint()?;
                        let out = f(&sp);
                        if out.is_ok() {
                            sp.commit()?;
                        }
                        pending.push(Outcome::Exec(reply, out));
                    }
                }
            }
            tx.commit()?;
            Ok(())
        })();
        // Pending requests whose work was rolled back by a failed batch must not see success.
        let batch_err = result.err();
        if let Some(e) = &batch_err {
            tracing::error!(error = %e, size, "group commit failed");
        }
        // The cache counted this batch's tickets as they were inserted; if the batch rolled
        // back (or another kind of write ran) it no longer matches the database. Yesterday's
        // entries are dead weight, so it is also dropped when it grows.
        if batch_err.is_some() || clear_cache || self.cache.waiting.len() > 4096 {
            self.cache.clear();
        }
        // Commands drained before a failure surfaced in `pending`; any left in `batch` (the
        // transaction never began) are dropped, which their callers see as Unavailable.
        batch.clear();
        for p in pending {
            match p {
                Outcome::Issue(reply, out) => {
                    let out = match (&batch_err, out) {
                        (Some(e), Ok(_)) => Err(e.clone()),
                        (_, out) => out,
                    };
                    let _ = reply.send(out);
                }
                Outcome::Exec(reply, out) => {
                    let out = match (&batch_err, out) {
                        (Some(e), Ok(())) => Err(e.clone()),
                        (_, out) => out,
                    };
                    let _ = reply.send(out);
                }
            }
        }
    }
}

/// The service row the issue path needs, or `UnknownService`.
fn load_service(conn: &Connection, service_id: &str) -> Result<ServiceRow, StoreError> {
    conn.prepare_cached(
        "SELECT s.prefix, s.name_vi, s.name_en, s.open, s.default_minutes,
                    (SELECT COUNT(*) FROM counter_services cs WHERE cs.service_id = s.id)
             FROM services s WHERE s.id = ?1",
    )?
    .query_row([service_id], |r| {
        Ok(ServiceRow {
            prefix: r.get(0)?,
            name_vi: r.get(1)?,
            name_en: r.get(2)?,
            open: r.get(3)?,
            minutes: r.get(4)?,
            counters: r.get(5)?,
        })
    })
    .optional()?
    .ok_or_else(|| StoreError::UnknownService(service_id.to_owned()))
}

/// Validates and issues one ticket inside the batch transaction. Validation happens before
/// the day counter is touched; the writes run in a savepoint, so a failure rolls back only
/// this request.
fn issue_one(
    tx: &mut rusqlite::Transaction<'_>,
    cache: &mut Cache,
    width: usize,
    req: &IssueRequest,
    now: DateTime<Utc>,
) -> Result<TicketRecord, StoreError> {
    let svc = match cache.services.get(&req.service_id) {
        Some(row) => row.clone(),
        None => {
            let row = load_service(tx, &req.service_id)?;
            cache.services.insert(req.service_id.clone(), row.clone());
            row
        }
    };
    if !svc.open {
        return Err(StoreError::ServiceClosed {
            name_vi: svc.name_vi,
            name_en: svc.name_en,
        });
    }
    let day = office_day(now);
    let day_s = day_str(day);
    let key = (req.service_id.clone(), day);
    let ahead = match cache.waiting.get(&key) {
        Some(n) => *n,
        None => {
            let n: u32 = tx
                .prepare_cached(
                    "SELECT COUNT(*) FROM tickets
                     WHERE service_id = ?1 AND office_day = ?2 AND status = 'waiting'",
                )?
                .query_row(params![req.service_id, day_s], |r| r.get(0))?;
            n
        }
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    let sp = tx.savepoint()?;
    let seq: u32 = sp
        .prepare_cached(
            "INSERT INTO day_counters (service_id, office_day, last_seq) VALUES (?1, ?2, 1)
             ON CONFLICT (service_id, office_day) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq",
        )?
        .query_row(params![req.service_id, day_s], |r| r.get(0))?;
    let number = format_number(&svc.prefix, seq, width);
    sp.prepare_cached(
        "INSERT INTO tickets (id, service_id, office_day, seq, number, priority, status,
                              issued_at, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7, ?8)",
    )?
    .execute(params![
        id,
        req.service_id,
        day_s,
        seq,
        number,
        req.priority.as_str(),
        ts(now),
        req.origin.to_db()
    ])?;
    sp.commit()?;
    cache.waiting.insert(key, ahead + 1);
    Ok(TicketRecord {
        id,
        service_id: req.service_id.clone(),
        office_day: day,
        seq,
        number,
        priority: req.priority,
        status: TicketStatus::Waiting,
        issued_at: now,
        called_at: None,
        counter_id: None,
        completed_at: None,
        origin: req.origin.clone(),
        people_ahead: ahead,
        estimated_wait_minutes: estimate_wait_minutes(ahead, svc.minutes, svc.counters),
        service_name_vi: svc.name_vi,
        service_name_en: svc.name_en,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use motcua_core::Priority;
    use std::sync::Arc;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, h, m, s).unwrap()
    }

    fn store(dir: &tempfile::TempDir, width: usize) -> SqliteStore {
        SqliteStore::open(
            dir.path().join("office.db"),
            StoreOptions {
                number_width: width,
                ..StoreOptions::default()
            },
        )
        .unwrap()
    }

    fn issue(s: &SqliteStore, svc: &str, now: DateTime<Utc>) -> Result<TicketRecord, StoreError> {
        s.issue_ticket(IssueRequest::new(svc, Priority::None), now)
    }

    fn day_counter(s: &SqliteStore, svc: &str, day: &str) -> Option<u32> {
        s.read(|c| {
            c.query_row(
                "SELECT last_seq FROM day_counters WHERE service_id = ?1 AND office_day = ?2",
                [svc, day],
                |r| r.get(0),
            )
            .optional()
            .unwrap()
        })
    }

    #[test]
    fn numbers_are_per_service_and_zero_padded() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        let now = at(2, 0, 0);
        let a: Vec<String> = (0..3)
            .map(|_| issue(&s, "ho-tich", now).unwrap().number)
            .collect();
        assert_eq!(a, ["A001", "A002", "A003"]);
        assert_eq!(issue(&s, "dat-dai", now).unwrap().number, "B001");
        let t = issue(&s, "ho-tich", now).unwrap();
        assert_eq!((t.number.as_str(), t.seq), ("A004", 4));
        assert_eq!(t.id.len(), 32);
        assert_eq!(t.office_day, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        // Demo ho-tich: 10 minutes, served by Quầy 1 and 2 → 3 ahead × 10 / 2 = 15.
        assert_eq!(t.people_ahead, 3);
        assert_eq!(t.estimated_wait_minutes, 15);

        let dir4 = tempfile::tempdir().unwrap();
        let s4 = store(&dir4, 4);
        assert_eq!(issue(&s4, "lao-dong", now).unwrap().number, "D0001");
    }

    #[test]
    fn numbers_restart_at_local_midnight() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        // 16:59:59 UTC is 23:59:59 in Hà Nội on the 22nd; 17:00 UTC is 00:00 on the 23rd.
        assert_eq!(issue(&s, "ho-tich", at(1, 0, 0)).unwrap().number, "A001");
        assert_eq!(issue(&s, "ho-tich", at(16, 59, 59)).unwrap().number, "A002");
        let next_day = issue(&s, "ho-tich", at(17, 0, 0)).unwrap();
        assert_eq!(next_day.number, "A001");
        assert_eq!(next_day.people_ahead, 0, "yesterday's queue is not ahead");
        assert_eq!(
            next_day.office_day,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(issue(&s, "ho-tich", at(18, 0, 0)).unwrap().number, "A002");
        assert_eq!(day_counter(&s, "ho-tich", "2026-11-22"), Some(2));
        assert_eq!(day_counter(&s, "ho-tich", "2026-11-23"), Some(2));
    }

    #[test]
    fn closed_and_unknown_services_consume_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        let now = at(3, 0, 0);
        assert_eq!(issue(&s, "kinh-doanh", now).unwrap().number, "C001");
        s.set_service_open("kinh-doanh", false).unwrap();
        match issue(&s, "kinh-doanh", now) {
            Err(StoreError::ServiceClosed { name_vi, .. }) => assert_eq!(name_vi, "Kinh doanh"),
            other => panic!("expected closed, got {other:?}"),
        }
        assert_eq!(
            issue(&s, "nope", now),
            Err(StoreError::UnknownService("nope".into()))
        );
        assert_eq!(
            s.set_service_open("nope", true),
            Err(StoreError::UnknownService("nope".into()))
        );
        assert_eq!(day_counter(&s, "kinh-doanh", "2026-11-22"), Some(1));
        assert_eq!(day_counter(&s, "nope", "2026-11-22"), None);
        s.set_service_open("kinh-doanh", true).unwrap();
        assert_eq!(issue(&s, "kinh-doanh", now).unwrap().number, "C002");
        let n: i64 = s.read(|c| {
            c.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
                .unwrap()
        });
        assert_eq!(n, 2);
    }

    #[test]
    fn tickets_read_back_and_list_counts_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        let now = at(4, 0, 0);
        let t1 = issue(&s, "dat-dai", now).unwrap();
        let t2 = s
            .issue_ticket(IssueRequest::new("dat-dai", Priority::Elderly), now)
            .unwrap();
        let got = s.get_ticket(&t2.id, now).unwrap().unwrap();
        assert_eq!(got, t2);
        assert_eq!(got.people_ahead, 1);
        // Dat-dai: 20 minutes, one counter.
        assert_eq!(got.estimated_wait_minutes, 20);
        assert_eq!(got.priority, Priority::Elderly);
        assert_eq!(s.get_ticket(&t1.id, now).unwrap().unwrap().people_ahead, 0);
        assert_eq!(s.get_ticket(&"f".repeat(32), now).unwrap(), None);

        let services = s.list_services(now).unwrap();
        let ids: Vec<&str> = services.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["ho-tich", "dat-dai", "kinh-doanh", "lao-dong"]);
        let b = &services[1];
        assert_eq!((b.waiting, b.estimated_wait_minutes()), (2, 40));
        assert_eq!(services[0].waiting, 0);
        // The next day nobody is waiting.
        assert_eq!(s.list_services(at(20, 0, 0)).unwrap()[1].waiting, 0);
    }

    #[test]
    fn demo_seed_is_nfc_and_runs_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        let services = s.list_services(at(1, 0, 0)).unwrap();
        assert_eq!(services.len(), 4);
        for svc in &services {
            assert_eq!(svc.name_vi, motcua_core::text::nfc(&svc.name_vi));
            assert!(svc.counters >= 1, "{} has no counter", svc.id);
        }
        assert_eq!(services[3].name_vi, "Lao động – Thương binh – Xã hội");
        s.close();
        drop(s);
        let s = store(&dir, 3);
        assert_eq!(s.list_services(at(1, 0, 0)).unwrap().len(), 4);
        let counters: i64 = s.read(|c| {
            c.query_row("SELECT COUNT(*) FROM counters", [], |r| r.get(0))
                .unwrap()
        });
        assert_eq!(counters, 4);
    }

    #[test]
    fn concurrent_issuers_get_distinct_gap_free_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let s = Arc::new(store(&dir, 3));
        let now = at(5, 0, 0);
        let handles: Vec<_> = (0..16)
            .map(|_| {
                let s = s.clone();
                std::thread::spawn(move || {
                    (0..25)
                        .map(|_| issue(&s, "ho-tich", now).unwrap().seq)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seqs: Vec<u32> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=400).collect::<Vec<_>>());
        // people_ahead stayed consistent through batching: the last one has 399 ahead.
        let last = issue(&s, "ho-tich", now).unwrap();
        assert_eq!((last.seq, last.people_ahead), (401, 400));
    }

    #[test]
    fn changes_by_other_connections_reach_the_writer_caches() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        let now = at(6, 0, 0);
        for _ in 0..3 {
            issue(&s, "kinh-doanh", now).unwrap();
        }
        // Another process calls two tickets and closes the service.
        let other = Connection::open(s.path()).unwrap();
        other.busy_timeout(Duration::from_secs(5)).unwrap();
        other
            .execute(
                "UPDATE tickets SET status = 'called' WHERE service_id = 'kinh-doanh' AND seq <= 2",
                [],
            )
            .unwrap();
        let t = issue(&s, "kinh-doanh", now).unwrap();
        assert_eq!(
            (t.seq, t.people_ahead),
            (4, 1),
            "cached waiting count refreshed"
        );
        other
            .execute("UPDATE services SET open = 0 WHERE id = 'kinh-doanh'", [])
            .unwrap();
        assert!(matches!(
            issue(&s, "kinh-doanh", now),
            Err(StoreError::ServiceClosed { .. })
        ));
    }

    #[test]
    fn closed_store_refuses_writes() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        s.close();
        assert_eq!(
            issue(&s, "ho-tich", at(1, 0, 0)),
            Err(StoreError::Unavailable)
        );
        assert_eq!(s.list_services(at(1, 0, 0)).unwrap().len(), 4);
    }

    #[test]
    fn wal_and_full_sync_are_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.db");
        let conn = open_writer(&path).unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous=FULL");
    }
}
