//! The access routes (docs/STAFF-API.md): staff sign-in and sessions, assist at a kiosk,
//! accounts and devices for admins, enrollment with a code, the audit trail for managers.
//! Thin handlers: parse, call the store (Argon2 and SQLite off the async threads), shape.

use super::guard::{Principal, ASSIST_HEADER, COOKIE};
use super::store::{self, AccessError, SignInCheck};
use super::{audit, Access, Actor};
use crate::edge::{ApiFailure, ApiJson};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use motcua_core::staff::{
    AssistSessionWire, AuditEntry, CounterChoice, DeviceToken, DeviceWire, EnrollCode,
    EnrollCodeRequest, EnrollRequest, NewDevice, NewStaff, PasswordChange, SignInRequest,
    StaffSessionWire, StaffWire,
};
use motcua_core::{ApiError, ErrorCode};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

impl From<AccessError> for ApiError {
    fn from(e: AccessError) -> ApiError {
        match e {
            AccessError::Exists(n) => ApiError::new(
                ErrorCode::UsernameTaken,
                format!("Đã có “{n}”. Vui lòng chọn tên khác."),
                format!("“{n}” already exists. Please choose another name."),
            ),
            AccessError::NotFound(n) => ApiError::new(
                ErrorCode::NotFound,
                format!("Không có “{n}”."),
                format!("There is no “{n}”."),
            ),
            AccessError::Invalid { vi, en } => ApiError::new(ErrorCode::BadRequest, vi, en),
            AccessError::Db(e) => {
                tracing::error!(error = %e, "access storage failed");
                ApiError::new(
                    ErrorCode::ServerUnavailable,
                    "Chưa lưu được thay đổi. Vui lòng thử lại.",
                    "The change could not be stored. Please try again.",
                )
            }
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AccessError> + Send + 'static,
) -> Result<T, ApiFailure> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiFailure::from(ApiError::internal()))?
        .map_err(|e| ApiFailure::from(ApiError::from(e)))
}

fn bad_credentials() -> ApiFailure {
    ApiError::new(
        ErrorCode::BadCredentials,
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Wrong username or password.",
    )
    .into()
}

fn locked(secs: i64) -> Response {
    let minutes = (secs + 59) / 60;
    let mut r = ApiFailure::from(ApiError::new(
        ErrorCode::TooManyAttempts,
        format!(
            "Tài khoản tạm khoá vì nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau {minutes} phút."
        ),
        format!("The account is locked after too many wrong passwords. Please try again in {minutes} minute(s)."),
    ))
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn normal_username(u: &str) -> String {
    u.trim().to_lowercase()
}

/// Checks a password off the async threads; the account, or the refusal as a response.
async fn check(
    access: &Access,
    body: SignInRequest,
    device: Option<String>,
) -> Result<StaffWire, Response> {
    let a = access.clone();
    let username = normal_username(&body.username);
    let out = blocking(move || {
        a.write(|tx| {
            store::check_sign_in(tx, &username, &body.password, device.as_deref(), Utc::now())
        })
    })
    .await
    .map_err(IntoResponse::into_response)?;
    match out {
        SignInCheck::Ok(s) => Ok(s),
        SignInCheck::Wrong => Err(bad_credentials().into_response()),
        SignInCheck::Locked(secs) => Err(locked(secs)),
    }
}

fn session_cookie(access: &Access, secret: &str) -> HeaderValue {
    let secure = if access.config().secure_cookie {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={secret}; HttpOnly; SameSite=Strict; Path=/{secure}"
    ))
    .expect("base64url is a valid header value")
}

fn session_wire(
    access: &Access,
    csrf: String,
    staff: StaffWire,
    counter_id: Option<String>,
) -> StaffSessionWire {
    StaffSessionWire {
        csrf_token: csrf,
        staff,
        counter_id,
        idle_timeout_secs: access.sessions().idle().as_secs(),
    }
}

/// Staff sign-in in a browser: sets the HttpOnly session cookie and answers the CSRF token.
#[utoipa::path(post, path = "/api/v1/staff/session", tag = "staff",
    request_body(content = SignInRequest),
    responses(
    (status = 200, description = "Signed in; `Set-Cookie: motcua_staff=…; HttpOnly; SameSite=Strict`.", body = StaffSessionWire),
    (status = 401, description = "bad_credentials: wrong username or password, or a disabled account.", body = motcua_core::ApiError),
    (status = 429, description = "too_many_attempts (the account is locked for 5 minutes after 5 wrong passwords, whatever the password) or rate_limited (this client tries too often).", body = motcua_core::ApiError)))]
