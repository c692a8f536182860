//! End to end in the real kiosk window: a citizen files online with a VNeID-style sign-in.
//!
//! The office server (in process, real SQLite file, real HTTP on loopback) is an OpenID Connect
//! relying party of a real OpenID provider, the npm package `oidc-provider` with its device flow
//! (tests/oidc-provider). The test plays the citizen: taps through the kiosk, reads the sign-in
//! QR off the screen and approves it on the provider's pages as the phone would, answers the
//! Đăng ký khai sinh form on the on-screen keyboard (Telex) and digit pad, attaches a PDF from a
//! file (after a renamed text file is refused) and a photo from the document scanner, submits,
//! and reads the printed receipt back with pdftotext, pdftoppm and zbarimg: its text, and the
//! tracking QR whose signature verifies with the office's public key. A second filing, for a
//! procedure with a fee (Đăng ký thành lập hộ kinh doanh), checks the VietQR payment QR. After
//! each session no file the kiosk or its web view wrote holds the citizen's name or ID number.
//! Screenshots of every step: target/e2e/file-*.png; axe-core on each screen.

use crate::support;

use motcua_testkit::oidc;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{contains_bytes as contains, files_under as files};
use support::{decode_qr, pdf_qr, pdf_text, repo_root, App};

const CLIENT: &str = "motcua-kiosk";
const AGENCY: &str = "000.25.27.H26";
const BIN: &str = "970415";
const ACCOUNT: &str = "113366668888";
/// The test citizen of tests/oidc-provider/provider.mjs.
const NAME: &str = "Nguyễn Thị Thu Hà";
const ID: &str = "001190012345";
/// Typed on the visible keys alone (ă â đ ê ô ơ ư and the five tone keys), no Telex.
const CHILD: &str = "Đặng Hữu Phước Bảo Thành";

