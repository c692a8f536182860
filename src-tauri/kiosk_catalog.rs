//! Procedure look-up at the kiosk: search, fields, a procedure's page, its checklist on paper.
//!
//! Search runs in process on the kiosk's copy of the catalog ([`CatalogCache`]) as soon as it
//! has one: no network round trip per keystroke, and the same results while the office server
//! is down. Before the first sync the office server answers. A procedure's page comes from the
//! server when it answers (it adds the service queue), else from the copy.

use crate::catalog_cache::CatalogCache;
use crate::kiosk::Kiosk;
use crate::office_client::OfficeClient;
use motcua_catalog::SearchRequest;
use motcua_core::catalog::{FieldCount, Hit, Procedure};
use motcua_core::{ApiError, ErrorCode};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the copy asks for changes while the server answers.
const CATALOG_REFRESH: Duration = Duration::from_secs(300);
/// How soon it tries again when it has no copy yet or the last try failed.
const CATALOG_RETRY: Duration = Duration::from_secs(5);

/// What `get_procedure` returns to the screen.
#[derive(Debug, Serialize)]
pub struct ProcedureView {
    #[serde(flatten)]
    pub procedure: Procedure,
    /// The procedure's page for citizens' phones (the QR).
    pub public_url: String,
    pub qr_svg: String,
    /// The service queue its field maps to.
    pub service_id: Option<String>,
    /// Shown from the kiosk's copy because the server could not be reached.
    pub from_cache: bool,
}

/// What `print_checklist` returns.
#[derive(Debug, Serialize)]
pub struct PrintResult {
    pub printed: bool,
    pub print_error: Option<ApiError>,
}

/// The public page of a procedure: its national portal page.
pub fn public_url(p: &Procedure) -> String {
    match &p.source_url {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => u.clone(),
        _ => format!(
            "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={}",
            p.code
        ),
    }
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

impl Kiosk {
    fn catalog(&self) -> Arc<CatalogCache> {
        self.catalog.clone()
    }

    pub async fn search_procedures(
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
                .office
                .search_procedures(&q, field.as_deref(), online_only, limit)
                .await
                .map_err(Into::into);
        }
        let req = SearchRequest {
            q,
            field,
            online: online_only.then_some(true),
            limit,
            own_levels: self.config.levels.clone(),
            ..Default::default()
        };
        tokio::task::spawn_blocking(move || cache.search(&req))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(catalog_error)
    }

    pub async fn procedure_fields(&self) -> Result<Vec<FieldCount>, ApiError> {
        let cache = self.catalog();
        if cache.version() == 0 {
            return Ok(self.office.procedure_fields().await?);
        }
        let levels = self.config.levels.clone();
        tokio::task::spawn_blocking(move || cache.fields(&levels))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(catalog_error)
    }

    pub async fn procedure(&self, code: String) -> Result<ProcedureView, ApiError> {
        let cache = self.catalog();
        let from_server = if self.online.load(Ordering::Relaxed) {
            Some(self.office.procedure(&code).await)
        } else {
            None
        };
        let (procedure, service_id, public, from_cache) = match from_server {
            Some(Ok(op)) => {
                let c = cache.clone();
                let (field, sid) = (op.procedure.field.clone(), op.service_id.clone());
                let _ =
                    tokio::task::spawn_blocking(move || c.remember_service(&field, sid.as_deref()))
                        .await;
                let public = op.public_url.unwrap_or_else(|| public_url(&op.procedure));
                (op.procedure, op.service_id, public, false)
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
                        crate::office_client::unreachable_error()
                    } else {
                        not_found(&code)
                    });
                };
                let public = public_url(&p);
                (p, sid, public, true)
            }
        };
        Ok(ProcedureView {
            qr_svg: motcua_print::qr_svg(&public),
            public_url: public,
            service_id,
            procedure,
            from_cache,
        })
    }

    /// Prints a procedure's list of documents on the kiosk's printer. A printer that is off
    /// or out of paper is reported (the page stays on screen), never an error of the screen.
    pub async fn print_checklist(&self, code: String) -> Result<PrintResult, ApiError> {
        let view = self.procedure(code).await?;
        let checklist = checklist_of(&view, &self.config.office_name);
        let format = self.format;
        let job = format!("checklist-{}", checklist.code);
        let print_error = self
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
    let p = &view.procedure;
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
        public_url: view.public_url.clone(),
        printed_at: chrono::Utc::now().to_rfc3339(),
    }
}

/// Keeps the kiosk's copy of the catalog up to date: the whole catalog on the first sync, then
/// only what changed (`since` = the copy's version).
pub(crate) async fn catalog_sync_loop(
    office: OfficeClient,
    cache: Arc<CatalogCache>,
    online: Arc<AtomicBool>,
) {
    loop {
        let mut pause = CATALOG_RETRY;
        if online.load(Ordering::Relaxed) {
            let since = cache.version();
            match office.catalog_changes(since).await {
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
