//! The queue domain: services, tickets, counters, the board, live events and announcements.
//!
//! [`AppState`] is the queue service the handlers ([`http`]) call: it turns store records
//! ([`store`]) into the wire types of `motcua_core` and store errors into bilingual
//! [`ApiError`]s, and keeps blocking storage work off the async runtime. Beside it: [`events`]
//! (Server-Sent Events with resume by event id), [`voice`] (espeak-ng announcements) and
//! [`status_page`] (the ticket's page for the citizen's phone).

pub mod events;
pub mod http;
pub mod status_page;
pub mod store;
pub mod voice;

use chrono::{DateTime, Utc};
use events::{EventHub, WireEvent};
use motcua_core::queue::{ActionResult, BoardWire, CalledWire, CounterWire, EventWire};
use motcua_core::time::rfc3339_vn;
use motcua_core::{ApiError, ErrorCode, Priority, Service, Ticket, TicketStatus};
use std::path::PathBuf;
use std::sync::Arc;
use store::{
    BoardRecord, CalledRecord, CounterAction, CounterCommand, CounterInfo, EventRecord,
    IssueRequest, OfflineRequest, Origin, ServiceInfo, Store, StoreError, TicketRecord,
};
use tokio::sync::watch;
use voice::{Voice, VoiceError};

/// Office-wide settings the service needs to present tickets.
#[derive(Debug, Clone)]
pub struct OfficeInfo {
    /// Shown on tickets and the status page.
    pub office_name: String,
    /// Base of `status_url`, without a trailing slash (e.g. `http://192.168.1.10:8080`).
    pub public_base_url: String,
}

/// Settings of the parts of the service that are not the store.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Program run to synthesise announcements (`espeak-ng`, looked up on `PATH`).
    pub espeak: PathBuf,
    /// Event streams open at once, in all and per client address (`--max-streams`,
    /// `--max-streams-per-client`).
    pub streams: events::StreamLimits,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            espeak: PathBuf::from("espeak-ng"),
            streams: events::StreamLimits::default(),
        }
    }
}

/// Calls shown in the board snapshot's "last called" list.
pub const BOARD_LAST_CALLED: usize = 10;

/// Shared state of the HTTP handlers: the store, the office settings, the live event hub, the
/// voice and the pages.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    office: Arc<OfficeInfo>,
    hub: EventHub,
    notes: events::Notes,
    voice: Arc<Voice>,
    closing: watch::Sender<bool>,
    streams: Arc<events::Slots>,
}

impl AppState {
    /// State over `store` with default options. Must be called inside a tokio runtime (it
    /// starts the task that renders live events once for every stream).
    pub fn new(store: Arc<dyn Store>, office: OfficeInfo) -> AppState {
        AppState::with_options(store, office, AppOptions::default())
    }

