//! HTTP layer: routes, a JSON extractor whose every rejection is a bilingual [`ApiError`], and
//! thin handlers (parse, call one [`AppState`] function, map errors).

use crate::openapi;
use crate::service::AppState;
use crate::status_page;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::handler::Handler;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
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
                "Dữ liệu JSON thiếu hoặc sai trường. Cần có “service_id” (chuỗi) và có thể có \
                 “priority” ({}).",
                e.body_text()
            ),
            format!(
                "The JSON body has a missing or wrong field. It needs “service_id” (a string) \
                 and may have “priority” ({}).",
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

async fn method_not_allowed() -> ApiFailure {
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
    fn add(mut self, method: &'static str, path: &'static str, mr: MethodRouter<AppState>) -> Self {
        self.list.push((method, path));
        self.router = self.router.route(path, mr);
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
}

/// Every (lower-case method, path template) the router serves.
pub fn routes() -> Vec<(&'static str, &'static str)> {
    routes_table().list
}

/// The office API router over `state`.
pub fn router(state: AppState) -> Router {
    routes_table()
        .router
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
