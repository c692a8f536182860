//! Tauri commands: thin. Each parses its input, calls one kiosk service and maps errors to
//! `ApiError` (`{code, message, message_vi, message_en}`) for the screen.

use crate::kiosk::{IssuedTicket, Kiosk, KioskInfo, KioskStatus};
use crate::kiosk_catalog::{PrintResult, ProcedureView};
use motcua_core::catalog::{FieldCount, Hit};
use motcua_core::{ApiError, ErrorCode, IssueTicketRequest, Priority, Service};
use tauri::State;

#[tauri::command]
pub async fn kiosk_info(kiosk: State<'_, Kiosk>) -> Result<KioskInfo, ApiError> {
    Ok(kiosk.info().await)
}

#[tauri::command]
pub async fn list_services(kiosk: State<'_, Kiosk>) -> Result<Vec<Service>, ApiError> {
    kiosk.services().await
}

/// Whether the office server answers and how many offline tickets wait to reach it (the home
/// screen's offline sign).
#[tauri::command]
pub fn kiosk_status(kiosk: State<'_, Kiosk>) -> KioskStatus {
    kiosk.status()
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

/// The front end calls this once the home screen is drawn: the kiosk logs its cold-start time,
/// and exits at once when `MOTCUA_EXIT_WHEN_READY=1` (how the cold-start benchmark times it).
#[tauri::command]
pub fn ui_ready(app: tauri::AppHandle) {
    let ms = crate::STARTED
        .get()
        .map(|t| t.elapsed().as_millis())
        .unwrap_or(0);
    tracing::info!("home screen ready {ms} ms after start");
    if std::env::var("MOTCUA_EXIT_WHEN_READY").as_deref() == Ok("1") {
        app.exit(0);
    }
}

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
    kiosk.search_procedures(q, field, online, limit).await
}

/// The fields (lĩnh vực) with how many procedures each holds.
#[tauri::command]
pub async fn procedure_fields(kiosk: State<'_, Kiosk>) -> Result<Vec<FieldCount>, ApiError> {
    kiosk.procedure_fields().await
}

/// One procedure's page.
#[tauri::command]
pub async fn get_procedure(
    kiosk: State<'_, Kiosk>,
    code: String,
) -> Result<ProcedureView, ApiError> {
    kiosk.procedure(code).await
}

/// Prints the list of documents to bring for a procedure.
#[tauri::command]
pub async fn print_checklist(
    kiosk: State<'_, Kiosk>,
    code: String,
) -> Result<PrintResult, ApiError> {
    kiosk.print_checklist(code).await
}

/// Starts a VNeID sign-in: the QR the citizen scans with the VNeID app, and the user code.
#[tauri::command]
pub async fn signin_start(
    kiosk: State<'_, Kiosk>,
) -> Result<crate::citizen::SignInStartView, ApiError> {
    kiosk.signin_start().await
}

/// How the sign-in goes (the screen polls it).
#[tauri::command]
pub async fn signin_status(kiosk: State<'_, Kiosk>) -> Result<motcua_core::SignInState, ApiError> {
    kiosk.signin_status().await
}

/// Ends the citizen's session (Kết thúc, Home, idle): signs out and forgets it.
#[tauri::command]
pub async fn session_end(kiosk: State<'_, Kiosk>) -> Result<(), ApiError> {
    kiosk.session_end().await;
    Ok(())
}

/// What the barcode scanner typed: a CCCD (to prefill, never to sign in), a VietQR, a receipt.
#[tauri::command]
pub fn scan_decode(text: String) -> Result<motcua_core::scan::ScanResult, ApiError> {
    crate::citizen::scan_decode(&text)
}

/// Files a dossier: outbox first, then the office server (exactly once), then the receipt.
#[tauri::command]
pub async fn submit_dossier(
    kiosk: State<'_, Kiosk>,
    request: motcua_core::dossier::DossierRequest,
) -> Result<crate::filing::SubmitResult, ApiError> {
    kiosk.submit_dossier(request).await
}

/// The newest page from the document scanner.
#[tauri::command]
pub async fn scanner_take(kiosk: State<'_, Kiosk>) -> Result<crate::filing::ScannedFile, ApiError> {
    kiosk.scanner_take().await
}
