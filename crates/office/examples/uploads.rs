//! Concurrent dossier uploads against a running server (issue 13, scripts/upload-memory.sh):
//! `--uploads N` dossiers at once, each with three attachments of `--file-mb` MB (10 MB, the
//! most one file may be: 40 MB of base64 in a 40 MB body, next to the 42 MB limit), filed by
//! the demo citizen (the server must run with `--demo-sign-in`) as the kiosk `--token`. Prints
//! one JSON line: the answers' statuses, the time to the last, and the bytes sent.
//!
//! ```sh
//! cargo run -p motcua-office --example uploads -- --url http://127.0.0.1:18090 --token T --uploads 6
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
    let url = arg("--url").expect("--url http://HOST:PORT");
    let token = arg("--token").expect("--token (a kiosk's: motcua device add --kind kiosk)");
    let n: usize = arg("--uploads").map_or(6, |v| v.parse().expect("--uploads N"));
    let file_mb: f64 = arg("--file-mb").map_or(10.0, |v| v.parse().expect("--file-mb MB"));
    // Just under 10 MiB each, 30 MiB together: the largest dossier the server takes.
    let file_bytes = ((file_mb * 1024.0 * 1024.0) as usize).saturating_sub(4096);
    let client = motcua_testkit::bearer_client(&token);
    let session = motcua_testkit::sign_in_demo(&client, &url).await.session_id;
    let bodies: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            let file = |tag: u8| {
                let mut v = b"%PDF-1.7\n".to_vec();
                v.extend(
                    (0..file_bytes).map(|j: usize| (j as u8).wrapping_mul(31) ^ tag ^ i as u8),
                );
                base64::engine::general_purpose::STANDARD.encode(v)
            };
            let docs: Vec<_> = (0..3u8)
                .map(|k| {
                    json!({"name": format!("Giấy tờ {k}"), "originals": 1, "submission":
                        {"kind": "attachment", "file_name": format!("{k}.pdf"),
                         "content_base64": file(k)}})
                })
                .collect();
            serde_json::to_vec(&json!({
                "procedure_code": "1.001193",
                "sign_in_session": session,
                "answers": {"lan": i},
                "documents": docs,
                "delivery": {"method": "office"}
            }))
            .unwrap()
        })
        .collect();
    let sent: usize = bodies.iter().map(Vec::len).sum();
    let t = Instant::now();
    let tasks: Vec<_> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let r = client
                    .post(format!("{url}/api/v1/dossiers"))
                    .header("content-type", "application/json")
                    .header(
                        "Idempotency-Key",
                        format!("uploads-{}-{i}", std::process::id()),
                    )
                    .body(body)
                    .send()
                    .await;
                match r {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let _ = r.bytes().await;
                        (status, t.elapsed().as_secs_f64())
                    }
                    Err(_) => (0, t.elapsed().as_secs_f64()),
                }
            })
        })
        .collect();
    let mut statuses = Vec::new();
    let mut last: f64 = 0.0;
    for task in tasks {
        let (status, at) = task.await.unwrap();
        statuses.push(status);
        last = last.max(at);
    }
    println!(
        "{}",
        json!({"uploads": n, "bytes_sent": sent, "statuses": statuses, "seconds_to_last": (last * 100.0).round() / 100.0})
    );
}
