//! Online filing from the kiosk against a real office server on loopback, real SQLite files on
//! both sides: receipt printed and checked; bad files refused with nothing stored; an outage
//! queues the filing and it is filed once when the server returns; kill -9 between the outbox
//! write and the send files it exactly once after restart; after the session ends no file the
//! kiosk wrote holds the citizen's name or ID number. The citizen signs in at the kiosk with
//! the demo sandbox provider (the phone approves it) and the dossier goes with that sign-in;
//! a filing queued across an office server restart finds its sign-in gone (sessions live in
//! the server's memory): refused, kept for staff without the citizen's data.

use crate::support;

use base64::Engine;
use motcua_core::dossier::{Applicant, Delivery, DocumentRequest, DossierRequest, Submission};
use motcua_kiosk::services::Kiosk;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{contains_bytes as contains, files_under as files};

/// The sandbox provider's citizen (what the sign-in vouches for).
const NAME: &str = "Phạm Văn Mẫu";
const ID: &str = "001090012345";

/// A small but real PDF.
fn pdf_bytes() -> Vec<u8> {
    motcua_print::render_checklist(&motcua_print::sample_checklist(), motcua_print::Format::Pdf)
        .unwrap()
}

fn request(file: Vec<u8>) -> DossierRequest {
    DossierRequest {
        procedure_code: "1.001193".into(),
        channel: Default::default(),
        ticket_id: None,
        applicant: Applicant {
            full_name: NAME.into(),
            id_number: ID.into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 5, 20),
            gender: Some("male".into()),
            address: Some("Số 5 phố Huế, Hà Nội".into()),
            phone: Some("0912345678".into()),
            email: None,
        },
        answers: [("child_name".to_string(), serde_json::json!("Trần Minh An"))]
            .into_iter()
            .collect(),
        documents: vec![
            DocumentRequest {
                name: "Giấy chứng sinh".into(),
                originals: 1,
                copies: 0,
                submission: Submission::Attachment {
                    file_name: "chung-sinh.pdf".into(),
                    content_base64: base64::engine::general_purpose::STANDARD.encode(file),
                },
            },
            DocumentRequest {
                name: "Tờ khai đăng ký khai sinh".into(),
                originals: 1,
                copies: 0,
                submission: Submission::PaperAtCounter,
            },
        ],
        delivery: Delivery::Office,
        // The kiosk adds its own sign-in session (`Kiosk::submit_dossier`).
        sign_in_session: None,
    }
}