fn office_config(port: u16, db: &Path, issuer: &str, client: &str) -> motcua_office::ServerConfig {
    let mut auth = motcua_office::AuthConfig::new(issuer, client);
    auth.scopes = ["openid", "profile", "address", "phone", "id_number"]
        .map(String::from)
        .to_vec();
    motcua_office::ServerConfig {
        listen: format!("127.0.0.1:{port}"),
        db_path: db.to_path_buf(),
        office_name: "UBND phường Hoàn Kiếm – Bộ phận Một cửa".into(),
        public_base_url: Some(format!("http://127.0.0.1:{port}")),
        seed_demo: true,
        auth: Some(auth),
        filing: motcua_office::dossier::FilingConfig {
            agency_code: AGENCY.into(),
            parent_agency: "UBND THÀNH PHỐ HÀ NỘI".into(),
            address: "Số 126 phố Hàng Trống, phường Hoàn Kiếm, Hà Nội".into(),
            bank_bin: Some(BIN.into()),
            bank_account: Some(ACCOUNT.into()),
            account_name: "UBND PHUONG HOAN KIEM".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let t = Instant::now();
    while !ok() {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Taps keys of the on-screen keyboard or digit pad: `^` is the one-shot Shift, `/` the slash.
fn tap(app: &App, keys: &str) {
    for k in keys.chars() {
        let id = match k {
            ' ' => "key-space".to_string(),
            '^' => "key-shift".to_string(),
            '/' => "key-slash".to_string(),
            k => format!("key-{k}"),
        };
        app.click(&format!("[data-testid=\"{id}\"]"));
    }
}

fn field(app: &App) -> String {
    app.exec("return document.querySelector('[data-testid=q-field]').value")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn label(app: &App) -> String {
    app.text("[data-testid=q-label]")
}

/// Waits for the question whose label contains `want` (the previous screen may still be up).
fn question(app: &App, want: &str) {
    wait_until(&format!("the question {want:?}"), || {
        label(app).contains(want)
    });
}

fn next(app: &App) {
    let before = label(app);
    app.click("[data-testid=btn-continue]");
    wait_until("the next screen", || label(app) != before);
}

/// Sends a file to a file input as a person choosing it in the file dialog would.
fn choose_file(app: &App, css: &str, path: &Path) {
    let el = app.find(css);
    let v: Value = app
        .http
        .post(format!(
            "{}/session/{}/element/{el}/value",
            app.base, app.session
        ))
        .json(&serde_json::json!({"text": path.display().to_string()}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(v["value"].is_null(), "choosing {}: {v}", path.display());
}

/// Types as a keyboard-wedge barcode scanner does: the whole read at once, then Enter, into
/// the focused field.
fn wedge(app: &App, read: &str) {
    let el = app.find("[data-testid=q-field]");
    let v: Value = app
        .http
        .post(format!(
            "{}/session/{}/element/{el}/value",
            app.base, app.session
        ))
        .json(&serde_json::json!({"text": format!("{read}\u{E007}")}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(v["value"].is_null(), "scanner typing: {v}");
}

/// The kiosk in its window, talking to the office at `base`; everything it writes under `dir`:
/// data/, spool/ (the printer), scans/ (the document scanner's folder) and xdg/ (the web
/// view's own storage and caches, where a test can look into them).
fn launch_kiosk(dir: &Path, base: &str) -> App {
    std::fs::create_dir_all(dir.join("scans")).unwrap();
    let at = |p: &str| dir.join(p).display().to_string();
    App::launch(&[
        ("MOTCUA_DATA_DIR", at("data")),
        ("MOTCUA_WINDOW", "1280x1024".into()),
        ("MOTCUA_OFFICE_URL", base.to_string()),
        ("MOTCUA_KIOSK_ID", "kiosk-1".into()),
        (
            "MOTCUA_OFFICE_TOKEN",
            support::kiosk_token(base, "kiosk-1").unwrap_or_default(),
        ),
        (
            "MOTCUA_OFFICE_NAME",
            "UBND phường Hoàn Kiếm – Bộ phận Một cửa".into(),
        ),
        ("MOTCUA_PRINTER", format!("folder:{}", at("spool"))),
        ("MOTCUA_PRINT_FORMAT", "pdf".into()),
        ("MOTCUA_SCANNER_INBOX", at("scans")),
        ("MOTCUA_LANGUAGE", "vi".into()),
        ("XDG_DATA_HOME", at("xdg/data")),
        ("XDG_CACHE_HOME", at("xdg/cache")),
        ("XDG_CONFIG_HOME", at("xdg/config")),
    ])
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The sign-in QR on screen, read like the phone's camera does: the provider's link with the
/// user code shown beside it.
fn signin_link(app: &App, issuer: &str, shot: &str) -> String {
    app.find("[data-testid=signin-user-code]");
    app.find("[data-testid=btn-no-vneid]");
    let code = app.text("[data-testid=signin-user-code]");
    // The real provider is not the demo: no DEMO label.
    assert!(app.try_find("[data-testid=demo-idp]").is_none());
    let png = app.screenshot(shot);
    let qr = decode_qr(&png);
    let link = qr
        .iter()
        .find(|q| q.starts_with(issuer))
        .unwrap_or_else(|| panic!("the sign-in QR is the provider's link: {qr:?}"))
        .clone();
    assert!(link.contains(&code), "{link} carries the user code {code}");
    link
}

/// Signs in: the QR read off the screen, then approved on the provider's own pages.
fn sign_in(app: &App, rt: &tokio::runtime::Runtime, issuer: &str, shot: &str) {
    app.click("[data-testid=btn-signin]");
    let link = signin_link(app, issuer, shot);
    let last = rt.block_on(oidc::phone(&link, false));
    assert!(last.contains("Sign-in Success"), "{last}");
}

/// The receipt the kiosk printed (a copy: the spooled one goes when the session ends).
fn printed_receipt(spool: &Path, keep: &Path) -> PathBuf {
    wait_until("the receipt in the spool", || {
        files(spool)
            .iter()
            .any(|p| p.extension().is_some_and(|x| x == "pdf"))
    });
    let pdf = files(spool)
        .into_iter()
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .unwrap();
    let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("receipt-"), "{name}");
    std::fs::copy(&pdf, keep).unwrap();
    keep.to_path_buf()
}

/// After the session: the spool holds no receipt and no file the kiosk or its web view wrote
/// holds the citizen's name, ID number or the child's name.
fn assert_nothing_personal_left(kiosk_dirs: &[&Path]) {
    let secrets = [NAME, ID, CHILD, "Hàng Bạc", "0912345678"];
    // Let the web view flush whatever it writes lazily.
    std::thread::sleep(Duration::from_secs(2));
    let mut seen = 0;
    for dir in kiosk_dirs {
        for f in files(dir) {
            seen += 1;
            let bytes = std::fs::read(&f).unwrap_or_default();
            for s in secrets {
                assert!(
                    !contains(&bytes, s.as_bytes()),
                    "{} holds {s:?} after the session",
                    f.display()
                );
            }
        }
    }
    assert!(seen > 0, "the kiosk wrote files (its databases at least)");
}

#[test]
fn file_khai_sinh_with_a_real_openid_provider_then_a_dossier_with_a_fee() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let op = oidc::start_provider(&repo_root().join("tests/oidc-provider"), CLIENT, 1);
    let office_dir = tempfile::tempdir().unwrap();
    let kiosk_dir = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let db = office_dir.path().join("office.db");
    let rt = runtime();
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = rt.block_on(support::start_office_with(office_config(
        port, &db, &op.issuer, CLIENT,
    )));

    let k = kiosk_dir.path();
    let (data, spool, scans, xdg) = (
        k.join("data"),
        k.join("spool"),
        k.join("scans"),
        k.join("xdg"),
    );
    let app = launch_kiosk(k, &base);

    // ---- Start, sign in with the phone.
    app.click("[data-testid=tile-vneid]");
    app.find("[data-testid=btn-signin]");
    app.find("[data-testid=btn-back]");
    app.find("[data-testid=btn-home]");
    // No VNeID is not a dead end: a number to file at the counter, and where to get VNeID.
    app.find("[data-testid=btn-no-vneid]");
    assert!(app
        .text("[data-testid=btn-no-vneid]")
        .contains("Chưa có VNeID? Lấy số nộp tại quầy"));
    let note = app.text("[data-testid=no-vneid-note]");
    assert!(
        note.contains("mức độ 2") && note.contains("Công an"),
        "{note}"
    );
    app.screenshot("file-01-start");
    app.assert_accessible("filing start");
    sign_in(&app, &rt, &op.issuer, "file-02-signin");

    // ---- Signed in: choose the procedure among those filed online.
    app.find("[data-testid=search-field]");
    assert!(app.text("h1").contains("Chọn thủ tục cần nộp"));
    tap(&app, "khai sinh");
    app.find("[data-testid=\"proc-1.001193\"]");
    app.screenshot("file-03-choose");
    app.assert_accessible("choose a procedure");
    app.click("[data-testid=\"proc-1.001193\"]");

    // ---- The applicant's questions come prefilled from the ID token's claims.
    for (want, value) in [
        ("Họ, chữ đệm và tên người nộp", NAME),
        ("Số định danh cá nhân người nộp", ID),
        ("Ngày sinh người nộp", "15/07/1990"),
        (
            "Nơi cư trú người nộp",
            "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
        ),
        ("Số điện thoại", "0912345678"),
    ] {
        question(&app, want);
        assert_eq!(field(&app), value, "prefilled: {want}");
        app.find("[data-testid=q-prefilled]");
        if want.starts_with("Họ") {
            let progress = app.text("[data-testid=q-progress]");
            assert!(progress.contains("Đăng ký khai sinh"), "{progress}");
            app.screenshot("file-04-prefilled");
            app.assert_accessible("prefilled question");
        }
        next(&app);
    }

    // ---- The form, one question per screen.
    question(&app, "Quan hệ với trẻ");
    app.click("[data-testid=\"choice-Mẹ\"]");
    app.screenshot("file-05-choice");
    app.assert_accessible("choice question");
    next(&app);

    question(&app, "tên của trẻ");
    // Nothing typed: an error that says how to fix it, and the same question.
    app.click("[data-testid=btn-continue]");
    let err = app.text("[data-testid=q-error-text]");
    assert!(err.contains("Vui lòng trả lời"), "{err}");
    assert!(label(&app).contains("tên của trẻ"));
    app.screenshot("file-06-error");
    app.assert_accessible("question with an error");
    // The child's legal name on the visible keys alone: ă â đ ê ô ơ ư, then the tone keys
    // (sắc, huyền, hỏi, ngã, nặng) on the word just typed; capitals on each word by themselves.
    for id in [
        "đ",
        "ă",
        "n",
        "g",
        "tone-nang",
        "space",
        "h",
        "ư",
        "u",
        "tone-nga",
        "space",
        "p",
        "h",
        "ư",
        "ơ",
        "c",
        "tone-sac",
        "space",
        "b",
        "a",
        "o",
        "tone-hoi",
        "space",
        "t",
        "h",
        "a",
        "n",
        "h",
        "tone-huyen",
    ] {
        app.click(&format!("[data-testid=\"key-{id}\"]"));
    }
    assert_eq!(field(&app), CHILD);
    app.screenshot("file-06a-visible-vietnamese-keys");
    app.assert_accessible("the Vietnamese keys");
    // A stray tap on Home asks first; "go back and continue" is the first and inviting choice,
    // clearing everything an outline, and it returns to the same question with what was typed.
    app.click("[data-testid=btn-home]");
    app.find("[data-testid=btn-leave-yes]");
    assert_eq!(
        app.text("[data-testid=btn-leave-yes]"),
        "Hủy và xóa thông tin"
    );
    assert_eq!(app.text("[data-testid=btn-leave-no]"), "Quay lại tiếp tục");
    assert_eq!(
        app.exec(
            "const a = document.querySelector('.leave-actions'); \
             return [a.firstElementChild.dataset.testid, \
                     a.firstElementChild.classList.contains('btn-primary'), \
                     document.querySelector('[data-testid=btn-leave-yes]').classList.contains('btn-primary')]"
        ),
        serde_json::json!(["btn-leave-no", true, false]),
        "Quay lại tiếp tục first and primary, the destructive choice not"
    );
    app.screenshot("file-06b-leave");
    app.assert_accessible("leave the filing?");
    app.click("[data-testid=btn-leave-no]");
    question(&app, "tên của trẻ");
    assert_eq!(field(&app), CHILD);
    next(&app);

    question(&app, "Ngày, tháng, năm sinh của trẻ");
    app.find("[data-testid=keypad]");
    tap(&app, "31/02/2026");
    app.click("[data-testid=btn-continue]");
    let err = app.text("[data-testid=q-error-text]");
    assert!(
        err.contains("Tháng 2/2026 không có ngày 31"),
        "31/02 gets its own message: {err}"
    );
    // Xóa hết is above the bottom bar, not under it.
    assert_eq!(
        app.exec(
            "const k = document.querySelector('[data-testid=key-clear]').getBoundingClientRect(); \
             const n = document.querySelector('.navbar').getBoundingClientRect(); \
             return k.bottom <= n.top && k.top >= 0"
        ),
        serde_json::json!(true),
        "the clear key is in sight above the bottom bar"
    );
    app.screenshot("file-07-date");
    app.assert_accessible("date on the digit pad");
    app.click("[data-testid=key-clear]");
    tap(&app, "01/11/2026");
    next(&app);

    question(&app, "Giới tính của trẻ");
    app.click("[data-testid=choice-Nam]");
    next(&app);

    question(&app, "Nơi sinh của trẻ");
    // First letter capital by itself, then Shift for the proper name.
    tap(&app, "beenhj vieenj phuj sanr ^haf ^nooij");
    assert_eq!(field(&app), "Bệnh viện phụ sản Hà Nội");
    app.screenshot("file-08-text");
    next(&app);

    question(&app, "Dân tộc của trẻ");
    tap(&app, "kinh");
    next(&app);

    question(&app, "tên của mẹ");
    tap(&app, "nguyeenx thij thu haf");
    assert_eq!(field(&app), NAME);
    next(&app);

    question(&app, "Số định danh cá nhân của mẹ");
    tap(&app, "00119001234");
    app.click("[data-testid=btn-continue]");
    let err = app.text("[data-testid=q-error-text]");
    assert!(err.contains("12 chữ số"), "{err}");
    tap(&app, "5");
    next(&app);

    question(&app, "thông tin người cha");
    app.click("[data-testid=choice-no]");
    app.click("[data-testid=btn-continue]");

    // ---- Documents: the catalog's checklist, what everyone brings first (notes left out),
    // what only some cases need under its own heading.
    app.find("[data-testid=doc-0]");
    let first = app.text("[data-testid=doc-0]");
    assert!(first.starts_with("Giấy chứng sinh"), "{first}");
    let cases = app.text("[data-testid=doc-list]");
    assert!(cases.contains("Chỉ khi trường hợp cụ thể cần"), "{cases}");
    assert!(
        !cases.contains("Người tiếp nhận có trách nhiệm"),
        "notes are not documents"
    );
    // A text file renamed .pdf: refused by its content, in both languages, nothing attached.
    let fake = work.path().join("giay-chung-sinh-gia.pdf");
    std::fs::write(&fake, "Đây không phải là PDF").unwrap();
    choose_file(&app, "[data-testid=doc-file-0]", &fake);
    wait_until("the refusal", || {
        app.text("[data-testid=doc-error]")
            .contains("không phải PDF")
    });
    assert!(app.try_find("[data-testid=doc-status-0]").is_none());
    app.screenshot("file-09-bad-file");
    app.assert_accessible("documents, bad file");
    // A real PDF from a file.
    let pdf = work.path().join("giay-chung-sinh.pdf");
    std::fs::write(
        &pdf,
        motcua_print::render_checklist(
            &motcua_print::sample_checklist(),
            motcua_print::Format::Pdf,
        )
        .unwrap(),
    )
    .unwrap();
    choose_file(&app, "[data-testid=doc-file-0]", &pdf);
    wait_until("the PDF attached", || {
        app.text("[data-testid=doc-status-0]")
            .contains("giay-chung-sinh.pdf")
    });
    assert_eq!(app.text("[data-testid=doc-error]"), "");
    // A photo from the document scanner's folder: it leaves the folder for the screen's memory.
    let png =
        motcua_print::render_ticket(&motcua_print::sample_ticket(), motcua_print::Format::Png)
            .unwrap();
    std::fs::write(scans.join("scan-0001.png"), &png).unwrap();
    app.click("[data-testid=doc-scan-1]");
    wait_until("the scan attached", || {
        app.try_find("[data-testid=doc-status-1]").is_some()
    });
    assert!(files(&scans).is_empty(), "the scan left the scanner folder");
    // The e-form of the declaration is what this filing's questions made: paper for nothing
    // else; the conditional ones do not apply to this citizen.
    app.screenshot("file-10-documents");
    app.assert_accessible("documents");
    app.click("[data-testid=btn-continue]");

    // ---- Delivery: at the office.
    app.find("[data-testid=choice-office]");
    app.click("[data-testid=choice-office]");
    app.screenshot("file-11-delivery");
    app.assert_accessible("delivery");
    app.click("[data-testid=btn-continue]");

    // ---- Review, then send.
    app.find("[data-testid=btn-send]");
    // Gửi hồ sơ is in the bottom bar (in sight whatever the summary's length); Sửa is an
    // outline in the primary colour.
    assert_eq!(
        app.exec(
            "const s = document.querySelector('[data-testid=btn-send]'); \
             const r = s.getBoundingClientRect(); \
             const c = document.querySelector('[data-testid=review-change-child_name]'); \
             return [!!s.closest('.navbar'), r.bottom <= window.innerHeight && r.top >= 0, \
                     c.classList.contains('btn-change'), getComputedStyle(c).color]"
        ),
        serde_json::json!([true, true, true, "rgb(11, 61, 145)"]),
        "Send in the bottom bar, Sửa in the primary outline"
    );
    assert_eq!(app.text("[data-testid=review-child_name]"), CHILD);
    assert_eq!(
        app.text("[data-testid=review-child_birth_date]"),
        "01/11/2026"
    );
    assert_eq!(app.text("[data-testid=review-relationship]"), "Mẹ");
    let docs = app.text("[data-testid=review-docs]");
    assert!(docs.contains("giay-chung-sinh.pdf"), "{docs}");
    app.screenshot("file-12-review");
    app.assert_accessible("review");
    app.click("[data-testid=btn-send]");

    // ---- Done: the dossier code, due date, free, a tracking QR, the receipt printed.
    app.find("[data-testid=dossier-code]");
    let code = app.text("[data-testid=dossier-code]");
    assert!(motcua_core::dossier::is_dossier_code(&code), "{code}");
    assert!(code.starts_with(&format!("{AGENCY}-")), "{code}");
    assert_eq!(app.text("[data-testid=dossier-fee]"), "Miễn phí");
    app.find("[data-testid=receipt-printed]");
    app.find("[data-testid=qr-track]");
    assert!(
        app.try_find("[data-testid=qr-pay]").is_none(),
        "no fee, no payment QR"
    );
    let shot = app.screenshot("file-13-done");
    app.assert_accessible("filed");
    let on_screen = decode_qr(&shot);
    let track = on_screen
        .iter()
        .find(|q| q.contains(&code))
        .unwrap_or_else(|| panic!("tracking QR on screen: {on_screen:?}"))
        .clone();

    // ---- The printed receipt, read back.
    let receipt = printed_receipt(&spool, &work.path().join("receipt-khai-sinh.pdf"));
    let size = std::fs::metadata(&receipt).unwrap().len();
    assert!(size <= 100 * 1024, "receipt PDF is {size} bytes");
    let text = pdf_text(&receipt);
    for want in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN",
        code.as_str(),
        NAME,
        "0912345678",
        "Hàng Bạc",
        "Đăng ký khai sinh",
    ] {
        assert!(text.contains(want), "receipt lacks {want:?}:\n{text}");
    }
    let qr = pdf_qr(&receipt, work.path());
    assert!(
        qr.contains(&track),
        "the receipt's QR is the one on screen: {qr:?}"
    );
    // Staff check it offline with the office's public key; a changed code does not verify.
    let key = motcua_office::dossier::read_public_key(&db).unwrap();
    let today = chrono::Local::now().date_naive();
    let v = serde_json::to_value(motcua_core::scan::decode(&track, Some(&key), today)).unwrap();
    assert_eq!(v["kind"], "receipt", "{v}");
    assert_eq!(v["dossier_code"], code.as_str(), "{v}");
    assert_eq!(v["signature_ok"], true, "{v}");
    let forged = track.replacen(&code[code.len() - 4..], "9999", 1);
    let v = serde_json::to_value(motcua_core::scan::decode(&forged, Some(&key), today)).unwrap();
    assert_eq!(v["signature_ok"], false, "{v}");

    // ---- What reached the office, as the kiosk sent it.
    let secret = reqwest::Url::parse(&track)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "k")
        .map(|(_, v)| v.into_owned())
        .expect("the tracking link carries its lookup secret");
    let d: Value = reqwest::blocking::get(format!("{base}/api/v1/dossiers/{code}?k={secret}"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(d["procedure_code"], "1.001193", "{d}");
    assert_eq!(d["applicant"]["full_name"], NAME, "{d}");
    assert_eq!(d["applicant"]["id_number"], ID, "{d}");
    assert_eq!(d["applicant"]["date_of_birth"], "1990-07-15", "{d}");
    assert_eq!(d["applicant"]["gender"], "female", "{d}");
    assert_eq!(d["answers"]["child_name"], CHILD, "{d}");
    assert_eq!(d["answers"]["child_birth_date"], "2026-11-01", "{d}");
    assert_eq!(d["answers"]["child_gender"], "Nam", "{d}");
    assert_eq!(d["answers"]["mother_id"], ID, "{d}");
    assert_eq!(d["fee_vnd"], 0, "{d}");
    assert_eq!(d["delivery"]["method"], "office", "{d}");

    // ---- Kết thúc: home, the receipt spool emptied, nothing personal on the kiosk's disk.
    app.click("[data-testid=btn-finish]");
    app.find("[data-testid=home]");
    assert_nothing_personal_left(&[&data, &spool, &scans, &xdg]);

    // ---- A second citizen session: a procedure with a fee, started from its page.
    app.click("[data-testid=tile-procedures]");
    tap(&app, "hoo kinh doanh");
    app.find("[data-testid=\"proc-1.001612\"]");
    app.click("[data-testid=\"proc-1.001612\"]");
    app.click("[data-testid=btn-file-online]");
    let chosen = app.text("[data-testid=file-procedure]");
    assert!(chosen.contains("hộ kinh doanh"), "{chosen}");
    sign_in(&app, &rt, &op.issuer, "file-14-signin-again");
    for want in ["tên người nộp", "Số định danh", "Ngày sinh"] {
        question(&app, want);
        next(&app);
    }
    // The barcode scanner types the ID card's QR (keyboard wedge) and Enter: a damaged read is
    // refused with its reason, a good one fills the answers in.
    question(&app, "Nơi cư trú");
    app.click("[data-testid=key-clear]");
    wedge(
        &app,
        "001190012345||Nguyễn Thị Thu Hà|15071990|Nữ|Số 12 phố Hàng Bạc|3",
    );
    wait_until("the refusal of a bad scan", || {
        app.try_find("[data-testid=scan-invalid]").is_some()
    });
    assert_eq!(field(&app), "", "a bad scan fills nothing in");
    wedge(
        &app,
        "001190012345|012345678|Nguyễn Thị Thu Hà|15071990|Nữ|Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội|01072021",
    );
    wait_until("the answers from the card", || {
        app.try_find("[data-testid=scan-filled]").is_some()
    });
    assert_eq!(field(&app), "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội");
    app.screenshot("file-14b-card-scanned");
    app.assert_accessible("answers from the ID card");
    next(&app);
    question(&app, "điện thoại");
    next(&app);
    question(&app, "Tên hộ kinh doanh");
    tap(&app, "hooj kinh doanh ^hoa ^mai");
    assert_eq!(field(&app), "Hộ kinh doanh Hoa Mai");
    next(&app);
    question(&app, "Địa chỉ kinh doanh");
    tap(&app, "soos 5 phoos ^hangf ^bacj");
    next(&app);
    question(&app, "Ngành, nghề");
    tap(&app, "bans ler tapj hoas");
    next(&app);
    question(&app, "Vốn kinh doanh");
    tap(&app, "50000000");
    next(&app);
    question(&app, "Số lao động");
    tap(&app, "2");
    app.click("[data-testid=btn-continue]");
    app.find("[data-testid=doc-0]");
    let first = app.text("[data-testid=doc-0]");
    assert!(
        first.starts_with("Giấy đề nghị đăng ký hộ kinh doanh"),
        "{first}"
    );
    app.click("[data-testid=doc-paper-0]");
    app.find("[data-testid=doc-status-0]");
    app.click("[data-testid=btn-continue]");
    // By post, to the address the profile gave.
    app.click("[data-testid=choice-post]");
    let to = app
        .exec("return document.querySelector('[data-testid=delivery-field]').value")
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(to.contains("Hàng Bạc"), "{to}");
    app.screenshot("file-15-by-post");
    app.assert_accessible("delivery by post");
    // The same screen in English, then back to Vietnamese.
    app.click("[data-testid=lang-toggle]");
    wait_until("English", || {
        app.text("[data-testid=btn-continue]").contains("Continue")
    });
    app.screenshot("file-15b-by-post-en");
    app.assert_accessible("delivery by post, English");
    app.click("[data-testid=lang-toggle]");
    wait_until("Vietnamese", || {
        app.text("[data-testid=btn-continue]").contains("Tiếp tục")
    });
    app.click("[data-testid=btn-continue]");
    app.find("[data-testid=btn-send]");
    assert!(app
        .text("[data-testid=review-delivery]")
        .contains("Hàng Bạc"));
    app.click("[data-testid=btn-send]");

    app.find("[data-testid=dossier-code]");
    let code = app.text("[data-testid=dossier-code]");
    assert!(motcua_core::dossier::is_dossier_code(&code), "{code}");
    let fee = app.text("[data-testid=dossier-fee]");
    assert!(fee.contains("150.000"), "{fee}");
    app.find("[data-testid=qr-pay]");
    // The paper owed, said loudly, with the way to hand it in.
    let owed = app.text("[data-testid=paper-owed]");
    assert!(owed.contains("Còn phải nộp tại quầy"), "{owed}");
    assert!(
        owed.contains("Giấy đề nghị đăng ký hộ kinh doanh"),
        "{owed}"
    );
    assert!(owed.contains("Lấy số để nộp giấy tờ"), "{owed}");
    let shot = app.screenshot("file-16-done-with-fee");
    app.assert_accessible("filed, with a fee");
    let on_screen = decode_qr(&shot);
    let receipt = printed_receipt(&spool, &work.path().join("receipt-ho-kinh-doanh.pdf"));
    let text = pdf_text(&receipt);
    for want in [code.as_str(), "150.000", "Đăng ký thành lập hộ kinh doanh"] {
        assert!(text.contains(want), "receipt lacks {want:?}:\n{text}");
    }
    let qr = pdf_qr(&receipt, work.path());
    let pay = qr
        .iter()
        .find(|q| q.starts_with("000201"))
        .unwrap_or_else(|| panic!("a VietQR payload on the receipt: {qr:?}"));
    assert!(
        on_screen.contains(pay),
        "the same payment QR on screen: {on_screen:?}"
    );
    let v = serde_json::to_value(motcua_core::scan::decode(pay, Some(&key), today)).unwrap();
    assert_eq!(v["kind"], "vietqr", "{v}");
    assert_eq!(v["crc_ok"], true, "{v}");
    assert_eq!(v["bin"], BIN, "{v}");
    assert_eq!(v["account"], ACCOUNT, "{v}");
    assert_eq!(v["amount"], "150000", "{v}");
    assert_eq!(v["currency"], "704", "{v}");
    assert_eq!(v["country"], "VN", "{v}");
    assert!(
        v["purpose"].as_str().unwrap_or_default().contains(&code),
        "{v}"
    );
    let track = qr.iter().find(|q| q.contains(&code)).expect("tracking QR");
    assert_eq!(
        serde_json::to_value(motcua_core::scan::decode(track, Some(&key), today)).unwrap()
            ["signature_ok"],
        true
    );

    // "Lấy số để nộp giấy tờ": the session ends (nothing of it left) and a number for the
    // procedure's own service comes out, as from the home screen.
    app.click("[data-testid=btn-paper-ticket]");
    app.find("[data-testid=priority-none]");
    app.click("[data-testid=priority-none]");
    app.find("[data-testid=ticket-number]");
    let ticket = app.text("[data-testid=ticket-number]");
    assert!(ticket.starts_with('C'), "a number of Kinh doanh: {ticket}");
    app.find("[data-testid=print-ok]");
    app.screenshot("file-17-paper-ticket");
    app.click("[data-testid=btn-done]");
    app.find("[data-testid=home]");
    assert_nothing_personal_left(&[&data, &spool, &scans, &xdg]);
    drop(app);
    rt.block_on(server.shutdown());
}

/// Declined on the phone, or left until the code expires: the kiosk says which, keeps nothing,
/// and offers a new code.
#[test]
fn a_sign_in_declined_or_expired_says_so_and_offers_a_new_code() {
    let _one_window = support::WINDOW_LOCK
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let op = oidc::start_provider(&repo_root().join("tests/oidc-provider"), CLIENT, 1);
    let rt = runtime();
    let office_dir = tempfile::tempdir().unwrap();
    // The provider's second client gets device codes that expire after 2 s.
    for (client, shot) in [
        (CLIENT, "file-20-declined"),
        (&*format!("{CLIENT}-short"), "file-21-expired"),
    ] {
        let kiosk_dir = tempfile::tempdir().unwrap();
        let port = support::free_port();
        let base = format!("http://127.0.0.1:{port}");
        let db = office_dir.path().join(format!("{client}.db"));
        let server = rt.block_on(support::start_office_with(office_config(
            port, &db, &op.issuer, client,
        )));
        let app = launch_kiosk(kiosk_dir.path(), &base);
        app.click("[data-testid=tile-vneid]");
        app.click("[data-testid=btn-signin]");
        let link = signin_link(&app, &op.issuer, &format!("{shot}-qr"));
        let first = app.text("[data-testid=signin-user-code]");
        let want = if client == CLIENT {
            let last = rt.block_on(oidc::phone(&link, true));
            assert!(!last.contains("Sign-in Success"), "{last}");
            "Đăng nhập đã bị từ chối"
        } else {
            "Mã đã hết hạn"
        };
        wait_until("the sign-in's end", || {
            app.try_find("[data-testid=signin-failed]").is_some()
        });
        let said = app.text("[data-testid=signin-failed]");
        assert!(said.contains(want) && said.contains("Tạo mã mới"), "{said}");
        // A failure is not a dead end either.
        app.find("[data-testid=btn-no-vneid]");
        app.screenshot(shot);
        app.assert_accessible(shot);
        // Nothing signed in: Home goes straight home, no question asked.
        app.click("[data-testid=btn-signin-retry]");
        wait_until("a new code", || {
            let c = app.text("[data-testid=signin-user-code]");
            !c.is_empty() && c != first
        });
        app.click("[data-testid=btn-home]");
        app.find("[data-testid=home]");
        drop(app);
        rt.block_on(server.shutdown());
    }
}
