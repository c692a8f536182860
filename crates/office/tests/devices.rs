//! Device status over real HTTP on loopback: a kiosk's printer fault and a board without sound
//! are recorded with their bilingual alerts, listed newest first and published on the event
//! stream as the SSE event `device` (no id, not stored, so queue clients and resumes are not
//! disturbed); bad reports record nothing.

use motcua_testkit as support;

use reqwest::Client;
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

/// A raw reader of `/api/v1/events`: every frame, with or without an id.
struct RawSse {
    resp: reqwest::Response,
    buf: String,
}

/// One frame: its `id:` (if any), `event:` and `data:`.
#[derive(Debug)]
struct Frame {
    id: Option<String>,
    event: String,
    data: Value,
}

impl RawSse {
    async fn connect(base: &str) -> RawSse {
        let resp = Client::new()
            .get(format!("{base}/api/v1/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        RawSse {
            resp,
            buf: String::new(),
        }
    }

    /// The next frame with an `event:` within `wait` (keep-alive comments skipped).
    async fn next(&mut self, wait: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                let (mut id, mut event, mut data) = (None, None, None);
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = Some(serde_json::from_str(v.trim()).expect("JSON data"));
                    }
                }
                if let (Some(event), Some(data)) = (event, data) {
                    return Some(Frame { id, event, data });
                }
            }
            match tokio::time::timeout_at(deadline, self.resp.chunk()).await {
                Ok(Ok(Some(b))) => self.buf.push_str(std::str::from_utf8(&b).unwrap()),
                _ => return None,
            }
        }
    }
}

async fn report(c: &Client, base: &str, body: Value) -> (u16, Value) {
    let (st, v) = post(c, format!("{base}/api/v1/devices/status"), body).await;
    (st.as_u16(), v)
}

