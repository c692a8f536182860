//! Storage of the office queue.
//!
//! Everything the server persists goes through the [`Store`] trait, so that a PostgreSQL store
//! can follow the SQLite one ([`SqliteStore`]) without touching the HTTP layer. Methods are
//! blocking; the async layer calls them from `tokio::task::spawn_blocking`.

mod queue;
mod read;
mod seed;
mod sqlite;

pub use crate::db::{migrate, schema_version, MIGRATIONS};
pub use sqlite::{SqliteStore, StoreOptions, MAX_BATCH};

/// The start of the office day of `now` (local midnight), in UTC.
pub fn read_day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    read::day_start(now)
}

use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::{Priority, TicketStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Where a ticket was issued: by the office server, or by a kiosk while it was offline
/// (`kiosk:<id>`, reconciled later).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// Issued by this server (the normal case).
    #[default]
    Server,
    /// Issued offline by the kiosk with this id.
    Kiosk(String),
}

impl Origin {
    /// Stored form: `server` or `kiosk:<id>`.
    pub fn to_db(&self) -> String {
        match self {
            Origin::Server => "server".to_owned(),
            Origin::Kiosk(id) => format!("kiosk:{id}"),
        }
    }

    /// Parses the stored form.
    pub fn from_db(s: &str) -> Option<Origin> {
        match s {
            "server" => Some(Origin::Server),
            _ => s
                .strip_prefix("kiosk:")
                .filter(|id| !id.is_empty())
                .map(|id| Origin::Kiosk(id.to_owned())),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_db())
    }
}

impl Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_db())
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Origin::from_db(&s).ok_or_else(|| serde::de::Error::custom("bad origin"))
    }
}

/// A request to issue one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRequest {
    /// Service to queue for.
    pub service_id: String,
    /// Priority category.
    pub priority: Priority,
    /// Who issues it.
    pub origin: Origin,
    /// Who asked (the kiosk, the staff member); recorded in the audit trail with the ticket.
    pub actor: Option<crate::access::Actor>,
    /// The request's Idempotency-Key, made unique per client (see [`request_key`]): a request
    /// with a key already stored gets that ticket back instead of a new number.
    pub request_key: Option<String>,
}

