//! Load generator for a running office server: N concurrent clients issue a fixed number of
//! tickets and it reports throughput and latency percentiles.
//!
//! ```text
//! cargo run --release -p motcua-office --example load -- \
//!     --url http://127.0.0.1:8080 --token KIOSK_TOKEN --clients 64 --requests 20000 \
//!     [--service ho-tich]
//! ```
//!
//! The token is a kiosk's (`motcua device add --kind kiosk --name load`), sent as
//! `Authorization: Bearer` with every ticket as a real kiosk sends it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    url: String,
    token: Option<String>,
    clients: usize,
    requests: usize,
    service: String,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:8080".into(),
        token: std::env::var("MOTCUA_TOKEN").ok(),
        clients: 64,
        requests: 20_000,
        service: "ho-tich".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--url" => a.url = v,
            "--token" => a.token = Some(v),
            "--clients" => a.clients = v.parse().expect("--clients N"),
            "--requests" => a.requests = v.parse().expect("--requests N"),
            "--service" => a.service = v,
            _ => panic!("unknown argument {k}"),
        }
    }
    a
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let a = args();
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(t) = &a.token {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {t}")
                .parse()
                .expect("a token is header text"),
        );
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.clients)
        .default_headers(headers)
        .build()
        .unwrap();
    let url = format!("{}/api/v1/tickets", a.url.trim_end_matches('/'));
    let body = serde_json::json!({ "service_id": a.service });

    // Warm up connections.
    for _ in 0..a.clients.min(16) {
        client.post(&url).json(&body).send().await.unwrap();
    }

    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..a.clients)
        .map(|_| {
            let (client, url, body, next) =
                (client.clone(), url.clone(), body.clone(), next.clone());
            let total = a.requests;
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    let t0 = Instant::now();
                    match client.post(&url).json(&body).send().await {
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
