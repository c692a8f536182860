//! Load generator for a running office server: N concurrent clients issue a fixed number of
//! tickets and it reports throughput and latency percentiles.
//!
//! ```text
//! cargo run --release -p motcua-office --example load -- \
//!     --url http://127.0.0.1:8080 --token KIOSK_TOKEN [--token KIOSK_TOKEN_2 …] \
//!     --clients 64 --requests 20000 [--service ho-tich]
//! ```
//!
//! Each client is a kiosk: client *i* sends the *i*-th token (round robin; `MOTCUA_TOKENS`,
//! comma-separated, also works), as `Authorization: Bearer`, and an `Idempotency-Key` made for
//! each ticket, as a real kiosk sends them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    url: String,
    tokens: Vec<String>,
    clients: usize,
    requests: usize,
    service: String,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:8080".into(),
        tokens: std::env::var("MOTCUA_TOKENS")
            .or_else(|_| std::env::var("MOTCUA_TOKEN"))
            .map(|t| {
                t.split(',')
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
        clients: 64,
        requests: 20_000,
        service: "ho-tich".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--url" => a.url = v,
            "--token" => a.tokens.push(v),
            "--clients" => a.clients = v.parse().expect("--clients N"),
            "--requests" => a.requests = v.parse().expect("--requests N"),
            "--service" => a.service = v,
            _ => panic!("unknown argument {k}"),
        }
    }
    a
}

/// A ticket request as a kiosk sends it: its token, a key of its own.
fn request(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
    token: &Option<String>,
) -> reqwest::RequestBuilder {
    let mut r = client
        .post(url)
        .header("idempotency-key", uuid::Uuid::new_v4().simple().to_string())
        .json(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let a = args();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.clients)
        .build()
        .unwrap();
    let tokens = Arc::new(a.tokens.clone());
    let token_of = |i: usize| -> Option<String> {
        (!tokens.is_empty()).then(|| tokens[i % tokens.len()].clone())
    };

    let url = format!("{}/api/v1/tickets", a.url.trim_end_matches('/'));
    let body = serde_json::json!({ "service_id": a.service });

    // Warm up connections.
    for i in 0..a.clients.min(16) {
        request(&client, &url, &body, &token_of(i))
            .send()
            .await
            .unwrap();
    }

    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..a.clients)
        .map(|i| {
            let (client, url, body, next) =
                (client.clone(), url.clone(), body.clone(), next.clone());
            let token = token_of(i);
            let total = a.requests;
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    let t0 = Instant::now();
                    match request(&client, &url, &body, &token).send().await {
                        Ok(r) if r.status() == 201 => {
                            let _ = r.bytes().await;
                            lat.push(t0.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut lat = Vec::with_capacity(a.requests);
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        lat.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    lat.sort_unstable();
    println!(
        "{} tickets, {} clients, {} errors in {:.2} s: {:.0} tickets/s; latency p50 {:.2} ms, \
         p99 {:.2} ms, max {:.2} ms",
        lat.len(),
        a.clients,
        errors,
        elapsed.as_secs_f64(),
        lat.len() as f64 / elapsed.as_secs_f64(),
        pct(&lat, 0.50).as_secs_f64() * 1e3,
        pct(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    if errors > 0 {
        std::process::exit(1);
    }
}
