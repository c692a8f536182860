//! The kiosk's services, each owning its state: [`queue`] (numbers, offline ones and their
//! outbox), [`catalog`] (procedures), [`citizen`] (the VNeID session), [`filing`] (dossiers and
//! their outbox), [`staff`] (the PIN), over the shared [`link`] to the office server, the
//! [`printer`] and the kiosk's own storage ([`local_store`], [`catalog_cache`]). [`Kiosk`] holds
//! them, starts the background sync, and does what spans services (the end of a session).
//! Services import only these shared parts, never each other.

pub mod catalog;
pub mod catalog_cache;
pub mod citizen;
pub mod devices;
pub mod filing;
pub mod link;
pub mod local_store;
pub mod office_client;
pub mod printer;
pub mod queue;
pub mod staff;

use crate::config::{KioskConfig, OfficeMode};
use catalog::CatalogService;
use catalog_cache::CatalogCache;
use citizen::CitizenSession;
use filing::FilingService;
use link::OfficeLink;
use local_store::LocalStore;
use motcua_print::Transport;
use office_client::OfficeClient;
use printer::Printer;
use queue::QueueService;
use serde::Serialize;
use staff::StaffLock;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Why the kiosk could not start; the message names the file or setting to look at.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A folder of the kiosk's could not be made.
    #[error("cannot create {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The office server inside the kiosk did not start.
    #[error("cannot start the embedded office server: {0}")]
    Office(#[from] motcua_office::OfficeError),
    /// `printer.transport` is not one the kiosk knows.
    #[error("invalid printer: {0}")]
    Printer(String),
    /// `printer.format` is not one the kiosk knows.
    #[error("invalid print format: {0}")]
    PrintFormat(String),
    /// A kiosk database could not be opened.
    #[error("cannot open {path}: {detail}")]
    Storage { path: PathBuf, detail: String },
}

/// How often the kiosk checks the office server while it is unreachable.
const RETRY_OFFLINE: Duration = Duration::from_secs(2);
/// How often it checks while all is well.
const CHECK_ONLINE: Duration = Duration::from_secs(5);

/// The kiosk: its settings and its services.
pub struct Kiosk {
    pub config: KioskConfig,
    /// The office server, its reachability.
    pub link: OfficeLink,
    pub queue: QueueService,
    pub catalog: CatalogService,
    pub citizen: CitizenSession,
    pub filing: FilingService,
    pub staff: StaffLock,
    pub printer: Printer,
    sync_task: tokio::task::AbortHandle,
    catalog_task: tokio::task::AbortHandle,
    devices_task: tokio::task::AbortHandle,
    /// Kept alive for the app's lifetime in embedded mode.
    _embedded: Option<motcua_office::ServerHandle>,
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        self.sync_task.abort();
        self.catalog_task.abort();
        self.devices_task.abort();
    }
}

/// What `kiosk_status` returns: whether the office server answers, and the outbox of tickets
/// issued offline.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct KioskStatus {
    pub online: bool,
    /// Offline tickets not yet handed to the server.
    pub outbox_pending: u32,
    /// Offline tickets the server refused (kept for staff).
    pub outbox_rejected: u32,
}

/// What `kiosk_info` returns to the screen.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct KioskInfo {
    pub office_name: String,
    /// `vi` or `en`: the screen's first language.
    #[ts(type = "\"vi\" | \"en\"")]
    pub language: String,
    pub idle_timeout_secs: u32,
    pub demo: bool,
    pub online: bool,
    pub kiosk_id: String,
    pub version: &'static str,
}

impl Kiosk {
    /// Starts the kiosk's services; in embedded mode this starts the office server on loopback
    /// (its counter and board pages: the office library's default, none in a release kiosk).
    pub async fn start(config: KioskConfig, data_dir: PathBuf) -> Result<Self, StartError> {
        Self::start_with_pages(config, data_dir, motcua_office::UiSource::default()).await
    }