/// The stored form of a ticket request's Idempotency-Key: SHA-256 (hex) of who sent it and the
/// key, so one client's keys never meet another's and the table holds no client text.
pub fn request_key(who: &str, key: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(who.as_bytes());
    h.update([0u8]);
    h.update(key.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl IssueRequest {
    /// A server-issued request.
    pub fn new(service_id: impl Into<String>, priority: Priority) -> Self {
        IssueRequest {
            service_id: service_id.into(),
            priority,
            origin: Origin::Server,
            actor: None,
            request_key: None,
        }
    }
}

/// A service with its live queue figures, as the store reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Stable identifier, e.g. `ho-tich`.
    pub id: String,
    /// Letter prefix of its numbers.
    pub prefix: String,
    /// Vietnamese name (NFC).
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Whether numbers can be taken.
    pub open: bool,
    /// Default minutes one citizen takes at a counter.
    pub default_minutes: u32,
    /// Display order.
    pub sort_order: i64,
    /// Counters that serve it.
    pub counters: u32,
    /// Tickets waiting now (today).
    pub waiting: u32,
    /// Seconds one citizen takes at a counter, as the estimates use it: the mean of the
    /// service's recent call→completion times, or `default_minutes` when there are too few
    /// (see [`RECENT_SERVICE_TIMES`]).
    pub secs_each: u32,
}

impl ServiceInfo {
    /// Estimated wait for a ticket issued now.
    pub fn estimated_wait_minutes(&self) -> u32 {
        estimate_wait_from_secs(self.waiting, self.secs_each, self.counters)
    }
}

/// Most skipped tickets [`Store::skipped_today`] lists.
pub const MAX_SKIPPED: u32 = 100;

/// How many of a service's latest completed tickets the wait estimate averages over.
pub const RECENT_SERVICE_TIMES: u32 = 20;
/// Fewer completed tickets than this and the estimate uses the service's default minutes.
pub const MIN_SERVICE_TIMES: u32 = 3;
/// Shortest time per citizen an estimate assumes, in seconds (a run of very quick completions
/// must not promise a wait of zero).
pub const MIN_SECS_EACH: u32 = 60;
/// A call→completion time longer than this (seconds) is a counter that forgot to press
/// "complete"; it is left out of the mean.
pub const MAX_SERVICE_SECS: u32 = 2 * 3600;

/// Seconds per citizen from the mean of `samples` recent service times (`mean_secs`), or the
/// default when there are fewer than [`MIN_SERVICE_TIMES`].
pub fn secs_each(samples: u32, mean_secs: f64, default_minutes: u32) -> u32 {
    if samples < MIN_SERVICE_TIMES || !mean_secs.is_finite() {
        return default_minutes.saturating_mul(60);
    }
    (mean_secs.round() as u32).max(MIN_SECS_EACH)
}

/// A stored ticket with its live queue position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRecord {
    /// Random UUID, 32 lowercase hex digits.
    pub id: String,
    /// Service it queues for now (a transfer changes it).
    pub service_id: String,
    /// Office day (local date) it belongs to.
    pub office_day: NaiveDate,
    /// Daily sequence within the service that numbered it, from 1; `None` for a ticket a
    /// kiosk issued offline.
    pub seq: Option<u32>,
    /// Display form, e.g. `A023`.
    pub number: String,
    /// Priority category.
    pub priority: Priority,
    /// Life-cycle status.
    pub status: TicketStatus,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When a counter called it.
    pub called_at: Option<DateTime<Utc>>,
    /// Counter that called it.
    pub counter_id: Option<String>,
    /// When service was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Who issued it.
    pub origin: Origin,
    /// Waiting tickets of the same service and day ahead of it by issue time (0 unless
    /// waiting).
    pub people_ahead: u32,
    /// Estimated minutes until it is called.
    pub estimated_wait_minutes: u32,
    /// Vietnamese service name.
    pub service_name_vi: String,
    /// English service name.
    pub service_name_en: String,
    /// An earlier request with the same Idempotency-Key made it: this answer is that ticket
    /// again, not a new number (not stored; `false` on every read).
    pub replayed: bool,
}

/// Minutes until a ticket with `people_ahead` waiting before it is called: people ahead ×
/// minutes per citizen ÷ counters serving the service, rounded up (a service nobody serves
/// counts as one counter, so the estimate is never infinite).
pub fn estimate_wait_minutes(people_ahead: u32, minutes_each: u32, counters: u32) -> u32 {
    estimate_wait_from_secs(people_ahead, minutes_each.saturating_mul(60), counters)
}

/// [`estimate_wait_minutes`] with the time per citizen in seconds; the result is in minutes,
/// rounded up.
pub fn estimate_wait_from_secs(people_ahead: u32, secs_each: u32, counters: u32) -> u32 {
    let total = u64::from(people_ahead) * u64::from(secs_each);
    let per = total.div_ceil(u64::from(counters.max(1)) * 60);
    u32::try_from(per).unwrap_or(u32::MAX)
}

pub use motcua_core::queue::{CounterRef, EventKind};

/// A counter with its live state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterInfo {
    /// Id, number and name.
    pub counter: CounterRef,
    /// Services it serves, in display order.
    pub service_ids: Vec<String>,
    /// The ticket it called last and has not completed, skipped or transferred.
    pub current: Option<TicketRecord>,
    /// Tickets it completed today.
    pub served_today: u32,
}

/// A stored queue event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Grows with every event, never reused.
    pub id: i64,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub at: DateTime<Utc>,
    /// The ticket as it was right after the event.
    pub ticket: TicketRecord,
    /// The counter that acted (`None` for `issued`).
    pub counter: Option<CounterRef>,
    /// Tickets waiting per service (of the ticket's office day) right after the event.
    pub waiting: BTreeMap<String, u32>,
    /// For `transferred`: the service the ticket left.
    pub from_service_id: Option<String>,
}

