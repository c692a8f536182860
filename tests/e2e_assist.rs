//! Staff assist mode in the real kiosk window (issue 12): the embedded office server enrolls
//! its own kiosk (a private token file), a staff member signs in with their own account on the
//! on-screen keyboard, the assist bar names them, a test page prints, a ticket issued while
//! assisting is recorded as assisted in the audit trail, going home ends it; leaving kiosk mode
//! is offered to an admin only.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::App;

const ADMIN: (&str, &str, &str) = ("e2e-admin", "Nguyễn Thị Quản Trị", "mat-khau-admin-1");
const COUNTER: (&str, &str, &str) = ("e2e-quay", "Trần Văn Quầy", "mat-khau-quay-1");

fn add_staff(db: &Path, who: (&str, &str, &str), role: motcua_office::access::Role) {
    motcua_office::access::add_staff(
        db,
        &motcua_office::access::NewStaff {
            username: who.0.into(),
            full_name: who.1.into(),
            role,
            password: who.2.into(),
            counters: vec![],
            services: vec![],
        },
    )
    .unwrap_or_else(|e| panic!("staff {}: {e}", who.0));
}

/// Types `text` key by key on the on-screen keyboard.
fn type_keys(app: &App, text: &str) {
    for c in text.chars() {
        app.click(&format!("[data-testid=\"key-{c}\"]"));
    }
}

