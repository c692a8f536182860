//! The procedure catalog over HTTP (docs/CATALOG.md): search, a procedure's full record with the
//! queue service its field maps to and its public page for the QR code, fields with counts, and
//! versioned deltas for the kiosks' offline caches.
//!
//! The catalog lives in the office database (tables `catalog_*`, [`motcua_catalog`]) on its
//! own read connections: a pool for searches and another for look-ups (a procedure's page,
//! the fields, the deltas, and the filing service's procedure facts), so that no search, however
//! slow, makes a look-up or a filing wait. Long searches (more than [`LONG_QUERY_WORDS`] words)
//! run at most [`LONG_SEARCHES_AT_ONCE`] at a time and the others wait for their turn without
//! holding a connection: the short searches citizens type keep connections of their own.
//! Requests run the catalog off the async runtime. With demo seeding on, an empty
//! catalog is filled from the seed catalog built into the binary (commune and province
//! procedures, `data/seed-catalog.jsonl.gz`) on the first catalog request, so servers that never
//! use the catalog (a queue-only office, the queue tests) never pay for it.

use crate::edge::ApiFailure;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::db::{open_writer, Readers};
use axum::Json;
use motcua_catalog::{Catalog, CatalogError, OfficeScope, SearchRequest, LEVELS};
use motcua_core::catalog::{ProcedurePage, SearchPage};
use motcua_core::text::fold;
use motcua_core::{ApiError, ErrorCode};
use rusqlite::Connection;
use utoipa_axum::{router::OpenApiRouter, routes};

use std::collections::HashMap;
use std::path::Path as FsPath;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Read connections for searches.
pub const SEARCH_READERS: usize = 4;
/// Read connections for look-ups: a procedure's record (its page, filing), the fields, the
/// catalog's version and deltas. No search runs on them.
pub const LOOKUP_READERS: usize = 2;
/// A search of more words than this is a long one ([`LONG_SEARCHES_AT_ONCE`]).
pub const LONG_QUERY_WORDS: usize = 4;
/// Long searches that run at once; more wait for their turn (on no connection), so that at
/// least `SEARCH_READERS - LONG_SEARCHES_AT_ONCE` search connections stay for short ones.
pub const LONG_SEARCHES_AT_ONCE: usize = 2;

/// The seed catalog of the embedded demo: the commune and province procedures of the national
/// database, written by `motcua catalog export --levels commune,province`.
pub static SEED_CATALOG: &[u8] = include_bytes!("../../../../data/seed-catalog.jsonl.gz");

/// Catalog settings of the office.
#[derive(Debug, Clone)]
pub struct CatalogConfig {
    /// Levels the office serves: their procedures rank first in a search (default commune,
    /// province).
    pub own_levels: Vec<String>,
    /// The office's level, its field order and the fields other agencies handle: what
    /// browsing by field shows (`GET /api/v1/procedure-fields`, a field's procedures) and the
    /// "handled at" note of a search's other procedures. Default: a commune office.
    pub scope: OfficeScope,
    /// Field (lĩnh vực) → queue service, checked in order: an entry applies when the folded
    /// field contains the folded key ("Hộ tịch" matches "ho tich"). See
    /// [`default_field_services`].
    pub field_services: Vec<(String, String)>,
}

