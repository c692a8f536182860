//! Procedures: search, fields, a procedure's page, its checklist on paper.

use crate::services::catalog::{PrintResult, ProcedureView};
use crate::services::Kiosk;
use motcua_core::catalog::{FieldCount, Hit};
use motcua_core::{ApiError, ErrorCode};
use tauri::State;

/// Procedures for what the citizen typed (accents, Telex and typos forgiven), ranked.
#[tauri::command]
pub async fn search_procedures(
    kiosk: State<'_, Kiosk>,
    q: String,
    field: Option<String>,
    online: bool,
    limit: usize,
) -> Result<Vec<Hit>, ApiError> {
    if q.chars().count() > 200 {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "Từ khóa quá dài. Vui lòng nhập ngắn hơn.",
            "The search text is too long. Please type less.",
        ));
    }
    kiosk.catalog.search(q, field, online, limit).await
}

/// The fields (lĩnh vực) with how many procedures each holds.
#[tauri::command]
pub async fn procedure_fields(kiosk: State<'_, Kiosk>) -> Result<Vec<FieldCount>, ApiError> {
    kiosk.catalog.fields().await
}

/// One procedure's page.
#[tauri::command]
pub async fn get_procedure(
    kiosk: State<'_, Kiosk>,
    code: String,
) -> Result<ProcedureView, ApiError> {
    kiosk.catalog.procedure(code).await
}

/// Prints the list of documents to bring for a procedure.
#[tauri::command]
pub async fn print_checklist(
    kiosk: State<'_, Kiosk>,
    code: String,
) -> Result<PrintResult, ApiError> {
    kiosk.catalog.print_checklist(code).await
}