fn sign_in(app: &App, user: &str, password: &str) {
    app.find("[data-testid=staff-username]");
    app.click("[data-testid=staff-username]");
    type_keys(app, user);
    app.click("[data-testid=staff-next-field]");
    type_keys(app, password);
    app.click("[data-testid=staff-signin]");
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn files_starting(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect()
}

fn bar_hidden(app: &App) -> bool {
    app.exec("return document.querySelector('[data-testid=assist-bar]').hidden") == true
}

#[test]
fn assist_mode_signs_in_prints_a_test_page_and_records_an_assisted_ticket() {
    use std::os::unix::fs::PermissionsExt;
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let spool = tmp.path().join("spool");
    std::fs::create_dir_all(&data).unwrap();
    // The office database the embedded server will open: two accounts made beforehand, as
    // `motcua staff add` would.
    let db = data.join("office.sqlite3");
    add_staff(&db, ADMIN, motcua_office::access::Role::Admin);
    add_staff(&db, COUNTER, motcua_office::access::Role::Counter);
    let port = support::free_port();
    let app = App::launch(&[
        ("MOTCUA_DATA_DIR", data.display().to_string()),
        ("MOTCUA_WINDOW", "1280x800".into()),
        ("MOTCUA_PRINTER", format!("folder:{}", spool.display())),
        ("MOTCUA_PRINT_FORMAT", "pdf".into()),
        ("MOTCUA_DEMO", "1".into()),
        ("MOTCUA_LANGUAGE", "vi".into()),
        ("MOTCUA_EMBEDDED_LISTEN", format!("127.0.0.1:{port}")),
    ]);
    app.find("[data-testid=home]");
    app.find("[data-testid=service-ho-tich]");

    // The embedded server enrolled its kiosk: the token is in a file only the kiosk's user reads.
    let token_file = data.join("device-token");
    let mode = std::fs::metadata(&token_file)
        .expect("the kiosk's token file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "token file mode {mode:o}");
    assert!(!std::fs::read_to_string(&token_file)
        .unwrap()
        .trim()
        .is_empty());
    assert!(bar_hidden(&app), "nobody assists yet");

    // The staff mark opens the sign-in screen: username and password on the keyboard.
    app.click("[data-testid=staff-button]");
    app.find("[data-testid=staff-signin]");
    app.find("[data-testid=btn-back]");
    app.find("[data-testid=btn-home]");
    app.screenshot("assist-01-signin");
    app.assert_accessible("staff sign-in");

    // A wrong password: refused in both languages, nobody signed in.
    sign_in(&app, ADMIN.0, "sai-mat-khau");
    app.find("[data-testid=error]");
    let err = app.text("[data-testid=error]");
    assert!(
        err.contains("mật khẩu") || err.contains("Mật khẩu"),
        "Vietnamese: {err}"
    );
    assert!(err.to_lowercase().contains("password"), "English: {err}");
    assert_eq!(
        app.attr("[data-testid=error]", "data-code").as_deref(),
        Some("bad_credentials")
    );
    app.screenshot("assist-02-wrong-password");
    assert!(app.try_find("[data-testid=staff-menu]").is_none());

    // The right one (the username is kept): the tools, and the bar naming who assists.
    app.click("[data-testid=staff-password]");
    app.click("[data-testid=key-clear]");
    type_keys(&app, ADMIN.2);
    app.click("[data-testid=staff-signin]");
    app.find("[data-testid=staff-menu]");
    wait_until("the assist bar", || !bar_hidden(&app));
    let bar = app.text("[data-testid=assist-bar]");
    assert!(
        bar.contains(&format!("Đang hỗ trợ: {}", ADMIN.1)),
        "assist bar: {bar}"
    );
    assert!(bar.contains("Kết thúc hỗ trợ"), "{bar}");
    app.find("[data-testid=btn-exit-kiosk]");
    app.find("[data-testid=printer-state]");
    app.find("[data-testid=outbox-empty]");
    app.screenshot("assist-03-tools-admin");
    app.assert_accessible("staff tools");

    // A test page, on the kiosk's printer (a folder here).
    app.click("[data-testid=staff-test-page]");
    wait_until("the test page", || {
        !files_starting(&spool, "test-page-").is_empty()
    });
    let page = files_starting(&spool, "test-page-").remove(0);
    wait_until("the test page written", || {
        std::fs::metadata(&page).is_ok_and(|m| m.len() > 0)
    });
    let text = support::pdf_text(&page);
    assert!(text.contains("IN THỬ"), "test page: {text}");
    assert!(
        text.contains("kiosk-1"),
        "test page names the kiosk: {text}"
    );
    wait_until("printed", || {
        app.text("[data-testid=staff-tool-status]")
            .contains("Đã in")
    });
    assert_eq!(
        app.attr("[data-testid=printer-state]", "data-state")
            .as_deref(),
        Some("ready")
    );

    // Assisting a citizen: home (the bar stays), a number taken for them.
    app.click("[data-testid=staff-assist-start]");
    app.find("[data-testid=home]");
    assert!(!bar_hidden(&app), "still assisting on the home screen");
    app.click("[data-testid=service-ho-tich]");
    app.click("[data-testid=priority-none]");
    app.find("[data-testid=ticket-number]");
    let number = app.text("[data-testid=ticket-number]");
    app.screenshot("assist-04-ticket-assisted");
    app.assert_accessible("ticket while assisting");

    // The audit trail, read by the admin at the office server: the ticket was assisted.
    let http = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let r = http
        .post(format!("{base}/api/v1/staff/session"))
        .json(&serde_json::json!({"username": ADMIN.0, "password": ADMIN.2}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200, "admin sign-in: {:?}", r.text());
    let audit: Vec<serde_json::Value> = http
        .get(format!("{base}/api/v1/audit?limit=200"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let assisted: Vec<&serde_json::Value> = audit
        .iter()
        .filter(|e| {
            e["assisted_by"] == ADMIN.0
                && e["action"].as_str().is_some_and(|a| a.contains("ticket"))
        })
        .collect();
    assert_eq!(
        assisted.len(),
        1,
        "one ticket issued assisted by {}: {audit:#?}",
        ADMIN.0
    );
    assert_eq!(assisted[0]["device"], "kiosk-1", "{:#?}", assisted[0]);
    assert!(
        assisted[0].to_string().contains(&number) || assisted[0]["target_kind"] == "ticket",
        "the entry is the ticket {number}: {:#?}",
        assisted[0]
    );

    // Home ends the assist session (the citizen's session is over).
    app.click("[data-testid=btn-home]");
    wait_until("the bar gone", || bar_hidden(&app));
    wait_until("the end recorded", || {
        let audit: Vec<serde_json::Value> = http
            .get(format!("{base}/api/v1/audit?limit=200"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        audit
            .iter()
            .any(|e| e["action"] == "staff.assist_end" && e["target"] == ADMIN.0)
    });

    // Counter staff assist too, but may not leave kiosk mode.
    app.click("[data-testid=staff-button]");
    sign_in(&app, COUNTER.0, COUNTER.2);
    app.find("[data-testid=staff-menu]");
    wait_until("the assist bar", || !bar_hidden(&app));
    assert!(app
        .text("[data-testid=assist-bar]")
        .contains(&format!("Đang hỗ trợ: {}", COUNTER.1)));
    app.find("[data-testid=staff-test-page]");
    assert!(
        app.try_find("[data-testid=btn-exit-kiosk]").is_none(),
        "no exit for a counter role"
    );
    // The last ticket can be printed again by staff.
    wait_until("the reprint button", || {
        app.exec("return document.querySelector('[data-testid=staff-reprint-ticket]')?.hidden")
            == false
    });
    app.screenshot("assist-05-tools-counter");
    app.assert_accessible("staff tools, counter role");

    // "Kết thúc hỗ trợ" in the bar: home, nobody assisting.
    app.click("[data-testid=assist-end]");
    app.find("[data-testid=home]");
    wait_until("the bar gone", || bar_hidden(&app));
    app.screenshot("assist-06-ended");
}
