//! HTTP layer: routes, a JSON extractor whose every rejection is a bilingual [`ApiError`], and
//! thin handlers (parse, call one [`AppState`] function, map errors).

use crate::dossier;
use crate::openapi;
use crate::pages::{self, Page};
use crate::service::{is_ticket_id, parse_time, ActionResult, AppState, BoardWire, CounterWire};
use crate::status_page;
use crate::store::{CounterAction, OfflineRequest};
use axum::body::{Body, Bytes};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::handler::Handler;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use motcua_core::{ApiError, ErrorCode, Priority, Service, Ticket};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

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
        JsonRejection::JsonDataError(e) => ApiError::new(
            ErrorCode::BadRequest,
            format!(
                "Dữ liệu JSON thiếu hoặc sai trường; các trường hợp lệ có trong \
                 /api/v1/openapi.json ({}).",
                e.body_text()
            ),
            format!(
                "The JSON body has a missing, unknown or wrong field; the valid fields are in \
                 /api/v1/openapi.json ({}).",
                e.body_text()
            ),
        ),
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

/// A request body that could not be read (the connection broke, bad framing).
pub(crate) fn unreadable_body() -> ApiError {
    ApiError::new(
        ErrorCode::BadRequest,
        "Không đọc được nội dung yêu cầu.",
        "The request body could not be read.",
    )
}

fn body_too_large() -> ApiError {
    ApiError::new(
        ErrorCode::BodyTooLarge,
        format!(
            "Nội dung gửi lên quá lớn (tối đa {} KB). Vui lòng gửi yêu cầu ngắn hơn.",
            BODY_LIMIT / 1024
        ),
        format!(
            "The request body is too large (at most {} KB). Please send a shorter request.",
            BODY_LIMIT / 1024
        ),
    )
}

/// Parses a wire priority; `None` (absent or `null`) means no priority.
pub fn parse_priority(p: Option<&str>) -> Result<Priority, ApiError> {
    let Some(p) = p else {
        return Ok(Priority::None);
    };
    p.parse().map_err(|()| {
        let valid = Priority::ALL.map(Priority::as_str).join(", ");
        ApiError::new(
            ErrorCode::UnknownPriority,
            format!("Đối tượng ưu tiên “{p}” không hợp lệ. Giá trị hợp lệ: {valid}."),
            format!("Unknown priority “{p}”. Valid values: {valid}."),
        )
    })
}

/// Body of `POST /api/v1/tickets` as received; `priority` stays a string so an unknown value
/// is reported as `unknown_priority` rather than a generic data error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueBody {
    service_id: String,
    #[serde(default)]
    priority: Option<String>,
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn list_services(State(app): State<AppState>) -> Result<Json<Vec<Service>>, ApiFailure> {
    Ok(Json(app.list_services().await?))
}

async fn issue_ticket(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<IssueBody>,
) -> Result<Response, ApiFailure> {
    let priority = parse_priority(body.priority.as_deref())?;
    let ticket = app.issue_ticket(body.service_id, priority).await?;
    let location = HeaderValue::from_str(&format!("/api/v1/tickets/{}", ticket.id))
        .expect("ticket ids are hex");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ticket),
    )
        .into_response())
}

async fn get_ticket(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Ticket>, ApiFailure> {
    let Ok(Path(id)) = id else {
        return Err(not_found_route().into());
    };
    Ok(Json(app.get_ticket(id).await?))
}

async fn status_page(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = id.map(|Path(id)| id).unwrap_or_default();
    match app.get_ticket(id).await {
        Ok(t) => Html(status_page::render(&t)).into_response(),
        Err(e) => {
            let f = ApiFailure::from(e);
            (f.status, Html(status_page::render_error(&f.error))).into_response()
        }
    }
}

/// Body of `call-next`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CallNextBody {
    #[serde(default)]
    service_id: Option<String>,
}

/// Body of `recall`, `skip` and `complete`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TicketBody {
    #[serde(default)]
    ticket_id: Option<String>,
}

/// Body of `transfer`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferBody {
    service_id: String,
    #[serde(default)]
    ticket_id: Option<String>,
}

/// Body of `POST /api/v1/tickets/offline` as received (`priority` a string, as for issuing).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfflineBody {
    local_id: String,
    kiosk_id: String,
    service_id: String,
    #[serde(default)]
    priority: Option<String>,
    number: String,
    issued_at: String,
}

