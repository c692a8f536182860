//! Citizen sign-in wire types: the office server signs the citizen in with their VNeID (an
//! OpenID provider) through the device flow, and the kiosk shows the QR and then uses the
//! profile to prefill forms.
//!
//! A [`CitizenProfile`] is personal data: it lives in memory only, is never logged, and is
//! wiped ([`zeroize::Zeroize`]) when the sign-in ends.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// Who signed in, as the provider vouches for it. Every field but `subject` is optional: a
/// provider may not release it, or release it in a shape the office does not understand.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS, utoipa::ToSchema)]
pub struct CitizenProfile {
    /// The provider's stable identifier of the citizen (`sub`).
    pub subject: String,
    /// Full name, NFC (e.g. "Nguyễn Thị Thu Hà").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub full_name: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub date_of_birth: Option<String>,
    /// `male` or `female`; absent when the provider's value was anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub gender: Option<String>,
    /// The 12-digit personal identification number (số định danh cá nhân / CCCD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id_number: Option<String>,
    /// Permanent or current address, one line, NFC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub address: Option<String>,
    /// Phone number as the provider gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub phone: Option<String>,
}

/// Debug output never shows personal data (a profile may end up in a log by accident).
impl std::fmt::Debug for CitizenProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CitizenProfile { .. }")
    }
}

impl Zeroize for CitizenProfile {
    fn zeroize(&mut self) {
        self.subject.zeroize();
        for field in [
            &mut self.full_name,
            &mut self.date_of_birth,
            &mut self.gender,
            &mut self.id_number,
            &mut self.address,
            &mut self.phone,
        ] {
            if let Some(s) = field.as_mut() {
                s.zeroize();
            }
            *field = None;
        }
    }
}

/// What `POST /api/v1/auth/device` answers: what the kiosk shows (the QR of
/// `verification_uri_complete`, the user code, a countdown) and the session to ask about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct DeviceSignIn {
    /// Random, unguessable id of this sign-in on the office server (43 characters, base64url).
    pub session_id: String,
    /// The code the citizen confirms on their phone (e.g. `WDJB-MJHT`).
    pub user_code: String,
    /// Where the phone goes to enter the code.
    pub verification_uri: String,
    /// The same with the code filled in: the QR the kiosk shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub verification_uri_complete: Option<String>,
    /// Seconds until the code expires.
    #[ts(type = "number")]
    pub expires_in: u64,
    /// Seconds between the office server's polls of the provider (a sensible pace for the
    /// kiosk's own status checks too).
    #[ts(type = "number")]
    pub interval: u64,
    /// The office's built-in sandbox provider, not VNeID: label it "DEMO – không phải VNeID
    /// thật".
    #[serde(default)]
    pub demo: bool,
}

/// Where a sign-in stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SignInStatus {
    /// Waiting for the citizen to approve on their phone.
    Pending,
    /// Signed in: the profile is there.
    Approved,
    /// The citizen (or the provider) refused.
    Denied,
    /// The code expired before it was approved.
    Expired,
    /// Something failed (provider unreachable, an ID token that does not check out).
    Error,
}

impl SignInStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignInStatus::Pending => "pending",
            SignInStatus::Approved => "approved",
            SignInStatus::Denied => "denied",
            SignInStatus::Expired => "expired",
            SignInStatus::Error => "error",
        }
    }
}

/// What `GET /api/v1/auth/device/{session_id}` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct SignInState {
    /// Where the sign-in stands.
    pub status: SignInStatus,
    /// Vietnamese and English joined with " / " when the status is `denied`, `expired` or
    /// `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
    /// Vietnamese message (same cases as `message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message_vi: Option<String>,
    /// English message (same cases as `message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message_en: Option<String>,
    /// The citizen, when `approved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub profile: Option<CitizenProfile>,
    /// Seconds the office server now waits between polls of the provider (grows by 5 each
    /// time the provider answers `slow_down`).
    #[ts(type = "number")]
    pub interval: u64,
    /// Seconds left before the code expires (0 once it has, or once the sign-in ended).
    #[ts(type = "number")]
    pub expires_in: u64,
    /// Signed in with the built-in sandbox provider, not VNeID.
    #[serde(default)]
    pub demo: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroize_empties_every_field_and_debug_hides_them() {
        let mut p = CitizenProfile {
            subject: "s-1".into(),
            full_name: Some("Nguyễn Thị Thu Hà".into()),
            date_of_birth: Some("1990-07-15".into()),
            gender: Some("female".into()),
            id_number: Some("001190012345".into()),
            address: Some("Hà Nội".into()),
            phone: Some("0912345678".into()),
        };
        let dbg = format!("{p:?}");
        assert!(
            !dbg.contains("Nguyễn") && !dbg.contains("001190012345"),
            "{dbg}"
        );
        p.zeroize();
        assert_eq!(p, CitizenProfile::default());
    }

    #[test]
    fn state_serializes_lowercase_status_and_skips_empty_fields() {
        let s = SignInState {
            status: SignInStatus::Pending,
            message: None,
            message_vi: None,
            message_en: None,
            profile: None,
            interval: 5,
            expires_in: 300,
            demo: false,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["status"], "pending");
        assert!(
            v.get("profile").is_none() && v.get("message").is_none(),
            "{v}"
        );
        assert_eq!(SignInStatus::Expired.as_str(), "expired");
    }
}
