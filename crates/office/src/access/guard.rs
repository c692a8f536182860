//! Authorization at the edge: every route has a [`Rule`] ([`rule`], by method and route
//! template), the middleware [`guard`] finds who is asking ([`Principal`]: a device token, a
//! staff session with its CSRF token, an assist session at a kiosk, or nobody) and lets the
//! request through or answers 401/403/429 before any handler runs. A route without a rule is
//! refused (and logged): a new route cannot be served before someone decides who may use it.

use super::{store, Access};
use crate::edge::ApiFailure;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use motcua_core::devices::DeviceKind;
use motcua_core::staff::{DeviceWire, Role, StaffWire};
use motcua_core::{ApiError, ErrorCode};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

/// The cookie of a staff browser session.
pub const COOKIE: &str = "motcua_staff";
/// The header of a staff member assisting at a kiosk.
pub const ASSIST_HEADER: &str = "x-assist-token";
/// The header carrying a browser session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The client's address, for per-client limits: what a plain or TLS listener accepted from
/// (a request extension, as `ConnectInfo<ClientAddr>`, set by [`crate::conn::serve`]).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, no credential looked at: reads that carry nothing personal (the board, events,
    /// announcements, services, the catalog, the pages).
    Public,
    /// Anyone, rate-limited per client address: lookups that take a secret (a ticket's or a
    /// dossier's status), staff sign-in, enrollment with a code.
    Limited(Limit),
    /// A kiosk device (possibly assisted) or a staff session: issuing tickets, offline
    /// tickets, filing, citizen sign-in.
    Kiosk,
    /// A kiosk device only: staff assist sign-in and sign-out at a kiosk.
    KioskDevice,
    /// Any enrolled device or a staff session: device status reports.
    AnyDevice,
    /// A staff session (its counters, its chosen counter) or the counter device of the
    /// counter in the path.
    Counter,
    /// Any signed-in staff member (browser session).
    Staff,
    /// A manager or an admin.
    Manager,
    /// An admin.
    Admin,
}

/// The per-client limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Sign-in and enrollment attempts.
    SignIn,
    /// Public status lookups.
    Lookup,
    /// Public reads by a client without an identity.
    Read,
}

/// The rule of `method` on the route template `route`, or `None` for a route nobody decided.
pub fn rule(method: &Method, route: &str) -> Option<Rule> {
    use Rule::*;
    let m = if *method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    #[cfg(test)]
    if route == "/api/v1/x/panic" {
        // The panic test's own route (app.rs).
        return Some(Public);
    }
    if route.starts_with("/demo-idp/") {
        // The sandbox provider's own pages and endpoints: the phone's side of a sign-in.
        return Some(Public);
    }
    let r = match (m, route) {
        (
            "GET",
            "/healthz"
            | "/api/v1/services"
            | "/api/v1/counters"
            | "/api/v1/board"
            | "/api/v1/events"
            | "/api/v1/announcements/{file}"
            | "/api/v1/procedures"
            | "/api/v1/procedures/{code}"
            | "/api/v1/procedure-fields"
            | "/api/v1/catalog/changes"
            | "/api/v1/receipt-key"
            | "/api/v1/openapi.json"
            | "/api/v1/devices/status"
            | "/counter/"
            | "/counter"
            | "/counter/{*path}"
            | "/board/"
            | "/board"
            | "/board/{*path}",
        ) => Public,
        ("GET", "/api/v1/tickets/{id}" | "/t/{id}" | "/api/v1/dossiers/{code}" | "/d/{code}") => {
            Limited(Limit::Lookup)
        }
        ("POST", "/api/v1/tickets" | "/api/v1/tickets/offline" | "/api/v1/dossiers") => Kiosk,
        ("POST", "/api/v1/auth/device")
        | ("GET", "/api/v1/auth/device/{session_id}")
        | ("DELETE", "/api/v1/auth/sessions/{session_id}") => Kiosk,
        ("POST", "/api/v1/devices/status") => AnyDevice,
        (
            "POST",
            "/api/v1/counters/{id}/call-next"
            | "/api/v1/counters/{id}/recall"
            | "/api/v1/counters/{id}/skip"
            | "/api/v1/counters/{id}/transfer"
            | "/api/v1/counters/{id}/complete"
            | "/api/v1/counters/{id}/call-number",
        )
        | ("GET", "/api/v1/counters/{id}/skipped") => Counter,
        ("POST", "/api/v1/staff/session" | "/api/v1/devices/enroll") => Limited(Limit::SignIn),
        ("GET" | "DELETE", "/api/v1/staff/session")
        | ("POST", "/api/v1/staff/session/counter" | "/api/v1/staff/password") => Staff,
        ("POST" | "DELETE", "/api/v1/staff/assist") => KioskDevice,
        ("GET", "/api/v1/audit" | "/api/v1/audit.csv") => Manager,
        // The back office: one-stop staff (the handlers also refuse the IT admin role, and
        // counter staff the steps a manager takes).
        (
            "GET",
            "/api/v1/dossiers"
            | "/api/v1/dossiers/{code}/forms/{form}"
            | "/api/v1/dossiers/{code}/attachments/{position}",
        )
        | ("POST", "/api/v1/dossiers/{code}/actions") => Staff,
        ("GET" | "POST", "/api/v1/staff" | "/api/v1/devices")
        | (
            "POST",
            "/api/v1/staff/{username}/disable"
            | "/api/v1/staff/{username}/enable"
            | "/api/v1/devices/{name}/revoke"
            | "/api/v1/devices/enroll-codes",
        ) => Admin,
        _ => return None,
    };
    Some(r)
}

