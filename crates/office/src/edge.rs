//! The HTTP edge every domain shares: the bilingual error response ([`ApiFailure`]), JSON
//! extractors whose every rejection is one, and the answers for no such route (404), wrong
//! method (405) and too large a body (413). Domains build `ApiError`s (or their own errors
//! mapped to one) and hand them here; nothing below the edge knows about HTTP statuses.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_core::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;

/// An error response: the status and the [`ApiError`] JSON body.
#[derive(Debug)]
pub struct ApiFailure {
    /// HTTP status.
    pub status: StatusCode,
    /// Body.
    pub error: ApiError,
}

impl From<ApiError> for ApiFailure {
    fn from(error: ApiError) -> Self {
        ApiFailure {
            status: StatusCode::from_u16(error.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            error,
        }
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (self.status, Json(self.error)).into_response()
    }
}

/// `Json<T>` whose rejections (syntax, missing field, wrong content type, body too large)
/// become [`ApiFailure`]s with codes `malformed_json`, `bad_request` or `body_too_large`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection).into()),
        }
    }
}

/// Like [`ApiJson`], but an empty body counts as `{}` (`T::default()`), for actions whose
/// every field is optional (`POST /api/v1/counters/{id}/call-next` from a keypad).
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|r| {
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiFailure::from(body_too_large())
                } else {
                    ApiFailure::from(unreadable_body())
                }
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        let req = Request::from_parts(parts, Body::from(bytes));
        let ApiJson(v) = ApiJson::<T>::from_request(req, state).await?;
        Ok(OptionalJson(v))
    }
}

/// Maps a JSON rejection to a bilingual error. The detail text comes from serde (a position or
/// a field name), never the body itself.
pub fn json_rejection(rejection: JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return body_too_large();
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            ErrorCode::BadRequest,
            "Yêu cầu phải gửi dữ liệu JSON với tiêu đề “Content-Type: application/json”.",
            "Send the body as JSON with the header “Content-Type: application/json”.",
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            ErrorCode::MalformedJson,
            format!(
                "Dữ liệu JSON sai cú pháp. Vui lòng kiểm tra lại ({}).",
                e.body_text()
            ),
            format!(
                "The JSON body is not valid JSON. Please fix it ({}).",
                e.body_text()
            ),
        ),
        JsonRejection::JsonDataError(e) => json_data_error(&e.body_text()).unwrap_or_else(|| {
            let detail = shown(&e.body_text());
            ApiError::new(
                ErrorCode::BadRequest,
                format!(
                    "Dữ liệu JSON thiếu hoặc sai trường; các trường hợp lệ có trong \
                     /api/v1/openapi.json ({detail})."
                ),
                format!(
                    "The JSON body has a missing, unknown or wrong field; the valid fields are \
                     in /api/v1/openapi.json ({detail})."
                ),
            )
        }),
        other => ApiError::new(
            ErrorCode::BadRequest,
            format!("Không đọc được nội dung yêu cầu ({}).", other.body_text()),
            format!(
                "The request body could not be read ({}).",
                other.body_text()
            ),
        ),
    }
}

/// Serde's words about a body (`applicant: unknown field `x`, expected …`) as they may be shown:
/// a character no text may hold (`U+202E` reorders what follows) written as its code, and
/// at most 300 characters.
pub(crate) fn shown(detail: &str) -> String {
    let mut out = String::new();
    for (i, c) in detail.chars().enumerate() {
        if i == 300 {
            out.push('…');
            break;
        }
        match motcua_core::text::Forbidden::of(c, false) {
            Some(_) => out.push_str(&format!("U+{:04X}", u32::from(c))),
            None => out.push(c),
        }
    }
    out
}