    /// State over `store`; `public_base_url` loses any trailing `/`. Must be called inside a
    /// tokio runtime.
    pub fn with_options(
        store: Arc<dyn Store>,
        mut office: OfficeInfo,
        opts: AppOptions,
    ) -> AppState {
        while office.public_base_url.ends_with('/') {
            office.public_base_url.pop();
        }
        office.office_name = motcua_core::text::nfc(&office.office_name);
        let office = Arc::new(office);
        let hub = EventHub::start(store.subscribe_events(), office.clone());
        AppState {
            store,
            office,
            hub,
            notes: events::Notes::default(),
            voice: Arc::new(Voice::new(opts.espeak)),
            closing: watch::Sender::new(false),
            streams: events::Slots::new(opts.streams),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The office settings.
    pub fn office(&self) -> &OfficeInfo {
        &self.office
    }

    /// The live event hub.
    pub fn hub(&self) -> &EventHub {
        &self.hub
    }

    /// Where other domains publish live notes on the event stream (not stored, no id).
    pub fn notes(&self) -> &events::Notes {
        &self.notes
    }

    /// The event streams' places, in all and per client.
    pub fn streams(&self) -> &Arc<events::Slots> {
        &self.streams
    }

    /// Ends every open event stream (so a graceful shutdown does not wait for them).
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    /// Changes to `true` when the streams must end.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// All services with waiting counts and estimated waits.
    pub async fn list_services(&self) -> Result<Vec<Service>, ApiError> {
        let store = self.store.clone();
        let infos = blocking(move || store.list_services(Utc::now())).await?;
        Ok(infos.into_iter().map(service_wire).collect())
    }

    /// Issues a ticket for `service_id`.
    pub async fn issue_ticket(
        &self,
        service_id: String,
        priority: Priority,
    ) -> Result<Ticket, ApiError> {
        let (t, _) = self
            .issue_ticket_as(service_id, priority, None, None)
            .await?;
        Ok(t)
    }

    /// Issues a ticket for `service_id` on behalf of `actor` (in the audit trail). With a
    /// `request_key` (the stored form of the request's Idempotency-Key, see
    /// [`store::request_key`]) a retry gets the ticket the first request made; the flag says
    /// whether this answer is such a replay.
    pub async fn issue_ticket_as(
        &self,
        service_id: String,
        priority: Priority,
        actor: Option<crate::access::Actor>,
        request_key: Option<String>,
    ) -> Result<(Ticket, bool), ApiError> {
        // No blocking thread: the writer answers through the pending result.
        let mut req = IssueRequest::new(service_id, priority);
        req.actor = actor;
        req.request_key = request_key;
        let rec = self
            .store
            .start_issue(req, Utc::now())
            .await
            .map_err(store_error)?;
        let replayed = rec.replayed;
        tracing::debug!(service = %rec.service_id, number = %rec.number, replayed, "issued ticket");
        Ok((self.ticket_wire(rec), replayed))
    }

    /// A ticket by id with its queue position recomputed now.
    pub async fn get_ticket(&self, id: String) -> Result<Ticket, ApiError> {
        if !is_ticket_id(&id) {
            return Err(ticket_not_found());
        }
        let store = self.store.clone();
        blocking(move || store.get_ticket(&id, Utc::now()))
            .await?
            .map(|rec| self.ticket_wire(rec))
            .ok_or_else(ticket_not_found)
    }

    /// Every counter with its current ticket.
    pub async fn list_counters(&self) -> Result<Vec<CounterWire>, ApiError> {
        let store = self.store.clone();
        let list = blocking(move || store.list_counters(Utc::now())).await?;
        Ok(list.into_iter().map(|c| self.counter_wire(c)).collect())
    }

    /// Today's skipped tickets of the services the counter serves, the latest called first.
    pub async fn skipped(&self, counter_id: String) -> Result<Vec<Ticket>, ApiError> {
        if counter_id.is_empty() || counter_id.len() > 64 {
            return Err(unknown_counter(&counter_id));
        }
        let store = self.store.clone();
        let list = blocking(move || store.skipped_today(&counter_id, Utc::now())).await?;
        Ok(list.into_iter().map(|t| self.ticket_wire(t)).collect())
    }

    /// Runs a counter action. `ticket_id`, where given, must be the counter's current ticket.
    pub async fn counter_action(
        &self,
        counter_id: String,
        action: CounterAction,
        ticket_id: Option<String>,
    ) -> Result<ActionResult, ApiError> {
        self.counter_action_as(counter_id, action, ticket_id, None)
            .await
    }

    /// Runs a counter action on behalf of `actor` (in the audit trail).
    pub async fn counter_action_as(
        &self,
        counter_id: String,
        action: CounterAction,
        ticket_id: Option<String>,
        actor: Option<crate::access::Actor>,
    ) -> Result<ActionResult, ApiError> {
        if let Some(t) = &ticket_id {
            if !is_ticket_id(t) {
                return Err(bad_ticket_id());
            }
        }
        if counter_id.is_empty() || counter_id.len() > 64 {
            return Err(unknown_counter(&counter_id));
        }
        let cmd = CounterCommand {
            counter_id,
            action,
            ticket_id,
            actor,
        };
        let out = self
            .store
            .start_counter_action(cmd, Utc::now())
            .await
            .map_err(store_error)?;
        Ok(ActionResult {
            counter: self.counter_wire(out.counter),
            ticket: self.ticket_wire(out.ticket),
        })
    }

    /// Stores a ticket a kiosk issued offline; `true` if this request stored it.
    pub async fn offline_ticket(&self, req: OfflineRequest) -> Result<(Ticket, bool), ApiError> {
        let out = self
            .store
            .start_offline(req, Utc::now())
            .await
            .map_err(store_error)?;
        Ok((self.ticket_wire(out.ticket), out.created))
    }

    /// The board snapshot.
    pub async fn board(&self) -> Result<BoardWire, ApiError> {
        let store = self.store.clone();
        let now = Utc::now();
        let b: BoardRecord = blocking(move || store.board(now, BOARD_LAST_CALLED)).await?;
        Ok(BoardWire {
            office_name: self.office.office_name.clone(),
            counters: b
                .counters
                .into_iter()
                .map(|c| self.counter_wire(c))
                .collect(),
            last_called: b
                .last_called
                .into_iter()
                .map(|c: CalledRecord| CalledWire {
                    ticket: self.ticket_wire(c.ticket),
                    counter: c.counter,
                    at: rfc3339_vn(c.at),
                })
                .collect(),
            services: b.services.into_iter().map(service_wire).collect(),
            server_time: rfc3339_vn(now),
            last_event_id: b.last_event_id,
        })
    }

    /// Events after `after`, rendered, oldest first, at most `limit`.
    pub async fn events_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Arc<WireEvent>>, ApiError> {
        let store = self.store.clone();
        let list = blocking(move || store.events_after(after, limit)).await?;
        Ok(list
            .iter()
            .map(|e| Arc::new(events::render(&self.office, e)))
            .collect())
    }

    /// Where a replay of today's events begins: the id just before today's first event.
    pub async fn start_of_today(&self) -> Result<i64, ApiError> {
        let store = self.store.clone();
        let at = store::read_day_start(Utc::now());
        blocking(move || store.last_event_before(at)).await
    }

    /// The latest event id.
    pub async fn last_event_id(&self) -> Result<i64, ApiError> {
        let store = self.store.clone();
        blocking(move || store.last_event_id()).await
    }

    /// The WAV of a `called` or `recalled` event's announcement.
    pub async fn announcement(&self, event_id: i64) -> Result<Arc<Vec<u8>>, ApiError> {
        let store = self.store.clone();
        let ev = blocking(move || store.event(event_id))
            .await?
            .filter(|e| e.kind.is_announced() && e.counter.is_some())
            .ok_or_else(announcement_not_found)?;
        let counter = ev.counter.as_ref().map(|c| c.number).unwrap_or_default();
        let speech = motcua_core::voice::announcement_speech(&ev.ticket.number, counter);
        self.voice.wav(&speech).await.map_err(|e| match e {
            VoiceError::Missing => ApiError::new(
                ErrorCode::VoiceUnavailable,
                "Máy chủ chưa cài giọng đọc (espeak-ng), nên không phát được lời mời. Số vẫn \
                 hiện trên bảng. Vui lòng báo quản trị viên cài gói espeak-ng.",
                "The server has no voice installed (espeak-ng), so the call cannot be spoken. \
                 The number still shows on the board. Please ask the administrator to install \
                 the espeak-ng package.",
            ),
            VoiceError::Failed(detail) => {
                tracing::warn!(%detail, "speech synthesis failed");
                ApiError::new(
                    ErrorCode::VoiceUnavailable,
                    "Không tạo được giọng đọc lúc này. Số vẫn hiện trên bảng.",
                    "The announcement could not be spoken right now. The number still shows \
                     on the board.",
                )
            }
        })
    }

    /// Wire form of a stored ticket.
    pub fn ticket_wire(&self, rec: TicketRecord) -> Ticket {
        ticket_wire(&self.office, rec)
    }

    fn counter_wire(&self, c: CounterInfo) -> CounterWire {
        CounterWire {
            id: c.counter.id,
            number: c.counter.number,
            name: c.counter.name,
            service_ids: c.service_ids,
            current: c.current.map(|t| self.ticket_wire(t)),
            served_today: c.served_today,
        }
    }
}

/// Wire form of a stored ticket for `office`.
pub fn ticket_wire(office: &OfficeInfo, rec: TicketRecord) -> Ticket {
    Ticket {
        status_url: format!("{}/t/{}", office.public_base_url, rec.id),
        offline: rec.origin != Origin::Server,
        id: rec.id,
        number: rec.number,
        service_id: rec.service_id,
        priority: rec.priority,
        issued_at: rfc3339_vn(rec.issued_at),
        people_ahead: rec.people_ahead,
        estimated_wait_minutes: rec.estimated_wait_minutes,
        status: rec.status,
        service_name_vi: Some(rec.service_name_vi),
        service_name_en: Some(rec.service_name_en),
        office_name: Some(office.office_name.clone()),
        counters: None,
    }
}

/// Wire form of a stored event for `office`.
pub fn event_wire(office: &OfficeInfo, ev: &EventRecord) -> EventWire {
    EventWire {
        id: ev.id,
        kind: ev.kind,
        at: rfc3339_vn(ev.at),
        ticket: ticket_wire(office, ev.ticket.clone()),
        counter: ev.counter.clone(),
        waiting: ev.waiting.clone(),
        from_service_id: ev.from_service_id.clone(),
    }
}

fn service_wire(s: ServiceInfo) -> Service {
    Service {
        estimated_wait_minutes: s.estimated_wait_minutes(),
        id: s.id,
        prefix: s.prefix,
        name_vi: s.name_vi,
        name_en: s.name_en,
        open: s.open,
        waiting: s.waiting,
    }
}

/// Ticket ids are 32 lowercase hex digits; anything else cannot exist.
pub fn is_ticket_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn ticket_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "Không tìm thấy số thứ tự này. Vui lòng kiểm tra lại đường dẫn hoặc mã QR trên phiếu.",
        "This ticket was not found. Please check the link or the QR code on your ticket.",
    )
}

