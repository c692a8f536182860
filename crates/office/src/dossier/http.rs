//! The dossier routes: filing (`POST /api/v1/dossiers`), the citizen's lookup by code and
//! secret, the tracking page and the receipt key.

use super::store::DossierStoreError;
use super::upload::{self, read_body, Turn, UploadGate};
use super::{is_idempotency_key, Filing};
use crate::edge::ApiFailure;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use motcua_core::dossier::{is_dossier_code, DossierStatusView};
use motcua_core::files::MAX_DOSSIER_BYTES;
use motcua_core::{ApiError, ErrorCode};
use serde::Deserialize;
use std::sync::Arc;

/// Body limit of `POST /api/v1/dossiers`: 30 MB of files in base64 (4/3) plus the form.
pub const DOSSIER_BODY_LIMIT: usize = MAX_DOSSIER_BYTES / 3 * 4 + 2 * 1024 * 1024;

/// The dossier routes' state: the filing service, `None` where online filing is off.
pub type DossierState = Option<Arc<Filing>>;

fn filing_disabled() -> ApiError {
    ApiError::new(
        ErrorCode::FilingDisabled,
        "Máy chủ này chưa bật nộp hồ sơ trực tuyến. Vui lòng lấy số để nộp hồ sơ tại quầy.",
        "Online filing is not enabled on this server. Please take a number and file at a \
         counter.",
    )
}

fn filing(app: &DossierState) -> Result<Arc<Filing>, ApiFailure> {
    app.clone()
        .ok_or_else(|| ApiFailure::from(filing_disabled()))
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "Không tìm thấy hồ sơ. Vui lòng kiểm tra mã hồ sơ trên giấy biên nhận.",
        "Dossier not found. Please check the code on the receipt.",
    )
}

/// What the citizen reads when the store refuses or fails: the edge of the dossier domain.
pub fn store_error(e: DossierStoreError) -> ApiError {
    match e {
        DossierStoreError::IdempotencyConflict => ApiError::new(
            ErrorCode::IdempotencyConflict,
            "Mã Idempotency-Key này đã dùng cho một hồ sơ khác. Mỗi hồ sơ mới cần một mã mới.",
            "This Idempotency-Key was used for a different dossier. Each new dossier needs a new key.",
        ),
        DossierStoreError::DailyLimitReached => ApiError::new(
            ErrorCode::DailyLimitReached,
            "Hôm nay đã hết số hồ sơ (9.999). Vui lòng nộp vào ngày mai hoặc hỏi cán bộ.",
            "Today's dossier numbers (9,999) are used up. Please file tomorrow or ask a staff member.",
        ),
        DossierStoreError::Refused(e) => e,
        DossierStoreError::Storage(detail) => {
            tracing::error!(%detail, "dossier storage failed");
            ApiError::new(
                ErrorCode::ServerUnavailable,
                "Chưa lưu được hồ sơ. Vui lòng thử lại; hồ sơ sẽ không bị nộp hai lần.",
                "The dossier could not be stored. Please try again; it will not be filed twice.",
            )
        }
    }
}

async fn blocking<T: Send + 'static, E: Into<ApiError> + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(Into::into)
}

impl From<DossierStoreError> for ApiError {
    fn from(e: DossierStoreError) -> ApiError {
        store_error(e)
    }
}

/// The refusal of a dossier's JSON: `inner` as serde_json reports it, `detail` its words with
/// the path where it went wrong (`documents[2].submission: …`).
fn json_error(inner: &serde_json::Error, detail: &str) -> ApiError {
    use serde_json::error::Category;
    if let Some(unknown) = crate::edge::json_data_error(detail) {
        return unknown;
    }
    let e = crate::edge::shown(detail);
    match inner.classify() {
        Category::Syntax | Category::Eof => ApiError::new(
            ErrorCode::MalformedJson,
            format!(
                "Dữ liệu JSON sai cú pháp (dòng {}, cột {}).",
                inner.line(),
                inner.column()
            ),
            format!(
                "The JSON body is not valid JSON (line {}, column {}).",
                inner.line(),
                inner.column()
            ),
        ),
        _ => ApiError::new(
            ErrorCode::BadRequest,
            format!("Hồ sơ thiếu hoặc sai trường; xem /api/v1/openapi.json ({e})."),
            format!("The dossier has a missing or wrong field; see /api/v1/openapi.json ({e})."),
        ),
    }
}