async fn list(c: &Client, base: &str) -> Value {
    let (st, v) = get(c, format!("{base}/api/v1/devices/status")).await;
    assert_eq!(st, 200, "{v}");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_fault_and_a_silent_board_reach_the_stream_and_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    issue(&c, &base, "ho-tich", "none").await; // event 1
    let mut raw = RawSse::connect(&base).await;
    // A queue client from event 1 on: it must see queue events only, with their ids in order.
    let mut queue = SseClient::connect(&base, Some(1), None).await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    let (st, s) = report(
        &c,
        &base,
        json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "fault"}),
    )
    .await;
    assert_eq!(st, 200, "{s}");
    assert_eq!(s["device_id"], "kiosk-1");
    assert_eq!(s["kind"], "kiosk");
    assert_eq!(s["printer"], "fault");
    assert!(s["sound"].is_null());
    assert_eq!(s["alert_vi"], "kiosk-1: máy in lỗi");
    assert_eq!(s["alert_en"], "kiosk-1: printer fault");
    let at = s["updated_at"].as_str().unwrap();
    assert!(
        at.ends_with("+07:00") && chrono::DateTime::parse_from_rfc3339(at).is_ok(),
        "{at}"
    );

    let f = raw
        .next(Duration::from_secs(5))
        .await
        .expect("a device event");
    assert_eq!(f.event, "device");
    assert_eq!(f.id, None, "not a stored event: no id");
    assert_eq!(f.data, s);

    // The same report again (a kiosk's periodic one): no event.
    let (st, _) = report(
        &c,
        &base,
        json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "fault"}),
    )
    .await;
    assert_eq!(st, 200);
    assert!(raw.next(Duration::from_millis(300)).await.is_none());

    let (st, b) = report(
        &c,
        &base,
        json!({"device_id": "board-1", "kind": "board", "sound": "blocked"}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["alert_vi"], "board-1: bảng chưa bật tiếng");
    assert_eq!(b["alert_en"], "board-1: the board's sound is off");
    let f = raw.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        (f.event.as_str(), &f.data["device_id"]),
        ("device", &json!("board-1"))
    );

    // Newest first.
    let l = list(&c, &base).await;
    let ids: Vec<&str> = l
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["device_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["board-1", "kiosk-1"]);

    // Fixed, with a detail that the alert carries while it lasts.
    let (st, s) = report(
        &c,
        &base,
        json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "fault", "printer_detail": "hết giấy"}),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(s["alert_vi"], "kiosk-1: máy in lỗi (hết giấy)");
    raw.next(Duration::from_secs(5)).await.unwrap();
    let (st, s) = report(
        &c,
        &base,
        json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "ok", "printer_detail": null}),
    )
    .await;
    assert_eq!(st, 200);
    assert!(s["alert_vi"].is_null() && s["alert_en"].is_null(), "{s}");
    let f = raw.next(Duration::from_secs(5)).await.unwrap();
    assert!(f.data["alert_vi"].is_null());

    // None of it is a queue event: the board's latest event is still 1, and the queue client
    // gets the next queue event with the next id.
    assert_eq!(board(&c, &base).await["last_event_id"], 1);
    issue(&c, &base, "ho-tich", "none").await;
    let ev = queue.take(1).await;
    assert_eq!((ev[0].id, ev[0].event.as_str()), (2, "issued"));
    let f = raw.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!((f.id.as_deref(), f.event.as_str()), (Some("2"), "issued"));
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_device_reports_record_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    let long_id = "k".repeat(65);
    let long_detail = "x".repeat(201);
    let bad = [
        json!({"device_id": "", "kind": "kiosk"}),
        json!({"device_id": "   ", "kind": "kiosk"}),
        json!({"device_id": long_id, "kind": "kiosk"}),
        json!({"device_id": "kiosk\u{1b}[31m", "kind": "kiosk"}),
        json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "fault", "printer_detail": long_detail}),
        json!({"device_id": "kiosk-1", "kind": "phone"}),
        json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "smoking"}),
        json!({"device_id": "kiosk-1", "kind": "kiosk", "paper": "low"}),
        json!({"kind": "kiosk"}),
    ];
    for body in bad {
        let (st, e) = report(&c, &base, body.clone()).await;
        assert_api_error(st.try_into().unwrap(), &e, 400, "bad_request");
        assert!(
            e["message_vi"].as_str().unwrap() != e["message_en"].as_str().unwrap(),
            "{body}: {e}"
        );
    }
    let (st, e) = post(&c, format!("{base}/api/v1/devices/status"), json!([1])).await;
    assert_eq!(st.as_u16() / 100, 4, "{e}");
    assert_eq!(list(&c, &base).await, json!([]));
    // Exactly 64 characters, in NFC: recorded.
    let id = "đ".repeat(64);
    let (st, s) = report(&c, &base, json!({"device_id": id, "kind": "counter"})).await;
    assert_eq!(st, 200, "{s}");
    assert!(s["alert_vi"].is_null());
    assert_eq!(list(&c, &base).await.as_array().unwrap().len(), 1);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_reports_under_its_own_enrolled_name_and_kind() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let base = srv.url();
    let token = motcua_office::access::add_device(
        &srv.db_path,
        motcua_core::devices::DeviceKind::Board,
        "tv-sanh",
        None,
    )
    .unwrap();
    let board = bearer_client(&token);
    // The body claims to be another device of another kind: the token decides.
    let (st, s) = report(
        &board,
        &base,
        json!({"device_id": "kiosk-1", "kind": "kiosk", "sound": "blocked"}),
    )
    .await;
    assert_eq!(st, 200, "{s}");
    assert_eq!(
        (s["device_id"].as_str(), s["kind"].as_str()),
        (Some("tv-sanh"), Some("board"))
    );
    let all = list(&board, &base).await;
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["device_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["tv-sanh"]);
    // Without a credential nothing is recorded.
    let (st, e) = report(
        &Client::new(),
        &base,
        json!({"device_id": "board-9", "kind": "board", "sound": "on"}),
    )
    .await;
    assert_api_error(st.try_into().unwrap(), &e, 401, "unauthorized");
    assert_eq!(list(&board, &base).await.as_array().unwrap().len(), 1);
    srv.shutdown().await;
}
