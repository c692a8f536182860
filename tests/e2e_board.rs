//! End to end in headless Chromium (Debian's chromium + chromium-driver): the real office server
//! serves the counter page and the TV board; a counter calls the next number and the board shows
//! it and queues its announcement; the server restarts on the same database and port, and the
//! board recovers by itself and shows a later call. A skip is undoable: the counter asks before
//! skipping a number not yet called again, lists the skipped numbers and calls one back (the
//! board shows and announces it), and calls a typed number. Device alerts: a kiosk's printer
//! fault and a board without sound show on the counter page and the board's staff view, live.
//! Eight services fit the board at 1920×1080. Screenshots: target/e2e/board-*.png and
//! counter-*.png; axe-core on every page and the confirmation. The counter signs in (a staff
//! account made as an install script would) and again after the restart (sessions are the
//! server's memory); tickets are issued and devices report with a kiosk's token.

use crate::e2e_counter::{add_staff, board_token, kiosk_token, sign_in};
use crate::support;

use motcua_office::access::Role;
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

fn issue(http: &reqwest::blocking::Client, base: &str, kiosk: &str, service: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/tickets"))
        .bearer_auth(kiosk)
        .json(&json!({ "service_id": service }))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "issue a ticket");
    let t: Value = r.json().unwrap();
    t["number"].as_str().expect("ticket number").to_string()
}

/// Waits until the element's text contains `want`.
fn wait_contains(s: &Session, css: &str, want: &str) {
    let script = format!(
        "const e = document.querySelector({}); return !!e && e.textContent.includes({});",
        json!(css),
        json!(want)
    );
    s.wait_js(&format!("{css} to contain {want:?}"), WAIT, &script);
}

/// Waits until no element matches `css`.
fn wait_gone(s: &Session, css: &str) {
    let script = format!("return !document.querySelector({});", json!(css));
    s.wait_js(&format!("{css} to go"), WAIT, &script);
}

/// Types `text` into the counter's "Gọi số" field and submits it.
fn call_typed(counter: &Session, text: &str) {
    counter.exec(&format!(
        "const i = document.querySelector('[data-testid=call-number-input]'); i.focus(); i.value = {}; i.dispatchEvent(new Event('input', {{bubbles: true}}));",
        json!(text)
    ));
    counter.click("[data-testid=btn-call-number]");
}

/// The element's box: [left, top, width, height].
fn rect(s: &Session, css: &str) -> [f64; 4] {
    let v = s.exec(&format!(
        "const r = document.querySelector({}).getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
        json!(css)
    ));
    let n: Vec<f64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    [n[0], n[1], n[2], n[3]]
}

