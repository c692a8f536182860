//! The office server inside the kiosk's own process (feature `embedded`): a single-kiosk
//! commune office runs just the kiosk, which starts this server on loopback and talks to it
//! over HTTP exactly as it would to `motcua serve` on the office LAN. One code path.
//!
//! The host hands in the counter and board pages it already carries
//! ([`UiSource::Provided`]), so the binary holds the UI once.

pub use crate::catalog::CatalogConfig;
pub use crate::dossier::FilingConfig;
pub use crate::{start, OfficeError, ServerConfig, ServerHandle, UiProvider, UiSource};