/// What a counter does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CounterAction {
    /// Complete the current ticket (if any), then call the next waiting one of the services
    /// the counter serves (or of this one service, which it must serve).
    CallNext {
        /// Only this service.
        service_id: Option<String>,
    },
    /// Announce the current ticket again.
    Recall,
    /// The current citizen did not come: skipped.
    Skip,
    /// Send the current ticket to another service's queue, keeping its issue time.
    Transfer {
        /// The service it goes to.
        service_id: String,
    },
    /// The current citizen was served.
    Complete,
    /// Complete the current ticket (if any), then call this number of today: a waiting one out
    /// of turn, or a skipped one again (the citizen came back). It must be of a service the
    /// counter serves.
    CallNumber {
        /// The number as typed, upper case (`A012`; `A12` finds `A012` too).
        number: String,
    },
}

/// A counter action request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterCommand {
    /// The acting counter.
    pub counter_id: String,
    /// What it does.
    pub action: CounterAction,
    /// If given, must be the counter's current ticket (not used by `CallNext`).
    pub ticket_id: Option<String>,
    /// Who acts (the staff member, the counter device); recorded in the audit trail.
    pub actor: Option<crate::access::Actor>,
}

/// The result of a counter action: the counter after it and the ticket acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterOutcome {
    /// The counter's state after the action.
    pub counter: CounterInfo,
    /// The ticket called or acted on, as it is now.
    pub ticket: TicketRecord,
}

/// A ticket a kiosk issued while the office server could not be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineRequest {
    /// 32 lowercase hex digits; becomes the ticket's id.
    pub local_id: String,
    /// The issuing kiosk.
    pub kiosk_id: String,
    /// Service it queues for.
    pub service_id: String,
    /// Priority category.
    pub priority: Priority,
    /// The number the kiosk printed, e.g. `A1-007`.
    pub number: String,
    /// When the kiosk issued it; a time in the future is taken as now.
    pub issued_at: DateTime<Utc>,
    /// The device that sends it; recorded in the audit trail.
    pub actor: Option<crate::access::Actor>,
}

/// The stored offline ticket, and whether this request stored it (`false`: a repeat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineOutcome {
    /// The ticket with its queue position now.
    pub ticket: TicketRecord,
    /// Whether it was stored now (rather than by an earlier request).
    pub created: bool,
}

/// A call on the board's "last called" list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalledRecord {
    /// The ticket as it was called.
    pub ticket: TicketRecord,
    /// The calling counter.
    pub counter: CounterRef,
    /// When it was called (or recalled).
    pub at: DateTime<Utc>,
}

