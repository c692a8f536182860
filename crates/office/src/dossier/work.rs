//! The back office's routes: the lists, one dossier's actions, its official forms and its
//! attachments. Staff only (the guard's rule), one-stop officers only (counter staff and
//! managers, [`super::http::dossier_officer`]); each handler parses, calls one service
//! function and shapes its error here.

use super::http::{dossier_officer, store_error, DossierState};
use crate::access::guard::Principal;
use crate::edge::ApiFailure;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Utc;
use motcua_core::dossier::is_dossier_code;
use motcua_core::life::{Action, DossierView, FormId};
use motcua_core::{ApiError, ErrorCode};
use serde::Deserialize;

fn filing(app: &DossierState) -> Result<std::sync::Arc<super::Filing>, ApiError> {
    app.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::FilingDisabled,
            "Máy chủ này chưa bật tiếp nhận hồ sơ.",
            "Dossiers are not enabled on this server.",
        )
    })
}

fn not_found() -> ApiError {
    ApiError::not_found("hồ sơ", "dossier")
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, super::store::DossierStoreError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(store_error)
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `?view=&q=&limit=&offset=`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    #[serde(default)]
    view: DossierView,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    offset: Option<u32>,
}

/// `GET /api/v1/dossiers`: the back office's lists.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers",
    params(
        ("view" = Option<DossierView>, Query, description = "open (default: not closed), submitted (to accept), in_progress, due_soon (the clock runs and the appointment is today or within the next two working days), overdue, awaiting_supplement, awaiting_fee, result_ready (to return), closed, all."),
        ("q" = Option<String>, Query, description = "Part of the dossier code or the procedure code."),
        ("limit" = Option<u32>, Query, description = "Page size, 1–200 (50)."),
        ("offset" = Option<u32>, Query, description = "Skip this many.")),
    responses(
        (status = 200, description = "The page, soonest due first (closed and all: latest first), and the count of every view.", body = motcua_core::life::DossierList),
        (status = 400, description = "bad_request: an unknown view or parameter.", body = ApiError),
        (status = 401, description = "unauthorized: no staff session.", body = ApiError),
        (status = 403, description = "forbidden: a device, or the IT admin role.", body = ApiError)))]
pub async fn list_dossiers(
    State(app): State<DossierState>,
    who: Option<Extension<Principal>>,
    q: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, ApiFailure> {
    dossier_officer(who.as_ref().map(|Extension(p)| p))?;
    let Query(q) = q.map_err(|e| {
        ApiError::new(
            ErrorCode::BadRequest,
            format!("Tham số không hợp lệ: {}", e.body_text()),
            format!("Bad parameters: {}", e.body_text()),
        )
    })?;
    let filing = filing(&app)?;
    let list = blocking(move || {
        filing.list(
            q.view,
            q.q,
            q.limit.unwrap_or(50),
            q.offset.unwrap_or(0),
            Utc::now(),
        )
    })
    .await?;
    Ok(no_store(Json(list).into_response()))
}

/// `POST /api/v1/dossiers/{code}/actions`: one step of the dossier's life.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/actions", tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code.")),
    request_body(content = Action, description = "`{\"action\": …}`: `accept` (an online dossier checked and accepted: Mẫu 01, the processing time counts from now), `process`, `request_supplement` (`items`: `[{\"document\", \"problem\", \"legal_basis\"}]`, `note`; once only: Mẫu 02, the clock stops), `supplement_received` (the clock runs again with the working days that were left), `refuse` (`reasons`: Mẫu 03), `extend` (`new_due_date`, a working day after the present one, and `reason`: the apology letter Mẫu 04; managers), `stop` (`reason`: Mẫu 05; managers), `result_ready` (awaiting_fee when a fee is unpaid), `return` (`method`: `counter` or `post` with `postal_tracking`), `withdraw` (`note`). Notes and reasons at most 1,000 characters."),
    responses(
        (status = 200, description = "Done: the Dossier with its `history` in order (the last entry is this step).", body = motcua_core::dossier::Dossier),
        (status = 400, description = "bad_request: an unknown action or field, a missing or empty required field (the message names it), a new date that is not a working day after the present one. Nothing changed.", body = ApiError),
        (status = 401, description = "unauthorized: no staff session.", body = ApiError),
        (status = 403, description = "forbidden: a device, the IT admin role, or counter staff for `extend` and `stop` (managers). Nothing changed.", body = ApiError),
        (status = 404, description = "not_found.", body = ApiError),
        (status = 409, description = "supplement_already_requested (the rules allow one request), dossier_closed (returned, refused, stopped or withdrawn), action_not_allowed (not in the dossier's present state). Nothing changed.", body = ApiError)))]