impl Default for CatalogConfig {
    fn default() -> Self {
        CatalogConfig {
            own_levels: vec!["commune".into(), "province".into()],
            scope: OfficeScope::default(),
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

/// The catalog side of the office database, as the routes and the filing service see it.
pub trait CatalogStore: Send + Sync {
    /// The catalog version (0 when empty).
    fn version(&self) -> Result<u64, CatalogError>;
    /// Ranked results.
    fn search(&self, req: &SearchRequest) -> Result<Vec<motcua_core::catalog::Hit>, CatalogError>;
    /// Ranked results with the version they come from (read together).
    fn search_page(&self, req: &SearchRequest) -> Result<SearchPage, CatalogError> {
        Ok(SearchPage {
            hits: self.search(req)?,
            catalog_version: self.version()?,
        })
    }
    /// One procedure.
    fn get(&self, code: &str) -> Result<Option<motcua_core::catalog::Procedure>, CatalogError>;
    /// Fields with their counts, of one level or all.
    fn fields(
        &self,
        level: Option<&str>,
    ) -> Result<Vec<motcua_core::catalog::FieldCount>, CatalogError>;
    /// The fields an office browses, in its order ([`Catalog::office_fields`]).
    fn office_fields(
        &self,
        scope: &OfficeScope,
    ) -> Result<Vec<motcua_core::catalog::FieldCount>, CatalogError>;
    /// What changed after `since`.
    fn changes_since(
        &self,
        since: u64,
    ) -> Result<motcua_core::catalog::CatalogChanges, CatalogError>;
}

/// [`CatalogStore`] on the office database: a writer (the demo seed, imports), a pool of
/// readers for searches and another for look-ups, so that searches run side by side and
/// neither a look-up nor filing ever waits behind a search.
pub struct SqliteCatalog {
    writer: Mutex<Connection>,
    searches: Readers,
    lookups: Readers,
    /// The seed to load into an empty catalog on first use (taken once).
    seed: Mutex<Option<&'static [u8]>>,
    /// Set once the seed is loaded (or there is none): reads then skip the seed's lock.
    seeded: AtomicBool,
}

impl SqliteCatalog {
    /// Opens the catalog in the database file `db` (tables created if missing). With `seed`,
    /// an empty catalog is filled from [`SEED_CATALOG`] on first use.
    pub fn open(db: &FsPath, seed: bool) -> Result<SqliteCatalog, CatalogError> {
        let conn = open_writer(db)?;
        Catalog::new(&conn)?;
        Ok(SqliteCatalog {
            writer: Mutex::new(conn),
            searches: Readers::open(db, SEARCH_READERS)?,
            lookups: Readers::open(db, LOOKUP_READERS)?,
            seed: Mutex::new(seed.then_some(SEED_CATALOG)),
            seeded: AtomicBool::new(!seed),
        })
    }

    /// Runs `f` on a reader of `pool`, seeding the catalog first if due.
    fn read<T>(
        &self,
        pool: &Readers,
        f: impl FnOnce(&Catalog) -> Result<T, CatalogError>,
    ) -> Result<T, CatalogError> {
        if !self.seeded.load(Ordering::Acquire) {
            // Held while seeding: a reader that comes meanwhile waits for the seed instead of
            // reading an empty catalog.
            let mut due = self.seed.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(seed) = *due {
                let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
                let cat = Catalog::new(&conn)?;
                // Version 0: never imported, or a seed cut short (it completes now).
                if cat.version()? == 0 {
                    // In small transactions: tickets and dossiers share the database file
                    // and must not wait seconds for the seed.
                    let opts = motcua_catalog::ImportOptions {
                        commit_every: Some(50),
                        ..Default::default()
                    };
                    let r = cat.import_reader(seed, &opts)?;
                    tracing::info!(added = r.added, "seeded the demo procedure catalog");
                }
                *due = None;
            }
            self.seeded.store(true, Ordering::Release);
        }
        pool.read(|conn| f(&Catalog::new(conn)?))
    }

    fn lookup<T>(
        &self,
        f: impl FnOnce(&Catalog) -> Result<T, CatalogError>,
    ) -> Result<T, CatalogError> {
        self.read(&self.lookups, f)
    }
}

impl CatalogStore for SqliteCatalog {
    fn version(&self) -> Result<u64, CatalogError> {
        self.lookup(|c| c.version())
    }
    fn search(&self, req: &SearchRequest) -> Result<Vec<motcua_core::catalog::Hit>, CatalogError> {
        self.read(&self.searches, |c| c.search(req))
    }
    fn search_page(&self, req: &SearchRequest) -> Result<SearchPage, CatalogError> {
        self.read(&self.searches, |c| {
            Ok(SearchPage {
                hits: c.search(req)?,
                catalog_version: c.version()?,
            })
        })
    }
    fn get(&self, code: &str) -> Result<Option<motcua_core::catalog::Procedure>, CatalogError> {
        self.lookup(|c| c.get(code))
    }
    fn fields(
        &self,
        level: Option<&str>,
    ) -> Result<Vec<motcua_core::catalog::FieldCount>, CatalogError> {
        self.lookup(|c| c.fields(level))
    }
    fn office_fields(
        &self,
        scope: &OfficeScope,
    ) -> Result<Vec<motcua_core::catalog::FieldCount>, CatalogError> {
        self.lookup(|c| c.office_fields(scope))
    }
    fn changes_since(
        &self,
        since: u64,
    ) -> Result<motcua_core::catalog::CatalogChanges, CatalogError> {
        self.lookup(|c| c.changes_since(since))
    }
}

/// Shared state of the catalog routes: the store and the office's catalog settings.
#[derive(Clone)]
pub struct CatalogState {
    store: Arc<dyn CatalogStore>,
    cfg: Arc<CatalogConfig>,
    /// Turns of the long searches ([`LONG_SEARCHES_AT_ONCE`]).
    long_searches: Arc<tokio::sync::Semaphore>,
}

impl CatalogState {
    /// Opens the catalog in the database file `db` ([`SqliteCatalog::open`]).
    pub fn open(db: &FsPath, cfg: CatalogConfig, seed: bool) -> Result<CatalogState, CatalogError> {
        Ok(CatalogState::new(
            Arc::new(SqliteCatalog::open(db, seed)?),
            cfg,
        ))
    }

    /// The routes' state over any store.
    pub fn new(store: Arc<dyn CatalogStore>, cfg: CatalogConfig) -> CatalogState {
        CatalogState {
            store,
            cfg: Arc::new(cfg),
            long_searches: Arc::new(tokio::sync::Semaphore::new(LONG_SEARCHES_AT_ONCE)),
        }
    }

    /// Runs `f` on the store off the runtime; a store failure is logged and answered 500.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn CatalogStore, &CatalogConfig) -> Result<T, CatalogError> + Send + 'static,
    ) -> Result<T, ApiFailure> {
        let store = self.store.clone();
        let cfg = self.cfg.clone();
        tokio::task::spawn_blocking(move || f(store.as_ref(), &cfg))
            .await
            .map_err(|_| ApiFailure::from(ApiError::internal()))?
            .map_err(|e| {
                tracing::error!(error = %e, "catalog failure");
                ApiFailure::from(ApiError::internal())
            })
    }

    /// One procedure, blocking: for the filing service.
    pub fn get_blocking(&self, code: &str) -> Option<motcua_core::catalog::Procedure> {
        self.store.get(code).ok().flatten()
    }
}

/// The catalog routes over `state`, to merge into the office router.
pub fn router(state: CatalogState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(procedure))
        .routes(routes!(fields))
        .routes(routes!(changes))
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
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalog",
    params(
        ("q" = Option<String>, Query, description = "What the citizen typed: accents, Telex and typos forgiven; at most 200 characters. The first 12 words are searched, with at most 3 one-letter words: the rest are left out (not refused)."),
        ("level" = Option<String>, Query, description = "Only procedures served at this level: ministry, province, commune or other."),
        ("field" = Option<String>, Query, description = "Only this field (lĩnh vực); with no `q` nor `level`, only its procedures at the office's own level."),
        ("online" = Option<bool>, Query, description = "Only procedures with an online channel."),
        ("limit" = Option<u32>, Query, description = "1–100, default 20.")),
    responses(
    (status = 200, description = "Ranked results, best first.", body = SearchPage),
    (status = 400, description = "bad_request: an unknown parameter or a bad value.", body = motcua_core::ApiError)))]
