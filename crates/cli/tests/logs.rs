//! What `motcua serve` logs at `RUST_LOG=debug` while it serves lookups and filings: the route
//! templates, never a URL's secrets (a dossier's `k=`, a ticket's id, a sign-in session id in
//! the path) nor a posted body's personal data. Also the browser options of the command line
//! (`--allowed-host`, `--allowed-origin`) as the server applies them.

use motcua_testkit as support;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

#[test]
fn the_debug_log_has_route_templates_and_no_secret_or_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let mut child = Command::new(crate::MOTCUA)
        .args(["serve", "--listen", "127.0.0.1:0", "--demo-sign-in"])
        .args(["--allowed-host", "motcua.test"])
        .args(["--allowed-origin", "https://proxy.test"])
        .arg("--db")
        .arg(&db)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn motcua");
    let log = Arc::new(Mutex::new(String::new()));
    let reader = {
        let (log, mut err) = (log.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                log.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let token = motcua_office::access::add_device(
        &db,
        motcua_core::devices::DeviceKind::Kiosk,
        "kiosk-logs",
        None,
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let secrets = rt.block_on(async {
        let kiosk = support::bearer_client(&token);
        // A ticket and its lookups (the id is the citizen's lookup secret).
        let t = support::issue(&kiosk, &base, "ho-tich", "none").await;
        let ticket = t["id"].as_str().unwrap().to_owned();
        let anyone = reqwest::Client::new();
        let (st, _) = support::get(&anyone, format!("{base}/api/v1/tickets/{ticket}")).await;
        assert_eq!(st, 200);
        let r = anyone
            .get(format!("{base}/t/{ticket}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        // A sign-in (its session id in the path of every poll) and a dossier filed with it.
        let session = support::sign_in_demo(&kiosk, &base).await.session_id;
        let address = "Số 77 ngõ Bí Mật Thử Nghiệm, Hà Nội";
        let phone = "0987654321";
        let body = json!({
            "procedure_code": "1.004873",
            "sign_in_session": session,
            "applicant": {"phone": phone, "address": address},
            "documents": [{"name": "Tờ khai", "originals": 1,
                "submission": {"kind": "paper_at_counter"}}],
            "delivery": {"method": "post", "address": address}
        });
        let r = kiosk
            .post(format!("{base}/api/v1/dossiers"))
            .header("Idempotency-Key", "logs-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        let st = r.status();
        let d: Value = r.json().await.unwrap();
        assert_eq!(st, 201, "{d}");
        let code = d["code"].as_str().unwrap().to_owned();
        let url = d["tracking_url"].as_str().unwrap();
        let k = url
            .split("k=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        let (st, full) =
            support::get(&anyone, format!("{base}/api/v1/dossiers/{code}?k={k}")).await;
        assert_eq!(st, 200, "{full}");
        let r = anyone
            .get(format!("{base}/d/{code}?k={k}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        // A wrong secret (a refused lookup logs nothing of it either).
        let wrong = "sai-bi-mat-0123456789";
        let (st, _) =
            support::get(&anyone, format!("{base}/api/v1/dossiers/{code}?k={wrong}")).await;
        assert_eq!(st, 404);
        support::sign_out(&kiosk, &base, &session).await;

        // A paper dossier received at a counter and one step with a note: the officer's
        // entries name the citizen; the log does not.
        motcua_office::access::add_staff(
            &db,
            &motcua_core::staff::NewStaff {
                username: "can-bo-logs".into(),
                full_name: "Cán bộ Nhật Ký".into(),
                role: motcua_core::staff::Role::Counter,
                password: support::TEST_PASSWORD.into(),
                counters: vec![],
                services: vec![],
            },
        )
        .unwrap();
        let (cookie, csrf) =
            support::staff_session(&base, "can-bo-logs", support::TEST_PASSWORD).await;
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
        h.insert("x-csrf-token", csrf.parse().unwrap());
        let officer = reqwest::Client::builder()
            .default_headers(h)
            .build()
            .unwrap();
        let r = officer
            .post(format!("{base}/api/v1/dossiers"))
            .header("Idempotency-Key", "logs-paper")
            .json(&json!({
                "channel": "counter", "procedure_code": "1.004873",
                "applicant": {"full_name": "Vũ Thị Giấy", "id_number": "001186077777",
                              "phone": "0911222333"},
                "documents": [{"name": "Tờ khai", "originals": 1,
                               "submission": {"kind": "paper_at_counter"}}],
                "delivery": {"method": "office"}
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let paper: Value = r.json().await.unwrap();
        let paper_code = paper["code"].as_str().unwrap();
        let (st, d) = support::post(
            &officer,
            format!("{base}/api/v1/dossiers/{paper_code}/actions"),
            json!({"action": "request_supplement", "items": [{"document": "Tờ khai",
                "problem": "Chữ ký của bà Vũ Thị Giấy bị mờ", "legal_basis": "Điều 8"}]}),
        )
        .await;
        assert_eq!(st, 200, "{d}");

        // The command line's browser options: the allowed name is served, the allowed origin
        // may change state, another name and another origin are refused.
        let addr = base.trim_start_matches("http://");
        let port = addr.rsplit(':').next().unwrap();
        let r = anyone
            .get(format!("{base}/healthz"))
            .header("host", format!("motcua.test:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = anyone
            .get(format!("{base}/healthz"))
            .header("host", "other.test")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 421);
        for (origin, want) in [("https://proxy.test", 201), ("https://other.test", 403)] {
            let r = kiosk
                .post(format!("{base}/api/v1/tickets"))
                .header("origin", origin)
                .json(&json!({"service_id": "ho-tich"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), want, "{origin}");
        }
        vec![
            ticket,
            session,
            k,
            wrong.to_owned(),
            "Bí Mật".to_owned(),
            phone.to_owned(),
            // The signed-in demo citizen's name and ID number (in the dossier's body).
            "Phạm Văn Mẫu".to_owned(),
            "001090012345".to_owned(),
            // The paper dossier's applicant, as the officer entered it.
            "Vũ Thị Giấy".to_owned(),
            "001186077777".to_owned(),
            "0911222333".to_owned(),
        ]
    });
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
    // Without the terminal colours (the subscriber writes them even into a pipe).
    let log = strip_colours(&log.lock().unwrap());
    for route in [
        "/api/v1/tickets/{id}",
        "/t/{id}",
        "/api/v1/auth/device/{session_id}",
        "/api/v1/dossiers/{code}",
        "/d/{code}",
        "/api/v1/auth/sessions/{session_id}",
        "/api/v1/dossiers/{code}/actions",
    ] {
        assert!(
            log.contains(&format!("route=\"{route}\"")),
            "{route} not logged:\n{log}"
        );
    }
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "{secret} is in the debug log:\n{log}"
        );
    }
    assert!(
        !log.contains("k="),
        "a query string is in the debug log:\n{log}"
    );
}

/// `text` without its ANSI escape sequences (`ESC [ … letter`).
fn strip_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn an_allowed_origin_that_is_not_one_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(crate::MOTCUA)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(["--allowed-origin", "motcua.test/quay"])
        .arg("--db")
        .arg(dir.path().join("office.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--allowed-origin") && err.contains("scheme://host[:port]"),
        "{err}"
    );
}