/// Whether a dossier's body names a sign-in session (read only to order the refusals where
/// filing is off; the filing itself checks the session). Nothing but that field is read.
fn names_a_sign_in(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct SignIn {
        sign_in_session: Option<String>,
    }
    serde_json::from_slice::<SignIn>(body)
        .ok()
        .and_then(|b| b.sign_in_session)
        .is_some_and(|s| !s.trim().is_empty())
}

/// The state of the filing route: the filing service and the upload turns (there also where
/// filing is off: its bodies are read to order the refusals).
#[derive(Clone)]
pub struct FilingRoute {
    filing: DossierState,
    uploads: Arc<UploadGate>,
}

/// The upload's turn, and the blocking work done with it held: a client that hangs up drops
/// the handler, not the work, and the turn goes back only when the work (and its memory) is
/// done.
async fn with_turn<T: Send + 'static>(
    turn: Turn,
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<(T, Turn), ApiError> {
    tokio::task::spawn_blocking(move || f().map(|v| (v, turn)))
        .await
        .map_err(|_| ApiError::internal())?
}

/// `POST /api/v1/dossiers`.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers",
    params(("Idempotency-Key" = String, Header, description = "1–128 visible ASCII characters, e.g. a UUID made when the citizen pressed Send. The same key with the same body returns the same dossier (200), also once the sign-in has ended; with another body, 409.")),
    request_body(content = motcua_core::dossier::DossierRequest, description = "`sign_in_session`: the approved VNeID sign-in (`session_id` of `POST /api/v1/auth/device`); the applicant's full name, ID number, date of birth and gender come from it. Attachments as base64, together at most 30 MB (each at most 10 MB), PDF, JPEG or PNG by content. The server reads and decodes two uploads at a time (`motcua serve --uploads-at-once`); the others wait up to 20 s for their turn."),
    responses(
    (status = 201, description = "Filed now.", body = motcua_core::dossier::Dossier),
    (status = 200, description = "Filed before with this key and body: the same dossier.", body = motcua_core::dossier::Dossier),
    (status = 400, description = "missing_idempotency_key, malformed_json or bad_request (a field the request does not have, at any level; a text with a control, invisible or direction character, a name empty once trimmed, a text over its limit; a date of birth before 1900 or after today; originals or copies over 20). The message names the field. Nothing is stored, no code is used.", body = motcua_core::ApiError),
    (status = 401, description = "sign_in_required: no `sign_in_session`, or one unknown, signed out, timed out or not approved. A refusal: sign in again. Nothing is stored.", body = motcua_core::ApiError),
    (status = 403, description = "identity_mismatch: the applicant's full name, ID number, date of birth or gender differs from the sign-in's verified claims. Nothing is stored.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_procedure.", body = motcua_core::ApiError),
    (status = 409, description = "idempotency_conflict: the key was used with another body.", body = motcua_core::ApiError),
    (status = 413, description = "file_too_large, dossier_too_large or body_too_large.", body = motcua_core::ApiError),
    (status = 415, description = "unsupported_file: not a PDF, JPEG or PNG by content, or empty.", body = motcua_core::ApiError),
    (status = 503, description = "filing_disabled (online filing is off here: a refusal), sign_in_unavailable (no sign-in is set up here, so nothing can be filed online: a refusal), daily_limit_reached, or server_unavailable (not stored; resend with the same key: also when every upload turn stayed taken for 20 s, or the body took over 120 s to arrive, both with `Retry-After`).", body = motcua_core::ApiError)))]
