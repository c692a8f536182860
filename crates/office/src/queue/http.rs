//! The queue's routes: thin handlers (parse, call one [`AppState`] function, map errors).

use super::status_page;
use super::store::{CounterAction, OfflineRequest};
use super::{is_ticket_id, parse_time, ActionResult, AppState, BoardWire, CounterWire, EventWire};
use crate::access::Principal;
use crate::edge::{not_found_route, ApiFailure, ApiJson, OptionalJson};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::queue::{OFFLINE_MAX_AGE_DAYS, OFFLINE_MAX_AHEAD_HOURS};
use motcua_core::text::{check_field, FieldRule};
use motcua_core::{ApiError, ErrorCode, Priority, Service, Ticket};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

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

/// Liveness check: `{"status": "ok"}`.
#[utoipa::path(get, path = "/healthz", tag = "queue", responses((status = 200, description = "The server is up.", body = Object)))]
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Services with today's waiting count and estimated wait, in display order.
#[utoipa::path(get, path = "/api/v1/services", tag = "queue", responses(
    (status = 200, description = "All services.", body = Vec<Service>),
    (status = 500, description = "Storage failure.", body = motcua_core::ApiError),
    (status = 503, description = "server_unavailable: restarting.", body = motcua_core::ApiError)))]
async fn list_services(State(app): State<AppState>) -> Result<Json<Vec<Service>>, ApiFailure> {
    Ok(Json(app.list_services().await?))
}

/// Take a queue number. Issued and stored durably before the answer; `Location` is the
/// ticket's API URL. With an `Idempotency-Key` (the kiosk sends one made when the citizen
/// pressed the button), a retried request (after a timeout, a lost answer, a crash) gets the
/// ticket the first one made, with 200, instead of a second number.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "queue",
    params(("Idempotency-Key" = Option<String>, Header, description = "1–128 visible ASCII characters, e.g. a UUID. The same key from the same device gives the same ticket (200); with another service or priority, 409 idempotency_conflict. Keys are kept with the ticket.")),
    request_body(content = motcua_core::IssueTicketRequest, description = "At most 64 KB."),
    responses(
    (status = 201, description = "Issued.", body = Ticket),
    (status = 200, description = "Issued by an earlier request with the same Idempotency-Key: that ticket.", body = Ticket),
    (status = 400, description = "malformed_json, bad_request (missing or unknown field, wrong content type) or unknown_priority. No number is consumed.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_service. No number is consumed.", body = motcua_core::ApiError),
    (status = 409, description = "service_closed, or idempotency_conflict (the key was used for another service or priority). No number is consumed.", body = motcua_core::ApiError),
    (status = 413, description = "body_too_large: the body is over 64 KB.", body = motcua_core::ApiError),
    (status = 429, description = "rate_limited: this device issued too many tickets in a short time (its token bucket, see docs/SECURITY.md).", body = motcua_core::ApiError),
    (status = 503, description = "server_unavailable: restarting.", body = motcua_core::ApiError)))]
async fn issue_ticket(
    State(app): State<AppState>,
    who: Option<Extension<Principal>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<IssueBody>,
) -> Result<Response, ApiFailure> {
    check_service_id(&body.service_id)?;
    let priority = parse_priority(body.priority.as_deref())?;
    let request_key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let k = v
                .to_str()
                .ok()
                .filter(|k| crate::dossier::is_idempotency_key(k))
                .ok_or_else(|| {
                    bad_field(
                        "Idempotency-Key",
                        "cần 1–128 ký tự ASCII nhìn thấy được, ví dụ một UUID",
                        "it must be 1–128 visible ASCII characters, e.g. a UUID",
                    )
                })?;
            // One client's keys never meet another's: the key is stored with who sent it.
            let who = who.as_ref().and_then(|Extension(p)| p.actor()).map_or_else(
                || "anonymous".to_owned(),
                |a| format!("{}:{}", a.kind, a.name),
            );
            Some(crate::queue::store::request_key(&who, k))
        }
    };
    let (ticket, replayed) = app
        .issue_ticket_as(body.service_id, priority, actor(who), request_key)
        .await?;
    if replayed {
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

/// A ticket with the people ahead recomputed now.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "queue",
    params(("id" = String, Path, description = "Ticket id: 32 lowercase hexadecimal digits.")),
    responses((status = 200, description = "The ticket.", body = Ticket),
    (status = 404, description = "not_found: no such ticket.", body = motcua_core::ApiError)))]