/// The refusal of a body with a field its type does not have, naming the field with its path
/// (`applicant.nickname`) as serde (through `serde_path_to_error`) reports it: `None` when
/// `detail` is about something else (a missing field, a wrong type).
pub fn json_data_error(detail: &str) -> Option<ApiError> {
    const UNKNOWN: &str = "unknown field `";
    let at = detail.find(UNKNOWN)?;
    let rest = &detail[at + UNKNOWN.len()..];
    let name = &rest[..rest.find('`')?];
    // "…target type: applicant.nickname: unknown field `nickname`": the segment before is the
    // path, which ends with the field itself (a field inside an internally tagged enum may
    // have only the enum's path: "documents[0].submission: unknown field `x`").
    let path = detail[..at]
        .trim_end()
        .strip_suffix(':')
        .and_then(|before| before.rsplit(": ").next())
        .filter(|p| !p.is_empty() && !p.contains(' ') && *p != ".");
    let field = shown(&match path {
        Some(p) if p == name || p.ends_with(&format!(".{name}")) => p.to_owned(),
        Some(p) => format!("{p}.{name}"),
        None => name.to_owned(),
    });
    let detail = shown(detail);
    Some(ApiError::new(
        ErrorCode::BadRequest,
        format!(
            "Trường “{field}” không có trong yêu cầu này và không được nhận; các trường hợp lệ \
             có trong /api/v1/openapi.json ({detail})."
        ),
        format!(
            "The field “{field}” is not part of this request and is refused; the valid fields \
             are in /api/v1/openapi.json ({detail})."
        ),
    ))
}

/// A request body that could not be read (the connection broke, bad framing).
pub fn unreadable_body() -> ApiError {
    ApiError::new(
        ErrorCode::BadRequest,
        "Không đọc được nội dung yêu cầu.",
        "The request body could not be read.",
    )
}

/// The 413 of every route (`limit` bytes at most).
pub fn body_too_large_for(limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::BodyTooLarge,
        format!(
            "Nội dung gửi lên quá lớn (tối đa {} KB). Vui lòng gửi yêu cầu ngắn hơn.",
            limit / 1024
        ),
        format!(
            "The request body is too large (at most {} KB). Please send a shorter request.",
            limit / 1024
        ),
    )
}

fn body_too_large() -> ApiError {
    body_too_large_for(BODY_LIMIT)
}

/// No such address (the JSON 404 of every API path).
pub fn not_found_route() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "Không có địa chỉ này. Danh sách địa chỉ hợp lệ ở /api/v1/openapi.json.",
        "No such address. The valid addresses are listed at /api/v1/openapi.json.",
    )
}

/// The fallback of the whole app.
pub async fn fallback() -> ApiFailure {
    not_found_route().into()
}

/// 405 in both languages, for every router of the API.
pub async fn method_not_allowed() -> ApiFailure {
    ApiFailure {
        status: StatusCode::METHOD_NOT_ALLOWED,
        error: ApiError::new(
            ErrorCode::BadRequest,
            "Địa chỉ này không nhận phương thức này. Xem /api/v1/openapi.json.",
            "This address does not accept this method. See /api/v1/openapi.json.",
        ),
    }
}

/// What browsers may do here, checked on every request by [`browsers`]: the host names the
/// server answers to (against DNS rebinding) and the origins whose pages may change state
/// (against cross-site requests). Built once at start from the configuration.
#[derive(Debug, Clone)]
pub struct BrowserPolicy {
    /// `http` or `https`: the scheme of the server's own origins.
    scheme: &'static str,
    /// Host names (lowercase) answered besides IP literals and `localhost`.
    hosts: Vec<String>,
    /// Origins (`scheme://host[:port]`, lowercase, no default port) allowed besides the
    /// server's own.
    origins: Vec<String>,
}