pub async fn post_dossier(
    State(route): State<FilingRoute>,
    who: Option<axum::Extension<crate::access::guard::Principal>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiFailure> {
    let limits = route.uploads.limits().clone();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let read = |body: Body| read_body(body, DOSSIER_BODY_LIMIT, declared, limits.read_within);
    // Nobody files without an identity: where filing is off, a request without a sign-in is
    // refused for that first (401), one with a sign-in learns that filing is off (503).
    let Some(filing) = route.filing.clone() else {
        let Some(_turn) = route.uploads.enter().await else {
            return Ok(upload::busy(&limits));
        };
        let signed = match read(body).await {
            Ok((body, _)) => names_a_sign_in(&body),
            Err(_) => false,
        };
        if !signed {
            return Err(super::sign_in_required().into());
        }
        return Err(filing_disabled().into());
    };
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|k| is_idempotency_key(k))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MissingIdempotencyKey,
                "Thiếu tiêu đề Idempotency-Key (1–128 ký tự ASCII, ví dụ một UUID): nó bảo đảm hồ sơ gửi lại không bị nộp hai lần.",
                "The Idempotency-Key header is missing or invalid (1–128 ASCII characters, e.g. a UUID): it makes a resent dossier count once.",
            )
        })?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "Yêu cầu phải gửi dữ liệu JSON với tiêu đề “Content-Type: application/json”.",
            "Send the body as JSON with the header “Content-Type: application/json”.",
        )
        .into());
    }
    // The turn first, then the body: an upload waiting for its turn holds no memory (what its
    // client sends waits in the connection's buffers).
    let Some(turn) = route.uploads.enter().await else {
        return Ok(upload::busy(&limits));
    };
    let (body, sha) = match read(body).await {
        Ok(read) => read,
        Err(e) => return Ok(upload::body_failure(e, &limits)),
    };
    // Decoded straight out of the body, which goes once the request is parsed.
    let (parsed, turn) = with_turn(turn, move || {
        upload::parse(body).map_err(|(e, detail)| json_error(&e, &detail))
    })
    .await?;
    // A resend of a dossier already filed is answered first, whatever became of its sign-in
    // since: the kiosk's outbox resends after the citizen signed out when the answer was lost
    // (docs/DECISIONS.md, "Online filing bound to the VNeID sign-in").
    let (f, k, s) = (filing.clone(), key.clone(), sha.clone());
    if let Some(dossier) = blocking(move || f.replay(&k, &s)).await? {
        return Ok(filed(dossier, false));
    }
    // A paper dossier at a counter: the signed-in officer receives it.
    if parsed.req.channel == motcua_core::dossier::Channel::Counter {
        let who = who.map(|axum::Extension(p)| p);
        let staff = dossier_officer(who.as_ref())?;
        let actor = who.as_ref().and_then(|p| p.actor());
        let ((dossier, created), _turn) = with_turn(turn, move || {
            let mut checked = filing.check_with(parsed.req, parsed.decoded)?;
            filing.receive_at_counter(&mut checked, &staff)?;
            Ok(filing.file(&key, &sha, checked, Utc::now(), actor.as_ref())?)
        })
        .await?;
        return Ok(filed(dossier, created));
    }
    // Online filing off: nobody files without an identity, so a request without a sign-in
    // is refused for that first (401); one with a sign-in learns that filing is off (503).
    if !filing.online_enabled() {
        if parsed.req.sign_in_session.is_none() {
            return Err(super::sign_in_required().into());
        }
        return Err(filing_disabled().into());
    }
    // Then the sign-in, before the files are checked: nothing is stored on a refusal.
    let filer = filing.filer(parsed.req.sign_in_session.as_deref())?;
    // Recorded as done by the kiosk (and the staff member assisting there) that sent it.
    let actor = who.and_then(|axum::Extension(p)| p.actor());
    let ((dossier, created), _turn) = with_turn(turn, move || {
        let mut checked = filing.check_with(parsed.req, parsed.decoded)?;
        filing.bind(&mut checked, &filer)?;
        Ok(filing.file(&key, &sha, checked, Utc::now(), actor.as_ref())?)
    })
    .await?;
    Ok(filed(dossier, created))
}

