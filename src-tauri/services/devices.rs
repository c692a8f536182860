//! What the office's staff must know of this kiosk's devices: the printer's state, reported to
//! the office server at once when it changes (the counter page and the board's staff view show
//! "kiosk-1: máy in lỗi"), again every few minutes so the server knows the kiosk is there, and
//! retried while the server cannot be reached.

use super::link::OfficeLink;
use super::printer::PrinterHealth;
use motcua_core::{DeviceKind, DeviceReport, PrinterState};
use std::time::Duration;
use tokio::sync::watch;

/// How often an unchanged state is reported again (the server forgets a silent device).
const REPORT_AGAIN: Duration = Duration::from_secs(4 * 60);
/// How soon a report the server did not take is tried again.
const RETRY: Duration = Duration::from_secs(10);

/// The report of `health` for the kiosk `kiosk_id`.
pub(crate) fn report(kiosk_id: &str, health: &PrinterHealth) -> DeviceReport {
    DeviceReport {
        device_id: kiosk_id.to_owned(),
        kind: DeviceKind::Kiosk,
        printer: Some(if health.fault {
            PrinterState::Fault
        } else {
            PrinterState::Ok
        }),
        // The staff see "kiosk-1: máy in lỗi"; the kiosk's log has the cause.
        printer_detail: None,
        sound: None,
    }
}

/// Reports the printer's state whenever it changes, and again every [`REPORT_AGAIN`]. Nothing is
/// reported before the first print job (the state is not known).
pub(crate) async fn report_loop(
    link: OfficeLink,
    mut health: watch::Receiver<Option<PrinterHealth>>,
    kiosk_id: String,
) {
    let mut sent: Option<PrinterHealth> = None;
    loop {
        let now = health.borrow_and_update().clone();
        let mut pause = REPORT_AGAIN;
        if let Some(h) = now {
            match link.client.report_device(&report(&kiosk_id, &h)).await {
                Ok(_) => {
                    if sent.as_ref() != Some(&h) {
                        tracing::info!(fault = h.fault, "printer state reported to the office");
                    }
                    sent = Some(h);
                }
                Err(e) => {
                    tracing::debug!("printer state not reported yet: {e}");
                    pause = RETRY;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            changed = health.changed() => {
                if changed.is_err() {
                    return; // the printer is gone: the kiosk is shutting down
                }
            }
        }
    }
}
