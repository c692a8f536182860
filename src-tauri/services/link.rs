//! The kiosk's link to the office server: the HTTP client, whether the server answered last,
//! and a nudge for the sync loop. Every service that talks to the server holds a clone.

use super::office_client::OfficeClient;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// The client and what the kiosk knows of the server's reachability.
#[derive(Clone)]
pub struct OfficeLink {
    /// The office server's client (embedded on loopback or on the LAN: the same path).
    pub client: OfficeClient,
    online: Arc<AtomicBool>,
    wake: Arc<Notify>,
}

impl OfficeLink {
    /// A link over `client`; `online` is what a first health check said.
    pub fn new(client: OfficeClient, online: bool) -> OfficeLink {
        OfficeLink {
            client,
            online: Arc::new(AtomicBool::new(online)),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Whether the server answered last time.
    pub fn is_online(&self) -> bool {
        self.online.load(Ordering::Relaxed)
    }

    /// Records what the last call found; returns what was recorded before.
    pub fn set_online(&self, up: bool) -> bool {
        self.online.swap(up, Ordering::Relaxed)
    }

    /// Asks the sync loop to run now (something waits in an outbox).
    pub fn wake_sync(&self) {
        self.wake.notify_one();
    }

    /// Resolves when [`OfficeLink::wake_sync`] was called.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}
