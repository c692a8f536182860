//! The kiosk's printer: one print path for tickets, checklists and receipts, away from the
//! async threads (rendering, and a printer's socket or device file, block).

use motcua_core::ApiError;
use motcua_print::{Format, Transport};
use std::sync::Arc;
use tokio::sync::watch;

/// What the last print job found: `None` before the first job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterHealth {
    /// Whether the last job failed.
    pub fault: bool,
}

/// Where and in what format the kiosk prints.
#[derive(Clone)]
pub struct Printer {
    transport: Transport,
    format: Format,
    health: Arc<watch::Sender<Option<PrinterHealth>>>,
}

impl Printer {
    /// A printer on `transport` printing `format`.
    pub fn new(transport: Transport, format: Format) -> Printer {
        Printer {
            transport,
            format,
            health: Arc::new(watch::channel(None).0),
        }
    }

    /// What the last job found, as it changes (the office is told of a fault at once).
    pub fn health(&self) -> watch::Receiver<Option<PrinterHealth>> {
        self.health.subscribe()
    }

    /// The format tickets and checklists print in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Renders and prints one job.
    pub async fn print_job(
        &self,
        job: String,
        format: Format,
        render: impl FnOnce() -> Result<Vec<u8>, ApiError> + Send + 'static,
    ) -> Result<(), ApiError> {
        let transport = self.transport.clone();
        let done = tokio::task::spawn_blocking(move || -> Result<(), ApiError> {
            let bytes = render()?;
            motcua_print::print(&transport, &job, format, &bytes)?;
            Ok(())
        })
        .await
        .unwrap_or_else(|_| Err(ApiError::internal()));
        let now = PrinterHealth {
            fault: done.is_err(),
        };
        self.health.send_if_modified(|h| {
            let changed = h.as_ref() != Some(&now);
            *h = Some(now);
            changed
        });
        done
    }

    /// What the printer says of itself now (`ready`, `offline`, `paper_out`, `cover_open`,
    /// `error`; the detail stays in the log), and whether the last job failed.
    pub async fn state(&self) -> (&'static str, Option<bool>) {
        let transport = self.transport.clone();
        let status = tokio::task::spawn_blocking(move || motcua_print::status(&transport))
            .await
            .unwrap_or(motcua_print::PrinterStatus::Error(
                "status check failed".into(),
            ));
        let state = match status {
            motcua_print::PrinterStatus::Ready => "ready",
            motcua_print::PrinterStatus::Offline => "offline",
            motcua_print::PrinterStatus::PaperOut => "paper_out",
            motcua_print::PrinterStatus::CoverOpen => "cover_open",
            motcua_print::PrinterStatus::Error(detail) => {
                tracing::warn!("printer status: {detail}");
                "error"
            }
        };
        let last = self.health.borrow().as_ref().map(|h| h.fault);
        (state, last)
    }

    /// A test page for staff: a ticket-shaped page that says it is a test, with the office,
    /// the kiosk and the time (nothing of any citizen).
    pub async fn print_test_page(&self, office_name: &str, kiosk_id: &str) -> Result<(), ApiError> {
        let now = chrono::Utc::now();
        let ticket = motcua_core::Ticket {
            id: uuid::Uuid::new_v4().simple().to_string(),
            number: "IN THỬ".into(),
            service_id: "test-page".into(),
            priority: motcua_core::Priority::None,
            issued_at: now.to_rfc3339(),
            people_ahead: 0,
            estimated_wait_minutes: 0,
            status_url: format!("TEST {kiosk_id}"),
            status: motcua_core::TicketStatus::Waiting,
            service_name_vi: Some(format!("Trang in thử của máy {kiosk_id}")),
            service_name_en: Some(format!("Test page of {kiosk_id}")),
            office_name: Some(office_name.to_string()),
            offline: false,
            counters: None,
        };
        let format = self.format;
        let job = format!("test-page-{}", now.format("%Y%m%d-%H%M%S"));
        self.print_job(job, format, move || {
            Ok(motcua_print::render_ticket(&ticket, format)?)
        })
        .await
    }

    /// Receipts spooled to a folder (the demo's "printer") hold the citizen's data: they go when
    /// the session ends, as paper leaves a real printer.
    pub fn forget_spooled_receipts(&self) {
        if let Transport::Folder(dir) = &self.transport {
            if let Ok(rd) = std::fs::read_dir(dir) {
                for e in rd.flatten() {
                    if e.file_name().to_string_lossy().starts_with("receipt-") {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
        }
    }
}
