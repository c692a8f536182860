//! Benchmark: keystroke → search results drawn, in the real kiosk window (tauri-driver under
//! Xvfb), over the demo catalog the kiosk keeps on its own disk. The screen records, for each
//! keystroke, the time from the key's handler to the frame after the results are in the page
//! (`window.__motcuaSearchTimings`); this prints their percentiles. Not a test: no assertion on
//! time. `cargo bench --bench keystroke` (scripts/bench.sh runs it).

#[path = "../tests/support/mod.rs"]
mod support;

use support::App;

/// What citizens type, key by key (raw Telex and plain letters).
const QUERIES: &[&str] = &[
    "khai sinh",
    "ddawng kys keets hoon",
    "chung thuc ban sao",
    "thuong tru",
    "ho kinh doanh",
    "giay phep xay dung",
    "xac nhan tinh trang hon nhan",
    "1.001193",
];

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let app = App::launch(&[
        (
            "MOTCUA_DATA_DIR",
            tmp.path().join("data").display().to_string(),
        ),
        ("MOTCUA_WINDOW", "1280x800".into()),
        (
            "MOTCUA_PRINTER",
            format!("folder:{}", tmp.path().join("spool").display()),
        ),
        ("MOTCUA_DEMO", "1".into()),
    ]);
    app.click("[data-testid=tile-procedures]");
    app.find("[data-testid=\"field-Hộ tịch\"]");
    // Let the kiosk's first catalog sync finish (the copy it searches).
    std::thread::sleep(std::time::Duration::from_secs(5));
    for round in 0..3 {
        for q in QUERIES {
            app.click("[data-testid=key-clear]");
            for k in q.chars() {
                let id = if k == ' ' {
                    "key-space".to_string()
                } else {
                    format!("key-{k}")
                };
                app.click(&format!("[data-testid=\"{id}\"]"));
            }
        }
        eprintln!("round {} done", round + 1);
    }
    let v = app.exec("return JSON.stringify(window.__motcuaSearchTimings || [])");
    let mut ms: Vec<f64> = serde_json::from_str(v.as_str().unwrap_or("[]")).unwrap();
    // The first round's first keystrokes may have hit the server before the copy was ready.
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "keystroke -> results drawn in the kiosk: {} keystrokes, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        ms[ms.len() - 1]
    );
}
