//! Online filing from the kiosk: the submission is written to the kiosk's outbox before it is
//! sent, sent with an Idempotency-Key (the server files each key once), and leaves the kiosk's
//! disk once acknowledged. A crash or an outage between the two is replayed by the sync loop
//! with the same key: filed exactly once. Then the receipt is printed.

use super::link::OfficeLink;
use super::local_store::LocalStore;
use super::printer::Printer;
use base64::Engine;
use motcua_core::dossier::{Dossier, DossierRequest, Submission};
use motcua_core::{ApiError, ErrorCode};
use motcua_print::{Format, ReceiptFormat};
use serde::Serialize;
use std::path::PathBuf;

/// What `submit_dossier` returns to the screen.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SubmitResult {
    /// `None` while the filing waits in the outbox (server unreachable).
    pub dossier: Option<Dossier>,
    pub tracking_qr_svg: Option<String>,
    pub payment_qr_svg: Option<String>,
    pub printed: bool,
    pub print_error: Option<ApiError>,
}

/// A file from the document scanner, for the screen.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ScannedFile {
    pub file_name: String,
    pub media_type: String,
    #[ts(type = "number")]
    pub size: usize,
    pub content_base64: String,
}

fn storage_error(e: rusqlite::Error) -> ApiError {
    tracing::error!("kiosk database: {e}");
    ApiError::internal()
}

/// Checks what can be checked before anything is stored: every attachment a PDF, JPEG or PNG
/// by content, within the per-file and per-dossier limits.
pub fn check_request(req: &DossierRequest) -> Result<(), ApiError> {
    let mut total = 0usize;
    for d in &req.documents {
        if let Submission::Attachment { content_base64, .. } = &d.submission {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(content_base64.trim_end_matches('='))
                .or_else(|_| {
                    base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(content_base64.trim_end_matches('='))
                })
                .map_err(|_| {
                    ApiError::new(
                        ErrorCode::BadRequest,
                        format!("Tệp đính kèm cho “{}” bị hỏng. Vui lòng chọn lại.", d.name),
                        format!(
                            "The file attached for “{}” is damaged. Please choose it again.",
                            d.name
                        ),
                    )
                })?;
            motcua_core::files::check_file(&d.name, &bytes)?;
            total += bytes.len();
        }
    }
    motcua_core::files::check_total(total)
}

/// What the screen copied from elsewhere into a filing, made fit to send: each document's name
/// and counts come from the national catalog, whose names hold stray tabs and marks
/// (`đăng k\u{200E}ý`) and whose larger counts are form numbers glued to the count; a file's
/// name is whatever the USB stick or the scanner called it (informative only). The office
/// server refuses such characters in what a citizen typed; these are not typed, so they are
/// cleaned here, once, before the filing goes to the outbox (a resend is the same body).
pub fn prepare_request(req: &mut DossierRequest) {
    use motcua_core::dossier::catalog_count;
    use motcua_core::text::strip_forbidden;
    for d in &mut req.documents {
        d.name = strip_forbidden(&d.name);
        d.originals = catalog_count(d.originals);
        d.copies = catalog_count(d.copies);
        if let Submission::Attachment { file_name, .. } = &mut d.submission {
            *file_name = strip_forbidden(file_name);
        }
    }
}

fn receipt_format(f: Format) -> ReceiptFormat {
    match f {
        Format::Pdf => ReceiptFormat::Pdf(motcua_print::PageSize::A4),
        Format::EscPos(p) => ReceiptFormat::EscPos(p),
        Format::Png => ReceiptFormat::ThermalPng,
    }
}

/// Online filing at the kiosk: the outbox, the send (exactly once), the receipt, the scanner.
pub struct FilingService {
    link: OfficeLink,
    local: std::sync::Arc<LocalStore>,
    printer: Printer,
    scanner_inbox: PathBuf,
    /// The receipt of this citizen's session, for the staff's reprint; gone when it ends.
    last_receipt: std::sync::Mutex<Option<Dossier>>,
}

impl FilingService {
    /// The service over the kiosk's outbox `local`.
    pub(crate) fn new(
        link: OfficeLink,
        local: std::sync::Arc<LocalStore>,
        printer: Printer,
        scanner_inbox: PathBuf,
    ) -> FilingService {
        FilingService {
            link,
            local,
            printer,
            scanner_inbox,
            last_receipt: Default::default(),
        }
    }