impl BrowserPolicy {
    /// The policy of a server speaking HTTPS when `tls` and reached at `public_base_url`: its
    /// origin and host are allowed, and so are `allowed_origins` (with their hosts) and
    /// `allowed_hosts`. A value that is not an origin or a host name is refused with what to
    /// write instead.
    pub fn new(
        tls: bool,
        public_base_url: &str,
        allowed_origins: &[String],
        allowed_hosts: &[String],
    ) -> Result<BrowserPolicy, String> {
        let mut policy = BrowserPolicy {
            scheme: if tls { "https" } else { "http" },
            hosts: Vec::new(),
            origins: Vec::new(),
        };
        let (origin, host) = origin_of(public_base_url, true).ok_or_else(|| {
            format!("the public base URL {public_base_url:?} is not an http:// or https:// URL")
        })?;
        policy.allow(origin, host);
        for o in allowed_origins {
            let (origin, host) = origin_of(o.trim(), false).ok_or_else(|| {
                format!(
                    "--allowed-origin {o:?} is not an origin: write scheme://host[:port], e.g. \
                     https://motcua.example.gov.vn or http://192.168.1.10:8080, without a path"
                )
            })?;
            policy.allow(origin, host);
        }
        for h in allowed_hosts {
            let name = h.trim().to_ascii_lowercase();
            let valid = !name.is_empty()
                && name.len() <= 253
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if !valid {
                return Err(format!(
                    "--allowed-host {h:?} is not a host name: write the name alone, e.g. \
                     motcua.example.gov.vn (no scheme, port or path)"
                ));
            }
            if !policy.hosts.contains(&name) {
                policy.hosts.push(name);
            }
        }
        Ok(policy)
    }

    fn allow(&mut self, origin: String, host: String) {
        if !self.origins.contains(&origin) {
            self.origins.push(origin);
        }
        if !is_ip_literal(&host) && !self.hosts.contains(&host) {
            self.hosts.push(host);
        }
    }

    /// Whether a request for `authority` (a `Host` header: `host[:port]`) is served: an IP
    /// literal (DNS rebinding needs a name), `localhost`, or an allowed name.
    pub fn host_allowed(&self, authority: &str) -> bool {
        let Some((host, _)) = split_authority(authority) else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        is_ip_literal(&host) || host == "localhost" || self.hosts.contains(&host)
    }

    /// Whether a state-changing request from a page of `origin` (the `Origin` header) to
    /// `authority` (its `Host`, already allowed) is let through: the page is the server's own
    /// (same scheme, host and port as the request; or the public base URL's) or an allowed
    /// origin. `null` (a sandboxed frame, a page that sends no referrer) is not.
    pub fn origin_allowed(&self, origin: &str, authority: &str) -> bool {
        let Some((origin, _)) = origin_of(origin, false) else {
            return false;
        };
        self.origins.contains(&origin)
            || origin_of(&format!("{}://{authority}", self.scheme), false)
                .is_some_and(|(own, _)| own == origin)
    }

    /// The refusal of `req`, if it gets one: its host first, then (for a method that changes
    /// state) its origin, then its content type.
    pub fn check(&self, req: &Request) -> Result<(), ApiFailure> {
        use axum::http::header;
        let mut hosts = req.headers().get_all(header::HOST).iter();
        let host = match (hosts.next(), hosts.next()) {
            (Some(h), None) => h.to_str().map_err(|_| host_missing())?.to_owned(),
            (None, _) => match req.uri().authority() {
                // HTTP/2's `:authority`.
                Some(a) => a.as_str().to_owned(),
                None => return Err(host_missing()),
            },
            (Some(_), Some(_)) => return Err(host_missing()),
        };
        // An absolute request target (`POST http://name/…`) names the host too.
        let target = req.uri().authority().map(|a| a.as_str());
        if !self.host_allowed(&host) || target.is_some_and(|t| !self.host_allowed(t)) {
            return Err(host_not_allowed(&host).into());
        }
        if matches!(
            *req.method(),
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        ) {
            return Ok(());
        }
        let mut origins = req.headers().get_all(header::ORIGIN).iter();
        match (origins.next(), origins.next()) {
            (None, _) => {}
            (Some(o), None) if o.to_str().is_ok_and(|o| self.origin_allowed(o, &host)) => {}
            _ => return Err(origin_not_allowed().into()),
        }
        if req
            .uri()
            .path()
            .starts_with(&format!("{}/", crate::identity::demo::PREFIX))
        {
            // The sandbox provider's OAuth endpoints and its approval page take form posts
            // (RFC 8628, and the phone's HTML form): same origin, checked above.
            return Ok(());
        }
        match req.headers().get(header::CONTENT_TYPE) {
            Some(ct) if is_json(ct) => Ok(()),
            Some(_) => Err(json_only().into()),
            // A body without a type is refused too; none at all (`call-next` from a keypad,
            // `Content-Length: 0`) is fine.
            None if HttpBody::size_hint(req.body()).exact() == Some(0) => Ok(()),
            None => Err(json_only().into()),
        }
    }
}

