//! Pure domain core of Một Cửa Kiosk: wire types shared by the kiosk, the office server and the
//! front end, Vietnamese text handling and office-day arithmetic. No IO, no async.

pub mod catalog;
pub mod cccd;
pub mod devices;
pub mod dossier;
pub mod error;
pub mod files;
pub mod identity;
pub mod life;
pub mod queue;
pub mod receipt;
pub mod scan;
pub mod staff;
pub mod telex;
#[cfg(test)]
mod testrand;
pub mod text;
pub mod time;
pub mod vietqr;
pub mod voice;
pub mod workdays;

pub use devices::{DeviceKind, DeviceReport, DeviceStatus, PrinterState, SoundState};
pub use error::{ApiError, ErrorCode};
pub use identity::{CitizenProfile, DeviceSignIn, SignInState, SignInStatus};
pub use queue::{
    IssueTicketRequest, OfflineTicketRequest, Priority, PriorityStrategy, Service, Ticket,
    TicketStatus,
};
