//! The procedure catalog over HTTP (docs/CATALOG.md): search, a procedure's full record with the
//! queue service its field maps to and its public page for the QR code, fields with counts, and
//! versioned deltas for the kiosks' offline caches.
//!
//! The catalog lives in the office database (tables `catalog_*`, [`motcua_catalog`]) behind its
//! own connection; requests run it off the async runtime. With demo seeding on, an empty
//! catalog is filled from the seed catalog built into the binary (commune and province
//! procedures, `data/seed-catalog.jsonl.gz`) on the first catalog request, so servers that never
//! use the catalog (a queue-only office, the queue tests) never pay for it.

use crate::edge::ApiFailure;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use motcua_catalog::{Catalog, CatalogError, Procedure, SearchRequest, LEVELS};
use motcua_core::text::fold;
use motcua_core::{ApiError, ErrorCode};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The seed catalog of the embedded demo: the commune and province procedures of the national
/// database, written by `motcua catalog export --levels commune,province`.
pub static SEED_CATALOG: &[u8] = include_bytes!("../../../../data/seed-catalog.jsonl.gz");

/// Where the portal shows a procedure when the record has no `source_url`.
pub const PORTAL_PROCEDURE_URL: &str =
    "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=";

/// Catalog settings of the office.
#[derive(Debug, Clone)]
pub struct CatalogConfig {
    /// Levels the office serves: their procedures rank first (default commune, province).
    pub own_levels: Vec<String>,
    /// Field (lĩnh vực) → queue service, checked in order: an entry applies when the folded
    /// field contains the folded key ("Hộ tịch" matches "ho tich"). See
    /// [`default_field_services`].
    pub field_services: Vec<(String, String)>,
}

impl Default for CatalogConfig {
    fn default() -> Self {
        CatalogConfig {
            own_levels: vec!["commune".into(), "province".into()],
            field_services: default_field_services(),
        }
    }
}

/// The demo services' map (crates/office/src/store/seed.rs): civil status and certification,
/// land and construction, business, labour and social affairs.
pub fn default_field_services() -> Vec<(String, String)> {
    [
        ("hộ tịch", "ho-tich"),
        ("chứng thực", "ho-tich"),
        ("nuôi con nuôi", "ho-tich"),
        ("quốc tịch", "ho-tich"),
        ("hòa giải", "ho-tich"),
        ("tư pháp", "ho-tich"),
        ("đất đai", "dat-dai"),
        ("xây dựng", "dat-dai"),
        ("nhà ở", "dat-dai"),
        ("quy hoạch", "dat-dai"),
        ("môi trường", "dat-dai"),
        ("kinh doanh", "kinh-doanh"),
        ("hợp tác xã", "kinh-doanh"),
        ("doanh nghiệp", "kinh-doanh"),
        ("thuế", "kinh-doanh"),
        ("lao động", "lao-dong"),
        ("việc làm", "lao-dong"),
        ("người có công", "lao-dong"),
        ("bảo trợ xã hội", "lao-dong"),
        ("trẻ em", "lao-dong"),
        ("giảm nghèo", "lao-dong"),
        ("bảo hiểm", "lao-dong"),
    ]
    .into_iter()
    .map(|(f, s)| (f.to_string(), s.to_string()))
    .collect()
}

impl CatalogConfig {
    /// The queue service for `field`, if the map has one.
    pub fn service_for(&self, field: &str) -> Option<&str> {
        let f = fold(field);
        self.field_services
            .iter()
            .find(|(key, _)| f.contains(&fold(key)))
            .map(|(_, s)| s.as_str())
    }
}

struct Inner {
    conn: Connection,
    /// The seed to load into an empty catalog on first use (taken once).
    seed: Option<&'static [u8]>,
}

/// Shared state of the catalog routes.
#[derive(Clone)]
pub struct CatalogState {
    inner: Arc<Mutex<Inner>>,
    cfg: Arc<CatalogConfig>,
}

