//! Filing latency on loopback: `POST /api/v1/dossiers` with three 2 MB attachments, one after
//! the other, against an in-process server on a fresh database (or `--url`). Target (issue 5):
//! ≤ 1 s each. Filed by the demo citizen signed in through the sandbox provider (the server
//! given with `--url` must run with `--demo-sign-in`; `--token` is a kiosk's).
//!
//! ```sh
//! cargo run --release -p motcua-office --example filing -- --dossiers 30
//! ```

use base64::Engine;
use serde_json::json;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let n: usize = arg("--dossiers").map_or(30, |v| v.parse().expect("--dossiers N"));
    let dir = tempfile::tempdir().unwrap();
    let (url, server) = match arg("--url") {
        Some(u) => (u, None),
        None => {
            let s = motcua_office::start(motcua_office::ServerConfig {
                listen: "127.0.0.1:0".into(),
                db_path: dir.path().join("office.db"),
                seed_demo: false,
                demo_sign_in: true,
                ..Default::default()
            })
            .await
            .expect("server starts");
            (s.url(), Some(s))
        }
    };
    let file = |tag: u8| {
        let mut v = b"%PDF-1.7\n".to_vec();
        v.extend((0..2 * 1024 * 1024).map(|i: usize| (i as u8).wrapping_mul(31) ^ tag));
        base64::engine::general_purpose::STANDARD.encode(v)
    };
    let (a, b, c) = (file(1), file(2), file(3));
    // As a kiosk files: with its device token (made here, or `--token` for `--url`).
    let client = match (&server, arg("--token")) {
        (Some(s), _) => motcua_testkit::kiosk(s),
        (None, Some(t)) => motcua_testkit::bearer_client(&t),
        (None, None) => panic!("--url needs --token (a kiosk's: motcua device add --kind kiosk)"),
    };
    let session = motcua_testkit::sign_in_demo(&client, &url).await.session_id;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let body = json!({
            "procedure_code": "1.001193",
            "sign_in_session": session,
            "answers": {"lan": i},
            "documents": [
                {"name": "Tờ khai", "originals": 1, "submission": {"kind": "attachment", "content_base64": a}},
                {"name": "Giấy chứng sinh", "originals": 1, "submission": {"kind": "attachment", "content_base64": b}},
                {"name": "Giấy tờ tùy thân", "copies": 1, "submission": {"kind": "attachment", "content_base64": c}}
            ],
            "delivery": {"method": "office"}
        });
        let bytes = serde_json::to_vec(&body).unwrap();
        let t = Instant::now();
        let r = client
            .post(format!("{url}/api/v1/dossiers"))
            .header("content-type", "application/json")
            .header(
                "Idempotency-Key",
                format!("bench-{}-{i}", std::process::id()),
            )
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let _ = r.bytes().await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{n} dossiers × 3 × 2 MB: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        q(0.5),
        q(0.9),
        q(0.99),
        times[times.len() - 1]
    );
    if let Some(s) = server {
        s.shutdown().await;
    }
}
