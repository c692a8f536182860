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
//!
//! A replay goes back no further than today's first event: a client that asks for older ones
//! (`last_event_id=0`, an id from yesterday) first gets a `snapshot` event (the board, as
//! `GET /api/v1/board` answers it, with its `last_event_id`), then today's events. Streams are
//! capped in all and per client address ([`StreamLimits`]); over a cap the answer is 429 (this
//! client) or 503 (the server), with `Retry-After`.

use super::store::{EventKind, EventRecord};
use super::{event_wire, AppState, OfficeInfo};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use motcua_core::{ApiError, ErrorCode};
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
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

/// Event streams open at once (`motcua serve --max-streams`, `--max-streams-per-client`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    /// In all. An office has a board or two, a page per counter and a few kiosks.
    pub total: usize,
    /// From one client address (a staff PC with a few tabs open).
    pub per_client: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits {
            total: 256,
            per_client: 8,
        }
    }
}

/// The places of the open event streams.
#[derive(Debug)]
pub struct Slots {
    limits: StreamLimits,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One stream's place, given back when the stream ends.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<Slots>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

impl Slots {
    /// No stream open yet.
    pub fn new(limits: StreamLimits) -> Arc<Slots> {
        Arc::new(Slots {
            limits,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// Streams open now, in all.
    pub fn open(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .sum()
    }

    /// A place for a stream from `ip`, or the refusal that says which cap is reached.
    pub fn take(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, ApiError> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let total: usize = open.values().sum();
        let mine = open.get(&ip).copied().unwrap_or(0);
        if mine >= self.limits.per_client {
            let n = self.limits.per_client;
            return Err(ApiError::new(
                ErrorCode::RateLimited,
                format!(
                    "Máy này đã mở {n} luồng sự kiện, mức tối đa cho một máy. Hãy đóng bớt các \
                     trang đang mở rồi thử lại."
                ),
                format!(
                    "This device already has {n} event streams open, the most one device may \
                     have. Close some open pages and try again."
                ),
            ));
        }
        if total >= self.limits.total {
            let n = self.limits.total;
            return Err(ApiError::new(
                ErrorCode::ServerUnavailable,
                format!(
                    "Máy chủ đang phục vụ {n} luồng sự kiện, mức tối đa. Vui lòng thử lại sau."
                ),
                format!(
                    "The server is serving {n} event streams, its most. Please try again later."
                ),
            ));
        }
        *open.entry(ip).or_default() += 1;
        Ok(Slot {
            slots: self.clone(),
            ip,
        })
    }
}

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
    Snapshot(Event),
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
    /// The board as it stood when the stream began, sent first (a replay from before today).
    snapshot: Option<Event>,
    /// This stream's place under the caps.
    _slot: Slot,
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
        if let Some(ev) = self.snapshot.take() {
            return Some(Item::Snapshot(ev));
        }
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

/// The event stream for a client at `slot` that has seen events up to `after` (`None`: a new
/// client, live events only). An `after` beyond the latest event (a database that was
/// replaced) is treated as the latest; one before today's first event as today's start, after
/// a `snapshot` of the board.
pub async fn stream(
    app: AppState,
    after: Option<i64>,
    slot: Slot,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, motcua_core::ApiError> {
    // Subscribe before reading where the database is, so nothing falls in between.
    let live = app.hub().subscribe();
    let notes = Some(app.notes().subscribe());
    let latest = app.last_event_id().await?;
    let mut last = after.map_or(latest, |a| a.clamp(0, latest));
    let mut snapshot = None;
    if last < latest {
        let today = app.start_of_today().await?;
        if last < today {
            let board = app.board().await?;
            // The board read after `today` was found: it already counts today's events up to
            // its own `last_event_id`, which may be later; the replay starts from today and
            // the client applies events after the snapshot's id.
            let data = serde_json::to_string(&board).map_err(|_| ApiError::internal())?;
            snapshot = Some(Event::default().event("snapshot").data(data));
            last = today;
        }
    }
    let feed = Feed {
        closing: app.closing(),
        app,
        live,
        notes,
        last,
        backlog: VecDeque::new(),
        catch_up: last < latest,
        snapshot,
        _slot: slot,
    };
    let events = stream::unfold(feed, |mut feed| async move {
        let ev = match feed.next().await? {
            Item::Queue(ev) => sse_event(&ev),
            Item::Note(n) => note_event(&n),
            Item::Snapshot(ev) => ev,
        };
        Some((Ok(ev), feed))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}