impl CatalogState {
    /// Opens the catalog in the database file `db` (tables created if missing). With `seed`,
    /// an empty catalog is filled from [`SEED_CATALOG`] on first use.
    pub fn open(db: &FsPath, cfg: CatalogConfig, seed: bool) -> Result<CatalogState, String> {
        let conn = Connection::open(db).map_err(|e| e.to_string())?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| e.to_string())?;
        Catalog::new(&conn).map_err(|e| e.to_string())?;
        Ok(CatalogState {
            inner: Arc::new(Mutex::new(Inner {
                conn,
                seed: seed.then_some(SEED_CATALOG),
            })),
            cfg: Arc::new(cfg),
        })
    }

    /// Runs `f` on the catalog off the runtime (seeding it first if due).
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Catalog, &CatalogConfig) -> Result<T, CatalogError> + Send + 'static,
    ) -> Result<T, ApiFailure> {
        let inner = self.inner.clone();
        let cfg = self.cfg.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = inner.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(seed) = guard.seed.take() {
                let cat = Catalog::new(&guard.conn)?;
                if cat.is_empty()? {
                    let r = cat.import_reader(seed, &Default::default())?;
                    tracing::info!(added = r.added, "seeded the demo procedure catalog");
                }
            }
            let cat = Catalog::new(&guard.conn)?;
            f(&cat, &cfg)
        })
        .await
        .map_err(|_| ApiFailure::from(ApiError::internal()))?
        .map_err(|e| {
            tracing::error!(error = %e, "catalog failure");
            ApiFailure::from(ApiError::internal())
        })
    }
}

impl CatalogState {
    /// One procedure, blocking (seeding the catalog first if due): for the filing service.
    pub fn get_blocking(&self, code: &str) -> Option<motcua_core::catalog::Procedure> {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(seed) = guard.seed.take() {
            let cat = Catalog::new(&guard.conn).ok()?;
            if cat.is_empty().ok()? {
                cat.import_reader(seed, &Default::default()).ok()?;
            }
        }
        Catalog::new(&guard.conn).ok()?.get(code).ok().flatten()
    }
}

/// Every (method, path) these routes serve, for the OpenAPI check.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/procedures"),
    ("get", "/api/v1/procedures/{code}"),
    ("get", "/api/v1/procedure-fields"),
    ("get", "/api/v1/catalog/changes"),
];

/// The catalog routes over `state`, to merge into the office router.
pub fn router(state: CatalogState) -> Router {
    Router::new()
        .route("/api/v1/procedures", get(search))
        .route("/api/v1/procedures/{code}", get(procedure))
        .route("/api/v1/procedure-fields", get(fields))
        .route("/api/v1/catalog/changes", get(changes))
        .with_state(state)
}

fn bad(vi: String, en: String) -> ApiFailure {
    ApiError::new(ErrorCode::BadRequest, vi, en).into()
}

