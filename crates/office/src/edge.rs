//! The HTTP edge every domain shares: the bilingual error response ([`ApiFailure`]), JSON
//! extractors whose every rejection is one, and the answers for no such route (404), wrong
//! method (405) and too large a body (413). Domains build `ApiError`s (or their own errors
//! mapped to one) and hand them here; nothing below the edge knows about HTTP statuses.

use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
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
