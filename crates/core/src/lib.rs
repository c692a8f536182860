//! Pure domain core of Một Cửa Kiosk: wire types shared by the kiosk, the office server and the
//! front end, Vietnamese text handling and office-day arithmetic. No IO, no async.

pub mod catalog;
pub mod error;
pub mod identity;
pub mod queue;
pub mod telex;
pub mod text;
pub mod time;
pub mod voice;

pub use error::{ApiError, ErrorCode};
pub use identity::{CitizenProfile, DeviceSignIn, SignInState, SignInStatus};
pub use queue::{
    IssueTicketRequest, OfflineTicketRequest, Priority, PriorityStrategy, Service, Ticket,
    TicketStatus,
};
