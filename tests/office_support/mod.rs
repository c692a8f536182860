//! A real office server for the kiosk's integration tests (tests/offline_kiosk.rs,
//! tests/filing_kiosk.rs, tests/catalog_kiosk.rs), and the kiosk's settings to reach it.
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

/// The settings of a kiosk `kiosk_id` that talks to the office at `office_url` and keeps its
/// files under `data` (its printer spools to `data/spool`); `extra` adds or overrides settings
/// (`MOTCUA_PRINT_FORMAT`, `MOTCUA_PUBLIC_URL`…).
pub fn kiosk_config(
    office_url: &str,
    data: &Path,
    kiosk_id: &str,
    extra: &[(&str, &str)],
) -> motcua_kiosk::config::KioskConfig {
    let data = data.display().to_string();
    let mut vars: std::collections::HashMap<String, String> = [
        ("MOTCUA_OFFICE_URL", office_url.to_string()),
        ("MOTCUA_DATA_DIR", data.clone()),
        ("MOTCUA_KIOSK_ID", kiosk_id.to_string()),
        ("MOTCUA_PRINTER", format!("folder:{data}/spool")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    motcua_kiosk::config::KioskConfig::from_parts(None, move |k| vars.get(k).cloned()).unwrap()
}
