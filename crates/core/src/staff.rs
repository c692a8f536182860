//! Staff and device identity on the wire (docs/STAFF-API.md): accounts, roles, devices,
//! sessions and audit entries. The office server stores them; the counter page and the kiosk
//! read them.

use crate::devices::DeviceKind;
use serde::{Deserialize, Serialize};

/// A staff member's role.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Counter staff: call numbers, receive dossiers, assist at kiosks.
    Counter,
    /// Office manager: what counter staff do, and the audit trail.
    Manager,
    /// IT admin: accounts, devices, leaving kiosk mode.
    Admin,
}

impl Role {
    /// The stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Counter => "counter",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "counter" => Some(Role::Counter),
            "manager" => Some(Role::Manager),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A staff account as the API shows it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct StaffWire {
    /// Sign-in name.
    pub username: String,
    /// Full name, NFC.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Counters the account may serve; empty: any counter of the office.
    pub counters: Vec<String>,
    /// Services the account may serve; empty: any.
    pub services: Vec<String>,
    /// Whether it may sign in.
    pub enabled: bool,
}

/// A new staff account (`POST /api/v1/staff`).
#[derive(Debug, Clone, Deserialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    /// Sign-in name: 2–64 lowercase letters, digits, `.`, `_` or `-`.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Password, at least 10 characters.
    pub password: String,
    /// Counters; empty: any.
    #[serde(default)]
    pub counters: Vec<String>,
    /// Services; empty: any.
    #[serde(default)]
    pub services: Vec<String>,
}

/// A device as the API shows it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DeviceWire {
    /// Unique name, e.g. `kiosk-sanh`.
    pub name: String,
    /// Kiosk, counter device or board.
    pub kind: DeviceKind,
    /// The counter a counter device acts for.
    pub counter_id: Option<String>,
    /// When it was added (UTC, RFC 3339).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// `POST /api/v1/staff/session` and `POST /api/v1/staff/assist`.
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// Sign-in name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A browser session's answer: the CSRF token to send in `X-CSRF-Token` (the session itself
/// is the HttpOnly cookie).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct StaffSessionWire {
    /// Send it in `X-CSRF-Token` with every state-changing request.
    pub csrf_token: String,
    /// Who is signed in.
    pub staff: StaffWire,
    /// The counter this session is bound to, once chosen.
    pub counter_id: Option<String>,
    /// The session ends after this long unused.
    pub idle_timeout_secs: u64,
}

/// A staff member signed in at a kiosk (staff assist mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct AssistSessionWire {
    /// Sent in `X-Assist-Token` beside the kiosk's own token while assisting.
    pub assist_token: String,
    /// Who assists.
    pub staff: StaffWire,
    /// The assist session ends after this long unused.
    pub idle_timeout_secs: u64,
}

/// `POST /api/v1/staff/session/counter`.
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterChoice {
    /// The counter the session serves from now on.
    pub counter_id: String,
}

/// `POST /api/v1/staff/password`.
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new one, at least 10 characters.
    pub new_password: String,
}

/// `POST /api/v1/devices` (admin).
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    /// Kiosk, counter device or board.
    pub kind: DeviceKind,
    /// Unique name.
    pub name: String,
    /// The counter (counter devices only).
    #[serde(default)]
    pub counter_id: Option<String>,
}

/// A device's token, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DeviceToken {
    /// Sent as `Authorization: Bearer <token>`.
    pub token: String,
    /// The device.
    pub device: DeviceWire,
}

/// `POST /api/v1/devices/enroll-codes` (admin).
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollCodeRequest {
    /// What the code enrolls (kiosk or board).
    pub kind: DeviceKind,
}

/// A one-time enrollment code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct EnrollCode {
    /// E.g. `K7M4-9QPX`.
    pub code: String,
    /// UTC, RFC 3339 (15 minutes from now).
    pub expires_at: String,
}

/// `POST /api/v1/devices/enroll`.
#[derive(Debug, Clone, Deserialize, Serialize, ts_rs::TS, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The code an admin made.
    pub code: String,
    /// The device's name (the kiosk's id).
    pub name: String,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct AuditEntry {
    /// 1, 2, 3… in the order of the changes.
    #[ts(type = "number")]
    pub id: i64,
    /// UTC, RFC 3339.
    pub at: String,
    /// `staff`, `device`, `cli` or `system`.
    pub actor_kind: String,
    /// Username, device name or login.
    pub actor: String,
    /// The device it came through.
    pub device: Option<String>,
    /// The staff member assisting at a kiosk.
    pub assisted_by: Option<String>,
    /// What was done, e.g. `counter.call_next`.
    pub action: String,
    /// What kind of thing it was done to.
    pub target_kind: Option<String>,
    /// Which one.
    pub target: Option<String>,
    /// A short note.
    pub detail: Option<String>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash (hex SHA-256).
    pub hash: String,
}
