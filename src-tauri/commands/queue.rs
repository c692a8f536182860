//! Queue numbers.

use crate::services::queue::{IssuedTicket, PrintOutcome};
use crate::services::Kiosk;
use motcua_core::{ApiError, ErrorCode, IssueTicketRequest, Priority, Service};
use tauri::State;

#[tauri::command]
pub async fn list_services(kiosk: State<'_, Kiosk>) -> Result<Vec<Service>, ApiError> {
    kiosk.queue.services().await
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
    let req = IssueTicketRequest {
        service_id,
        priority,
    };
    kiosk.queue.issue_ticket(req).await
}

/// "In lại": the last ticket issued at this kiosk, printed again.
#[tauri::command]
pub async fn reprint_ticket(
    kiosk: State<'_, Kiosk>,
    ticket_id: String,
) -> Result<PrintOutcome, ApiError> {
    kiosk.queue.reprint_ticket(&ticket_id).await
}