fn counter_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiFailure> {
    id.map(|Path(id)| id)
        .map_err(|_| ApiFailure::from(not_found_route()))
}

async fn list_counters(State(app): State<AppState>) -> Result<Json<Vec<CounterWire>>, ApiFailure> {
    Ok(Json(app.list_counters().await?))
}

async fn call_next(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    OptionalJson(body): OptionalJson<CallNextBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let action = CounterAction::CallNext {
        service_id: body.service_id,
    };
    Ok(Json(
        app.counter_action(counter_id(id)?, action, None).await?,
    ))
}

async fn recall(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    OptionalJson(body): OptionalJson<TicketBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let r = app.counter_action(counter_id(id)?, CounterAction::Recall, body.ticket_id);
    Ok(Json(r.await?))
}

async fn skip(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    OptionalJson(body): OptionalJson<TicketBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let r = app.counter_action(counter_id(id)?, CounterAction::Skip, body.ticket_id);
    Ok(Json(r.await?))
}

async fn complete(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    OptionalJson(body): OptionalJson<TicketBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let r = app.counter_action(counter_id(id)?, CounterAction::Complete, body.ticket_id);
    Ok(Json(r.await?))
}

async fn transfer(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<TransferBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let action = CounterAction::Transfer {
        service_id: body.service_id,
    };
    let r = app.counter_action(counter_id(id)?, action, body.ticket_id);
    Ok(Json(r.await?))
}

async fn board(State(app): State<AppState>) -> Result<Json<BoardWire>, ApiFailure> {
    Ok(Json(app.board().await?))
}

fn bad_field(field: &str, vi: &str, en: &str) -> ApiFailure {
    ApiError::new(
        ErrorCode::BadRequest,
        format!("Trường “{field}” không hợp lệ: {vi}."),
        format!("The field “{field}” is invalid: {en}."),
    )
    .into()
}

/// Checks an offline ticket's fields; the service is checked by the store.
fn offline_request(body: OfflineBody) -> Result<OfflineRequest, ApiFailure> {
    let priority = parse_priority(body.priority.as_deref())?;
    if !is_ticket_id(&body.local_id) {
        return Err(bad_field(
            "local_id",
            "cần 32 chữ số thập lục phân viết thường (UUID bỏ dấu gạch)",
            "it must be 32 lowercase hexadecimal digits (a UUID without dashes)",
        ));
    }
    // `kiosk.id` is free text in the kiosk's configuration: any printable text will do.
    let kiosk_id = motcua_core::text::nfc(body.kiosk_id.trim());
    let kiosk_ok =
        (1..=64).contains(&kiosk_id.chars().count()) && !kiosk_id.chars().any(char::is_control);
    if !kiosk_ok {
        return Err(bad_field(
            "kiosk_id",
            "cần 1–64 ký tự, không có ký tự điều khiển",
            "it must be 1–64 characters without control characters",
        ));
    }
    let number_ok = (3..=32).contains(&body.number.len())
        && body.number.contains('-')
        && body.number.starts_with(|c: char| c.is_ascii_uppercase())
        && body
            .number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !number_ok {
        return Err(bad_field(
            "number",
            "số ngoại tuyến có dạng chữ cái, số máy, gạch ngang, số thứ tự, ví dụ “A1-007”",
            "an offline number is letters, the kiosk number, a dash and the sequence, e.g. “A1-007”",
        ));
    }
    let Some(issued_at) = parse_time(&body.issued_at) else {
        return Err(bad_field(
            "issued_at",
            "cần thời điểm theo RFC 3339 có múi giờ, ví dụ “2026-11-22T09:15:02+07:00”",
            "it must be an RFC 3339 time with offset, e.g. “2026-11-22T09:15:02+07:00”",
        ));
    };
    Ok(OfflineRequest {
        local_id: body.local_id,
        kiosk_id,
        service_id: body.service_id,
        priority,
        number: body.number,
        issued_at,
    })
}

async fn offline_ticket(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<OfflineBody>,
) -> Result<Response, ApiFailure> {
    let req = offline_request(body)?;
    let (ticket, created) = app.offline_ticket(req).await?;
    if !created {
        return Ok(Json(ticket).into_response());
    }
    let location = HeaderValue::from_str(&format!("/api/v1/tickets/{}", ticket.id))
        .expect("ticket ids are hex");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ticket),
    )
        .into_response())
}

