//! The one test harness of the workspace: an office server on loopback with a real SQLite file
//! (in process, binding retried, or the real `motcua serve` process for kill -9 tests), JSON
//! calls, bilingual-error checks and a small Server-Sent Events reader. Every package's
//! integration tests (`tests/tests.rs`) use it.

pub mod oidc;

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