fn bad_ticket_id() -> ApiError {
    ApiError::new(
        ErrorCode::BadRequest,
        "“ticket_id” phải gồm 32 chữ số thập lục phân viết thường.",
        "“ticket_id” must be 32 lowercase hexadecimal digits.",
    )
}

fn unknown_counter(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::UnknownCounter,
        format!("Không có quầy “{id}”. Vui lòng chọn quầy trong danh sách."),
        format!("There is no counter “{id}”. Please choose a counter from the list."),
    )
}

fn announcement_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "Không có lời mời nào ứng với sự kiện này (chỉ sự kiện gọi số và gọi lại có lời mời).",
        "There is no announcement for this event (only call and recall events have one).",
    )
}

/// Maps a store failure to what the user sees. Storage details go to the log only.
pub fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::UnknownService(id) => ApiError::unknown_service(&id),
        StoreError::ServiceClosed { name_vi, name_en } => {
            ApiError::service_closed(&name_vi, &name_en)
        }
        StoreError::UnknownCounter(id) => unknown_counter(&id),
        StoreError::UnknownTicket => ticket_not_found(),
        StoreError::QueueEmpty => ApiError::new(
            ErrorCode::QueueEmpty,
            "Không còn ai chờ ở các dịch vụ của quầy này. Lượt hiện tại (nếu có) vẫn giữ nguyên; \
             bấm “Hoàn thành” để kết thúc.",
            "Nobody is waiting in this counter's services. The current ticket (if any) is \
             unchanged; press “Complete” to finish it.",
        ),
        StoreError::NoCurrentTicket => ApiError::new(
            ErrorCode::NoCurrentTicket,
            "Quầy này chưa gọi số nào. Bấm “Gọi số tiếp” trước.",
            "This counter has no current ticket. Press “Call next” first.",
        ),
        StoreError::NotYourTicket => ApiError::new(
            ErrorCode::NotYourTicket,
            "Số này không phải số đang phục vụ tại quầy này. Mỗi quầy chỉ xử lý số mình đã gọi.",
            "This ticket is not the one this counter is serving. A counter can only act on the \
             ticket it called.",
        ),
        StoreError::ServiceNotServed {
            counter_number,
            service_id,
        } => ApiError::new(
            ErrorCode::ServiceNotServed,
            format!("Quầy {counter_number} không phục vụ dịch vụ “{service_id}”."),
            format!("Counter {counter_number} does not serve the service “{service_id}”."),
        ),
        StoreError::SameService => ApiError::new(
            ErrorCode::BadRequest,
            "Số này đã ở dịch vụ đó. Hãy chọn một dịch vụ khác để chuyển.",
            "The ticket is already in that service. Choose another service to transfer to.",
        ),
        StoreError::NumberNotFound(number) => ApiError::new(
            ErrorCode::NotFound,
            format!(
                "Hôm nay không có số “{number}”. Vui lòng kiểm tra lại số trên phiếu. Không có \
                 gì thay đổi."
            ),
            format!(
                "There is no number “{number}” today. Please check the number on the ticket. \
                 Nothing was changed."
            ),
        ),
        StoreError::NumberNotServed {
            number,
            counter_number,
            service_name_vi,
            service_name_en,
        } => ApiError::new(
            ErrorCode::ServiceNotServed,
            format!(
                "Số {number} thuộc dịch vụ “{service_name_vi}”, quầy {counter_number} không \
                 phục vụ dịch vụ này. Không có gì thay đổi."
            ),
            format!(
                "Number {number} is for “{service_name_en}”, which counter {counter_number} \
                 does not serve. Nothing was changed."
            ),
        ),
        StoreError::NumberNotCallable {
            number,
            status,
            counter_name,
        } => match (status, counter_name) {
            (TicketStatus::Called, Some(c)) => ApiError::new(
                ErrorCode::TicketNotCallable,
                format!("Số {number} đang được phục vụ tại {c}. Không có gì thay đổi."),
                format!("Number {number} is being served at {c}. Nothing was changed."),
            ),
            _ => ApiError::new(
                ErrorCode::TicketNotCallable,
                format!("Số {number} đã được phục vụ xong. Không có gì thay đổi."),
                format!("Number {number} has already been served. Nothing was changed."),
            ),
        },
        StoreError::TicketConflict => ApiError::new(
            ErrorCode::TicketConflict,
            "Mã “local_id” này đã thuộc về một số khác. Số ngoại tuyến không được lưu.",
            "This “local_id” already belongs to a different ticket. The offline ticket was not \
             stored.",
        ),
        StoreError::RequestKeyReused => ApiError::new(
            ErrorCode::IdempotencyConflict,
            "Mã Idempotency-Key này đã dùng để lấy một số cho dịch vụ hoặc đối tượng ưu tiên khác. \
             Mỗi lần lấy số mới cần một mã mới. Không có số nào được cấp.",
            "This Idempotency-Key was used for a ticket of another service or priority. Each new \
             ticket needs a new key. No number was issued.",
        ),
        StoreError::Unavailable => ApiError::new(
            ErrorCode::ServerUnavailable,
            "Hệ thống đang khởi động lại. Vui lòng thử lại sau ít phút.",
            "The system is restarting. Please try again in a few minutes.",
        ),
        StoreError::Storage(detail) => {
            tracing::error!(%detail, "storage error");
            ApiError::internal()
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(store_error),
        Err(e) => {
            tracing::error!(error = %e, "storage task failed");
            Err(ApiError::internal())
        }
    }
}