    /// Whether a receipt of this session can be printed again.
    pub fn has_last_receipt(&self) -> bool {
        self.last_receipt
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Prints this session's receipt again (staff assist).
    pub async fn reprint_last_receipt(&self) -> Result<(), ApiError> {
        let last = self
            .last_receipt
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(dossier) = last else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                "Chưa có giấy biên nhận nào trong lượt này để in lại.",
                "There is no receipt of this session to print again.",
            ));
        };
        match self.print_receipt(dossier).await.print_error {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// Forgets this session's receipt (the citizen's session ended).
    pub fn forget_last_receipt(&self) {
        *self.last_receipt.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Files a dossier: outbox first, then the office server (exactly once), then the receipt.
    /// Only an unreachable server keeps it in the outbox (`dossier: None`); a refusal is
    /// returned as the server worded it and nothing is kept.
    pub async fn submit(&self, mut req: DossierRequest) -> Result<SubmitResult, ApiError> {
        prepare_request(&mut req);
        check_request(&req)?;
        let key = uuid::Uuid::new_v4().simple().to_string();
        let json = serde_json::to_string(&req).map_err(|_| ApiError::internal())?;
        let local = self.local.clone();
        let k = key.clone();
        tokio::task::spawn_blocking(move || {
            local.put_dossier(&k, &json, &chrono::Utc::now().to_rfc3339())
        })
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(storage_error)?;
        tracing::info!("filing written to the outbox");
        // Tests kill the kiosk here (between the outbox write and the send).
        if let Some(ms) = std::env::var("MOTCUA_TEST_PAUSE_AFTER_OUTBOX_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        match self.link.client.submit_dossier(&key, &req).await {
            Ok(dossier) => {
                let local = self.local.clone();
                let k = key.clone();
                let _ = tokio::task::spawn_blocking(move || local.remove_dossier(&k)).await;
                tracing::info!("filing acknowledged");
                Ok(self.print_receipt(dossier).await)
            }
            Err(e) if e.is_unreachable() => {
                self.link.set_online(false);
                tracing::warn!("filing kept in the outbox: office server unreachable");
                Ok(SubmitResult {
                    dossier: None,
                    tracking_qr_svg: None,
                    payment_qr_svg: None,
                    printed: false,
                    print_error: None,
                })
            }
            Err(e) => {
                // Refused (bad input): nothing was filed; the citizen fixes it on screen.
                let local = self.local.clone();
                let _ = tokio::task::spawn_blocking(move || local.remove_dossier(&key)).await;
                Err(e.into())
            }
        }
    }

    async fn print_receipt(&self, dossier: Dossier) -> SubmitResult {
        let tracking = motcua_print::qr_svg(&dossier.tracking_url);
        let payment = dossier
            .payment
            .as_ref()
            .map(|p| motcua_print::qr_svg(&p.vietqr));
        let rf = receipt_format(self.printer.format());
        let out_format = match rf {
            ReceiptFormat::EscPos(p) => Format::EscPos(p),
            ReceiptFormat::ThermalPng | ReceiptFormat::Png => Format::Png,
            ReceiptFormat::Pdf(_) => Format::Pdf,
        };
        *self.last_receipt.lock().unwrap_or_else(|p| p.into_inner()) = Some(dossier.clone());
        let d = dossier.clone();
        let print_error = self
            .printer
            .print_job(format!("receipt-{}", d.code), out_format, move || {
                Ok(motcua_print::render_receipt(&d, rf)?)
            })
            .await
            .err();
        SubmitResult {
            dossier: Some(dossier),
            tracking_qr_svg: Some(tracking),
            payment_qr_svg: payment,
            printed: print_error.is_none(),
            print_error,
        }
    }

    /// Sends what waits in the outbox now (see [`flush_dossiers`]).
    pub async fn flush_outbox(&self) {
        flush_dossiers(&self.link, &self.local).await;
    }

    /// The newest page the document scanner saved, taken out of its folder (it leaves the
    /// kiosk's disk now and lives in the screen's memory until the filing is sent).
    pub async fn scanner_take(&self) -> Result<ScannedFile, ApiError> {
        let dir = self.scanner_inbox.clone();
        tokio::task::spawn_blocking(move || take_newest(dir))
            .await
            .map_err(|_| ApiError::internal())?
    }
}

fn take_newest(dir: PathBuf) -> Result<ScannedFile, ApiError> {
    let nothing = || {
        ApiError::new(
            ErrorCode::NotFound,
            "Máy quét chưa có trang nào. Đặt giấy tờ lên máy quét, bấm nút quét, rồi thử lại.",
            "The scanner has no page yet. Put the document on the scanner, press its scan button, then try again.",
        )
    };
    let newest = std::fs::read_dir(&dir)
        .map_err(|_| nothing())?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .ok_or_else(nothing)?;
    let path = newest.path();
    let name = newest.file_name().to_string_lossy().into_owned();
    let bytes = std::fs::read(&path).map_err(|_| nothing())?;
    let _ = std::fs::remove_file(&path);
    let kind = motcua_core::files::check_file(&name, &bytes)?;
    Ok(ScannedFile {
        file_name: name,
        media_type: kind.media_type().to_string(),
        size: bytes.len(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
    })
}

/// Sends every filing left in the outbox (after a crash or an outage), oldest first, with its
/// own Idempotency-Key, until the server cannot be reached. Each entry holds the request as
/// first sent, with the sign-in session it was filed under: a dossier the server already has
/// is answered whatever became of the session; one it never got, whose session has ended since
/// (401 `sign_in_required`), is a refusal like any other: kept for staff, not resent (the
/// citizen has to sign in and file again; no receipt was printed for it).
pub(crate) async fn flush_dossiers(link: &OfficeLink, local: &std::sync::Arc<LocalStore>) {
    let l = local.clone();
    let pending = match tokio::task::spawn_blocking(move || l.pending_dossiers()).await {
        Ok(Ok(p)) => p,
        _ => return,
    };
    for (key, json) in pending {
        let Ok(req) = serde_json::from_str::<DossierRequest>(&json) else {
            let l = local.clone();
            let _ = tokio::task::spawn_blocking(move || l.reject_dossier(&key, "unreadable")).await;
            continue;
        };
        match link.client.submit_dossier(&key, &req).await {
            Ok(_) => {
                let l = local.clone();
                let _ = tokio::task::spawn_blocking(move || l.remove_dossier(&key)).await;
                tracing::info!("queued filing acknowledged");
            }
            Err(e) if e.is_unreachable() => return,
            Err(e) => {
                let e = ApiError::from(e);
                let l = local.clone();
                let reason = e.message_en.clone();
                let _ = tokio::task::spawn_blocking(move || l.reject_dossier(&key, &reason)).await;
                if e.code == ErrorCode::SignInRequired {
                    tracing::warn!("queued filing refused: its sign-in ended before it was sent; kept for staff");
                } else {
                    tracing::warn!(code = ?e.code, "queued filing refused; kept for staff");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::dossier::{Delivery, DocumentRequest};

    #[test]
    fn catalog_text_and_counts_are_made_fit_to_send() {
        let mut req = DossierRequest {
            procedure_code: "1.001193".into(),
            channel: Default::default(),
            ticket_id: None,
            sign_in_session: None,
            applicant: Default::default(),
            answers: Default::default(),
            documents: vec![
                DocumentRequest {
                    name: "Trường hợp người yêu cầu đăng k\u{200E}ý hộ tịch\tlựa chọn".into(),
                    originals: 20261,
                    copies: 1,
                    submission: Submission::PaperAtCounter,
                },
                DocumentRequest {
                    name: "Tờ khai".into(),
                    originals: 1,
                    copies: 0,
                    submission: Submission::Attachment {
                        file_name: "\u{202E}fdp.exe".into(),
                        content_base64: "JVBERi0=".into(),
                    },
                },
            ],
            delivery: Delivery::Office,
        };
        prepare_request(&mut req);
        let d = &req.documents;
        assert_eq!(
            d[0].name,
            "Trường hợp người yêu cầu đăng ký hộ tịch lựa chọn"
        );
        assert_eq!((d[0].originals, d[0].copies), (1, 1));
        assert_eq!((d[1].name.as_str(), d[1].originals), ("Tờ khai", 1));
        assert!(matches!(
            &d[1].submission,
            Submission::Attachment { file_name, .. } if file_name == "fdp.exe"
        ));
        for doc in d {
            assert!(motcua_core::text::forbidden_char(&doc.name, false).is_none());
        }
    }
}
