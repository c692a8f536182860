//! End to end in headless Chromium (Debian's chromium + chromium-driver): the real office server
//! serves the counter page and the TV board; a counter calls the next number and the board shows
//! it and queues its announcement; the server restarts on the same database and port, and the
//! board recovers by itself and shows a later call. Screenshots: target/e2e/board-*.png and
//! counter-*.png; axe-core on both pages.

use crate::support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::chromium::Chromium;
use support::{free_port, repo_root, Session};

const WAIT: Duration = Duration::from_secs(15);

fn ui_dist() -> PathBuf {
    let dist = repo_root().join("ui/dist");
    assert!(
        dist.join("board.html").exists() && dist.join("counter.html").exists(),
        "ui/dist lacks board.html or counter.html: run `make ui` (cd ui && npm run build) first"
    );
    dist
}

fn config(port: u16, db: &Path) -> motcua_office::ServerConfig {
    motcua_office::ServerConfig {
        listen: format!("127.0.0.1:{port}"),
        db_path: db.to_path_buf(),
        office_name: "UBND xã Tân Phú – Bộ phận Một cửa".into(),
        seed_demo: true,
        ui: motcua_office::UiSource::Dir(ui_dist()),
        ..Default::default()
    }
}

/// Starts the office server, retrying while the port is still held by the one just stopped.
fn start(rt: &tokio::runtime::Runtime, port: u16, db: &Path) -> motcua_office::ServerHandle {
    let t = Instant::now();
    loop {
        match rt.block_on(motcua_office::start(config(port, db))) {
            Ok(h) => return h,
            Err(e) if t.elapsed() < Duration::from_secs(10) => {
                eprintln!("office server not up yet ({e}), retrying");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("office server: {e}"),
        }
    }
}

fn stop(rt: &tokio::runtime::Runtime, server: motcua_office::ServerHandle) {
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), server.shutdown())
            .await
            .expect("the office server stops within 10 s, open event streams included")
    });
}

fn issue(http: &reqwest::blocking::Client, base: &str, service: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/tickets"))
        .json(&json!({ "service_id": service }))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "issue a ticket");
    let t: Value = r.json().unwrap();
    t["number"].as_str().expect("ticket number").to_string()
}

/// The board's announcement record for this number at this counter, once queued.
fn wait_announcement(board: &Session, number: &str, counter: &str) -> Value {
    wait_announcement_of(board, number, counter, "called")
}

