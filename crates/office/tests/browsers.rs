//! What a browser may do, over real HTTP on loopback: a state-changing request takes JSON or
//! no body (an HTML form or plain text is 415), a page of another origin is refused 403, a
//! request for a host name the server does not answer to is 421 (DNS rebinding); the server's
//! own pages, the kiosk (no `Origin`), the keypad's bodiless `call-next` and the sandbox
//! sign-in's form pages still work; every page carries its content security policy.

use motcua_testkit as support;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use support::assert_api_error;

/// Sends `head` (a request line and headers, each ending in CRLF, without the blank line) and
/// `body` over a fresh connection; the status and the JSON body of the answer.
async fn raw(addr: std::net::SocketAddr, head: &str, body: &str) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{head}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .expect("an answer")
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let json = text.split("\r\n\r\n").nth(1).unwrap_or("");
    let json = json.find('{').map_or("", |i| &json[i..]);
    let json = json.rfind('}').map_or("", |i| &json[..=i]);
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

async fn answer(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let r = r.send().await.unwrap();
    let st = r.status();
    let text = r.text().await.unwrap();
    (st, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The ticket's status as the public lookup tells it.
async fn status_of(base: &str, id: &str) -> String {
    let (st, t) = support::get(&Client::new(), format!("{base}/api/v1/tickets/{id}")).await;
    assert_eq!(st, 200, "{t}");
    t["status"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_posted_counter_action_is_refused_415_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let srv = support::server(&dir).await;
    let base = srv.url();
    let staff = support::admin(&srv).await;
    let kiosk = support::kiosk(&srv);
    let t = support::issue(&kiosk, &base, "ho-tich", "none").await;
    let id = t["id"].as_str().unwrap();
    let call = format!("{base}/api/v1/counters/quay-1/call-next");
    // What a cross-site HTML form can send (the three form encodings), with and without a
    // body, and a JSON body labelled as something else.
    for (ct, body) in [
        ("application/x-www-form-urlencoded", "service_id=ho-tich"),
        ("text/plain", r#"{"service_id":"ho-tich"}"#),
        ("multipart/form-data; boundary=x", "--x\r\n\r\n--x--\r\n"),
        ("application/x-www-form-urlencoded", ""),
        ("text/plain", ""),
        ("application/jsonp", "{}"),
    ] {
        let (st, e) = answer(
            staff
                .post(&call)
                .header("content-type", ct)
                .body(body.to_owned()),
        )
        .await;
        assert_api_error(st, &e, 415, "unsupported_media_type");
        assert!(
            e["message_vi"]
                .as_str()
                .unwrap()
                .contains("application/json"),
            "{e}"
        );
        assert_eq!(status_of(&base, id).await, "waiting", "after {ct}");
    }
    // A body without any type: the same.
    let (st, e) = raw(
        srv.addr,
        &format!("POST /api/v1/tickets HTTP/1.1\r\nHost: {}\r\n", srv.addr),
        r#"{"service_id":"ho-tich"}"#,
    )
    .await;
    assert_api_error(
        StatusCode::from_u16(st).unwrap(),
        &e,
        415,
        "unsupported_media_type",
    );
    // The refusal comes before the guard: the device's own requests too.
    let (st, e) = answer(
        kiosk
            .post(format!("{base}/api/v1/tickets"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("service_id=ho-tich"),
    )
    .await;
    assert_api_error(st, &e, 415, "unsupported_media_type");

    // The counter page's bodiless call-next (no type, Content-Length: 0) works.
    let r = staff.post(&call).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(status_of(&base, id).await, "called");
    // JSON with a charset works.
    let t2 = support::issue(&kiosk, &base, "ho-tich", "none").await;
    let (st, r) = answer(
        staff
            .post(format!("{base}/api/v1/counters/quay-1/complete"))
            .header("content-type", "Application/JSON; charset=utf-8")
            .body(format!(r#"{{"ticket_id":"{id}"}}"#)),
    )
    .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(status_of(&base, id).await, "completed");
    // A bodiless DELETE (sign out) works; reads take any type.
    let r = staff
        .get(format!("{base}/api/v1/counters"))
        .header("content-type", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = staff
        .delete(format!("{base}/api/v1/staff/session"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(
        status_of(&base, t2["id"].as_str().unwrap()).await,
        "waiting"
    );
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_another_origin_is_refused_403_and_the_servers_own_pass() {
    let dir = tempfile::tempdir().unwrap();
    let srv = support::server_at(&dir.path().join("office.db"), |c| {
        c.allowed_origins = vec!["https://motcua.example.gov.vn/".into()];
    })
    .await;
    let base = srv.url();
    let port = srv.addr.port();
    let staff = support::admin(&srv).await;
    let kiosk = support::kiosk(&srv);
    let t = support::issue(&kiosk, &base, "ho-tich", "none").await;
    let id = t["id"].as_str().unwrap();
    let call = format!("{base}/api/v1/counters/quay-1/call-next");
    for origin in [
        "http://evil.example".to_string(),
        "null".to_string(),
        // Same host, another port or scheme: another origin.
        format!("http://127.0.0.1:{}", port.wrapping_add(1)),
        format!("https://127.0.0.1:{port}"),
        "http://motcua.example.gov.vn".to_string(),
        "not an origin".to_string(),
    ] {
        let (st, e) = answer(staff.post(&call).header("origin", &origin).json(&json!({}))).await;
        assert_api_error(st, &e, 403, "origin_not_allowed");
        assert_eq!(status_of(&base, id).await, "waiting", "after {origin}");
        // A kiosk's token does not make a cross-site request acceptable either.
        let (st, e) = answer(
            kiosk
                .post(format!("{base}/api/v1/tickets"))
                .header("origin", &origin)
                .json(&json!({"service_id": "ho-tich"})),
        )
        .await;
        assert_api_error(st, &e, 403, "origin_not_allowed");
    }
    // Reads from anywhere are fine (the board's events, a lookup).
    let r = Client::new()
        .get(format!("{base}/api/v1/board"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The server's own page (the origin the request is addressed to), by IP and by
    // `localhost`, and the configured origin pass.
    let (st, r) = answer(staff.post(&call).header("origin", &base)).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(status_of(&base, id).await, "called");
    let (st, r) = answer(
        staff
            .post(format!("{base}/api/v1/counters/quay-1/recall"))
            .header("origin", "https://MOTCUA.example.gov.vn:443")
            .json(&json!({})),
    )
    .await;
    assert_eq!(st, 200, "{r}");
    let (st, r) = raw(
        srv.addr,
        &format!(
            "POST /api/v1/tickets HTTP/1.1\r\nHost: localhost:{port}\r\n\
             Origin: http://localhost:{port}\r\nContent-Type: application/json\r\n\
             Authorization: {}\r\n",
            kiosk_auth(&srv)
        ),
        r#"{"service_id":"ho-tich"}"#,
    )
    .await;
    assert_eq!(st, 201, "{r}");
    // The same page origin addressed to another host name is not the same origin.
    let (st, e) = raw(
        srv.addr,
        &format!(
            "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
             Origin: http://localhost:{port}\r\nContent-Type: application/json\r\n\
             Authorization: {}\r\n",
            kiosk_auth(&srv)
        ),
        r#"{"service_id":"ho-tich"}"#,
    )
    .await;
    assert_api_error(
        StatusCode::from_u16(st).unwrap(),
        &e,
        403,
        "origin_not_allowed",
    );
    srv.shutdown().await;
}

/// `Authorization: Bearer …` of a new kiosk device.
fn kiosk_auth(srv: &motcua_office::ServerHandle) -> String {
    let token = support::device_token(srv, motcua_core::devices::DeviceKind::Kiosk, None);
    format!("Bearer {token}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_name_the_server_does_not_answer_to_is_refused_421() {
    let dir = tempfile::tempdir().unwrap();
    let srv = support::server_at(&dir.path().join("office.db"), |c| {
        c.public_base_url = Some("http://motcua.xa-thu.vn:8080".into());
        c.allowed_hosts = vec!["Quay.XA-Thu.local".into()];
    })
    .await;
    let (addr, port) = (srv.addr, srv.addr.port());
    let kiosk = kiosk_auth(&srv);
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        // A name that resolves to loopback is still a name (and 127.1 is not a literal).
        format!("127.1:{port}"),
        "localhost.evil.example".to_string(),
        "motcua.xa-thu.vn.evil.example".to_string(),
        format!("[::1:{port}"),
        String::new(),
    ] {
        for path in ["/healthz", "/counter/", "/api/v1/nothing-here"] {
            let (st, e) = raw(
                addr,
                &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n"),
                "",
            )
            .await;
            assert_api_error(
                StatusCode::from_u16(st).unwrap(),
                &e,
                421,
                "host_not_allowed",
            );
            assert!(
                e["message_en"].as_str().unwrap().contains("--allowed-host"),
                "{e}"
            );
        }
    }
    // Nothing is done for a refused host.
    let (st, e) = raw(
        addr,
        &format!(
            "POST /api/v1/tickets HTTP/1.1\r\nHost: evil.example:{port}\r\n\
             Content-Type: application/json\r\nAuthorization: {kiosk}\r\n"
        ),
        r#"{"service_id":"ho-tich"}"#,
    )
    .await;
    assert_api_error(
        StatusCode::from_u16(st).unwrap(),
        &e,
        421,
        "host_not_allowed",
    );
    let board = support::board(&Client::new(), &srv.url()).await;
    assert_eq!(
        board["waiting"].as_array().map_or(0, Vec::len),
        0,
        "{board}"
    );
    // An absolute request target names the host too.
    let (st, e) = raw(
        addr,
        &format!("GET http://evil.example/healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"),
        "",
    )
    .await;
    assert_api_error(
        StatusCode::from_u16(st).unwrap(),
        &e,
        421,
        "host_not_allowed",
    );
    // No Host, or two: 400.
    for head in [
        "GET /healthz HTTP/1.1\r\n".to_string(),
        format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: 127.0.0.1:{port}\r\n"),
    ] {
        let (st, e) = raw(addr, &head, "").await;
        assert_api_error(StatusCode::from_u16(st).unwrap(), &e, 400, "bad_request");
    }
    // IP literals, localhost, the public URL's host and the configured name are served.
    for host in [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_string(),
        format!("[::1]:{port}"),
        "192.168.1.10:8080".to_string(),
        format!("localhost:{port}"),
        "LocalHost".to_string(),
        "motcua.xa-thu.vn:8080".to_string(),
        "quay.xa-thu.local".to_string(),
        format!("QUAY.xa-thu.LOCAL:{port}"),
    ] {
        let (st, v) = raw(
            addr,
            &format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n"),
            "",
        )
        .await;
        assert_eq!(st, 200, "Host: {host}: {v}");
    }
    let (st, t) = raw(
        addr,
        &format!(
            "POST /api/v1/tickets HTTP/1.1\r\nHost: quay.xa-thu.local:{port}\r\n\
             Origin: http://quay.xa-thu.local:{port}\r\nContent-Type: application/json\r\n\
             Authorization: {kiosk}\r\n"
        ),
        r#"{"service_id":"ho-tich"}"#,
    )
    .await;
    assert_eq!(st, 201, "{t}");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origins_and_hosts_that_are_not_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    for (origins, hosts, says) in [
        (vec!["motcua.example.gov.vn"], vec![], "--allowed-origin"),
        (
            vec!["https://motcua.example.gov.vn/quay"],
            vec![],
            "--allowed-origin",
        ),
        (
            vec!["ftp://motcua.example.gov.vn"],
            vec![],
            "--allowed-origin",
        ),
        (
            vec![],
            vec!["https://motcua.example.gov.vn"],
            "--allowed-host",
        ),
        (vec![], vec!["motcua.example.gov.vn:8080"], "--allowed-host"),
    ] {
        let cfg = motcua_office::ServerConfig {
            listen: "127.0.0.1:0".into(),
            db_path: dir.path().join("office.db"),
            allowed_origins: origins.iter().map(|s| s.to_string()).collect(),
            allowed_hosts: hosts.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let err = motcua_office::start(cfg).await.err().expect("refused");
        assert!(err.to_string().contains(says), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_sign_in_page_posts_its_forms_with_its_own_origin() {
    let dir = tempfile::tempdir().unwrap();
    let srv = support::server_at(&dir.path().join("office.db"), |c| c.demo_sign_in = true).await;
    let base = srv.url();
    let kiosk = support::kiosk(&srv);
    let (st, started) =
        support::post(&kiosk, format!("{base}/api/v1/auth/device"), json!({})).await;
    assert_eq!(st, 201, "{started}");
    let vuc = started["verification_uri_complete"].as_str().unwrap();
    let page = Client::new().get(vuc).send().await.unwrap();
    // Under the office's `no-referrer` a browser would post the page's forms with
    // `Origin: null` (which the edge refuses); the sandbox's pages send their own origin.
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("form-action 'self'"));
    let html = page.text().await.unwrap();
    let form = support::oidc::forms(&html)
        .into_iter()
        .next()
        .expect("the approval form");
    let action = reqwest::Url::parse(vuc)
        .unwrap()
        .join(&form.action)
        .unwrap();
    // A page of another site posting the approval: refused, the sign-in still pending.
    let r = Client::new()
        .post(action.clone())
        .header("origin", "http://evil.example")
        .form(&form.fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let session = started["session_id"].as_str().unwrap();
    let (_, v) = support::get(&kiosk, format!("{base}/api/v1/auth/device/{session}")).await;
    assert_eq!(v["status"], "pending", "{v}");
    // The phone's browser: the form posted (form-urlencoded) with the page's origin.
    let r = Client::new()
        .post(action)
        .header("origin", &base)
        .form(&form.fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Đã đồng ý"));
    srv.shutdown().await;
}

/// Every page (HTML) the office serves carries its content security policy with
/// `frame-ancestors 'none'` and `X-Frame-Options: DENY`; every other answer (JSON, errors)
/// the policy that loads nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_and_answer_carries_a_content_security_policy() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("dist");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(
        ui.join("counter.html"),
        "<!doctype html><style>body{}</style><title>Quầy</title>",
    )
    .unwrap();
    std::fs::write(ui.join("board.html"), "<!doctype html><title>Bảng</title>").unwrap();
    let srv = support::server_at(&dir.path().join("office.db"), |c| {
        c.demo_sign_in = true;
        c.ui = motcua_office::UiSource::Dir(ui.clone());
    })
    .await;
    let base = srv.url();
    let kiosk = support::kiosk(&srv);
    let t = support::issue(&kiosk, &base, "ho-tich", "none").await;
    let (_, started) = support::post(&kiosk, format!("{base}/api/v1/auth/device"), json!({})).await;
    let pages = [
        "/counter/".to_string(),
        "/board/".to_string(),
        format!("/t/{}", t["id"].as_str().unwrap()),
        "/t/khong-co".to_string(),
        "/d/khong-co?k=aaaaaaaaaa".to_string(),
        "/demo-idp/device".to_string(),
        started["verification_uri_complete"]
            .as_str()
            .unwrap()
            .trim_start_matches(&base)
            .to_string(),
    ];
    let c = Client::new();
    let mut html = 0;
    for path in pages {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        if h["content-type"].to_str().unwrap().starts_with("text/html") {
            html += 1;
            assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
            assert!(!csp.contains("unsafe"), "{path}: {csp}");
        }
    }
    assert!(html >= 5, "only {html} pages were HTML");
    for path in ["/api/v1/board", "/api/v1/nothing-here", "/healthz"] {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    // Refusals at the edge carry them too.
    let r = c
        .post(format!("{base}/api/v1/tickets"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers().contains_key("content-security-policy"));
    srv.shutdown().await;
}
