//! Citizen sign-in: the office server is an OpenID Connect relying party using the OAuth 2.0
//! Device Authorization Grant (RFC 8628).
//!
//! The kiosk asks for a sign-in (`POST /api/v1/auth/device`); the office server starts a
//! device authorization at the provider and answers with the user code and the verification
//! URI (which the kiosk shows as a QR). The office server then polls the token endpoint itself
//! in a background task, honouring `interval` and `slow_down`, validates the ID token
//! ([`oidc::Provider::validate_id_token`]) and maps its claims to a
//! [`motcua_core::CitizenProfile`] ([`claims`]). The kiosk reads the outcome with
//! `GET /api/v1/auth/device/{session_id}` and signs out with
//! `DELETE /api/v1/auth/sessions/{session_id}`.
//!
//! Everything lives in memory only: the device code, the tokens (dropped as soon as the ID
//! token is checked) and the profile (wiped on sign-out or when the session's time is up).
//! Nothing personal is logged. [`demo`] is a built-in sandbox provider for the embedded demo.

pub mod claims;
pub mod config;
pub mod demo;
pub mod http;
pub mod oidc;

pub use config::{AuthConfig, ClaimNames};

use base64::Engine;
use motcua_core::{ApiError, CitizenProfile, DeviceSignIn, ErrorCode, SignInState, SignInStatus};
use oidc::{Metadata, OidcError, Poll, Provider};
use ring::rand::SecureRandom;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use tokio::task::AbortHandle;
use zeroize::{Zeroize, Zeroizing};

/// RFC 8628 §3.2: the interval when the provider gives none.
const DEFAULT_INTERVAL: u64 = 5;
/// RFC 8628 §3.5: `slow_down` adds 5 s.
const SLOW_DOWN_STEP: u64 = 5;
/// A denied, expired or failed sign-in stays readable this long.
const ENDED_KEEP: Duration = Duration::from_secs(300);
/// Failed polls in a row (network, 5xx) before the sign-in is given up.
const MAX_TRANSIENT: u32 = 5;

/// Pending sign-ins one kiosk (or staff member) may have at once; a new one ends the oldest.
pub const MAX_PENDING_PER_OWNER: usize = 2;

enum Phase {
    Pending,
    Approved(CitizenProfile),
    Denied,
    Expired,
    Error { vi: String, en: String },
}

struct Session {
    /// Who started it (the kiosk's device name, or the staff member): pending sign-ins are
    /// capped per owner.
    owner: String,
    /// When it started.
    started: Instant,
    phase: Phase,
    interval: u64,
    /// When the device code expires.
    deadline: Instant,
    /// When the session is dropped (sign-out happens earlier).
    ends: Instant,
    task: Option<AbortHandle>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Phase::Approved(p) = &mut self.phase {
            p.zeroize();
        }
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

struct Inner {
    provider: Provider,
    demo: bool,
    sessions: Mutex<HashMap<String, Session>>,
    rng: ring::rand::SystemRandom,
}

impl Inner {
    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends a pending session with `phase` (no effect if it ended or was signed out).
    fn finish(&self, id: &str, phase: Phase) {
        let ttl = match phase {
            Phase::Approved(_) => self.provider.config().session_ttl(),
            _ => ENDED_KEEP,
        };
        let mut map = self.sessions();
        if let Some(s) = map.get_mut(id) {
            if matches!(s.phase, Phase::Pending) {
                s.phase = phase;
                s.ends = Instant::now() + ttl;
                s.task = None;
            }
        }
    }

