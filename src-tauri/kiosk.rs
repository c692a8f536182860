//! The kiosk's services behind the commands: office client, offline numbers and their outbox,
//! printer, staff PIN.

use crate::catalog_cache::CatalogCache;
use crate::config::{KioskConfig, OfficeMode};
use crate::local_store::{LocalStore, OfflineTicket};
use crate::office_client::{ClientError, OfficeClient};
use crate::pin::{PinLock, PinOutcome};
use chrono::Utc;
use motcua_core::{ApiError, ErrorCode, IssueTicketRequest, Service, Ticket, TicketStatus};
use motcua_print::{Format, Transport};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How often the kiosk checks the office server while it is unreachable.
const RETRY_OFFLINE: Duration = Duration::from_secs(2);
/// How often it checks while all is well.
const CHECK_ONLINE: Duration = Duration::from_secs(5);

pub struct Kiosk {
    pub config: KioskConfig,
    pub office: OfficeClient,
    pub(crate) local: Arc<LocalStore>,
    /// Where the document scanner saves pages (filing.rs takes them from there).
    pub(crate) scanner_inbox: PathBuf,
    pub online: Arc<AtomicBool>,
    wake_sync: Arc<Notify>,
    sync_task: tokio::task::AbortHandle,
    /// The kiosk's copy of the procedure catalog (kiosk_catalog.rs).
    pub catalog: Arc<CatalogCache>,
    catalog_task: tokio::task::AbortHandle,
    /// The signed-in citizen's session id at the office server (citizen.rs), memory only.
    pub(crate) citizen: tokio::sync::Mutex<Option<String>>,
    pub(crate) transport: Transport,
    pub(crate) format: Format,
    pin: Mutex<PinLock>,
    /// Kept alive for the app's lifetime in embedded mode.
    _embedded: Option<motcua_office::ServerHandle>,
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        self.sync_task.abort();
        self.catalog_task.abort();
    }
}

/// What `kiosk_status` returns: whether the office server answers, and the outbox of tickets
/// issued offline.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct KioskStatus {
    pub online: bool,
    /// Offline tickets not yet handed to the server.
    pub outbox_pending: u32,
    /// Offline tickets the server refused (kept for staff).
    pub outbox_rejected: u32,
}

/// What `kiosk_info` returns to the screen.
#[derive(Debug, Serialize)]
pub struct KioskInfo {
    pub office_name: String,
    pub language: String,
    pub idle_timeout_secs: u32,
    pub demo: bool,
    pub online: bool,
    pub kiosk_id: String,
    pub version: &'static str,
}

/// What `issue_ticket` returns: the ticket, its QR for the screen, and whether it printed.
#[derive(Debug, Serialize)]
pub struct IssuedTicket {
    pub ticket: Ticket,
    pub qr_svg: String,
    pub printed: bool,
    pub print_error: Option<ApiError>,
}

impl Kiosk {
    /// Renders and prints one job away from the async threads (rendering, and a printer's
    /// socket or device file, block): tickets, checklists and receipts all go this way.
    pub(crate) async fn print_job(
        &self,
        job: String,
        format: Format,
        render: impl FnOnce() -> Result<Vec<u8>, ApiError> + Send + 'static,
    ) -> Result<(), ApiError> {
        let transport = self.transport.clone();
        tokio::task::spawn_blocking(move || -> Result<(), ApiError> {
            let bytes = render()?;
            motcua_print::print(&transport, &job, format, &bytes)?;
            Ok(())
        })
        .await
        .unwrap_or_else(|_| Err(ApiError::internal()))
    }

    /// Starts the kiosk's services; in embedded mode this starts the office server on loopback
    /// (its counter and board pages: the office library's default, none in a release kiosk).
    pub async fn start(config: KioskConfig, data_dir: PathBuf) -> Result<Self, String> {
        Self::start_with_pages(config, data_dir, motcua_office::UiSource::default()).await
    }

