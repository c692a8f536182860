//! The SQLite store: one writer thread doing group commit, a small pool of read-only
//! connections for queries (WAL lets them read while the writer writes).
//!
//! Every write goes over a channel to the writer thread, which blocks for the first command,
//! drains up to [`MAX_BATCH`] more that are already queued, runs them all in one
//! `BEGIN IMMEDIATE` transaction (each in its own savepoint), commits once — one fsync with
//! `synchronous=FULL` — and only then answers each caller and publishes the batch's events.
//! A command that fails (an unknown service, nobody waiting…) rolls back its savepoint only:
//! it changes nothing, consumes no number and does not disturb the rest of the batch.

use super::queue::{counter_action, ingest_offline, insert_event};
use super::read::{self, day_str, ts};
use super::{
    estimate_wait_from_secs, migrate, seed, BoardRecord, CounterCommand, CounterInfo,
    CounterOutcome, EventKind, EventRecord, IssueRequest, OfflineOutcome, OfflineRequest, Pending,
    ServiceInfo, Store, StoreError, TicketRecord,
};
use crate::db::{open_writer, Readers};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::queue::format_number;
use motcua_core::time::office_day;
use motcua_core::{PriorityStrategy, TicketStatus};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use tokio::sync::{broadcast, oneshot};

/// Most requests committed in one transaction.
pub const MAX_BATCH: usize = 256;

/// Requests that may queue for the writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4096;

/// Live events kept for slow subscribers before they get `Lagged` (and read the gap from the
/// database).
const EVENT_CHANNEL: usize = 4096;

/// Options of [`SqliteStore::open`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Digits of the daily sequence in a ticket number (`A001` for 3).
    pub number_width: usize,
    /// Seed the demo commune services and counters if the database has no service.
    pub seed_demo: bool,
    /// Read-only connections for queries.
    pub readers: usize,
    /// How counters mix priority tickets with ordinary ones.
    pub priority: PriorityStrategy,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            number_width: 3,
            seed_demo: true,
            readers: 4,
            priority: PriorityStrategy::default(),
        }
    }
}

type ExecFn = Box<dyn FnOnce(&Connection) -> Result<(), StoreError> + Send>;
type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

enum WriteCmd {
    Issue {
        req: IssueRequest,
        now: DateTime<Utc>,
        reply: Reply<TicketRecord>,
    },
    Counter {
        cmd: CounterCommand,
        now: DateTime<Utc>,
        reply: Reply<CounterOutcome>,
    },
    Offline {
        req: OfflineRequest,
        now: DateTime<Utc>,
        reply: Reply<OfflineOutcome>,
    },
    /// Any other write (admin changes). Clears the writer's caches.
    Exec { f: ExecFn, reply: Reply<()> },
}

/// [`Store`] on a SQLite file in WAL mode with `synchronous=FULL`.
pub struct SqliteStore {
    path: PathBuf,
    tx: Mutex<Option<SyncSender<WriteCmd>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    readers: Readers,
    events: broadcast::Sender<Arc<EventRecord>>,
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
        let readers = Readers::open(&path, opts.readers)?;
        let (tx, rx) = sync_channel(QUEUE_DEPTH);
        let (events, _) = broadcast::channel(EVENT_CHANNEL);
        let writer = Writer::new(
            conn,
            opts.number_width.max(1),
            opts.priority,
            events.clone(),
        );
        let writer = std::thread::Builder::new()
            .name("motcua-writer".into())
            .spawn(move || writer.run(rx))
            .map_err(|e| StoreError::Storage(format!("cannot start writer thread: {e}")))?;
        Ok(SqliteStore {
            path,
            tx: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(writer)),
            readers,
            events,
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

    /// Queues a command without blocking; the pending result completes after the commit.
    fn start<T>(&self, make: impl FnOnce(Reply<T>) -> WriteCmd) -> Pending<T> {
        let (reply, pending) = Pending::channel();
        match self.send(make(reply), false) {
            Ok(()) => pending,
            Err(e) => Pending::ready(Err(e)),
        }
    }

    /// Runs `f` on a free read-only connection (or waits for one).
    fn read<R>(&self, f: impl FnOnce(&Connection) -> R) -> R {
        self.readers.read(f)
    }

    /// Runs an arbitrary write on the writer thread, inside the current group-commit batch.
    fn exec(
        &self,
        f: impl FnOnce(&Connection) -> Result<(), StoreError> + Send + 'static,
    ) -> Result<(), StoreError> {
        let (reply, pending) = Pending::channel();
        self.send(
            WriteCmd::Exec {
                f: Box::new(f),
                reply,
            },
            true,
        )?;
        pending.wait()
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.close();
    }
}

impl Store for SqliteStore {
    fn list_services(&self, now: DateTime<Utc>) -> Result<Vec<ServiceInfo>, StoreError> {
        self.read(|conn| read::list_services(conn, office_day(now)))
    }

