//! Queue wire types: services, priorities, tickets.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Priority category of a ticket (đối tượng ưu tiên). Wire form is snake_case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Default,
    ts_rs::TS,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Không ưu tiên.
    #[default]
    None,
    /// Người cao tuổi.
    Elderly,
    /// Người khuyết tật.
    Disabled,
    /// Phụ nữ mang thai.
    Pregnant,
    /// Người đi cùng trẻ dưới 6 tuổi.
    #[serde(rename = "child_under_6")]
    ChildUnder6,
    /// Có lịch hẹn trước.
    Appointment,
}

impl Priority {
    /// Every priority, in the order the kiosk offers them.
    pub const ALL: [Priority; 6] = [
        Priority::None,
        Priority::Elderly,
        Priority::Disabled,
        Priority::Pregnant,
        Priority::ChildUnder6,
        Priority::Appointment,
    ];

    /// Wire name (`"child_under_6"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::None => "none",
            Priority::Elderly => "elderly",
            Priority::Disabled => "disabled",
            Priority::Pregnant => "pregnant",
            Priority::ChildUnder6 => "child_under_6",
            Priority::Appointment => "appointment",
        }
    }

    /// Vietnamese label, as printed on the ticket and shown on the screen (one source: the
    /// UI's labels are generated from it).
    pub fn label_vi(self) -> &'static str {
        match self {
            Priority::None => "Không ưu tiên",
            Priority::Elderly => "Người cao tuổi",
            Priority::Disabled => "Người khuyết tật",
            Priority::Pregnant => "Phụ nữ mang thai",
            Priority::ChildUnder6 => "Người đi cùng trẻ dưới 6 tuổi",
            Priority::Appointment => "Có lịch hẹn trước",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Priority::None => "No priority",
            Priority::Elderly => "Older person",
            Priority::Disabled => "Person with a disability",
            Priority::Pregnant => "Pregnant woman",
            Priority::ChildUnder6 => "With a child under 6",
            Priority::Appointment => "With an appointment",
        }
    }

    /// Whether the ticket is served ahead of ordinary ones.
    pub fn is_priority(self) -> bool {
        self != Priority::None
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or(())
    }
}

/// A service queue (hàng đợi) with its letter prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Service {
    /// Stable identifier, e.g. `"ho-tich"`.
    pub id: String,
    /// Letter prefix of its numbers, e.g. `"A"`.
    pub prefix: String,
    /// Vietnamese name, NFC.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Whether tickets can be taken now.
    pub open: bool,
    /// Tickets waiting now.
    #[serde(default)]
    pub waiting: u32,
    /// Estimated wait for a new ticket, in minutes.
    #[serde(default)]
    pub estimated_wait_minutes: u32,
}

/// Body of `POST /api/v1/tickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueTicketRequest {
    pub service_id: String,
    #[serde(default)]
    pub priority: Priority,
}

/// How long after it was issued an offline ticket is still taken (`issued_at` at most this
/// many days before the server's time). A kiosk keeps what it issued offline until the server
/// takes it, however long the server was away: a month covers a server down over the Tết
/// break (up to 9 days off) and the days after to repair or replace it, and refuses a time
/// no kiosk made (`0000-01-01`).
pub const OFFLINE_MAX_AGE_DAYS: i64 = 30;

/// How far ahead of the server's clock a kiosk's may be (`issued_at` at most this many hours
/// after the server's time; such a ticket is queued as issued when the server got it). A
/// clock set to local time read as UTC is 7 hours ahead; a day covers every time-zone slip.
pub const OFFLINE_MAX_AHEAD_HOURS: i64 = 24;

/// Body of `POST /api/v1/tickets/offline`: a ticket a kiosk issued while the office server
/// could not be reached (see docs/QUEUE.md). `issued_at` from [`OFFLINE_MAX_AGE_DAYS`] before
/// the server's time to [`OFFLINE_MAX_AHEAD_HOURS`] after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineTicketRequest {
    /// 32 lowercase hex digits (a UUID without dashes); becomes the ticket's `id`.
    pub local_id: String,
    /// The issuing kiosk's id.
    pub kiosk_id: String,
    /// Service it queues for.
    pub service_id: String,
    /// Priority category.
    #[serde(default)]
    pub priority: Priority,
    /// The number printed, `{prefix}{kiosk number}-{seq}`, e.g. `A1-007`.
    pub number: String,
    /// When the kiosk issued it, RFC 3339 with offset.
    pub issued_at: String,
}