/// Refuses parameters other than `allowed` (a typo would silently widen a search).
fn only(params: &HashMap<String, String>, allowed: &[&str]) -> Result<(), ApiFailure> {
    for k in params.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(bad(
                format!(
                    "Tham số “{k}” không hợp lệ; các tham số hợp lệ: {}.",
                    allowed.join(", ")
                ),
                format!(
                    "Unknown parameter “{k}”; the valid ones are: {}.",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn parse_level(v: Option<&String>) -> Result<Option<String>, ApiFailure> {
    match v.map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some(l) if LEVELS.contains(&l) => Ok(Some(l.to_string())),
        Some(l) => Err(bad(
            format!(
                "Cấp thực hiện “{l}” không hợp lệ; chọn một trong: {}.",
                LEVELS.join(", ")
            ),
            format!("Unknown level “{l}”; use one of: {}.", LEVELS.join(", ")),
        )),
    }
}

fn parse_online(v: Option<&String>) -> Result<Option<bool>, ApiFailure> {
    match v.map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(o) => Err(bad(
            format!("Tham số online “{o}” không hợp lệ; dùng true hoặc false."),
            format!("online must be true or false, not “{o}”."),
        )),
    }
}

fn parse_uint(name: &str, v: Option<&String>, max: u64) -> Result<Option<u64>, ApiFailure> {
    match v.map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some(s) => match s.parse::<u64>() {
            Ok(n) if n <= max => Ok(Some(n)),
            _ => Err(bad(
                format!("Tham số {name} “{s}” không hợp lệ; cần một số nguyên từ 0 đến {max}."),
                format!("{name} must be a whole number from 0 to {max}, not “{s}”."),
            )),
        },
    }
}

/// `Query<HashMap>` whose rejection is bilingual.
fn params(
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Result<HashMap<String, String>, ApiFailure> {
    q.map(|Query(m)| m).map_err(|_| {
        bad(
            "Không đọc được tham số truy vấn.".into(),
            "The query string could not be read.".into(),
        )
    })
}

/// Search results with the catalog version they come from.
#[derive(Serialize)]
struct SearchResponse {
    catalog_version: u64,
    hits: Vec<motcua_catalog::Hit>,
}

async fn search(
    State(st): State<CatalogState>,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SearchResponse>, ApiFailure> {
    let p = params(q)?;
    only(&p, &["q", "level", "field", "online", "limit"])?;
    let text = p.get("q").cloned().unwrap_or_default();
    if text.chars().count() > 200 {
        return Err(bad(
            "Nội dung tìm kiếm quá dài (tối đa 200 ký tự).".into(),
            "The search text is too long (200 characters at most).".into(),
        ));
    }
    let level = parse_level(p.get("level"))?;
    let online = parse_online(p.get("online"))?;
    let limit = parse_uint("limit", p.get("limit"), 100)?.unwrap_or(20) as usize;
    if limit == 0 {
        return Err(bad(
            "Tham số limit phải từ 1 đến 100.".into(),
            "limit must be from 1 to 100.".into(),
        ));
    }
    let field = p
        .get("field")
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty());
    let out = st
        .with(move |cat, cfg| {
            let hits = cat.search(&SearchRequest {
                q: text,
                level,
                field,
                online,
                limit,
                own_levels: cfg.own_levels.clone(),
            })?;
            Ok(SearchResponse {
                catalog_version: cat.version()?,
                hits,
            })
        })
        .await?;
    Ok(Json(out))
}

/// A procedure's full record with what the kiosk's page needs.
#[derive(Serialize)]
struct ProcedurePage {
    #[serde(flatten)]
    procedure: Procedure,
    has_online: bool,
    /// The queue service its field maps to ("Lấy số cho thủ tục này"), if any.
    service_id: Option<String>,
    /// The procedure's public page, for the QR code.
    public_url: String,
}

async fn procedure(
    State(st): State<CatalogState>,
    Path(code): Path<String>,
) -> Result<Json<ProcedurePage>, ApiFailure> {
    let code = code.trim().to_string();
    if code.is_empty() || code.len() > 16 || !code.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad(
            format!("Mã thủ tục “{code}” không hợp lệ (dạng 1.001193)."),
            format!("“{code}” is not a procedure code (like 1.001193)."),
        ));
    }
    let c = code.clone();
    let found = st
        .with(move |cat, cfg| {
            Ok(cat.get(&c)?.map(|p| {
                let service_id = cfg.service_for(&p.field).map(str::to_string);
                let public_url = p
                    .source_url
                    .clone()
                    .unwrap_or_else(|| format!("{PORTAL_PROCEDURE_URL}{}", p.code));
                ProcedurePage {
                    has_online: p.has_online(),
                    procedure: p,
                    service_id,
                    public_url,
                }
            }))
        })
        .await?;
    found.map(Json).ok_or_else(|| {
        ApiError::not_found(
            &format!("thủ tục có mã “{code}”"),
            &format!("Procedure “{code}”"),
        )
        .into()
    })
}