async fn sign_in(State(access): State<Access>, ApiJson(body): ApiJson<SignInRequest>) -> Response {
    let staff = match check(&access, body, None).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (secret, csrf) = access.sessions().open_browser(&staff.username);
    let cookie = session_cookie(&access, &secret);
    let body = session_wire(&access, csrf, staff, None);
    (
        [
            (header::SET_COOKIE, cookie),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Json(body),
    )
        .into_response()
}

fn browser(who: &Principal) -> Result<(&StaffWire, &str, Option<&str>), ApiFailure> {
    match who {
        Principal::Staff {
            staff,
            secret,
            counter_id,
        } => Ok((staff, secret, counter_id.as_deref())),
        _ => Err(super::guard::forbidden().into()),
    }
}

/// The current browser session (a page reloaded keeps it).
#[utoipa::path(get, path = "/api/v1/staff/session", tag = "staff", responses(
    (status = 200, description = "The session.", body = StaffSessionWire),
    (status = 401, description = "unauthorized: no session, or it expired.", body = motcua_core::ApiError)))]
async fn current(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
) -> Result<Response, ApiFailure> {
    let (staff, secret, counter) = browser(&who)?;
    let s = access
        .sessions()
        .touch(secret)
        .ok_or_else(|| ApiFailure::from(super::guard::unauthorized()))?;
    let body = session_wire(
        &access,
        s.csrf.unwrap_or_default(),
        staff.clone(),
        counter.map(str::to_owned),
    );
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(body),
    )
        .into_response())
}

/// Sign out: the session ends and the cookie is cleared.
#[utoipa::path(delete, path = "/api/v1/staff/session", tag = "staff", responses(
    (status = 204, description = "Signed out."),
    (status = 401, description = "unauthorized.", body = motcua_core::ApiError),
    (status = 403, description = "csrf_missing.", body = motcua_core::ApiError)))]
async fn sign_out(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
) -> Result<Response, ApiFailure> {
    let (staff, secret, _) = browser(&who)?;
    access.sessions().close(secret);
    let (a, user) = (access.clone(), staff.username.clone());
    blocking(move || {
        a.write(|tx| {
            audit::append(
                tx,
                Utc::now(),
                &Actor::staff(&user),
                &audit::What {
                    action: "staff.sign_out",
                    target_kind: Some("staff"),
                    target: Some(&user),
                    detail: None,
                },
            )?;
            Ok(())
        })
    })
    .await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            HeaderValue::from_static("motcua_staff=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
        )],
    )
        .into_response())
}

/// Choose the counter this session serves: from then on it acts only there.
#[utoipa::path(post, path = "/api/v1/staff/session/counter", tag = "staff",
    request_body(content = CounterChoice),
    responses(
    (status = 200, description = "The session, bound to the counter.", body = StaffSessionWire),
    (status = 403, description = "wrong_counter (not one of the account's counters) or csrf_missing.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_counter.", body = motcua_core::ApiError)))]
async fn choose_counter(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    ApiJson(body): ApiJson<CounterChoice>,
) -> Result<Json<StaffSessionWire>, ApiFailure> {
    let (staff, secret, _) = browser(&who)?;
    let id = body.counter_id.trim().to_owned();
    let known = {
        let id = id.clone();
        access
            .read(move |c| {
                c.query_row(
                    "SELECT EXISTS (SELECT 1 FROM counters WHERE id = ?1)",
                    [id],
                    |r| r.get::<_, bool>(0),
                )
            })
            .map_err(|e| ApiFailure::from(ApiError::from(AccessError::Db(e))))?
    };
    if !known {
        return Err(ApiError::new(
            ErrorCode::UnknownCounter,
            format!("Không có quầy “{id}”."),
            format!("There is no counter “{id}”."),
        )
        .into());
    }
    // The account's counters (if listed) and nothing else.
    let probe = Principal::Staff {
        staff: staff.clone(),
        secret: secret.to_owned(),
        counter_id: None,
    };
    super::guard::allowed(
        super::Rule::Counter,
        &probe,
        &format!("/api/v1/counters/{id}/call-next"),
    )?;
    access.sessions().bind_counter(secret, &id);
    let s = access
        .sessions()
        .touch(secret)
        .ok_or_else(|| ApiFailure::from(super::guard::unauthorized()))?;
    Ok(Json(session_wire(
        &access,
        s.csrf.unwrap_or_default(),
        staff.clone(),
        Some(id),
    )))
}

