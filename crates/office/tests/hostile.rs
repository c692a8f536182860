//! The office server on a hostile LAN (issue 13), over real HTTP on loopback: half-open and
//! silent connections, stalled uploads, event streams per client and in all, replays bounded
//! to today, each device's token bucket, anonymous reads per address, idempotent ticket
//! requests (also across a restart) and pending sign-ins per kiosk.
//!
//! Several clients need their own address: on Linux all of 127.0.0.0/8 reaches loopback, so a
//! client bound to 127.0.0.2 is another client address to the server.

use motcua_testkit::{self as support, assert_api_error, server_at, SseClient};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

/// A client from `127.0.0.n` with `Authorization: Bearer token` (if any).
fn client_from(n: u8, token: Option<&str>) -> Client {
    let mut h = reqwest::header::HeaderMap::new();
    if let Some(t) = token {
        h.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {t}").parse().unwrap(),
        );
    }
    Client::builder()
        .local_address(IpAddr::from([127, 0, 0, n]))
        .default_headers(h)
        .build()
        .unwrap()
}

/// A TCP connection from `127.0.0.n` to `addr`.
fn connect_from(n: u8, addr: SocketAddr) -> TcpStream {
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    s.bind(&SocketAddr::from(([127, 0, 0, n], 0)).into())
        .unwrap();
    s.connect(&addr.into()).unwrap();
    s.into()
}

/// Whether the server has closed `s` (EOF or reset) within `wait`.
fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    s.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            // An answer (a 408, say) before the close: read on.
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return false,
            Err(_) => return true,
        }
    }
}