    fn sweep(&self) {
        let now = Instant::now();
        let gone: Vec<Session> = {
            let mut map = self.sessions();
            let ids: Vec<String> = map
                .iter()
                .filter(|(_, s)| s.ends <= now)
                .map(|(k, _)| k.clone())
                .collect();
            ids.iter().filter_map(|k| map.remove(k)).collect()
        };
        if !gone.is_empty() {
            tracing::debug!(count = gone.len(), "sign-in sessions timed out");
        }
        // Dropped (and wiped) outside the lock.
        drop(gone);
    }
}

/// The sign-in sessions of one office server over one provider. Cheap to clone.
#[derive(Clone)]
pub struct AuthService {
    inner: Arc<Inner>,
}

impl AuthService {
    /// Sessions over the provider `cfg` names; `demo` marks the built-in sandbox provider.
    /// Must be called inside a tokio runtime (it starts the task that drops timed-out
    /// sessions; it ends when the service is dropped).
    pub fn new(cfg: AuthConfig, demo: bool) -> AuthService {
        let inner = Arc::new(Inner {
            provider: Provider::new(cfg),
            demo,
            sessions: Mutex::new(HashMap::new()),
            rng: ring::rand::SystemRandom::new(),
        });
        let weak = Arc::downgrade(&inner);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                let Some(inner) = weak.upgrade() else { return };
                inner.sweep();
            }
        });
        AuthService { inner }
    }

    /// Whether this is the built-in sandbox provider.
    pub fn is_demo(&self) -> bool {
        self.inner.demo
    }

    /// Open sessions (pending or ended but not yet dropped).
    pub fn session_count(&self) -> usize {
        self.inner.sessions().len()
    }

    fn random_id(&self) -> Result<String, ApiError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        self.inner
            .rng
            .fill(bytes.as_mut())
            .map_err(|_| ApiError::internal())?;
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes.as_ref()))
    }

    /// Starts a sign-in for `owner` (the kiosk's device name, or a staff member) at the
    /// provider; the background poll begins at once. An owner has at most
    /// [`MAX_PENDING_PER_OWNER`] pending sign-ins: a new one ends its oldest (a kiosk shows one
    /// QR at a time; an older one was left behind), so one kiosk can neither lock itself out
    /// nor use up the office's places.
    pub async fn start(&self, owner: &str) -> Result<DeviceSignIn, ApiError> {
        let inner = &self.inner;
        self.inner.sweep();
        let superseded: Vec<Session> = {
            let mut map = inner.sessions();
            let mut mine: Vec<(Instant, String)> = map
                .iter()
                .filter(|(_, s)| s.owner == owner && matches!(s.phase, Phase::Pending))
                .map(|(k, s)| (s.started, k.clone()))
                .collect();
            mine.sort();
            let over = (mine.len() + 1).saturating_sub(MAX_PENDING_PER_OWNER);
            let gone = mine
                .iter()
                .take(over)
                .filter_map(|(_, k)| map.remove(k))
                .collect();
            if map.len() >= inner.provider.config().max_sessions {
                return Err(ApiError::new(
                    ErrorCode::TooManySignIns,
                    "Đang có quá nhiều lượt đăng nhập cùng lúc. Vui lòng thử lại sau ít phút.",
                    "Too many sign-ins are open at once. Please try again in a few minutes.",
                ));
            }
            gone
        };
        // Dropped (their polls stopped) outside the lock.
        drop(superseded);
        let id = self.random_id()?;
        let nonce = self.random_id()?;
        let (m, da) = inner.provider.start(&nonce).await.map_err(|e| {
            tracing::warn!(error = %e, "cannot start a device sign-in");
            provider_unavailable()
        })?;
        let interval = da.interval.unwrap_or(DEFAULT_INTERVAL).clamp(1, 60);
        let expires_in = da.expires_in.min(3600);
        let deadline = Instant::now() + Duration::from_secs(expires_in);
        let reply = DeviceSignIn {
            session_id: id.clone(),
            user_code: da.user_code,
            verification_uri: da.verification_uri,
            verification_uri_complete: da.verification_uri_complete,
            expires_in,
            interval,
            demo: inner.demo,
        };
        let session = Session {
            owner: owner.to_owned(),
            started: Instant::now(),
            phase: Phase::Pending,
            interval,
            deadline,
            ends: deadline + Duration::from_secs(60),
            task: None,
        };
        inner.sessions().insert(id.clone(), session);
        let weak = Arc::downgrade(&self.inner);
        let task = tokio::spawn(poll_loop(
            weak,
            id.clone(),
            m,
            da.device_code,
            nonce,
            interval,
            deadline,
        ));
        if let Some(s) = inner.sessions().get_mut(&id) {
            if matches!(s.phase, Phase::Pending) {
                s.task = Some(task.abort_handle());
            }
        }
        tracing::info!(demo = inner.demo, "device sign-in started");
        Ok(reply)
    }

    /// Where the sign-in `id` stands; `None` if there is no such session (never was, signed
    /// out, or timed out).
    pub fn state(&self, id: &str) -> Option<SignInState> {
        let map = self.inner.sessions();
        let s = map.get(id)?;
        let now = Instant::now();
        if s.ends <= now {
            // Timed out; the sweeper drops it within seconds.
            return None;
        }
        let expires_in = s.deadline.saturating_duration_since(now).as_secs();
        let (status, msg, profile) = match &s.phase {
            Phase::Pending => (SignInStatus::Pending, None, None),
            Phase::Approved(p) => (SignInStatus::Approved, None, Some(p.clone())),
            Phase::Denied => (
                SignInStatus::Denied,
                Some((
                    "Đăng nhập đã bị từ chối trên điện thoại hoặc bởi hệ thống định danh. Máy \
                     chưa đăng nhập; bấm bắt đầu lại nếu muốn thử lại."
                        .to_owned(),
                    "The sign-in was refused on the phone or by the identity provider. You are \
                     not signed in; start again to retry."
                        .to_owned(),
                )),
                None,
            ),
            Phase::Expired => (
                SignInStatus::Expired,
                Some((
                    "Mã đăng nhập đã hết hạn trước khi được xác nhận trên điện thoại. Vui lòng \
                     bắt đầu lại để nhận mã mới."
                        .to_owned(),
                    "The sign-in code expired before it was confirmed on the phone. Please \
                     start again to get a new code."
                        .to_owned(),
                )),
                None,
            ),
            Phase::Error { vi, en } => (SignInStatus::Error, Some((vi.clone(), en.clone())), None),
        };
        let ended = !matches!(s.phase, Phase::Pending);
        Some(SignInState {
            status,
            message: msg.as_ref().map(|(vi, en)| format!("{vi} / {en}")),
            message_vi: msg.as_ref().map(|(vi, _)| vi.clone()),
            message_en: msg.map(|(_, en)| en),
            profile,
            interval: s.interval,
            expires_in: if ended { 0 } else { expires_in },
            demo: self.inner.demo,
        })
    }

    /// The verified profile of the sign-in `id` while it is approved (what online filing binds
    /// a dossier to); `None` when there is no such session (never was, signed out, timed out)
    /// or it is not approved (pending, denied, expired, failed). Wiped when dropped.
    pub fn approved_profile(&self, id: &str) -> Option<Zeroizing<CitizenProfile>> {
        let map = self.inner.sessions();
        let s = map.get(id)?;
        if s.ends <= Instant::now() {
            return None;
        }
        match &s.phase {
            Phase::Approved(p) => Some(Zeroizing::new(p.clone())),
            _ => None,
        }
    }

    /// Signs out: drops the session, its profile and its poll. `true` if there was one.
    pub fn sign_out(&self, id: &str) -> bool {
        let gone = self.inner.sessions().remove(id);
        let was = gone.is_some();
        drop(gone);
        if was {
            tracing::info!("citizen signed out");
        }
        was
    }
}