async fn get_ticket(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Ticket>, ApiFailure> {
    let Ok(Path(id)) = id else {
        return Err(not_found_route().into());
    };
    Ok(Json(app.get_ticket(id).await?))
}

/// The ticket's status page for the citizen's phone (the QR on the ticket): UTF-8 HTML in
/// Vietnamese and English, refreshing every 30 s.
#[utoipa::path(get, path = "/t/{id}", tag = "queue",
    params(("id" = String, Path, description = "Ticket id.")),
    responses((status = 200, description = "The page.", content_type = "text/html", body = String),
    (status = 404, description = "HTML page: not found.", content_type = "text/html", body = String)))]
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
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CallNextBody {
    #[serde(default)]
    service_id: Option<String>,
}

/// Body of `recall`, `skip` and `complete`.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TicketBody {
    #[serde(default)]
    ticket_id: Option<String>,
}

/// Body of `transfer`.
#[derive(Deserialize, utoipa::ToSchema)]
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

/// Longest service id (they look like `ho-tich`).
const MAX_SERVICE_ID: usize = 64;

/// Longest `kiosk_id` of an offline ticket.
const MAX_KIOSK_ID: usize = 64;

/// A service id as a request names it: no control, invisible or direction character, at most
/// [`MAX_SERVICE_ID`] characters (an unknown one is the store's 404).
fn check_service_id(id: &str) -> Result<(), ApiFailure> {
    check_field("service_id", id, FieldRule::line(MAX_SERVICE_ID)).map_err(ApiFailure::from)
}

/// The audit trail's actor of a request the guard let through.
fn actor(who: Option<Extension<Principal>>) -> Option<crate::access::Actor> {
    who.and_then(|Extension(p)| p.actor())
}

fn counter_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiFailure> {
    id.map(|Path(id)| id)
        .map_err(|_| ApiFailure::from(not_found_route()))
}

/// Counters with their services, current ticket and tickets served today, by number.
#[utoipa::path(get, path = "/api/v1/counters", tag = "queue", responses(
    (status = 200, description = "Every counter.", body = Vec<CounterWire>),
    (status = 500, description = "Storage failure.", body = motcua_core::ApiError)))]
async fn list_counters(State(app): State<AppState>) -> Result<Json<Vec<CounterWire>>, ApiFailure> {
    Ok(Json(app.list_counters().await?))
}

/// Complete the current ticket (if any), then call the next one: by issue time among the
/// counter's services, priority tickets by the office's strategy (strict, or one every N
/// ordinary). Emits `completed` and `called`.
#[utoipa::path(post, path = "/api/v1/counters/{id}/call-next", tag = "queue",
    params(("id" = String, Path, description = "Counter id, e.g. `quay-3`.")),
    request_body(content = Option<CallNextBody>, description = "`{}` or empty; `service_id` limits the call to one service the counter serves."),
    responses(
    (status = 200, description = "The counter after the action and the ticket called.", body = ActionResult),
    (status = 400, description = "malformed_json or bad_request. Nothing changes.", body = motcua_core::ApiError),
    (status = 403, description = "service_not_served. Nothing changes.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_counter or unknown_service. Nothing changes.", body = motcua_core::ApiError),
    (status = 409, description = "queue_empty: nobody waits; the current ticket stays current.", body = motcua_core::ApiError)))]
async fn call_next(
    State(app): State<AppState>,
    who: Option<Extension<Principal>>,
    id: Result<Path<String>, PathRejection>,
    OptionalJson(body): OptionalJson<CallNextBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    if let Some(s) = &body.service_id {
        check_service_id(s)?;
    }
    let action = CounterAction::CallNext {
        service_id: body.service_id,
    };
    Ok(Json(
        app.counter_action_as(counter_id(id)?, action, None, actor(who))
            .await?,
    ))
}