/// Life cycle of a ticket.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    #[default]
    Waiting,
    Called,
    Skipped,
    Completed,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Skipped => "skipped",
            TicketStatus::Completed => "completed",
        }
    }
}

impl FromStr for TicketStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [
            TicketStatus::Waiting,
            TicketStatus::Called,
            TicketStatus::Skipped,
            TicketStatus::Completed,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
        .ok_or(())
    }
}

/// A queue ticket as `POST /api/v1/tickets` and `GET /api/v1/tickets/{id}` return it.
/// `office_name`, `service_name_vi` and `service_name_en` are added for printing and display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Ticket {
    pub id: String,
    /// Display form: prefix + zero-padded daily sequence, e.g. `"A023"`.
    pub number: String,
    pub service_id: String,
    pub priority: Priority,
    /// RFC 3339, local time (+07:00).
    pub issued_at: String,
    pub people_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub status_url: String,
    #[serde(default)]
    pub status: TicketStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub service_name_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub service_name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub office_name: Option<String>,
    /// Issued by a kiosk while the office server could not be reached (number `A1-007`).
    #[serde(default, skip_serializing_if = "is_false")]
    #[ts(as = "Option<bool>", optional)]
    pub offline: bool,
    /// Numbers of the counters that serve the ticket's service, when known (the kiosk adds
    /// them from the office's counter list for the printed ticket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub counters: Option<Vec<u32>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How a counter mixes priority tickets (elderly, disabled, pregnant, with a small child,
/// appointment) with ordinary ones. Wire and command-line form: `strict` or `every:N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PriorityStrategy {
    /// Every waiting priority ticket before any ordinary one.
    #[default]
    Strict,
    /// After N ordinary tickets in a row at a counter, one priority ticket if one waits;
    /// otherwise the oldest ticket, priority or not. N is at least 1.
    Every(u32),
}

impl fmt::Display for PriorityStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriorityStrategy::Strict => f.write_str("strict"),
            PriorityStrategy::Every(n) => write!(f, "every:{n}"),
        }
    }
}

impl FromStr for PriorityStrategy {
    type Err = String;

    /// ```
    /// use motcua_core::PriorityStrategy;
    /// assert_eq!("every:3".parse(), Ok(PriorityStrategy::Every(3)));
    /// assert_eq!("strict".parse(), Ok(PriorityStrategy::Strict));
    /// assert!("every:0".parse::<PriorityStrategy>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "strict" {
            return Ok(PriorityStrategy::Strict);
        }
        match s.strip_prefix("every:").map(str::parse::<u32>) {
            Some(Ok(n)) if n >= 1 => Ok(PriorityStrategy::Every(n)),
            _ => Err(format!(
                "priority strategy must be `strict` or `every:N` with N ≥ 1, got `{s}`"
            )),
        }
    }
}

impl Serialize for PriorityStrategy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PriorityStrategy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Display form of a ticket number: `prefix` then `seq` zero-padded to `width` digits.
/// A sequence longer than `width` is printed in full, never truncated.
///
/// ```
/// assert_eq!(motcua_core::queue::format_number("A", 23, 3), "A023");
/// assert_eq!(motcua_core::queue::format_number("B", 1234, 3), "B1234");
/// ```
pub fn format_number(prefix: &str, seq: u32, width: usize) -> String {
    format!("{prefix}{seq:0width$}")
}

// ---------------------------------------------------------------- counters, board, events

/// What happened to a ticket; the `event:` name of the stream.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A ticket was issued (by the server, or by a kiosk offline and now received).
    Issued,
    /// A counter called it.
    Called,
    /// The counter announced it again.
    Recalled,
    /// The citizen did not come (no-show).
    Skipped,
    /// Sent to another service's queue, keeping its place by issue time.
    Transferred,
    /// Served.
    Completed,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 6] = [
        EventKind::Issued,
        EventKind::Called,
        EventKind::Recalled,
        EventKind::Skipped,
        EventKind::Transferred,
        EventKind::Completed,
    ];

    /// Wire and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Issued => "issued",
            EventKind::Called => "called",
            EventKind::Recalled => "recalled",
            EventKind::Skipped => "skipped",
            EventKind::Transferred => "transferred",
            EventKind::Completed => "completed",
        }
    }

    /// Whether the board announces it aloud.
    pub fn is_announced(self) -> bool {
        matches!(self, EventKind::Called | EventKind::Recalled)
    }
}

