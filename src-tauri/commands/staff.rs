//! Staff at the kiosk: the PIN, leaving kiosk mode.

use crate::services::Kiosk;
use motcua_core::{ApiError, ErrorCode};
use tauri::State;

#[tauri::command]
pub fn staff_unlock(kiosk: State<'_, Kiosk>, pin: String) -> Result<(), ApiError> {
    kiosk.staff.unlock(&pin)
}

#[tauri::command]
pub fn exit_kiosk(app: tauri::AppHandle, kiosk: State<'_, Kiosk>) -> Result<(), ApiError> {
    if !kiosk.staff.is_unlocked() {
        return Err(ApiError::new(
            ErrorCode::WrongPin,
            "Cần nhập mã PIN của cán bộ trước.",
            "Enter the staff PIN first.",
        ));
    }
    tracing::info!("staff left kiosk mode");
    app.exit(0);
    Ok(())
}
