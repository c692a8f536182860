//! The OpenAPI 3.1 document of the office API, served at `/api/v1/openapi.json`. Generated:
//! each handler carries its `#[utoipa::path]` (method, path, parameters, answers) and each wire
//! type its `ToSchema` (the same Rust types the handlers serialize); [`crate::app`] collects
//! them while it merges the domains' routers, so a route is documented by being registered.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::{Arc, OnceLock};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// What every part of the document shares: the title, and what the API promises.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Một Cửa office API",
        description = "Queue numbers, the procedure catalog, online filing and citizen sign-in for a \
            Vietnamese one-stop government office. Every error is an ApiError with a Vietnamese and an \
            English message. Times are RFC 3339 in Vietnamese local time (+07:00); numbers restart at \
            local midnight. On every route: a Host that is not an IP address, localhost or a configured \
            name is 421 host_not_allowed; a POST or DELETE from a browser page of another origin is 403 \
            origin_not_allowed; one whose body is not Content-Type: application/json (no body is fine) \
            is 415 unsupported_media_type."
    ),
    components(schemas(motcua_core::ApiError, motcua_core::ErrorCode, motcua_core::Priority)),
    tags(
        (name = "queue", description = "Services, tickets, counters, the board, events, announcements."),
        (name = "catalog", description = "The procedure catalog and the kiosks' deltas."),
        (name = "dossiers", description = "Online filing, receipts, tracking."),
        (name = "identity", description = "Citizen sign-in with VNeID (OpenID Connect device flow)."),
        (name = "pages", description = "The counter page and the TV board."),
        (name = "devices", description = "Printer and sound status of the kiosks and boards, for the staff."),
    )
)]
pub struct ApiDoc;

/// The document, once [`crate::app::assemble`] has collected every route.
pub type Document = Arc<OnceLock<String>>;

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "queue", responses(
    (status = 200, description = "OpenAPI 3.1 document.", body = Object)))]
async fn openapi_json(State(doc): State<Document>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.get().cloned().unwrap_or_default(),
    )
}

/// `GET /api/v1/openapi.json` over `doc`.
pub fn router(doc: Document) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .with_state(doc)
}