/// Parses an RFC 3339 time with offset (an offline ticket's `issued_at`).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_ids_are_checked_before_the_store() {
        assert!(is_ticket_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_ticket_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_ticket_id("../../etc/passwd"));
        assert!(!is_ticket_id(""));
    }

    #[test]
    fn every_store_error_is_bilingual() {
        let all = [
            StoreError::UnknownService("x".into()),
            StoreError::UnknownCounter("x".into()),
            StoreError::UnknownTicket,
            StoreError::QueueEmpty,
            StoreError::NoCurrentTicket,
            StoreError::NotYourTicket,
            StoreError::ServiceNotServed {
                counter_number: 2,
                service_id: "x".into(),
            },
            StoreError::SameService,
            StoreError::TicketConflict,
            StoreError::RequestKeyReused,
            StoreError::NumberNotFound("A012".into()),
            StoreError::NumberNotServed {
                number: "B003".into(),
                counter_number: 1,
                service_name_vi: "Đất đai".into(),
                service_name_en: "Land".into(),
            },
            StoreError::NumberNotCallable {
                number: "A001".into(),
                status: TicketStatus::Called,
                counter_name: Some("Quầy 2".into()),
            },
            StoreError::NumberNotCallable {
                number: "A001".into(),
                status: TicketStatus::Completed,
                counter_name: None,
            },
            StoreError::Unavailable,
        ];
        for e in all {
            let a = store_error(e.clone());
            assert!(
                !a.message_vi.is_empty() && !a.message_en.is_empty(),
                "{e:?}"
            );
            assert_ne!(a.message_vi, a.message_en, "{e:?}");
            assert!((400..600).contains(&a.http_status()), "{e:?}");
        }
        assert_eq!(store_error(StoreError::NotYourTicket).http_status(), 403);
        assert_eq!(store_error(StoreError::QueueEmpty).http_status(), 409);
    }
}
