//! Staff at the kiosk (issue 12): enrollment of the kiosk with a one-time code, and staff
//! assist mode, where a staff member signs in with their own account at the office server
//! (`POST /api/v1/staff/assist`) and what the kiosk does meanwhile is recorded as assisted by
//! them. The assist token lives in memory only ([`super::identity::Credentials`]).
//!
//! When the office server cannot be reached nobody can sign in: leaving kiosk mode then needs
//! the local emergency PIN, which exists only when the office configured one other than the
//! public default (or in demo mode). docs/DECISIONS.md, "Staff assist mode at the kiosk".

use super::identity::{Secret, TokenFile};
use super::link::OfficeLink;
pub use super::local_store::OutboxSummary;
use super::office_client::ClientError;
use super::staff::StaffLock;
use motcua_core::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A staff member as the office server describes them (`StaffWire`; only what the kiosk shows).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
pub struct AssistStaff {
    pub username: String,
    pub full_name: String,
    /// `counter`, `manager` or `admin`.
    pub role: String,
}

/// What `POST /api/v1/staff/assist` answers.
#[derive(Deserialize)]
struct AssistAnswer {
    assist_token: String,
    staff: AssistStaff,
    idle_timeout_secs: u32,
}

/// What `POST /api/v1/devices/enroll` answers (the device itself is not needed here).
#[derive(Deserialize)]
struct EnrollAnswer {
    token: String,
}

/// The staff screen's view of the kiosk: `staff_state`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct StaffState {
    /// The kiosk has a device token the server has not refused.
    pub enrolled: bool,
    pub online: bool,
    /// Who assists now, if anyone.
    pub assisting: Option<AssistStaff>,
    /// Seconds of inactivity after which the assist session ends.
    pub idle_timeout_secs: u32,
    /// A local emergency PIN is configured (leaving kiosk mode while the server is away).
    pub emergency_pin: bool,
    /// That PIN is the public default, allowed in demo mode only: the staff screen says so.
    pub emergency_pin_demo: bool,
}

/// The printer for staff: what it says of itself now, and what the last job found.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PrinterView {
    /// `ready`, `offline`, `paper_out`, `cover_open` or `error`.
    pub state: String,
    /// Whether the last job failed (`None` before the first job).
    pub last_job_failed: Option<bool>,
}

/// What the staff tools screen shows: `staff_tools`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct StaffTools {
    pub printer: PrinterView,
    pub outbox: OutboxSummary,
    /// The last ticket issued here (its number), which "reprint" prints again.
    pub last_ticket: Option<String>,
    /// Whether a receipt of this citizen's session can be printed again.
    pub last_receipt: bool,
}

struct Assisting {
    staff: AssistStaff,
    idle: Duration,
    last_used: Instant,
}

/// Enrollment and staff assist mode.
pub struct AssistService {
    link: OfficeLink,
    token_file: TokenFile,
    kiosk_id: String,
    session: Mutex<Option<Assisting>>,
    /// The local emergency PIN (leaving kiosk mode while nobody can sign in), if configured.
    emergency: Option<StaffLock>,
    /// The emergency PIN is the public default (demo mode).
    emergency_demo: bool,
}

fn signed_out() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthorized,
        "Cán bộ cần đăng nhập trước.",
        "A staff member must sign in first.",
    )
}

