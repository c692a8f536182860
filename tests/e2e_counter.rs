//! End to end in headless Chromium: staff sign in on the counter page (issue 12). The real office
//! server with its access rules; accounts made as an install script would (the library the CLI
//! uses), a kiosk's token for issuing tickets. A wrong password shows the bilingual error, the
//! right one the counter choice; the session is bound to the counter chosen and survives a reload;
//! a number is called; signing out returns to the sign-in screen; a disabled account's next action
//! returns there with "Phiên đăng nhập đã hết"; an account limited to another counter is told so;
//! five wrong passwords lock an account (the wait said); a manager sees the audit trail with the
//! call just made, and its CSV. Screenshots target/e2e/counter-signin-*.png; axe-core on each.

use crate::support;

use motcua_core::devices::DeviceKind;
use motcua_office::access::{NewStaff, Role};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::chromium::Chromium;
use support::{free_port, repo_root, Session};

const WAIT: Duration = Duration::from_secs(15);

/// The password every account of these tests has.
pub const PASSWORD: &str = "mat-khau-quay-e2e";

fn ui_dist() -> PathBuf {
    let dist = repo_root().join("ui/dist");
    assert!(
        dist.join("counter.html").exists(),
        "ui/dist lacks counter.html: run `make ui` (cd ui && npm run build) first"
    );
    dist
}

/// Adds a staff account to the office database (as `motcua staff add` does).
pub fn add_staff(db: &Path, username: &str, full_name: &str, role: Role, counters: &[&str]) {
    motcua_office::access::add_staff(
        db,
        &NewStaff {
            username: username.into(),
            full_name: full_name.into(),
            role,
            password: PASSWORD.into(),
            counters: counters.iter().map(|c| c.to_string()).collect(),
            services: vec![],
        },
    )
    .unwrap_or_else(|e| panic!("add staff {username}: {e:?}"));
}

/// A kiosk's device token (as `motcua device add --kind kiosk` prints it).
pub fn kiosk_token(db: &Path, name: &str) -> String {
    motcua_office::access::add_device(db, DeviceKind::Kiosk, name, None)
        .unwrap_or_else(|e| panic!("add device {name}: {e:?}"))
}

/// A TV board's device token, as `motcua device add --kind board` makes it.
pub fn board_token(db: &Path, name: &str) -> String {
    motcua_office::access::add_device(db, DeviceKind::Board, name, None)
        .unwrap_or_else(|e| panic!("add device {name}: {e:?}"))
}

/// Issues a ticket as a kiosk; its number.
pub fn issue_as_kiosk(
    http: &reqwest::blocking::Client,
    base: &str,
    token: &str,
    service: &str,
) -> String {
    let r = http
        .post(format!("{base}/api/v1/tickets"))
        .bearer_auth(token)
        .json(&json!({ "service_id": service }))
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let t: Value = r.json().unwrap_or(Value::Null);
    assert_eq!(status, 201, "issue a ticket as a kiosk: {t}");
    t["number"].as_str().expect("ticket number").to_string()
}

/// Sets an input's value as typing would (the form reads it at submit).
pub fn fill(s: &Session, css: &str, text: &str) {
    s.find(css);
    s.exec(&format!(
        "const i = document.querySelector({}); i.focus(); i.value = {}; i.dispatchEvent(new Event('input', {{bubbles: true}}));",
        json!(css),
        json!(text)
    ));
}

/// Types a username and password into the counter page's sign-in form and submits it.
pub fn submit_sign_in(s: &Session, username: &str, password: &str) {
    s.find("[data-screen=sign-in]");
    fill(s, "#signin-username", username);
    fill(s, "#signin-password", password);
    s.click("[data-testid=btn-sign-in]");
}

/// Signs in on the counter page (already open) and waits for the counter choice.
pub fn sign_in(s: &Session, username: &str) {
    submit_sign_in(s, username, PASSWORD);
    s.find("[data-screen=counter-picker] [data-testid^=counter-pick-]");
}

fn wait_contains(s: &Session, css: &str, want: &str) {
    let script = format!(
        "const e = document.querySelector({}); return !!e && e.textContent.includes({});",
        json!(css),
        json!(want)
    );
    s.wait_js(&format!("{css} to contain {want:?}"), WAIT, &script);
}

