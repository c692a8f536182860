//! The device status routes: thin handlers over [`Devices`].

use super::Devices;
use crate::access::Principal;
use crate::edge::{ApiFailure, ApiJson};
use axum::extract::State;
use axum::{Extension, Json};
use chrono::Utc;
use motcua_core::devices::{DeviceReport, DeviceStatus};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A device's whole current state (printer, sound). Kept in memory; a device silent for 10
/// minutes is dropped, so a device reports on every change and at least every few minutes.
/// A change of what the staff see is published at once on `/api/v1/events` as the SSE event
/// `device` (no `id:`) with the DeviceStatus as data. A device reports under its own enrolled
/// name and kind whatever the body says (a staff session may report for any device).
#[utoipa::path(post, path = "/api/v1/devices/status", tag = "devices",
    request_body(content = DeviceReport, description = "At most 64 KB."),
    responses(
    (status = 200, description = "Recorded: the device's status with its alert, if any.", body = DeviceStatus),
    (status = 400, description = "malformed_json or bad_request (device_id not 1–64 characters or with control characters, printer_detail over 200 characters, an unknown field or value). Nothing is recorded.", body = motcua_core::ApiError),
    (status = 413, description = "body_too_large.", body = motcua_core::ApiError)))]
async fn report(
    State(devices): State<Devices>,
    Extension(who): Extension<Principal>,
    ApiJson(mut body): ApiJson<DeviceReport>,
) -> Result<Json<DeviceStatus>, ApiFailure> {
    if let Principal::Device { device, .. } = &who {
        body.device_id.clone_from(&device.name);
        body.kind = device.kind;
    }
    Ok(Json(devices.report(body, Utc::now())?))
}

/// Every device heard from in the last 10 minutes, the latest report first, with its alert
/// (`alert_vi`, `alert_en`; `null` when all is well).
#[utoipa::path(get, path = "/api/v1/devices/status", tag = "devices", responses(
    (status = 200, description = "The devices' statuses.", body = Vec<DeviceStatus>)))]
async fn list(State(devices): State<Devices>) -> Json<Vec<DeviceStatus>> {
    Json(devices.list(Utc::now()))
}

/// The device status routes over `devices`.
pub fn router(devices: Devices) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(report, list))
        .with_state(devices)
}
