//! The kiosk's services behind the commands: office client, printer, staff PIN.

use crate::config::{KioskConfig, OfficeMode};
use crate::office_client::OfficeClient;
use crate::pin::{PinLock, PinOutcome};
use motcua_core::{ApiError, ErrorCode, IssueTicketRequest, Ticket};
use motcua_print::{Format, Transport};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

pub struct Kiosk {
    pub config: KioskConfig,
    pub office: OfficeClient,
    transport: Transport,
    format: Format,
    pin: Mutex<PinLock>,
    /// Kept alive for the app's lifetime in embedded mode.
    _embedded: Option<motcua_office::ServerHandle>,
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
    /// Starts the kiosk's services; in embedded mode this starts the office server on loopback.
    pub async fn start(config: KioskConfig, data_dir: PathBuf) -> Result<Self, String> {
        std::fs::create_dir_all(&data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let (office, embedded) = match &config.office {
            OfficeMode::Remote(url) => (OfficeClient::new(url.clone()), None),
            OfficeMode::Embedded => {
                let handle = motcua_office::start(motcua_office::ServerConfig {
                    listen: "127.0.0.1:0".into(),
                    db_path: data_dir.join("office.sqlite3"),
                    office_name: config.office_name.clone(),
                    public_base_url: config.public_url.clone(),
                    seed_demo: config.demo,
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
        Ok(Kiosk {
            pin: Mutex::new(PinLock::new(config.staff_pin.clone())),
            config,
            office,
            transport,
            format,
            _embedded: embedded,
        })
    }

    pub async fn info(&self) -> KioskInfo {
        KioskInfo {
            office_name: self.config.office_name.clone(),
            language: self.config.language.clone(),
            idle_timeout_secs: self.config.idle_timeout_secs,
            demo: self.config.demo,
            online: self.office.healthy().await,
            kiosk_id: self.config.kiosk_id.clone(),
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// Issues a ticket at the office server and prints it. A printer failure never loses the
    /// ticket: it is returned with `printed: false` so the screen shows it with its QR.
    pub async fn issue_ticket(&self, req: IssueTicketRequest) -> Result<IssuedTicket, ApiError> {
        let mut ticket = self.office.issue(&req).await?;
        if ticket.office_name.is_none() {
            ticket.office_name = Some(self.config.office_name.clone());
        }
        let qr_svg = motcua_print::qr_svg(&ticket.status_url);
        let (transport, format, t) = (self.transport.clone(), self.format, ticket.clone());
        let printed = tokio::task::spawn_blocking(move || -> Result<(), ApiError> {
            let bytes = motcua_print::render_ticket(&t, format)?;
            let job = format!("ticket-{}-{}", t.number, &t.id[..t.id.len().min(8)]);
            motcua_print::print(&transport, &job, format, &bytes)?;
            Ok(())
        })
        .await
        .unwrap_or_else(|_| Err(ApiError::internal()));
        let print_error = printed.err();
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

fn create_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}