impl AssistService {
    pub(crate) fn new(
        link: OfficeLink,
        token_file: TokenFile,
        kiosk_id: String,
        emergency: Option<StaffLock>,
        emergency_demo: bool,
    ) -> AssistService {
        AssistService {
            link,
            token_file,
            kiosk_id,
            session: Mutex::new(None),
            emergency_demo: emergency_demo && emergency.is_some(),
            emergency,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Assisting>> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The staff screen's view; an assist session idle too long, or ended by the server, is over.
    pub fn state(&self) -> StaffState {
        self.expire();
        let creds = self.link.client.credentials();
        let s = self.lock();
        StaffState {
            enrolled: !creds.needs_enrollment(),
            online: self.link.is_online(),
            assisting: s.as_ref().map(|a| a.staff.clone()),
            idle_timeout_secs: s.as_ref().map_or(0, |a| a.idle.as_secs() as u32),
            emergency_pin: self.emergency.is_some(),
            emergency_pin_demo: self.emergency_demo,
        }
    }

    /// Ends a session the server ended (a 401 dropped its token) or left idle too long.
    fn expire(&self) {
        let creds = self.link.client.credentials();
        let mut s = self.lock();
        let over = s
            .as_ref()
            .is_some_and(|a| creds.assist().is_none() || a.last_used.elapsed() > a.idle);
        if over {
            *s = None;
            creds.set_assist(None);
            tracing::info!("staff assist session over");
        }
    }

    /// The staff member assisting now, noting the activity (their idle timer starts again).
    pub fn touch(&self) -> Result<AssistStaff, ApiError> {
        self.expire();
        let mut s = self.lock();
        let a = s.as_mut().ok_or_else(signed_out)?;
        a.last_used = Instant::now();
        Ok(a.staff.clone())
    }

    /// Enrolls the kiosk with the one-time code an admin made; the token goes to the token file.
    pub async fn enroll(&self, code: &str) -> Result<(), ApiError> {
        let code: String = code
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if code.is_empty() {
            return Err(ApiError::new(
                ErrorCode::BadEnrollCode,
                "Vui lòng nhập mã đăng ký máy do quản trị viên cấp.",
                "Please type the enrollment code an administrator gave you.",
            ));
        }
        let body = serde_json::json!({"code": code, "name": self.kiosk_id});
        let answer: EnrollAnswer = self
            .link
            .client
            .post_json("/api/v1/devices/enroll", &body)
            .await
            .map_err(|e| self.refusal(e))?;
        let token = Secret::new(answer.token);
        let file = self.token_file.clone();
        let t = token.clone();
        tokio::task::spawn_blocking(move || file.write(&t))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|e| {
                tracing::error!(path = %self.token_file.path().display(), "cannot write the device token: {e}");
                ApiError::new(
                    ErrorCode::Internal,
                    "Máy đã được đăng ký nhưng không lưu được mã thiết bị. Vui lòng báo bộ phận kỹ thuật.",
                    "The kiosk was enrolled but could not save its device token. Please tell IT.",
                )
            })?;
        self.link.client.credentials().set_token(Some(token));
        tracing::info!(kiosk = %self.kiosk_id, "kiosk enrolled at the office server");
        Ok(())
    }

    /// Signs a staff member in for assist mode with their own account.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<StaffState, ApiError> {
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            return Err(ApiError::new(
                ErrorCode::BadCredentials,
                "Vui lòng nhập tên đăng nhập và mật khẩu.",
                "Please type your username and password.",
            ));
        }
        if self.link.client.credentials().needs_enrollment() {
            return Err(not_enrolled());
        }
        // A session left open (another staff member's) ends first.
        self.end().await;
        let body = serde_json::json!({"username": username, "password": password});
        let answer: AssistAnswer = self
            .link
            .client
            .post_json("/api/v1/staff/assist", &body)
            .await
            .map_err(|e| self.refusal(e))?;
        self.link
            .client
            .credentials()
            .set_assist(Some(Secret::new(answer.assist_token)));
        tracing::info!(staff = %answer.staff.username, "staff assist session started");
        *self.lock() = Some(Assisting {
            staff: answer.staff,
            idle: Duration::from_secs(u64::from(answer.idle_timeout_secs.max(30))),
            last_used: Instant::now(),
        });
        Ok(self.state())
    }

    /// Ends the assist session: at the server, then the token leaves memory.
    pub async fn end(&self) {
        let was = self.lock().take();
        let creds = self.link.client.credentials();
        if creds.assist().is_some() {
            if let Err(e) = self.link.client.delete_path("/api/v1/staff/assist").await {
                tracing::info!("assist session end not confirmed by the server: {e}");
            }
        }
        creds.set_assist(None);
        if let Some(a) = was {
            tracing::info!(staff = %a.staff.username, "staff assist session ended");
        }
    }

    /// Whether the staff member assisting may leave kiosk mode (role `admin`), or the local
    /// emergency PIN was entered recently.
    pub fn may_exit(&self) -> Result<(), ApiError> {
        if let Ok(staff) = self.touch() {
            if staff.role == "admin" {
                return Ok(());
            }
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Chỉ quản trị viên mới được thoát chế độ kiosk.",
                "Only an administrator may leave kiosk mode.",
            ));
        }
        if self.emergency.as_ref().is_some_and(|l| l.is_unlocked()) {
            return Ok(());
        }
        Err(signed_out())
    }

    /// Tries the local emergency PIN.
    pub fn emergency_unlock(&self, pin: &str) -> Result<(), ApiError> {
        match &self.emergency {
            Some(l) => l.unlock(pin),
            None => Err(ApiError::new(
                ErrorCode::WrongPin,
                "Máy này không có mã PIN khẩn cấp. Cán bộ cần đăng nhập bằng tài khoản của mình khi máy chủ hoạt động.",
                "This kiosk has no emergency PIN. Staff sign in with their own account while the office server answers.",
            )),
        }
    }

    /// The server's refusal as staff read it; an unreachable server says so.
    fn refusal(&self, e: ClientError) -> ApiError {
        if e.is_unreachable() {
            self.link.set_online(false);
            return ApiError::new(
                ErrorCode::ServerUnreachable,
                "Không kết nối được máy chủ của Bộ phận Một cửa nên không đăng nhập được. Vui lòng thử lại sau.",
                "Cannot reach the office server, so nobody can sign in. Please try again later.",
            );
        }
        let e = ApiError::from(e);
        if e.code == ErrorCode::Unauthorized {
            // The kiosk's own token (a wrong password is `bad_credentials`).
            self.link.client.credentials().mark_refused();
            return not_enrolled();
        }
        e
    }
}

fn not_enrolled() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthorized,
        "Máy chưa được đăng ký với máy chủ. Chọn “Đăng ký máy” và nhập mã do quản trị viên cấp.",
        "This kiosk is not enrolled at the office server. Choose “Enroll kiosk” and type the code an administrator made.",
    )
}