/// `?last_event_id=N`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsQuery {
    #[serde(default)]
    last_event_id: Option<String>,
}

fn bad_event_id() -> ApiFailure {
    ApiError::new(
        ErrorCode::BadRequest,
        "“Last-Event-ID” hoặc “last_event_id” phải là một số nguyên không âm.",
        "“Last-Event-ID” or “last_event_id” must be a non-negative integer.",
    )
    .into()
}

fn parse_event_id(s: &str) -> Result<i64, ApiFailure> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(bad_event_id)
}

async fn events(
    State(app): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, ApiFailure> {
    let Ok(Query(q)) = query else {
        return Err(bad_event_id());
    };
    // The header is what a browser's EventSource sends when it reconnects by itself, so it is
    // newer than the query string it first opened with.
    let after = match headers.get("last-event-id") {
        Some(v) => Some(parse_event_id(v.to_str().map_err(|_| bad_event_id())?)?),
        None => q.last_event_id.as_deref().map(parse_event_id).transpose()?,
    };
    let sse = crate::events::stream(app, after).await?;
    Ok((
        [(header::HeaderName::from_static("x-accel-buffering"), "no")],
        sse,
    )
        .into_response())
}

async fn announcement(
    State(app): State<AppState>,
    file: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiFailure> {
    let id = file
        .ok()
        .and_then(|Path(f)| f.strip_suffix(".wav").and_then(|n| n.parse::<i64>().ok()))
        .filter(|n| *n > 0 && !n.to_string().is_empty());
    let Some(id) = id else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "Không có lời mời này. Địa chỉ có dạng /api/v1/announcements/{số sự kiện}.wav.",
            "No such announcement. The address is /api/v1/announcements/{event id}.wav.",
        )
        .into());
    };
    let wav = app.announcement(id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "audio/wav"),
            // An event's announcement never changes.
            (header::CACHE_CONTROL, "public, max-age=86400, immutable"),
        ],
        wav.as_ref().clone(),
    )
        .into_response())
}

/// `/counter` → `/counter/` (keeping the query), so the page's relative asset URLs resolve
/// under it.
fn to_slash(page: Page, uri: &Uri) -> Redirect {
    match uri.query() {
        Some(q) => Redirect::permanent(&format!("{}?{q}", page.path())),
        None => Redirect::permanent(page.path()),
    }
}

async fn page_file(app: &AppState, page: Page, path: Option<&str>) -> Response {
    let file = path.unwrap_or(page.file());
    match app.ui().file(file).await {
        Some(bytes) => {
            let cache = if file.starts_with("assets/") {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                [
                    (header::CONTENT_TYPE, pages::content_type(file)),
                    (header::CACHE_CONTROL, cache),
                ],
                bytes.into_owned(),
            )
                .into_response()
        }
        None if path.is_none() => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-cache")],
            Html(pages::not_built_html(page)),
        )
            .into_response(),
        None => ApiFailure::from(not_found_route()).into_response(),
    }
}

async fn counter_redirect(uri: Uri) -> Redirect {
    to_slash(Page::Counter, &uri)
}

async fn board_redirect(uri: Uri) -> Redirect {
    to_slash(Page::Board, &uri)
}

async fn counter_page(State(app): State<AppState>) -> Response {
    page_file(&app, Page::Counter, None).await
}

async fn board_page(State(app): State<AppState>) -> Response {
    page_file(&app, Page::Board, None).await
}

async fn counter_asset(State(app): State<AppState>, Path(path): Path<String>) -> Response {
    page_file(&app, Page::Counter, Some(&path)).await
}

async fn board_asset(State(app): State<AppState>, Path(path): Path<String>) -> Response {
    page_file(&app, Page::Board, Some(&path)).await
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi::document())
}

fn not_found_route() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "Không có địa chỉ này. Danh sách địa chỉ hợp lệ ở /api/v1/openapi.json.",
        "No such address. The valid addresses are listed at /api/v1/openapi.json.",
    )
}

async fn fallback() -> ApiFailure {
    not_found_route().into()
}

/// 405 in both languages, for every router of the API.
pub(crate) async fn method_not_allowed() -> ApiFailure {
    ApiFailure {
        status: StatusCode::METHOD_NOT_ALLOWED,
        error: ApiError::new(
            ErrorCode::BadRequest,
            "Địa chỉ này không nhận phương thức này. Xem /api/v1/openapi.json.",
            "This address does not accept this method. See /api/v1/openapi.json.",
        ),
    }
}