async fn fields(
    State(st): State<CatalogState>,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<motcua_catalog::FieldCount>>, ApiFailure> {
    let p = params(q)?;
    only(&p, &["level"])?;
    let level = parse_level(p.get("level"))?;
    Ok(Json(
        st.with(move |cat, _| cat.fields(level.as_deref())).await?,
    ))
}

/// `ETag` of a delta: the catalog version it brings the client to.
fn etag(version: u64) -> String {
    format!("\"catalog-{version}\"")
}

async fn changes(
    State(st): State<CatalogState>,
    headers: HeaderMap,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiFailure> {
    let p = params(q)?;
    only(&p, &["since"])?;
    let since = parse_uint("since", p.get("since"), i64::MAX as u64)?.unwrap_or(0);
    let version = st.with(|cat, _| cat.version()).await?;
    let tag = etag(version);
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == tag
        });
    let tag_value = HeaderValue::from_str(&tag).expect("ASCII etag");
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag_value)]).into_response());
    }
    let delta = st.with(move |cat, _| cat.changes_since(since)).await?;
    // The delta may be newer than the version read above: tag what is sent.
    let tag_value = HeaderValue::from_str(&etag(delta.version)).expect("ASCII etag");
    Ok((
        [
            (header::ETAG, tag_value),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Json(delta),
    )
        .into_response())
}