impl FromStr for EventKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

/// A counter as events and snapshots name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct CounterRef {
    /// Stable id, e.g. `quay-3`.
    pub id: String,
    /// Number announced and shown, e.g. 3.
    pub number: u32,
    /// Display name, e.g. `Quầy 3`.
    pub name: String,
}

/// A counter as `GET /api/v1/counters` and the board return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct CounterWire {
    /// Stable id, e.g. `quay-3`.
    pub id: String,
    /// Number announced and shown.
    pub number: u32,
    /// Display name.
    pub name: String,
    /// Services it serves.
    pub service_ids: Vec<String>,
    /// Its current ticket.
    pub current: Option<Ticket>,
    /// Tickets it completed today.
    pub served_today: u32,
}

/// What a counter action answers: the counter after it and the ticket acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ActionResult {
    /// The counter after the action.
    pub counter: CounterWire,
    /// The ticket called or acted on, as it is now.
    pub ticket: Ticket,
}

/// Body of `POST /api/v1/counters/{id}/call-number`: call this number of today (waiting, or
/// skipped and come back) at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallNumberRequest {
    /// The number on the ticket, e.g. `A012` (`a12` finds it too) or `A1-007`.
    pub number: String,
}

/// One entry of the board's "last called" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct CalledWire {
    /// The ticket as it was called.
    pub ticket: Ticket,
    /// The calling counter.
    pub counter: CounterRef,
    /// When, RFC 3339 (+07:00).
    pub at: String,
}

/// `GET /api/v1/board`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct BoardWire {
    /// The office name.
    pub office_name: String,
    /// Counters with their current tickets.
    pub counters: Vec<CounterWire>,
    /// Today's latest calls, newest first, one per ticket.
    pub last_called: Vec<CalledWire>,
    /// Services with today's waiting counts and estimates.
    pub services: Vec<Service>,
    /// Server time, RFC 3339 (+07:00).
    pub server_time: String,
    /// The latest event this snapshot includes; stream from it.
    #[ts(type = "number")]
    pub last_event_id: i64,
}

/// The `data:` of a queue event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct EventWire {
    /// Event id (also the SSE `id:`).
    #[ts(type = "number")]
    pub id: i64,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// When, RFC 3339 (+07:00).
    pub at: String,
    /// The ticket right after the event.
    pub ticket: Ticket,
    /// The acting counter (`null` for `issued`).
    pub counter: Option<CounterRef>,
    /// Tickets waiting per service right after the event.
    pub waiting: BTreeMap<String, u32>,
    /// For `transferred`: the service the ticket left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from_service_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_wire_names_round_trip() {
        for p in Priority::ALL {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Priority>(&json).unwrap(), p);
            assert_eq!(p.as_str().parse::<Priority>(), Ok(p));
        }
        assert!(serde_json::from_str::<Priority>("\"vip\"").is_err());
    }

    #[test]
    fn request_priority_defaults_to_none_and_rejects_unknown_fields() {
        let r: IssueTicketRequest = serde_json::from_str(r#"{"service_id":"ho-tich"}"#).unwrap();
        assert_eq!(r.priority, Priority::None);
        assert!(
            serde_json::from_str::<IssueTicketRequest>(r#"{"service_id":"x","prio":"none"}"#)
                .is_err()
        );
    }

    #[test]
    fn priority_strategy_round_trips() {
        for (text, want) in [
            ("strict", PriorityStrategy::Strict),
            ("every:1", PriorityStrategy::Every(1)),
            ("every:3", PriorityStrategy::Every(3)),
        ] {
            let got: PriorityStrategy = text.parse().unwrap();
            assert_eq!(got, want);
            assert_eq!(got.to_string(), text);
            let json = serde_json::to_string(&got).unwrap();
            assert_eq!(
                serde_json::from_str::<PriorityStrategy>(&json).unwrap(),
                got
            );
        }
        for bad in [
            "", "every", "every:", "every:0", "every:-1", "every:x", "fifo",
        ] {
            assert!(bad.parse::<PriorityStrategy>().is_err(), "{bad}");
        }
        assert_eq!(PriorityStrategy::default(), PriorityStrategy::Strict);
    }

    #[test]
    fn numbers_are_zero_padded() {
        assert_eq!(format_number("A", 1, 3), "A001");
        assert_eq!(format_number("D", 7, 4), "D0007");
    }
}