/// Same, for a `called` or `recalled` event.
fn wait_announcement_of(board: &Session, number: &str, counter: &str, kind: &str) -> Value {
    let find = format!(
        "return (window.__board?.announcements ?? []).find(a => a.number === {} && a.counter_id === {} && a.type === {}) ?? null;",
        json!(number),
        json!(counter),
        json!(kind)
    );
    let start = Instant::now();
    loop {
        let v = board.exec(&find);
        if v.is_object() {
            return v;
        }
        assert!(
            start.elapsed() < WAIT,
            "no announcement of {number} at {counter}: {}",
            board.exec("return JSON.stringify(window.__board?.announcements)")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn counter_calls_and_board_shows_announces_and_survives_a_restart() {
    let _one_browser = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let t0 = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("office.db");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let server = start(&rt, port, &db);

    let chromium = Chromium::start();
    let board = chromium.session(1920, 1080);
    let counter = chromium.session(1280, 800);
    // A second board in a browser that blocks sound until a touch (Chromium's default).
    let quiet = chromium.session_with(1920, 1080, &[]);
    quiet.goto(&format!("{base}/board"));

    // The board: every counter, every service's queue, the clock, the office's name.
    board.goto(&format!("{base}/board"));
    board.find("[data-testid=board-counter-quay-1]");
    board.find("[data-testid=board-waiting-ho-tich]");
    board.wait_js(
        "the board's live stream",
        WAIT,
        "return !document.querySelector('[data-testid=board-status]').classList.contains('is-down');",
    );
    assert_eq!(board.exec("return document.documentElement.lang"), "vi");
    assert_eq!(board.exec("return document.characterSet"), "UTF-8");
    assert!(board.text("[data-testid=board-office]").contains("Tân Phú"));
    let clock = board.text("[data-testid=board-clock]");
    assert!(
        clock.len() == 5 && clock.as_bytes()[2] == b':',
        "clock {clock:?}"
    );
    assert_eq!(
        board.exec("return window.__board.audioBlocked"),
        false,
        "autoplay is allowed in this browser, so no touch-to-enable button"
    );

    // The counter page: pick counter 1 (it serves Hộ tịch).
    counter.goto(&format!("{base}/counter"));
    counter.find("[data-testid=counter-pick-quay-1]");
    assert_eq!(counter.exec("return document.documentElement.lang"), "vi");
    counter.screenshot("counter-1-picker");
    counter.assert_accessible("counter picker");
    counter.click("[data-testid=counter-pick-quay-1]");
    counter.find("[data-testid=btn-call-next]");
    counter.wait_js(
        "the counter's queues",
        WAIT,
        "return document.querySelector('[data-testid=queue-ho-tich]')?.dataset.mine === 'true';",
    );

    // Nobody waits yet: the server's refusal (409 queue_empty) is shown in Vietnamese first.
    counter.click("[data-testid=btn-call-next]");
    counter.find("[data-testid=error]");
    assert_eq!(
        counter.attr("[data-testid=error]", "data-code").as_deref(),
        Some("queue_empty")
    );
    let err = counter.text("[data-testid=error]");
    assert!(
        err.chars()
            .any(|c| "ơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ".contains(c)),
        "error in Vietnamese: {err:?}"
    );
    counter.screenshot("counter-2-queue-empty");

    // A citizen takes a number; the counter calls it.
    let first = issue(&http, &base, "ho-tich");
    counter.wait_text("[data-testid=queue-count-ho-tich] .queue-n", "1", WAIT);
    board.wait_text("[data-testid=board-waiting-count-ho-tich]", "1 người", WAIT);
    counter.click("[data-testid=btn-call-next]");
    counter.wait_text("[data-testid=current-number]", &first, WAIT);

    // The board shows it at counter 1, in the last called, and announces it.
    board.wait_text("[data-testid=board-current-quay-1]", &first, WAIT);
    let last = board.text("[data-testid=board-last-called]");
    assert!(last.contains(&first), "last called {last:?} lacks {first}");
    let a = wait_announcement(&board, &first, "quay-1");
    assert_eq!(a["counter_number"], 1);
    assert_eq!(a["type"], "called");
    board.wait_js(
        "the called number flashing",
        WAIT,
        "const f = document.querySelector('[data-testid=board-announcement]'); return !!f && !f.hidden;",
    );
    let flash = board.text("[data-testid=board-announcement]");
    assert!(
        flash.contains(&first) && flash.contains("Mời công dân có số"),
        "flash {flash:?}"
    );
    board.screenshot("board-1-called");
    assert!(
        counter.try_find("[data-testid=error]").is_none(),
        "the error went away"
    );
    counter.screenshot("counter-3-called");
    counter.assert_accessible("counter");

    // The announcement plays to its end (chime, then the voice or, without espeak-ng, nothing).
    board.wait_js(
        "the announcement to finish",
        Duration::from_secs(30),
        &format!(
            "return window.__board.announcements.some(a => a.number === {} && a.status === 'done');",
            json!(first)
        ),
    );
    let a = wait_announcement(&board, &first, "quay-1");
    eprintln!("announcement: {a}");
    assert!(
        matches!(a["sound"].as_str(), Some("played" | "voice_unavailable")),
        "sound: {a}"
    );
    board.wait_js(
        "the flash to end",
        WAIT,
        "return document.querySelector('[data-testid=board-announcement]').hidden;",
    );
    board.screenshot("board-2-idle");
    board.assert_accessible("board");

    // Where autoplay is blocked the number still flashes, the sound is reported blocked, and a
    // "Chạm để bật âm thanh" button appears; one touch unblocks it. The mute choice is kept.
    let q = wait_announcement(&quiet, &first, "quay-1");
    assert_eq!(q["counter_number"], 1);
    quiet.wait_js(
        "the quiet board's announcement to finish",
        Duration::from_secs(30),
        "return window.__board.announcements.every(a => a.status === 'done');",
    );
    let q = wait_announcement(&quiet, &first, "quay-1");
    assert_eq!(q["sound"], "blocked", "{q}");
    assert_eq!(quiet.exec("return window.__board.audioBlocked"), true);
    let unlock = quiet.text("[data-testid=board-unlock-audio]");
    assert!(unlock.contains("Chạm để bật âm thanh"), "{unlock:?}");
    quiet.screenshot("board-5-sound-blocked");
    quiet.click("[data-testid=board-unlock-audio]");
    quiet.wait_js(
        "sound to be unblocked by a touch",
        WAIT,
        "return !window.__board.audioBlocked && document.querySelector('[data-testid=board-unlock-audio]').hidden;",
    );
    quiet.click("[data-testid=board-sound-toggle]");
    assert_eq!(
        quiet
            .attr("[data-testid=board-sound-toggle]", "aria-pressed")
            .as_deref(),
        Some("true")
    );
    assert!(quiet
        .text("[data-testid=board-sound-toggle]")
        .contains("Bật tiếng"));
    quiet.goto(&format!("{base}/board"));
    quiet.find("[data-testid=board-counter-quay-1]");
    assert_eq!(
        quiet
            .attr("[data-testid=board-sound-toggle]", "aria-pressed")
            .as_deref(),
        Some("true"),
        "muted after a reload"
    );
    drop(quiet);

    // The server restarts on the same database and port.
    stop(&rt, server);
    board.wait_js(
        "the board to notice the server is gone",
        WAIT,
        "return document.querySelector('[data-testid=board-status]').classList.contains('is-down');",
    );
    board.screenshot("board-3-reconnecting");
    let server = start(&rt, port, &db);

    board.wait_js(
        "the board to reconnect",
        Duration::from_secs(20),
        "return !document.querySelector('[data-testid=board-status]').classList.contains('is-down');",
    );
    // What it knew survives: the number at counter 1.
    assert_eq!(board.text("[data-testid=board-current-quay-1]"), first);

    // A later call reaches the board and is announced.
    let second = issue(&http, &base, "ho-tich");
    counter.wait_text(
        "[data-testid=queue-count-ho-tich] .queue-n",
        "1",
        Duration::from_secs(20),
    );
    counter.click("[data-testid=btn-call-next]");
    counter.wait_text("[data-testid=current-number]", &second, WAIT);
    board.wait_text("[data-testid=board-current-quay-1]", &second, WAIT);
    wait_announcement(&board, &second, "quay-1");
    board.screenshot("board-4-after-restart");
    counter.screenshot("counter-4-after-restart");

    // Gọi lại announces it again; Chuyển sends it to another service's queue.
    counter.click("[data-testid=btn-recall]");
    wait_announcement_of(&board, &second, "quay-1", "recalled");
    counter.click("[data-testid=btn-transfer]");
    counter.find("[data-testid=transfer-dat-dai]");
    counter.screenshot("counter-5-transfer");
    counter.click("[data-testid=transfer-dat-dai]");
    counter.wait_text("[data-testid=current-number]", "—", WAIT);
    board.wait_text("[data-testid=board-current-quay-1]", "—", WAIT);
    board.wait_text("[data-testid=board-waiting-count-dat-dai]", "1 người", WAIT);
    counter.wait_text("[data-testid=queue-count-dat-dai] .queue-n", "1", WAIT);

    drop(counter);
    drop(board);
    drop(chromium);
    stop(&rt, server);
    eprintln!("e2e_board took {:?}", t0.elapsed());
}
