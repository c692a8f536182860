//! Một Cửa Kiosk: the Tauri app. A thin layer over the domain crates: configuration, the
//! kiosk window, and commands that call the kiosk's services.

mod commands;
pub mod config;
mod pages;
pub mod services;
mod wire_ts;

use config::{KioskConfig, WindowMode};
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

/// When the process started (cold-start measurement).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Runs the kiosk until staff leave kiosk mode.
pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    tracing_subscriber::fmt()
        // Logs go to stderr (stdout stays free for tools that drive the kiosk).
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tao=warn,wry=warn".into()),
        )
        .init();
    let config = match KioskConfig::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("motcua-kiosk: {e}");
            std::process::exit(2);
        }
    };

    // The counter and board pages the embedded office server serves come from the same
    // embedded ui/dist the window uses: one copy in the binary.
    let mut context = tauri::generate_context!();
    let assets = pages::share(&mut context);

    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::kiosk::kiosk_info,
            commands::queue::list_services,
            commands::queue::issue_ticket,
            commands::queue::reprint_ticket,
            commands::staff::staff_unlock,
            commands::staff::exit_kiosk,
            commands::staff::staff_state,
            commands::staff::enroll_kiosk,
            commands::staff::assist_sign_in,
            commands::staff::assist_end,
            commands::staff::staff_tools,
            commands::staff::print_test_page,
            commands::staff::reprint_last_ticket,
            commands::staff::reprint_last_receipt,
            commands::kiosk::ui_ready,
            commands::kiosk::kiosk_status,
            commands::catalog::search_procedures,
            commands::catalog::procedure_fields,
            commands::catalog::get_procedure,
            commands::catalog::print_checklist,
            commands::citizen::signin_start,
            commands::citizen::signin_status,
            commands::citizen::session_end,
            commands::citizen::scan_decode,
            commands::filing::submit_dossier,
            commands::filing::scanner_take,
        ])
        .setup(move |app| {
            let data_dir = match &config.data_dir {
                Some(d) => d.clone(),
                None => app.path().app_data_dir()?,
            };
            let window_mode = config.window;
            let kiosk = match tauri::async_runtime::block_on(services::Kiosk::start_with_pages(
                config,
                data_dir,
                assets.clone(),
            )) {
                Ok(k) => k,
                Err(e) => {
                    // Said plainly, as a bad setting is (not as a panic of the window).
                    eprintln!("motcua-kiosk: {e}");
                    std::process::exit(2);
                }
            };
            app.manage(kiosk);

            let mut builder =
                WebviewWindowBuilder::new(app, "kiosk", WebviewUrl::App("index.html".into()))
                    .title("Một Cửa Kiosk")
                    .decorations(false)
                    .zoom_hotkeys_enabled(false)
                    .disable_drag_drop_handler()
                    // The kiosk never leaves its own pages.
                    .on_navigation(|url| {
                        matches!(url.scheme(), "tauri") || url.host_str() == Some("tauri.localhost")
                    });
            builder = match window_mode {
                WindowMode::Fullscreen => builder.fullscreen(true),
                WindowMode::Sized(w, h) => builder
                    .inner_size(f64::from(w), f64::from(h))
                    .resizable(false),
            };
            builder.build()?;
            Ok(())
        })
        .run(context)
        .expect("error while running the kiosk");
}