/// Announce the current ticket again (emits `recalled`).
#[utoipa::path(post, path = "/api/v1/counters/{id}/recall", tag = "queue",
    params(("id" = String, Path, description = "Counter id.")),
    request_body(content = Option<TicketBody>, description = "`{}` or empty, or the current ticket's id."),
    responses(
    (status = 200, description = "The counter and the ticket.", body = ActionResult),
    (status = 403, description = "not_your_ticket: `ticket_id` is not this counter's current ticket. Nothing changes.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_counter.", body = motcua_core::ApiError),
    (status = 409, description = "no_current_ticket. Nothing changes.", body = motcua_core::ApiError)))]
async fn recall(
    State(app): State<AppState>,
    who: Option<Extension<Principal>>,
    id: Result<Path<String>, PathRejection>,
    OptionalJson(body): OptionalJson<TicketBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let r = app.counter_action_as(
        counter_id(id)?,
        CounterAction::Recall,
        body.ticket_id,
        actor(who),
    );
    Ok(Json(r.await?))
}

/// The current citizen did not come: the ticket becomes `skipped` (emits `skipped`).
#[utoipa::path(post, path = "/api/v1/counters/{id}/skip", tag = "queue",
    params(("id" = String, Path, description = "Counter id.")),
    request_body(content = Option<TicketBody>, description = "`{}` or empty, or the current ticket's id."),
    responses(
    (status = 200, description = "The counter and the ticket.", body = ActionResult),
    (status = 403, description = "not_your_ticket. Nothing changes.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_counter.", body = motcua_core::ApiError),
    (status = 409, description = "no_current_ticket. Nothing changes.", body = motcua_core::ApiError)))]
async fn skip(
    State(app): State<AppState>,
    who: Option<Extension<Principal>>,
    id: Result<Path<String>, PathRejection>,
    OptionalJson(body): OptionalJson<TicketBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let r = app.counter_action_as(
        counter_id(id)?,
        CounterAction::Skip,
        body.ticket_id,
        actor(who),
    );
    Ok(Json(r.await?))
}

/// The current citizen was served: the ticket becomes `completed` (emits `completed`); its
/// call→completion time feeds the service's wait estimate.
#[utoipa::path(post, path = "/api/v1/counters/{id}/complete", tag = "queue",
    params(("id" = String, Path, description = "Counter id.")),
    request_body(content = Option<TicketBody>, description = "`{}` or empty, or the current ticket's id."),
    responses(
    (status = 200, description = "The counter and the ticket.", body = ActionResult),
    (status = 403, description = "not_your_ticket. Nothing changes.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_counter.", body = motcua_core::ApiError),
    (status = 409, description = "no_current_ticket. Nothing changes.", body = motcua_core::ApiError)))]
async fn complete(
    State(app): State<AppState>,
    who: Option<Extension<Principal>>,
    id: Result<Path<String>, PathRejection>,
    OptionalJson(body): OptionalJson<TicketBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let r = app.counter_action_as(
        counter_id(id)?,
        CounterAction::Complete,
        body.ticket_id,
        actor(who),
    );
    Ok(Json(r.await?))
}

/// Send the current ticket to another service's queue: it waits there with its paper number
/// and its place by original issue time (emits `transferred`).
#[utoipa::path(post, path = "/api/v1/counters/{id}/transfer", tag = "queue",
    params(("id" = String, Path, description = "Counter id.")),
    request_body(content = TransferBody, description = "The target service and optionally the current ticket's id."),
    responses(
    (status = 200, description = "The counter and the ticket.", body = ActionResult),
    (status = 400, description = "bad_request: already in that service, or a malformed field.", body = motcua_core::ApiError),
    (status = 403, description = "not_your_ticket. Nothing changes.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_counter or unknown_service.", body = motcua_core::ApiError),
    (status = 409, description = "no_current_ticket. Nothing changes.", body = motcua_core::ApiError)))]
async fn transfer(
    State(app): State<AppState>,
    who: Option<Extension<Principal>>,
    id: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<TransferBody>,
) -> Result<Json<ActionResult>, ApiFailure> {
    check_service_id(&body.service_id)?;
    let action = CounterAction::Transfer {
        service_id: body.service_id,
    };
    let r = app.counter_action_as(counter_id(id)?, action, body.ticket_id, actor(who));
    Ok(Json(r.await?))
}

