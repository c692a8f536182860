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