/// The media type of `ct` is `application/json` (parameters such as `charset=utf-8` allowed).
fn is_json(ct: &axum::http::HeaderValue) -> bool {
    ct.to_str().is_ok_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// `host[:port]` split: the host (an IPv6 literal with its brackets) and the port.
fn split_authority(a: &str) -> Option<(&str, Option<u16>)> {
    if a.is_empty() || a.contains(['@', '/', '?', '#', ' ']) {
        return None;
    }
    let (host, port) = if a.starts_with('[') {
        let end = a.find(']')?;
        (&a[..=end], &a[end + 1..])
    } else {
        match a.rfind(':') {
            Some(i) => (&a[..i], &a[i..]),
            None => (a, ""),
        }
    };
    let port = match port {
        "" => None,
        p => Some(p.strip_prefix(':')?.parse::<u16>().ok()?),
    };
    (!host.is_empty()).then_some((host, port))
}

/// An IPv4 literal, or an IPv6 one in brackets.
fn is_ip_literal(host: &str) -> bool {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => host.parse::<std::net::Ipv4Addr>().is_ok(),
    }
}

/// The origin of an `http`/`https` `url` (`scheme://host[:port]`, lowercase, without the
/// scheme's default port) and its host; with `path_allowed` false, nothing may follow but one
/// `/`.
fn origin_of(url: &str, path_allowed: bool) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if !path_allowed && !tail.is_empty() && tail != "/" {
        return None;
    }
    let (host, port) = split_authority(authority)?;
    let host = host.to_ascii_lowercase();
    let origin = match port {
        Some(p) if p != default => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    };
    Some((origin, host))
}

/// The middleware of [`BrowserPolicy`], applied once to every route ([`crate::app::assemble`]).
pub async fn browsers(
    axum::extract::State(policy): axum::extract::State<std::sync::Arc<BrowserPolicy>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    match policy.check(&req) {
        Ok(()) => next.run(req).await,
        Err(refused) => refused.into_response(),
    }
}

/// 400: no `Host` header (or several).
fn host_missing() -> ApiFailure {
    ApiError::new(
        ErrorCode::BadRequest,
        "Yêu cầu phải có đúng một tiêu đề Host (địa chỉ của máy chủ).",
        "The request must carry exactly one Host header (the server's address).",
    )
    .into()
}

/// 421: a host name this server does not answer to.
pub fn host_not_allowed(host: &str) -> ApiError {
    let host: String = host.chars().take(100).collect();
    ApiError::new(
        ErrorCode::HostNotAllowed,
        format!(
            "Máy chủ này không phục vụ tên “{host}”. Hãy mở bằng địa chỉ IP của máy chủ, \
             “localhost”, hoặc tên đã khai báo (--allowed-host, --public-url)."
        ),
        format!(
            "This server does not answer to the name “{host}”. Open it by the server's IP \
             address, “localhost”, or a configured name (--allowed-host, --public-url)."
        ),
    )
}