#[test]
fn counter_sign_in_call_sign_out_and_the_managers_audit() {
    let _one_browser = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let t0 = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("office.db");
    add_staff(&db, "lan", "Nguyễn Thị Lan", Role::Counter, &[]);
    add_staff(&db, "thu", "Phạm Minh Thu", Role::Counter, &["quay-2"]);
    add_staff(&db, "khoa", "Đỗ Văn Khoa", Role::Counter, &[]);
    add_staff(&db, "minh", "Trần Văn Minh", Role::Manager, &[]);
    let kiosk = kiosk_token(&db, "kiosk-e2e");

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
    let mut config = motcua_office::ServerConfig {
        listen: format!("127.0.0.1:{port}"),
        db_path: db.clone(),
        office_name: "UBND xã Tân Phú – Bộ phận Một cửa".into(),
        seed_demo: true,
        ui: motcua_office::UiSource::Dir(ui_dist()),
        ..Default::default()
    };
    // This test signs in a dozen times from one address; the per-client limit is tested in
    // the office's own tests.
    config.access.sign_ins_per_minute = 100;
    let server = rt
        .block_on(motcua_office::start(config))
        .expect("office server");

    // Anonymous: the counter's actions answer 401.
    let r = http
        .post(format!("{base}/api/v1/counters/quay-1/call-next"))
        .json(&json!({}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "anonymous call-next");

    let chromium = Chromium::start();
    let counter = chromium.session(1280, 800);

    // The page opens on the sign-in screen, Vietnamese first.
    counter.goto(&format!("{base}/counter/"));
    counter.find("[data-screen=sign-in]");
    assert_eq!(counter.exec("return document.documentElement.lang"), "vi");
    let screen = counter.text("[data-screen=sign-in]");
    for want in [
        "Đăng nhập",
        "Sign in",
        "Tên đăng nhập",
        "Username",
        "Mật khẩu",
        "Password",
    ] {
        assert!(
            screen.contains(want),
            "sign-in screen lacks {want:?}: {screen}"
        );
    }
    assert_eq!(
        counter.exec("return document.activeElement?.id ?? null"),
        "signin-username",
        "the username field has the focus"
    );
    assert!(
        counter
            .try_find("[data-testid=staff-bar]:not([hidden])")
            .is_none(),
        "no staff bar before sign-in"
    );
    counter.screenshot("counter-signin-1-form");
    counter.assert_accessible("counter sign-in");

    // A wrong password: the server's bilingual error, the password field emptied and focused.
    submit_sign_in(&counter, "lan", "khong-dung-mat-khau");
    counter.find("[data-testid=signin-error]");
    assert_eq!(
        counter
            .attr("[data-testid=signin-error]", "data-code")
            .as_deref(),
        Some("bad_credentials")
    );
    let err = counter.text("[data-testid=signin-error]");
    assert!(
        err.contains("Không đăng nhập được") && err.contains("Could not sign in"),
        "bilingual error: {err}"
    );
    assert_eq!(
        counter.exec("return document.querySelector('#signin-password').value"),
        ""
    );
    assert_eq!(
        counter.exec("return document.activeElement?.id ?? null"),
        "signin-password"
    );
    counter.screenshot("counter-signin-2-wrong-password");
    counter.assert_accessible("counter sign-in, wrong password");

    // The right one: who is signed in, and the counter choice.
    submit_sign_in(&counter, "lan", PASSWORD);
    counter.find("[data-testid=counter-pick-quay-1]");
    let who = counter.text("[data-testid=staff-who]");
    assert!(
        who.contains("Nguyễn Thị Lan") && who.contains("Cán bộ quầy"),
        "staff bar: {who}"
    );
    assert_eq!(counter.text("[data-testid=btn-sign-out]"), "Đăng xuất");
    assert!(
        counter
            .try_find("[data-testid=btn-audit]:not([hidden])")
            .is_none(),
        "counter staff see no audit trail"
    );
    counter.screenshot("counter-signin-3-picker");
    counter.assert_accessible("counter picker, signed in");

    // Choose counter 1; a kiosk issues a number; call it.
    counter.click("[data-testid=counter-pick-quay-1]");
    counter.find("[data-testid=btn-call-next]");
    let first = issue_as_kiosk(&http, &base, &kiosk, "ho-tich");
    counter.wait_text("[data-testid=queue-count-ho-tich] .queue-n", "1", WAIT);
    counter.click("[data-testid=btn-call-next]");
    counter.wait_text("[data-testid=current-number]", &first, WAIT);
    assert!(
        counter.try_find("[data-testid=error]").is_none(),
        "no error after the call: {}",
        counter.text("[data-testid=error]")
    );
    counter.screenshot("counter-signin-4-called");
    counter.assert_accessible("counter desk, signed in");

    // A reload keeps the session and its counter.
    counter.goto(&format!("{base}/counter/"));
    counter.wait_text("[data-testid=current-number]", &first, WAIT);
    assert!(counter
        .text("[data-testid=staff-who]")
        .contains("Nguyễn Thị Lan"));

    // Sign out: the sign-in screen, and the cookie no longer works.
    counter.click("[data-testid=btn-sign-out]");
    counter.find("[data-testid=signin-notice]");
    wait_contains(&counter, "[data-testid=signin-notice]", "Đã đăng xuất");
    assert!(counter.try_find("[data-testid=btn-call-next]").is_none());
    let restored = counter.exec_async(
        "const done = arguments[arguments.length - 1];
         fetch('/api/v1/staff/session', {credentials: 'same-origin'}).then(r => done(r.status), e => done(String(e)));",
    );
    assert_eq!(restored, json!(401), "the session is over after sign-out");
    counter.screenshot("counter-signin-5-signed-out");
    counter.assert_accessible("counter signed out");

    // Signed in again; the account is disabled meanwhile: the next action returns to sign-in.
    submit_sign_in(&counter, "khoa", PASSWORD);
    counter.click("[data-testid=counter-pick-quay-1]");
    counter.find("[data-testid=btn-call-next]");
    motcua_office::access::set_staff_enabled(&db, "khoa", false).expect("disable khoa");
    issue_as_kiosk(&http, &base, &kiosk, "ho-tich");
    counter.wait_text("[data-testid=queue-count-ho-tich] .queue-n", "1", WAIT);
    counter.click("[data-testid=btn-call-next]");
    counter.find("[data-testid=signin-notice]");
    let notice = counter.text("[data-testid=signin-notice]");
    assert!(
        notice.contains("Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.")
            && notice.contains("Please sign in again"),
        "session over: {notice}"
    );
    counter.screenshot("counter-signin-6-session-over");
    counter.assert_accessible("counter session over");

    // An account limited to counter 2 cannot choose counter 1.
    submit_sign_in(&counter, "thu", PASSWORD);
    counter.click("[data-testid=counter-pick-quay-1]");
    counter.find("[data-testid=pick-error]");
    assert_eq!(
        counter
            .attr("[data-testid=pick-error]", "data-code")
            .as_deref(),
        Some("wrong_counter")
    );
    wait_contains(
        &counter,
        "[data-testid=pick-error]",
        "Không thể làm việc tại quầy này",
    );
    counter.screenshot("counter-signin-7-wrong-counter");
    counter.assert_accessible("counter wrong counter");
    counter.click("[data-testid=counter-pick-quay-2]");
    counter.find("[data-testid=btn-call-next]");
    counter.click("[data-testid=btn-sign-out]");
    counter.find("[data-testid=signin-notice]");

    // Five wrong passwords lock the account, whatever the password next; the wait is said.
    for _ in 0..5 {
        submit_sign_in(&counter, "thu", "sai-mat-khau-nhe");
        counter.find("[data-testid=signin-error]");
        counter.wait_js(
            "the sign-in button back",
            WAIT,
            "return !document.querySelector('[data-testid=btn-sign-in]').disabled;",
        );
    }
    submit_sign_in(&counter, "thu", PASSWORD);
    counter.wait_js(
        "too_many_attempts",
        WAIT,
        "return document.querySelector('[data-testid=signin-error]')?.dataset.code === 'too_many_attempts';",
    );
    let locked = counter.text("[data-testid=signin-error]");
    assert!(
        locked.chars().any(|c| c.is_ascii_digit()),
        "the lockout says how long: {locked}"
    );
    counter.screenshot("counter-signin-8-locked");

    // The manager: the audit trail with lan's call, newest first, and its CSV.
    submit_sign_in(&counter, "minh", PASSWORD);
    counter.find("[data-testid=counter-pick-quay-1]");
    assert!(counter
        .text("[data-testid=staff-who]")
        .contains("Trần Văn Minh · Quản lý"));
    counter.click("[data-testid=btn-audit]");
    counter.find("[data-testid=audit-table]");
    let calls = counter.exec(
        "return [...document.querySelectorAll('[data-testid=audit-table] tbody tr')]
           .filter(r => /call/.test(r.dataset.action)).map(r => r.textContent);",
    );
    let calls: Vec<String> = serde_json::from_value(calls).unwrap();
    assert!(
        calls.iter().any(|r| r.contains("lan")),
        "the audit trail shows lan's call of {first}: {calls:?}"
    );
    let audit = counter.text("[data-testid=audit-table]");
    for want in [
        "Thời gian",
        "Người thực hiện",
        "Thiết bị",
        "Hỗ trợ bởi",
        "Thao tác",
        "Đối tượng",
    ] {
        assert!(audit.contains(want), "audit column {want:?}: {audit}");
    }
    assert_eq!(
        counter.attr("[data-testid=audit-csv]", "href").as_deref(),
        Some("/api/v1/audit.csv")
    );
    let csv = counter.exec_async(
        "const done = arguments[arguments.length - 1];
         fetch('/api/v1/audit.csv', {credentials: 'same-origin'})
           .then(async r => done([r.status, r.headers.get('content-type'), await r.text()]), e => done(String(e)));",
    );
    assert_eq!(csv[0], json!(200), "audit CSV: {csv}");
    assert!(
        csv[1].as_str().unwrap_or_default().starts_with("text/csv"),
        "{csv}"
    );
    assert!(
        csv[2].as_str().unwrap_or_default().contains("lan"),
        "the CSV has lan's actions"
    );
    counter.screenshot("counter-signin-9-audit");
    counter.assert_accessible("audit trail");
    // In English too.
    counter.click("[data-testid=lang-toggle]");
    wait_contains(&counter, "[data-testid=audit-table]", "Assisted by");
    counter.screenshot("counter-signin-10-audit-en");
    counter.click("[data-testid=lang-toggle]");

    // "Quay lại quầy": the counter choice again.
    counter.click("[data-testid=btn-back-desk]");
    counter.find("[data-testid=counter-pick-quay-1]");

    drop(counter);
    drop(chromium);
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), server.shutdown())
            .await
            .expect("the office server stops")
    });
    eprintln!("counter sign-in E2E: {:?}", t0.elapsed());
}
