//! The dossier's life in the office (issue 14), over real HTTP on loopback with a real SQLite
//! file: paper reception at a counter by signed-in staff, each step and each refusal (a second
//! supplement request, anything after return, an unknown action, the wrong role), nothing
//! changed by a refusal, every step with its history row and audit entry, the back-office
//! lists and the overdue flag.

use motcua_testkit as support;

use motcua_core::staff::Role;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use support::{assert_api_error, server_at};

fn paper(ticket: Option<&str>) -> Value {
    let mut b = json!({
        "channel": "counter",
        "procedure_code": "1.001193",
        "applicant": {"full_name": "Lê Thị Hồng Nhung", "id_number": "001188004321",
                      "phone": "0987654321", "address": "Thôn Đông, xã Hòa Bình"},
        "answers": {},
        "documents": [
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1,
             "submission": {"kind": "attachment", "file_name": "to-khai.pdf",
                            "content_base64": "JVBERi0xLjQKJcOkw7zDtsOfCg=="}},
            {"name": "Giấy chứng sinh", "originals": 1, "submission": {"kind": "paper_at_counter"}}
        ],
        "delivery": {"method": "office"}
    });
    if let Some(t) = ticket {
        b["ticket_id"] = json!(t);
    }
    b
}

async fn receive(c: &Client, base: &str, key: &str, body: &Value) -> (StatusCode, Value) {
    let r = c
        .post(format!("{base}/api/v1/dossiers"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap())
}

async fn act(c: &Client, base: &str, code: &str, body: Value) -> (StatusCode, Value) {
    support::post(c, format!("{base}/api/v1/dossiers/{code}/actions"), body).await
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn supplement() -> Value {
    json!({"action": "request_supplement",
           "items": [{"document": "Giấy chứng sinh", "problem": "Bản sao không có chứng thực",
                      "legal_basis": "Khoản 1 Điều 16 Luật Hộ tịch 2014"}],
           "note": "Nộp bổ sung tại quầy số 2"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paper_dossier_goes_through_its_life_and_refusals_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |_| {}).await;
    let base = srv.url();
    let officer = support::staff_client(&srv, Role::Counter).await;
    let manager = support::staff_client(&srv, Role::Manager).await;
    let kiosk = support::kiosk(&srv);

    // Who may receive: a signed-in officer; not a kiosk, not the IT admin, not nobody.
    let (st, e) = receive(&kiosk, &base, "k-kiosk", &paper(None)).await;
    assert_api_error(st, &e, 403, "forbidden");
    let (st, e) = receive(&support::admin(&srv).await, &base, "k-admin", &paper(None)).await;
    assert_api_error(st, &e, 403, "forbidden");
    let (st, e) = receive(&Client::new(), &base, "k-anon", &paper(None)).await;
    assert_api_error(st, &e, 401, "unauthorized");
    // A ticket that does not exist; an applicant without an ID number.
    let (st, e) = receive(&officer, &base, "k-t", &paper(Some(&"0".repeat(32)))).await;
    assert_api_error(st, &e, 404, "not_found");
    let mut no_id = paper(None);
    no_id["applicant"]["id_number"] = json!("");
    let (st, e) = receive(&officer, &base, "k-id", &no_id).await;
    assert_api_error(st, &e, 400, "bad_request");
    assert!(e["message_vi"]
        .as_str()
        .unwrap()
        .contains("applicant.id_number"));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM dossiers"),
        0,
        "nothing stored"
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM dossier_day_counters"),
        0,
        "no code used"
    );

    // The citizen's ticket, called at a counter, and the dossier received in that visit.
    let ticket = support::issue(&kiosk, &base, "ho-tich", "none").await;
    let ticket_id = ticket["id"].as_str().unwrap();
    let (st, d) = receive(&officer, &base, "k-1", &paper(Some(ticket_id))).await;
    assert_eq!(st, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_owned();
    assert_eq!(d["status"], "received");
    assert_eq!(d["channel"], "counter");
    assert_eq!(d["ticket_id"], ticket_id);
    assert_eq!(d["digitized"], false, "one of two documents is scanned");
    assert_eq!(d["applicant"]["full_name"], "Lê Thị Hồng Nhung");
    assert!(d["received_by"]
        .as_str()
        .unwrap()
        .starts_with("test-counter"));
    assert!(d.get("verified_with").is_none(), "no VNeID sign-in");
    let h = d["history"].as_array().unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["action"], "receive");
    assert_eq!(h[0]["form"], "mau-01");
    assert_eq!(h[0]["by_name"], "Cán bộ Thử Nghiệm");
    // The same press again: the same dossier.
    let (st, again) = receive(&officer, &base, "k-1", &paper(Some(ticket_id))).await;
    assert_eq!(st, 200);
    assert_eq!(again["code"], code.as_str());

    // Staff read the whole dossier without its secret; nobody else does.
    let (st, full) = support::get(&officer, format!("{base}/api/v1/dossiers/{code}")).await;
    assert_eq!(st, 200);
    assert_eq!(full["applicant"]["id_number"], "001188004321");
    let (_, public) = support::get(&Client::new(), format!("{base}/api/v1/dossiers/{code}")).await;
    assert!(public.get("applicant").is_none(), "{public}");
    // The scanned page, to staff.
    let r = officer
        .get(format!("{base}/api/v1/dossiers/{code}/attachments/0"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    let r = kiosk
        .get(format!("{base}/api/v1/dossiers/{code}/attachments/0"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Refusals that change nothing: (who, body, status, code).
    let history_len = |db: &Path| {
        count(
            db,
            &format!("SELECT COUNT(*) FROM dossier_history WHERE dossier_code = '{code}'"),
        )
    };
    let refusals: Vec<(&Client, Value, u16, &str)> = vec![
        (&officer, json!({"action": "approve"}), 400, "bad_request"),
        (
            &officer,
            json!({"action": "process", "x": 1}),
            400,
            "bad_request",
        ),
        (
            &officer,
            json!({"action": "result_ready", "note": "a\u{202e}b"}),
            400,
            "bad_request",
        ),
        (
            &officer,
            json!({"action": "accept"}),
            409,
            "action_not_allowed",
        ),
        (
            &officer,
            json!({"action": "return", "method": "counter"}),
            409,
            "action_not_allowed",
        ),
        (
            &officer,
            json!({"action": "supplement_received"}),
            409,
            "action_not_allowed",
        ),
        (
            &officer,
            json!({"action": "stop", "reason": "Theo đề nghị"}),
            403,
            "forbidden",
        ),
        (
            &officer,
            json!({"action": "extend", "new_due_date": "2099-01-05", "reason": "x"}),
            403,
            "forbidden",
        ),
        (&kiosk, json!({"action": "process"}), 403, "forbidden"),
        (
            &manager,
            json!({"action": "extend", "new_due_date": "2020-01-06", "reason": "Cần xác minh"}),
            400,
            "bad_request",
        ),
        (
            &officer,
            json!({"action": "request_supplement", "items": []}),
            400,
            "bad_request",
        ),
    ];
    for (who, body, status, want) in refusals {
        let (st, e) = act(who, &base, &code, body.clone()).await;
        assert_api_error(st, &e, status, want);
        assert!(!e["message_vi"].as_str().unwrap().is_empty(), "{body}");
        assert_eq!(history_len(&db), 1, "{body} changed nothing");
    }
    let (st, e) = act(&Client::new(), &base, &code, json!({"action": "process"})).await;
    assert_api_error(st, &e, 401, "unauthorized");
    let (st, e) = act(
        &officer,
        &base,
        "H00.00-261204-9999",
        json!({"action": "process"}),
    )
    .await;
    assert_api_error(st, &e, 404, "not_found");

    // The life: process, supplement once, supplement in, result, return.
    let (st, d) = act(&officer, &base, &code, json!({"action": "process"})).await;
    assert_eq!(
        (st.as_u16(), d["status"].as_str()),
        (200, Some("processing")),
        "{d}"
    );
    let (st, d) = act(&officer, &base, &code, supplement()).await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["status"], "supplement_requested");
    assert!(d["days_left"].as_u64().is_some(), "the clock stopped: {d}");
    let last = d["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["form"], "mau-02");
    assert_eq!(last["form_version"], "tt01-2018");
    assert_eq!(last["items"][0]["problem"], "Bản sao không có chứng thực");
    // Twice is refused, with the rule said, in every state after.
    let (st, e) = act(&manager, &base, &code, supplement()).await;
    assert_api_error(st, &e, 409, "supplement_already_requested");
    assert!(e["message_vi"].as_str().unwrap().contains("một lần"));
    let (st, d) = act(
        &officer,
        &base,
        &code,
        json!({"action": "supplement_received"}),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(d["status"], "supplement_received");
    assert!(d.get("days_left").is_none(), "the clock runs again");
    let (st, e) = act(&officer, &base, &code, supplement()).await;
    assert_api_error(st, &e, 409, "supplement_already_requested");
    let (st, d) = act(&manager, &base, &code, json!({"action": "extend", "new_due_date": "2099-01-05", "reason": "Cần xác minh thêm với UBND xã"})).await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["due_date"], "2099-01-05");
    assert_eq!(
        d["history"].as_array().unwrap().last().unwrap()["form"],
        "mau-04"
    );
    let (st, d) = act(&officer, &base, &code, json!({"action": "result_ready"})).await;
    assert_eq!(st, 200);
    let after_result = d["status"].as_str().unwrap().to_owned();
    assert!(["result_ready", "awaiting_fee"].contains(&after_result.as_str()));
    let (st, e) = act(
        &officer,
        &base,
        &code,
        json!({"action": "return", "method": "post"}),
    )
    .await;
    assert_api_error(st, &e, 400, "bad_request");
    assert!(e["message_en"]
        .as_str()
        .unwrap()
        .contains("postal_tracking"));
    let (st, d) = act(
        &officer,
        &base,
        &code,
        json!({"action": "return", "method": "post", "postal_tracking": "EB123456789VN"}),
    )
    .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["status"], "returned");
    // Nothing after return.
    for body in [
        json!({"action": "process"}),
        supplement(),
        json!({"action": "withdraw"}),
    ] {
        let (st, e) = act(&manager, &base, &code, body).await;
        assert_api_error(
            st,
            &e,
            409,
            if e["code"] == "supplement_already_requested" {
                "supplement_already_requested"
            } else {
                "dossier_closed"
            },
        );
    }
    let (st, e) = act(&manager, &base, &code, json!({"action": "process"})).await;
    assert_api_error(st, &e, 409, "dossier_closed");

    // The history, in order, from the API and on disk, each step audited.
    let (_, full) = support::get(&officer, format!("{base}/api/v1/dossiers/{code}")).await;
    let h = full["history"].as_array().unwrap();
    let actions: Vec<&str> = h.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "receive",
            "process",
            "request_supplement",
            "supplement_received",
            "extend",
            "result_ready",
            "return"
        ]
    );
    for (i, e) in h.iter().enumerate() {
        assert_eq!(e["seq"], i + 1);
        if i > 0 {
            assert_eq!(e["from"], h[i - 1]["to"], "{e}");
        }
    }
    assert_eq!(h[6]["postal_tracking"], "EB123456789VN");
    assert_eq!(h[6]["method"], "post");
    assert_eq!(history_len(&db), 7);
    for a in [
        "dossier.receive",
        "dossier.process",
        "dossier.request_supplement",
        "dossier.supplement_received",
        "dossier.extend",
        "dossier.result_ready",
        "dossier.return",
    ] {
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM audit WHERE action = '{a}' AND target = '{code}'")
            ),
            1,
            "{a}"
        );
    }
    // The audit entries name the dossier, never the citizen.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%Nhung%' OR detail LIKE '%001188004321%'"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_dossier_is_accepted_and_the_lists_and_overdue_flag_follow() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |c| c.demo_sign_in = true).await;
    let base = srv.url();
    let officer = support::staff_client(&srv, Role::Counter).await;
    let kiosk = support::kiosk(&srv);
    let citizen = support::sign_in_demo(&kiosk, &base).await;
    let online = json!({
        "procedure_code": "1.001193",
        "sign_in_session": citizen.session_id,
        "answers": {"child_name": "Phạm Minh Con"},
        "documents": [{"name": "Giấy chứng sinh", "originals": 1, "submission": {"kind": "paper_at_counter"}}],
        "delivery": {"method": "office"}
    });
    let (st, d) = receive(&kiosk, &base, "k-online", &online).await;
    assert_eq!(st, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_owned();
    assert_eq!(d["status"], "submitted");
    assert_eq!(d["history"][0]["action"], "file");
    assert_eq!(d["history"][0]["by"], "citizen");
    // Not accepted yet: no receipt (Mẫu 01), nothing to process.
    let r = officer
        .get(format!("{base}/api/v1/dossiers/{code}/forms/mau-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "form_not_available");
    let (st, e) = act(&officer, &base, &code, json!({"action": "process"})).await;
    assert_api_error(st, &e, 409, "action_not_allowed");

    // Three paper dossiers beside it.
    let mut paper_codes = vec![];
    for i in 0..3 {
        let (st, d) = receive(&officer, &base, &format!("k-p{i}"), &paper(None)).await;
        assert_eq!(st, 201);
        paper_codes.push(d["code"].as_str().unwrap().to_owned());
    }
    let list = |view: &'static str| {
        let officer = officer.clone();
        let base = base.clone();
        async move {
            let (st, l) =
                support::get(&officer, format!("{base}/api/v1/dossiers?view={view}")).await;
            assert_eq!(st, 200, "{l}");
            l
        }
    };
    let l = list("submitted").await;
    assert_eq!(l["total"], 1);
    assert_eq!(l["items"][0]["code"], code.as_str());
    assert_eq!(
        l["items"][0]["applicant_name"],
        citizen.profile["full_name"]
    );
    assert_eq!(l["counts"]["open"], 4);
    assert_eq!(l["counts"]["in_progress"], 3);
    assert_eq!(l["counts"]["overdue"], 0);

    // Accepted: the receipt now, and the processing time counts from acceptance.
    let (st, d) = act(
        &officer,
        &base,
        &code,
        json!({"action": "accept", "note": "Hồ sơ đủ"}),
    )
    .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(d["status"], "received");
    assert_eq!(d["history"][1]["form"], "mau-01");
    assert_eq!(d["history"][1]["due_date"], d["due_date"]);
    let r = officer
        .get(format!("{base}/api/v1/dossiers/{code}/forms/mau-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let r = officer
        .get(format!("{base}/api/v1/dossiers/{code}/forms/mau-09"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // One paper dossier past its appointment: flagged, listed as overdue; a supplement
    // request stops its clock, so it is no longer overdue.
    let late = &paper_codes[0];
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE dossiers SET due_date = '2026-01-05', due_at = '2026-01-05T10:00:00+07:00',
                 dossier_json = json_set(dossier_json, '$.due_date', '2026-01-05',
                                         '$.due_at', '2026-01-05T10:00:00+07:00')
             WHERE code = ?1",
            [late],
        )
        .unwrap();
    let (_, d) = support::get(&officer, format!("{base}/api/v1/dossiers/{late}")).await;
    assert_eq!(d["overdue"], true);
    let l = list("overdue").await;
    assert_eq!(l["total"], 1);
    assert_eq!(l["items"][0]["code"], late.as_str());
    assert_eq!(l["items"][0]["overdue"], true);
    let (st, d) = act(&officer, &base, late, supplement()).await;
    assert_eq!(st, 200);
    assert_eq!(d["overdue"], false);
    assert_eq!(d["days_left"], 0, "asked after the due date: nothing left");
    let l = list("awaiting_supplement").await;
    assert_eq!(l["total"], 1);
    assert_eq!(list("overdue").await["total"], 0);
    // Refused and withdrawn ones are closed.
    let (st, _) = act(
        &officer,
        &base,
        &paper_codes[1],
        json!({"action": "refuse", "reasons": ["Không thuộc thẩm quyền giải quyết của UBND xã"]}),
    )
    .await;
    assert_eq!(st, 200);
    let (st, _) = act(
        &officer,
        &base,
        &paper_codes[2],
        json!({"action": "withdraw", "note": "Đơn xin rút hồ sơ"}),
    )
    .await;
    assert_eq!(st, 200);
    let l = list("closed").await;
    assert_eq!(l["total"], 2);
    assert_eq!(l["counts"]["open"], 2);
    let (st, e) = support::get(&officer, format!("{base}/api/v1/dossiers?view=nonsense")).await;
    assert_api_error(st, &e, 400, "bad_request");
    let (st, _) = support::get(&kiosk, format!("{base}/api/v1/dossiers")).await;
    assert_eq!(st, 403);
    let (st, _) = support::get(&Client::new(), format!("{base}/api/v1/dossiers")).await;
    assert_eq!(st, 401);
}