async fn search(
    State(st): State<CatalogState>,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SearchPage>, ApiFailure> {
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
    // A long search waits for its turn here, holding no connection (the short ones go on).
    let (words, _) = motcua_catalog::query_words(&text);
    let _turn = if words.len() > LONG_QUERY_WORDS {
        Some(
            st.long_searches
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| ApiFailure::from(ApiError::internal()))?,
        )
    } else {
        None
    };
    let out = st
        .with(move |cat, cfg| {
            cat.search_page(&SearchRequest {
                q: text,
                level,
                field,
                online,
                limit,
                own_levels: cfg.own_levels.clone(),
                office: Some(cfg.scope.clone()),
            })
        })
        .await?;
    Ok(Json(out))
}

/// A procedure's full record with what the kiosk's page needs.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalog",
    params(("code" = String, Path, description = "Mã thủ tục, e.g. `1.001193`.")),
    responses(
    (status = 200, description = "The record.", body = ProcedurePage),
    (status = 400, description = "bad_request: not a procedure code.", body = motcua_core::ApiError),
    (status = 404, description = "not_found.", body = motcua_core::ApiError)))]
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
                let handled_at = cfg.scope.handled_at(&p.levels, &p.field);
                ProcedurePage {
                    handled_at,
                    ..ProcedurePage::new(p, service_id)
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

/// The fields (lĩnh vực) with how many procedures each holds: without `level`, the fields this
/// office browses (those with procedures at its own level, other agencies' fields left out)
/// in its order (its chosen fields first, then most procedures first).
#[utoipa::path(get, path = "/api/v1/procedure-fields", tag = "catalog",
    params(("level" = Option<String>, Query, description = "Count the procedures served at this level instead, most first.")),
    responses(
    (status = 200, description = "Fields with their counts.", body = Vec<motcua_core::catalog::FieldCount>),
    (status = 400, description = "bad_request.", body = motcua_core::ApiError)))]
