//! The kiosk's services, each owning its state: [`queue`] (numbers, offline ones and their
//! outbox), [`catalog`] (procedures), [`citizen`] (the VNeID session), [`filing`] (dossiers and
//! their outbox), [`staff`] (the PIN), over the shared [`link`] to the office server, the
//! [`printer`] and the kiosk's own storage ([`local_store`], [`catalog_cache`]). [`Kiosk`] holds
//! them, starts the background sync, and does what spans services (the end of a session).
//! Services import only these shared parts, never each other.

pub mod assist;
pub mod catalog;
pub mod catalog_cache;
pub mod citizen;
pub mod devices;
pub mod filing;
pub mod identity;
pub mod link;
pub mod local_store;
pub mod office_client;
pub mod printer;
pub mod queue;
pub mod staff;

use crate::config::{KioskConfig, OfficeMode};
use assist::AssistService;
use catalog::CatalogService;
use catalog_cache::CatalogCache;
use citizen::CitizenSession;
use filing::FilingService;
use identity::TokenFile;
use link::OfficeLink;
use local_store::LocalStore;
use motcua_print::Transport;
use office_client::OfficeClient;
use printer::Printer;
use queue::QueueService;
use serde::Serialize;
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
    /// The office's certificate authority (`office.ca_file`) could not be read or used.
    #[error("cannot use the office's certificate authority {path}: {detail}")]
    Trust { path: PathBuf, detail: String },
}

/// How often the kiosk checks the office server while it is unreachable.
const RETRY_OFFLINE: Duration = Duration::from_secs(2);
/// How often it checks while all is well.
const CHECK_ONLINE: Duration = Duration::from_secs(5);
/// How long the end of a session waits for the outbox's filings to go (cut short, a send is
/// simply made again later with the same key).
const SEND_BEFORE_SIGN_OUT: Duration = Duration::from_secs(10);

