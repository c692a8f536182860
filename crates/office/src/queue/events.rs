//! Live queue events for the boards and counters: `GET /api/v1/events` as Server-Sent Events.
//!
//! The store publishes each event once, right after the transaction that made it commits. One
//! task renders it to its wire JSON ([`EventHub`]) and fans it out to every stream. A stream
//! that starts from an event id (`Last-Event-ID` or `?last_event_id=`) first subscribes to the
//! hub, then reads the events after that id from the database, then goes live, skipping live
//! events it already sent from the backlog: no event is missed at the seam and none is sent
//! twice. A stream that falls behind the hub, or sees an id jump, reads the gap from the
//! database the same way.
//!
//! Beside the queue events the stream carries live notes ([`Notes`]): what another domain
//! publishes for the pages at once without storing it (a device's status, SSE event `device`).
//! They have no `id:` (a browser keeps its last event id), are never replayed, and a client
//! listening only for the queue's event names never sees them.

use super::store::{EventKind, EventRecord};
use super::{event_wire, AppState, OfficeInfo};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// Live events kept for slow streams before they read the gap from the database instead.
const HUB_CAPACITY: usize = 1024;

/// Events read from the database per query while catching up.
const BACKLOG_PAGE: usize = 500;

/// Live notes kept for a slow stream; older ones are dropped for it (a page reloads what notes
/// tell when it reconnects).
const NOTES_CAPACITY: usize = 64;

/// Interval of the keep-alive comment.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// An event rendered once for every stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireEvent {
    /// The event id (SSE `id:`).
    pub id: i64,
    /// The event type (SSE `event:`).
    pub kind: EventKind,
    /// The JSON payload (SSE `data:`), one line.
    pub data: String,
}

/// Renders a stored event for `office`.
pub fn render(office: &OfficeInfo, ev: &EventRecord) -> WireEvent {
    let data = serde_json::to_string(&event_wire(office, ev)).expect("event JSON");
    WireEvent {
        id: ev.id,
        kind: ev.kind,
        data,
    }
}

/// Fan-out of rendered live events.
#[derive(Clone)]
pub struct EventHub {
    tx: broadcast::Sender<Arc<WireEvent>>,
}