/// The one-stop officer behind a request that receives or acts on a dossier: a signed-in
/// staff member in a browser (counter staff or a manager). A kiosk or a board, even with a
/// staff member assisting, is refused (403), and so is the IT admin role: dossiers are the
/// one-stop staff's work.
pub(crate) fn dossier_officer(
    who: Option<&crate::access::guard::Principal>,
) -> Result<motcua_core::staff::StaffWire, ApiError> {
    use crate::access::guard::Principal;
    use motcua_core::staff::Role;
    match who {
        Some(Principal::Staff { staff, .. }) if staff.role != Role::Admin => Ok(staff.clone()),
        Some(Principal::Staff { .. }) => Err(ApiError::new(
            ErrorCode::Forbidden,
            "Tài khoản quản trị hệ thống không tiếp nhận hay xử lý hồ sơ: việc này của cán bộ \
             một cửa và lãnh đạo đơn vị.",
            "The IT admin account does not receive or process dossiers: that is the one-stop \
             staff's and the managers' work.",
        )),
        Some(Principal::Device { .. }) => Err(ApiError::new(
            ErrorCode::Forbidden,
            "Hồ sơ giấy được tiếp nhận và xử lý bởi cán bộ đã đăng nhập trên trang quầy, không \
             phải từ ki-ốt.",
            "Paper dossiers are received and processed by a staff member signed in on the \
             counter page, not from a kiosk.",
        )),
        _ => Err(crate::access::guard::unauthorized()),
    }
}

fn filed(dossier: motcua_core::dossier::Dossier, created: bool) -> Response {
    let location = HeaderValue::from_str(&format!("/api/v1/dossiers/{}", dossier.code))
        .expect("dossier codes are ASCII");
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, [(header::LOCATION, location)], Json(dossier)).into_response()
}

/// `?k=` (and `&s=` on the tracking page).
#[derive(Deserialize, Default)]
pub struct LookupQuery {
    #[serde(default)]
    k: Option<String>,
    #[serde(default)]
    s: Option<String>,
}

/// `GET /api/v1/dossiers/{code}`: the whole dossier with its lookup secret `?k=`, only the
/// public status (code, procedure, status, due date) without it; a wrong secret is 404.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code `{agency}-{YYMMDD}-{NNNN}`."),
        ("k" = Option<String>, Query, description = "The lookup secret from the receipt's tracking URL.")),
    responses(
    (status = 200, description = "With the right `k`, or to a signed-in one-stop officer (counter staff or manager): the Dossier with its `history` in order (`Cache-Control: no-store`). Without `k`: the public status only (nothing personal).", body = motcua_core::dossier::Dossier),
    (status = 404, description = "not_found: no such dossier, or a wrong `k`.", body = motcua_core::ApiError)))]