    fn start_issue(&self, req: IssueRequest, now: DateTime<Utc>) -> Pending<TicketRecord> {
        self.start(|reply| WriteCmd::Issue { req, now, reply })
    }

    fn get_ticket(
        &self,
        id: &str,
        _now: DateTime<Utc>,
    ) -> Result<Option<TicketRecord>, StoreError> {
        self.read(|conn| read::load_ticket(conn, id))
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

    fn list_counters(&self, now: DateTime<Utc>) -> Result<Vec<CounterInfo>, StoreError> {
        self.read(|conn| read::list_counters(conn, office_day(now)))
    }

    fn skipped_today(
        &self,
        counter_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        self.read(|conn| read::skipped_today(conn, counter_id, office_day(now)))
    }

    fn start_counter_action(
        &self,
        cmd: CounterCommand,
        now: DateTime<Utc>,
    ) -> Pending<CounterOutcome> {
        self.start(|reply| WriteCmd::Counter { cmd, now, reply })
    }

    fn start_offline(&self, req: OfflineRequest, now: DateTime<Utc>) -> Pending<OfflineOutcome> {
        self.start(|reply| WriteCmd::Offline { req, now, reply })
    }

    fn events_after(&self, after: i64, limit: usize) -> Result<Vec<EventRecord>, StoreError> {
        self.read(|conn| read::events_after(conn, after, limit))
    }

    fn event(&self, id: i64) -> Result<Option<EventRecord>, StoreError> {
        self.read(|conn| read::event(conn, id))
    }

    fn last_event_id(&self) -> Result<i64, StoreError> {
        self.read(read::last_event_id)
    }

    fn last_event_before(&self, at: DateTime<Utc>) -> Result<i64, StoreError> {
        self.read(|conn| read::last_event_before(conn, at))
    }

    fn board(&self, now: DateTime<Utc>, last_called: usize) -> Result<BoardRecord, StoreError> {
        self.read(|conn| read::board(conn, now, last_called))
    }

    fn subscribe_events(&self) -> broadcast::Receiver<Arc<EventRecord>> {
        self.events.subscribe()
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
    priority: PriorityStrategy,
    cache: Cache,
    /// `PRAGMA data_version` when the cache was last validated: it changes when another
    /// connection (another process, a manual `sqlite3` session) commits to the file.
    data_version: Option<i64>,
    /// The latest `issued_at` given to a server ticket: the next one is later, so server
    /// tickets issued in the same instant keep the order of their numbers.
    last_issued: Option<DateTime<Utc>>,
    events: broadcast::Sender<Arc<EventRecord>>,
}

/// What the writer remembers between batches so the hot path does fewer queries. It is
/// cleared whenever it may no longer match the database: another connection wrote, a write
/// other than an issue ran, or a batch rolled back.
#[derive(Default)]
struct Cache {
    /// Waiting tickets per service, per office day, counting the open batch: `people_ahead`
    /// of a new ticket and the `waiting` of its event need no count over the day's tickets.
    waiting: HashMap<NaiveDate, BTreeMap<String, u32>>,
    /// Service rows by id.
    services: HashMap<String, ServiceRow>,
}

impl Cache {
    fn clear(&mut self) {
        self.waiting.clear();
        self.services.clear();
    }
}

/// A command's answer, sent after the batch commits (or fails: then an `Ok` becomes the
/// batch's error).
type Deliver = Box<dyn FnOnce(Option<&StoreError>) + Send>;

fn deliver<T: Send + 'static>(reply: Reply<T>, out: Result<T, StoreError>) -> Deliver {
    Box::new(move |batch_err| {
        let out = match (batch_err, out) {
            (Some(e), Ok(_)) => Err(e.clone()),
            (_, out) => out,
        };
        let _ = reply.send(out);
    })
}

#[derive(Clone)]
struct ServiceRow {
    prefix: String,
    name_vi: String,
    name_en: String,
    open: bool,
    secs_each: u32,
    counters: u32,
}

/// A server ticket issued within this much of the previous one, but stamped earlier (two
/// requests reaching the writer in the other order), is stamped just after it instead.
const MAX_REORDER: chrono::TimeDelta = chrono::TimeDelta::seconds(1);

impl Writer {
    fn new(
        conn: Connection,
        width: usize,
        priority: PriorityStrategy,
        events: broadcast::Sender<Arc<EventRecord>>,
    ) -> Writer {
        Writer {
            conn,
            width,
            priority,
            cache: Cache::default(),
            data_version: None,
            last_issued: None,
            events,
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
        let mut pending: Vec<Deliver> = Vec::with_capacity(size);
        let mut events: Vec<EventRecord> = Vec::new();
        let last_issued = self.last_issued;
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
                        let now = match self.last_issued {
                            Some(last) if now <= last && last - now < MAX_REORDER => {
                                last + chrono::TimeDelta::microseconds(1)
                            }
                            _ => now,
                        };
                        let out = match issue_one(&mut tx, &mut self.cache, self.width, &req, now) {
                            // A retried request: the ticket it made before, nothing new.
                            Ok((t, None)) => Ok(t),
                            Ok((t, Some(ev))) => {
                                if let Some(actor) = &req.actor {
                                    audit_ticket(
                                        &tx,
                                        now,
                                        actor,
                                        "ticket.issue",
                                        &t,
                                        &t.service_id,
                                    )?;
                                }
                                self.last_issued = Some(t.issued_at);
                                events.push(ev);
                                Ok(t)
                            }
                            Err(e) => Err(e),
                        };
                        pending.push(deliver(reply, out));
                    }
                    WriteCmd::Counter { cmd, now, reply } => {
                        let sp = tx.savepoint()?;
                        let out = counter_action(&sp, &cmd, now, self.priority);
                        let out = match out {
                            Ok((outcome, evs)) => {
                                if let Some(actor) = &cmd.actor {
                                    let detail = match &cmd.action {
                                        super::CounterAction::Transfer { service_id } => {
                                            format!("{} → {service_id}", cmd.counter_id)
                                        }
                                        _ => cmd.counter_id.clone(),
                                    };
                                    let action = counter_audit_action(&cmd.action);
                                    audit_ticket(
                                        &sp,
                                        now,
                                        actor,
                                        action,
                                        &outcome.ticket,
                                        &detail,
                                    )?;
                                }
                                sp.commit()?;
                                events.extend(evs);
                                Ok(outcome)
                            }
                            Err(e) => Err(e),
                        };
                        self.cache.clear();
                        pending.push(deliver(reply, out));
                    }
                    WriteCmd::Offline { req, now, reply } => {
                        let sp = tx.savepoint()?;
                        let out = match ingest_offline(&sp, &req, now) {
                            Ok((outcome, evs)) => {
                                if let (Some(actor), true) = (&req.actor, outcome.created) {
                                    let t = &outcome.ticket;
                                    audit_ticket(
                                        &sp,
                                        now,
                                        actor,
                                        "ticket.offline",
                                        t,
                                        &req.kiosk_id,
                                    )?;
                                }
                                sp.commit()?;
                                events.extend(evs);
                                Ok(outcome)
                            }
                            Err(e) => Err(e),
                        };
                        self.cache.clear();
                        pending.push(deliver(reply, out));
                    }
                    WriteCmd::Exec { f, reply } => {
                        let sp = tx.savepoint()?;
                        let out = f(&sp);
                        if out.is_ok() {
                            sp.commit()?;
                        }
                        self.cache.clear();
                        pending.push(deliver(reply, out));
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
            // The cache counted this batch's tickets as they were inserted; they are gone.
            self.cache.clear();
            self.last_issued = last_issued;
            events.clear();
        }
        // Yesterday's entries are dead weight.
        if self.cache.waiting.len() > 8 {
            self.cache.clear();
        }
        // Commands drained before a failure surfaced in `pending`; any left in `batch` (the
        // transaction never began) are dropped, which their callers see as Unavailable.
        batch.clear();
        // Published after the commit, in id order, before the callers hear back (so an event
        // is on its way by the time its action is answered); nobody listening is fine.
        for ev in events {
            let _ = self.events.send(Arc::new(ev));
        }
        for p in pending {
            p(batch_err.as_ref());
        }
    }
}

/// The audit entry of a ticket action, in the batch's transaction.
fn audit_ticket(
    conn: &rusqlite::Connection,
    now: DateTime<Utc>,
    actor: &crate::access::Actor,
    action: &str,
    t: &TicketRecord,
    detail: &str,
) -> Result<(), StoreError> {
    crate::access::audit::append(
        conn,
        now,
        actor,
        &crate::access::audit::What {
            action,
            target_kind: Some("ticket"),
            target: Some(&t.number),
            detail: Some(detail),
        },
    )?;
    Ok(())
}

fn counter_audit_action(a: &super::CounterAction) -> &'static str {
    match a {
        super::CounterAction::CallNext { .. } => "counter.call_next",
        super::CounterAction::Recall => "counter.recall",
        super::CounterAction::Skip => "counter.skip",
        super::CounterAction::Transfer { .. } => "counter.transfer",
        super::CounterAction::Complete => "counter.complete",
        super::CounterAction::CallNumber { .. } => "counter.call_number",
    }
}

/// The service row the issue path needs, or `UnknownService`.
fn load_service(conn: &Connection, service_id: &str) -> Result<ServiceRow, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT s.prefix, s.name_vi, s.name_en, s.open, s.default_minutes
             FROM services s WHERE s.id = ?1",
        )?
        .query_row([service_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, u32>(4)?,
            ))
        });
    let (prefix, name_vi, name_en, open, minutes) = match row {
        Ok(r) => r,
        Err(rusqlite::Error::QueryReturnedNoRows) => {
            return Err(StoreError::UnknownService(service_id.to_owned()))
        }
        Err(e) => return Err(e.into()),
    };
    let stats = read::service_stats(conn, service_id, minutes)?;
    Ok(ServiceRow {
        prefix,
        name_vi,
        name_en,
        open,
        secs_each: stats.secs_each,
        counters: stats.counters,
    })
}