/// 403: a browser page of another site tried to change something here.
pub fn origin_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::OriginNotAllowed,
        "Yêu cầu đến từ trang của một địa chỉ khác nên bị từ chối. Chỉ các trang của chính máy \
         chủ này (hoặc địa chỉ đã khai báo bằng --allowed-origin) được thay đổi dữ liệu.",
        "Refused: the request comes from a page of another address. Only this server's own \
         pages (or an address configured with --allowed-origin) may change anything.",
    )
}

/// 415: a request that changes state whose body is not JSON.
pub fn json_only() -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedMediaType,
        "Yêu cầu thay đổi dữ liệu chỉ nhận nội dung JSON với tiêu đề “Content-Type: \
         application/json”, hoặc không có nội dung; biểu mẫu HTML và văn bản thường bị từ chối.",
        "A request that changes anything takes a JSON body with the header “Content-Type: \
         application/json”, or no body at all; HTML forms and plain text are refused.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_compared_by_scheme_host_and_port() {
        let p = BrowserPolicy::new(
            false,
            "http://Motcua.Xa.vn:80/tra-cuu",
            &[
                "https://proxy.xa.vn:443/".into(),
                "http://[::1]:8080".into(),
            ],
            &["quay.local".into()],
        )
        .unwrap();
        assert_eq!(
            p.origins,
            [
                "http://motcua.xa.vn",
                "https://proxy.xa.vn",
                "http://[::1]:8080"
            ]
        );
        assert_eq!(p.hosts, ["motcua.xa.vn", "proxy.xa.vn", "quay.local"]);
        assert!(p.origin_allowed("http://motcua.xa.vn", "10.0.0.1:8080"));
        assert!(p.origin_allowed("HTTP://10.0.0.1:8080", "10.0.0.1:8080"));
        assert!(p.origin_allowed("http://10.0.0.1", "10.0.0.1:80"));
        assert!(!p.origin_allowed("http://10.0.0.1:8081", "10.0.0.1:8080"));
        assert!(!p.origin_allowed("https://10.0.0.1:8080", "10.0.0.1:8080"));
        assert!(!p.origin_allowed("http://motcua.xa.vn:8080", "10.0.0.1:8080"));
        assert!(!p.origin_allowed("null", "10.0.0.1:8080"));
        assert!(!p.origin_allowed("http://u@motcua.xa.vn", "10.0.0.1:8080"));
        for ok in [
            "[::1]",
            "[fe80::1]:9",
            "10.0.0.1:8080",
            "LOCALHOST:1",
            "quay.local",
        ] {
            assert!(p.host_allowed(ok), "{ok}");
        }
        for no in [
            "[::1",
            "::1",
            "10.0.0.1:",
            "10.0.0.1:99999",
            "quay.local.",
            "x.quay.local",
            "",
        ] {
            assert!(!p.host_allowed(no), "{no}");
        }
    }

    #[test]
    fn unknown_fields_are_named_with_their_path() {
        for (detail, field) in [
            (
                "Failed to deserialize the JSON body into the target type: unknown field `extra`, expected `service_id` or `priority` at line 1 column 30",
                "extra",
            ),
            (
                "Failed to deserialize the JSON body into the target type: nickname: unknown field `nickname`, expected one of `full_name` at line 1 column 9",
                "nickname",
            ),
            (
                "applicant.nickname: unknown field `nickname`, expected one of `full_name`",
                "applicant.nickname",
            ),
            ("documents[0].submission: unknown field `where`", "documents[0].submission.where"),
            ("unknown field `a\u{202E}b`, there are no fields", "aU+202Eb"),
        ] {
            let e = json_data_error(detail).expect(detail);
            assert_eq!(e.code, ErrorCode::BadRequest);
            for m in [&e.message_vi, &e.message_en] {
                assert!(m.contains(&format!("“{field}”")), "{m}");
                assert!(motcua_core::text::forbidden_char(m, false).is_none(), "{m}");
            }
        }
        assert!(json_data_error("missing field `service_id` at line 1 column 2").is_none());
    }
}