/// Today's skipped tickets of the services this counter serves (citizens who did not come
/// when called), the latest called first, at most 100: the counter can call one again.
#[utoipa::path(get, path = "/api/v1/counters/{id}/skipped", tag = "queue",
    params(("id" = String, Path, description = "Counter id.")),
    responses(
    (status = 200, description = "The skipped tickets.", body = Vec<Ticket>),
    (status = 404, description = "unknown_counter.", body = motcua_core::ApiError)))]
async fn skipped(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Vec<Ticket>>, ApiFailure> {
    Ok(Json(app.skipped(counter_id(id)?).await?))
}

/// Checks and normalises a typed number: trimmed, upper case, 1–32 letters, digits or dashes.
fn typed_number(number: &str) -> Result<String, ApiFailure> {
    let n = number.trim().to_ascii_uppercase();
    let ok =
        (1..=32).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !ok {
        return Err(bad_field(
            "number",
            "cần số trên phiếu, ví dụ “A012”",
            "it must be the number on the ticket, e.g. “A012”",
        ));
    }
    Ok(n)
}

/// Call a number of today at this counter: one waiting (out of turn) or one skipped whose
/// citizen came back. Like call-next, the current ticket (if any) is completed first. `A12`
/// finds `A012`. Emits `completed` (if there was a current ticket) and `called`, so the board
/// shows and announces it as a call.
#[utoipa::path(post, path = "/api/v1/counters/{id}/call-number", tag = "queue",
    params(("id" = String, Path, description = "Counter id.")),
    request_body(content = motcua_core::queue::CallNumberRequest, description = "The number on the ticket."),
    responses(
    (status = 200, description = "The counter after the action and the ticket called.", body = ActionResult),
    (status = 400, description = "malformed_json or bad_request (not a ticket number). Nothing changes.", body = motcua_core::ApiError),
    (status = 403, description = "service_not_served: the number is of a service this counter does not serve. Nothing changes.", body = motcua_core::ApiError),
    (status = 404, description = "not_found (no such number today) or unknown_counter. Nothing changes.", body = motcua_core::ApiError),
    (status = 409, description = "ticket_not_callable: the number is being served or already done. Nothing changes.", body = motcua_core::ApiError)))]
async fn call_number(
    State(app): State<AppState>,
    who: Option<Extension<Principal>>,
    id: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<motcua_core::queue::CallNumberRequest>,
) -> Result<Json<ActionResult>, ApiFailure> {
    let id = counter_id(id)?;
    let action = CounterAction::CallNumber {
        number: typed_number(&body.number)?,
    };
    Ok(Json(
        app.counter_action_as(id, action, None, actor(who)).await?,
    ))
}

/// Snapshot for a board or counter page that (re)connects: counters, last calls (newest
/// first, one per ticket, at most 10), services, server time and the latest event included
/// (stream from it).
#[utoipa::path(get, path = "/api/v1/board", tag = "queue", responses(
    (status = 200, description = "The snapshot.", body = BoardWire),
    (status = 500, description = "Storage failure.", body = motcua_core::ApiError)))]
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

/// The shape a kiosk gives its offline numbers (`local_store::offline_number`): the service's
/// 1–3 capital letters, the kiosk number 1–99, a dash, the sequence zero-padded to 3 (at most 4
/// digits). Anything else (a forged long "number" would make a long hall announcement) is
/// refused.
fn is_offline_number(n: &str) -> bool {
    let Some((head, seq)) = n.split_once('-') else {
        return false;
    };
    let letters = head.bytes().take_while(u8::is_ascii_uppercase).count();
    let kiosk = &head[letters..];
    (1..=3).contains(&letters)
        && (1..=2).contains(&kiosk.len())
        && kiosk.bytes().all(|b| b.is_ascii_digit())
        && !kiosk.starts_with('0')
        && (3..=4).contains(&seq.len())
        && seq.bytes().all(|b| b.is_ascii_digit())
}

