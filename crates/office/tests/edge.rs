//! The same edge on every route of every domain (queue, catalog, dossiers, sign-in, pages): a
//! wrong method is a JSON 405, an oversized body a JSON 413, both in Vietnamese and English.
//! The routes come from the served OpenAPI document, so a new route is covered by being
//! documented.

use motcua_testkit as support;
use serde_json::Value;

fn bilingual(v: &Value) -> bool {
    ["code", "message_vi", "message_en"]
        .iter()
        .all(|k| v[k].as_str().is_some_and(|s| !s.is_empty()))
        && v["message_vi"] != v["message_en"]
}

/// POSTs to `path` declaring a body of `len` bytes and sends only its first bytes: the server
/// must refuse on the declaration, before reading (and buffering) the body.
async fn declare_body(base: &str, path: &str, len: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Idempotency-Key: edge-test\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n{{\"x\": \""
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let json = text.split("\r\n\r\n").nth(1).unwrap_or("");
    // A chunked answer: the JSON is between the chunk sizes.
    let json = json.find('{').map_or("", |i| &json[i..]);
    let json = json.rfind('}').map_or("", |i| &json[..=i]);
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_405_and_413_with_the_bilingual_error() {
    let dir = tempfile::tempdir().unwrap();
    // The demo sign-in on, so the sign-in routes are the real relying party's.
    let srv = support::server_at(&dir.path().join("office.db"), |c| c.demo_sign_in = true).await;
    let base = srv.url();
    let c = support::admin(&srv).await;
    let doc: Value = c
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut checked = 0;
    let mut domains = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/") {
            continue;
        }
        domains.insert(path.split('/').nth(3).unwrap_or("").to_string());
        let concrete = path.replace(['{', '}'], "");
        let methods: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let other = ["patch", "put", "delete", "post", "get"]
            .into_iter()
            .find(|m| !methods.contains(m))
            .unwrap();
        let r = c
            .request(
                other.to_uppercase().parse().unwrap(),
                format!("{base}{concrete}"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{other} {path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: Value = r.json().await.unwrap();
        assert!(bilingual(&body), "{other} {path}: {body}");
        checked += 1;
        if methods.contains(&"post") {
            let big = if path == "/api/v1/dossiers" {
                45 << 20
            } else {
                300 << 10
            };
            let (status, body) = declare_body(&base, &concrete, big).await;
            assert_eq!(status, 413, "POST {path} declaring {big} bytes: {body}");
            assert_eq!(body["code"], "body_too_large", "{path}: {body}");
            assert!(bilingual(&body), "{path}: {body}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} answers checked");
    for d in [
        "services",
        "tickets",
        "counters",
        "procedures",
        "catalog",
        "dossiers",
        "auth",
    ] {
        assert!(domains.contains(d), "no {d} route checked: {domains:?}");
    }
    srv.shutdown().await;
}
