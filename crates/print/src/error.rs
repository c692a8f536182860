//! Print errors and their bilingual, user-facing form.

use motcua_core::{ApiError, ErrorCode};
use std::path::PathBuf;

/// Why a ticket could not be rendered or printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The printer reports that the paper roll is empty.
    #[error("printer is out of paper")]
    PaperOut,
    /// The printer reports that its cover is open.
    #[error("printer cover is open")]
    CoverOpen,
    /// The printer reports itself offline, or cannot be reached.
    #[error("printer is offline: {0}")]
    Offline(String),
    /// The printer reports an error state (cutter jam, overheating, …).
    #[error("printer reports an error: {0}")]
    PrinterFault(String),
    /// The device file (e.g. `/dev/usb/lp0`) does not exist: the printer is unplugged or off.
    #[error("printer device {0} does not exist")]
    DeviceMissing(PathBuf),
    /// The `lp` command (CUPS client) is not installed or not on `PATH`.
    #[error("the `lp` command (CUPS) is not installed")]
    LpMissing,
    /// `lp` ran and failed.
    #[error("lp failed: {0}")]
    Cups(String),
    /// Reading or writing failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The ticket could not be rendered (a bug or a broken font, not a printer problem).
    #[error("could not render the ticket: {0}")]
    Render(String),
    /// A transport or format string could not be parsed.
    #[error("invalid printer setting: {0}")]
    InvalidSetting(String),
}

impl PrintError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        PrintError::Io {
            context: context.into(),
            source,
        }
    }
}

impl From<PrintError> for ApiError {
    fn from(e: PrintError) -> Self {
        let (vi, en) = match &e {
            PrintError::PaperOut => (
                "Máy in hết giấy. Vui lòng báo cán bộ.".to_string(),
                "The printer is out of paper. Please tell a staff member.".to_string(),
            ),
            PrintError::CoverOpen => (
                "Nắp máy in đang mở. Vui lòng báo cán bộ.".to_string(),
                "The printer cover is open. Please tell a staff member.".to_string(),
            ),
            PrintError::Offline(_) | PrintError::DeviceMissing(_) => (
                "Không kết nối được máy in. Vui lòng báo cán bộ.".to_string(),
                "The printer cannot be reached. Please tell a staff member.".to_string(),
            ),
            PrintError::PrinterFault(_) | PrintError::Cups(_) | PrintError::Io { .. } => (
                "Máy in đang gặp lỗi. Vui lòng báo cán bộ.".to_string(),
                "The printer has a problem. Please tell a staff member.".to_string(),
            ),
            PrintError::LpMissing | PrintError::InvalidSetting(_) => (
                "Máy in chưa được cài đặt đúng. Vui lòng báo cán bộ.".to_string(),
                "The printer is not set up correctly. Please tell a staff member.".to_string(),
            ),
            PrintError::Render(_) => (
                "Không in được phiếu. Vui lòng báo cán bộ.".to_string(),
                "The ticket could not be printed. Please tell a staff member.".to_string(),
            ),
        };
        ApiError::new(ErrorCode::PrinterUnavailable, vi, en)
    }
}
