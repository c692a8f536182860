//! Who may do what on the office server (issue 12), over real HTTP on loopback: anonymous
//! state changes refused, each device kind and staff role limited to its own, CSRF on cookie
//! sessions, the lockout after five wrong passwords, the per-client limit on sign-ins,
//! revocation and disabling at once, a stale cookie not in the way of signing in again, and
//! the audit trail's chain (which a changed row breaks).

use motcua_core::devices::DeviceKind;
use motcua_core::staff::Role;
use motcua_testkit::{self as support, assert_api_error, server_at, TEST_PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn send(c: &Client, method: &str, url: String, body: Option<Value>) -> (StatusCode, Value) {
    let mut r = c.request(method.parse().unwrap(), url);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let st = r.status();
    let text = r.text().await.unwrap();
    (st, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A client with only a cookie (no CSRF token): as a page on another site would post.
fn cookie_only(cookie: &str) -> Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    Client::builder().default_headers(h).build().unwrap()
}

fn with_csrf(cookie: &str, csrf: &str) -> Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    h.insert("x-csrf-token", csrf.parse().unwrap());
    Client::builder().default_headers(h).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_change_needs_its_identity_and_role() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| c.seed_demo = true).await;
    let base = srv.url();
    let anon = Client::new();

    // Anonymous: 401 on every state change, the bilingual error; nothing happens.
    for (method, path) in [
        ("POST", "/api/v1/tickets"),
        ("POST", "/api/v1/tickets/offline"),
        ("POST", "/api/v1/counters/quay-1/call-next"),
        ("POST", "/api/v1/staff"),
        ("POST", "/api/v1/devices"),
        ("GET", "/api/v1/audit"),
        ("GET", "/api/v1/staff"),
    ] {
        let (st, e) = send(&anon, method, format!("{base}{path}"), Some(json!({}))).await;
        assert_api_error(st, &e, 401, "unauthorized");
        assert!(!e["message_vi"].as_str().unwrap().is_empty(), "{path}: {e}");
    }
    let (_, board) = support::get(&anon, format!("{base}/api/v1/board")).await;
    assert!(board.is_object(), "the board is public: {board}");

    // A kiosk issues tickets but calls nobody and administers nothing.
    let kiosk = support::kiosk(&srv);
    let (st, t) = send(
        &kiosk,
        "POST",
        format!("{base}/api/v1/tickets"),
        Some(json!({"service_id": "ho-tich"})),
    )
    .await;
    assert_eq!(st, 201, "{t}");
    for (method, path) in [
        ("POST", "/api/v1/counters/quay-1/call-next"),
        ("GET", "/api/v1/staff"),
        ("GET", "/api/v1/audit"),
    ] {
        let (st, e) = send(&kiosk, method, format!("{base}{path}"), Some(json!({}))).await;
        assert_eq!(st, 403, "kiosk {method} {path}: {e}");
    }

    // A counter device acts at its own counter only.
    let quay1 = support::bearer_client(&support::device_token(
        &srv,
        DeviceKind::Counter,
        Some("quay-1"),
    ));
    let (st, called) = send(
        &quay1,
        "POST",
        format!("{base}/api/v1/counters/quay-1/call-next"),
        Some(json!({})),
    )
    .await;
    assert_eq!(st, 200, "{called}");
    assert_eq!(called["ticket"]["id"], t["id"], "{called}");
    let (st, e) = send(
        &quay1,
        "POST",
        format!("{base}/api/v1/counters/quay-2/call-next"),
        Some(json!({})),
    )
    .await;
    assert_eq!(st, 403, "{e}");
    assert_eq!(e["code"], "wrong_counter", "{e}");

    // A counter member of staff: the CSRF token on every state change, no administration.
    let user = support::add_staff(&srv, Role::Counter);
    let (cookie, csrf) = support::staff_session(&base, &user, TEST_PASSWORD).await;
    let (st, e) = send(
        &cookie_only(&cookie),
        "POST",
        format!("{base}/api/v1/counters/quay-1/recall"),
        Some(json!({})),
    )
    .await;
    assert_api_error(st, &e, 403, "csrf_missing");
    let staff = with_csrf(&cookie, &csrf);
    let (st, e) = send(&staff, "GET", format!("{base}/api/v1/staff"), None).await;
    assert_eq!(st, 403, "a counter role lists no staff: {e}");
    let (st, e) = send(&staff, "GET", format!("{base}/api/v1/audit"), None).await;
    assert_eq!(st, 403, "nor the audit trail: {e}");
    // A manager reads the audit trail: the ticket and the call, by whom.
    let manager = support::staff_client(&srv, Role::Manager).await;
    let (st, audit) = send(&manager, "GET", format!("{base}/api/v1/audit"), None).await;
    assert_eq!(st, 200, "{audit}");
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"ticket.issue"), "{actions:?}");
    assert!(
        actions.iter().any(|a| a.starts_with("counter.")),
        "{actions:?}"
    );
    let (st, e) = send(
        &manager,
        "POST",
        format!("{base}/api/v1/staff"),
        Some(json!({"username": "x", "full_name": "X", "role": "admin", "password": "mat-khau-dai-lam"})),
    )
    .await;
    assert_eq!(st, 403, "only an admin adds staff: {e}");

    // Revoked and disabled: refused on the very next request.
    let token = support::device_token(&srv, DeviceKind::Kiosk, None);
    let name = {
        let (_, devices) = send(
            &support::admin(&srv).await,
            "GET",
            format!("{base}/api/v1/devices"),
            None,
        )
        .await;
        devices.as_array().unwrap().last().unwrap()["name"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let k2 = support::bearer_client(&token);
    let issue = json!({"service_id": "ho-tich"});
    assert_eq!(
        send(
            &k2,
            "POST",
            format!("{base}/api/v1/tickets"),
            Some(issue.clone())
        )
        .await
        .0,
        201
    );
    motcua_office::access::revoke_device(&srv.db_path, &name).unwrap();
    let (st, e) = send(&k2, "POST", format!("{base}/api/v1/tickets"), Some(issue)).await;
    assert_api_error(st, &e, 401, "unauthorized");
    motcua_office::access::set_staff_enabled(&srv.db_path, &user, false).unwrap();
    let (st, e) = send(
        &staff,
        "POST",
        format!("{base}/api/v1/counters/quay-1/recall"),
        Some(json!({})),
    )
    .await;
    assert_api_error(st, &e, 401, "unauthorized");

    // The chain holds; a row changed behind the server's back is found.
    let n = motcua_office::access::verify_audit(&srv.db_path)
        .unwrap()
        .expect("the chain verifies");
    assert!(n >= 3, "{n} entries");
    srv.shutdown().await;
    let conn = rusqlite::Connection::open(dir.path().join("office.db")).unwrap();
    conn.execute("UPDATE audit SET actor = 'someone-else' WHERE id = 1", [])
        .unwrap();
    let bad = motcua_office::access::verify_audit(&dir.path().join("office.db"))
        .unwrap()
        .expect_err("a changed entry breaks the chain");
    assert_eq!(bad.id, 1, "{bad:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lockout_limits_and_signing_in_again_over_a_stale_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| c.seed_demo = true).await;
    let base = srv.url();
    let c = Client::new();
    let user = support::add_staff(&srv, Role::Counter);
    let sign_in = |c: Client, password: &'static str, user: String| {
        let url = format!("{base}/api/v1/staff/session");
        async move {
            send(
                &c,
                "POST",
                url,
                Some(json!({"username": user, "password": password})),
            )
            .await
        }
    };

    // Signed out (or signed out by a restart): the old cookie does not stop a new sign-in.
    let (cookie, csrf) = support::staff_session(&base, &user, TEST_PASSWORD).await;
    let (st, _) = send(
        &with_csrf(&cookie, &csrf),
        "DELETE",
        format!("{base}/api/v1/staff/session"),
        None,
    )
    .await;
    assert_eq!(st, 204);
    let (st, e) = send(
        &cookie_only(&cookie),
        "GET",
        format!("{base}/api/v1/staff/session"),
        None,
    )
    .await;
    assert_api_error(st, &e, 401, "unauthorized");
    let (st, body) = sign_in(cookie_only(&cookie), TEST_PASSWORD, user.clone()).await;
    assert_eq!(st, 200, "signing in over a stale cookie: {body}");

    // Wrong passwords: the same answer for an unknown user; the fifth locks the account,
    // the right password then too, with the wait.
    let (st, e) = sign_in(c.clone(), "sai-mat-khau", "nobody-here".into()).await;
    assert_api_error(st, &e, 401, "bad_credentials");
    for _ in 0..5 {
        let (st, e) = sign_in(c.clone(), "sai-mat-khau", user.clone()).await;
        assert!(
            e["code"] == "bad_credentials" || e["code"] == "too_many_attempts",
            "{st} {e}"
        );
    }
    let r = c
        .post(format!("{base}/api/v1/staff/session"))
        .json(&json!({"username": user, "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "too_many_attempts", "{e}");

    // One address trying many accounts: the per-client limit (10 a minute by default).
    let mut limited = false;
    for i in 0..12 {
        let (st, e) = sign_in(c.clone(), "sai-mat-khau", format!("guess-{i}")).await;
        if st == 429 {
            assert_eq!(e["code"], "rate_limited", "{e}");
            limited = true;
            break;
        }
    }
    assert!(limited, "the per-client limit stops a stream of sign-ins");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_lockout_survives_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |_| {}).await;
    let user = support::add_staff(&srv, Role::Counter);
    let body = |password: &str| Some(json!({"username": user, "password": password}));
    let c = Client::new();
    let url = |srv: &motcua_office::ServerHandle| format!("{}/api/v1/staff/session", srv.url());
    for n in 1..=5 {
        let (st, e) = send(&c, "POST", url(&srv), body("sai-mat-khau")).await;
        if n < 5 {
            assert_api_error(st, &e, 401, "bad_credentials");
        } else {
            assert_api_error(st, &e, 429, "too_many_attempts");
        }
    }
    srv.shutdown().await;

    // Started again on the same database: the right password is still refused, at the
    // counter page and at a kiosk (assist), with the wait.
    let srv = server_at(&db, |_| {}).await;
    let r = c
        .post(url(&srv))
        .json(&json!({"username": user, "password": TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&wait), "{wait}");
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "too_many_attempts", "{e}");
    let (st, e) = send(
        &support::kiosk(&srv),
        "POST",
        format!("{}/api/v1/staff/assist", srv.url()),
        body(TEST_PASSWORD),
    )
    .await;
    assert_api_error(st, &e, 429, "too_many_attempts");
    srv.shutdown().await;

    // The lock's end is in the database too: moved into the past (as five minutes passing
    // would), the right password opens again after another restart.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let until: String = conn
        .query_row(
            "SELECT locked_until FROM staff WHERE username = ?1",
            [&user],
            |r| r.get(0),
        )
        .unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(&until).unwrap();
    let past = until - chrono::TimeDelta::seconds(motcua_office::access::store::LOCK_SECS + 1);
    conn.execute(
        "UPDATE staff SET locked_until = ?2 WHERE username = ?1",
        rusqlite::params![user, past.to_rfc3339()],
    )
    .unwrap();
    drop(conn);
    let srv = server_at(&db, |_| {}).await;
    let (st, v) = send(&c, "POST", url(&srv), body(TEST_PASSWORD)).await;
    assert_eq!(st, 200, "{v}");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_syncs_offline_tickets_only_as_itself() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| c.seed_demo = true).await;
    let base = srv.url();
    let token =
        motcua_office::access::add_device(&srv.db_path, DeviceKind::Kiosk, "kiosk-sanh", None)
            .unwrap();
    let kiosk = support::bearer_client(&token);
    let issued_at = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .to_rfc3339();
    // The body names another kiosk: the ticket is recorded as this kiosk's.
    let (st, t) = send(
        &kiosk,
        "POST",
        format!("{base}/api/v1/tickets/offline"),
        Some(json!({
            "local_id": "00112233445566778899aabbccddeeff", "kiosk_id": "kiosk-9",
            "service_id": "ho-tich", "priority": "none", "number": "A9-001", "issued_at": issued_at,
        })),
    )
    .await;
    assert_eq!(st, 201, "{t}");
    let (st, audit) = send(
        &support::staff_client(&srv, Role::Manager).await,
        "GET",
        format!("{base}/api/v1/audit"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let e = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "ticket.offline")
        .cloned()
        .expect("the offline ticket is audited");
    assert_eq!(e["actor"], "kiosk-sanh", "{e}");
    assert_eq!(e["detail"], "kiosk-sanh", "{e}");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_answers_are_never_cached_and_public_ones_may_be() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| c.seed_demo = true).await;
    let base = srv.url();
    let (st, t) = send(
        &support::kiosk(&srv),
        "POST",
        format!("{base}/api/v1/tickets"),
        Some(json!({"service_id": "ho-tich"})),
    )
    .await;
    assert_eq!(st, 201, "{t}");
    let id = t["id"].as_str().unwrap();
    let anon = Client::new();
    let cache = |r: &reqwest::Response| {
        r.headers()
            .get(reqwest::header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    for path in [
        format!("/api/v1/tickets/{id}"),
        format!("/t/{id}"),
        "/api/v1/dossiers/HS-KHONG-CO".to_owned(),
    ] {
        let r = anon.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(cache(&r).as_deref(), Some("no-store"), "{path}");
    }
    let r = anon
        .get(format!("{base}/api/v1/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_ne!(
        cache(&r).as_deref(),
        Some("no-store"),
        "the services list is public"
    );
    srv.shutdown().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_a_database_or_key_others_may_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("office.db");
    let srv = server_at(&db, |_| {}).await;
    srv.shutdown().await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600, "created private");
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    let cfg = |allow: bool| motcua_office::ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: db.clone(),
        allow_loose_permissions: allow,
        ..Default::default()
    };
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = motcua_office::start(cfg(false))
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("office.db") && err.contains("chmod 600"),
        "{err}"
    );
    // Told so, it starts.
    motcua_office::start(cfg(true))
        .await
        .unwrap()
        .shutdown()
        .await;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A TLS key others may read is refused the same way.
    let certs = motcua_testkit::tls::office_certs(dir.path());
    let key = certs.server.key.clone();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    let mut c = cfg(false);
    c.tls = Some(certs.server.clone());
    let err = motcua_office::start(c)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("TLS key") && err.contains("640"), "{err}");
}
