//! The queue's routes: thin handlers (parse, call one [`AppState`] function, map errors).

use super::status_page;
use super::store::{CounterAction, OfflineRequest};
use super::{is_ticket_id, parse_time, ActionResult, AppState, BoardWire, CounterWire};
use crate::edge::{not_found_route, ApiFailure, ApiJson, OptionalJson};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use motcua_core::{ApiError, ErrorCode, Priority, Service, Ticket};
use serde::Deserialize;

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
    let sse = super::events::stream(app, after).await?;
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

/// The queue's routes over `state`: services, tickets, counters, the board, live events,
/// announcements and the ticket status page.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/services", get(list_services))
        .route("/api/v1/tickets", post(issue_ticket))
        .route("/api/v1/tickets/{id}", get(get_ticket))
        .route("/t/{id}", get(status_page))
        .route("/api/v1/counters", get(list_counters))
        .route("/api/v1/counters/{id}/call-next", post(call_next))
        .route("/api/v1/counters/{id}/recall", post(recall))
        .route("/api/v1/counters/{id}/skip", post(skip))
        .route("/api/v1/counters/{id}/transfer", post(transfer))
        .route("/api/v1/counters/{id}/complete", post(complete))
        .route("/api/v1/events", get(events))
        .route("/api/v1/board", get(board))
        .route("/api/v1/tickets/offline", post(offline_ticket))
        // The router cannot match a suffix inside a segment; the handler takes `{event_id}.wav`.
        .route("/api/v1/announcements/{file}", get(announcement))
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
}
