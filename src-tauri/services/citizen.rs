//! A citizen's session at the kiosk: sign-in with VNeID through the office server (device flow:
//! the kiosk only shows the QR and asks how it went), ID card scans, and the end of it all.
//!
//! The kiosk keeps only the office's session id, in memory. The profile goes to the screen,
//! which keeps it in memory too and drops it when the session ends. Nothing here is logged
//! beyond the outcome's status, nothing is written to disk.

use super::link::OfficeLink;
use motcua_core::{ApiError, ErrorCode, SignInState};
use serde::Serialize;

/// What `signin_start` returns to the screen.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SignInStartView {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    /// QR the phone scans: `verification_uri_complete`, else `verification_uri`.
    pub qr_svg: String,
    #[ts(type = "number")]
    pub expires_in: u64,
    #[ts(type = "number")]
    pub interval: u64,
    /// A sandbox provider, not the real VNeID.
    pub demo: bool,
}

fn no_session() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "Phiên đăng nhập đã kết thúc. Vui lòng bắt đầu lại.",
        "The sign-in has ended. Please start again.",
    )
}

/// Longest scan the kiosk decodes (a CCCD QR is about 150 characters).
const MAX_SCAN: usize = 2000;

/// The signed-in citizen at this kiosk: the office server's session handle, in memory only.
pub struct CitizenSession {
    link: OfficeLink,
    session: tokio::sync::Mutex<Option<String>>,
}

impl CitizenSession {
    pub(crate) fn new(link: OfficeLink) -> CitizenSession {
        CitizenSession {
            link,
            session: tokio::sync::Mutex::new(None),
        }
    }

    /// Starts a sign-in (ending any earlier one at this kiosk).
    pub async fn start(&self) -> Result<SignInStartView, ApiError> {
        self.end().await;
        let s = self.link.client.auth_start().await?;
        *self.session.lock().await = Some(s.session_id.clone());
        let qr_target = s
            .verification_uri_complete
            .clone()
            .unwrap_or_else(|| s.verification_uri.clone());
        Ok(SignInStartView {
            qr_svg: motcua_print::qr_svg(&qr_target),
            user_code: s.user_code,
            verification_uri: s.verification_uri,
            verification_uri_complete: s.verification_uri_complete,
            expires_in: s.expires_in,
            interval: s.interval,
            demo: s.demo,
        })
    }

    /// How the sign-in goes; with the profile once the citizen approved it on their phone.
    pub async fn status(&self) -> Result<SignInState, ApiError> {
        let id = self.session.lock().await.clone().ok_or_else(no_session)?;
        let state = self.link.client.auth_state(&id).await?;
        tracing::info!(status = state.status.as_str(), "sign-in status");
        Ok(state)
    }

    /// The office server's handle of the current sign-in (what a dossier is filed with), if any.
    pub async fn session_id(&self) -> Option<String> {
        self.session.lock().await.clone()
    }

    /// Ends the citizen's session: signs out at the office server and forgets the session.
    pub async fn end(&self) {
        let id = self.session.lock().await.take();
        if let Some(id) = id {
            if let Err(e) = self.link.client.auth_end(&id).await {
                tracing::warn!(error = %e, "sign-out not confirmed by the office server");
            }
            tracing::info!("citizen session ended");
        }
    }
}

/// What a barcode scanner read: a CCCD (checked), a VietQR, a receipt link, or unknown.
pub fn scan_decode(text: &str) -> Result<motcua_core::scan::ScanResult, ApiError> {
    if text.len() > MAX_SCAN {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "Mã quét quá dài, không phải mã trên căn cước. Vui lòng quét lại.",
            "The scan is too long to be an ID card code. Please scan again.",
        ));
    }
    let today = chrono::Utc::now()
        .with_timezone(&motcua_core::time::vn_offset())
        .date_naive();
    Ok(motcua_core::scan::decode(text, None, today))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_are_classified_and_checked() {
        let scan_decode = |s: &str| scan_decode(s).map(|r| serde_json::to_value(r).unwrap());
        let v = scan_decode("001099012345||Lê Thị Cúc|01021999|Nữ|Hà Nội|15082021").unwrap();
        assert_eq!(v["kind"], "cccd");
        assert_eq!(v["full_name"], "Lê Thị Cúc");
        let bad = scan_decode("001099012345||Lê|31021999|Nam|Hà Nội|15082021").unwrap();
        assert_eq!(bad["valid"], false);
        assert_eq!(scan_decode("hello").unwrap()["kind"], "unknown");
        assert!(scan_decode(&"9".repeat(5000)).is_err());
    }
}
