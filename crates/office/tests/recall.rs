//! A skip is undoable: the counter lists today's skipped numbers of its services and calls one
//! again, or calls any waiting or skipped number typed at the desk; every refusal changes
//! nothing. Over real HTTP on loopback with a real SQLite file. Demo data: quầy 1 serves
//! ho-tich (A), quầy 2 ho-tich and kinh-doanh (C), quầy 3 dat-dai (B).

use motcua_testkit as support;

use reqwest::Client;
use serde_json::{json, Value};
use support::*;

async fn skipped(c: &Client, base: &str, counter: &str) -> Vec<String> {
    let (st, v) = get(c, format!("{base}/api/v1/counters/{counter}/skipped")).await;
    assert_eq!(st, 200, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["status"], "skipped", "{t}");
            t["number"].as_str().unwrap().to_owned()
        })
        .collect()
}

async fn call_number(c: &Client, base: &str, counter: &str, number: &str) -> (u16, Value) {
    let (st, v) = act(c, base, counter, "call-number", json!({ "number": number })).await;
    (st.as_u16(), v)
}

/// What a refusal must leave as it was: the counters, the latest event, the skipped lists.
async fn picture(c: &Client, base: &str) -> Value {
    let b = board(c, base).await;
    json!({
        "counters": counters(c, base).await,
        "last_event_id": b["last_event_id"],
        "services": b["services"],
        "skipped": [skipped(c, base, "quay-1").await, skipped(c, base, "quay-2").await],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skipped_number_is_listed_and_called_again_and_announced_as_a_call() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    for _ in 0..3 {
        issue(&c, &base, "ho-tich", "none").await; // A001–A003
    }
    issue(&c, &base, "dat-dai", "none").await; // B001
    assert_eq!(call_next(&c, &base, "quay-1").await, "A001");
    let (st, r) = act(&c, &base, "quay-1", "skip", json!({})).await;
    assert_eq!(st, 200, "{r}");

    // Listed at every counter that serves ho-tich, not at the others.
    assert_eq!(skipped(&c, &base, "quay-1").await, ["A001"]);
    assert_eq!(skipped(&c, &base, "quay-2").await, ["A001"]);
    assert!(skipped(&c, &base, "quay-3").await.is_empty());
    let (st, e) = get(&c, format!("{base}/api/v1/counters/quay-9/skipped")).await;
    assert_api_error(st, &e, 404, "unknown_counter");

    // The counter goes on; the citizen comes back while A002 is served.
    assert_eq!(call_next(&c, &base, "quay-1").await, "A002");
    let after = board(&c, &base).await["last_event_id"].as_i64().unwrap();
    let mut sse = SseClient::connect(&base, Some(after), None).await;
    // Typed in lower case without its zeros: still A001.
    let (st, r) = call_number(&c, &base, "quay-1", " a1 ").await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["ticket"]["number"], "A001");
    assert_eq!(r["ticket"]["status"], "called");
    assert_eq!(r["counter"]["current"]["number"], "A001");
    assert_eq!(r["counter"]["served_today"], 1, "A002 was completed first");
    // Events as for call-next: A002 completed, A001 called at quầy 1 (the board announces it).
    let evs = sse.take(2).await;
    assert_eq!(evs[0].event, "completed");
    assert_eq!(evs[0].data["ticket"]["number"], "A002");
    assert_eq!(evs[1].event, "called");
    assert_eq!(evs[1].data["ticket"]["number"], "A001");
    assert_eq!(evs[1].data["counter"]["id"], "quay-1");
    let b = board(&c, &base).await;
    assert_eq!(b["last_called"][0]["ticket"]["number"], "A001");
    assert!(skipped(&c, &base, "quay-1").await.is_empty());

    // Being served: no other counter can take it.
    let (st, e) = call_number(&c, &base, "quay-2", "A001").await;
    assert_api_error(st.try_into().unwrap(), &e, 409, "ticket_not_callable");
    assert!(e["message_vi"].as_str().unwrap().contains("Quầy 1"), "{e}");
    // Done: nobody can call it again.
    let (st, _) = act(&c, &base, "quay-1", "complete", json!({})).await;
    assert_eq!(st, 200);
    let (st, e) = call_number(&c, &base, "quay-1", "A001").await;
    assert_api_error(st.try_into().unwrap(), &e, 409, "ticket_not_callable");
    assert!(
        e["message_vi"]
            .as_str()
            .unwrap()
            .contains("đã được phục vụ"),
        "{e}"
    );

    // A waiting number out of turn; the rest of the queue keeps its order.
    issue(&c, &base, "ho-tich", "none").await; // A004
    let (st, r) = call_number(&c, &base, "quay-2", "A004").await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["ticket"]["number"], "A004");
    assert_eq!(call_next(&c, &base, "quay-2").await, "A003");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_calls_by_number_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    issue(&c, &base, "ho-tich", "none").await; // A001
    issue(&c, &base, "ho-tich", "none").await; // A002
    issue(&c, &base, "dat-dai", "none").await; // B001
    assert_eq!(call_next(&c, &base, "quay-1").await, "A001");
    let (st, _) = act(&c, &base, "quay-1", "skip", json!({})).await;
    assert_eq!(st, 200);
    assert_eq!(call_next(&c, &base, "quay-1").await, "A002");
    let before = picture(&c, &base).await;

    // Another service's number: said in both languages, with the service's name.
    let (st, e) = call_number(&c, &base, "quay-1", "B001").await;
    assert_api_error(st.try_into().unwrap(), &e, 403, "service_not_served");
    assert!(e["message_vi"].as_str().unwrap().contains("Đất đai"), "{e}");
    assert!(e["message_en"].as_str().unwrap().contains("Land"), "{e}");
    // No such number today.
    let (st, e) = call_number(&c, &base, "quay-1", "A099").await;
    assert_api_error(st.try_into().unwrap(), &e, 404, "not_found");
    assert!(e["message_vi"].as_str().unwrap().contains("A099"), "{e}");
    // The counter's own current ticket is not "called again" by number.
    let (st, e) = call_number(&c, &base, "quay-1", "A002").await;
    assert_api_error(st.try_into().unwrap(), &e, 409, "ticket_not_callable");
    // Not a number at all, or a body that is not the request.
    for bad in ["", "   ", "A 1", "A001;DROP", &"A".repeat(33), "Số1"] {
        let (st, e) = call_number(&c, &base, "quay-1", bad).await;
        assert_api_error(st.try_into().unwrap(), &e, 400, "bad_request");
    }
    let (st, e) = act(
        &c,
        &base,
        "quay-1",
        "call-number",
        json!({"number": "A001", "also": 1}),
    )
    .await;
    assert_api_error(st, &e, 400, "bad_request");
    let r = c
        .post(format!("{base}/api/v1/counters/quay-1/call-number"))
        .send()
        .await
        .unwrap();
    let st = r.status();
    assert_eq!(st.as_u16() / 100, 4, "no body is refused");
    let (st, e) = call_number(&c, &base, "quay-9", "A001").await;
    assert_api_error(st.try_into().unwrap(), &e, 404, "unknown_counter");

    assert_eq!(picture(&c, &base).await, before, "nothing changed");
    // And the skipped number can still be called.
    let (st, r) = call_number(&c, &base, "quay-1", "A001").await;
    assert_eq!(st, 200, "{r}");
    srv.shutdown().await;
}
