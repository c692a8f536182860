//! End to end across an outage: the real kiosk window keeps handing out numbers while the office
//! server is down (offline sign on the home screen, "issued offline" on screen and paper), and
//! when the server returns the TV board (headless Chromium) shows the ticket waiting, then
//! called. Screenshots: target/e2e/offline-*.png.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::chromium::Chromium;
use support::{free_port, pdf_text, repo_root, App};

const WAIT: Duration = Duration::from_secs(20);

fn config(port: u16, db: &Path) -> motcua_office::ServerConfig {
    motcua_office::ServerConfig {
        listen: format!("127.0.0.1:{port}"),
        db_path: db.to_path_buf(),
        office_name: "UBND xã Tân Phú – Bộ phận Một cửa".into(),
        seed_demo: true,
        ui: motcua_office::UiSource::Dir(repo_root().join("ui/dist")),
        ..Default::default()
    }
}

fn start(rt: &tokio::runtime::Runtime, port: u16, db: &Path) -> motcua_office::ServerHandle {
    let t = Instant::now();
    loop {
        match rt.block_on(motcua_office::start(config(port, db))) {
            Ok(h) => {
                // The kiosk's device token is made in this database (issue 12).
                support::register_office(&h, db);
                return h;
            }
            Err(e) if t.elapsed() < Duration::from_secs(10) => {
                eprintln!("office server not up yet ({e}), retrying");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("office server: {e}"),
        }
    }
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let t = Instant::now();
    while !ok() {
        assert!(t.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn pdf_in(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
}

#[test]
fn kiosk_issues_while_the_server_is_down_and_the_board_shows_it_after() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("office.db");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = start(&rt, port, &db);

    let spool = tmp.path().join("spool");
    let kiosk = App::launch(&[
        (
            "MOTCUA_DATA_DIR",
            tmp.path().join("kiosk").display().to_string(),
        ),
        ("MOTCUA_WINDOW", "1280x800".into()),
        ("MOTCUA_OFFICE_URL", base.clone()),
        ("MOTCUA_KIOSK_ID", "kiosk-2".into()),
        (
            "MOTCUA_OFFICE_TOKEN",
            support::kiosk_token(&base, "kiosk-2").expect("the office's database"),
        ),
        ("MOTCUA_PRINTER", format!("folder:{}", spool.display())),
        ("MOTCUA_PRINT_FORMAT", "pdf".into()),
        ("MOTCUA_LANGUAGE", "vi".into()),
    ]);
    // Online: the services come from the server (and the kiosk remembers them).
    kiosk.find("[data-testid=service-ho-tich]");
    assert_eq!(
        kiosk.exec("return document.querySelector('[data-testid=offline-sign]').hidden"),
        true,
        "no offline sign while the server answers"
    );

    let chromium = Chromium::start();
    let board = chromium.session(1920, 1080);
    board.goto(&format!("{base}/board"));
    board.find("[data-testid=board-waiting-count-ho-tich]");

    // The server goes down: the home screen shows the discreet offline sign by itself.
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), server.shutdown())
            .await
            .expect("the office server stops")
    });
    wait_until("the offline sign", || {
        kiosk.exec("return document.querySelector('[data-testid=offline-sign]').hidden") == false
    });
    let sign = kiosk.text("[data-testid=offline-sign]");
    assert!(sign.contains("mất kết nối"), "offline sign: {sign:?}");
    kiosk.screenshot("offline-1-home");
    kiosk.assert_accessible("home offline");

    // Two taps still give a number, from the kiosk's own sequence, printed and marked offline.
    kiosk.click("[data-testid=service-ho-tich]");
    kiosk.click("[data-testid=priority-none]");
    kiosk.find("[data-testid=ticket-number]");
    let number = kiosk.text("[data-testid=ticket-number]");
    assert_eq!(
        number, "A2-001",
        "kiosk 2's first offline number for Hộ tịch"
    );
    kiosk.find("[data-testid=ticket-offline]");
    kiosk.find("[data-testid=print-ok]");
    // Offline nobody knows who waits: the screen says so, never "nobody ahead / soon".
    let ahead = kiosk.text("[data-testid=ticket-people-ahead]");
    assert!(ahead.contains("Chưa biết"), "people ahead: {ahead}");
    assert!(
        kiosk.try_find("[data-testid=ticket-wait]").is_none(),
        "no estimated wait offline"
    );
    kiosk.screenshot("offline-2-ticket");
    kiosk.assert_accessible("ticket issued offline");
    let mut pdf = None;
    wait_until("the printed ticket", || {
        pdf = pdf_in(&spool);
        pdf.is_some()
    });
    let text = pdf_text(&pdf.unwrap());
    assert!(text.contains("A2-001"), "{text}");
    assert!(text.contains("Issued offline"), "{text}");
    kiosk.click("[data-testid=btn-done]");

    // The server returns on the same address: the sign goes, the outbox drains, and the board
    // (which reconnects by itself) counts the offline ticket among those waiting.
    let server = start(&rt, port, &db);
    wait_until("the offline sign to go", || {
        kiosk.exec("return document.querySelector('[data-testid=offline-sign]')?.hidden ?? false")
            == true
    });
    board.wait_text("[data-testid=board-waiting-count-ho-tich]", "1 người", WAIT);

    // Counter 1's call keypad (a counter device) calls next: the offline ticket, on the board
    // and announced.
    let keypad = motcua_office::access::add_device(
        &db,
        motcua_core::devices::DeviceKind::Counter,
        "keypad-1",
        Some("quay-1"),
    )
    .expect("a counter device");
    let http = reqwest::blocking::Client::new();
    let r = http
        .post(format!("{base}/api/v1/counters/quay-1/call-next"))
        .bearer_auth(&keypad)
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert!(r.status().is_success(), "call-next: {}", r.status());
    board.wait_text("[data-testid=board-current-quay-1]", &number, WAIT);
    board.screenshot("offline-3-board-called");
    board.assert_accessible("board after the outage");

    drop(board);
    drop(chromium);
    drop(kiosk);
    rt.block_on(server.shutdown());
}