async fn issue_with_key(c: &Client, base: &str, service: &str, key: &str) -> (StatusCode, Value) {
    let r = c
        .post(format!("{base}/api/v1/tickets"))
        .header("idempotency-key", key)
        .json(&json!({"service_id": service, "priority": "none"}))
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_connections_give_way_to_a_kiosk_and_never_starve_it() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| {
        c.connections.max_connections = Some(64);
        c.connections.max_per_client = 48;
    })
    .await;
    let (addr, base) = (srv.addr, srv.url());
    // 200 connections that start a request and never finish its headers: from the kiosk's
    // own address (as the probe did) and from another one.
    let mut held = Vec::new();
    for i in 0..200u32 {
        let mut s = connect_from(if i % 2 == 0 { 1 } else { 2 }, addr);
        s.write_all(b"GET /api/v1/board HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        held.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The kiosk still gets its ticket at once (the reqwest client's default: no timeout at
    // all, so a starved request would hang until the header timeout, then fail).
    let kiosk = client_from(
        1,
        Some(&support::device_token(
            &srv,
            motcua_core::devices::DeviceKind::Kiosk,
            None,
        )),
    );
    let r = kiosk
        .post(format!("{base}/api/v1/tickets"))
        .json(&json!({"service_id": "ho-tich"}))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("the kiosk is served while 200 half-open connections are held");
    assert_eq!(r.status(), 201);
    // The oldest half-open ones were closed to make room; the server holds no more than its cap.
    let first = &mut held[0];
    assert!(
        closed_within(first, Duration::from_secs(2)),
        "the oldest half-open connection was closed"
    );
    let mut open_now = 0;
    for s in held.iter_mut().rev().take(40) {
        open_now += usize::from(!closed_within(s, Duration::from_millis(20)));
    }
    assert!(
        open_now > 0,
        "the newest half-open connections are still held (not all closed at once)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_and_a_stalled_body_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| {
        c.connections.header_timeout = Duration::from_secs(1);
        c.connections.body_idle_timeout = Duration::from_secs(1);
    })
    .await;
    // Connects and sends nothing: closed after the header timeout.
    let mut silent = connect_from(1, srv.addr);
    assert!(
        closed_within(&mut silent, Duration::from_secs(5)),
        "a silent connection is closed"
    );
    // Half a header: the same.
    let mut slow = connect_from(1, srv.addr);
    slow.write_all(b"GET /api/v1/board HTTP/1.1\r\nHo").unwrap();
    assert!(
        closed_within(&mut slow, Duration::from_secs(5)),
        "a slow header is cut off"
    );
    // A ticket request whose body stops halfway: refused or closed, and no number is used.
    let token = support::device_token(&srv, motcua_core::devices::DeviceKind::Kiosk, None);
    let mut up = connect_from(1, srv.addr);
    let body = br#"{"service_id":"ho-tich","priority":"none"}"#;
    write!(
        up,
        "POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    up.write_all(&body[..10]).unwrap();
    up.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = Vec::new();
    let _ = up.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "a stalled body is refused or cut off: {answer}"
    );
    let kiosk = support::bearer_client(&token);
    let t = support::issue(&kiosk, &srv.url(), "ho-tich", "none").await;
    assert_eq!(
        t["number"], "A001",
        "the stalled request used no number: {t}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_are_capped_per_client_and_in_all() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| {
        c.streams.per_client = 2;
        c.streams.total = 3;
    })
    .await;
    let base = srv.url();
    let open = |n: u8| {
        let url = format!("{base}/api/v1/events");
        async move { client_from(n, None).get(url).send().await.unwrap() }
    };
    let a1 = open(1).await;
    let a2 = open(1).await;
    assert_eq!((a1.status(), a2.status()), (StatusCode::OK, StatusCode::OK));
    let a3 = open(1).await;
    assert_eq!(a3.status(), 429, "a third stream from one client");
    assert_eq!(a3.headers()["retry-after"], "30");
    let e: Value = a3.json().await.unwrap();
    assert_api_error(StatusCode::TOO_MANY_REQUESTS, &e, 429, "rate_limited");
    assert!(
        e["message_en"].as_str().unwrap().contains('2'),
        "states the limit: {e}"
    );
    let b1 = open(2).await;
    assert_eq!(b1.status(), 200, "another client still may");
    let c1 = open(3).await;
    assert_eq!(c1.status(), 503, "the server's own cap");
    let e: Value = c1.json().await.unwrap();
    assert_eq!(e["code"], "server_unavailable", "{e}");
    // A stream that ends gives its place back.
    drop(a1);
    let mut again = None;
    for _ in 0..50 {
        let r = open(3).await;
        if r.status() == 200 {
            again = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a closed stream's place is free again");
    drop((a2, b1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_goes_back_to_today_and_older_state_comes_as_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |_| {}).await;
    let (base, kiosk) = (srv.url(), support::kiosk(&srv));
    for _ in 0..3 {
        support::issue(&kiosk, &base, "ho-tich", "none").await;
    }
    // The first two events become yesterday's.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let yesterday = (chrono::Utc::now() - chrono::TimeDelta::days(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    conn.execute("UPDATE events SET at = ?1 WHERE id <= 2", [&yesterday])
        .unwrap();
    drop(conn);
    let latest = support::issue(&kiosk, &base, "ho-tich", "none").await;
    let mut sse = SseClient::connect(&base, Some(0), None).await;
    let evs = sse.take(2).await;
    assert_eq!(
        evs.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![3, 4],
        "only today's events are replayed"
    );
    assert_eq!(evs[1].data["ticket"]["id"], latest["id"]);
    assert_eq!(
        sse.snapshots.len(),
        1,
        "the older state came as one snapshot first"
    );
    let snap = &sse.snapshots[0];
    assert!(snap["last_event_id"].as_i64().unwrap() >= 4, "{snap}");
    assert!(snap["counters"].is_array(), "the board: {snap}");
    // A client that has today's events gets no snapshot.
    let mut sse = SseClient::connect(&base, Some(3), None).await;
    let evs = sse.take(1).await;
    assert_eq!(evs[0].id, 4);
    assert!(sse.snapshots.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_device_has_its_own_token_bucket_and_anonymous_reads_are_limited() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| {
        c.access.tickets.burst = 50;
        c.access.tickets.per_minute = 1;
        c.access.reads_per_minute = 5;
    })
    .await;
    let base = srv.url();
    let (a, b) = (support::kiosk(&srv), support::kiosk(&srv));
    for i in 0..50 {
        let (st, t) = support::post(
            &a,
            format!("{base}/api/v1/tickets"),
            json!({"service_id": "ho-tich"}),
        )
        .await;
        assert_eq!(st, 201, "ticket {i} of the burst: {t}");
    }
    let r = a
        .post(format!("{base}/api/v1/tickets"))
        .json(&json!({"service_id": "ho-tich"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the 51st at once");
    assert!(r.headers().contains_key("retry-after"));
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "rate_limited", "{e}");
    assert!(!e["message_vi"].as_str().unwrap().is_empty());
    // Another kiosk is not held back, and the refused request used no number.
    let t = support::issue(&b, &base, "ho-tich", "none").await;
    assert_eq!(t["number"], "A051", "{t}");

    // Anonymous public reads: five a minute here, then 429; a device's own are not counted.
    let anon = client_from(7, None);
    for _ in 0..5 {
        let r = anon
            .get(format!("{base}/api/v1/services"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = anon
        .get(format!("{base}/api/v1/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the sixth anonymous read");
    let r = anon
        .get(format!("{base}/api/v1/services"))
        .bearer_auth("made-up-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "a made-up token counts as none");
    for _ in 0..10 {
        let r = b
            .get(format!("{base}/api/v1/services"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "a kiosk's reads are not counted");
    }
    // Another address is not held back by the first.
    let r = client_from(8, None)
        .get(format!("{base}/api/v1/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_ticket_request_gets_the_same_ticket_also_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |_| {}).await;
    let base = srv.url();
    let token = support::device_token(&srv, motcua_core::devices::DeviceKind::Kiosk, None);
    let (a, b) = (support::bearer_client(&token), support::kiosk(&srv));
    let key = "6f1c2b0e-9a4d-4c1e-8f0a-5b7d3e2c1a90";
    let (st1, t1) = issue_with_key(&a, &base, "ho-tich", key).await;
    let (st2, t2) = issue_with_key(&a, &base, "ho-tich", key).await;
    assert_eq!((st1.as_u16(), st2.as_u16()), (201, 200), "{t1} {t2}");
    assert_eq!(t1["id"], t2["id"]);
    assert_eq!(t1["number"], t2["number"]);
    // Eight at once with one new key: one ticket.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (a, base) = (a.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            issue_with_key(&a, &base, "ho-tich", "burst-key").await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    let mut created = 0;
    for t in tasks {
        let (st, v) = t.await.unwrap();
        assert!(st == 200 || st == 201, "{v}");
        created += usize::from(st == 201);
        ids.insert(v["id"].as_str().unwrap().to_owned());
    }
    assert_eq!((ids.len(), created), (1, 1), "one ticket for one key");
    // The same key from another kiosk is another request.
    let (st, other) = issue_with_key(&b, &base, "ho-tich", key).await;
    assert_eq!(st, 201);
    assert_ne!(other["id"], t1["id"]);
    // The same key for another service: 409, no number.
    let (st, e) = issue_with_key(&a, &base, "dat-dai", key).await;
    assert_api_error(st, &e, 409, "idempotency_conflict");
    // A key that is not visible ASCII: 400.
    let r = a
        .post(format!("{base}/api/v1/tickets"))
        .header("idempotency-key", "x".repeat(129))
        .json(&json!({"service_id": "ho-tich"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert!(e["message_en"].as_str().unwrap().contains("1–128"), "{e}");
    // After a restart the key still finds its ticket.
    srv.shutdown().await;
    let srv = server_at(&db, |_| {}).await;
    let (st, again) = issue_with_key(&a, &srv.url(), "ho-tich", key).await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again["id"], t1["id"]);
    let (_, next) = issue_with_key(&a, &srv.url(), "ho-tich", "a-new-press").await;
    assert_eq!(next["number"], "A004", "retries used no numbers: {next}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_sign_ins_are_capped_per_kiosk_not_for_the_whole_office() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |c| c.demo_sign_in = true).await;
    let base = srv.url();
    let (a, b) = (support::kiosk(&srv), support::kiosk(&srv));
    let start = |c: &Client| {
        let (c, url) = (c.clone(), format!("{base}/api/v1/auth/device"));
        async move {
            let r = c.post(url).send().await.unwrap();
            assert_eq!(r.status(), 201);
            let v: Value = r.json().await.unwrap();
            v["session_id"].as_str().unwrap().to_owned()
        }
    };
    let mut mine = Vec::new();
    for _ in 0..5 {
        mine.push(start(&a).await);
    }
    let state = |c: &Client, id: &str| {
        let (c, url) = (c.clone(), format!("{base}/api/v1/auth/device/{id}"));
        async move { c.get(url).send().await.unwrap().status() }
    };
    for (i, id) in mine.iter().enumerate() {
        let want = if i < 3 { 404 } else { 200 };
        assert_eq!(
            state(&a, id).await,
            want,
            "sign-in {i}: a kiosk keeps its two newest"
        );
    }
    // The other kiosk is not affected by the first one's.
    let theirs = start(&b).await;
    assert_eq!(state(&b, &theirs).await, 200);
    assert_eq!(state(&a, &mine[4]).await, 200);
}
