//! Device status wire types: what kiosks, boards and counter pages tell the office server of
//! their printer and their sound (`POST /api/v1/devices/status`), and what the staff see of it
//! ("kiosk-1: máy in lỗi" on the counter page and the board's staff view).

use serde::{Deserialize, Serialize};

/// The SSE `event:` name of a device status change on `/api/v1/events` (no `id:`: it is not a
/// stored queue event; clients that only listen for queue events never see it).
pub const DEVICE_EVENT: &str = "device";

/// What kind of device reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A self-service kiosk (it prints tickets).
    Kiosk,
    /// A TV board in the hall (it announces calls).
    Board,
    /// A counter page at a staff desk.
    Counter,
}

/// A device's printer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    /// It printed, or is ready to.
    Ok,
    /// It failed (no paper, offline, jammed…).
    Fault,
}

/// A device's sound.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SoundState {
    /// Sound plays.
    On,
    /// Someone switched it off.
    Muted,
    /// The browser blocks it until someone touches the screen.
    Blocked,
}

/// Body of `POST /api/v1/devices/status`: the whole current state of one device (a field left
/// out is a part the device does not have or does not know yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceReport {
    /// 1–64 characters without control characters, e.g. `kiosk-1`, `board-1`.
    pub device_id: String,
    /// What reports.
    pub kind: DeviceKind,
    /// Its printer, if it has one.
    #[serde(default)]
    pub printer: Option<PrinterState>,
    /// What is wrong with the printer (at most 200 characters), shown with the alert.
    #[serde(default)]
    pub printer_detail: Option<String>,
    /// Its sound, if it plays any.
    #[serde(default)]
    pub sound: Option<SoundState>,
}

/// One device as the office server last heard of it (`GET /api/v1/devices/status`, and the
/// data of each SSE `device` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DeviceStatus {
    /// The device's id (NFC).
    pub device_id: String,
    /// What it is.
    pub kind: DeviceKind,
    /// Its printer.
    pub printer: Option<PrinterState>,
    /// Its sound.
    pub sound: Option<SoundState>,
    /// When it last reported, RFC 3339 (+07:00).
    pub updated_at: String,
    /// What the staff must know, in Vietnamese (`kiosk-1: máy in lỗi`); `null`: all is well.
    pub alert_vi: Option<String>,
    /// The same in English (`kiosk-1: printer fault`).
    pub alert_en: Option<String>,
}

/// The alert of a device's state in Vietnamese and English, or `None` when all is well: a
/// printer fault (with its detail, if any) and sound that is off, joined by "; ".
///
/// ```
/// use motcua_core::devices::{device_alert, DeviceKind, PrinterState, SoundState};
/// let (vi, en) = device_alert("kiosk-1", DeviceKind::Kiosk, Some(PrinterState::Fault), None, None).unwrap();
/// assert_eq!((vi.as_str(), en.as_str()), ("kiosk-1: máy in lỗi", "kiosk-1: printer fault"));
/// let (vi, en) = device_alert("board-1", DeviceKind::Board, None, None, Some(SoundState::Blocked)).unwrap();
/// assert_eq!(vi, "board-1: bảng chưa bật tiếng");
/// assert_eq!(en, "board-1: the board's sound is off");
/// assert!(device_alert("kiosk-1", DeviceKind::Kiosk, Some(PrinterState::Ok), None, Some(SoundState::On)).is_none());
/// ```
pub fn device_alert(
    device_id: &str,
    kind: DeviceKind,
    printer: Option<PrinterState>,
    printer_detail: Option<&str>,
    sound: Option<SoundState>,
) -> Option<(String, String)> {
    let mut vi: Vec<String> = Vec::new();
    let mut en: Vec<String> = Vec::new();
    if printer == Some(PrinterState::Fault) {
        match printer_detail.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => {
                vi.push(format!("máy in lỗi ({d})"));
                en.push(format!("printer fault ({d})"));
            }
            None => {
                vi.push("máy in lỗi".into());
                en.push("printer fault".into());
            }
        }
    }
    let (noun_vi, noun_en) = match kind {
        DeviceKind::Kiosk => ("ki-ốt", "the kiosk's"),
        DeviceKind::Board => ("bảng", "the board's"),
        DeviceKind::Counter => ("máy quầy", "the counter's"),
    };
    match sound {
        Some(SoundState::Blocked) => {
            vi.push(format!("{noun_vi} chưa bật tiếng"));
            en.push(format!("{noun_en} sound is off"));
        }
        Some(SoundState::Muted) => {
            vi.push(format!("{noun_vi} đang tắt tiếng"));
            en.push(format!("{noun_en} sound is muted"));
        }
        Some(SoundState::On) | None => {}
    }
    if vi.is_empty() {
        return None;
    }
    let vi = crate::text::nfc(&format!("{device_id}: {}", vi.join("; ")));
    Some((vi, format!("{device_id}: {}", en.join("; "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_snake_case() {
        assert_eq!(
            serde_json::to_string(&DeviceKind::Kiosk).unwrap(),
            "\"kiosk\""
        );
        assert_eq!(
            serde_json::to_string(&PrinterState::Fault).unwrap(),
            "\"fault\""
        );
        assert_eq!(
            serde_json::to_string(&SoundState::Blocked).unwrap(),
            "\"blocked\""
        );
    }

    #[test]
    fn a_report_needs_only_the_id_and_kind_and_takes_no_other_field() {
        let r: DeviceReport =
            serde_json::from_str(r#"{"device_id":"board-1","kind":"board","sound":"muted"}"#)
                .unwrap();
        assert_eq!(r.sound, Some(SoundState::Muted));
        assert_eq!((r.printer, r.printer_detail), (None, None));
        assert!(serde_json::from_str::<DeviceReport>(
            r#"{"device_id":"k","kind":"kiosk","paper":"low"}"#
        )
        .is_err());
        assert!(
            serde_json::from_str::<DeviceReport>(r#"{"device_id":"k","kind":"phone"}"#).is_err()
        );
    }

    #[test]
    fn alerts_join_printer_and_sound_and_carry_the_detail() {
        let (vi, en) = device_alert(
            "kiosk-2",
            DeviceKind::Kiosk,
            Some(PrinterState::Fault),
            Some(" hết giấy "),
            Some(SoundState::Muted),
        )
        .unwrap();
        assert_eq!(vi, "kiosk-2: máy in lỗi (hết giấy); ki-ốt đang tắt tiếng");
        assert_eq!(
            en,
            "kiosk-2: printer fault (hết giấy); the kiosk's sound is muted"
        );
        assert_eq!(vi, crate::text::nfc(&vi));
        assert!(device_alert("b", DeviceKind::Board, None, Some("x"), None).is_none());
    }
}
