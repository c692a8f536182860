//! Online filing.

use crate::services::filing::{ScannedFile, SubmitResult};
use crate::services::Kiosk;
use motcua_core::dossier::DossierRequest;
use motcua_core::ApiError;
use tauri::State;

/// Files a dossier: outbox first, then the office server (exactly once), then the receipt.
#[tauri::command]
pub async fn submit_dossier(
    kiosk: State<'_, Kiosk>,
    request: DossierRequest,
) -> Result<SubmitResult, ApiError> {
    kiosk.submit_dossier(request).await
}

/// The newest page from the document scanner.
#[tauri::command]
pub async fn scanner_take(kiosk: State<'_, Kiosk>) -> Result<ScannedFile, ApiError> {
    kiosk.filing.scanner_take().await
}