pub async fn post_action(
    State(app): State<DossierState>,
    who: Option<Extension<Principal>>,
    code: Result<Path<String>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Response, ApiFailure> {
    let who = who.map(|Extension(p)| p);
    let staff = dossier_officer(who.as_ref())?;
    let actor = who
        .as_ref()
        .and_then(|p| p.actor())
        .ok_or_else(crate::access::guard::unauthorized)?;
    let filing = filing(&app)?;
    let code = code.map(|Path(c)| c).unwrap_or_default();
    if !is_dossier_code(&code) {
        return Err(not_found().into());
    }
    let Json(value) = body.map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedJson,
            format!("Nội dung không phải JSON hợp lệ: {}", e.body_text()),
            format!("The body is not valid JSON: {}", e.body_text()),
        )
    })?;
    let action: Action = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        ApiError::new(
            ErrorCode::BadRequest,
            format!(
                "Thao tác không hợp lệ ({path}): {inner}. Các thao tác: accept, process, \
                 request_supplement, supplement_received, refuse, extend, stop, result_ready, \
                 return, withdraw."
            ),
            format!(
                "Not a valid action ({path}): {inner}. The actions: accept, process, \
                 request_supplement, supplement_received, refuse, extend, stop, result_ready, \
                 return, withdraw."
            ),
        )
    })?;
    let done = blocking(move || filing.act(&code, action, &staff, &actor, Utc::now())).await?;
    let dossier = done.ok_or_else(not_found)?;
    Ok(no_store(Json(dossier).into_response()))
}

/// `?entry=` (which step's form, by its `seq`; default the latest that issued it).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FormParams {
    #[serde(default)]
    entry: Option<u32>,
}

/// `GET /api/v1/dossiers/{code}/forms/{form}`: an official form of the dossier, A4 PDF.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/forms/{form}", tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code."),
        ("form" = String, Path, description = "`mau-01` (the receipt, once accepted), `mau-02` (supplement request), `mau-03` (refusal), `mau-04` (apology and new date), `mau-05` (processing stopped)."),
        ("entry" = Option<u32>, Query, description = "The history entry (`seq`) whose form to print; default the latest that issued this form.")),
    responses(
        (status = 200, description = "The form as A4 PDF, in the form set's version it was issued in (`history[].form_version`).", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "unauthorized.", body = ApiError),
        (status = 403, description = "forbidden: a device or the IT admin role.", body = ApiError),
        (status = 404, description = "not_found, or form_not_available: no such form, or the dossier has no step that issued it.", body = ApiError)))]
pub async fn get_form(
    State(app): State<DossierState>,
    who: Option<Extension<Principal>>,
    path: Result<Path<(String, String)>, PathRejection>,
    q: Result<Query<FormParams>, QueryRejection>,
) -> Result<Response, ApiFailure> {
    dossier_officer(who.as_ref().map(|Extension(p)| p))?;
    let filing = filing(&app)?;
    let (code, form) = path.map(|Path(p)| p).unwrap_or_default();
    let form = FormId::parse(&form).ok_or_else(super::forms::not_available)?;
    if !is_dossier_code(&code) {
        return Err(not_found().into());
    }
    let entry = q.ok().and_then(|Query(q)| q.entry);
    let pdf = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let (d, _) = filing
            .get_at(&code, Utc::now())
            .map_err(store_error)?
            .ok_or_else(not_found)?;
        super::forms::render(&d, form, entry, filing.form_set())
    })
    .await
    .map_err(|_| ApiError::internal())??;
    Ok(no_store(
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/pdf"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("inline"),
                ),
            ],
            pdf,
        )
            .into_response(),
    ))
}

/// `GET /api/v1/dossiers/{code}/attachments/{position}`: a scanned or uploaded document.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/attachments/{position}", tag = "dossiers",
    params(("code" = String, Path, description = "Dossier code."),
        ("position" = u32, Path, description = "The document's place in `documents` (from 0).")),
    responses(
        (status = 200, description = "The file as stored, with its media type (PDF, JPEG or PNG).", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "unauthorized.", body = ApiError),
        (status = 403, description = "forbidden.", body = ApiError),
        (status = 404, description = "not_found: no such dossier or no file there.", body = ApiError)))]
pub async fn get_attachment(
    State(app): State<DossierState>,
    who: Option<Extension<Principal>>,
    path: Result<Path<(String, u32)>, PathRejection>,
) -> Result<Response, ApiFailure> {
    dossier_officer(who.as_ref().map(|Extension(p)| p))?;
    let filing = filing(&app)?;
    let (code, position) = path.map_err(|_| not_found())?.0;
    if !is_dossier_code(&code) {
        return Err(not_found().into());
    }
    let found = blocking(move || filing.store().attachment(&code, position)).await?;
    let (bytes, media_type) = found.ok_or_else(|| ApiError::not_found("tệp", "file"))?;
    let media = HeaderValue::from_str(&media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    Ok(no_store(
        (
            [
                (header::CONTENT_TYPE, media),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("inline"),
                ),
                (
                    header::HeaderName::from_static("x-content-type-options"),
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            bytes,
        )
            .into_response(),
    ))
}

/// The back office's routes over `filing`.
pub fn router(filing: DossierState) -> utoipa_axum::router::OpenApiRouter {
    use utoipa_axum::{router::OpenApiRouter, routes};
    OpenApiRouter::new()
        .routes(routes!(list_dossiers))
        .routes(routes!(post_action))
        .routes(routes!(get_form))
        .routes(routes!(get_attachment))
        .with_state(filing)
}