/// Change one's own password; the account's other sessions end.
#[utoipa::path(post, path = "/api/v1/staff/password", tag = "staff",
    request_body(content = PasswordChange),
    responses(
    (status = 204, description = "Changed."),
    (status = 400, description = "bad_request: the new password is too short.", body = motcua_core::ApiError),
    (status = 401, description = "bad_credentials: the current password is wrong.", body = motcua_core::ApiError),
    (status = 429, description = "too_many_attempts.", body = motcua_core::ApiError)))]
async fn change_password(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<Response, ApiFailure> {
    let (staff, secret, _) = browser(&who)?;
    store::check_password(&body.new_password).map_err(|e| ApiFailure::from(ApiError::from(e)))?;
    let req = SignInRequest {
        username: staff.username.clone(),
        password: body.current_password,
    };
    if let Err(r) = check(&access, req, None).await {
        return Ok(r);
    }
    let (a, user, new) = (access.clone(), staff.username.clone(), body.new_password);
    blocking(move || a.write(|tx| store::set_password(tx, &user, &new, &Actor::staff(&user))))
        .await?;
    access
        .sessions()
        .close_all_of(&staff.username, Some(secret));
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn kiosk(who: &Principal) -> Result<&DeviceWire, ApiFailure> {
    match who {
        Principal::Device { device, .. } => Ok(device),
        _ => Err(super::guard::forbidden().into()),
    }
}

/// A staff member signs in at a kiosk (staff assist mode): the assist token the kiosk sends
/// in `X-Assist-Token` beside its own.
#[utoipa::path(post, path = "/api/v1/staff/assist", tag = "staff",
    request_body(content = SignInRequest),
    responses(
    (status = 200, description = "Assisting.", body = AssistSessionWire),
    (status = 401, description = "bad_credentials, or unauthorized (no kiosk token).", body = motcua_core::ApiError),
    (status = 403, description = "forbidden: not a kiosk.", body = motcua_core::ApiError),
    (status = 429, description = "too_many_attempts.", body = motcua_core::ApiError)))]
async fn assist_start(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    ApiJson(body): ApiJson<SignInRequest>,
) -> Result<Response, ApiFailure> {
    let device = kiosk(&who)?.name.clone();
    let staff = match check(&access, body, Some(device.clone())).await {
        Ok(s) => s,
        Err(r) => return Ok(r),
    };
    let token = access.sessions().open_assist(&staff.username, &device);
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(AssistSessionWire {
            assist_token: token,
            staff,
            idle_timeout_secs: access.sessions().idle().as_secs(),
        }),
    )
        .into_response())
}

/// End staff assist at this kiosk.
#[utoipa::path(delete, path = "/api/v1/staff/assist", tag = "staff", responses(
    (status = 204, description = "Ended (also when there was none)."),
    (status = 401, description = "unauthorized.", body = motcua_core::ApiError)))]
