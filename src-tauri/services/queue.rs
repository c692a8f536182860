//! Queue numbers at the kiosk: the services to choose from, a ticket from the office server
//! or, while it cannot be reached, from the kiosk's own sequence (kept in the outbox and handed
//! over exactly once when it answers again), printed.

use super::link::OfficeLink;
use super::local_store::{LocalStore, OfflineTicket};
use super::office_client::ClientError;
use super::printer::Printer;
use chrono::Utc;
use motcua_core::{ApiError, ErrorCode, IssueTicketRequest, Service, Ticket, TicketStatus};
use serde::Serialize;
use std::sync::Arc;

/// What `issue_ticket` returns: the ticket, its QR for the screen, and whether it printed.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct IssuedTicket {
    pub ticket: Ticket,
    pub qr_svg: String,
    pub printed: bool,
    pub print_error: Option<ApiError>,
}

/// The queue at the kiosk.
pub struct QueueService {
    link: OfficeLink,
    local: Arc<LocalStore>,
    printer: Printer,
    kiosk_number: u32,
    office_name: String,
    public_url: Option<String>,
    /// The last ticket issued here, for "In lại" (nothing personal: a number and a service).
    last: std::sync::Mutex<Option<Ticket>>,
    /// Service id → numbers of the counters serving it, from the office's last counter list
    /// (printed as "Quầy phục vụ", offline tickets too).
    counters: std::sync::Mutex<std::collections::HashMap<String, Vec<u32>>>,
}

/// What `reprint_ticket` returns: whether the ticket printed this time.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct PrintOutcome {
    pub printed: bool,
    pub print_error: Option<ApiError>,
}

impl QueueService {
    pub(crate) fn new(
        link: OfficeLink,
        local: Arc<LocalStore>,
        printer: Printer,
        kiosk_number: u32,
        office_name: String,
        public_url: Option<String>,
    ) -> QueueService {
        QueueService {
            link,
            local,
            printer,
            kiosk_number,
            office_name,
            public_url,
            last: std::sync::Mutex::new(None),
            counters: Default::default(),
        }
    }

    /// Offline tickets not yet handed to the server, and those it refused (kept for staff).
    pub fn outbox_counts(&self) -> (u32, u32) {
        self.local.outbox_counts().unwrap_or_else(|e| {
            tracing::error!("kiosk database: {e}");
            (0, 0)
        })
    }