/// A consistent picture of the queue for a board that (re)connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRecord {
    /// Counters with their current tickets.
    pub counters: Vec<CounterInfo>,
    /// Latest calls of today, newest first, one per ticket.
    pub last_called: Vec<CalledRecord>,
    /// Services with waiting counts and estimates.
    pub services: Vec<ServiceInfo>,
    /// The latest event included in this picture (0 if none).
    pub last_event_id: i64,
}

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No service with this id.
    #[error("unknown service")]
    UnknownService(String),
    /// The service is not taking numbers.
    #[error("service closed")]
    ServiceClosed {
        /// Vietnamese name.
        name_vi: String,
        /// English name.
        name_en: String,
    },
    /// The writer is gone (shutting down or crashed).
    #[error("store unavailable")]
    Unavailable,
    /// No counter with this id.
    #[error("unknown counter")]
    UnknownCounter(String),
    /// No ticket with this id.
    #[error("unknown ticket")]
    UnknownTicket,
    /// Nobody waits in the services the counter serves.
    #[error("queue empty")]
    QueueEmpty,
    /// The counter has no current ticket.
    #[error("no current ticket")]
    NoCurrentTicket,
    /// The ticket is not the counter's current ticket.
    #[error("not the counter's ticket")]
    NotYourTicket,
    /// The counter does not serve the service.
    #[error("service not served by the counter")]
    ServiceNotServed {
        /// Counter number.
        counter_number: u32,
        /// The service id.
        service_id: String,
    },
    /// A transfer to the service the ticket is already in.
    #[error("transfer to the same service")]
    SameService,
    /// An offline ticket's id is taken by a different ticket.
    #[error("ticket id conflict")]
    TicketConflict,
    /// A ticket request's Idempotency-Key was used before for another service or priority.
    #[error("idempotency key reused for another ticket")]
    RequestKeyReused,
    /// No ticket of today has this number.
    #[error("no ticket with this number today")]
    NumberNotFound(String),
    /// Today's ticket with this number is of a service the counter does not serve.
    #[error("number of a service the counter does not serve")]
    NumberNotServed {
        /// The ticket's number.
        number: String,
        /// Counter number.
        counter_number: u32,
        /// The ticket's service, in Vietnamese.
        service_name_vi: String,
        /// The same in English.
        service_name_en: String,
    },
    /// Today's ticket with this number is being served or is done: it cannot be called.
    #[error("number cannot be called")]
    NumberNotCallable {
        /// The ticket's number.
        number: String,
        /// Its status (`called` or `completed`).
        status: TicketStatus,
        /// For `called`: the counter serving it.
        counter_name: Option<String>,
    },
    /// The database failed; the text is for logs (it never contains request data).
    #[error("storage error: {0}")]
    Storage(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Storage(e.to_string())
    }
}

/// The result of a write that is under way: await it from async code, or [`Pending::wait`] for
/// it from a plain thread. Dropping it does not cancel the write.
pub struct Pending<T>(tokio::sync::oneshot::Receiver<Result<T, StoreError>>);

impl<T> Pending<T> {
    /// A pending result and the sender that completes it.
    pub fn channel() -> (
        tokio::sync::oneshot::Sender<Result<T, StoreError>>,
        Pending<T>,
    ) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        (tx, Pending(rx))
    }

    /// An already known result.
    pub fn ready(r: Result<T, StoreError>) -> Pending<T> {
        let (tx, p) = Pending::channel();
        let _ = tx.send(r);
        p
    }

    /// Blocks the current thread until the result is known. Must not be called on an async
    /// runtime thread (await the `Pending` there instead).
    pub fn wait(self) -> Result<T, StoreError> {
        self.0
            .blocking_recv()
            .unwrap_or(Err(StoreError::Unavailable))
    }
}

impl<T> std::future::Future for Pending<T> {
    type Output = Result<T, StoreError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.unwrap_or(Err(StoreError::Unavailable)))
    }
}

/// The office queue's persistence. Implementations must make [`Store::issue_ticket`] atomic
/// and durable: when it returns `Ok`, the ticket is on disk and its number is unique and
/// gap-free within its service and office day.
pub trait Store: Send + Sync {
    /// All services in display order, with today's waiting counts (`now` decides the day).
    fn list_services(&self, now: DateTime<Utc>) -> Result<Vec<ServiceInfo>, StoreError>;

    /// Issues the next number of the request's service for the office day of `now`.
    /// An unknown or closed service consumes no number. Returns at once; the [`Pending`]
    /// completes when the ticket is durably stored. It never blocks the calling thread, so
    /// async code can call it directly.
    fn start_issue(&self, req: IssueRequest, now: DateTime<Utc>) -> Pending<TicketRecord>;

    /// Blocking form of [`Store::start_issue`], for plain threads (not async runtime threads).
    fn issue_ticket(
        &self,
        req: IssueRequest,
        now: DateTime<Utc>,
    ) -> Result<TicketRecord, StoreError> {
        self.start_issue(req, now).wait()
    }

    /// A ticket by id, with its queue position recomputed now; `None` if there is none.
    fn get_ticket(&self, id: &str, now: DateTime<Utc>) -> Result<Option<TicketRecord>, StoreError>;