async fn fields(
    State(st): State<CatalogState>,
    q: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<motcua_catalog::FieldCount>>, ApiFailure> {
    let p = params(q)?;
    only(&p, &["level"])?;
    let level = parse_level(p.get("level"))?;
    Ok(Json(
        st.with(move |cat, cfg| match level {
            Some(l) => cat.fields(Some(&l)),
            None => cat.office_fields(&cfg.scope),
        })
        .await?,
    ))
}

/// `ETag` of a delta: the catalog version it brings the client to.
fn etag(version: u64) -> String {
    format!("\"catalog-{version}\"")
}

/// What changed in the catalog after version `since`, for a kiosk's copy (`ETag` is the
/// version it brings the client to; `If-None-Match` with it answers 304).
#[utoipa::path(get, path = "/api/v1/catalog/changes", tag = "catalog",
    params(("since" = Option<u64>, Query, description = "The version the kiosk has (0: everything).")),
    responses(
    (status = 200, description = "The changes.", body = motcua_core::catalog::CatalogChanges),
    (status = 304, description = "Nothing changed since the `If-None-Match` version."),
    (status = 400, description = "bad_request.", body = motcua_core::ApiError)))]
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

#[cfg(test)]
mod store_tests {
    use super::*;

    /// The demo seed loads on first use; readers that come while it loads wait for it rather
    /// than answer from an empty catalog (a kiosk asking for the fields while its catalog sync
    /// asked first saw none).
    #[test]
    fn readers_during_the_first_seed_see_the_whole_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.db");
        crate::db::prepare(&db).unwrap();
        let store = Arc::new(SqliteCatalog::open(&db, true).unwrap());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let s = store.clone();
                std::thread::spawn(move || s.fields(None).unwrap().len())
            })
            .collect();
        let counts: Vec<usize> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(counts[0] > 5, "{counts:?}");
        assert!(counts.iter().all(|c| *c == counts[0]), "{counts:?}");
        assert!(store.version().unwrap() > 0);
    }
}
