//! The official forms of a dossier (Mẫu 01 … 05), each printed from the history entry that
//! issued it, in the form set's version it was issued in.

use motcua_core::dossier::Dossier;
use motcua_core::life::{FormId, HistoryEntry};
use motcua_core::{ApiError, ErrorCode};

/// 404 `form_not_available`.
pub fn not_available() -> ApiError {
    ApiError::new(
        ErrorCode::FormNotAvailable,
        "Không có biểu mẫu này cho hồ sơ: các mẫu là mau-01 (giấy tiếp nhận, khi hồ sơ đã được \
         tiếp nhận), mau-02 (yêu cầu bổ sung), mau-03 (từ chối), mau-04 (xin lỗi, hẹn lại) và \
         mau-05 (dừng xử lý), mỗi mẫu chỉ có khi hồ sơ đã qua bước đó.",
        "No such form for this dossier: the forms are mau-01 (the receipt, once accepted), \
         mau-02 (supplement request), mau-03 (refusal), mau-04 (apology and new date) and \
         mau-05 (processing stopped), each only once the dossier went through that step.",
    )
}

/// The entry that issued `form` (`seq` = `entry`, else the latest), and the due date before it.
pub fn issuing_entry(
    d: &Dossier,
    form: FormId,
    entry: Option<u32>,
) -> Option<(&HistoryEntry, Option<chrono::NaiveDate>)> {
    let at = d
        .history
        .iter()
        .rposition(|e| e.form == Some(form) && entry.is_none_or(|s| e.seq == s))?;
    let before = d.history[..at].iter().rev().find_map(|e| e.due_date);
    Some((&d.history[at], before))
}

/// The form `form` of `d` as A4 PDF; the entry's version of the form set, else `default_set`.
pub fn render(
    d: &Dossier,
    form: FormId,
    entry: Option<u32>,
    default_set: &str,
) -> Result<Vec<u8>, ApiError> {
    if form == FormId::Mau01 {
        // The receipt: the dossier as accepted (an online one only once an officer did).
        if !d.status.accepted() && !d.history.iter().any(|e| e.form == Some(FormId::Mau01)) {
            return Err(not_available());
        }
        return motcua_print::render_receipt(
            d,
            motcua_print::ReceiptFormat::Pdf(motcua_print::PageSize::A4),
        )
        .map_err(|e| {
            tracing::error!(error = %e, "form rendering failed");
            ApiError::internal()
        });
    }
    let (e, _before) = issuing_entry(d, form, entry).ok_or_else(not_available)?;
    let _version = e.form_version.as_deref().unwrap_or(default_set);
    Err(not_available())
}
