//! End to end in the real kiosk window (tauri-driver + WebKitWebDriver under Xvfb): a citizen
//! takes a queue number, from the home screen to the printed ticket.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{decode_qr, pdf_qr, pdf_text, App};

const PUBLIC_URL: &str = "http://motcua.test";

fn kiosk_env(dir: &Path, printer: String) -> Vec<(&'static str, String)> {
    vec![
        ("MOTCUA_DATA_DIR", dir.join("data").display().to_string()),
        ("MOTCUA_WINDOW", "1280x800".into()),
        ("MOTCUA_PRINTER", printer),
        ("MOTCUA_PRINT_FORMAT", "pdf".into()),
        ("MOTCUA_PUBLIC_URL", PUBLIC_URL.into()),
        ("MOTCUA_DEMO", "1".into()),
        ("MOTCUA_STAFF_PIN", "13579".into()),
        ("MOTCUA_LANGUAGE", "vi".into()),
    ]
}

fn wait_for_file(dir: &Path, ext: &str) -> PathBuf {
    let start = Instant::now();
    loop {
        if let Ok(rd) = std::fs::read_dir(dir) {
            let found: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect();
            if let Some(p) = found.into_iter().next() {
                return p;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no .{ext} in {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn home_to_printed_ticket_in_two_taps() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let spool = tmp.path().join("spool");
    let app = App::launch(&kiosk_env(
        tmp.path(),
        format!("folder:{}", spool.display()),
    ));

    // Home: Vietnamese by default, the services to take a number from, and the other choices.
    app.find("[data-testid=home]");
    app.find("[data-testid=service-ho-tich]");
    let home = app.text("body");
    for label in [
        "Lấy số thứ tự",
        "Nộp hồ sơ trực tuyến",
        "Tra cứu thủ tục",
        "Hộ tịch",
    ] {
        assert!(home.contains(label), "home lacks {label:?}: {home}");
    }
    assert_eq!(
        app.exec("return document.documentElement.lang"),
        "vi",
        "the page declares Vietnamese"
    );
    assert_eq!(app.exec("return document.characterSet"), "UTF-8");
    app.screenshot("ticket-01-home");
    app.assert_accessible("home");

    // Tap 1: the service.
    app.click("[data-testid=service-ho-tich]");
    app.find("[data-testid=priority-none]");
    app.find("[data-testid=btn-back]");
    app.find("[data-testid=btn-home]");
    app.screenshot("ticket-02-priority");
    app.assert_accessible("priority");

    // Tap 2: no priority → the ticket is issued and printed.
    app.click("[data-testid=priority-none]");
    app.find("[data-testid=ticket-number]");
    app.find("[data-testid=print-ok]");
    let number = app.text("[data-testid=ticket-number]");
    assert_eq!(number, "A001", "first ticket of the day for Hộ tịch");
    let ahead = app.text("[data-testid=ticket-people-ahead]");
    assert!(ahead.contains("chờ trước"), "people ahead shown: {ahead}");
    // What happens next, and nothing untrue: sit, watch, listen; which counters; today only.
    let next = app.text("[data-testid=ticket-next]");
    assert!(next.contains("lắng nghe gọi số"), "{next}");
    assert_eq!(
        app.text("[data-testid=ticket-counters]"),
        "Quầy phục vụ: 1, 2",
        "the demo's counters serving Hộ tịch"
    );
    assert!(app
        .text("[data-testid=ticket-valid]")
        .contains("trong ngày"));
    let shot = app.screenshot("ticket-03-issued");
    app.assert_accessible("ticket");

    // The QR on screen is the ticket's status page.
    let screen_qr = decode_qr(&shot);
    assert_eq!(screen_qr.len(), 1, "one QR on screen: {screen_qr:?}");
    assert!(
        screen_qr[0].starts_with(&format!("{PUBLIC_URL}/t/")),
        "status URL on screen: {}",
        screen_qr[0]
    );

    // The printed ticket (folder transport): its text and its QR.
    let pdf = wait_for_file(&spool, "pdf");
    let text = pdf_text(&pdf);
    assert!(text.contains("A001"), "number in PDF: {text}");
    assert!(text.contains("PHIẾU SỐ THỨ TỰ"), "title in PDF: {text}");
    assert!(text.contains("Hộ tịch"), "service in PDF: {text}");
    assert_eq!(
        pdf_qr(&pdf, tmp.path()),
        screen_qr,
        "printed QR = screen QR"
    );

    // Done → home; a second ticket gets the next number with one person ahead.
    app.click("[data-testid=btn-home]");
    app.click("[data-testid=service-ho-tich]");
    app.click("[data-testid=priority-elderly]");
    app.find("[data-testid=ticket-number]");
    assert_eq!(app.text("[data-testid=ticket-number]"), "A002");
    let ahead = app.text("[data-testid=ticket-people-ahead]");
    assert!(ahead.contains('1'), "one person ahead: {ahead}");
}

/// Item 1 of the citizen-UX issue: a printer fault never costs the citizen their turn. The number
/// stays on the screen (no return home by itself), one sentence per language says what to do,
/// "In lại" prints once the printer is back, and the counter page shows "kiosk-1: máy in lỗi"
/// as soon as the fault happens.
#[test]
fn printer_fault_keeps_the_turn_and_in_lai_prints_once_the_printer_is_back() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    // Nothing listens on this port yet: the thermal printer is off.
    let printer_port = support::free_port();
    let office_port = loop {
        let p = support::free_port();
        if p != printer_port {
            break p;
        }
    };
    let mut env = kiosk_env(tmp.path(), format!("tcp:127.0.0.1:{printer_port}"));
    env.push(("MOTCUA_EMBEDDED_LISTEN", format!("127.0.0.1:{office_port}")));
    env.push(("MOTCUA_KIOSK_ID", "kiosk-1".into()));
    // The shortest idle time: a printed ticket would be gone long before the checks below.
    env.push(("MOTCUA_IDLE_TIMEOUT", "10".into()));
    let app = App::launch(&env);
    let base = format!("http://127.0.0.1:{office_port}");

    app.click("[data-testid=service-kinh-doanh]");
    app.click("[data-testid=priority-none]");
    app.find("[data-testid=print-failed]");
    assert_eq!(app.text("[data-testid=ticket-number]"), "C001");
    let alert = app.text("[data-testid=print-failed]");
    assert!(
        alert.contains("Số C001 vẫn được giữ"),
        "the turn is kept: {alert}"
    );
    assert!(
        alert.contains("In lại") && alert.contains("cán bộ"),
        "{alert}"
    );
    assert!(
        alert.contains("Number C001 is kept"),
        "the English sentence is in sight too: {alert}"
    );
    assert!(
        !alert.contains("chụp ảnh") && !alert.contains("ghi lại"),
        "no photo or pen asked for: {alert}"
    );
    assert_eq!(
        alert.matches("C001").count(),
        2,
        "one sentence per language: {alert}"
    );
    assert!(
        app.try_find("[data-testid=auto-home]").is_none(),
        "no countdown home"
    );
    assert_eq!(
        app.exec(
            "const e = document.querySelector('[data-testid=print-failed] .alert-other-lang').getBoundingClientRect(); \
             return e.bottom <= document.querySelector('.navbar').getBoundingClientRect().top"
        ),
        serde_json::json!(true),
        "the English sentence is not hidden under the bottom bar"
    );
    let shot = app.screenshot("ticket-04-printer-offline");
    app.assert_accessible("printer offline");
    let qr = decode_qr(&shot);
    assert!(
        qr.iter()
            .any(|q| q.starts_with(&format!("{PUBLIC_URL}/t/"))),
        "QR on screen: {qr:?}"
    );

    // The office knows at once: the device status the counter page shows.
    let http = reqwest::blocking::Client::new();
    let status = |want: &str| {
        let start = Instant::now();
        loop {
            let list: serde_json::Value = http
                .get(format!("{base}/api/v1/devices/status"))
                .send()
                .unwrap()
                .json()
                .unwrap();
            let kiosk = list
                .as_array()
                .and_then(|l| l.iter().find(|d| d["device_id"] == "kiosk-1").cloned());
            if kiosk.as_ref().is_some_and(|k| k["printer"] == want) {
                return kiosk.unwrap();
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "kiosk-1's printer never reported {want}: {list}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let kiosk = status("fault");
    assert_eq!(kiosk["alert_vi"], "kiosk-1: máy in lỗi", "{kiosk}");
    let chromium = support::chromium::Chromium::start();
    let counter = chromium.session(1280, 900);
    counter.goto(&format!("{base}/counter/"));
    // The counter page opens on its sign-in: the embedded office's demo account.
    let (user, password) = motcua_office::access::DEMO_STAFF;
    crate::e2e_counter::submit_sign_in(&counter, user, password);
    counter.wait_js(
        "the counter page's printer alert",
        Duration::from_secs(15),
        "return document.body.textContent.includes('kiosk-1: máy in lỗi');",
    );
    counter.screenshot("ticket-04-counter-printer-alert");
    drop(counter);
    drop(chromium);

    // Well past the idle time: the number is still there (nobody touched the screen).
    std::thread::sleep(Duration::from_secs(13));
    assert_eq!(
        app.text("[data-testid=ticket-number]"),
        "C001",
        "no return home"
    );

    // The printer comes back; "In lại" prints the same ticket once.
    let listener = std::net::TcpListener::bind(("127.0.0.1", printer_port)).unwrap();
    let printed = std::thread::spawn(move || {
        // A network printer speaking the real protocol: each real-time status request
        // (DLE EOT n) answered "ready" (0x12), then the job.
        use std::io::{Read, Write};
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let (mut buf, mut chunk) = (Vec::new(), [0u8; 8192]);
        loop {
            match conn.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            while buf.len() >= 3 && buf[0] == 0x10 && buf[1] == 0x04 {
                conn.write_all(&[0x12]).unwrap();
                buf.drain(..3);
            }
        }
        buf
    });
    app.click("[data-testid=btn-reprint]");
    app.find("[data-testid=print-ok]");
    assert_eq!(app.text("[data-testid=ticket-number]"), "C001");
    app.screenshot("ticket-04b-reprinted");
    let bytes = printed.join().unwrap();
    assert!(
        bytes.starts_with(b"%PDF"),
        "a PDF ticket reached the printer"
    );
    let pdf = tmp.path().join("reprinted.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("C001"), "the same number printed: {text}");
    let kiosk = status("ok");
    assert!(kiosk["alert_vi"].is_null(), "the alert goes: {kiosk}");
}

#[test]
fn only_built_choices_and_a_quiet_staff_mark() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let spool = tmp.path().join("spool");
    let port = support::free_port();
    let mut env = kiosk_env(tmp.path(), format!("folder:{}", spool.display()));
    env.push(("MOTCUA_EMBEDDED_LISTEN", format!("127.0.0.1:{port}")));
    let app = App::launch(&env);

    // The kiosk's embedded office server serves the counter page and the board from the
    // kiosk's own copy of the UI (the one Tauri embeds: the binary holds it once).
    let http = reqwest::blocking::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    for (page, title) in [("counter", "Quầy giao dịch"), ("board", "<title>")] {
        let r = http.get(format!("{base}/{page}/")).send().unwrap();
        assert_eq!(r.status(), 200, "/{page}/");
        let html = r.text().unwrap();
        assert!(html.contains(title), "/{page}/: {html}");
        let asset = html
            .split('"')
            .find(|s| s.starts_with("./assets/") || s.starts_with("assets/"))
            .unwrap_or_else(|| panic!("no asset in /{page}/: {html}"))
            .trim_start_matches("./")
            .to_string();
        let r = http.get(format!("{base}/{page}/{asset}")).send().unwrap();
        assert_eq!(r.status(), 200, "/{page}/{asset}");
        assert!(!r.bytes().unwrap().is_empty());
    }
    let r = http
        .get(format!("{base}/counter/assets/nope.js"))
        .send()
        .unwrap();
    assert_eq!(
        r.status(),
        404,
        "an asset the UI does not have is not index.html"
    );

    // Only what is built is offered: no tile leads to "coming soon".
    app.find("[data-testid=tile-vneid]");
    app.find("[data-testid=tile-procedures]");
    for tile in ["dossier", "rating", "feedback"] {
        assert!(
            app.try_find(&format!("[data-testid=tile-{tile}]"))
                .is_none(),
            "{tile} is not built yet: not on the home screen"
        );
    }
    // The staff entry is a quiet corner mark, named for screen readers, not a labelled button.
    assert_eq!(app.text("[data-testid=staff-button]").trim(), "");
    assert_eq!(
        app.attr("[data-testid=staff-button]", "aria-label")
            .as_deref(),
        Some("Dành cho cán bộ")
    );
    // English toggle.
    app.click("[data-testid=lang-toggle]");
    let start = Instant::now();
    while app.exec("return document.documentElement.lang") != "en" {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "language did not switch"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        app.text("body").contains("queue number"),
        "{}",
        app.text("body")
    );
    app.screenshot("home-en");

    // Staff sign in with their own account (issue 12); the office's own emergency PIN is
    // there too: a wrong PIN is refused, the right one opens the menu that leaves kiosk mode.
    app.click("[data-testid=staff-button]");
    app.find("[data-testid=staff-signin]");
    app.click("[data-testid=staff-emergency-pin]");
    for d in ['1', '1', '1', '1'] {
        app.click(&format!("[data-testid=pin-key-{d}]"));
    }
    app.click("[data-testid=pin-submit]");
    app.find("[data-testid=error]");
    assert!(app.text("[data-testid=error]").contains("PIN"));
    app.screenshot("staff-wrong-pin");
    assert!(app.try_find("[data-testid=staff-menu]").is_none());
    for d in "13579".chars() {
        app.click(&format!("[data-testid=pin-key-{d}]"));
    }
    app.click("[data-testid=pin-submit]");
    app.find("[data-testid=staff-menu]");
    app.find("[data-testid=btn-exit-kiosk]");
    assert!(
        app.try_find("[data-testid=staff-test-page]").is_none(),
        "the PIN opens no staff tool"
    );
    app.screenshot("staff-menu");
    app.assert_accessible("staff menu");
}
