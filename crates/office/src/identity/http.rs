//! The sign-in routes: `POST /api/v1/auth/device`, `GET /api/v1/auth/device/{session_id}`,
//! `DELETE /api/v1/auth/sessions/{session_id}`. Every answer is `Cache-Control: no-store`
//! (a profile must not stay in a cache).

use super::AuthService;
use crate::edge::ApiFailure;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_core::{ApiError, ErrorCode};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The sign-in router; `None` answers every call with 503 `sign_in_unavailable`.
pub fn router(auth: Option<AuthService>) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(state))
        .routes(routes!(sign_out))
        .with_state(auth)
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn service(auth: &Option<AuthService>) -> Result<&AuthService, ApiFailure> {
    auth.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::SignInUnavailable,
            "Máy chủ này chưa được cài đặt đăng nhập bằng VNeID. Vui lòng hỏi cán bộ.",
            "Sign-in with VNeID is not set up on this server. Please ask a staff member.",
        )
        .into()
    })
}

/// Session ids are 43 base64url characters; anything else cannot exist.
fn session_id(p: Result<Path<String>, PathRejection>) -> Option<String> {
    let Path(id) = p.ok()?;
    let ok = id.len() == 43
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(id)
}

fn no_session() -> ApiFailure {
    ApiError::new(
        ErrorCode::NotFound,
        "Không có phiên đăng nhập này, hoặc phiên đã kết thúc (đăng xuất hay hết thời gian). \
         Vui lòng bắt đầu đăng nhập lại.",
        "There is no such sign-in, or it has ended (signed out or timed out). Please start \
         signing in again.",
    )
    .into()
}

/// Start a citizen sign-in with VNeID (OpenID Connect device flow, RFC 8628). The office
/// server starts a device authorization at the provider and polls its token endpoint itself
/// (honouring `interval` and `slow_down`). Show `verification_uri_complete` as a QR with
/// `user_code` and a countdown of `expires_in`, then poll the session. No body. `demo: true`
/// is the built-in sandbox provider: label it "DEMO – không phải VNeID thật".
#[utoipa::path(post, path = "/api/v1/auth/device", tag = "identity", responses(
    (status = 201, description = "Started; `Location` is the session's status URL.", body = motcua_core::DeviceSignIn),
    (status = 429, description = "too_many_sign_ins: the office has as many sign-ins open as it may (a kiosk's own pending ones beyond two end the oldest instead).", body = motcua_core::ApiError),
    (status = 503, description = "sign_in_unavailable: not set up here, or the provider cannot be reached.", body = motcua_core::ApiError)))]
async fn start(
    State(auth): State<Option<AuthService>>,
    who: Option<axum::Extension<crate::access::Principal>>,
) -> Response {
    // Pending sign-ins are counted per kiosk (or staff member).
    let owner = who.and_then(|axum::Extension(p)| p.actor()).map_or_else(
        || "anonymous".to_owned(),
        |a| format!("{}:{}", a.kind, a.name),
    );
    let r = match service(&auth) {
        Ok(s) => match s.start(&owner).await {
            Ok(started) => {
                let loc = format!("/api/v1/auth/device/{}", started.session_id);
                let loc = HeaderValue::from_str(&loc).expect("ids are base64url");
                (
                    StatusCode::CREATED,
                    [(header::LOCATION, loc)],
                    Json(started),
                )
                    .into_response()
            }
            Err(e) => ApiFailure::from(e).into_response(),
        },
        Err(f) => f.into_response(),
    };
    no_store(r)
}

/// Where a sign-in stands; the citizen's profile once approved (`Cache-Control: no-store`;
/// held in memory only, never logged).
#[utoipa::path(get, path = "/api/v1/auth/device/{session_id}", tag = "identity",
    params(("session_id" = String, Path, description = "43 base64url characters.")),
    responses(
    (status = 200, description = "The state.", body = motcua_core::SignInState),
    (status = 404, description = "not_found: no such session (never was, signed out, or timed out).", body = motcua_core::ApiError),
    (status = 503, description = "sign_in_unavailable.", body = motcua_core::ApiError)))]
async fn state(
    State(auth): State<Option<AuthService>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let r = match service(&auth) {
        Ok(s) => match session_id(id).and_then(|id| s.state(&id)) {
            Some(st) => Json(st).into_response(),
            None => no_session().into_response(),
        },
        Err(f) => f.into_response(),
    };
    no_store(r)
}

/// Sign out: the session, its profile and its tokens leave the server's memory.
#[utoipa::path(delete, path = "/api/v1/auth/sessions/{session_id}", tag = "identity",
    params(("session_id" = String, Path, description = "The session.")),
    responses(
    (status = 204, description = "Signed out (also when the session had already ended)."),
    (status = 503, description = "sign_in_unavailable.", body = motcua_core::ApiError)))]
async fn sign_out(
    State(auth): State<Option<AuthService>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    // Signing out twice, or after the session timed out, is not an error: the citizen is
    // signed out either way.
    let r = match service(&auth) {
        Ok(s) => {
            if let Some(id) = session_id(id) {
                s.sign_out(&id);
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(f) => f.into_response(),
    };
    no_store(r)
}