/// Checks an offline ticket's fields at the server's time `now`; the service is checked by
/// the store.
fn offline_request(body: OfflineBody, now: DateTime<Utc>) -> Result<OfflineRequest, ApiFailure> {
    let priority = parse_priority(body.priority.as_deref())?;
    if !is_ticket_id(&body.local_id) {
        return Err(bad_field(
            "local_id",
            "cần 32 chữ số thập lục phân viết thường (UUID bỏ dấu gạch)",
            "it must be 32 lowercase hexadecimal digits (a UUID without dashes)",
        ));
    }
    // `kiosk.id` is free text in the kiosk's configuration: any visible text will do.
    let kiosk_id = motcua_core::text::nfc(body.kiosk_id.trim());
    check_field("kiosk_id", &kiosk_id, FieldRule::name(MAX_KIOSK_ID))?;
    check_service_id(&body.service_id)?;
    if !is_offline_number(&body.number) {
        return Err(bad_field(
            "number",
            "số ngoại tuyến có dạng 1–3 chữ cái in hoa, số máy (1–99), gạch ngang, số thứ tự 3–4 chữ số, ví dụ “A1-007”",
            "an offline number is 1–3 capital letters, the kiosk number (1–99), a dash and a 3–4 digit sequence, e.g. “A1-007”",
        ));
    }
    let Some(issued_at) = parse_time(&body.issued_at) else {
        return Err(bad_field(
            "issued_at",
            "cần thời điểm theo RFC 3339 có múi giờ, ví dụ “2026-11-22T09:15:02+07:00”",
            "it must be an RFC 3339 time with offset, e.g. “2026-11-22T09:15:02+07:00”",
        ));
    };
    let (age, ahead) = (OFFLINE_MAX_AGE_DAYS, OFFLINE_MAX_AHEAD_HOURS);
    if issued_at < now - TimeDelta::days(age) || issued_at > now + TimeDelta::hours(ahead) {
        return Err(bad_field(
            "issued_at",
            &format!(
                "một phiếu ngoại tuyến được nhận trong {age} ngày sau khi phát, và giờ của \
                 máy kiosk không được nhanh hơn giờ máy chủ quá {ahead} giờ"
            ),
            &format!(
                "an offline ticket is taken up to {age} days after it was issued, and the \
                 kiosk's clock may be at most {ahead} hours ahead of the server's"
            ),
        ));
    }
    Ok(OfflineRequest {
        local_id: body.local_id,
        kiosk_id,
        service_id: body.service_id,
        priority,
        number: body.number,
        issued_at,
        actor: None,
    })
}

/// A ticket a kiosk issued while the office server could not be reached. Stored once per
/// `local_id`, which becomes the ticket's id; a repeat returns the stored ticket (200).
/// Placed in the queue by `issued_at` (a time in the future counts as now). Emits `issued`.
#[utoipa::path(post, path = "/api/v1/tickets/offline", tag = "queue",
    request_body(content = motcua_core::OfflineTicketRequest, description = "At most 64 KB."),
    responses(
    (status = 201, description = "Stored now.", body = Ticket),
    (status = 200, description = "Stored by an earlier request: the stored ticket.", body = Ticket),
    (status = 400, description = "malformed_json, bad_request (an unknown field, a malformed one, a text with a control, invisible or direction character, `issued_at` more than 30 days before the server's time or more than 24 hours after it) or unknown_priority. Nothing is stored.", body = motcua_core::ApiError),
    (status = 404, description = "unknown_service. Nothing is stored.", body = motcua_core::ApiError),
    (status = 409, description = "ticket_conflict: `local_id` belongs to a different ticket.", body = motcua_core::ApiError),
    (status = 413, description = "body_too_large.", body = motcua_core::ApiError)))]
