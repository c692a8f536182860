//! End to end in the real kiosk window: a citizen looks up a procedure with the on-screen
//! keyboard (raw Telex, no physical keyboard), opens it, prints the list of documents, and takes
//! a number for it. The embedded office server serves the demo catalog (the seed shipped in the
//! project); the kiosk searches its own synced copy.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{decode_qr, pdf_text, App};

fn kiosk_env(dir: &Path, spool: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("MOTCUA_DATA_DIR", dir.join("data").display().to_string()),
        ("MOTCUA_WINDOW", "1280x800".into()),
        ("MOTCUA_PRINTER", format!("folder:{}", spool.display())),
        ("MOTCUA_PRINT_FORMAT", "pdf".into()),
        ("MOTCUA_PUBLIC_URL", "http://motcua.test".into()),
        ("MOTCUA_DEMO", "1".into()),
        ("MOTCUA_LANGUAGE", "vi".into()),
    ]
}

fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default()
}

/// Types on the on-screen keyboard, one key tap at a time.
fn type_keys(app: &App, keys: &str) {
    for k in keys.chars() {
        let id = if k == ' ' {
            "key-space".to_string()
        } else {
            format!("key-{k}")
        };
        app.click(&format!("[data-testid=\"{id}\"]"));
    }
}

#[test]
fn search_with_the_on_screen_keyboard_open_print_and_take_a_number() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let spool = tmp.path().join("spool");
    let app = App::launch(&kiosk_env(tmp.path(), &spool));

    app.click("[data-testid=tile-procedures]");
    // Empty query: browse by field, with counts.
    app.find("[data-testid=\"field-Hộ tịch\"]");
    let fields = app.text("[data-testid=proc-results]");
    assert!(
        fields.contains("Hộ tịch (") && fields.contains("Chứng thực ("),
        "fields with counts: {fields}"
    );
    // The commune's own fields, its usual ones first: no customs, tax or shipping up top
    // (the national data lists customs and tax at commune level: their own offices').
    let names: Vec<String> = serde_json::from_value(app.exec(
        "return [...document.querySelectorAll('.field-btn')].map(b => b.dataset.testid.slice(6))",
    ))
    .unwrap();
    assert_eq!(
        &names[..3],
        ["Hộ tịch", "Chứng thực", "Đất đai"],
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n == "Hải quan" || n == "Thuế"),
        "{names:?}"
    );
    let shipping = names
        .iter()
        .position(|n| n == "Hàng hải và đường thủy nội địa");
    assert!(shipping.is_none_or(|i| i >= 12), "{names:?}");
    app.find("[data-testid=btn-back]");
    app.find("[data-testid=btn-home]");
    app.screenshot("catalog-01-fields");
    app.assert_accessible("procedure search, fields");

    // Raw Telex on the on-screen keyboard composes Vietnamese in the field…
    type_keys(&app, "ddawng kys khai sinh");
    assert_eq!(
        app.exec("return document.querySelector('[data-testid=search-field]').value"),
        "đăng ký khai sinh"
    );
    // …and the plain birth registration comes first.
    wait_until("khai sinh results", Duration::from_secs(10), || {
        app.try_find("[data-testid=proc-results] li:first-child [data-testid=\"proc-1.001193\"]")
            .is_some()
    });
    let first = app.text("[data-testid=proc-results] li:first-child");
    assert!(first.contains("khai sinh"), "first result: {first}");
    let ms: f64 = app
        .exec("return document.body.dataset.lastSearchMs || ''")
        .as_str()
        .unwrap_or_default()
        .parse()
        .expect("the screen records keystroke-to-results time");
    assert!(ms > 0.0, "search timing recorded: {ms}");
    app.screenshot("catalog-02-results");
    app.assert_accessible("procedure search, results");

    // A province procedure is found too, with where it is handled.
    app.click("[data-testid=key-clear]");
    type_keys(&app, "cap doi so do");
    wait_until("the province's procedure", Duration::from_secs(10), || {
        app.try_find("[data-testid=\"proc-where-1.012783\"]")
            .is_some()
    });
    assert_eq!(
        app.text("[data-testid=\"proc-where-1.012783\"]"),
        "Thực hiện tại cấp tỉnh"
    );

    // Clear, then type without accents and with a typo: still found.
    app.click("[data-testid=key-clear]");
    app.click("[data-testid=kb-mode]"); // Telex → VNI
    app.click("[data-testid=kb-mode]"); // VNI → off
    type_keys(&app, "ket hon");
    wait_until("kết hôn results", Duration::from_secs(10), || {
        app.try_find("[data-testid=\"proc-1.000894\"]").is_some()
    });

    // Open a procedure: documents, channels, QR of its public page.
    app.click("[data-testid=\"proc-1.000894\"]");
    app.find("[data-testid=proc-documents]");
    let name = app.text("[data-testid=proc-name]");
    assert!(name.contains("kết hôn"), "procedure name: {name}");
    let page = app.text("[data-testid=procedure]");
    for want in [
        "Giấy tờ cần mang",
        "Trực tiếp",
        "Thời hạn giải quyết",
        "1.000894",
    ] {
        assert!(page.contains(want), "procedure page lacks {want:?}: {page}");
    }
    app.find("[data-testid=proc-legal]");
    // Documents: a short plain title each, the official text folded under a button.
    let first = app.text("[data-testid=proc-doc-0-title]");
    assert_eq!(
        first, "Giấy tờ tùy thân",
        "short title of the identity papers"
    );
    assert!(app
        .exec("return document.querySelector('[data-testid=proc-doc-0-official]').hidden")
        .as_bool()
        .unwrap());
    app.click("[data-testid=proc-doc-0-more]");
    let official = app.text("[data-testid=proc-doc-0-official]");
    assert!(
        official.starts_with("Hộ chiếu/Thẻ căn cước công dân"),
        "the official text as published: {official}"
    );
    assert_eq!(
        app.exec(
            "return document.querySelector('[data-testid=proc-doc-0-more]').getAttribute('aria-expanded')"
        ),
        "true"
    );
    let height: f64 = app
        .exec("return document.querySelector('[data-testid=proc-doc-0-more]').getBoundingClientRect().height")
        .as_f64()
        .unwrap();
    assert!(height >= 64.0, "the fold's button is {height} px tall");
    let shot = app.screenshot("catalog-03-procedure");
    app.assert_accessible("procedure page");
    let qr = decode_qr(&shot);
    assert!(
        qr.iter()
            .any(|q| q.starts_with("https://dichvucong.gov.vn/")),
        "QR of the public page on screen: {qr:?}"
    );

    // Print the checklist: the PDF in the spool says what to bring.
    app.click("[data-testid=btn-print-checklist]");
    app.find("[data-testid=print-ok]");
    wait_until("checklist PDF", Duration::from_secs(10), || {
        !files_with(&spool, "pdf").is_empty()
    });
    let pdf = files_with(&spool, "pdf").remove(0);
    let text = pdf_text(&pdf);
    assert!(text.contains("1.000894"), "code in checklist: {text}");
    assert!(text.contains("kết hôn"), "name in checklist: {text}");
    assert!(
        text.contains("GIẤY TỜ CẦN MANG"),
        "title in checklist: {text}"
    );
    app.screenshot("catalog-04-printed");

    // Back keeps the search; then take a number for this procedure: the priority question of
    // the civil-status queue.
    app.click("[data-testid=btn-back]");
    app.find("[data-testid=\"proc-1.000894\"]");
    app.click("[data-testid=\"proc-1.000894\"]");
    app.click("[data-testid=btn-take-number]");
    app.find("[data-testid=priority-none]");
    let svc = app.text("[data-testid=chosen-service]");
    assert!(
        svc.contains("Hộ tịch"),
        "queue of the procedure's field: {svc}"
    );
}

