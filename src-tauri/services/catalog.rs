//! Procedure look-up at the kiosk: search, fields, a procedure's page, its checklist on paper.
//!
//! Search runs in process on the kiosk's copy of the catalog ([`CatalogCache`]) as soon as it
//! has one: no network round trip per keystroke, and the same results while the office server
//! is down. Before the first sync the office server answers. A procedure's page comes from the
//! server when it answers (it adds the service queue), else from the copy.

use super::catalog_cache::CatalogCache;
use super::link::OfficeLink;
use super::printer::Printer;
use motcua_catalog::{OfficeScope, SearchRequest};
use motcua_core::catalog::{FieldCount, Hit, ProcedurePage};
use motcua_core::{ApiError, ErrorCode};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// How often the copy asks for changes while the server answers.
const CATALOG_REFRESH: Duration = Duration::from_secs(300);
/// How soon it tries again when it has no copy yet or the last try failed.
const CATALOG_RETRY: Duration = Duration::from_secs(5);

/// What `get_procedure` returns to the screen: the office's page of the procedure, its QR,
/// and where it came from.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ProcedureView {
    #[serde(flatten)]
    pub page: ProcedurePage,
    /// SVG of the QR of `public_url`.
    pub qr_svg: String,
    /// Shown from the kiosk's copy because the server could not be reached.
    pub from_cache: bool,
}

/// What `print_checklist` returns.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct PrintResult {
    pub printed: bool,
    pub print_error: Option<ApiError>,
}

fn catalog_error(e: motcua_catalog::CatalogError) -> ApiError {
    tracing::error!("catalog: {e}");
    ApiError::new(
        ErrorCode::Internal,
        "Không đọc được danh mục thủ tục trên máy. Vui lòng báo cán bộ.",
        "The kiosk cannot read its procedure catalog. Please tell a staff member.",
    )
}

fn not_found(code: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("Không tìm thấy thủ tục có mã {code}."),
        format!("No procedure has the code {code}."),
    )
}

/// Procedures at the kiosk: its copy of the catalog, the office server's pages, the printer.
pub struct CatalogService {
    link: OfficeLink,
    cache: Arc<CatalogCache>,
    printer: Printer,
    levels: Vec<String>,
    scope: OfficeScope,
    office_name: String,
}

impl CatalogService {
    /// The service over the kiosk's copy `cache`.
    pub(crate) fn new(
        link: OfficeLink,
        cache: Arc<CatalogCache>,
        printer: Printer,
        levels: Vec<String>,
        scope: OfficeScope,
        office_name: String,
    ) -> CatalogService {
        CatalogService {
            link,
            cache,
            printer,
            levels,
            scope,
            office_name,
        }
    }

    fn catalog(&self) -> Arc<CatalogCache> {
        self.cache.clone()
    }

    /// The copy's version (0 before the first sync).
    pub fn version(&self) -> u64 {
        self.cache.version()
    }

    /// Procedures for what the citizen typed (accents, Telex and typos forgiven), ranked.
    pub async fn search(
        &self,
        q: String,
        field: Option<String>,
        online_only: bool,
        limit: usize,
    ) -> Result<Vec<Hit>, ApiError> {
        let limit = limit.clamp(1, 100);
        let cache = self.catalog();
        if cache.version() == 0 {
            return self
                .link
                .client
                .search_procedures(&q, field.as_deref(), online_only, limit)
                .await
                .map_err(Into::into);
        }
        let req = SearchRequest {
            q,
            field,
            online: online_only.then_some(true),
            limit,
            own_levels: self.levels.clone(),
            office: Some(self.scope.clone()),
            ..Default::default()
        };
        tokio::task::spawn_blocking(move || cache.search(&req))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(catalog_error)
    }

    /// The fields (lĩnh vực) this office browses, in its order, with how many of its
    /// procedures each holds.
    pub async fn fields(&self) -> Result<Vec<FieldCount>, ApiError> {
        let cache = self.catalog();
        if cache.version() == 0 {
            return Ok(self.link.client.procedure_fields().await?);
        }
        let scope = self.scope.clone();
        tokio::task::spawn_blocking(move || cache.fields(&scope))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(catalog_error)
    }

    pub async fn procedure(&self, code: String) -> Result<ProcedureView, ApiError> {
        let cache = self.catalog();
        let from_server = if self.link.is_online() {
            Some(self.link.client.procedure(&code).await)
        } else {
            None
        };
        let (page, from_cache) = match from_server {
            Some(Ok(page)) => {
                let c = cache.clone();
                let (field, sid) = (page.procedure.field.clone(), page.service_id.clone());
                let _ =
                    tokio::task::spawn_blocking(move || c.remember_service(&field, sid.as_deref()))
                        .await;
                (page, false)
            }
            Some(Err(e)) if !e.is_unreachable() => return Err(e.into()),
            _ => {
                let c = cache.clone();
                let code2 = code.clone();
                let found = tokio::task::spawn_blocking(move || {
                    let p = c.get(&code2)?;
                    Ok::<_, motcua_catalog::CatalogError>(p.map(|p| {
                        let sid = c.service_for(&p.field);
                        (p, sid)
                    }))
                })
                .await
                .map_err(|_| ApiError::internal())?
                .map_err(catalog_error)?;
                let Some((p, sid)) = found else {
                    return Err(if cache.version() == 0 {
                        super::office_client::unreachable_error()
                    } else {
                        not_found(&code)
                    });
                };
                let handled_at = self.scope.handled_at(&p.levels, &p.field);
                (
                    ProcedurePage {
                        handled_at,
                        ..ProcedurePage::new(p, sid)
                    },
                    true,
                )
            }
        };
        Ok(ProcedureView {
            qr_svg: motcua_print::qr_svg(&page.public_url),
            page,
            from_cache,
        })
    }