    /// The services to take a number from: the server's list (remembered for offline use), or
    /// the remembered list with this kiosk's offline tickets added when the server is
    /// unreachable.
    pub async fn services(&self) -> Result<Vec<Service>, ApiError> {
        let (services, counters) =
            tokio::join!(self.link.client.services(), self.link.client.counters());
        if let Ok(counters) = counters {
            let mut by_service = std::collections::HashMap::<String, Vec<u32>>::new();
            for c in counters {
                for s in c.service_ids {
                    by_service.entry(s).or_default().push(c.number);
                }
            }
            for numbers in by_service.values_mut() {
                numbers.sort_unstable();
                numbers.dedup();
            }
            *self.counters.lock().unwrap_or_else(|p| p.into_inner()) = by_service;
        }
        match services {
            Ok(list) => {
                self.link.set_online(true);
                let (local, copy) = (self.local.clone(), list.clone());
                let _ = tokio::task::spawn_blocking(move || {
                    if let Err(e) = local.save_services(&copy) {
                        tracing::error!("cannot cache the services: {e}");
                    }
                })
                .await;
                Ok(list)
            }
            Err(e) if e.is_unreachable() => {
                self.link.set_online(false);
                self.link.wake_sync();
                let local = self.local.clone();
                let cached = tokio::task::spawn_blocking(move || -> Option<Vec<Service>> {
                    let now = Utc::now();
                    let mut list = local.cached_services().ok()?;
                    for s in &mut list {
                        let extra = local.pending_for(&s.id, now).unwrap_or(0);
                        let ahead = s.waiting + extra;
                        s.estimated_wait_minutes = scaled_wait(s, ahead);
                        s.waiting = ahead;
                    }
                    Some(list)
                })
                .await
                .ok()
                .flatten()
                .filter(|l| !l.is_empty());
                cached.ok_or_else(|| e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Issues a ticket at the office server, or offline from the kiosk's own sequence when the
    /// server cannot be reached, and prints it. A printer failure never loses the ticket: it is
    /// returned with `printed: false` so the screen shows it with its QR.
    pub async fn issue_ticket(&self, req: IssueTicketRequest) -> Result<IssuedTicket, ApiError> {
        // Known to be offline (the sync loop rechecks every 2 s): do not make the citizen wait
        // for a connection timeout.
        let attempt = if self.link.is_online() {
            // One key per press: if the answer is lost (a timeout while the server committed),
            // the retry gets the same ticket, not a "ghost" second number.
            let key = uuid::Uuid::new_v4().simple().to_string();
            match self.link.client.issue(&req, &key).await {
                Err(e) if e.is_unreachable() => self.link.client.issue(&req, &key).await,
                r => r,
            }
        } else {
            Err(ClientError::Unreachable("known to be offline".into()))
        };
        let mut ticket = match attempt {
            Ok(t) => {
                self.link.set_online(true);
                t
            }
            Err(e) if e.is_unreachable() => {
                self.link.set_online(false);
                let t = self.issue_offline(req).await?;
                self.link.wake_sync();
                t
            }
            Err(e) => return Err(e.into()),
        };
        if ticket.office_name.is_none() {
            ticket.office_name = Some(self.office_name.clone());
        }
        if ticket.counters.is_none() {
            ticket.counters = self
                .counters
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&ticket.service_id)
                .cloned();
        }
        let qr_svg = motcua_print::qr_svg(&ticket.status_url);
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(ticket.clone());
        let print_error = self.print(&ticket).await.err();
        Ok(IssuedTicket {
            ticket,
            qr_svg,
            printed: print_error.is_none(),
            print_error,
        })
    }

    /// "In lại": prints the last ticket issued here again (after a printer fault). Only that
    /// ticket: an id that is not the last one issued at this kiosk is refused.
    pub async fn reprint_ticket(&self, ticket_id: &str) -> Result<PrintOutcome, ApiError> {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let Some(ticket) = last.filter(|t| t.id == ticket_id) else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                "Không tìm thấy số này để in lại. Vui lòng báo cán bộ tại quầy.",
                "This number cannot be printed again here. Please tell a staff member at the counter.",
            ));
        };
        let print_error = self.print(&ticket).await.err();
        Ok(PrintOutcome {
            printed: print_error.is_none(),
            print_error,
        })
    }

    /// The last ticket issued here, `(id, number)`: what the staff's "reprint" prints.
    pub fn last_ticket(&self) -> Option<(String, String)> {
        self.last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|t| (t.id.clone(), t.number.clone()))
    }

    /// Renders and prints `ticket`; a failure is logged (without the ticket's content).
    async fn print(&self, ticket: &Ticket) -> Result<(), ApiError> {
        let (format, t) = (self.printer.format(), ticket.clone());
        let job = format!("ticket-{}-{}", t.number, &t.id[..t.id.len().min(8)]);
        let done = self
            .printer
            .print_job(job, format, move || {
                Ok(motcua_print::render_ticket(&t, format)?)
            })
            .await;
        if let Err(e) = &done {
            tracing::warn!(code = ?e.code, "ticket not printed; shown on screen instead");
        }
        done
    }

    /// A number from the kiosk's own sequence, durably in the outbox before it is returned.
    async fn issue_offline(&self, req: IssueTicketRequest) -> Result<Ticket, ApiError> {
        let local = self.local.clone();
        let kiosk_number = self.kiosk_number;
        let made = tokio::task::spawn_blocking(move || {
            let now = Utc::now();
            let services = local.cached_services().map_err(storage_error)?;
            let Some(service) = services.into_iter().find(|s| s.id == req.service_id) else {
                return Err(ApiError::unknown_service(&req.service_id));
            };
            if !service.open {
                return Err(ApiError::service_closed(&service.name_vi, &service.name_en));
            }
            let ahead =
                service.waiting + local.pending_for(&service.id, now).map_err(storage_error)?;
            let t = local
                .issue_offline(&service, req.priority, kiosk_number, now)
                .map_err(storage_error)?;
            Ok((t, service, ahead))
        })
        .await
        .unwrap_or_else(|_| Err(ApiError::internal()))?;
        let (t, service, ahead) = made;
        tracing::info!(number = %t.number, "issued a ticket offline");
        Ok(offline_ticket_wire(
            t,
            &service,
            ahead,
            self.public_base(),
            &self.office_name,
        ))
    }

    /// Where citizens' phones reach the office server (status QR codes).
    fn public_base(&self) -> &str {
        self.public_url
            .as_deref()
            .unwrap_or(self.link.client.base())
            .trim_end_matches('/')
    }
}

