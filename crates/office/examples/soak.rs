//! Soak on a hostile LAN (issue 13): for `--secs` seconds (60) against a running office
//! server, everything the probe threw at it at once, while well-behaved kiosks take tickets:
//!
//! - **kiosks** (127.0.0.1): `--kiosks` (3) kiosks, each with its own token, one ticket a
//!   second each, with an Idempotency-Key; their latencies are the figure that matters;
//! - **ticket flood** (127.0.0.2): a stolen kiosk token issuing as fast as 8 tasks can;
//! - **anonymous flood** (127.0.0.3): 8 tasks reading services, the board, searches of a
//!   199-character query of one-letter words and lookups of made-up tickets;
//! - **slow clients** (127.0.0.4): 1,100 connections that start a request and never finish
//!   its headers, opened again as the server closes them;
//! - **event streams** (127.0.1.1–127.0.1.40): 320 streams asking for a replay from event 0;
//! - **uploads** (127.0.0.5): six dossiers of ~40 MB at once, again and again, by a signed-in
//!   demo citizen (the server must run with `--demo-sign-in`).
//!
//! At the end it prints the kiosks' latency percentiles and what each attacker got, and writes
//! the acknowledged ticket ids to `--acked FILE` (one per line), for the script to look up
//! after a kill -9 and restart (scripts/soak.sh).
//!
//! ```sh
//! cargo run --release -p motcua-office --example soak -- --url http://127.0.0.1:18090 \
//!     --tokens KIOSK1,KIOSK2,KIOSK3,FLOOD,UPLOADER [--secs 60] [--acked FILE]
//! ```

use base64::Engine;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one attacker saw: answers by status (0: no answer).
#[derive(Default)]
struct Tally(Mutex<BTreeMap<u16, u64>>);

impl Tally {
    fn add(&self, status: u16) {
        *self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(status)
            .or_default() += 1;
    }