/// Every service's waiting row is on the 1920×1080 board, readable, nothing scrolls; then a
/// screenshot named `name`.
fn assert_fits(board: &Session, name: &str) {
    let fit = board.exec(
        "const side = document.querySelector('.board-side').getBoundingClientRect();
         const foot = document.querySelector('.board-foot').getBoundingClientRect();
         const band = document.querySelector('.board-unlock-band').getBoundingClientRect();
         const limit = Math.min(side.bottom, foot.top, band.height > 0 ? band.top : Infinity);
         const rows = [...document.querySelectorAll('.board-waiting .wait')];
         return {
           rows: rows.length,
           clipped: rows.filter(r => r.getBoundingClientRect().bottom > limit + 0.5).map(r => r.dataset.testid),
           overflow: document.documentElement.scrollHeight - window.innerHeight,
           nameSize: parseFloat(getComputedStyle(document.querySelector('.wait-name')).fontSize),
           countSize: parseFloat(getComputedStyle(document.querySelector('.wait-count')).fontSize),
           lastShown: [...document.querySelectorAll('.board-last .last')].filter(e => e.getBoundingClientRect().height > 0).length,
           room: Math.round(limit - rows[rows.length - 1].getBoundingClientRect().bottom),
         };",
    );
    eprintln!("{name}: {fit}");
    assert_eq!(fit["rows"], 8, "{fit}");
    assert_eq!(
        fit["clipped"],
        json!([]),
        "every service's row is on screen: {fit}"
    );
    assert!(fit["overflow"].as_f64().unwrap() <= 0.0, "{fit}");
    assert!(fit["nameSize"].as_f64().unwrap() >= 24.0, "readable: {fit}");
    assert!(
        fit["countSize"].as_f64().unwrap() >= 30.0,
        "readable: {fit}"
    );
    assert!(
        fit["lastShown"].as_u64().unwrap() >= 1,
        "the latest call stays: {fit}"
    );
    board.screenshot(name);
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
    add_staff(&db, "lan", "Nguyễn Thị Lan", Role::Counter, &[]);
    let kiosk = kiosk_token(&db, "kiosk-1");
    // Each board reports its sound with its own device token, given in the address's fragment.
    let [b1, b2, b3] = ["board-1", "board-2", "board-3"].map(|n| board_token(&db, n));
    let server = start(&rt, port, &db);

    let chromium = Chromium::start();
    let board = chromium.session(1920, 1080);
    let counter = chromium.session(1280, 800);
    // A second board in a browser that blocks sound until a touch (Chromium's default).
    let quiet = chromium.session_with(1920, 1080, &[]);
    quiet.goto(&format!("{base}/board?device=board-2#token={b2}"));

    // The board: every counter, every service's queue, the clock, the office's name.
    board.goto(&format!("{base}/board?device=board-1#token={b1}"));
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

    // The counter page: sign in, pick counter 1 (it serves Hộ tịch).
    counter.goto(&format!("{base}/counter"));
    sign_in(&counter, "lan");
    counter.find("[data-testid=counter-pick-quay-1]");
    assert_eq!(counter.exec("return document.documentElement.lang"), "vi");
    // The board whose browser blocks sound reported it: the staff see it at once.
    wait_contains(
        &counter,
        "[data-testid=device-alert-board-2]",
        "board-2: bảng chưa bật tiếng",
    );
    assert!(counter
        .text("[data-testid=device-alerts]")
        .contains("board-2: the board's sound is off"));
    assert!(
        counter
            .try_find("[data-testid=device-alert-board-1]")
            .is_none(),
        "the board with sound has nothing to say"
    );
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
    let first = issue(&http, &base, &kiosk, "ho-tich");
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
    // The desk's new controls: the skipped numbers (none yet) and "Gọi số".
    assert_eq!(
        counter.text("[data-testid=skipped-none]"),
        "Hôm nay chưa bỏ qua số nào."
    );
    counter.find("[data-testid=call-number-input]");
    assert_eq!(counter.text("[data-testid=btn-call-number]"), "Gọi số này");
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
    // A large call to action in the middle of the board, not beside the mute button.
    let [x, y, w, hgt] = rect(&quiet, "[data-testid=board-unlock-audio]");
    assert!(hgt >= 100.0 && w >= 800.0, "unlock button {w}×{hgt}");
    assert!(
        ((x + w / 2.0) - 960.0).abs() < 4.0,
        "centered: x {x}, w {w}"
    );
    let [_, foot_y, _, _] = rect(&quiet, ".board-foot");
    assert!(
        y + hgt <= foot_y,
        "above the footer, away from the sound toggle"
    );
    quiet.screenshot("board-5-sound-blocked");
    quiet.click("[data-testid=board-unlock-audio]");
    quiet.wait_js(
        "sound to be unblocked by a touch",
        WAIT,
        "return !window.__board.audioBlocked && document.querySelector('[data-testid=board-unlock-audio]').hidden;",
    );
    // The board reported its sound on: the counter's alert went away by itself.
    wait_gone(&counter, "[data-testid=device-alert-board-2]");
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
    wait_contains(
        &counter,
        "[data-testid=device-alert-board-2]",
        "board-2: bảng đang tắt tiếng",
    );
    quiet.goto(&format!("{base}/board?device=board-2#token={b2}"));
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
    // The counter's session did not (the server's memory): its next request is refused and
    // the page asks to sign in again; the counter is chosen again.
    counter.find("[data-testid=signin-notice]");
    assert!(counter
        .text("[data-testid=signin-notice]")
        .contains("Phiên đăng nhập đã hết"));
    sign_in(&counter, "lan");
    counter.click("[data-testid=counter-pick-quay-1]");
    counter.wait_text("[data-testid=current-number]", &first, WAIT);

    // A later call reaches the board and is announced.
    let second = issue(&http, &base, &kiosk, "ho-tich");
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

    // ---------------------------------------------------------------- a skip is undoable
    let third = issue(&http, &base, &kiosk, "ho-tich");
    counter.wait_text("[data-testid=queue-count-ho-tich] .queue-n", "1", WAIT);
    counter.click("[data-testid=btn-call-next]");
    counter.wait_text("[data-testid=current-number]", &third, WAIT);
    // Not called again yet: "Bỏ qua" asks first, "Chưa, quay lại" the inviting choice.
    counter.click("[data-testid=btn-skip]");
    counter.find("[data-testid=skip-confirm]");
    let ask = counter.text("[data-testid=skip-confirm]");
    assert!(
        ask.contains(&format!("Bỏ qua số {third}?")) && ask.contains("Công dân sẽ mất lượt"),
        "{ask:?}"
    );
    assert_eq!(
        counter.exec("return document.activeElement?.dataset.testid ?? null"),
        "skip-confirm-back",
        "the safe choice has the focus"
    );
    assert!(counter
        .attr("[data-testid=skip-confirm-back]", "class")
        .unwrap()
        .contains("btn-primary"));
    counter.screenshot("counter-6-skip-confirm");
    counter.assert_accessible("skip confirmation");
    counter.click("[data-testid=skip-confirm-back]");
    wait_gone(&counter, "[data-testid=skip-confirm]");
    assert_eq!(
        counter.text("[data-testid=current-number]"),
        third,
        "not skipped"
    );
    counter.click("[data-testid=btn-skip]");
    counter.click("[data-testid=skip-confirm-go]");
    counter.wait_text("[data-testid=current-number]", "—", WAIT);
    board.wait_text("[data-testid=board-current-quay-1]", "—", WAIT);
    // After one "Gọi lại" a skip needs no question.
    let fourth = issue(&http, &base, &kiosk, "ho-tich");
    counter.wait_text("[data-testid=queue-count-ho-tich] .queue-n", "1", WAIT);
    counter.click("[data-testid=btn-call-next]");
    counter.wait_text("[data-testid=current-number]", &fourth, WAIT);
    counter.click("[data-testid=btn-recall]");
    wait_announcement_of(&board, &fourth, "quay-1", "recalled");
    counter.click("[data-testid=btn-skip]");
    counter.wait_text("[data-testid=current-number]", "—", WAIT);
    assert!(counter.try_find("[data-testid=skip-confirm]").is_none());
    // Both are listed, the latest first, each with "Gọi lại số này".
    counter.find(&format!("[data-testid=skipped-{fourth}]"));
    counter.find(&format!("[data-testid=skipped-{third}]"));
    let listed = counter
        .exec("return [...document.querySelectorAll('.skipped-number')].map(e => e.textContent);");
    assert_eq!(listed, json!([fourth, third]));
    assert_eq!(
        counter.text(&format!("[data-testid=btn-call-skipped-{third}]")),
        "Gọi lại số này"
    );
    counter.screenshot("counter-6-skipped-list");
    counter.assert_accessible("counter with skipped numbers");

    // The citizen with the third number came back: called again, shown and announced.
    counter.click(&format!("[data-testid=btn-call-skipped-{third}]"));
    counter.wait_text("[data-testid=current-number]", &third, WAIT);
    board.wait_text("[data-testid=board-current-quay-1]", &third, WAIT);
    let a = wait_announcement_of(&board, &third, "quay-1", "called");
    assert_eq!(a["counter_number"], 1);
    wait_gone(&counter, &format!("[data-testid=skipped-{third}]"));
    counter.screenshot("counter-6-recall-skipped");
    board.screenshot("board-6-recall-skipped");

    // A typed number: unknown, another service's (refused, nothing changes), then the
    // skipped fourth typed in lower case without its zeros.
    call_typed(&counter, "A999");
    counter.find("[data-testid=error]");
    assert_eq!(
        counter.attr("[data-testid=error]", "data-code").as_deref(),
        Some("not_found")
    );
    assert!(counter.text("[data-testid=error]").contains("A999"));
    call_typed(&counter, &second); // transferred to Đất đai, which quầy 1 does not serve
    wait_contains(&counter, "[data-testid=error]", "Đất đai");
    assert_eq!(
        counter.attr("[data-testid=error]", "data-code").as_deref(),
        Some("service_not_served")
    );
    assert_eq!(counter.text("[data-testid=current-number]"), third);
    let short = format!(
        "{}{}",
        fourth[..1].to_lowercase(),
        fourth[1..].trim_start_matches('0')
    );
    call_typed(&counter, &short);
    counter.wait_text("[data-testid=current-number]", &fourth, WAIT);
    board.wait_text("[data-testid=board-current-quay-1]", &fourth, WAIT);
    wait_announcement_of(&board, &fourth, "quay-1", "called");
    assert!(counter.try_find("[data-testid=error]").is_none());
    counter.find("[data-testid=skipped-none]");

    // ---------------------------------------------------------------- device alerts
    let r = http
        .post(format!("{base}/api/v1/devices/status"))
        .bearer_auth(&kiosk)
        .json(&json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "fault"}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Without a reload.
    wait_contains(
        &counter,
        "[data-testid=device-alert-kiosk-1]",
        "kiosk-1: máy in lỗi",
    );
    assert!(counter
        .text("[data-testid=device-alert-kiosk-1]")
        .contains("kiosk-1: printer fault"));
    assert_eq!(
        counter
            .attr("[data-testid=device-alerts]", "role")
            .as_deref(),
        Some("alert")
    );
    counter.screenshot("counter-1-printer-alert");
    counter.assert_accessible("counter with a device alert");
    // The staff view of the board shows it; the public board does not.
    let staff = chromium.session(1920, 1080);
    staff.goto(&format!("{base}/board?view=staff"));
    wait_contains(
        &staff,
        "[data-testid=board-alert-kiosk-1]",
        "kiosk-1: máy in lỗi",
    );
    staff.screenshot("board-staff-alerts");
    staff.assert_accessible("board staff view");
    assert!(board
        .try_find("[data-testid=board-alert-kiosk-1]")
        .is_none());
    assert_eq!(
        board.exec("return document.querySelector('[data-testid=board-staff-alerts]').hidden"),
        true
    );
    // Fixed: gone from both, live.
    let r = http
        .post(format!("{base}/api/v1/devices/status"))
        .bearer_auth(&kiosk)
        .json(&json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "ok"}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    wait_gone(&counter, "[data-testid=device-alert-kiosk-1]");
    wait_gone(&staff, "[data-testid=board-alert-kiosk-1]");
    staff.find("[data-testid=board-alerts-none]");
    drop(staff);

    // ---------------------------------------------------------------- eight services, 1080 lines
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        let more = [
            ("tu-phap", "E", "Tư pháp – Hộ tịch có yếu tố nước ngoài"),
            ("tai-chinh", "G", "Tài chính – Kế hoạch"),
            ("van-hoa", "H", "Văn hoá – Thông tin"),
            ("quan-su", "K", "Quân sự – Công an xã"),
        ];
        for (i, (id, prefix, name)) in more.iter().enumerate() {
            conn.execute(
                "INSERT INTO services (id, prefix, name_vi, name_en, open, default_minutes, sort_order)
                 VALUES (?1, ?2, ?3, ?3, 1, 10, ?4)",
                rusqlite::params![id, prefix, name, 10 + i as i64],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO counters (id, number, name) VALUES ('quay-5', 5, 'Quầy 5')",
            [],
        )
        .unwrap();
        for (id, ..) in more {
            conn.execute(
                "INSERT INTO counter_services (counter_id, service_id) VALUES ('quay-5', ?1)",
                [id],
            )
            .unwrap();
        }
    }
    for svc in [
        "tu-phap",
        "tai-chinh",
        "van-hoa",
        "quan-su",
        "kinh-doanh",
        "lao-dong",
    ] {
        for _ in 0..3 {
            issue(&http, &base, &kiosk, svc);
        }
    }
    board.goto(&format!("{base}/board?device=board-1#token={b1}"));
    board.find("[data-testid=board-waiting-quan-su]");
    board.wait_text("[data-testid=board-waiting-count-quan-su]", "3 người", WAIT);
    assert_fits(&board, "board-1080-eight-services");
    board.assert_accessible("board with eight services");
    // Also while a board's browser blocks sound and the large "touch" band takes its room.
    let quiet = chromium.session_with(1920, 1080, &[]);
    quiet.goto(&format!("{base}/board?device=board-3#token={b3}"));
    quiet.wait_text("[data-testid=board-waiting-count-quan-su]", "3 người", WAIT);
    quiet.wait_js(
        "the sound to be found blocked",
        WAIT,
        "return window.__board.audioBlocked && !document.querySelector('[data-testid=board-unlock-band]').hidden;",
    );
    assert_fits(&quiet, "board-1080-eight-services-sound-blocked");
    drop(quiet);
    // And the staff view, whose alerts strip now tells of that board.
    let staff = chromium.session(1920, 1080);
    staff.goto(&format!("{base}/board?view=staff"));
    staff.wait_text("[data-testid=board-waiting-count-quan-su]", "3 người", WAIT);
    wait_contains(
        &staff,
        "[data-testid=board-alert-board-3]",
        "board-3: bảng chưa bật tiếng",
    );
    assert_fits(&staff, "board-1080-eight-services-staff");
    drop(staff);

    drop(counter);
    drop(board);
    drop(chromium);
    stop(&rt, server);
    eprintln!("e2e_board took {:?}", t0.elapsed());
}