    /// Prints a procedure's list of documents on the kiosk's printer. A printer that is off
    /// or out of paper is reported (the page stays on screen), never an error of the screen.
    pub async fn print_checklist(&self, code: String) -> Result<PrintResult, ApiError> {
        let view = self.procedure(code).await?;
        let checklist = checklist_of(&view, &self.office_name);
        let format = self.printer.format();
        let job = format!("checklist-{}", checklist.code);
        let print_error = self
            .printer
            .print_job(job, format, move || {
                Ok(motcua_print::render_checklist(&checklist, format)?)
            })
            .await
            .err();
        if let Some(e) = &print_error {
            tracing::warn!(code = ?e.code, "checklist not printed");
        }
        Ok(PrintResult {
            printed: print_error.is_none(),
            print_error,
        })
    }
}

fn channel_vi(c: &str) -> String {
    match c {
        "online" => "Trực tuyến".into(),
        "in_person" => "Trực tiếp".into(),
        "postal" => "Bưu chính".into(),
        other => other.into(),
    }
}

/// "8.000 đồng".
pub fn fee_vi(vnd: i64) -> String {
    format!("{} đồng", motcua_core::text::thousands(vnd.unsigned_abs()))
}

fn duration_vi(d: &motcua_core::catalog::Duration) -> String {
    let v = if d.value.fract() == 0.0 {
        format!("{}", d.value as i64)
    } else {
        format!("{}", d.value).replace('.', ",")
    };
    format!("{v} {}", d.unit.to_lowercase())
}

/// The printable checklist of a procedure.
pub fn checklist_of(view: &ProcedureView, office_name: &str) -> motcua_print::Checklist {
    let p = &view.page.procedure;
    motcua_print::Checklist {
        office_name: Some(office_name.to_string()),
        code: p.code.clone(),
        name: p.name.clone(),
        field: p.field.clone(),
        items: p
            .documents
            .iter()
            .map(|d| motcua_print::ChecklistItem {
                name: d.name.clone(),
                short_title: Some(d.short_title.clone()),
                originals: d.originals,
                copies: d.copies,
                template: d.template.clone(),
            })
            .collect(),
        channels: p
            .channels
            .iter()
            .map(|c| motcua_print::ChecklistChannel {
                channel: channel_vi(&c.channel),
                duration: c
                    .duration
                    .as_ref()
                    .map(duration_vi)
                    .unwrap_or_else(|| "hỏi cán bộ".into()),
                fee: match c.fee_vnd {
                    Some(0) => "miễn phí".into(),
                    Some(v) => fee_vi(v),
                    None => "xem tại quầy".into(),
                },
            })
            .collect(),
        public_url: view.page.public_url.clone(),
        printed_at: chrono::Utc::now().to_rfc3339(),
    }
}

/// Keeps the kiosk's copy of the catalog up to date: the whole catalog on the first sync, then
/// only what changed (`since` = the copy's version).
pub(crate) async fn catalog_sync_loop(link: OfficeLink, cache: Arc<CatalogCache>) {
    loop {
        let mut pause = CATALOG_RETRY;
        if link.is_online() {
            let since = cache.version();
            match link.client.catalog_changes(since).await {
                Ok(None) => pause = CATALOG_REFRESH,
                Ok(Some(changes)) => {
                    let c = cache.clone();
                    let n = changes.upserts.len() + changes.deleted.len();
                    match tokio::task::spawn_blocking(move || c.apply(&changes)).await {
                        Ok(Ok(v)) => {
                            tracing::info!(version = v, changed = n, "procedure catalog updated");
                            pause = CATALOG_REFRESH;
                        }
                        Ok(Err(e)) => tracing::warn!("catalog delta not applied: {e}"),
                        Err(_) => tracing::warn!("catalog delta task failed"),
                    }
                }
                Err(e) => tracing::debug!(error = %e, "catalog changes not fetched"),
            }
        }
        tokio::time::sleep(pause).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_and_durations_read_the_vietnamese_way() {
        assert_eq!(fee_vi(8000), "8.000 đồng");
        assert_eq!(fee_vi(1_500_000), "1.500.000 đồng");
        assert_eq!(fee_vi(500), "500 đồng");
        let d = motcua_core::catalog::Duration {
            value: 0.5,
            unit: "Ngày làm việc".into(),
        };
        assert_eq!(duration_vi(&d), "0,5 ngày làm việc");
    }
}