/// Validates and issues one ticket inside the batch transaction, with its `issued` event.
/// Validation happens before the day counter is touched; the writes run in a savepoint, so a
/// failure rolls back only this request.
fn issue_one(
    tx: &mut rusqlite::Transaction<'_>,
    cache: &mut Cache,
    width: usize,
    req: &IssueRequest,
    now: DateTime<Utc>,
) -> Result<(TicketRecord, Option<EventRecord>), StoreError> {
    if let Some(key) = &req.request_key {
        // Looked up in the writer's own transaction: two requests with one key in the same
        // batch make one ticket.
        let earlier: Option<(String, String, String)> = tx
            .prepare_cached(
                "SELECT id, issued_service_id, priority FROM tickets WHERE request_key = ?1",
            )?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        if let Some((id, service, priority)) = earlier {
            if service != req.service_id || priority != req.priority.as_str() {
                return Err(StoreError::RequestKeyReused);
            }
            let mut t = read::load_ticket(tx, &id)?.ok_or(StoreError::UnknownTicket)?;
            t.replayed = true;
            return Ok((t, None));
        }
    }
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
    let mut waiting = match cache.waiting.get(&day) {
        Some(m) => m.clone(),
        None => read::waiting_map(tx, day)?,
    };
    let ahead = waiting.get(&req.service_id).copied().unwrap_or(0);
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
        "INSERT INTO tickets (id, service_id, issued_service_id, office_day, seq, number,
                              priority, status, issued_at, origin, request_key)
         VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        req.service_id,
        day_s,
        seq,
        number,
        req.priority.as_str(),
        ts(now),
        req.origin.to_db(),
        req.request_key
    ])?;
    let ticket = TicketRecord {
        id,
        service_id: req.service_id.clone(),
        office_day: day,
        seq: Some(seq),
        number,
        priority: req.priority,
        status: TicketStatus::Waiting,
        issued_at: now,
        called_at: None,
        counter_id: None,
        completed_at: None,
        origin: req.origin.clone(),
        people_ahead: ahead,
        estimated_wait_minutes: estimate_wait_from_secs(ahead, svc.secs_each, svc.counters),
        service_name_vi: svc.name_vi,
        service_name_en: svc.name_en,
        replayed: false,
    };
    waiting.insert(req.service_id.clone(), ahead + 1);
    let ev = insert_event(
        &sp,
        EventKind::Issued,
        now,
        ticket.clone(),
        None,
        waiting.clone(),
        None,
    )?;
    sp.commit()?;
    cache.waiting.insert(day, waiting);
    Ok((ticket, Some(ev)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use motcua_core::Priority;
    use rusqlite::OptionalExtension;
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
        assert_eq!((t.number.as_str(), t.seq), ("A004", Some(4)));
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
                        .map(|_| issue(&s, "ho-tich", now).unwrap().seq.unwrap())
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
        assert_eq!((last.seq, last.people_ahead), (Some(401), 400));
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
        other
            .busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        other
            .execute(
                "UPDATE tickets SET status = 'called' WHERE service_id = 'kinh-doanh' AND seq <= 2",
                [],
            )
            .unwrap();
        let t = issue(&s, "kinh-doanh", now).unwrap();
        assert_eq!(
            (t.seq, t.people_ahead),
            (Some(4), 1),
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

    fn act(
        s: &SqliteStore,
        counter: &str,
        action: crate::queue::store::CounterAction,
        now: DateTime<Utc>,
    ) -> Result<CounterOutcome, StoreError> {
        s.start_counter_action(
            CounterCommand {
                counter_id: counter.into(),
                action,
                ticket_id: None,
                actor: None,
            },
            now,
        )
        .wait()
    }

    #[test]
    fn recent_service_times_set_the_estimate() {
        use crate::queue::store::CounterAction::{CallNext, Complete};
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        let t0 = at(2, 0, 0);
        for _ in 0..6 {
            issue(&s, "dat-dai", t0).unwrap();
        }
        let dat_dai = |now| s.list_services(now).unwrap()[1].clone();
        // Default: 20 minutes each, one counter (quầy 3).
        assert_eq!(dat_dai(t0).estimated_wait_minutes(), 120);
        let mut now = t0;
        let minutes = chrono::TimeDelta::minutes;
        for served in [5, 6, 7] {
            act(&s, "quay-3", CallNext { service_id: None }, now).unwrap();
            now += minutes(served);
            act(&s, "quay-3", Complete, now).unwrap();
            now += minutes(1);
        }
        // Mean of 5, 6 and 7 minutes: 6 minutes × 3 waiting.
        let svc = dat_dai(now);
        assert_eq!((svc.waiting, svc.secs_each), (3, 360));
        assert_eq!(svc.estimated_wait_minutes(), 18);
        // A counter that forgot to press "complete" for three hours does not count.
        act(&s, "quay-3", CallNext { service_id: None }, now).unwrap();
        now += chrono::TimeDelta::hours(3);
        act(&s, "quay-3", Complete, now).unwrap();
        assert_eq!(dat_dai(now).secs_each, 360);
        // A new ticket is estimated from the same figures (the writer's cache was refreshed).
        let t = issue(&s, "dat-dai", now).unwrap();
        assert_eq!((t.people_ahead, t.estimated_wait_minutes), (2, 12));
        assert_eq!(
            s.get_ticket(&t.id, now)
                .unwrap()
                .unwrap()
                .estimated_wait_minutes,
            12
        );
    }

    #[test]
    fn a_failed_action_changes_nothing_and_emits_nothing() {
        use crate::queue::store::CounterAction::CallNext;
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        let now = at(3, 0, 0);
        issue(&s, "ho-tich", now).unwrap();
        let mut rx = s.subscribe_events();
        act(&s, "quay-1", CallNext { service_id: None }, now).unwrap();
        assert_eq!(rx.try_recv().unwrap().kind, EventKind::Called);
        let last = s.last_event_id().unwrap();
        // call-next would complete A001, then finds nobody: rolled back.
        assert_eq!(
            act(&s, "quay-1", CallNext { service_id: None }, now),
            Err(StoreError::QueueEmpty)
        );
        assert_eq!(s.last_event_id().unwrap(), last);
        assert!(rx.try_recv().is_err(), "no event published");
        let q1 = &s.list_counters(now).unwrap()[0];
        assert_eq!(q1.current.as_ref().unwrap().number, "A001");
        assert_eq!(q1.served_today, 0);
        // The events read back equal the ones published.
        let stored = s.events_after(0, 10).unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[1].ticket.number, "A001");
        assert_eq!(s.event(stored[1].id).unwrap().unwrap(), stored[1]);
    }

    #[test]
    fn server_tickets_stamped_in_the_same_instant_keep_number_order() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir, 3);
        let now = at(4, 0, 0);
        let a = issue(&s, "ho-tich", now).unwrap();
        // A request stamped a little earlier that reaches the writer later.
        let b = issue(&s, "ho-tich", now - chrono::TimeDelta::milliseconds(3)).unwrap();
        assert!(
            b.issued_at > a.issued_at,
            "{:?} {:?}",
            a.issued_at,
            b.issued_at
        );
        assert_eq!(b.people_ahead, 1);
        // A clock set back by more than a second is believed.
        let c = issue(&s, "ho-tich", now - chrono::TimeDelta::minutes(5)).unwrap();
        assert_eq!(c.issued_at, now - chrono::TimeDelta::minutes(5));
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