/// The catalog's part of the OpenAPI document: paths and schemas added to `doc`.
pub fn extend_openapi(doc: &mut Value) {
    let err = |d: &str| json!({ "description": d, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } } });
    let ok = |schema: Value, d: &str| json!({ "description": d, "content": { "application/json": { "schema": schema } } });
    let r = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let level = json!({ "name": "level", "in": "query", "required": false,
        "description": "Only procedures served at this level.",
        "schema": { "type": "string", "enum": LEVELS } });
    let paths = json!({
        "/api/v1/procedures": { "get": {
            "operationId": "searchProcedures",
            "summary": "Search the procedure catalog (accent-, case- and typo-insensitive; prefix while typing; raw Telex/VNI; codes)",
            "parameters": [
                { "name": "q", "in": "query", "required": false, "description": "What the citizen typed (≤ 200 characters). Empty: browse by the filters.", "schema": { "type": "string", "maxLength": 200 } },
                level,
                { "name": "field", "in": "query", "required": false, "description": "Only this field (lĩnh vực), accent- and case-insensitive.", "schema": { "type": "string" } },
                { "name": "online", "in": "query", "required": false, "description": "Only procedures with (true) or without (false) an online channel.", "schema": { "type": "boolean" } },
                { "name": "limit", "in": "query", "required": false, "description": "Most results (1–100, default 20).", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } }
            ],
            "responses": {
                "200": ok(r("ProcedureSearch"), "Ranked results, best first."),
                "400": err("bad_request: unknown parameter, bad level, online or limit, q too long.")
            }
        } },
        "/api/v1/procedures/{code}": { "get": {
            "operationId": "getProcedure",
            "summary": "A procedure's full record, its queue service and public page",
            "parameters": [ { "name": "code", "in": "path", "required": true, "description": "Mã thủ tục, e.g. 1.001193.", "schema": { "type": "string", "pattern": "^[0-9.]{1,16}$" } } ],
            "responses": {
                "200": ok(r("ProcedurePage"), "The record."),
                "400": err("bad_request: not a procedure code."),
                "404": err("not_found: no such procedure.")
            }
        } },
        "/api/v1/procedure-fields": { "get": {
            "operationId": "listProcedureFields",
            "summary": "Fields (lĩnh vực) with their procedure counts, largest first",
            "parameters": [ level ],
            "responses": {
                "200": ok(json!({ "type": "array", "items": r("FieldCount") }), "Fields."),
                "400": err("bad_request: unknown parameter or level.")
            }
        } },
        "/api/v1/catalog/changes": { "get": {
            "operationId": "catalogChanges",
            "summary": "What changed in the catalog after a version (the kiosks' offline cache)",
            "description": "Send If-None-Match with the last ETag: 304 when the catalog is still at that version. since=0 gives the whole catalog.",
            "parameters": [
                { "name": "since", "in": "query", "required": false, "description": "The catalog version the client has (default 0).", "schema": { "type": "integer", "minimum": 0 } },
                { "name": "If-None-Match", "in": "header", "required": false, "schema": { "type": "string" } }
            ],
            "responses": {
                "200": ok(r("CatalogChanges"), "The delta; ETag names the version it brings the client to."),
                "304": { "description": "The catalog is still at the version the ETag names." },
                "400": err("bad_request: since is not a whole number.")
            }
        } }
    });
    let str_ = json!({ "type": "string" });
    let schemas = json!({
        "ProcedureHit": { "type": "object", "required": ["code", "name", "field", "levels", "has_online", "score"],
            "properties": { "code": str_, "name": str_, "field": str_,
                "levels": { "type": "array", "items": { "type": "string", "enum": LEVELS } },
                "has_online": { "type": "boolean" }, "score": { "type": "number" } } },
        "ProcedureSearch": { "type": "object", "required": ["catalog_version", "hits"],
            "properties": { "catalog_version": { "type": "integer" },
                "hits": { "type": "array", "items": r("ProcedureHit") } } },
        "FieldCount": { "type": "object", "required": ["field", "count"],
            "properties": { "field": str_, "count": { "type": "integer" } } },
        "Procedure": { "type": "object", "description": "One line of the import format (docs/CATALOG.md).",
            "required": ["code", "name", "levels", "field"],
            "properties": {
                "code": str_, "name": str_, "levels": { "type": "array", "items": { "type": "string" } },
                "field": str_, "agency": str_, "competent_authority": str_, "audience": str_,
                "decision": str_, "kind": str_,
                "channels": { "type": "array", "items": { "type": "object", "properties": {
                    "channel": { "type": "string", "enum": ["online", "in_person", "postal"] },
                    "duration": { "type": ["object", "null"], "properties": { "value": { "type": "number" }, "unit": str_ } },
                    "fee_vnd": { "type": ["integer", "null"] }, "fee_text": str_ } } },
                "documents": { "type": "array", "items": { "type": "object", "properties": {
                    "name": str_, "template": { "type": ["string", "null"] },
                    "originals": { "type": "integer" }, "copies": { "type": "integer" } } } },
                "results": { "type": "array", "items": { "type": "object", "properties": {
                    "name": str_, "code": { "type": ["string", "null"] } } } },
                "steps": str_, "requirements": str_, "legal_basis": str_,
                "source_url": { "type": ["string", "null"] },
                "flags": { "type": "array", "items": str_, "description": "Noise the importer found or repaired." }
            } },
        "ProcedurePage": { "allOf": [ r("Procedure"), { "type": "object",
            "required": ["has_online", "service_id", "public_url"],
            "properties": { "has_online": { "type": "boolean" },
                "service_id": { "type": ["string", "null"], "description": "Queue service its field maps to." },
                "public_url": { "type": "string", "description": "Public page for the QR: source_url, else the national portal's page for the code." } } } ] },
        "CatalogChanges": { "type": "object", "required": ["since", "version", "upserts", "deleted"],
            "properties": { "since": { "type": "integer" }, "version": { "type": "integer" },
                "upserts": { "type": "array", "items": r("Procedure") },
                "deleted": { "type": "array", "items": str_ } } }
    });
    if let (Some(p), Some(add)) = (doc["paths"].as_object_mut(), paths.as_object()) {
        p.extend(add.clone());
    }
    if let (Some(s), Some(add)) = (
        doc["components"]["schemas"].as_object_mut(),
        schemas.as_object(),
    ) {
        s.extend(add.clone());
    }
}
