//! Call-to-board latency: N boards connected to `GET /api/v1/events`, one counter calling
//! tickets one after the other; measures, for every call, the time from sending
//! `POST /counters/quay-1/call-next` to each board receiving the `called` event, and prints the
//! percentiles.
//!
//! ```text
//! cargo run --release -p motcua-office --example sse_latency -- [--clients 50] [--calls 500]
//!     [--url http://127.0.0.1:8080 --kiosk-token T --counter-token T]
//!     # a running server with the demo data, a kiosk's token (`motcua device add --kind kiosk`)
//!     # and quầy 1's (`--kind counter --counter quay-1`); default: an in-process server on a
//!     # temporary database, with its own two devices
//! ```

use std::time::{Duration, Instant};
use tokio::sync::mpsc;

struct Args {
    url: Option<String>,
    kiosk_token: Option<String>,
    counter_token: Option<String>,
    clients: usize,
    calls: usize,
}

fn args() -> Args {
    let mut a = Args {
        url: None,
        kiosk_token: None,
        counter_token: None,
        clients: 50,
        calls: 500,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--url" => a.url = Some(v),
            "--kiosk-token" => a.kiosk_token = Some(v),
            "--counter-token" => a.counter_token = Some(v),
            "--clients" => a.clients = v.parse().expect("--clients N"),
            "--calls" => a.calls = v.parse().expect("--calls N"),
            _ => panic!("unknown argument {k}"),
        }
    }
    a
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// An in-process server on its own runtime (2 worker threads), as `motcua serve` runs; its
/// URL, a kiosk's token and quầy 1's.
fn in_process_server(dir: &std::path::Path) -> (String, String, String) {
    use motcua_core::devices::DeviceKind;
    let (tx, rx) = std::sync::mpsc::channel();
    let db = dir.join("latency.db");
    let kiosk = motcua_office::access::add_device(&db, DeviceKind::Kiosk, "bench-kiosk", None)
        .expect("kiosk device");
    let counter =
        motcua_office::access::add_device(&db, DeviceKind::Counter, "bench-quay-1", Some("quay-1"))
            .expect("counter device");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let srv = motcua_office::start(motcua_office::ServerConfig {
                listen: "127.0.0.1:0".into(),
                db_path: db,
                ..Default::default()
            })
            .await
            .expect("server starts");
            tx.send(srv.url()).unwrap();
            std::future::pending::<()>().await;
        });
    });
    (rx.recv().unwrap(), kiosk, counter)
}

/// One board: reads the stream and reports (event id, arrival) of every `called` event.
async fn board(url: String, out: mpsc::UnboundedSender<(i64, Instant)>) {
    let mut resp = reqwest::Client::new()
        .get(format!("{url}/api/v1/events"))
        .send()
        .await
        .expect("connect");
    assert_eq!(resp.status(), 200);
    let mut buf: Vec<u8> = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        let now = Instant::now();
        buf.extend_from_slice(&chunk);
        while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
            let frame: Vec<u8> = buf.drain(..end + 2).collect();
            let frame = String::from_utf8_lossy(&frame);
            if !frame.lines().any(|l| l == "event: called") {
                continue;
            }
            let id = frame
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .and_then(|v| v.parse().ok())
                .expect("id");
            if out.send((id, now)).is_err() {
                return;
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let a = args();
    let tmp = tempfile::tempdir().unwrap();
    let (url, kiosk, counter) = match &a.url {
        Some(u) => (
            u.clone(),
            a.kiosk_token.clone().expect("--kiosk-token with --url"),
            a.counter_token.clone().expect("--counter-token with --url"),
        ),
        None => in_process_server(tmp.path()),
    };
    let c = reqwest::Client::new();
    // Tickets to call (ho-tich is served by quầy 1 in the demo data).
    for _ in 0..a.calls {
        let r = c
            .post(format!("{url}/api/v1/tickets"))
            .bearer_auth(&kiosk)
            .json(&serde_json::json!({"service_id": "ho-tich"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut boards = Vec::new();
    for _ in 0..a.clients {
        boards.push(tokio::spawn(board(url.clone(), tx.clone())));
    }
    drop(tx);
    // The streams subscribe before answering; give the connections a moment to open.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut each = Vec::with_capacity(a.clients * a.calls);
    let mut slowest = Vec::with_capacity(a.calls);
    let mut posts = Vec::with_capacity(a.calls);
    let started = Instant::now();
    for _ in 0..a.calls {
        let t0 = Instant::now();
        let r = c
            .post(format!("{url}/api/v1/counters/quay-1/call-next"))
            .bearer_auth(&counter)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{:?}", r.text().await);
        posts.push(t0.elapsed());
        let mut got = 0;
        let mut last = Duration::ZERO;
        let mut id = None;
        while got < a.clients {
            let (ev, at) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .expect("every board receives the call within 10 s")
                .expect("boards alive");
            assert!(id.is_none_or(|i| i == ev), "one call at a time");
            id = Some(ev);
            let d = at.saturating_duration_since(t0);
            each.push(d);
            last = last.max(d);
            got += 1;
        }
        slowest.push(last);
    }
    let total = started.elapsed();
    for b in boards {
        b.abort();
    }
    each.sort_unstable();
    slowest.sort_unstable();
    posts.sort_unstable();
    println!(
        "{} calls, {} boards, {} deliveries in {:.2} s",
        a.calls,
        a.clients,
        each.len(),
        total.as_secs_f64()
    );
    println!(
        "call-next -> event at a board: p50 {}  p90 {}  p99 {}  max {}",
        ms(pct(&each, 0.50)),
        ms(pct(&each, 0.90)),
        ms(pct(&each, 0.99)),
        ms(pct(&each, 1.0))
    );
    println!(
        "call-next -> event at the last of the {} boards: p50 {}  p99 {}",
        a.clients,
        ms(pct(&slowest, 0.50)),
        ms(pct(&slowest, 0.99))
    );
    println!(
        "call-next HTTP answer: p50 {}  p99 {}",
        ms(pct(&posts, 0.50)),
        ms(pct(&posts, 0.99))
    );
}
