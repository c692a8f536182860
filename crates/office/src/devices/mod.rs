//! Device status: what the kiosks, boards and counter pages report of their printer and sound,
//! so the staff see "kiosk-1: máy in lỗi" on the counter page and the board's staff view at
//! once. Kept in memory only (a restart forgets it; devices report again on change and every
//! few minutes): a device that has not reported for [`STALE_AFTER`] is dropped, as a kiosk
//! that is switched off has no printer to fix. Each change is published on the queue's event
//! stream as the SSE event `device` (not stored, not announced). Routes: [`http`].

pub mod http;

use crate::queue::events::Notes;
use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::devices::{device_alert, DeviceReport, DeviceStatus, DEVICE_EVENT};
use motcua_core::text::{check_field, FieldRule};
use motcua_core::time::rfc3339_vn;
use motcua_core::ApiError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A device silent for this long is dropped from the list.
pub const STALE_AFTER: TimeDelta = TimeDelta::minutes(10);

/// Most devices remembered; a new one beyond it replaces the one silent longest.
pub const MAX_DEVICES: usize = 256;

/// Longest `device_id`, in characters.
pub const MAX_ID_CHARS: usize = 64;

/// Longest `printer_detail`, in characters.
pub const MAX_DETAIL_CHARS: usize = 200;

struct Entry {
    status: DeviceStatus,
    at: DateTime<Utc>,
}

/// The devices' statuses and where their changes are published. Cheap to clone.
#[derive(Clone)]
pub struct Devices {
    inner: Arc<Mutex<HashMap<String, Entry>>>,
    notes: Notes,
}

/// A report's fields after the checks: NFC, trimmed, an empty detail left out.
fn checked(mut r: DeviceReport) -> Result<DeviceReport, ApiError> {
    let id = motcua_core::text::nfc(r.device_id.trim());
    check_field("device_id", &id, FieldRule::name(MAX_ID_CHARS)).map_err(not_recorded)?;
    r.device_id = id;
    r.printer_detail = match r.printer_detail.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => {
            let d = motcua_core::text::nfc(d);
            check_field("printer_detail", &d, FieldRule::line(MAX_DETAIL_CHARS))
                .map_err(not_recorded)?;
            Some(d)
        }
    };
    Ok(r)
}

/// A field's refusal, saying that nothing was recorded.
fn not_recorded(e: ApiError) -> ApiError {
    ApiError::new(
        e.code,
        format!("{} Trạng thái không được ghi nhận.", e.message_vi),
        format!("{} The status was not recorded.", e.message_en),
    )
}

/// Whether two statuses differ in what the staff see (not only in when they came).
fn differs(a: &DeviceStatus, b: &DeviceStatus) -> bool {
    (a.kind, a.printer, a.sound, &a.alert_vi, &a.alert_en)
        != (b.kind, b.printer, b.sound, &b.alert_vi, &b.alert_en)
}

impl Devices {
    /// No device yet; changes go to `notes`.
    pub fn new(notes: Notes) -> Devices {
        Devices {
            inner: Arc::default(),
            notes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `report` as the device's whole state at `now`, and publishes it if what the
    /// staff see changed (a repeat only refreshes the time). A bad field records nothing.
    pub fn report(
        &self,
        report: DeviceReport,
        now: DateTime<Utc>,
    ) -> Result<DeviceStatus, ApiError> {
        let r = checked(report)?;
        let alert = device_alert(
            &r.device_id,
            r.kind,
            r.printer,
            r.printer_detail.as_deref(),
            r.sound,
        );
        let (alert_vi, alert_en) = alert.unzip();
        let status = DeviceStatus {
            device_id: r.device_id.clone(),
            kind: r.kind,
            printer: r.printer,
            sound: r.sound,
            updated_at: rfc3339_vn(now),
            alert_vi,
            alert_en,
        };
        let changed = {
            let mut map = self.lock();
            prune(&mut map, now);
            if !map.contains_key(&r.device_id) && map.len() >= MAX_DEVICES {
                let oldest = map.iter().min_by_key(|(_, e)| e.at).map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    map.remove(&k);
                }
            }
            let entry = Entry {
                status: status.clone(),
                at: now,
            };
            match map.insert(r.device_id.clone(), entry) {
                Some(old) => differs(&old.status, &status),
                None => true,
            }
        };
        if changed {
            tracing::info!(device = %status.device_id, alert = ?status.alert_en, "device status changed");
            self.notes.publish(DEVICE_EVENT, &status);
        }
        Ok(status)
    }

    /// Every device heard from in the last [`STALE_AFTER`] before `now`, newest first.
    pub fn list(&self, now: DateTime<Utc>) -> Vec<DeviceStatus> {
        let mut map = self.lock();
        prune(&mut map, now);
        let mut all: Vec<(DateTime<Utc>, DeviceStatus)> =
            map.values().map(|e| (e.at, e.status.clone())).collect();
        all.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.device_id.cmp(&b.1.device_id))
        });
        all.into_iter().map(|(_, s)| s).collect()
    }
}