fn provider_unavailable() -> ApiError {
    ApiError::new(
        ErrorCode::SignInUnavailable,
        "Không kết nối được với hệ thống định danh (VNeID) lúc này. Vui lòng thử lại sau ít \
         phút hoặc hỏi cán bộ.",
        "The identity provider (VNeID) cannot be reached right now. Please try again in a few \
         minutes or ask a staff member.",
    )
}

fn bad_token(detail: &str) -> Phase {
    Phase::Error {
        vi: format!(
            "Không xác minh được kết quả đăng nhập từ hệ thống định danh ({}), nên máy chưa \
             đăng nhập và không dữ liệu nào được giữ lại. Vui lòng thử lại hoặc hỏi cán bộ.",
            token_detail_vi(detail)
        ),
        en: format!(
            "The sign-in result from the identity provider could not be verified ({detail}), \
             so you are not signed in and nothing was kept. Please try again or ask a staff \
             member."
        ),
    }
}

/// Vietnamese for the ID token problems of [`oidc::Provider::validate_id_token`].
fn token_detail_vi(en: &str) -> &'static str {
    if en.contains("signature") {
        "chữ ký của mã thông báo không khớp với khóa của nhà cung cấp"
    } else if en.contains("expired") {
        "mã thông báo đã hết hạn"
    } else if en.contains("aud") {
        "mã thông báo cấp cho ứng dụng khác"
    } else if en.contains("iss") {
        "mã thông báo do nơi khác cấp"
    } else if en.contains("key") {
        "không tìm thấy khóa ký của mã thông báo"
    } else if en.contains("algorithm") {
        "thuật toán ký không được chấp nhận"
    } else {
        "mã thông báo không hợp lệ"
    }
}