/// Who is asking, as the handlers see it (a request extension set by [`guard`]).
#[derive(Debug, Clone)]
pub enum Principal {
    /// No credential (a public or rate-limited route).
    Anonymous,
    /// A staff member in a browser session.
    Staff {
        /// The account.
        staff: StaffWire,
        /// The session's secret (to bind a counter or sign out).
        secret: String,
        /// The counter the session chose.
        counter_id: Option<String>,
    },
    /// An enrolled device, possibly with a staff member assisting at it.
    Device {
        /// The device.
        device: DeviceWire,
        /// The staff member signed in on it (staff assist mode).
        assisted_by: Option<StaffWire>,
        /// The assist session's secret.
        assist_secret: Option<String>,
    },
}

impl Principal {
    /// The actor the audit trail records; `None` for nobody.
    pub fn actor(&self) -> Option<super::Actor> {
        match self {
            Principal::Anonymous => None,
            Principal::Staff { staff, .. } => Some(super::Actor::staff(&staff.username)),
            Principal::Device {
                device,
                assisted_by,
                ..
            } => Some(super::Actor::device(
                &device.name,
                assisted_by.as_ref().map(|s| s.username.as_str()),
            )),
        }
    }

    /// The staff account behind this request (signed in, or assisting at a kiosk).
    pub fn staff(&self) -> Option<&StaffWire> {
        match self {
            Principal::Staff { staff, .. } => Some(staff),
            Principal::Device { assisted_by, .. } => assisted_by.as_ref(),
            Principal::Anonymous => None,
        }
    }
}

/// 401: no credential or an unknown, revoked or expired one.
pub fn unauthorized() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthorized,
        "Cần đăng nhập: yêu cầu này không có danh tính hợp lệ (mã thiết bị hoặc phiên đăng nhập \
         của cán bộ), hoặc danh tính đã bị thu hồi hay hết hạn.",
        "Sign-in needed: this request carries no valid identity (a device token or a staff \
         session), or it was revoked or has expired.",
    )
}

/// 403: the wrong kind of credential for this route.
pub fn forbidden() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "Danh tính này không được phép làm việc này.",
        "This identity is not allowed to do this.",
    )
}

fn wrong_counter(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::WrongCounter,
        format!("Chỉ được thao tác trên quầy của mình; “{id}” không phải quầy đang chọn hoặc được giao."),
        format!("You may act only on your own counter; “{id}” is not the counter chosen or assigned."),
    )
}

fn csrf_missing() -> ApiError {
    ApiError::new(
        ErrorCode::CsrfMissing,
        "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token). Vui lòng tải lại trang.",
        "The anti-forgery token (X-CSRF-Token) is missing or wrong. Please reload the page.",
    )
}

fn rate_limited() -> Response {
    let mut r = ApiFailure::from(ApiError::new(
        ErrorCode::RateLimited,
        "Có quá nhiều yêu cầu từ máy này. Vui lòng chờ một phút rồi thử lại.",
        "Too many requests from this device. Please wait a minute and try again.",
    ))
    .into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    r
}