async fn offline_ticket(
    State(app): State<AppState>,
    who: Option<Extension<Principal>>,
    ApiJson(body): ApiJson<OfflineBody>,
) -> Result<Response, ApiFailure> {
    let mut req = offline_request(body, Utc::now())?;
    // A kiosk's offline tickets are its own: recorded under its enrolled name, whatever the
    // body says (a staff session, syncing for a kiosk, keeps the body's).
    if let Some(Extension(Principal::Device { device, .. })) = &who {
        if device.kind == motcua_core::devices::DeviceKind::Kiosk {
            req.kiosk_id.clone_from(&device.name);
        }
    }
    req.actor = actor(who);
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

/// Queue events as Server-Sent Events: `id:` (only grows, survives restarts), `event:` (the
/// kind), `data:` an EventWire as JSON on one line. With `Last-Event-ID` (header, as
/// EventSource sends when it reconnects; it wins over the query) or `?last_event_id=N`, every
/// event after N once, in order, then the live stream; without either, live events only. The
/// replay goes back to today's first event at most: asked for older ones, the stream starts
/// with a `snapshot` event (the board as `GET /api/v1/board` answers, with its
/// `last_event_id`). A comment every 15 s keeps proxies from closing the stream. Streams are
/// capped per client address (8) and in all (256).
#[utoipa::path(get, path = "/api/v1/events", tag = "queue",
    params(
        ("last_event_id" = Option<u64>, Query, description = "Resume after this event."),
        ("Last-Event-ID" = Option<u64>, Header, description = "Resume after this event (wins over the query).")),
    responses(
    (status = 200, description = "The event stream; each `data:` is an EventWire.", content_type = "text/event-stream", body = EventWire),
    (status = 400, description = "bad_request: the event id is not a non-negative integer.", body = motcua_core::ApiError),
    (status = 429, description = "rate_limited: this client address has as many streams open as it may.", body = motcua_core::ApiError),
    (status = 503, description = "server_unavailable: the server has as many streams open as it may.", body = motcua_core::ApiError)))]
async fn events(
    State(app): State<AppState>,
    client: Option<Extension<axum::extract::ConnectInfo<crate::access::guard::ClientAddr>>>,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, ApiFailure> {
    let Ok(Query(q)) = query else {
        return Err(bad_event_id());
    };
    let ip = client.map_or(std::net::IpAddr::from([0, 0, 0, 0]), |Extension(c)| {
        c.0 .0.ip()
    });
    let slot = match app.streams().take(ip) {
        Ok(slot) => slot,
        Err(e) => {
            let mut r = ApiFailure::from(e).into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            return Ok(r);
        }
    };
    // The header is what a browser's EventSource sends when it reconnects by itself, so it is
    // newer than the query string it first opened with.
    let after = match headers.get("last-event-id") {
        Some(v) => Some(parse_event_id(v.to_str().map_err(|_| bad_event_id())?)?),
        None => q.last_event_id.as_deref().map(parse_event_id).transpose()?,
    };
    let sse = super::events::stream(app, after, slot).await?;
    Ok((
        [(header::HeaderName::from_static("x-accel-buffering"), "no")],
        sse,
    )
        .into_response())
}

/// The spoken announcement of a `called` or `recalled` event: "Mời công dân có số A023 đến
/// quầy số 3", the number spelled digit by digit, by espeak-ng's Vietnamese voice, cached.
#[utoipa::path(get, path = "/api/v1/announcements/{file}", tag = "queue",
    params(("file" = String, Path, description = "`{event_id}.wav`, e.g. `17.wav`.")),
    responses(
    (status = 200, description = "16-bit mono PCM WAV.", content_type = "audio/wav", body = Vec<u8>),
    (status = 404, description = "not_found: no such event, or not a call.", body = motcua_core::ApiError),
    (status = 503, description = "voice_unavailable: espeak-ng is missing or failed; the board still shows the number.", body = motcua_core::ApiError)))]
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
pub fn router(state: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(list_services))
        .routes(routes!(issue_ticket))
        .routes(routes!(get_ticket))
        .routes(routes!(status_page))
        .routes(routes!(list_counters))
        .routes(routes!(call_next))
        .routes(routes!(recall))
        .routes(routes!(skip))
        .routes(routes!(transfer))
        .routes(routes!(complete))
        .routes(routes!(skipped))
        .routes(routes!(call_number))
        .routes(routes!(events))
        .routes(routes!(board))
        .routes(routes!(offline_ticket))
        // The router cannot match a suffix inside a segment; the handler takes `{event_id}.wav`.
        .routes(routes!(announcement))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_numbers_have_the_kiosks_shape() {
        for ok in ["A1-007", "B12-1234", "ABC9-999", "D99-000"] {
            assert!(is_offline_number(ok), "{ok}");
        }
        for bad in [
            "",
            "A1",
            "A1-",
            "-007",
            "1-007",
            "A-007",
            "A0-007",
            "A100-007",
            "A1-07",
            "A1-00007",
            "ABCD1-007",
            "a1-007",
            "A1-0x7",
            "A1-007-",
            "Đ1-007",
            "A1–007",
        ] {
            assert!(!is_offline_number(bad), "{bad}");
        }
    }

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
