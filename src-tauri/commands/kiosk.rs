//! The kiosk itself: its settings for the screen, its status, start-up timing.

use crate::services::{Kiosk, KioskInfo, KioskStatus};
use tauri::State;

#[tauri::command]
pub fn kiosk_info(kiosk: State<'_, Kiosk>) -> KioskInfo {
    kiosk.info()
}

/// Whether the office server answers and how many offline tickets wait to reach it (the home
/// screen's offline sign).
#[tauri::command]
pub fn kiosk_status(kiosk: State<'_, Kiosk>) -> KioskStatus {
    kiosk.status()
}

/// The front end calls this once the home screen is drawn: the kiosk logs its cold-start time,
/// and exits at once when `MOTCUA_EXIT_WHEN_READY=1` (how the cold-start benchmark times it).
#[tauri::command]
pub fn ui_ready(app: tauri::AppHandle) {
    let ms = crate::STARTED
        .get()
        .map(|t| t.elapsed().as_millis())
        .unwrap_or(0);
    tracing::info!("home screen ready {ms} ms after start");
    if std::env::var("MOTCUA_EXIT_WHEN_READY").as_deref() == Ok("1") {
        app.exit(0);
    }
}