/// Per-client-address limiters and per-device token buckets (governor's keyed GCRA).
pub struct Limits {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    lookup: DefaultKeyedRateLimiter<IpAddr>,
    reads: DefaultKeyedRateLimiter<IpAddr>,
    tickets: DefaultKeyedRateLimiter<String>,
    offline: DefaultKeyedRateLimiter<String>,
    dossiers: DefaultKeyedRateLimiter<String>,
}

/// What a device (or a staff member) does that its own token bucket counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spend {
    /// Issuing a ticket.
    Ticket,
    /// Handing in a ticket issued offline.
    OfflineTicket,
    /// Filing a dossier.
    Dossier,
}

fn keyed<K: std::hash::Hash + Eq + Clone>(
    per_minute: u32,
    burst: u32,
) -> DefaultKeyedRateLimiter<K> {
    let rate = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
    let burst = NonZeroU32::new(burst.max(1)).expect("at least 1");
    RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst))
}

fn check<K: std::hash::Hash + Eq + Clone>(l: &DefaultKeyedRateLimiter<K>, key: &K) -> bool {
    if l.len() > 10_000 {
        l.retain_recent();
    }
    l.check_key(key).is_ok()
}

impl Limits {
    pub(crate) fn new(cfg: &super::AccessConfig) -> Limits {
        let per_ip = |n: u32| keyed(n, n);
        Limits {
            sign_in: per_ip(cfg.sign_ins_per_minute),
            lookup: per_ip(cfg.lookups_per_minute),
            reads: per_ip(cfg.reads_per_minute),
            tickets: keyed(cfg.tickets.per_minute, cfg.tickets.burst),
            offline: keyed(cfg.offline_tickets.per_minute, cfg.offline_tickets.burst),
            dossiers: keyed(cfg.dossiers.per_minute, cfg.dossiers.burst),
        }
    }

    /// Whether the client `ip` may make one more request of this kind now.
    pub fn allow(&self, limit: Limit, ip: IpAddr) -> bool {
        let l = match limit {
            Limit::SignIn => &self.sign_in,
            Limit::Lookup => &self.lookup,
            Limit::Read => &self.reads,
        };
        check(l, &ip)
    }

    /// Whether the device or staff member `who` (its audit name) may spend one more now.
    pub fn spend(&self, spend: Spend, who: &str) -> bool {
        let l = match spend {
            Spend::Ticket => &self.tickets,
            Spend::OfflineTicket => &self.offline,
            Spend::Dossier => &self.dossiers,
        };
        check(l, &who.to_owned())
    }
}

/// What a route costs its caller's own bucket, if anything.
fn spend_of(method: &Method, route: &str) -> Option<Spend> {
    if *method != Method::POST {
        return None;
    }
    match route {
        "/api/v1/tickets" => Some(Spend::Ticket),
        "/api/v1/tickets/offline" => Some(Spend::OfflineTicket),
        "/api/v1/dossiers" => Some(Spend::Dossier),
        _ => None,
    }
}

/// The bucket key of who asks: the device's name, or the staff member's.
fn bucket_key(who: &Principal) -> Option<String> {
    match who {
        Principal::Device { device, .. } => Some(format!("device:{}", device.name)),
        Principal::Staff { staff, .. } => Some(format!("staff:{}", staff.username)),
        Principal::Anonymous => None,
    }
}

fn device_rate_limited(spend: Spend) -> Response {
    let (vi, en) = match spend {
        Spend::Ticket => ("lấy số", "ticket requests"),
        Spend::OfflineTicket => ("số cấp khi mất mạng", "offline tickets"),
        Spend::Dossier => ("nộp hồ sơ", "dossier filings"),
    };
    let mut r = ApiFailure::from(ApiError::new(
        ErrorCode::RateLimited,
        format!(
            "Thiết bị này gửi quá nhiều yêu cầu {vi} trong thời gian ngắn. Vui lòng chờ một \
             lát rồi thử lại; nếu không phải do người dùng, hãy báo quản trị viên."
        ),
        format!(
            "This device sent too many {en} in a short time. Please wait a moment and try \
             again; if no one was using it, tell the administrator."
        ),
    ))
    .into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
    r
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Whether the request carries a credential (a bearer token or the staff cookie).
fn has_credential(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION) || cookie(headers, COOKIE).is_some()
}

fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let v = headers.get(header::AUTHORIZATION)?;
    let v = v.to_str().map_err(|_| ());
    Some(v.and_then(|v| {
        let (scheme, token) = v.split_once(' ').ok_or(())?;
        if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
            Ok(token.trim())
        } else {
            Err(())
        }
    }))
}

/// Constant-time equality of two secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The staff account of a live session, or `None` (gone, disabled).
fn live_staff(access: &Access, username: &str) -> Option<StaffWire> {
    let row = access.read(|c| store::staff_row(c, username)).ok()??;
    row.wire.enabled.then_some(row.wire)
}

/// Who sent `headers`; an unknown or revoked credential is a 401, a cookie request that
/// changes state without its CSRF token a 403.
pub fn resolve(
    access: &Access,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Principal, ApiError> {
    if let Some(token) = bearer(headers) {
        let token = token.map_err(|()| unauthorized())?;
        let device = access
            .read(|c| store::device_by_token(c, token))
            .map_err(|e| {
                tracing::error!(error = %e, "device lookup failed");
                ApiError::internal()
            })?
            .ok_or_else(unauthorized)?;
        let (mut assisted_by, mut assist_secret) = (None, None);
        if let Some(t) = headers.get(ASSIST_HEADER) {
            let t = t.to_str().map_err(|_| unauthorized())?;
            let s = access.sessions().touch(t).ok_or_else(unauthorized)?;
            if s.device.as_deref() != Some(device.name.as_str()) {
                return Err(unauthorized());
            }
            let staff = live_staff(access, &s.username).ok_or_else(|| {
                access.sessions().close(t);
                unauthorized()
            })?;
            assisted_by = Some(staff);
            assist_secret = Some(t.to_owned());
        }
        return Ok(Principal::Device {
            device,
            assisted_by,
            assist_secret,
        });
    }
    if let Some(secret) = cookie(headers, COOKIE) {
        let s = access.sessions().touch(secret).ok_or_else(unauthorized)?;
        let Some(csrf) = s.csrf.as_deref() else {
            // An assist session's secret is not a cookie.
            return Err(unauthorized());
        };
        let staff = live_staff(access, &s.username).ok_or_else(|| {
            access.sessions().close(secret);
            unauthorized()
        })?;
        if *method != Method::GET && *method != Method::HEAD {
            let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !sent.is_some_and(|t| same_secret(t, csrf)) {
                return Err(csrf_missing());
            }
        }
        return Ok(Principal::Staff {
            staff,
            secret: secret.to_owned(),
            counter_id: s.counter_id,
        });
    }
    Ok(Principal::Anonymous)
}

/// The counter id in `/api/v1/counters/{id}/…`.
fn counter_in(path: &str) -> Option<&str> {
    path.strip_prefix("/api/v1/counters/")?.split('/').next()
}

/// Whether `who` may use a route of `rule` at `path`.
pub fn allowed(rule: Rule, who: &Principal, path: &str) -> Result<(), ApiError> {
    let anon = matches!(who, Principal::Anonymous);
    let kind = match who {
        Principal::Device { device, .. } => Some(device.kind),
        _ => None,
    };
    let role = match who {
        Principal::Staff { staff, .. } => Some(staff.role),
        _ => None,
    };
    let refuse = || if anon { unauthorized() } else { forbidden() };
    match rule {
        Rule::Public | Rule::Limited(_) => Ok(()),
        Rule::Kiosk if kind == Some(DeviceKind::Kiosk) || role.is_some() => Ok(()),
        Rule::KioskDevice if kind == Some(DeviceKind::Kiosk) => Ok(()),
        Rule::AnyDevice if kind.is_some() || role.is_some() => Ok(()),
        Rule::Staff if role.is_some() => Ok(()),
        Rule::Manager if matches!(role, Some(Role::Manager | Role::Admin)) => Ok(()),
        Rule::Admin if role == Some(Role::Admin) => Ok(()),
        Rule::Counter => {
            let id = counter_in(path).unwrap_or_default();
            match who {
                Principal::Device { device, .. } if device.kind == DeviceKind::Counter => {
                    if device.counter_id.as_deref() == Some(id) {
                        Ok(())
                    } else {
                        Err(wrong_counter(id))
                    }
                }
                Principal::Staff {
                    staff, counter_id, ..
                } => {
                    let assigned =
                        staff.counters.is_empty() || staff.counters.iter().any(|c| c == id);
                    let chosen = counter_id.as_deref().is_none_or(|c| c == id);
                    if assigned && chosen {
                        Ok(())
                    } else {
                        Err(wrong_counter(id))
                    }
                }
                _ => Err(refuse()),
            }
        }
        _ => Err(refuse()),
    }
}

/// The middleware: the route's rule, the client's limit, who asks, whether they may.
pub async fn guard(State(access): State<Access>, mut req: Request, next: Next) -> Response {
    let Some(route) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        // No route matched: the JSON 404/405 answers.
        return next.run(req).await;
    };
    let Some(rule) = rule(req.method(), &route) else {
        let known = [Method::GET, Method::POST, Method::DELETE]
            .iter()
            .any(|m| self::rule(m, &route).is_some());
        if known {
            // The table lists every method of a route: another one is not served (405), and
            // one served without a rule stays closed.
            return crate::edge::method_not_allowed().await.into_response();
        }
        tracing::error!(method = %req.method(), route, "route has no authorization rule; refused");
        return ApiFailure::from(forbidden()).into_response();
    };
    let ip = req
        .extensions()
        .get::<ConnectInfo<ClientAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0 .0.ip());
    if rule == Rule::Public {
        // Anyone may read these; a client without an identity is limited by its address. A
        // credential is looked at only if one is sent: a kiosk, a board or a counter page
        // polling with its own is not counted, and a wrong one counts as none.
        let known = has_credential(req.headers())
            && resolve(&access, req.method(), req.headers())
                .is_ok_and(|p| !matches!(p, Principal::Anonymous));
        if !known && !access.limits().allow(Limit::Read, ip) {
            return rate_limited();
        }
        return next.run(req).await;
    }
    // Staff signing in at a kiosk (assist mode) count against the same per-address limit as
    // signing in in a browser: a kiosk token does not buy unlimited password guesses.
    let limit = match rule {
        Rule::Limited(limit) => Some(limit),
        Rule::KioskDevice if req.method() == Method::POST && route == "/api/v1/staff/assist" => {
            Some(Limit::SignIn)
        }
        _ => None,
    };
    let resolved = resolve(&access, req.method(), req.headers());
    // Lookups are limited to slow down whoever guesses lookup secrets without an identity; a
    // kiosk or a staff member looking up tickets with their own credential is not counted.
    let identified = matches!(&resolved, Ok(p) if !matches!(p, Principal::Anonymous));
    if let Some(limit) = limit {
        let exempt = limit == Limit::Lookup && identified;
        if !exempt && !access.limits().allow(limit, ip) {
            return rate_limited();
        }
    }
    let who = match resolved {
        Ok(p) => p,
        // A rate-limited public route (a lookup, signing in, enrolling) does not need a
        // credential: a stale one (the cookie of a session ended by a restart or idle time)
        // is ignored, so staff can sign in again.
        Err(_) if matches!(rule, Rule::Limited(_)) => Principal::Anonymous,
        Err(e) => {
            // A refused credential counts as a public read of its address: a client sending
            // made-up tokens is held to the same pace as any anonymous one.
            if !access.limits().allow(Limit::Read, ip) {
                return rate_limited();
            }
            return ApiFailure::from(e).into_response();
        }
    };
    if let Err(e) = allowed(rule, &who, req.uri().path()) {
        return ApiFailure::from(e).into_response();
    }
    // What enrolled devices do is counted per device (a token bucket each), so a kiosk's
    // stolen token or a runaway script cannot use up the day's numbers.
    if let (Some(spend), Some(key)) = (spend_of(req.method(), &route), bucket_key(&who)) {
        if !access.limits().spend(spend, &key) {
            return device_rate_limited(spend);
        }
    }
    req.extensions_mut().insert(who);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_in_paths() {
        assert_eq!(
            counter_in("/api/v1/counters/quay-1/call-next"),
            Some("quay-1")
        );
        assert_eq!(counter_in("/api/v1/tickets"), None);
    }

    #[test]
    fn cookies_and_bearers_are_read_strictly() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; motcua_staff=abc ; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, COOKIE), Some("abc"));
        h.insert(header::AUTHORIZATION, "Basic xyz".parse().unwrap());
        assert_eq!(bearer(&h), Some(Err(())));
        h.insert(header::AUTHORIZATION, "Bearer tok".parse().unwrap());
        assert_eq!(bearer(&h), Some(Ok("tok")));
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("a", "ab"));
    }
}