async fn assist_end(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiFailure> {
    kiosk(&who)?;
    if let Some(t) = headers.get(ASSIST_HEADER).and_then(|v| v.to_str().ok()) {
        access.sessions().close(t);
    }
    if let Some(actor) = who.actor().filter(|a| a.assisted_by.is_some()) {
        let a = access.clone();
        blocking(move || {
            a.write(|tx| {
                audit::append(
                    tx,
                    Utc::now(),
                    &actor,
                    &audit::What {
                        action: "staff.assist_end",
                        target_kind: Some("staff"),
                        target: actor.assisted_by.as_deref(),
                        detail: None,
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

fn actor_of(who: &Principal) -> Actor {
    who.actor().unwrap_or_else(|| Actor::system("anonymous"))
}

/// Every staff account.
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", responses(
    (status = 200, description = "The accounts.", body = Vec<StaffWire>),
    (status = 403, description = "forbidden: not an admin.", body = motcua_core::ApiError)))]
async fn list_staff(State(access): State<Access>) -> Result<Json<Vec<StaffWire>>, ApiFailure> {
    let a = access.clone();
    Ok(Json(blocking(move || a.read(store::list_staff)).await?))
}

/// Add a staff account.
#[utoipa::path(post, path = "/api/v1/staff", tag = "staff",
    request_body(content = NewStaff),
    responses(
    (status = 201, description = "Added.", body = StaffWire),
    (status = 400, description = "bad_request: a field is unusable.", body = motcua_core::ApiError),
    (status = 409, description = "username_taken.", body = motcua_core::ApiError)))]
async fn add_staff(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    ApiJson(mut body): ApiJson<NewStaff>,
) -> Result<Response, ApiFailure> {
    body.username = normal_username(&body.username);
    let (a, actor) = (access.clone(), actor_of(&who));
    let s = blocking(move || a.write(|tx| store::add_staff(tx, &body, &actor))).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

fn path_name(p: Result<Path<String>, PathRejection>) -> Result<String, ApiFailure> {
    p.map(|Path(s)| s)
        .map_err(|_| ApiFailure::from(crate::edge::not_found_route()))
}

async fn set_enabled(
    access: Access,
    who: Principal,
    name: String,
    enabled: bool,
) -> Result<Json<StaffWire>, ApiFailure> {
    let (a, actor, n) = (access.clone(), actor_of(&who), name.clone());
    let s = blocking(move || a.write(|tx| store::set_enabled(tx, &n, enabled, &actor))).await?;
    if !enabled {
        access.sessions().close_all_of(&name, None);
    }
    Ok(Json(s))
}

/// Disable an account: its sessions end at once.
#[utoipa::path(post, path = "/api/v1/staff/{username}/disable", tag = "staff",
    params(("username" = String, Path, description = "The account.")),
    responses((status = 200, description = "Disabled.", body = StaffWire),
    (status = 404, description = "not_found.", body = motcua_core::ApiError)))]
async fn disable(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    name: Result<Path<String>, PathRejection>,
) -> Result<Json<StaffWire>, ApiFailure> {
    set_enabled(access, who, path_name(name)?, false).await
}

/// Enable an account again.
#[utoipa::path(post, path = "/api/v1/staff/{username}/enable", tag = "staff",
    params(("username" = String, Path, description = "The account.")),
    responses((status = 200, description = "Enabled.", body = StaffWire),
    (status = 404, description = "not_found.", body = motcua_core::ApiError)))]
async fn enable(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    name: Result<Path<String>, PathRejection>,
) -> Result<Json<StaffWire>, ApiFailure> {
    set_enabled(access, who, path_name(name)?, true).await
}

/// Every device.
#[utoipa::path(get, path = "/api/v1/devices", tag = "staff", responses(
    (status = 200, description = "The devices.", body = Vec<DeviceWire>)))]
async fn list_devices(State(access): State<Access>) -> Result<Json<Vec<DeviceWire>>, ApiFailure> {
    let a = access.clone();
    Ok(Json(blocking(move || a.read(store::list_devices)).await?))
}

/// Add a device: its token, shown once.
#[utoipa::path(post, path = "/api/v1/devices", tag = "staff",
    request_body(content = NewDevice),
    responses((status = 201, description = "Added.", body = DeviceToken),
    (status = 400, description = "bad_request.", body = motcua_core::ApiError),
    (status = 409, description = "username_taken: a device of that name exists.", body = motcua_core::ApiError)))]
async fn add_device(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    ApiJson(body): ApiJson<NewDevice>,
) -> Result<Response, ApiFailure> {
    let (a, actor) = (access.clone(), actor_of(&who));
    let out = blocking(move || {
        a.write(|tx| {
            let token = store::add_device(
                tx,
                body.kind,
                &body.name,
                body.counter_id.as_deref(),
                &actor,
            )?;
            let device = store::device_by_name(tx, &body.name)?.expect("just added");
            Ok(DeviceToken { token, device })
        })
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(out),
    )
        .into_response())
}

/// Revoke a device: its token stops working at once.
#[utoipa::path(post, path = "/api/v1/devices/{name}/revoke", tag = "staff",
    params(("name" = String, Path, description = "The device.")),
    responses((status = 200, description = "Revoked.", body = DeviceWire),
    (status = 404, description = "not_found.", body = motcua_core::ApiError)))]
async fn revoke(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    name: Result<Path<String>, PathRejection>,
) -> Result<Json<DeviceWire>, ApiFailure> {
    let (a, actor, n) = (access.clone(), actor_of(&who), path_name(name)?);
    Ok(Json(
        blocking(move || a.write(|tx| store::revoke_device(tx, &n, &actor))).await?,
    ))
}

