//! A real office server for the kiosk's integration tests (tests/offline_kiosk.rs,
//! tests/filing_kiosk.rs).
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

/// Starts an office server with the demo data on `listen` and the database `db`. A port just
/// released by the previous server may still be busy for a moment: binding is retried.
pub async fn start_office(db: &Path, listen: &str) -> motcua_office::ServerHandle {
    start_office_with(motcua_office::ServerConfig {
        listen: listen.into(),
        db_path: db.to_path_buf(),
        seed_demo: true,
        ..Default::default()
    })
    .await
}

/// Starts an office server with this configuration, retrying the bind as [`start_office`].
pub async fn start_office_with(config: motcua_office::ServerConfig) -> motcua_office::ServerHandle {
    let start = Instant::now();
    loop {
        match motcua_office::start(config.clone()).await {
            Ok(h) => return h,
            Err(e) if start.elapsed() < Duration::from_secs(10) => {
                eprintln!("retrying: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("office server does not start: {e}"),
        }
    }
}