/// Hands every pending offline ticket to the server, in issue order, until one cannot be sent.
/// A ticket leaves the outbox only once the server has acknowledged it; the server keeps one
/// ticket per `local_id`, so a resend after a crash is harmless.
pub(crate) async fn flush_outbox(link: &OfficeLink, local: &Arc<LocalStore>, kiosk_id: &str) {
    let l = local.clone();
    let pending = match tokio::task::spawn_blocking(move || l.pending()).await {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            tracing::error!("kiosk database: {e}");
            return;
        }
        Err(_) => return,
    };
    for t in pending {
        let result = link.client.send_offline(&t, kiosk_id).await;
        let (l, id) = (local.clone(), t.local_id.clone());
        let later = matches!(&result, Err(e) if e.is_try_later());
        let stop = matches!(&result, Err(e) if e.is_unreachable());
        let write = tokio::task::spawn_blocking(move || match result {
            Ok(_) => l.acknowledge(&id),
            // Unreachable, or asked to slow down: kept, sent again on the next round.
            Err(e) if e.is_unreachable() || e.is_try_later() => l.note_attempt(&id),
            Err(e) => {
                let e = ApiError::from(e);
                tracing::warn!(code = ?e.code, "the office server refused an offline ticket; kept for staff");
                l.reject(&id, &format!("{:?}: {}", e.code, e.message_en))
            }
        })
        .await;
        if let Ok(Err(e)) = write {
            tracing::error!("kiosk database: {e}");
            return;
        }
        if stop {
            link.set_online(false);
            return;
        }
        if later {
            return;
        }
    }
}

/// Wire form of an offline ticket, for the screen and the printer.
fn offline_ticket_wire(
    t: OfflineTicket,
    service: &Service,
    people_ahead: u32,
    public_base: &str,
    office_name: &str,
) -> Ticket {
    Ticket {
        status_url: format!("{public_base}/t/{}", t.local_id),
        id: t.local_id,
        number: t.number,
        service_id: t.service_id,
        priority: t.priority,
        issued_at: t.issued_at,
        people_ahead,
        estimated_wait_minutes: scaled_wait(service, people_ahead),
        status: TicketStatus::Waiting,
        service_name_vi: Some(service.name_vi.clone()),
        service_name_en: Some(service.name_en.clone()),
        office_name: Some(office_name.to_string()),
        offline: true,
        counters: None,
    }
}

/// Minutes for `ahead` people, at the pace the server last estimated for this service (10
/// minutes each when it had nobody waiting to estimate from).
fn scaled_wait(s: &Service, ahead: u32) -> u32 {
    if s.waiting == 0 {
        return ahead.saturating_mul(10);
    }
    let total = u64::from(s.estimated_wait_minutes) * u64::from(ahead);
    u32::try_from(total.div_ceil(u64::from(s.waiting))).unwrap_or(u32::MAX)
}

fn storage_error(e: rusqlite::Error) -> ApiError {
    tracing::error!("kiosk database: {e}");
    ApiError::internal()
}