    /// Opens or closes a service for new numbers.
    fn set_service_open(&self, service_id: &str, open: bool) -> Result<(), StoreError>;

    /// Every counter with its services, current ticket and tickets served today.
    fn list_counters(&self, now: DateTime<Utc>) -> Result<Vec<CounterInfo>, StoreError>;

    /// Today's skipped tickets of the services the counter serves, the latest called first,
    /// at most [`MAX_SKIPPED`]; `UnknownCounter` if there is no such counter.
    fn skipped_today(
        &self,
        counter_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<TicketRecord>, StoreError>;

    /// Runs a counter action atomically with its events: on error nothing changes. Never
    /// blocks the calling thread.
    fn start_counter_action(
        &self,
        cmd: CounterCommand,
        now: DateTime<Utc>,
    ) -> Pending<CounterOutcome>;

    /// Stores a ticket a kiosk issued offline, once per `local_id` (a repeat returns the stored
    /// ticket), and emits `issued` the first time. Never blocks the calling thread.
    fn start_offline(&self, req: OfflineRequest, now: DateTime<Utc>) -> Pending<OfflineOutcome>;

    /// Events with an id above `after`, oldest first, at most `limit`.
    fn events_after(&self, after: i64, limit: usize) -> Result<Vec<EventRecord>, StoreError>;

    /// One event by id.
    fn event(&self, id: i64) -> Result<Option<EventRecord>, StoreError>;

    /// The latest event id (0 if none).
    fn last_event_id(&self) -> Result<i64, StoreError>;

    /// The id just before the first event at or after `at` (the latest id if there is none):
    /// where a replay of today's events begins.
    fn last_event_before(&self, at: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Counters, today's last `last_called` calls, services and the latest event id, read in
    /// one transaction so they agree with each other.
    fn board(&self, now: DateTime<Utc>, last_called: usize) -> Result<BoardRecord, StoreError>;

    /// Live events, each sent once right after the transaction that made it committed, in id
    /// order. A receiver that lags behind gets `Lagged` and must read the gap with
    /// [`Store::events_after`].
    fn subscribe_events(&self) -> tokio::sync::broadcast::Receiver<Arc<EventRecord>>;

    /// Stops background work and waits for pending writes. Later writes fail with
    /// [`StoreError::Unavailable`]. The default does nothing.
    fn close(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_time_falls_back_and_has_a_floor() {
        assert_eq!(secs_each(0, 0.0, 10), 600);
        assert_eq!(secs_each(MIN_SERVICE_TIMES - 1, 300.0, 10), 600);
        assert_eq!(secs_each(MIN_SERVICE_TIMES, 300.4, 10), 300);
        assert_eq!(secs_each(20, 0.2, 10), MIN_SECS_EACH);
        assert_eq!(estimate_wait_from_secs(3, 300, 2), 8, "7.5 min rounds up");
        assert_eq!(estimate_wait_from_secs(0, 300, 2), 0);
    }

    #[test]
    fn event_kinds_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(k.as_str().parse::<EventKind>(), Ok(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        assert!(EventKind::Called.is_announced() && EventKind::Recalled.is_announced());
        assert!(!EventKind::Issued.is_announced());
    }

    #[test]
    fn estimate_rounds_up_and_survives_zero_counters() {
        assert_eq!(estimate_wait_minutes(0, 10, 2), 0);
        assert_eq!(estimate_wait_minutes(3, 10, 2), 15);
        assert_eq!(estimate_wait_minutes(1, 15, 2), 8);
        assert_eq!(estimate_wait_minutes(2, 10, 0), 20);
    }

    #[test]
    fn origin_round_trips() {
        for o in [Origin::Server, Origin::Kiosk("k7".into())] {
            assert_eq!(Origin::from_db(&o.to_db()), Some(o));
        }
        assert_eq!(Origin::from_db("kiosk:"), None);
        assert_eq!(Origin::from_db("other"), None);
    }
}