/// Signs the demo citizen in at the kiosk, as the screen (QR) and the phone (approve) do.
async fn sign_in(kiosk: &Kiosk) {
    let started = kiosk.signin_start().await.unwrap();
    assert!(started.demo);
    motcua_testkit::oidc::phone(started.verification_uri_complete.as_deref().unwrap(), false).await;
    let begun = Instant::now();
    loop {
        let st = kiosk.citizen.status().await.unwrap();
        match st.status {
            motcua_core::SignInStatus::Approved => return,
            motcua_core::SignInStatus::Pending => {}
            other => panic!("sign-in {other:?}"),
        }
        assert!(begun.elapsed() < Duration::from_secs(30), "still pending");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// An office server with the demo data and the sandbox sign-in.
async fn office(db: &Path, listen: &str) -> motcua_office::ServerHandle {
    support::start_office_with(motcua_office::ServerConfig {
        listen: listen.into(),
        db_path: db.to_path_buf(),
        seed_demo: true,
        demo_sign_in: true,
        ..Default::default()
    })
    .await
}

fn outbox_pending(data: &Path) -> i64 {
    let c = rusqlite::Connection::open(data.join("kiosk.sqlite3")).unwrap();
    c.query_row(
        "SELECT COUNT(*) FROM outbox_dossiers WHERE rejected IS NULL",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

fn dossiers_on_server(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT COUNT(*) FROM dossiers", [], |r| r.get(0))
        .unwrap()
}

fn outbox_rows(data: &Path) -> i64 {
    let c = rusqlite::Connection::open(data.join("kiosk.sqlite3")).unwrap();
    c.query_row("SELECT COUNT(*) FROM outbox_dossiers", [], |r| r.get(0))
        .unwrap_or(0)
}

async fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filing_prints_a_receipt_survives_an_outage_and_leaves_no_personal_data() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("office.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let server = office(&db, &listen).await;
    let base = format!("http://{listen}");
    let data = tmp.path().join("kiosk");
    let kiosk = Kiosk::start(
        support::kiosk_config(&base, &data, "kiosk-5", &[("MOTCUA_PRINT_FORMAT", "pdf")]),
        data.clone(),
    )
    .await
    .unwrap();

    // Not signed in: refused, nothing kept.
    let err = kiosk
        .submit_dossier(request(pdf_bytes()))
        .await
        .unwrap_err();
    assert_eq!(err.code, motcua_core::ErrorCode::SignInRequired, "{err:?}");
    assert_eq!(outbox_rows(&data), 0);

    // Filed: a dossier code of the official shape, a receipt printed with its QR codes.
    sign_in(&kiosk).await;
    let done = kiosk.submit_dossier(request(pdf_bytes())).await.unwrap();
    let d = done.dossier.expect("filed at once");
    assert!(
        motcua_core::dossier::is_dossier_code(&d.code),
        "code {}",
        d.code
    );
    assert!(done.printed, "{:?}", done.print_error);
    assert!(done.tracking_qr_svg.unwrap().starts_with("<svg"));
    let receipt = data.join("spool").join(format!("receipt-{}.pdf", d.code));
    let text = String::from_utf8(
        std::process::Command::new("pdftotext")
            .args([receipt.to_str().unwrap(), "-"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(text.contains(&d.code), "receipt text: {text}");
    assert_eq!(
        d.verified_with,
        Some(motcua_core::dossier::Verification::Demo)
    );
    assert_eq!(outbox_rows(&data), 0, "acknowledged: out of the outbox");
    assert_eq!(dossiers_on_server(&db), 1);

    // A file renamed to .pdf that is not one: a clear message, nothing stored anywhere.
    let err = kiosk
        .submit_dossier(request(b"PK\x03\x04 this is a zip".to_vec()))
        .await
        .unwrap_err();
    assert!(err.message_vi.contains("Giấy chứng sinh"), "{err:?}");
    assert_eq!(outbox_rows(&data), 0);
    assert_eq!(dossiers_on_server(&db), 1);

    // Server down: the filing waits in the outbox with its sign-in. The server comes back
    // restarted, its sign-in sessions gone with the old process: the queued filing is refused
    // (sign_in_required), not filed, kept for staff without the citizen's data.
    server.shutdown().await;
    let queued = kiosk.submit_dossier(request(pdf_bytes())).await.unwrap();
    assert!(queued.dossier.is_none());
    assert_eq!(outbox_rows(&data), 1);
    let server = office(&db, &listen).await;
    wait_until("the queued filing to be answered", || {
        outbox_pending(&data) == 0
    })
    .await;
    assert_eq!(outbox_rows(&data), 1, "kept for staff");
    assert_eq!(dossiers_on_server(&db), 1, "not filed on a dead sign-in");
    let (request_left, reason): (String, String) =
        rusqlite::Connection::open(data.join("kiosk.sqlite3"))
            .unwrap()
            .query_row("SELECT request, rejected FROM outbox_dossiers", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
    assert_eq!(request_left, r#"{"procedure_code":"1.001193"}"#);
    assert!(reason.contains("sign in"), "{reason}");

    // The session ends: no file the kiosk wrote holds the citizen's name or ID number.
    kiosk.session_end().await;
    drop(kiosk);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let written = files(&data);
    assert!(
        written.iter().any(|f| f.ends_with("kiosk.sqlite3")),
        "the scan covers the kiosk's database: {written:?}"
    );
    for f in files(&data) {
        // SQLite's -wal/-shm may go as the last connection closes.
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        assert!(
            !contains(&bytes, NAME.as_bytes()) && !contains(&bytes, ID.as_bytes()),
            "{} still holds the citizen's data",
            f.display()
        );
    }
    server.shutdown().await;
}

/// The kiosk killed with SIGKILL after writing the filing to its outbox and before sending it:
/// after a restart it is filed exactly once. The test runs itself as the child kiosk
/// (`MOTCUA_FILING_CHILD` names its data folder, `MOTCUA_FILING_OFFICE` the server).
#[test]
fn kill_9_between_outbox_and_send_files_exactly_once() {
    if let Some(dir) = std::env::var_os("MOTCUA_FILING_CHILD") {
        let url = std::env::var("MOTCUA_FILING_OFFICE").unwrap();
        // The office runs in the parent: it made this kiosk's device token.
        let token = std::env::var("MOTCUA_FILING_TOKEN").unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let data = PathBuf::from(dir);
            let kiosk = Kiosk::start(
                support::kiosk_config(
                    &url,
                    &data,
                    "kiosk-5",
                    &[
                        ("MOTCUA_PRINT_FORMAT", "pdf"),
                        ("MOTCUA_OFFICE_TOKEN", &token),
                    ],
                ),
                data.clone(),
            )
            .await
            .unwrap();
            sign_in(&kiosk).await;
            // MOTCUA_TEST_PAUSE_AFTER_OUTBOX_MS holds it between the write and the send.
            let _ = kiosk.submit_dossier(request(pdf_bytes())).await;
            println!("SENT");
        });
        return;
    }

    let rt = tokio::runtime::Runtime::new().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("office.db");
    // The server stays up: the sign-in the child filed under still holds for the replay.
    let server = rt.block_on(office(&db, "127.0.0.1:0"));
    let url = format!("http://{}", server.addr);
    let data = tmp.path().join("kiosk");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "filing_kiosk::kill_9_between_outbox_and_send_files_exactly_once",
            "--nocapture",
        ])
        .env("MOTCUA_FILING_CHILD", &data)
        .env("MOTCUA_FILING_OFFICE", &url)
        .env(
            "MOTCUA_FILING_TOKEN",
            support::kiosk_token(&url, "kiosk-5").expect("the office's database"),
        )
        .env("MOTCUA_TEST_PAUSE_AFTER_OUTBOX_MS", "60000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !(data.join("kiosk.sqlite3").exists() && outbox_rows(&data) == 1) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the child never wrote its outbox"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL, before the send
    child.wait().unwrap();
    assert_eq!(dossiers_on_server(&db), 0, "not sent before the kill");

    rt.block_on(async {
        let kiosk = Kiosk::start(
            support::kiosk_config(&url, &data, "kiosk-5", &[("MOTCUA_PRINT_FORMAT", "pdf")]),
            data.clone(),
        )
        .await
        .unwrap();
        wait_until("the replayed filing", || outbox_rows(&data) == 0).await;
        assert_eq!(dossiers_on_server(&db), 1, "filed once");
        drop(kiosk);
        // A second restart sends nothing more.
        let kiosk = Kiosk::start(
            support::kiosk_config(&url, &data, "kiosk-5", &[("MOTCUA_PRINT_FORMAT", "pdf")]),
            data.clone(),
        )
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(dossiers_on_server(&db), 1, "still once");
        drop(kiosk);
        server.shutdown().await;
    });
}

/// With online filing turned off at the server, the kiosk shows the server's refusal (its own
/// words, code `filing_disabled`) and parks nothing in the outbox: a refusal is not an outage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_shown_and_nothing_is_parked() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("office.db");
    let server = support::start_office_with(motcua_office::ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: db.clone(),
        seed_demo: true,
        filing: motcua_office::dossier::FilingConfig {
            enabled: false,
            ..Default::default()
        },
        demo_sign_in: true,
        ..Default::default()
    })
    .await;
    let data = tmp.path().join("kiosk");
    let kiosk = Kiosk::start(
        support::kiosk_config(&server.url(), &data, "kiosk-6", &[]),
        data.clone(),
    )
    .await
    .unwrap();
    // A citizen signed in (nobody files without an identity: without one the answer would be
    // sign_in_required before anything else).
    sign_in(&kiosk).await;
    let err = kiosk
        .submit_dossier(request(pdf_bytes()))
        .await
        .expect_err("refused");
    assert_eq!(err.code, motcua_core::ErrorCode::FilingDisabled, "{err:?}");
    assert!(
        err.message_vi.contains("chưa bật nộp hồ sơ trực tuyến"),
        "{err:?}"
    );
    assert!(err.message_en.contains("not enabled"), "{err:?}");
    assert_eq!(outbox_rows(&data), 0, "a refusal is not kept for replay");
    assert!(kiosk.status().online, "a refusal is not an outage");
    drop(kiosk);
    server.shutdown().await;
}