    fn show(&self) -> String {
        let m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.iter()
            .map(|(k, v)| {
                format!(
                    "{}×{v}",
                    if *k == 0 {
                        "none".into()
                    } else {
                        k.to_string()
                    }
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn client(from: [u8; 4], token: Option<&str>, timeout: Duration) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    if let Some(t) = token {
        h.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {t}").parse().expect("header text"),
        );
    }
    reqwest::Client::builder()
        .local_address(IpAddr::from(from))
        .default_headers(h)
        .timeout(timeout)
        .pool_idle_timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let url = arg("--url").unwrap_or_else(|| "http://127.0.0.1:18090".into());
    let secs: u64 = arg("--secs").map_or(60, |v| v.parse().expect("--secs N"));
    let tokens: Vec<String> = arg("--tokens")
        .expect("--tokens K1,…,FLOOD,UPLOADER")
        .split(',')
        .map(String::from)
        .collect();
    assert!(
        tokens.len() >= 3,
        "at least one kiosk, the flood and the uploader"
    );
    let (kiosk_tokens, rest) = tokens.split_at(tokens.len() - 2);
    let (flood_token, upload_token) = (rest[0].clone(), rest[1].clone());
    // `--skip kiosks,flood,anon,slow,streams,uploads`: leave some out (scripts/soak.sh runs the
    // kiosks and the attackers as two processes, the attackers niced: their machines are
    // their own on a real LAN, here they share the server's two cores).
    let skip = arg("--skip").unwrap_or_default();
    let on = |what: &str| !skip.split(',').any(|s| s == what);
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .parse()
        .expect("--url http://IP:PORT");
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();

    // The well-behaved kiosks.
    let lat = Arc::new(Mutex::new(Vec::<f64>::new()));
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let kiosk_fail = Arc::new(Tally::default());
    let kiosks = if on("kiosks") { kiosk_tokens } else { &[] };
    for t in kiosks {
        let (c, url, stop, lat, acked, fail) = (
            client([127, 0, 0, 1], Some(t), Duration::from_secs(10)),
            url.clone(),
            stop.clone(),
            lat.clone(),
            acked.clone(),
            kiosk_fail.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                let key = uuid::Uuid::new_v4().simple().to_string();
                let t0 = Instant::now();
                let r = c
                    .post(format!("{url}/api/v1/tickets"))
                    .header("idempotency-key", &key)
                    .json(&json!({"service_id": "ho-tich", "priority": "none"}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 201 => {
                        let v: serde_json::Value = r.json().await.unwrap_or_default();
                        lat.lock().unwrap().push(t0.elapsed().as_secs_f64() * 1e3);
                        if let Some(id) = v["id"].as_str() {
                            acked.lock().unwrap().push(id.to_owned());
                        }
                    }
                    Ok(r) => fail.add(r.status().as_u16()),
                    Err(_) => fail.add(0),
                }
            }
        }));
    }

    // The ticket flood with a stolen kiosk token.
    let flood = Arc::new(Tally::default());
    for _ in 0..if on("flood") { 8 } else { 0 } {
        let (c, url, stop, tally) = (
            client([127, 0, 0, 2], Some(&flood_token), Duration::from_secs(10)),
            url.clone(),
            stop.clone(),
            flood.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let r = c
                    .post(format!("{url}/api/v1/tickets"))
                    .json(&json!({"service_id": "ho-tich", "priority": "none"}))
                    .send()
                    .await;
                tally.add(r.map_or(0, |r| r.status().as_u16()));
            }
        }));
    }

    // The anonymous flood: reads, slow searches, made-up lookups.
    let anon = Arc::new(Tally::default());
    let words: String = (0..100)
        .map(|i| if i % 2 == 0 { 'a' } else { ' ' })
        .collect();
    for n in 0..if on("anon") { 8u32 } else { 0 } {
        let (c, url, stop, tally, words) = (
            client([127, 0, 0, 3], None, Duration::from_secs(10)),
            url.clone(),
            stop.clone(),
            anon.clone(),
            words.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = n;
            while !stop.load(Ordering::Relaxed) {
                i = i.wrapping_add(1);
                let path = match i % 4 {
                    0 => "/api/v1/services".to_owned(),
                    1 => "/api/v1/board".to_owned(),
                    2 => format!("/api/v1/procedures?q={}", words.replace(' ', "%20")),
                    _ => format!("/api/v1/tickets/{:032x}", u128::from(i) * 7919),
                };
                let r = c.get(format!("{url}{path}")).send().await;
                tally.add(r.map_or(0, |r| r.status().as_u16()));
            }
        }));
    }

    // 1,100 slow clients, reopened as the server closes them.
    let reopened = Arc::new(AtomicU64::new(0));
    if on("slow") {
        let (stop, reopened) = (stop.clone(), reopened.clone());
        tasks.push(tokio::spawn(async move {
            let mut held: Vec<tokio::net::TcpStream> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                held.retain(|s| {
                    let mut b = [0u8; 1];
                    // Closed by the server: EOF (or a reset) without blocking.
                    !matches!(s.try_read(&mut b), Ok(0) | Err(_)) || {
                        matches!(s.try_read(&mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
                    }
                });
                while held.len() < 1100 && !stop.load(Ordering::Relaxed) {
                    let sock = tokio::net::TcpSocket::new_v4().expect("socket");
                    if sock.bind(SocketAddr::from(([127, 0, 0, 4], 0))).is_err() {
                        break;
                    }
                    match sock.connect(addr).await {
                        Ok(s) => {
                            let _ = s.try_write(b"GET /api/v1/board HTTP/1.1\r\nHost: x\r\n");
                            held.push(s);
                            reopened.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => break,
                    }
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }));
    }

    // 320 event streams asking for a replay from the beginning, from 40 addresses.
    let streams = Arc::new(Tally::default());
    let streamed = Arc::new(AtomicU64::new(0));
    for n in 0..if on("streams") { 320u32 } else { 0 } {
        let ip = [127, 0, 1, (n % 40 + 1) as u8];
        let (c, url, stop, tally, streamed) = (
            client(ip, None, Duration::from_secs(secs + 30)),
            url.clone(),
            stop.clone(),
            streams.clone(),
            streamed.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match c
                    .get(format!("{url}/api/v1/events?last_event_id=0"))
                    .send()
                    .await
                {
                    Ok(mut r) => {
                        tally.add(r.status().as_u16());
                        if r.status() == 200 {
                            while !stop.load(Ordering::Relaxed) {
                                match tokio::time::timeout(Duration::from_secs(1), r.chunk()).await
                                {
                                    Ok(Ok(Some(b))) => {
                                        streamed.fetch_add(b.len() as u64, Ordering::Relaxed);
                                    }
                                    Ok(_) => break,
                                    Err(_) => {}
                                }
                            }
                        } else {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                    Err(_) => {
                        tally.add(0);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        }));
    }

    // Six ~40 MB dossiers at once, again and again.
    let uploads = Arc::new(Tally::default());
    if on("uploads") {
        let up = client(
            [127, 0, 0, 5],
            Some(&upload_token),
            Duration::from_secs(120),
        );
        let session = motcua_testkit::sign_in_demo(&up, &url).await.session_id;
        let file = |tag: u8| {
            let mut v = b"%PDF-1.7\n".to_vec();
            v.extend((0..10 * 1024 * 1024 - 64).map(|i: usize| (i as u8).wrapping_mul(31) ^ tag));
            base64::engine::general_purpose::STANDARD.encode(v)
        };
        let files: Arc<Vec<String>> = Arc::new((1..=3).map(file).collect());
        for w in 0..6u32 {
            let (up, url, stop, tally, files, session) = (
                up.clone(),
                url.clone(),
                stop.clone(),
                uploads.clone(),
                files.clone(),
                session.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut i = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let body = json!({
                        "procedure_code": "1.001193",
                        "sign_in_session": session,
                        "answers": {"lan": i},
                        "documents": [
                            {"name": "Tờ khai", "originals": 1, "submission": {"kind": "attachment", "content_base64": files[0]}},
                            {"name": "Giấy chứng sinh", "originals": 1, "submission": {"kind": "attachment", "content_base64": files[1]}},
                            {"name": "Giấy tờ tùy thân", "copies": 1, "submission": {"kind": "attachment", "content_base64": files[2]}}
                        ],
                        "delivery": {"method": "office"}
                    });
                    let bytes = serde_json::to_vec(&body).expect("JSON");
                    let r = up
                        .post(format!("{url}/api/v1/dossiers"))
                        .header("content-type", "application/json")
                        .header("idempotency-key", format!("soak-{w}-{i}-{}", std::process::id()))
                        .body(bytes)
                        .send()
                        .await;
                    let st = r.map_or(0, |r| r.status().as_u16());
                    tally.add(st);
                    if st == 429 || st == 503 || st == 0 {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }));
        }
    }

    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(30), t).await;
    }
    if on("flood") {
        println!("ticket flood (stolen token): [{}]", flood.show());
    }
    if on("anon") {
        println!("anonymous flood: [{}]", anon.show());
    }
    if on("slow") {
        println!(
            "slow clients: {} connections opened (1,100 held at a time)",
            reopened.load(Ordering::Relaxed)
        );
    }
    if on("streams") {
        println!(
            "event streams (320 asked, from 40 addresses): [{}], {:.1} MB received",
            streams.show(),
            streamed.load(Ordering::Relaxed) as f64 / 1e6
        );
    }
    if on("uploads") {
        println!("uploads (6 at once, ~40 MB each): [{}]", uploads.show());
    }
    if !on("kiosks") {
        return;
    }
    let mut l = lat.lock().unwrap().clone();
    l.sort_by(|a, b| a.total_cmp(b));
    let failures = kiosk_fail.show();
    println!(
        "kiosks: {} tickets acknowledged, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; failures: [{failures}]",
        l.len(),
        pct(&l, 0.5),
        pct(&l, 0.99),
        l.last().copied().unwrap_or(f64::NAN),
    );
    if let Some(path) = arg("--acked") {
        let mut f = std::fs::File::create(&path).expect("--acked file");
        for id in acked.lock().unwrap().iter() {
            writeln!(f, "{id}").expect("write");
        }
    }
    let p99 = pct(&l, 0.99);
    if l.is_empty() || p99 >= 100.0 || !failures.is_empty() {
        eprintln!("soak: a well-behaved kiosk was held up (p99 {p99:.1} ms or failures)");
        std::process::exit(1);
    }
}