pub async fn get_dossier(
    State(app): State<DossierState>,
    who: Option<axum::Extension<crate::access::guard::Principal>>,
    code: Result<Path<String>, PathRejection>,
    q: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<Response, ApiFailure> {
    let filing = filing(&app)?;
    let code = code.map(|Path(c)| c).unwrap_or_default();
    if !is_dossier_code(&code) {
        return Err(not_found().into());
    }
    let k = q.ok().and_then(|Query(q)| q.k);
    let found = blocking(move || filing.get_at(&code, Utc::now())).await?;
    let Some((dossier, secret)) = found else {
        return Err(not_found().into());
    };
    // One-stop staff see the whole dossier without its secret.
    if dossier_officer(who.as_ref().map(|axum::Extension(p)| p)).is_ok() {
        return Ok(Json(dossier).into_response());
    }
    match k {
        Some(k) if constant_time_eq(k.as_bytes(), secret.as_bytes()) => {
            Ok(Json(dossier).into_response())
        }
        Some(_) => Err(not_found().into()),
        None => Ok(Json(DossierStatusView {
            code: dossier.code,
            procedure_name: dossier.procedure_name,
            status: dossier.status,
            due_date: dossier.due_date,
        })
        .into_response()),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /d/{code}`: the tracking page (the receipt's QR).
#[utoipa::path(get, path = "/d/{code}", tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code."),
        ("k" = Option<String>, Query, description = "Lookup secret."),
        ("s" = Option<String>, Query, description = "Ed25519 signature, base64url.")),
    responses(
    (status = 200, description = "UTF-8 HTML page in Vietnamese and English: status, return date, whether the link's signature is valid.", content_type = "text/html", body = String),
    (status = 404, description = "HTML page: not found.", content_type = "text/html", body = String)))]
pub async fn tracking_page(
    State(app): State<DossierState>,
    code: Result<Path<String>, PathRejection>,
    q: Result<Query<LookupQuery>, QueryRejection>,
) -> Response {
    let Ok(filing) = filing(&app) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Html(super::page::render_error(&not_found())),
        )
            .into_response();
    };
    let code = code.map(|Path(c)| c).unwrap_or_default();
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let found = if is_dossier_code(&code) {
        let f = filing.clone();
        let c = code.clone();
        blocking(move || f.get(&c)).await
    } else {
        Ok(None)
    };
    match found {
        Ok(Some((dossier, secret))) => {
            let link = motcua_core::receipt::TrackingLink {
                base: String::new(),
                code: code.clone(),
                secret: q.k.clone(),
                signature: q.s,
            };
            let signed =
                q.k.as_deref() == Some(secret.as_str()) && link.signature_ok(&filing.public_key());
            Html(super::page::render(&dossier, signed)).into_response()
        }
        Ok(None) => (
            StatusCode::NOT_FOUND,
            Html(super::page::render_error(&not_found())),
        )
            .into_response(),
        Err(e) => {
            let f = ApiFailure::from(e);
            (f.status, Html(super::page::render_error(&f.error))).into_response()
        }
    }
}

/// `GET /api/v1/receipt-key`: the public key receipts are signed with.
/// The Ed25519 public key receipts' tracking links are signed with (staff check printed
/// receipts offline with it).
#[utoipa::path(get, path = "/api/v1/receipt-key", tag = "dossiers", responses(
    (status = 200, description = "`{\"algorithm\": \"ed25519\", \"public_key\": \"ed25519:<base64url>\"}`", body = Object),
    (status = 503, description = "filing_disabled.", body = motcua_core::ApiError)))]
pub async fn receipt_key(State(app): State<DossierState>) -> Result<Response, ApiFailure> {
    let filing = filing(&app)?;
    Ok(Json(serde_json::json!({
        "algorithm": "ed25519",
        "public_key": motcua_core::receipt::public_key_text(&filing.public_key()),
    }))
    .into_response())
}

/// The dossier routes over `filing` (`None`: online filing is off, they answer 503
/// `filing_disabled`). The only route with a large body is the filing itself: it reads its
/// body as a stream, at most [`DOSSIER_BODY_LIMIT`], in turns ([`upload::UploadGate`]).
pub fn router(filing: DossierState) -> utoipa_axum::router::OpenApiRouter {
    use utoipa_axum::{router::OpenApiRouter, routes};
    let limits = filing
        .as_ref()
        .map(|f| f.upload_limits().clone())
        .unwrap_or_default();
    let route = FilingRoute {
        filing: filing.clone(),
        uploads: Arc::new(UploadGate::new(limits)),
    };
    OpenApiRouter::new()
        .routes(routes!(post_dossier))
        .with_state(route)
        .routes(routes!(get_dossier))
        .routes(routes!(tracking_page))
        .routes(routes!(receipt_key))
        .with_state(filing.clone())
        .merge(super::work::router(filing))
}