    /// [`Kiosk::start`], with the embedded office server serving the counter and board pages
    /// from `pages` (the app hands in its own embedded copy of ui/dist).
    pub async fn start_with_pages(
        config: KioskConfig,
        data_dir: PathBuf,
        pages: motcua_office::UiSource,
    ) -> Result<Self, StartError> {
        create_dir(&data_dir)?;
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
                            scope: config.scope.clone(),
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
                    .await?;
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
                .map_err(|_| StartError::Printer(config.printer.clone()))?
        };
        if let Transport::Folder(dir) = &transport {
            create_dir(dir)?;
        }
        let format = config
            .print_format
            .parse()
            .map_err(|_| StartError::PrintFormat(config.print_format.clone()))?;
        let printer = Printer::new(transport, format);
        let local_path = data_dir.join("kiosk.sqlite3");
        let local = Arc::new(
            LocalStore::open(&local_path).map_err(|e| StartError::Storage {
                path: local_path.clone(),
                detail: e.to_string(),
            })?,
        );
        let link = OfficeLink::new(office.clone(), office.healthy().await);
        let sync_task = tokio::spawn(sync_loop(
            link.clone(),
            local.clone(),
            config.kiosk_id.clone(),
        ))
        .abort_handle();
        let catalog_path = data_dir.join("catalog.sqlite3");
        let cache =
            Arc::new(
                CatalogCache::open(&catalog_path).map_err(|e| StartError::Storage {
                    path: catalog_path.clone(),
                    detail: e.to_string(),
                })?,
            );
        let catalog_task =
            tokio::spawn(catalog::catalog_sync_loop(link.clone(), cache.clone())).abort_handle();
        let devices_task = tokio::spawn(devices::report_loop(
            link.clone(),
            printer.health(),
            config.kiosk_id.clone(),
        ))
        .abort_handle();
        let scanner_inbox = config
            .scanner_inbox
            .clone()
            .unwrap_or_else(|| data_dir.join("scanner"));
        Ok(Kiosk {
            queue: QueueService::new(
                link.clone(),
                local.clone(),
                printer.clone(),
                config.kiosk_number,
                config.office_name.clone(),
                config.public_url.clone(),
            ),
            catalog: CatalogService::new(
                link.clone(),
                cache,
                printer.clone(),
                config.levels.clone(),
                config.scope.clone(),
                config.office_name.clone(),
            ),
            citizen: CitizenSession::new(link.clone()),
            filing: FilingService::new(link.clone(), local, printer.clone(), scanner_inbox),
            staff: StaffLock::new(config.staff_pin.clone()),
            printer,
            link,
            config,
            sync_task,
            catalog_task,
            devices_task,
            _embedded: embedded,
        })
    }

    /// Whether the server answers, and the outbox's counts.
    pub fn status(&self) -> KioskStatus {
        let (pending, rejected) = self.queue.outbox_counts();
        KioskStatus {
            online: self.link.is_online(),
            outbox_pending: pending,
            outbox_rejected: rejected,
        }
    }

    pub fn info(&self) -> KioskInfo {
        KioskInfo {
            office_name: self.config.office_name.clone(),
            language: self.config.language.clone(),
            idle_timeout_secs: self.config.idle_timeout_secs,
            demo: self.config.demo,
            online: self.link.is_online(),
            kiosk_id: self.config.kiosk_id.clone(),
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// Starts a citizen's sign-in: whatever the last citizen left goes first.
    pub async fn signin_start(&self) -> Result<citizen::SignInStartView, motcua_core::ApiError> {
        self.session_end().await;
        self.citizen.start().await
    }

    /// Ends the citizen's session (Hủy, Home, idle): signs out at the office server and
    /// forgets it, and the receipts spooled for them go (as paper leaves a printer).
    pub async fn session_end(&self) {
        self.printer.forget_spooled_receipts();
        self.citizen.end().await;
    }
}

/// Sends the outboxes whenever the server answers; checks the server every few seconds
/// (sooner when woken by an offline issue).
async fn sync_loop(link: OfficeLink, local: Arc<LocalStore>, kiosk_id: String) {
    // One health check that goes unanswered on a busy machine is not an outage: the kiosk
    // calls the server offline after two in a row (a request that fails says so at once).
    let mut missed = 0u32;
    loop {
        let answered = link.client.healthy().await;
        missed = if answered { 0 } else { missed + 1 };
        let up = answered || (missed < 2 && link.is_online());
        let was = link.set_online(up);
        if up != was {
            tracing::info!(online = up, "office server reachability changed");
        }
        if answered {
            queue::flush_outbox(&link, &local, &kiosk_id).await;
            filing::flush_dossiers(&link, &local).await;
        }
        let pause = if link.is_online() {
            CHECK_ONLINE
        } else {
            RETRY_OFFLINE
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = link.woken() => {}
        }
    }
}

fn create_dir(dir: &Path) -> Result<(), StartError> {
    std::fs::create_dir_all(dir).map_err(|source| StartError::Folder {
        path: dir.to_path_buf(),
        source,
    })
}