async fn poll_loop(
    weak: Weak<Inner>,
    id: String,
    m: Metadata,
    device_code: Zeroizing<String>,
    mut nonce: String,
    mut interval: u64,
    deadline: Instant,
) {
    let mut transient = 0u32;
    let outcome = loop {
        tokio::time::sleep(Duration::from_secs(interval)).await;
        let Some(inner) = weak.upgrade() else {
            break None;
        };
        if !inner.sessions().contains_key(&id) {
            break None;
        }
        if Instant::now() >= deadline {
            break Some(Phase::Expired);
        }
        match inner.provider.poll(&m, &device_code).await {
            Poll::Pending => transient = 0,
            Poll::SlowDown => {
                transient = 0;
                interval += SLOW_DOWN_STEP;
                if let Some(s) = inner.sessions().get_mut(&id) {
                    s.interval = interval;
                }
                tracing::info!(interval, "provider asked to slow down");
            }
            Poll::Denied => break Some(Phase::Denied),
            Poll::Expired => break Some(Phase::Expired),
            Poll::Failed(code) => {
                let near_end = Instant::now() + Duration::from_secs(interval) >= deadline;
                tracing::warn!(error = %code, "the token endpoint refused the device code");
                if code == "invalid_grant" && near_end {
                    break Some(Phase::Expired);
                }
                break Some(Phase::Error {
                    vi: format!(
                        "Hệ thống định danh từ chối yêu cầu đăng nhập (mã lỗi {code}). Vui lòng \
                         bắt đầu lại hoặc hỏi cán bộ."
                    ),
                    en: format!(
                        "The identity provider refused the sign-in (error {code}). Please \
                         start again or ask a staff member."
                    ),
                });
            }
            Poll::Transient(detail) => {
                transient += 1;
                tracing::warn!(%detail, attempt = transient, "polling the provider failed");
                if transient >= MAX_TRANSIENT {
                    let e = provider_unavailable();
                    break Some(Phase::Error {
                        vi: e.message_vi,
                        en: e.message_en,
                    });
                }
            }
            Poll::Token(token) => {
                let phase = match inner.provider.validate_id_token(&m, &token, &nonce).await {
                    Ok(mut claims) => {
                        let p = claims::profile(&claims, &inner.provider.config().claims);
                        for v in claims.values_mut() {
                            if let serde_json::Value::String(s) = v {
                                s.zeroize();
                            }
                        }
                        tracing::info!("citizen signed in");
                        Phase::Approved(p)
                    }
                    Err(OidcError::BadToken(detail)) => {
                        tracing::warn!(%detail, "ID token rejected");
                        bad_token(&detail)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot check the ID token");
                        let e = provider_unavailable();
                        Phase::Error {
                            vi: e.message_vi,
                            en: e.message_en,
                        }
                    }
                };
                break Some(phase);
            }
        }
    };
    nonce.zeroize();
    if let (Some(phase), Some(inner)) = (outcome, weak.upgrade()) {
        match &phase {
            Phase::Denied => tracing::info!("device sign-in denied"),
            Phase::Expired => tracing::info!("device sign-in expired"),
            _ => {}
        }
        inner.finish(&id, phase);
    }
}