/// Online filing starts with a VNeID sign-in by QR (the embedded demo's sandbox provider,
/// labelled DEMO): the QR on screen is the provider's verification link with the user code.
#[test]
fn filing_starts_with_a_qr_sign_in_labelled_demo() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let spool = tmp.path().join("spool");
    let app = App::launch(&kiosk_env(tmp.path(), &spool));
    app.click("[data-testid=tile-vneid]");
    app.find("[data-testid=btn-end-session]");
    app.screenshot("filing-01-start");
    app.assert_accessible("filing start");
    app.click("[data-testid=btn-signin]");
    app.find("[data-testid=signin-user-code]");
    let code = app.text("[data-testid=signin-user-code]");
    assert!(code.len() >= 6, "user code shown: {code}");
    assert!(app
        .text("[data-testid=demo-idp]")
        .contains("DEMO – không phải VNeID thật"));
    let shot = app.screenshot("filing-02-signin");
    app.assert_accessible("sign-in QR");
    let qr = decode_qr(&shot);
    assert!(
        qr.iter().any(|q| q.contains("/demo-idp/")),
        "the QR is the sandbox provider's link: {qr:?}"
    );
    // Kết thúc → confirm → home, signed out.
    app.click("[data-testid=btn-end-session]");
    app.click("[data-testid=btn-leave-yes]");
    app.find("[data-testid=home]");
}

/// Idle: a visible countdown that any touch cancels (what was typed stays), then home.
#[test]
fn idle_warning_counts_down_a_touch_keeps_the_screen_then_home() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let spool = tmp.path().join("spool");
    let mut env = kiosk_env(tmp.path(), &spool);
    env.push(("MOTCUA_IDLE_TIMEOUT", "10".into()));
    let app = App::launch(&env);
    app.click("[data-testid=tile-procedures]");
    type_keys(&app, "khai");
    wait_until("the idle warning", Duration::from_secs(20), || {
        app.try_find("[data-testid=idle-warning]").is_some()
    });
    let text = app.text("[data-testid=idle-text]");
    assert!(text.contains("giây"), "countdown shown: {text}");
    app.screenshot("idle-01-warning");
    app.assert_accessible("idle warning");
    // A touch anywhere keeps everything.
    app.click("[data-testid=idle-stay]");
    assert!(app.try_find("[data-testid=idle-warning]").is_none());
    assert_eq!(
        app.exec("return document.querySelector('[data-testid=search-field]').value"),
        "khai"
    );
    // Left alone: the warning again, then home after its 20 s.
    wait_until("home after the countdown", Duration::from_secs(45), || {
        app.try_find("[data-testid=home]").is_some()
    });
    assert!(app.try_find("[data-testid=idle-warning]").is_none());
}