fn prune(map: &mut HashMap<String, Entry>, now: DateTime<Utc>) {
    map.retain(|_, e| now - e.at < STALE_AFTER);
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::devices::{DeviceKind, PrinterState, SoundState};

    fn kiosk(id: &str, printer: PrinterState) -> DeviceReport {
        DeviceReport {
            device_id: id.into(),
            kind: DeviceKind::Kiosk,
            printer: Some(printer),
            printer_detail: None,
            sound: None,
        }
    }

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap() + TimeDelta::minutes(min)
    }

    #[tokio::test]
    async fn changes_are_published_repeats_are_not_and_the_silent_are_dropped() {
        let notes = Notes::default();
        let mut rx = notes.subscribe();
        let d = Devices::new(notes);
        let s = d
            .report(kiosk("kiosk-1", PrinterState::Fault), t(0))
            .unwrap();
        assert_eq!(s.alert_vi.as_deref(), Some("kiosk-1: máy in lỗi"));
        let n = rx.try_recv().unwrap();
        assert_eq!(n.event, "device");
        assert!(n.data.contains("máy in lỗi"), "{}", n.data);
        // The same again: the time moves, nothing is published.
        d.report(kiosk("kiosk-1", PrinterState::Fault), t(5))
            .unwrap();
        assert!(rx.try_recv().is_err());
        let board = DeviceReport {
            device_id: "board-1".into(),
            kind: DeviceKind::Board,
            printer: None,
            printer_detail: None,
            sound: Some(SoundState::Blocked),
        };
        d.report(board, t(6)).unwrap();
        assert!(rx.try_recv().is_ok());
        let ids = |l: Vec<DeviceStatus>| l.into_iter().map(|s| s.device_id).collect::<Vec<_>>();
        assert_eq!(ids(d.list(t(7))), ["board-1", "kiosk-1"], "newest first");
        // Ten minutes after its last report the kiosk is gone; the board a minute later.
        assert_eq!(ids(d.list(t(15))), ["board-1"]);
        assert!(d.list(t(16)).is_empty());
        // Fixed: published, no alert.
        let s = d.report(kiosk("kiosk-1", PrinterState::Ok), t(16)).unwrap();
        assert_eq!((s.alert_vi, s.alert_en), (None, None));
    }

    #[test]
    fn bad_ids_and_details_record_nothing_and_ids_are_nfc() {
        let d = Devices::new(Notes::default());
        for bad in [
            "",
            "   ",
            "a\u{7}b",
            "\u{200B}",
            "k\u{202E}1",
            &"x".repeat(65),
        ] {
            let e = d.report(kiosk(bad, PrinterState::Ok), t(0)).unwrap_err();
            assert_eq!(e.code, motcua_core::ErrorCode::BadRequest, "{bad:?}");
            assert!(e.message_vi.contains("device_id"), "{}", e.message_vi);
        }
        let mut r = kiosk("kiosk-1", PrinterState::Fault);
        r.printer_detail = Some("x".repeat(MAX_DETAIL_CHARS + 1));
        let e = d.report(r.clone(), t(0)).unwrap_err();
        assert!(e
            .message_en
            .contains(&format!("at most {MAX_DETAIL_CHARS} characters")));
        assert!(e.message_en.contains("not recorded"), "{}", e.message_en);
        r.printer_detail = Some("hết\u{FEFF} giấy".into());
        assert!(d.report(r.clone(), t(0)).is_err());
        r.printer_detail = Some("ok\nnot".into());
        assert!(d.report(r, t(0)).is_err());
        assert!(d.list(t(0)).is_empty());
        // "Quầy" written with a combining mark is stored in NFC; 64 characters are fine.
        let s = d
            .report(kiosk(" Qua\u{300}y-1 ", PrinterState::Ok), t(0))
            .unwrap();
        assert_eq!(s.device_id, "Quày-1");
        assert!(d
            .report(kiosk(&"đ".repeat(64), PrinterState::Ok), t(0))
            .is_ok());
    }

    #[test]
    fn a_full_list_forgets_the_device_silent_longest() {
        let d = Devices::new(Notes::default());
        for i in 0..MAX_DEVICES {
            d.report(
                kiosk(&format!("k{i}"), PrinterState::Ok),
                t(0) + TimeDelta::seconds(i as i64),
            )
            .unwrap();
        }
        d.report(kiosk("new", PrinterState::Fault), t(5)).unwrap();
        let list = d.list(t(5));
        assert_eq!(list.len(), MAX_DEVICES);
        assert_eq!(list[0].device_id, "new");
        assert!(!list.iter().any(|s| s.device_id == "k0"));
    }
}