/// The sandbox provider on loopback only: on any other address (`0.0.0.0`, `::`, a LAN
/// address) anyone on the network could approve a sign-in as the demo citizen and file as them.
/// Checked before the server binds (the addresses `cfg.listen` names) and again in [`mount`]
/// (the address bound).
pub fn refuse_demo_off_loopback(
    cfg: &crate::ServerConfig,
    addrs: impl IntoIterator<Item = std::net::SocketAddr>,
) -> Result<(), crate::OfficeError> {
    if !cfg.demo_sign_in {
        return Ok(());
    }
    match addrs
        .into_iter()
        .find(|a| !a.ip().to_canonical().is_loopback())
    {
        None => Ok(()),
        Some(a) => {
            tracing::error!(listen = %cfg.listen, "the DEMO sign-in provider is refused off loopback");
            Err(crate::OfficeError::Config(
                format!(
                    "the DEMO sign-in provider (demo sign-in, \"{}\") is served on loopback only, \
                     and {} ({a}) is not a loopback address: anyone on the network could sign in \
                     as the demo citizen. Listen on 127.0.0.1, or turn demo sign-in off \
                     (motcua serve without --demo-sign-in; office.demo = false at a kiosk)",
                    demo::LABEL,
                    cfg.listen
                )
                .into(),
            ))
        }
    }
}

/// [`refuse_demo_off_loopback`] for the addresses `cfg.listen` names, before binding (a name
/// that does not resolve is left to the bind to report).
pub async fn check_demo_listen(cfg: &crate::ServerConfig) -> Result<(), crate::OfficeError> {
    if !cfg.demo_sign_in {
        return Ok(());
    }
    match tokio::net::lookup_host(cfg.listen.as_str()).await {
        Ok(addrs) => refuse_demo_off_loopback(cfg, addrs),
        Err(_) => Ok(()),
    }
}

/// The sign-in routes for a server bound to `addr` whose phones reach it at `public_base`:
/// the relying party over `cfg.auth` (API routes), and with `cfg.demo_sign_in` the sandbox
/// provider's pages at `/demo-idp/` (outside the API; the relying party's provider too when
/// `cfg.auth` is `None`). Also the sessions themselves (`None`: no sign-in is set up), which
/// online filing binds dossiers to.
pub fn mount(
    cfg: &crate::ServerConfig,
    addr: std::net::SocketAddr,
    public_base: &str,
) -> Result<Mounted, crate::OfficeError> {
    refuse_demo_off_loopback(cfg, [addr])?;
    let mut extra = axum::Router::new();
    let service = match (&cfg.auth, cfg.demo_sign_in) {
        (Some(a), _) => {
            a.validate().map_err(crate::OfficeError::Config)?;
            Some(AuthService::new(a.clone(), false))
        }
        (None, false) => None,
        (None, true) => {
            let (router, rp) = demo::mount(addr, public_base);
            extra = router;
            Some(AuthService::new(rp, true))
        }
    };
    if cfg.demo_sign_in && cfg.auth.is_some() {
        extra = demo::mount(addr, public_base).0;
    }
    Ok(Mounted {
        api: http::router(service.clone()),
        outside: extra,
        service,
    })
}

/// What [`mount`] gives the server.
pub struct Mounted {
    /// The sign-in API routes.
    pub api: utoipa_axum::router::OpenApiRouter,
    /// The sandbox provider's pages (empty unless demo sign-in is on).
    pub outside: axum::Router,
    /// The sign-in sessions; `None` when no sign-in is set up.
    pub service: Option<AuthService>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_demo_provider_mounts_on_the_bound_loopback_address_only() {
        let cfg = crate::ServerConfig {
            listen: "127.0.0.1:0".into(),
            demo_sign_in: true,
            ..Default::default()
        };
        for bound in ["127.0.0.1:8080", "[::1]:8080", "[::ffff:127.0.0.1]:8080"] {
            let m = mount(&cfg, bound.parse().unwrap(), "http://127.0.0.1:8080").unwrap();
            assert!(m.service.is_some_and(|s| s.is_demo()), "{bound}");
        }
        // However `listen` was written (a name resolving elsewhere), the bound address decides.
        for bound in ["0.0.0.0:8080", "[::]:8080", "10.0.0.5:8080"] {
            let e = mount(&cfg, bound.parse().unwrap(), "http://10.0.0.5:8080")
                .err()
                .unwrap_or_else(|| panic!("{bound}: mounted"));
            assert!(matches!(e, crate::OfficeError::Config(_)), "{bound}: {e}");
        }
        // Without demo sign-in, any address.
        let cfg = crate::ServerConfig {
            demo_sign_in: false,
            ..cfg
        };
        let m = mount(
            &cfg,
            "0.0.0.0:8080".parse().unwrap(),
            "http://10.0.0.5:8080",
        )
        .unwrap();
        assert!(m.service.is_none());
    }
}