/// A one-time enrollment code (15 minutes) for a kiosk or board.
#[utoipa::path(post, path = "/api/v1/devices/enroll-codes", tag = "staff",
    request_body(content = EnrollCodeRequest),
    responses((status = 201, description = "The code.", body = EnrollCode)))]
async fn enroll_code(
    State(access): State<Access>,
    Extension(who): Extension<Principal>,
    ApiJson(body): ApiJson<EnrollCodeRequest>,
) -> Result<Response, ApiFailure> {
    let (a, actor) = (access.clone(), actor_of(&who));
    let (code, expires_at) =
        blocking(move || a.write(|tx| store::make_enroll_code(tx, body.kind, &actor))).await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(EnrollCode { code, expires_at }),
    )
        .into_response())
}

/// Enroll a device with a one-time code: its token.
#[utoipa::path(post, path = "/api/v1/devices/enroll", tag = "staff",
    request_body(content = EnrollRequest),
    responses((status = 201, description = "Enrolled.", body = DeviceToken),
    (status = 401, description = "bad_enroll_code: wrong, used or expired.", body = motcua_core::ApiError),
    (status = 429, description = "rate_limited.", body = motcua_core::ApiError)))]
async fn enroll(
    State(access): State<Access>,
    ApiJson(body): ApiJson<EnrollRequest>,
) -> Result<Response, ApiFailure> {
    let a = access.clone();
    let out =
        blocking(move || a.write(|tx| store::enroll(tx, &body.code, body.name.trim()))).await?;
    let Some((token, device)) = out else {
        return Err(ApiError::new(
            ErrorCode::BadEnrollCode,
            "Mã đăng ký máy không đúng, đã dùng hoặc đã hết hạn. Vui lòng xin mã mới.",
            "The enrollment code is wrong, used or expired. Please ask for a new one.",
        )
        .into());
    };
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(DeviceToken { token, device }),
    )
        .into_response())
}

/// `?limit=N&before=ID`.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    /// At most this many (1–500, default 100).
    #[serde(default)]
    limit: Option<u32>,
    /// Entries before this id (the next page).
    #[serde(default)]
    before: Option<i64>,
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "staff",
    params(AuditQuery),
    responses((status = 200, description = "Entries.", body = Vec<AuditEntry>),
    (status = 400, description = "bad_request.", body = motcua_core::ApiError),
    (status = 403, description = "forbidden: not a manager or admin.", body = motcua_core::ApiError)))]
async fn audit_list(
    State(access): State<Access>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ApiFailure> {
    let Ok(Query(q)) = q else {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "Tham số không hợp lệ: limit là số 1–500, before là số thứ tự một mục.",
            "Bad parameters: limit is 1–500, before is an entry's id.",
        )
        .into());
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let a = access.clone();
    let rows = blocking(move || Ok(a.read(|c| audit::list(c, q.before, limit))?)).await?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(rows),
    )
        .into_response())
}

/// The whole audit trail as CSV (UTF-8 with BOM), oldest first.
#[utoipa::path(get, path = "/api/v1/audit.csv", tag = "staff", responses(
    (status = 200, description = "CSV.", content_type = "text/csv", body = String),
    (status = 403, description = "forbidden.", body = motcua_core::ApiError)))]
async fn audit_csv(State(access): State<Access>) -> Result<Response, ApiFailure> {
    let a = access.clone();
    let text = blocking(move || Ok(a.read(audit::csv)?)).await?;
    let name = format!(
        "attachment; filename=\"nhat-ky-{}.csv\"",
        Utc::now().format("%Y%m%d-%H%M")
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&name).expect("ASCII"),
            ),
        ],
        text,
    )
        .into_response())
}

/// The access routes over `access`.
pub fn router(access: Access) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(sign_in, current, sign_out))
        .routes(routes!(choose_counter))
        .routes(routes!(change_password))
        .routes(routes!(assist_start, assist_end))
        .routes(routes!(list_staff, add_staff))
        .routes(routes!(disable))
        .routes(routes!(enable))
        .routes(routes!(list_devices, add_device))
        .routes(routes!(revoke))
        .routes(routes!(enroll_code))
        .routes(routes!(enroll))
        .routes(routes!(audit_list))
        .routes(routes!(audit_csv))
        .with_state(access)
}
