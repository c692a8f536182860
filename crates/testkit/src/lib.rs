//! The one test harness of the workspace: an office server on loopback with a real SQLite file
//! (in process, binding retried, or the real `motcua serve` process for kill -9 tests), JSON
//! calls, bilingual-error checks and a small Server-Sent Events reader. Every package's
//! integration tests (`tests/tests.rs`) use it.

pub mod oidc;
pub mod tls;

use motcua_office::{start, ServerConfig, ServerHandle};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

pub async fn server_at(db: &Path, f: impl FnOnce(&mut ServerConfig)) -> ServerHandle {
    let mut cfg = ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: db.to_path_buf(),
        office_name: "UBND xã Thử Nghiệm".into(),
        ..ServerConfig::default()
    };
    f(&mut cfg);
    start(cfg).await.expect("server starts")
}

/// A server with the demo data over `dir/office.db`.
pub async fn server(dir: impl AsRef<Path>) -> ServerHandle {
    server_at(&dir.as_ref().join("office.db"), |_| {}).await
}

/// Starts an office server with the demo data on `listen` and the database `db`. A port just
/// released by the previous server may still be busy for a moment: binding is retried.
pub async fn start_office(db: &Path, listen: &str) -> ServerHandle {
    start_office_with(ServerConfig {
        listen: listen.into(),
        db_path: db.to_path_buf(),
        seed_demo: true,
        ..Default::default()
    })
    .await
}

/// Starts an office server with this configuration, retrying the bind as [`start_office`].
pub async fn start_office_with(config: ServerConfig) -> ServerHandle {
    let begun = std::time::Instant::now();
    loop {
        match start(config.clone()).await {
            Ok(h) => return h,
            Err(e) if begun.elapsed() < Duration::from_secs(10) => {
                eprintln!("retrying: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("office server does not start: {e}"),
        }
    }
}

pub async fn post(c: &Client, url: String, body: Value) -> (StatusCode, Value) {
    let r = c.post(url).json(&body).send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

pub async fn get(c: &Client, url: String) -> (StatusCode, Value) {
    let r = c.get(url).send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

/// Issues a ticket; returns it.
pub async fn issue(c: &Client, base: &str, service: &str, priority: &str) -> Value {
    let (st, t) = post(
        c,
        format!("{base}/api/v1/tickets"),
        json!({"service_id": service, "priority": priority}),
    )
    .await;
    assert_eq!(st, 201, "{t}");
    t
}

/// A counter action; returns status and body.
pub async fn act(
    c: &Client,
    base: &str,
    counter: &str,
    action: &str,
    body: Value,
) -> (StatusCode, Value) {
    post(
        c,
        format!("{base}/api/v1/counters/{counter}/{action}"),
        body,
    )
    .await
}

/// `call-next` that must succeed; returns the called ticket's number.
pub async fn call_next(c: &Client, base: &str, counter: &str) -> String {
    let (st, r) = act(c, base, counter, "call-next", json!({})).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["ticket"]["status"], "called", "{r}");
    assert_eq!(r["counter"]["current"]["id"], r["ticket"]["id"], "{r}");
    r["ticket"]["number"].as_str().unwrap().to_owned()
}

pub fn assert_api_error(status: StatusCode, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status.as_u16(), want_status, "{body}");
    assert_eq!(body["code"], want_code, "{body}");
    let (vi, en) = (
        body["message_vi"].as_str().unwrap_or(""),
        body["message_en"].as_str().unwrap_or(""),
    );
    assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{body}");
}

pub async fn counters(c: &Client, base: &str) -> Value {
    let (st, v) = get(c, format!("{base}/api/v1/counters")).await;
    assert_eq!(st, 200);
    v
}

pub async fn board(c: &Client, base: &str) -> Value {
    let (st, v) = get(c, format!("{base}/api/v1/board")).await;
    assert_eq!(st, 200, "{v}");
    v
}

/// One Server-Sent Event.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: i64,
    pub event: String,
    pub data: Value,
}

/// A reader of `GET /api/v1/events`.
pub struct SseClient {
    resp: reqwest::Response,
    buf: Vec<u8>,
    /// The `snapshot` events seen so far (the board, sent first when a replay is asked to go
    /// back before today).
    pub snapshots: Vec<Value>,
}

impl SseClient {
    /// Connects with an optional `?last_event_id=` and `Last-Event-ID` header.
    pub async fn connect(base: &str, query: Option<i64>, header: Option<i64>) -> SseClient {
        let url = match query {
            Some(q) => format!("{base}/api/v1/events?last_event_id={q}"),
            None => format!("{base}/api/v1/events"),
        };
        let mut req = Client::new().get(url);
        if let Some(h) = header {
            req = req.header("Last-Event-ID", h.to_string());
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        SseClient {
            resp,
            buf: Vec::new(),
            snapshots: Vec::new(),
        }
    }

    /// The next event within `wait`, skipping comments; `None` on timeout or end of stream.
    pub async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buf.windows(2).position(|w| w == b"\n\n") {
                let frame: Vec<u8> = self.buf.drain(..end + 2).collect();
                let frame = String::from_utf8(frame).expect("UTF-8 frame");
                let (mut id, mut event, mut data) = (None, None, None);
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().parse::<i64>().expect("integer id"));
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = Some(serde_json::from_str::<Value>(v.trim()).expect("JSON data"));
                    }
                }
                if let (None, Some("snapshot"), Some(data)) = (id, event.as_deref(), &data) {
                    self.snapshots.push(data.clone());
                    continue;
                }
                if let (Some(id), Some(event), Some(data)) = (id, event, data) {
                    assert_eq!(data["id"], id, "id: and data.id agree");
                    assert_eq!(data["type"], event.as_str(), "event: and data.type agree");
                    return Some(SseEvent { id, event, data });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.resp.chunk()).await;
            match chunk {
                Ok(Ok(Some(bytes))) => self.buf.extend_from_slice(&bytes),
                _ => return None,
            }
        }
    }

    /// Exactly `n` events (panics if they do not come within 10 s each).
    pub async fn take(&mut self, n: usize) -> Vec<SseEvent> {
        let mut out = Vec::new();
        for i in 0..n {
            let ev = self
                .next(Duration::from_secs(10))
                .await
                .unwrap_or_else(|| panic!("event {} of {n} did not come; got {out:?}", i + 1));
            out.push(ev);
        }
        out
    }
}

