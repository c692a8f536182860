//! Tauri commands: thin. Each parses its input, calls one kiosk service and maps errors to
//! `ApiError` (`{code, message, message_vi, message_en}`) for the screen.

use crate::kiosk::{IssuedTicket, Kiosk, KioskInfo};
use motcua_core::{ApiError, ErrorCode, IssueTicketRequest, Priority, Service};
use tauri::State;

#[tauri::command]
pub async fn kiosk_info(kiosk: State<'_, Kiosk>) -> Result<KioskInfo, ApiError> {
    Ok(kiosk.info().await)
}

#[tauri::command]
pub async fn list_services(kiosk: State<'_, Kiosk>) -> Result<Vec<Service>, ApiError> {
    kiosk.office.services().await
}

#[tauri::command]
pub async fn issue_ticket(
    kiosk: State<'_, Kiosk>,
    service_id: String,
    priority: String,
) -> Result<IssuedTicket, ApiError> {
    let priority: Priority = priority.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::UnknownPriority,
            "Đối tượng ưu tiên không hợp lệ. Vui lòng chọn lại.",
            "Unknown priority category. Please choose again.",
        )
    })?;
    kiosk
        .issue_ticket(IssueTicketRequest {
            service_id,
            priority,
        })
        .await
}

#[tauri::command]
pub fn staff_unlock(kiosk: State<'_, Kiosk>, pin: String) -> Result<(), ApiError> {
    kiosk.staff_unlock(&pin)
}

#[tauri::command]
pub fn exit_kiosk(app: tauri::AppHandle, kiosk: State<'_, Kiosk>) -> Result<(), ApiError> {
    if !kiosk.staff_unlocked() {
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