impl EventHub {
    /// Starts the task that renders the store's live events and sends them to subscribers.
    /// Must be called inside a tokio runtime.
    pub fn start(
        mut from_store: broadcast::Receiver<Arc<EventRecord>>,
        office: Arc<OfficeInfo>,
    ) -> EventHub {
        let (tx, _) = broadcast::channel(HUB_CAPACITY);
        let hub = EventHub { tx: tx.clone() };
        tokio::spawn(async move {
            loop {
                match from_store.recv().await {
                    // With no stream open there is nobody to render for (a stream that opens
                    // later reads what it needs from the database).
                    Ok(_) if tx.receiver_count() == 0 => {}
                    Ok(ev) => {
                        let _ = tx.send(Arc::new(render(&office, &ev)));
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        // Streams notice the id jump and read the gap from the database.
                        tracing::warn!(missed = n, "event hub fell behind the store");
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        hub
    }

    /// A receiver of the events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WireEvent>> {
        self.tx.subscribe()
    }
}

/// A live note: an SSE event that is not a stored queue event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveNote {
    /// The SSE `event:` name (never a queue event kind).
    pub event: &'static str,
    /// The JSON payload (SSE `data:`), one line.
    pub data: String,
}

/// Where domains publish live notes for every open event stream.
#[derive(Clone)]
pub struct Notes {
    tx: broadcast::Sender<Arc<LiveNote>>,
}

impl Default for Notes {
    fn default() -> Self {
        Notes {
            tx: broadcast::channel(NOTES_CAPACITY).0,
        }
    }
}

impl Notes {
    /// Sends `value` as JSON under the SSE event name `event` to every open stream (none open
    /// is fine: a page that opens later loads the state itself).
    pub fn publish<T: serde::Serialize>(&self, event: &'static str, value: &T) {
        debug_assert!(
            event.parse::<EventKind>().is_err(),
            "{event} is a queue event"
        );
        let data = serde_json::to_string(value).expect("note JSON");
        let _ = self.tx.send(Arc::new(LiveNote { event, data }));
    }

    /// A receiver of the notes published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveNote>> {
        self.tx.subscribe()
    }
}

/// What a stream sends next.
enum Item {
    Queue(Arc<WireEvent>),
    Note(Arc<LiveNote>),
}

/// State of one event stream.
struct Feed {
    app: AppState,
    live: broadcast::Receiver<Arc<WireEvent>>,
    /// Live notes; `None` once their channel is closed.
    notes: Option<broadcast::Receiver<Arc<LiveNote>>>,
    closing: watch::Receiver<bool>,
    /// The last event id sent (or the one the client said it has).
    last: i64,
    /// Events read from the database, to send before going live.
    backlog: VecDeque<Arc<WireEvent>>,
    /// The database may hold events after `last` not yet in `backlog`.
    catch_up: bool,
}

fn sse_event(ev: &WireEvent) -> Event {
    Event::default()
        .id(ev.id.to_string())
        .event(ev.kind.as_str())
        .data(&ev.data)
}

fn note_event(n: &LiveNote) -> Event {
    Event::default().event(n.event).data(&n.data)
}

/// The next live note, or never (no channel).
async fn next_note(
    notes: &mut Option<broadcast::Receiver<Arc<LiveNote>>>,
) -> Result<Arc<LiveNote>, broadcast::error::RecvError> {
    match notes {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

impl Feed {
    /// The next event to send, or `None` when the stream ends (server shutting down, store
    /// gone).
    async fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(ev) = self.backlog.pop_front() {
                if ev.id > self.last {
                    self.last = ev.id;
                    return Some(Item::Queue(ev));
                }
                continue;
            }
            if self.catch_up {
                match self.app.events_after(self.last, BACKLOG_PAGE).await {
                    Ok(page) => {
                        self.catch_up = page.len() == BACKLOG_PAGE;
                        self.backlog.extend(page);
                    }
                    Err(e) => {
                        tracing::warn!(code = ?e.code, "event stream cannot read the backlog");
                        return None;
                    }
                }
                continue;
            }
            if *self.closing.borrow() {
                return None;
            }
            tokio::select! {
                _ = self.closing.changed() => return None,
                r = self.live.recv() => match r {
                    Ok(ev) if ev.id <= self.last => {}
                    Ok(ev) if ev.id == self.last + 1 => {
                        self.last = ev.id;
                        return Some(Item::Queue(ev));
                    }
                    // An id jump (the hub fell behind the store) or a lagging stream: read
                    // what is missing from the database, which has every committed event.
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => self.catch_up = true,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                n = next_note(&mut self.notes) => match n {
                    Ok(n) => return Some(Item::Note(n)),
                    // Notes missed by a slow stream are not replayed.
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => self.notes = None,
                },
            }
        }
    }
}

/// The event stream for a client that has seen events up to `after` (`None`: a new client,
/// live events only). An `after` beyond the latest event (a database that was replaced) is
/// treated as the latest.
pub async fn stream(
    app: AppState,
    after: Option<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, motcua_core::ApiError> {
    // Subscribe before reading where the database is, so nothing falls in between.
    let live = app.hub().subscribe();
    let notes = Some(app.notes().subscribe());
    let latest = app.last_event_id().await?;
    let last = after.map_or(latest, |a| a.clamp(0, latest));
    let feed = Feed {
        closing: app.closing(),
        app,
        live,
        notes,
        last,
        backlog: VecDeque::new(),
        catch_up: last < latest,
    };
    let events = stream::unfold(feed, |mut feed| async move {
        let ev = match feed.next().await? {
            Item::Queue(ev) => sse_event(&ev),
            Item::Note(n) => note_event(&n),
        };
        Some((Ok(ev), feed))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}