/// The real `motcua serve` binary `bin` (a separate process, for kill -9 tests) on a free
/// loopback port with the database `db` and `extra` arguments; returns it and its URL.
pub fn spawn_motcua(bin: &str, db: &Path, extra: &[&str]) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .arg("--db")
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn motcua");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, url)
}

/// A citizen signed in through the demo sandbox provider (`ServerConfig.demo_sign_in`, or
/// `motcua serve --demo-sign-in`): the office server's session handle a dossier is filed with,
/// and the verified profile (`{"subject", "full_name", "id_number", …}`).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: String,
    pub profile: Value,
}

/// Signs the demo citizen in over real HTTP as the kiosk and the phone do: the device sign-in
/// at `base`, the approval on the sandbox's page (what the phone opens from the QR), then the
/// office's poll until it is approved (the sandbox asks for 2 s between polls). `c` makes the
/// kiosk's calls (pass an authorized client where the routes need one).
pub async fn sign_in_demo(c: &Client, base: &str) -> SignedIn {
    let (st, started) = post(c, format!("{base}/api/v1/auth/device"), json!({})).await;
    assert_eq!(st, 201, "{started}");
    assert_eq!(started["demo"], true, "not the demo provider: {started}");
    let session_id = started["session_id"].as_str().unwrap().to_owned();
    let vuc = started["verification_uri_complete"].as_str().unwrap();
    let page = oidc::phone(vuc, false).await;
    assert!(
        page.contains("Đã đồng ý"),
        "the sandbox did not approve: {page}"
    );
    let begun = std::time::Instant::now();
    loop {
        let (st, v) = get(c, format!("{base}/api/v1/auth/device/{session_id}")).await;
        assert_eq!(st, 200, "{v}");
        match v["status"].as_str() {
            Some("approved") => {
                return SignedIn {
                    session_id,
                    profile: v["profile"].clone(),
                }
            }
            Some("pending") => {}
            _ => panic!("the demo sign-in did not go through: {v}"),
        }
        assert!(
            begun.elapsed() < Duration::from_secs(30),
            "still pending: {v}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Signs the session out (`DELETE /api/v1/auth/sessions/{id}`).
pub async fn sign_out(c: &Client, base: &str, session_id: &str) {
    let r = c
        .delete(format!("{base}/api/v1/auth/sessions/{session_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

/// Names of test accounts and devices, unique in the process.
fn unique(prefix: &str) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// Password of every account the harness makes.
pub const TEST_PASSWORD: &str = "mat-khau-thu-nghiem";

/// A staff account of `role` in the server's database (username returned).
pub fn add_staff(srv: &ServerHandle, role: motcua_core::staff::Role) -> String {
    let username = unique(&format!("test-{}", role.as_str()));
    motcua_office::access::add_staff(
        &srv.db_path,
        &motcua_core::staff::NewStaff {
            username: username.clone(),
            full_name: "Cán bộ Thử Nghiệm".into(),
            role,
            password: TEST_PASSWORD.into(),
            counters: vec![],
            services: vec![],
        },
    )
    .expect("staff account added");
    username
}

/// Signs `username` in over HTTP; the session cookie and CSRF token.
pub async fn staff_session(base: &str, username: &str, password: &str) -> (String, String) {
    let r = Client::new()
        .post(format!("{base}/api/v1/staff/session"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "staff sign-in");
    let cookie = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("motcua_staff="))
        .expect("session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let body: Value = r.json().await.unwrap();
    (cookie, body["csrf_token"].as_str().unwrap().to_owned())
}

/// A client signed in as a staff member of `role` (cookie and CSRF token on every request):
/// it may do what that role may.
pub async fn staff_client(srv: &ServerHandle, role: motcua_core::staff::Role) -> Client {
    let user = add_staff(srv, role);
    let (cookie, csrf) = staff_session(&srv.url(), &user, TEST_PASSWORD).await;
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    h.insert("x-csrf-token", csrf.parse().unwrap());
    Client::builder().default_headers(h).build().unwrap()
}

/// A client signed in as an admin: it may issue tickets, act at any counter and file.
pub async fn admin(srv: &ServerHandle) -> Client {
    staff_client(srv, motcua_core::staff::Role::Admin).await
}

/// A new device token of `kind` in the server's database.
pub fn device_token(
    srv: &ServerHandle,
    kind: motcua_core::devices::DeviceKind,
    counter: Option<&str>,
) -> String {
    motcua_office::access::add_device(&srv.db_path, kind, &unique("test-device"), counter)
        .expect("device added")
}

/// A client with `Authorization: Bearer TOKEN` on every request.
pub fn bearer_client(token: &str) -> Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    Client::builder().default_headers(h).build().unwrap()
}

/// A client acting as an enrolled kiosk.
pub fn kiosk(srv: &ServerHandle) -> Client {
    bearer_client(&device_token(
        srv,
        motcua_core::devices::DeviceKind::Kiosk,
        None,
    ))
}
