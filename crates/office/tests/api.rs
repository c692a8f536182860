//! The office API over real HTTP on loopback, with a real SQLite file in a temp dir.

use motcua_office::{start, ServerConfig, ServerHandle};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;

async fn server(dir: &tempfile::TempDir) -> ServerHandle {
    start(ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: dir.path().join("office.db"),
        office_name: "UBND xã Thử Nghiệm".into(),
        ..ServerConfig::default()
    })
    .await
    .expect("server starts")
}

async fn issue(c: &Client, base: &str, body: Value) -> (StatusCode, Value) {
    let r = c
        .post(format!("{base}/api/v1/tickets"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

fn assert_api_error(status: StatusCode, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status.as_u16(), want_status, "{body}");
    assert_eq!(body["code"], want_code, "{body}");
    for k in ["message", "message_vi", "message_en"] {
        assert!(
            !body[k].as_str().unwrap_or("").is_empty(),
            "{k} empty in {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_tickets_from_32_clients_are_numbered_1_to_1000() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let base = srv.url();
    // 32 kiosks, each with its own token (each device has its own token bucket).
    let mut tasks = Vec::new();
    for i in 0..32 {
        let (c, base) = (motcua_testkit::kiosk(&srv), base.clone());
        let n = 1000 / 32 + usize::from(i < 1000 % 32);
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for _ in 0..n {
                let (st, t) = issue(&c, &base, json!({"service_id": "ho-tich"})).await;
                assert_eq!(st, StatusCode::CREATED, "{t}");
                got.push((
                    t["number"].as_str().unwrap().to_owned(),
                    t["id"].as_str().unwrap().to_owned(),
                ));
            }
            got
        }));
    }
    let mut numbers = Vec::new();
    let mut ids = HashSet::new();
    for t in tasks {
        for (num, id) in t.await.unwrap() {
            numbers.push(num);
            assert!(ids.insert(id), "duplicate id");
        }
    }
    assert_eq!(numbers.len(), 1000);
    let mut seqs: Vec<u32> = numbers
        .iter()
        .map(|n| n.strip_prefix('A').expect("A prefix").parse().unwrap())
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=1000).collect::<Vec<_>>(), "no duplicate, no gap");
    // Width 3, longer sequences printed in full.
    assert!(numbers.contains(&"A007".to_owned()));
    assert!(numbers.contains(&"A1000".to_owned()));
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_shape_status_and_people_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let base = srv.url();
    let c = motcua_testkit::admin(&srv).await;

    let r = c.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "ok"}));

    let (st, first) = issue(&c, &base, json!({"service_id": "ho-tich"})).await;
    assert_eq!(st, 201);
    let r = c
        .post(format!("{base}/api/v1/tickets"))
        .json(&json!({"service_id": "ho-tich", "priority": "elderly"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id_loc = r.headers()["location"].to_str().unwrap().to_owned();
    let t: Value = r.json().await.unwrap();
    assert_eq!(
        id_loc,
        format!("/api/v1/tickets/{}", t["id"].as_str().unwrap())
    );
    assert_eq!(t["number"], "A002");
    assert_eq!(t["priority"], "elderly");
    assert_eq!(t["status"], "waiting");
    assert_eq!(t["people_ahead"], 1);
    assert_eq!(t["estimated_wait_minutes"], 5, "1 × 10 min ÷ 2 counters");
    assert_eq!(t["service_name_vi"], "Hộ tịch – Chứng thực");
    assert_eq!(t["service_name_en"], "Civil registration and certification");
    assert_eq!(t["office_name"], "UBND xã Thử Nghiệm");
    let issued = t["issued_at"].as_str().unwrap();
    assert!(issued.ends_with("+07:00"), "{issued}");
    chrono::DateTime::parse_from_rfc3339(issued).unwrap();
    let id = t["id"].as_str().unwrap();
    assert_eq!(id.len(), 32);
    assert_eq!(t["status_url"], format!("{base}/t/{id}"));

    // GET recomputes; the same ticket comes back.
    let g: Value = c
        .get(format!("{base}/api/v1/tickets/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(g, t);
    let r = c
        .get(format!(
            "{base}/api/v1/tickets/{}",
            first["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["people_ahead"], 0);

    // Services list.
    let s: Value = c
        .get(format!("{base}/api/v1/services"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let s = s.as_array().unwrap();
    assert_eq!(s.len(), 4);
    assert_eq!(s[0]["id"], "ho-tich");
    assert_eq!(s[0]["prefix"], "A");
    assert_eq!(s[0]["waiting"], 2);
    assert_eq!(s[0]["estimated_wait_minutes"], 10);
    assert_eq!(s[0]["open"], true);
    assert_eq!(s[1]["name_vi"], "Đất đai – Xây dựng");

    // Status page.
    let r = c.get(format!("{base}/t/{id}")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html") && ct.contains("utf-8"), "{ct}");
    let html = r.text().await.unwrap();
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("lang=\"vi\""));
    assert!(html.contains("http-equiv=\"refresh\" content=\"30\""));
    assert!(html.contains(">A002<"));
    assert!(html.contains("Còn 1 người chờ trước"));
    assert!(html.contains("UBND xã Thử Nghiệm"));
    let r = c
        .get(format!("{base}/t/{}", "0".repeat(32)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Không tìm thấy"));
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_rejected_and_consumes_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let base = srv.url();
    let c = motcua_testkit::admin(&srv).await;
    let url = format!("{base}/api/v1/tickets");

    let (st, t) = issue(&c, &base, json!({"service_id": "dat-dai"})).await;
    assert_eq!((st.as_u16(), t["number"].as_str()), (201, Some("B001")));
    let mut expected_next = 2;

    let mut check_next = async |c: &Client| {
        let (st, t) = issue(c, &base, json!({"service_id": "dat-dai"})).await;
        assert_eq!(st, 201, "{t}");
        assert_eq!(
            t["number"],
            format!("B{expected_next:03}"),
            "a number was consumed"
        );
        expected_next += 1;
    };

    // Unknown service.
    let (st, b) = issue(&c, &base, json!({"service_id": "khong-co"})).await;
    assert_api_error(st, &b, 404, "unknown_service");
    check_next(&c).await;

    // Unknown priority: message lists the valid values.
    let (st, b) = issue(
        &c,
        &base,
        json!({"service_id": "dat-dai", "priority": "vip"}),
    )
    .await;
    assert_api_error(st, &b, 400, "unknown_priority");
    assert!(b["message_en"].as_str().unwrap().contains("child_under_6"));
    assert!(b["message_vi"].as_str().unwrap().contains("elderly"));
    check_next(&c).await;

    // Malformed JSON.
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"service_id\": ")
        .send()
        .await
        .unwrap();
    let st = r.status();
    assert_api_error(st, &r.json().await.unwrap(), 400, "malformed_json");
    check_next(&c).await;

    // Missing field, unknown field, wrong type.
    for body in [
        json!({}),
        json!({"service_id": "dat-dai", "extra": 1}),
        json!({"service_id": 7}),
    ] {
        let (st, b) = issue(&c, &base, body).await;
        assert_api_error(st, &b, 400, "bad_request");
    }
    check_next(&c).await;

    // Wrong content type: refused at the edge (an HTML form's types are never taken).
    let r = c
        .post(&url)
        .header("content-type", "text/plain")
        .body(r#"{"service_id":"dat-dai"}"#)
        .send()
        .await
        .unwrap();
    let st = r.status();
    assert_api_error(st, &r.json().await.unwrap(), 415, "unsupported_media_type");
    check_next(&c).await;

    // Body over 64 KB.
    let big = json!({"service_id": "dat-dai", "priority": "x".repeat(70 * 1024)});
    let (st, b) = issue(&c, &base, big).await;
    assert_api_error(st, &b, 413, "body_too_large");
    check_next(&c).await;

    // Closed service: close it through the store the server uses (same file, its own writer
    // would conflict, so close through SQL on a separate connection and rely on busy waits).
    {
        let conn = rusqlite::Connection::open(dir.path().join("office.db")).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        conn.execute("UPDATE services SET open = 0 WHERE id = 'kinh-doanh'", [])
            .unwrap();
    }
    let (st, b) = issue(&c, &base, json!({"service_id": "kinh-doanh"})).await;
    assert_api_error(st, &b, 409, "service_closed");
    assert!(b["message_vi"].as_str().unwrap().contains("Kinh doanh"));
    check_next(&c).await;

    // Unknown ticket, bad ticket id, unknown route, wrong method: JSON errors.
    for path in [
        format!("/api/v1/tickets/{}", "a".repeat(32)),
        "/api/v1/tickets/nope".into(),
        "/api/v2/x".into(),
        "/".into(),
    ] {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        let st = r.status();
        assert_api_error(st, &r.json().await.unwrap(), 404, "not_found");
    }
    let r = c
        .delete(format!("{base}/api/v1/tickets"))
        .send()
        .await
        .unwrap();
    let st = r.status();
    assert_api_error(st, &r.json().await.unwrap(), 405, "bad_request");

    // Nothing but the good tickets was stored.
    let conn = rusqlite::Connection::open(dir.path().join("office.db")).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, expected_next as i64 - 1);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_lists_the_paths() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let base = srv.url();
    let c = motcua_testkit::admin(&srv).await;
    let r = c
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = serde_json::from_str(&r.text().await.unwrap()).expect("valid JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 25, "{} paths", paths.len());
    for (path, item) in paths {
        let path = path.as_str();
        // Every documented GET route really answers (not the 404 fallback's JSON).
        if item["get"].is_object() {
            let concrete = path
                .replace("{id}", &"0".repeat(32))
                .replace("{event_id}", "1");
            let r = c.get(format!("{base}{concrete}")).send().await.unwrap();
            if path == "/api/v1/events" {
                // An endless stream: the headers are the answer.
                assert_eq!(r.status(), 200);
                assert!(r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/event-stream"));
                continue;
            }
            let body = r.text().await.unwrap();
            assert!(
                !body.contains("/api/v1/openapi.json.\""),
                "{path} fell through: {body}"
            );
        }
    }
    for schema in [
        "Ticket",
        "Service",
        "ApiError",
        "IssueTicketRequest",
        "Priority",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    srv.shutdown().await;
}
