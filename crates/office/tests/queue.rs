//! The queue at the counters over real HTTP on loopback, with a real SQLite file: priority
//! strategies, transfers, counters kept to their own tickets, offline tickets, wait estimates,
//! the board snapshot. Demo data: quầy 1 serves ho-tich (A), quầy 2 ho-tich and kinh-doanh
//! (C), quầy 3 dat-dai (B), quầy 4 kinh-doanh and lao-dong (D).

use motcua_testkit as support;

use motcua_office::PriorityStrategy;
use reqwest::Client;
use serde_json::{json, Value};
use support::*;

async fn call_all(c: &Client, base: &str, counter: &str, n: usize) -> Vec<String> {
    let mut got = Vec::new();
    for _ in 0..n {
        got.push(call_next(c, base, counter).await);
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_priority_serves_every_priority_ticket_first() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |cfg| {
        cfg.priority = PriorityStrategy::Strict;
    })
    .await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    for p in ["none", "none", "elderly", "none", "pregnant"] {
        issue(&c, &base, "dat-dai", p).await;
    }
    let order = call_all(&c, &base, "quay-3", 5).await;
    assert_eq!(order, ["B003", "B005", "B001", "B002", "B004"]);
    let (st, b) = act(&c, &base, "quay-3", "call-next", json!({})).await;
    assert_api_error(st, &b, 409, "queue_empty");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_n_serves_one_priority_ticket_after_n_ordinary_ones() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |cfg| {
        cfg.priority = PriorityStrategy::Every(2);
    })
    .await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    // B001–B005 ordinary, B006 and B007 priority.
    for p in [
        "none",
        "none",
        "none",
        "none",
        "none",
        "disabled",
        "appointment",
    ] {
        issue(&c, &base, "dat-dai", p).await;
    }
    let order = call_all(&c, &base, "quay-3", 7).await;
    assert_eq!(
        order,
        ["B001", "B002", "B006", "B003", "B004", "B007", "B005"],
        "two ordinary, one priority"
    );
    // One ordinary in a row now; the oldest waiting is a priority ticket: it comes first
    // anyway (oldest), then the ordinary one.
    issue(&c, &base, "dat-dai", "elderly").await;
    issue(&c, &base, "dat-dai", "none").await;
    assert_eq!(call_all(&c, &base, "quay-3", 2).await, ["B008", "B009"]);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_serving_two_services_calls_the_oldest_of_both() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    issue(&c, &base, "kinh-doanh", "none").await; // C001
    issue(&c, &base, "ho-tich", "none").await; // A001
    issue(&c, &base, "kinh-doanh", "none").await; // C002
    assert_eq!(
        call_all(&c, &base, "quay-2", 3).await,
        ["C001", "A001", "C002"]
    );
    // call-next completed each previous ticket: two served, one current.
    let list = counters(&c, &base).await;
    let q2 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "quay-2")
        .unwrap();
    assert_eq!(q2["served_today"], 2);
    assert_eq!(q2["current"]["number"], "C002");
    assert_eq!(q2["service_ids"], json!(["ho-tich", "kinh-doanh"]));
    assert_eq!(q2["number"], 2);
    assert_eq!(q2["name"], "Quầy 2");
    // With `service_id`, only that service.
    issue(&c, &base, "ho-tich", "none").await; // A002
    issue(&c, &base, "kinh-doanh", "none").await; // C003
    let (st, r) = act(
        &c,
        &base,
        "quay-2",
        "call-next",
        json!({"service_id": "kinh-doanh"}),
    )
    .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["ticket"]["number"], "C003");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_keeps_the_place_by_issue_time() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    let a1 = issue(&c, &base, "ho-tich", "none").await;
    let b1 = issue(&c, &base, "dat-dai", "none").await;
    issue(&c, &base, "dat-dai", "none").await;
    assert_eq!(call_next(&c, &base, "quay-1").await, "A001");

    // Transfers that cannot be: unknown service, the same service. Nothing changes.
    let (st, e) = act(
        &c,
        &base,
        "quay-1",
        "transfer",
        json!({"service_id": "khong-co"}),
    )
    .await;
    assert_api_error(st, &e, 404, "unknown_service");
    let (st, e) = act(
        &c,
        &base,
        "quay-1",
        "transfer",
        json!({"service_id": "ho-tich"}),
    )
    .await;
    assert_api_error(st, &e, 400, "bad_request");
    let (st, e) = act(&c, &base, "quay-1", "transfer", json!({})).await;
    assert_api_error(st, &e, 400, "bad_request");
    assert_eq!(
        counters(&c, &base).await[0]["current"]["number"],
        "A001",
        "still current"
    );

    let (st, r) = act(
        &c,
        &base,
        "quay-1",
        "transfer",
        json!({"service_id": "dat-dai", "ticket_id": a1["id"]}),
    )
    .await;
    assert_eq!(st, 200, "{r}");
    let t = &r["ticket"];
    assert_eq!(t["number"], "A001", "keeps the paper number");
    assert_eq!(t["service_id"], "dat-dai");
    assert_eq!(t["status"], "waiting");
    assert_eq!(t["issued_at"], a1["issued_at"], "keeps the issue time");
    assert_eq!(t["people_ahead"], 0, "issued before B001 and B002");
    assert!(r["counter"]["current"].is_null());
    // B001 now has A001 ahead of it.
    let (_, b1_now) = get(
        &c,
        format!("{base}/api/v1/tickets/{}", b1["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(b1_now["people_ahead"], 1);
    assert_eq!(
        call_all(&c, &base, "quay-3", 3).await,
        ["A001", "B001", "B002"]
    );
    // The event says where it came from.
    let events = SseClient::connect(&base, Some(0), None).await.take(8).await;
    let tr = events.iter().find(|e| e.event == "transferred").unwrap();
    assert_eq!(tr.data["from_service_id"], "ho-tich");
    assert_eq!(tr.data["counter"]["id"], "quay-1");
    assert_eq!(tr.data["waiting"]["dat-dai"], 3);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_cannot_act_on_another_counters_ticket_or_an_unserved_service() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    let a1 = issue(&c, &base, "ho-tich", "none").await;
    issue(&c, &base, "ho-tich", "none").await;
    issue(&c, &base, "dat-dai", "none").await;
    assert_eq!(call_next(&c, &base, "quay-1").await, "A001");
    assert_eq!(call_next(&c, &base, "quay-2").await, "A002");
    let before_counters = counters(&c, &base).await;
    let before_board = board(&c, &base).await;

    let a1_id = a1["id"].as_str().unwrap();
    let cases: Vec<(&str, &str, Value, u16, &str)> = vec![
        // Quầy 2 on quầy 1's citizen.
        (
            "quay-2",
            "complete",
            json!({"ticket_id": a1_id}),
            403,
            "not_your_ticket",
        ),
        (
            "quay-2",
            "skip",
            json!({"ticket_id": a1_id}),
            403,
            "not_your_ticket",
        ),
        (
            "quay-2",
            "recall",
            json!({"ticket_id": a1_id}),
            403,
            "not_your_ticket",
        ),
        (
            "quay-2",
            "transfer",
            json!({"service_id": "dat-dai", "ticket_id": a1_id}),
            403,
            "not_your_ticket",
        ),
        // Quầy 4 has no current ticket, and A001 is not its own either.
        ("quay-4", "complete", json!({}), 409, "no_current_ticket"),
        (
            "quay-4",
            "complete",
            json!({"ticket_id": a1_id}),
            403,
            "not_your_ticket",
        ),
        // A service quầy 2 does not serve.
        (
            "quay-2",
            "call-next",
            json!({"service_id": "dat-dai"}),
            403,
            "service_not_served",
        ),
        (
            "quay-2",
            "call-next",
            json!({"service_id": "khong-co"}),
            404,
            "unknown_service",
        ),
        // Unknown counter, unknown or malformed ticket, unknown field.
        ("quay-9", "call-next", json!({}), 404, "unknown_counter"),
        (
            "quay-2",
            "complete",
            json!({"ticket_id": "f".repeat(32)}),
            404,
            "not_found",
        ),
        (
            "quay-2",
            "complete",
            json!({"ticket_id": "../x"}),
            400,
            "bad_request",
        ),
        (
            "quay-2",
            "complete",
            json!({"ticket": 1}),
            400,
            "bad_request",
        ),
        ("quay-2", "call-next", json!({"x": 1}), 400, "bad_request"),
        // Quầy 3's queue (dat-dai) has B001; quầy 1's (ho-tich) is empty: its current
        // ticket stays current.
        ("quay-1", "call-next", json!({}), 409, "queue_empty"),
    ];
    for (counter, action, body, status, code) in cases {
        let (st, e) = act(&c, &base, counter, action, body.clone()).await;
        assert_eq!(st.as_u16(), status, "{counter} {action} {body}: {e}");
        assert_api_error(st, &e, status, code);
    }
    // Malformed JSON and a body that is not JSON.
    let r = c
        .post(format!("{base}/api/v1/counters/quay-2/complete"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    let st = r.status();
    assert_api_error(st, &r.json().await.unwrap(), 400, "malformed_json");

    // Nothing changed: same counters, same waiting counts, no new event.
    assert_eq!(counters(&c, &base).await, before_counters);
    let after_board = board(&c, &base).await;
    assert_eq!(after_board["last_event_id"], before_board["last_event_id"]);
    assert_eq!(after_board["services"], before_board["services"]);

    // The right counter can; an empty body counts as `{}`.
    let r = c
        .post(format!("{base}/api/v1/counters/quay-1/complete"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r: Value = r.json().await.unwrap();
    assert_eq!(r["ticket"]["status"], "completed");
    assert_eq!(r["counter"]["served_today"], 1);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recall_and_skip_emit_events_and_skip_ends_the_turn() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    issue(&c, &base, "lao-dong", "none").await;
    let mut sse = SseClient::connect(&base, None, None).await;
    assert_eq!(call_next(&c, &base, "quay-4").await, "D001");
    let (st, r) = act(&c, &base, "quay-4", "recall", json!({})).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["ticket"]["status"], "called");
    let (st, r) = act(&c, &base, "quay-4", "skip", json!({})).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["ticket"]["status"], "skipped");
    assert!(r["counter"]["current"].is_null());
    assert_eq!(r["counter"]["served_today"], 0, "a no-show is not served");
    let kinds: Vec<String> = sse.take(3).await.into_iter().map(|e| e.event).collect();
    assert_eq!(kinds, ["called", "recalled", "skipped"]);
    let (st, e) = act(&c, &base, "quay-4", "recall", json!({})).await;
    assert_api_error(st, &e, 409, "no_current_ticket");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_tickets_are_stored_once_and_queued_by_issue_time() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    let server_ticket = issue(&c, &base, "ho-tich", "none").await; // A001, now
    let ten_min_ago = (chrono::Utc::now() - chrono::TimeDelta::minutes(10))
        .with_timezone(&motcua_core::time::vn_offset())
        .to_rfc3339();
    let local_id = "0123456789abcdef0123456789abcdef";
    let body = json!({
        "local_id": local_id, "kiosk_id": "kiosk-1", "service_id": "ho-tich",
        "priority": "none", "number": "A1-001", "issued_at": ten_min_ago,
    });
    let url = format!("{base}/api/v1/tickets/offline");
    let (st, t) = post(&c, url.clone(), body.clone()).await;
    assert_eq!(st, 201, "{t}");
    assert_eq!(t["id"], local_id);
    assert_eq!(t["number"], "A1-001");
    assert_eq!(t["offline"], true);
    assert_eq!(t["status"], "waiting");
    assert_eq!(t["people_ahead"], 0, "issued before the server's A001");
    assert_eq!(
        t["status_url"],
        format!("{base}/t/{local_id}"),
        "the QR printed offline works"
    );
    // A repeat (the kiosk did not see the answer) returns the stored ticket: 200, one ticket.
    let (st, again) = post(&c, url.clone(), body.clone()).await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again["id"], local_id);
    let conn = rusqlite::Connection::open(dir.path().join("office.db")).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM tickets WHERE id = '{local_id}'"
        )),
        1
    );
    assert_eq!(
        count(&format!(
            "SELECT COUNT(*) FROM events WHERE ticket_id = '{local_id}' AND type = 'issued'"
        )),
        1,
        "one issued event"
    );
    // The server ticket issued later now has one ahead of it.
    let (_, s1) = get(
        &c,
        format!(
            "{base}/api/v1/tickets/{}",
            server_ticket["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(s1["people_ahead"], 1);
    assert!(s1.get("offline").is_none(), "absent when false: {s1}");

    // Same local_id, another ticket: refused, nothing stored.
    let mut other = body.clone();
    other["number"] = json!("A1-002");
    let (st, e) = post(&c, url.clone(), other).await;
    assert_api_error(st, &e, 409, "ticket_conflict");
    // A kiosk clock in the future: queued as issued now, after A001.
    let future = (chrono::Utc::now() + chrono::TimeDelta::hours(2)).to_rfc3339();
    let (st, f) = post(
        &c,
        url.clone(),
        json!({"local_id": "1".repeat(32), "kiosk_id": "kiosk-1", "service_id": "ho-tich",
               "number": "A1-002", "issued_at": future}),
    )
    .await;
    assert_eq!(st, 201, "{f}");
    assert_eq!(f["priority"], "none", "priority defaults to none");
    assert_eq!(f["people_ahead"], 2);
    // Bad input: 4xx, nothing stored.
    let bad: Vec<(Value, u16, &str)> = vec![
        (json!({"local_id": "XYZ"}), 400, "bad_request"),
        (json!({"kiosk_id": ""}), 400, "bad_request"),
        (json!({"kiosk_id": "k\u{7}1"}), 400, "bad_request"),
        (json!({"kiosk_id": "k".repeat(65)}), 400, "bad_request"),
        (json!({"number": "A001"}), 400, "bad_request"),
        (json!({"number": "A1-0<7"}), 400, "bad_request"),
        // Not the shape a kiosk makes: a forged long "number", no kiosk number, a zero kiosk,
        // too long a sequence, lower case, two dashes.
        (
            json!({"number": "AAAAAAAAAAAAAAAAAAAAAAAAAAAA-999"}),
            400,
            "bad_request",
        ),
        (json!({"number": "A-007"}), 400, "bad_request"),
        (json!({"number": "A0-007"}), 400, "bad_request"),
        (json!({"number": "A1-00007"}), 400, "bad_request"),
        (json!({"number": "a1-007"}), 400, "bad_request"),
        (json!({"number": "A1-007-1"}), 400, "bad_request"),
        (json!({"number": "A123-007"}), 400, "bad_request"),
        (json!({"issued_at": "hôm qua"}), 400, "bad_request"),
        (
            json!({"issued_at": "2026-11-22T09:00:00"}),
            400,
            "bad_request",
        ),
        (json!({"priority": "vip"}), 400, "unknown_priority"),
        (json!({"service_id": "khong-co"}), 404, "unknown_service"),
        (json!({"extra": true}), 400, "bad_request"),
    ];
    for (patch, status, code) in bad {
        let mut b = body.clone();
        b["local_id"] = json!("2".repeat(32));
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let (st, e) = post(&c, url.clone(), b.clone()).await;
        assert_eq!(st.as_u16(), status, "{b}: {e}");
        assert_api_error(st, &e, status, code);
    }
    assert_eq!(
        count("SELECT COUNT(*) FROM tickets WHERE origin LIKE 'kiosk:%'"),
        2
    );
    // Call order: by issue time.
    assert_eq!(
        call_all(&c, &base, "quay-1", 3).await,
        ["A1-001", "A001", "A1-002"]
    );
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_times_feed_the_wait_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    for _ in 0..7 {
        issue(&c, &base, "ho-tich", "none").await;
    }
    let ho_tich = |b: &Value| {
        let s = b["services"].as_array().unwrap()[0].clone();
        assert_eq!(s["id"], "ho-tich");
        (
            s["waiting"].as_u64().unwrap(),
            s["estimated_wait_minutes"].as_u64().unwrap(),
        )
    };
    // Default: 10 minutes each, two counters.
    assert_eq!(ho_tich(&board(&c, &base).await), (7, 35));
    for _ in 0..2 {
        call_next(&c, &base, "quay-1").await;
        let (st, _) = act(&c, &base, "quay-1", "complete", json!({})).await;
        assert_eq!(st, 200);
    }
    // Two completions are too few: still the default.
    assert_eq!(ho_tich(&board(&c, &base).await), (5, 25));
    call_next(&c, &base, "quay-1").await;
    let (st, _) = act(&c, &base, "quay-1", "complete", json!({})).await;
    assert_eq!(st, 200);
    // Three quick completions: the floor of one minute each → 4 × 1 ÷ 2 = 2 minutes.
    let b = board(&c, &base).await;
    assert_eq!(ho_tich(&b), (4, 2));
    let (_, services) = get(&c, format!("{base}/api/v1/services")).await;
    assert_eq!(services[0]["estimated_wait_minutes"], 2);
    // New tickets are estimated the same way.
    let t = issue(&c, &base, "ho-tich", "none").await;
    assert_eq!(
        (
            t["people_ahead"].as_u64(),
            t["estimated_wait_minutes"].as_u64()
        ),
        (Some(4), Some(2))
    );
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn board_snapshot_has_counters_last_calls_services_and_the_last_event() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    let empty = board(&c, &base).await;
    assert_eq!(empty["last_event_id"], 0);
    assert_eq!(empty["office_name"], "UBND xã Thử Nghiệm");
    assert_eq!(empty["last_called"], json!([]));
    for s in ["ho-tich", "ho-tich", "dat-dai"] {
        issue(&c, &base, s, "none").await;
    }
    call_next(&c, &base, "quay-1").await; // A001
    call_next(&c, &base, "quay-3").await; // B001
    let (st, _) = act(&c, &base, "quay-1", "recall", json!({})).await;
    assert_eq!(st, 200);
    let b = board(&c, &base).await;
    assert_eq!(b["last_event_id"], 6, "3 issued, 2 called, 1 recalled");
    let numbers: Vec<&str> = b["last_called"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["ticket"]["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["A001", "B001"], "newest first, one per ticket");
    assert_eq!(
        b["last_called"][0]["counter"],
        json!({"id": "quay-1", "number": 1, "name": "Quầy 1"})
    );
    let counters = b["counters"].as_array().unwrap();
    assert_eq!(counters.len(), 4);
    assert_eq!(counters[0]["current"]["number"], "A001");
    assert_eq!(counters[2]["current"]["number"], "B001");
    assert!(counters[3]["current"].is_null());
    assert_eq!(b["services"][0]["waiting"], 1);
    assert_eq!(b["services"][0]["prefix"], "A");
    assert!(b["server_time"].as_str().unwrap().ends_with("+07:00"));
    // The stream from the snapshot's event id brings exactly what follows.
    let mut sse = SseClient::connect(&base, Some(6), None).await;
    call_next(&c, &base, "quay-2").await; // completes nothing, calls A002
    let ev = sse.take(1).await.remove(0);
    assert_eq!((ev.id, ev.event.as_str()), (7, "called"));
    assert_eq!(ev.data["ticket"]["number"], "A002");
    assert_eq!(ev.data["counter"]["number"], 2);
    assert_eq!(
        ev.data["waiting"],
        json!({"dat-dai": 0, "ho-tich": 0, "kinh-doanh": 0, "lao-dong": 0})
    );
    assert!(ev.data["at"].as_str().unwrap().ends_with("+07:00"));
    srv.shutdown().await;
}