/// Builds the route table and records each (method, path) so the OpenAPI test can check them.
struct Routes {
    router: Router<AppState>,
    list: Vec<(&'static str, &'static str)>,
}

impl Routes {
    fn add(self, method: &'static str, path: &'static str, mr: MethodRouter<AppState>) -> Self {
        self.add_documented(method, path, path, mr)
    }

    /// A route whose router path differs from the documented one.
    fn add_documented(
        mut self,
        method: &'static str,
        route: &'static str,
        documented: &'static str,
        mr: MethodRouter<AppState>,
    ) -> Self {
        self.list.push((method, documented));
        self.router = self.router.route(route, mr);
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("get", path, get(h))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("post", path, post(h))
    }
}

fn routes_table() -> Routes {
    Routes {
        router: Router::new(),
        list: Vec::new(),
    }
    .get("/healthz", healthz)
    .get("/api/v1/services", list_services)
    .post("/api/v1/tickets", issue_ticket)
    .get("/api/v1/tickets/{id}", get_ticket)
    .get("/api/v1/openapi.json", openapi_json)
    .get("/t/{id}", status_page)
    .get("/api/v1/counters", list_counters)
    .post("/api/v1/counters/{id}/call-next", call_next)
    .post("/api/v1/counters/{id}/recall", recall)
    .post("/api/v1/counters/{id}/skip", skip)
    .post("/api/v1/counters/{id}/transfer", transfer)
    .post("/api/v1/counters/{id}/complete", complete)
    .get("/api/v1/events", events)
    .get("/api/v1/board", board)
    .post("/api/v1/tickets/offline", offline_ticket)
    // The router cannot match a suffix inside a segment; the handler takes `{event_id}.wav`.
    .add_documented(
        "get",
        "/api/v1/announcements/{file}",
        "/api/v1/announcements/{event_id}.wav",
        get(announcement),
    )
    .get("/counter/", counter_page)
    .get("/board/", board_page)
    // Online filing (issue 5); the only route with a large body limit.
    .add(
        "post",
        "/api/v1/dossiers",
        post(dossier::http::post_dossier)
            .layer(DefaultBodyLimit::max(dossier::http::DOSSIER_BODY_LIMIT)),
    )
    .get("/api/v1/dossiers/{code}", dossier::http::get_dossier)
    .get("/d/{code}", dossier::http::tracking_page)
    .get("/api/v1/receipt-key", dossier::http::receipt_key)
}

/// Every (lower-case method, path template) the router serves.
pub fn routes() -> Vec<(&'static str, &'static str)> {
    let mut list = routes_table().list;
    list.extend_from_slice(crate::catalog_http::ROUTES);
    list.extend(crate::auth::http::routes());
    list
}

/// The office API router over `state`.
pub fn router(state: AppState) -> Router {
    routes_table()
        .router
        // The pages' own files and the slash-less page addresses (not API routes).
        .route("/counter", get(counter_redirect))
        .route("/board", get(board_redirect))
        .route("/counter/{*path}", get(counter_asset))
        .route("/board/{*path}", get(board_asset))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiFailure::from(ApiError::internal()).into_response()
            },
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_priority_lists_the_valid_ones() {
        let e = parse_priority(Some("vip")).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownPriority);
        for p in Priority::ALL {
            assert!(e.message_en.contains(p.as_str()), "{}", e.message_en);
            assert!(e.message_vi.contains(p.as_str()), "{}", e.message_vi);
        }
        assert_eq!(parse_priority(None).unwrap(), Priority::None);
        assert_eq!(
            parse_priority(Some("child_under_6")).unwrap(),
            Priority::ChildUnder6
        );
    }

    #[test]
    fn every_route_is_in_the_openapi_document_and_back() {
        let doc = openapi::document();
        let paths = doc["paths"].as_object().expect("paths object");
        let routes = routes();
        for (method, path) in &routes {
            assert!(
                paths.get(*path).and_then(|p| p.get(*method)).is_some(),
                "{method} {path} is served but not documented"
            );
        }
        for (path, item) in paths {
            for method in item.as_object().unwrap().keys() {
                assert!(
                    routes.iter().any(|(m, p)| m == method && p == path),
                    "{method} {path} is documented but not served"
                );
            }
        }
    }
}