    /// [`Kiosk::start`], with the embedded office server serving the counter and board pages
    /// from `pages` (the app hands in its own embedded copy of ui/dist).
    pub async fn start_with_pages(
        config: KioskConfig,
        data_dir: PathBuf,
        pages: motcua_office::UiSource,
    ) -> Result<Self, String> {
        std::fs::create_dir_all(&data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let (office, embedded) = match &config.office {
            OfficeMode::Remote(url) => (OfficeClient::new(url.clone()), None),
            OfficeMode::Embedded => {
                let handle =
                    motcua_office::embedded::start(motcua_office::embedded::ServerConfig {
                        listen: config.embedded_listen.clone(),
                        db_path: data_dir.join("office.sqlite3"),
                        office_name: config.office_name.clone(),
                        public_base_url: config.public_url.clone(),
                        seed_demo: config.demo,
                        ui: pages,
                        // The sandbox sign-in provider, labelled DEMO, only in demo mode.
                        demo_sign_in: config.demo,
                        catalog: motcua_office::embedded::CatalogConfig {
                            own_levels: config.levels.clone(),
                            ..Default::default()
                        },
                        filing: if config.demo {
                            // Demo data: a sample fee account, so receipts show a payment QR.
                            motcua_office::embedded::FilingConfig {
                                bank_bin: Some("970415".into()),
                                bank_account: Some("113000000000".into()),
                                account_name: "UBND XA MAU (DU LIEU MAU)".into(),
                                ..Default::default()
                            }
                        } else {
                            Default::default()
                        },
                        ..Default::default()
                    })
                    .await
                    .map_err(|e| format!("cannot start the embedded office server: {e}"))?;
                let base = format!("http://{}", handle.addr);
                (OfficeClient::new(base), Some(handle))
            }
        };
        let transport = if config.printer == "spool" {
            let spool = data_dir.join("spool");
            Transport::Folder(spool)
        } else {
            config
                .printer
                .parse()
                .map_err(|_| "invalid printer".to_string())?
        };
        if let Transport::Folder(dir) = &transport {
            create_dir(dir)?;
        }
        let format = config
            .print_format
            .parse()
            .map_err(|_| "invalid print format".to_string())?;
        let local_path = data_dir.join("kiosk.sqlite3");
        let local = Arc::new(
            LocalStore::open(&local_path)
                .map_err(|e| format!("cannot open {}: {e}", local_path.display()))?,
        );
        let online = Arc::new(AtomicBool::new(office.healthy().await));
        let wake_sync = Arc::new(Notify::new());
        let sync_task = tokio::spawn(sync_loop(
            office.clone(),
            local.clone(),
            online.clone(),
            wake_sync.clone(),
            config.kiosk_id.clone(),
        ))
        .abort_handle();
        let catalog_path = data_dir.join("catalog.sqlite3");
        let catalog = Arc::new(
            CatalogCache::open(&catalog_path)
                .map_err(|e| format!("cannot open {}: {e}", catalog_path.display()))?,
        );
        let catalog_task = tokio::spawn(crate::kiosk_catalog::catalog_sync_loop(
            office.clone(),
            catalog.clone(),
            online.clone(),
        ))
        .abort_handle();
        let scanner_inbox = config
            .scanner_inbox
            .clone()
            .unwrap_or_else(|| data_dir.join("scanner"));
        Ok(Kiosk {
            scanner_inbox,
            citizen: tokio::sync::Mutex::new(None),
            catalog,
            catalog_task,
            pin: Mutex::new(PinLock::new(config.staff_pin.clone())),
            config,
            office,
            local,
            online,
            wake_sync,
            sync_task,
            transport,
            format,
            _embedded: embedded,
        })
    }

    /// Whether the server answers, and the outbox's counts.
    pub fn status(&self) -> KioskStatus {
        let (pending, rejected) = self.local.outbox_counts().unwrap_or_else(|e| {
            tracing::error!("kiosk database: {e}");
            (0, 0)
        });
        KioskStatus {
            online: self.online.load(Ordering::Relaxed),
            outbox_pending: pending,
            outbox_rejected: rejected,
        }
    }

    /// The services to take a number from: the server's list (remembered for offline use), or
    /// the remembered list with this kiosk's offline tickets added when the server is
    /// unreachable.
    pub async fn services(&self) -> Result<Vec<Service>, ApiError> {
        match self.office.services().await {
            Ok(list) => {
                self.online.store(true, Ordering::Relaxed);
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
                self.online.store(false, Ordering::Relaxed);
                self.wake_sync.notify_one();
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

    pub async fn info(&self) -> KioskInfo {
        KioskInfo {
            office_name: self.config.office_name.clone(),
            language: self.config.language.clone(),
            idle_timeout_secs: self.config.idle_timeout_secs,
            demo: self.config.demo,
            online: self.online.load(Ordering::Relaxed),
            kiosk_id: self.config.kiosk_id.clone(),
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// Issues a ticket at the office server, or offline from the kiosk's own sequence when the
    /// server cannot be reached, and prints it. A printer failure never loses the ticket: it is
    /// returned with `printed: false` so the screen shows it with its QR.
    pub async fn issue_ticket(&self, req: IssueTicketRequest) -> Result<IssuedTicket, ApiError> {
        // Known to be offline (the sync loop rechecks every 2 s): do not make the citizen wait
        // for a connection timeout.
        let attempt = if self.online.load(Ordering::Relaxed) {
            self.office.issue(&req).await
        } else {
            Err(ClientError::Unreachable("known to be offline".into()))
        };
        let mut ticket = match attempt {
            Ok(t) => {
                self.online.store(true, Ordering::Relaxed);
                t
            }
            Err(e) if e.is_unreachable() => {
                self.online.store(false, Ordering::Relaxed);
                let t = self.issue_offline(req).await?;
                self.wake_sync.notify_one();
                t
            }
            Err(e) => return Err(e.into()),
        };
        if ticket.office_name.is_none() {
            ticket.office_name = Some(self.config.office_name.clone());
        }
        let qr_svg = motcua_print::qr_svg(&ticket.status_url);
        let (format, t) = (self.format, ticket.clone());
        let job = format!("ticket-{}-{}", t.number, &t.id[..t.id.len().min(8)]);
        let print_error = self
            .print_job(job, format, move || {
                Ok(motcua_print::render_ticket(&t, format)?)
            })
            .await
            .err();
        if let Some(e) = &print_error {
            tracing::warn!(code = ?e.code, "ticket not printed; shown on screen instead");
        }
        Ok(IssuedTicket {
            ticket,
            qr_svg,
            printed: print_error.is_none(),
            print_error,
        })
    }

    /// A number from the kiosk's own sequence, durably in the outbox before it is returned.
    async fn issue_offline(&self, req: IssueTicketRequest) -> Result<Ticket, ApiError> {
        let local = self.local.clone();
        let kiosk_number = self.config.kiosk_number;
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
            &self.config.office_name,
        ))
    }

    /// Where citizens' phones reach the office server (status QR codes).
    fn public_base(&self) -> &str {
        self.config
            .public_url
            .as_deref()
            .unwrap_or(self.office.base())
            .trim_end_matches('/')
    }

    pub fn staff_unlock(&self, pin: &str) -> Result<(), ApiError> {
        let outcome = self
            .pin
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .attempt(pin, Instant::now());
        match outcome {
            PinOutcome::Ok => Ok(()),
            PinOutcome::Wrong { remaining } => Err(ApiError::new(
                ErrorCode::WrongPin,
                format!("Mã PIN không đúng. Còn {remaining} lần thử."),
                format!("Wrong PIN. {remaining} attempts left."),
            )),
            PinOutcome::LockedOut { retry_after } => {
                let minutes = retry_after.as_secs().div_ceil(60);
                Err(ApiError::new(
                    ErrorCode::LockedOut,
                    format!("Nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."),
                    format!("Too many wrong PINs. Please try again in {minutes} minutes."),
                ))
            }
        }
    }

    pub fn staff_unlocked(&self) -> bool {
        self.pin
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_unlocked(Instant::now())
    }
}

/// Sends the outbox whenever the server answers; checks the server every few seconds (sooner
/// when woken by an offline issue).
async fn sync_loop(
    office: OfficeClient,
    local: Arc<LocalStore>,
    online: Arc<AtomicBool>,
    wake: Arc<Notify>,
    kiosk_id: String,
) {
    loop {
        let up = office.healthy().await;
        let was = online.swap(up, Ordering::Relaxed);
        if up != was {
            tracing::info!(online = up, "office server reachability changed");
        }
        if up {
            flush_outbox(&office, &local, &online, &kiosk_id).await;
            crate::filing::flush_dossiers(&office, &local).await;
        }
        let pause = if online.load(Ordering::Relaxed) {
            CHECK_ONLINE
        } else {
            RETRY_OFFLINE
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = wake.notified() => {}
        }
    }
}

/// Hands every pending offline ticket to the server, in issue order, until one cannot be sent.
/// A ticket leaves the outbox only once the server has acknowledged it; the server keeps one
/// ticket per `local_id`, so a resend after a crash is harmless.
async fn flush_outbox(
    office: &OfficeClient,
    local: &Arc<LocalStore>,
    online: &AtomicBool,
    kiosk_id: &str,
) {
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
        let result = office.send_offline(&t, kiosk_id).await;
        let (l, id) = (local.clone(), t.local_id.clone());
        let stop = matches!(&result, Err(e) if e.is_unreachable());
        let write = tokio::task::spawn_blocking(move || match result {
            Ok(_) => l.acknowledge(&id),
            Err(e) if e.is_unreachable() => l.note_attempt(&id),
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
            online.store(false, Ordering::Relaxed);
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

fn create_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}
