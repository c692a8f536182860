//! Attachments: the file type recognised by content (never by name) and the size limits.

use crate::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};

/// Largest attachment: 10 MB.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Largest total of a dossier's attachments: 30 MB.
pub const MAX_DOSSIER_BYTES: usize = 30 * 1024 * 1024;

/// Accepted file types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// `%PDF-`.
    Pdf,
    /// `FF D8 FF`.
    Jpeg,
    /// `89 50 4E 47 0D 0A 1A 0A`.
    Png,
}

impl FileKind {
    /// MIME type.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    /// Usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }
}

/// The type of a file by its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else {
        None
    }
}

fn mb(n: usize) -> String {
    format!("{:.1}", n as f64 / (1024.0 * 1024.0)).replace(".0", "")
}

/// Checks one attachment: not empty, at most [`MAX_FILE_BYTES`], a PDF, JPEG or PNG by content.
/// `label` names it in the message (the document's name, not the file's content).
pub fn check_file(label: &str, bytes: &[u8]) -> Result<FileKind, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::new(
            ErrorCode::UnsupportedFile,
            format!("Tệp đính kèm cho “{label}” rỗng. Vui lòng chọn lại tệp."),
            format!("The file attached for “{label}” is empty. Please choose the file again."),
        ));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(file_too_large(label, bytes.len()));
    }
    sniff(bytes).ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnsupportedFile,
            format!("Tệp cho “{label}” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên). Vui lòng chọn tệp khác."),
            format!("The file for “{label}” is not a PDF, JPEG or PNG (checked by its content, not its name). Please choose another file."),
        )
    })
}

/// The error for an attachment of `size` bytes, over [`MAX_FILE_BYTES`].
pub fn file_too_large(label: &str, size: usize) -> ApiError {
    ApiError::new(
        ErrorCode::FileTooLarge,
        format!(
            "Tệp cho “{label}” lớn {} MB, vượt quá {} MB. Vui lòng quét với độ phân giải thấp hơn hoặc nộp bản giấy tại quầy.",
            mb(size),
            mb(MAX_FILE_BYTES)
        ),
        format!(
            "The file for “{label}” is {} MB, over the {} MB limit. Please scan at a lower resolution or hand in paper at the counter.",
            mb(size),
            mb(MAX_FILE_BYTES)
        ),
    )
}

/// Checks the total size of a dossier's attachments.
pub fn check_total(total: usize) -> Result<(), ApiError> {
    if total > MAX_DOSSIER_BYTES {
        return Err(ApiError::new(
            ErrorCode::DossierTooLarge,
            format!(
                "Tổng dung lượng tệp đính kèm là {} MB, vượt quá {} MB cho một hồ sơ. Vui lòng bớt tệp hoặc nộp bản giấy tại quầy.",
                mb(total),
                mb(MAX_DOSSIER_BYTES)
            ),
            format!(
                "The attachments total {} MB, over the {} MB limit for one dossier. Please remove some or hand in paper at the counter.",
                mb(total),
                mb(MAX_DOSSIER_BYTES)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileKind::Jpeg));
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(FileKind::Png)
        );
        assert_eq!(sniff(b"PK\x03\x04 a zip renamed to .pdf"), None);
        assert_eq!(sniff(b"%PD"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn limits_with_bilingual_messages() {
        let e = check_file("Tờ khai", b"hello").unwrap_err();
        assert_eq!(e.code, ErrorCode::UnsupportedFile);
        assert!(e.message_vi.contains("Tờ khai") && e.message_vi.contains("PDF"));
        assert!(e.message_en.contains("not a PDF"));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        let e = check_file("x", &big).unwrap_err();
        assert_eq!(e.code, ErrorCode::FileTooLarge);
        assert!(e.message_en.contains("10 MB limit"), "{}", e.message_en);
        big.truncate(MAX_FILE_BYTES);
        assert_eq!(check_file("x", &big), Ok(FileKind::Pdf));
        assert!(check_total(MAX_DOSSIER_BYTES).is_ok());
        let e = check_total(MAX_DOSSIER_BYTES + 1).unwrap_err();
        assert_eq!(e.code, ErrorCode::DossierTooLarge);
        assert_eq!(e.http_status(), 413);
        assert_eq!(
            check_file("x", b"").unwrap_err().code,
            ErrorCode::UnsupportedFile
        );
    }

    #[test]
    fn no_panic_on_arbitrary_bytes() {
        let mut rng = crate::testrand::Rng::new(3);
        for _ in 0..10_000 {
            let b = rng.bytes(16);
            let _ = check_file("x", &b);
        }
    }
}
