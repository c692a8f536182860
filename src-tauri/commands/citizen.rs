//! The citizen's VNeID session and what the barcode scanner reads.

use crate::services::citizen::SignInStartView;
use crate::services::Kiosk;
use motcua_core::scan::ScanResult;
use motcua_core::{ApiError, SignInState};
use tauri::State;

/// Starts a VNeID sign-in: the QR the citizen scans with the VNeID app, and the user code.
#[tauri::command]
pub async fn signin_start(kiosk: State<'_, Kiosk>) -> Result<SignInStartView, ApiError> {
    kiosk.signin_start().await
}

/// How the sign-in goes (the screen polls it).
#[tauri::command]
pub async fn signin_status(kiosk: State<'_, Kiosk>) -> Result<SignInState, ApiError> {
    kiosk.citizen.status().await
}

/// Ends the citizen's session (cancel, Home, idle): signs out and forgets it.
#[tauri::command]
pub async fn session_end(kiosk: State<'_, Kiosk>) -> Result<(), ApiError> {
    kiosk.session_end().await;
    Ok(())
}

/// What the barcode scanner typed: a CCCD (to prefill, never to sign in), a VietQR, a receipt.
#[tauri::command]
pub fn scan_decode(text: String) -> Result<ScanResult, ApiError> {
    crate::services::citizen::scan_decode(&text)
}