/// The kiosk: its settings and its services.
pub struct Kiosk {
    pub config: KioskConfig,
    /// The office server, its reachability.
    pub link: OfficeLink,
    pub queue: QueueService,
    pub catalog: CatalogService,
    pub citizen: CitizenSession,
    pub filing: FilingService,
    /// Enrollment and staff assist mode (and the local emergency PIN, if any).
    pub assist: AssistService,
    /// The kiosk's own database (the outboxes), for the staff's view of them.
    local: Arc<LocalStore>,
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
    /// A staff member assists now (the server may end it: the bar goes).
    pub assisting: bool,
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
        let token_file = TokenFile::new(
            config
                .token_file
                .clone()
                .unwrap_or_else(|| data_dir.join("device-token")),
        );
        let mut token = match &config.office_token {
            Some(t) => Some(t.clone()),
            None => token_file.read().map_err(|e| StartError::Storage {
                path: token_file.path().to_path_buf(),
                detail: e.to_string(),
            })?,
        };
        let office_db = data_dir.join("office.sqlite3");
        let (office, embedded) = match &config.office {
            OfficeMode::Remote(url) => {
                let ca = match &config.ca_file {
                    Some(path) => Some(std::fs::read(path).map_err(|e| StartError::Trust {
                        path: path.clone(),
                        detail: e.to_string(),
                    })?),
                    None => None,
                };
                let client =
                    OfficeClient::trusting(url.clone(), ca.as_deref()).map_err(|detail| {
                        StartError::Trust {
                            path: config.ca_file.clone().unwrap_or_default(),
                            detail,
                        }
                    })?;
                (client, None)
            }
            OfficeMode::Embedded => {
                // The embedded office's database is this kiosk's own: one made loose by an
                // older version is made private (the server refuses loose files otherwise).
                tighten(&office_db);
                let handle =
                    motcua_office::embedded::start(motcua_office::embedded::ServerConfig {
                        listen: config.embedded_listen.clone(),
                        db_path: office_db.clone(),
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
                // The embedded server's own kiosk enrolls itself: no manual step.
                if token.is_none() {
                    token = Some(embedded_enroll(&office_db, &token_file, &config.kiosk_id).await?);
                }
                if config.demo {
                    let db = office_db.clone();
                    let made = tokio::task::spawn_blocking(move || {
                        motcua_office::access::ensure_demo_staff(&db)
                    })
                    .await;
                    if let Ok(Err(e)) = made {
                        tracing::warn!("demo staff account not made: {e}");
                    }
                }
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
        office.credentials().set_token(token);
        let link = OfficeLink::new(office.clone(), office.healthy().await);
        let reenroll = embedded.as_ref().map(|_| Reenroll {
            db: office_db.clone(),
            token_file: token_file.clone(),
            kiosk_id: config.kiosk_id.clone(),
        });
        let sync_task = tokio::spawn(sync_loop(
            link.clone(),
            local.clone(),
            config.kiosk_id.clone(),
            reenroll,
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
        let (emergency, emergency_demo) = emergency_pin(&config, &data_dir);
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
            filing: FilingService::new(link.clone(), local.clone(), printer.clone(), scanner_inbox),
            assist: AssistService::new(
                link.clone(),
                token_file,
                config.kiosk_id.clone(),
                emergency,
                emergency_demo,
            ),
            local,
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
            assisting: self.assist.state().assisting.is_some(),
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

    /// The staff tools' view: the printer now, the outboxes, what can be printed again. Only
    /// while a staff member assists.
    pub async fn staff_tools(&self) -> Result<assist::StaffTools, motcua_core::ApiError> {
        self.assist.touch()?;
        let (state, last_job_failed) = self.printer.state().await;
        let local = self.local.clone();
        let outbox = tokio::task::spawn_blocking(move || local.outbox_summary())
            .await
            .map_err(|_| motcua_core::ApiError::internal())?
            .unwrap_or_else(|e| {
                tracing::error!("kiosk database: {e}");
                Default::default()
            });
        Ok(assist::StaffTools {
            printer: assist::PrinterView {
                state: state.into(),
                last_job_failed,
            },
            outbox,
            last_ticket: self.queue.last_ticket().map(|(_, number)| number),
            last_receipt: self.filing.has_last_receipt(),
        })
    }

    /// Staff tools: the last ticket issued here, printed again.
    pub async fn reprint_last_ticket(&self) -> Result<queue::PrintOutcome, motcua_core::ApiError> {
        self.assist.touch()?;
        let Some((id, _)) = self.queue.last_ticket() else {
            return Err(motcua_core::ApiError::new(
                motcua_core::ErrorCode::NotFound,
                "Máy chưa in số thứ tự nào để in lại.",
                "No queue number was printed here yet.",
            ));
        };
        self.queue.reprint_ticket(&id).await
    }

    /// Staff tools: a test page on the kiosk's printer.
    pub async fn print_test_page(&self) -> Result<(), motcua_core::ApiError> {
        let staff = self.assist.touch()?;
        tracing::info!(staff = %staff.username, "test page printed");
        self.printer
            .print_test_page(&self.config.office_name, &self.config.kiosk_id)
            .await
    }

    /// Ends the staff assist session, and with it the citizen's session it helped.
    pub async fn assist_end(&self) {
        self.assist.end().await;
    }

    /// Starts a citizen's sign-in: whatever the last citizen left goes first.
    pub async fn signin_start(&self) -> Result<citizen::SignInStartView, motcua_core::ApiError> {
        self.session_end().await;
        self.citizen.start().await
    }

    /// Files a dossier for the signed-in citizen: the office server's sign-in session handle
    /// goes with it (the screen never holds it), and stays with the outbox entry, so a resend
    /// is bound to the same sign-in. A refusal because the sign-in has ended (401
    /// `sign_in_required`) forgets the dead session too: the screen shows the refusal and the
    /// citizen signs in again.
    pub async fn submit_dossier(
        &self,
        mut request: motcua_core::dossier::DossierRequest,
    ) -> Result<filing::SubmitResult, motcua_core::ApiError> {
        request.sign_in_session = self.citizen.session_id().await;
        let result = self.filing.submit(request).await;
        if let Err(e) = &result {
            if e.code == motcua_core::ErrorCode::SignInRequired {
                self.citizen.end().await;
            }
        }
        result
    }

    /// Ends the citizen's session (Hủy, Home, idle): signs out at the office server and
    /// forgets it, and the receipts spooled for them go (as paper leaves a printer). A filing
    /// of theirs still in the outbox is sent first while the server answers (for at most a
    /// few seconds), so that it goes while its sign-in still holds.
    pub async fn session_end(&self) {
        if self.link.is_online() {
            let _ = tokio::time::timeout(SEND_BEFORE_SIGN_OUT, self.filing.flush_outbox()).await;
        }
        self.printer.forget_spooled_receipts();
        self.filing.forget_last_receipt();
        self.citizen.end().await;
    }
}

/// Sends the outboxes whenever the server answers; checks the server every few seconds
/// (sooner when woken by an offline issue).
async fn sync_loop(
    link: OfficeLink,
    local: Arc<LocalStore>,
    kiosk_id: String,
    reenroll: Option<Reenroll>,
) {
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
        if let Some(r) = reenroll
            .as_ref()
            .filter(|_| link.client.credentials().refused())
        {
            // The embedded server no longer knows its own kiosk's token (its database was
            // replaced): enroll again, as at first start.
            match embedded_enroll(&r.db, &r.token_file, &r.kiosk_id).await {
                Ok(t) => link.client.credentials().set_token(Some(t)),
                Err(e) => tracing::error!("embedded kiosk not enrolled again: {e}"),
            }
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

/// What the sync loop needs to enroll the embedded server's own kiosk again.
struct Reenroll {
    db: PathBuf,
    token_file: TokenFile,
    kiosk_id: String,
}

/// A fresh device token for the kiosk `kiosk_id` from the embedded server's database at `db`
/// (an earlier token of that name is revoked), saved in the token file.
async fn embedded_enroll(
    db: &Path,
    token_file: &TokenFile,
    kiosk_id: &str,
) -> Result<identity::Secret, StartError> {
    let (db, file, name) = (db.to_path_buf(), token_file.clone(), kiosk_id.to_string());
    let path = file.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let token = motcua_office::access::ensure_device(
            &db,
            motcua_core::devices::DeviceKind::Kiosk,
            &name,
        )
        .map(identity::Secret::new)
        .map_err(|e| e.to_string())?;
        file.write(&token).map_err(|e| e.to_string())?;
        tracing::info!(kiosk = %name, "the embedded office server enrolled its kiosk");
        Ok(token)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r)
    .map_err(|detail| StartError::Storage { path, detail })
}

fn create_dir(dir: &Path) -> Result<(), StartError> {
    std::fs::create_dir_all(dir).map_err(|source| StartError::Folder {
        path: dir.to_path_buf(),
        source,
    })
}

/// Makes the kiosk's own office database and its WAL/shared-memory files readable by this user
/// only, if they exist.
/// The local emergency PIN, its lockout kept in the data folder, and whether it is the public
/// default (demo mode only). The public default outside demo mode is refused: no PIN, and a
/// clear error in the log.
fn emergency_pin(config: &KioskConfig, data_dir: &Path) -> (Option<staff::StaffLock>, bool) {
    if config.default_pin_refused {
        tracing::error!(
            "kiosk.staff_pin (MOTCUA_STAFF_PIN) is the public default PIN, refused outside demo \
             mode: this kiosk has no emergency PIN and the emergency PIN screen stays locked. Set \
             a PIN of the office's own (at least 4 digits); staff sign in with their own accounts \
             meanwhile"
        );
    }
    let Some(pin) = config.staff_pin.clone() else {
        return (None, false);
    };
    let demo = pin == crate::config::DEFAULT_PIN;
    if demo {
        tracing::warn!(
            "demo mode: the emergency PIN is the public default (docs/CONFIGURATION.md); \
             never run demo mode in a real office"
        );
    }
    let lock = staff::StaffLock::open(pin, data_dir.join(staff::STATE_FILE));
    (Some(lock), demo)
}

fn tighten(db: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let base = db.display().to_string();
        for f in [base.clone(), format!("{base}-wal"), format!("{base}-shm")] {
            if motcua_office::db::loose_mode(std::path::Path::new(&f)).is_some() {
                if let Err(e) = std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                {
                    tracing::warn!(error = %e, "cannot make the office database private");
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = db;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml: &str, pin: Option<&str>) -> KioskConfig {
        let pin = pin.map(str::to_string);
        KioskConfig::from_parts(Some(toml), move |k| {
            (k == "MOTCUA_STAFF_PIN").then(|| pin.clone()).flatten()
        })
        .unwrap()
    }

    #[test]
    fn the_public_default_pin_opens_nothing_outside_demo_mode_and_is_labelled_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let remote = "[office]\nurl = \"http://10.0.0.5:8080\"\n";
        let c = config(remote, Some(crate::config::DEFAULT_PIN));
        let (lock, demo) = emergency_pin(&c, dir.path());
        assert!(lock.is_none() && !demo, "refused outside demo mode");

        let c = config("", None);
        assert!(c.demo);
        let (lock, demo) = emergency_pin(&c, dir.path());
        let lock = lock.expect("the default, in demo mode");
        assert!(demo, "labelled DEMO");
        assert!(lock.unlock(crate::config::DEFAULT_PIN).is_ok());

        let c = config(remote, Some("97531"));
        let (lock, demo) = emergency_pin(&c, dir.path());
        assert!(lock.is_some() && !demo, "the office's own PIN");
    }

    #[test]
    fn the_emergency_pins_lockout_outlives_the_kiosk() {
        let dir = tempfile::tempdir().unwrap();
        let c = config("[office]\nurl = \"http://10.0.0.5:8080\"\n", Some("97531"));
        let (lock, _) = emergency_pin(&c, dir.path());
        let lock = lock.unwrap();
        for _ in 0..staff::MAX_FAILURES {
            assert!(lock.unlock("0000").is_err());
        }
        drop(lock);
        // Started again on the same data folder: still locked, the right PIN too.
        let (lock, _) = emergency_pin(&c, dir.path());
        let e = lock.unwrap().unlock("97531").unwrap_err();
        assert_eq!(e.code, motcua_core::ErrorCode::LockedOut, "{e:?}");
        assert!(dir.path().join(staff::STATE_FILE).exists());
    }
}
