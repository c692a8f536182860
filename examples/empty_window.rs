//! An empty Tauri 2 window (a blank page, no commands, no server): the baseline the kiosk's
//! memory at rest is compared with in docs/PERFORMANCE.md (scripts/bench.sh).

use tauri::{WebviewUrl, WebviewWindowBuilder};

fn main() {
    tauri::Builder::default()
        .setup(|app| {
            WebviewWindowBuilder::new(app, "empty", WebviewUrl::App("empty.html".into()))
                .title("empty")
                .inner_size(1280.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running the empty window");
}
