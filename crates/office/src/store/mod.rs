//! Storage of the office queue.
//!
//! Everything the server persists goes through the [`Store`] trait, so that a PostgreSQL store
//! can follow the SQLite one ([`SqliteStore`]) without touching the HTTP layer. Methods are
//! blocking; the async layer calls them from `tokio::task::spawn_blocking`.

mod migrations;
mod seed;
mod sqlite;

pub use migrations::{migrate, schema_version, MIGRATIONS};
pub use sqlite::{SqliteStore, StoreOptions, MAX_BATCH};

use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::{Priority, TicketStatus};
use std::fmt;

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

/// A request to issue one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRequest {
    /// Service to queue for.
    pub service_id: String,
    /// Priority category.
    pub priority: Priority,
    /// Who issues it.
    pub origin: Origin,
}

impl IssueRequest {
    /// A server-issued request.
    pub fn new(service_id: impl Into<String>, priority: Priority) -> Self {
        IssueRequest {
            service_id: service_id.into(),
            priority,
            origin: Origin::Server,
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
}

impl ServiceInfo {
    /// Estimated wait for a ticket issued now.
    pub fn estimated_wait_minutes(&self) -> u32 {
        estimate_wait_minutes(self.waiting, self.default_minutes, self.counters)
    }
}

/// A stored ticket with its live queue position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    /// Random UUID, 32 lowercase hex digits.
    pub id: String,
    /// Service it queues for.
    pub service_id: String,
    /// Office day (local date) it belongs to.
    pub office_day: NaiveDate,
    /// Daily sequence within the service, from 1.
    pub seq: u32,
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
    /// Waiting tickets of the same service and day issued before it (0 unless waiting).
    pub people_ahead: u32,
    /// Estimated minutes until it is called.
    pub estimated_wait_minutes: u32,
    /// Vietnamese service name.
    pub service_name_vi: String,
    /// English service name.
    pub service_name_en: String,
}

/// Minutes until a ticket with `people_ahead` waiting before it is called: people ahead ×
/// minutes per citizen ÷ counters serving the service, rounded up (a service nobody serves
/// counts as one counter, so the estimate is never infinite).
pub fn estimate_wait_minutes(people_ahead: u32, minutes_each: u32, counters: u32) -> u32 {
    let total = u64::from(people_ahead) * u64::from(minutes_each);
    let per = total.div_ceil(u64::from(counters.max(1)));
    u32::try_from(per).unwrap_or(u32::MAX)
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

    /// Stops background work and waits for pending writes. Later writes fail with
    /// [`StoreError::Unavailable`]. The default does nothing.
    fn close(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

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
