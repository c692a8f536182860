//! `motcua serve`'s limits on a hostile LAN (issue 13): connections, event streams, public
//! reads and each device's token buckets. docs/SECURITY.md explains each default.

use clap::Args;
use motcua_office::ServerConfig;

/// Connection, stream and rate limits.
#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Connections open at once (default: the open-file limit less 256, 768 under
    /// `ulimit -n 1024`). Over it, a new connection replaces the oldest idle one.
    #[arg(long, value_parser = clap::value_parser!(u32).range(16..))]
    max_connections: Option<u32>,
    /// Connections open at once from one client address.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(4..))]
    max_connections_per_client: u32,
    /// Seconds a client has to send a request's headers (also the keep-alive idle time).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    header_timeout_secs: u64,
    /// Event streams (`/api/v1/events`) open at once, in all.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    max_streams: u32,
    /// Event streams open at once from one client address.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    max_streams_per_client: u32,
    /// Public reads (board, services, catalog and search, events, pages) per client address
    /// and minute without a device token or staff session.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..))]
    reads_per_minute: u32,
    /// Tickets one device may issue per minute, sustained (its token bucket's rate).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    tickets_per_minute: u32,
    /// Tickets one device may issue at once after a quiet time (its bucket's size, ≥ 50).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(50..))]
    ticket_burst: u32,
    /// Dossiers one device may file per minute, sustained.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    dossiers_per_minute: u32,
    /// Dossiers one device may file at once after a quiet time (≥ 50).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(50..))]
    dossier_burst: u32,
}

impl LimitArgs {
    /// Sets these limits in `cfg`.
    pub fn apply(&self, cfg: &mut ServerConfig) {
        cfg.connections.max_connections = self.max_connections.map(|n| n as usize);
        cfg.connections.max_per_client = self.max_connections_per_client as usize;
        cfg.connections.header_timeout = std::time::Duration::from_secs(self.header_timeout_secs);
        cfg.streams.total = self.max_streams as usize;
        cfg.streams.per_client = self.max_streams_per_client as usize;
        cfg.access.reads_per_minute = self.reads_per_minute;
        cfg.access.tickets.per_minute = self.tickets_per_minute;
        cfg.access.tickets.burst = self.ticket_burst;
        cfg.access.dossiers.per_minute = self.dossiers_per_minute;
        cfg.access.dossiers.burst = self.dossier_burst;
    }
}
