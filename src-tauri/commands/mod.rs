//! Tauri commands: one file per domain, each command one line over one kiosk service. Errors
//! reach the screen as `ApiError` (`{code, message, message_vi, message_en}`), built by the
//! services; the commands only parse what the screen sent.

pub mod catalog;
pub mod citizen;
pub mod filing;
pub mod kiosk;
pub mod queue;
pub mod staff;
