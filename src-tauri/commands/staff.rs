//! Staff at the kiosk: enrollment, staff assist mode and its tools, leaving kiosk mode (issue 12).

use crate::services::assist::{StaffState, StaffTools};
use crate::services::queue::PrintOutcome;
use crate::services::Kiosk;
use motcua_core::ApiError;
use tauri::State;

/// Whether the kiosk is enrolled, who assists, whether an emergency PIN exists.
#[tauri::command]
pub fn staff_state(kiosk: State<'_, Kiosk>) -> StaffState {
    kiosk.assist.state()
}

/// Enrolls the kiosk with the one-time code an admin made.
#[tauri::command]
pub async fn enroll_kiosk(kiosk: State<'_, Kiosk>, code: String) -> Result<StaffState, ApiError> {
    kiosk.assist.enroll(&code).await?;
    Ok(kiosk.assist.state())
}

/// A staff member signs in with their own account: assist mode.
#[tauri::command]
pub async fn assist_sign_in(
    kiosk: State<'_, Kiosk>,
    username: String,
    password: String,
) -> Result<StaffState, ApiError> {
    kiosk.assist.sign_in(&username, &password).await
}

/// Ends assist mode (the button, the idle timer, the citizen's session going home).
#[tauri::command]
pub async fn assist_end(kiosk: State<'_, Kiosk>) -> Result<(), ApiError> {
    kiosk.assist_end().await;
    Ok(())
}

/// The printer, the outboxes and what can be printed again (while assisting).
#[tauri::command]
pub async fn staff_tools(kiosk: State<'_, Kiosk>) -> Result<StaffTools, ApiError> {
    kiosk.staff_tools().await
}

#[tauri::command]
pub async fn print_test_page(kiosk: State<'_, Kiosk>) -> Result<(), ApiError> {
    kiosk.print_test_page().await
}

#[tauri::command]
pub async fn reprint_last_ticket(kiosk: State<'_, Kiosk>) -> Result<PrintOutcome, ApiError> {
    kiosk.reprint_last_ticket().await
}

#[tauri::command]
pub async fn reprint_last_receipt(kiosk: State<'_, Kiosk>) -> Result<(), ApiError> {
    kiosk.assist.touch()?;
    kiosk.filing.reprint_last_receipt().await
}

/// The local emergency PIN (leaving kiosk mode while nobody can sign in).
#[tauri::command]
pub fn staff_unlock(kiosk: State<'_, Kiosk>, pin: String) -> Result<(), ApiError> {
    kiosk.assist.emergency_unlock(&pin)
}

/// Leaves kiosk mode: an admin assisting, or the emergency PIN entered just before.
#[tauri::command]
pub async fn exit_kiosk(app: tauri::AppHandle, kiosk: State<'_, Kiosk>) -> Result<(), ApiError> {
    kiosk.assist.may_exit()?;
    tracing::info!("staff left kiosk mode");
    kiosk.assist_end().await;
    app.exit(0);
    Ok(())
}
