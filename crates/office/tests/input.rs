//! What the office server takes from a kiosk or a staff member (issue 13, "Input"), over real
//! HTTP on loopback with a real SQLite file: names and texts with control, invisible or
//! direction characters, names empty once trimmed, unknown fields, dates and counts out of
//! any real range are refused with a 400 naming the field, in both languages, and a read
//! afterwards shows nothing was stored; the limits the messages state are the checked ones;
//! search folds compatibility forms (full-width letters) like plain ones.

use motcua_core::devices::DeviceKind;
use motcua_core::staff::Role;
use motcua_testkit::{self as support, assert_api_error, get, post, server_at, sign_in_demo};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::Path;

/// A 400 `bad_request` whose messages both name `field` and, in English, say `en_part`.
#[track_caller]
fn assert_refused(st: StatusCode, e: &Value, field: &str, en_part: &str) {
    assert_api_error(st, e, 400, "bad_request");
    let (vi, en) = (
        e["message_vi"].as_str().unwrap(),
        e["message_en"].as_str().unwrap(),
    );
    assert!(vi.contains(&format!("“{field}”")), "{field}: {vi}");
    assert!(en.contains(&format!("“{field}”")), "{field}: {en}");
    assert!(en.contains(en_part), "{field}: {en}");
    // The refusal never carries the characters it refuses.
    for m in [vi, en] {
        assert!(
            motcua_core::text::forbidden_char(m, false).is_none(),
            "{m:?}"
        );
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

async fn file(c: &Client, base: &str, key: &str, body: &Value) -> (StatusCode, Value) {
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

fn dossier(session: &str) -> Value {
    json!({
        "procedure_code": "1.001193",
        "sign_in_session": session,
        "applicant": {"phone": "0911111111"},
        "answers": {"child_name": "Phạm Minh Con"},
        "documents": [
            {"name": "Giấy chứng sinh", "originals": 1, "copies": 0,
             "submission": {"kind": "paper_at_counter"}},
            {"name": "Tờ khai", "originals": 1,
             "submission": {"kind": "attachment", "file_name": "to-khai.pdf",
                            "content_base64": "JVBERi0xLjQKJcTl8uXrCg=="}}
        ],
        "delivery": {"method": "post", "address": "Số 1 Tràng Tiền, Hoàn Kiếm"}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dossiers_with_hidden_characters_unknown_fields_or_impossible_values_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |c| c.demo_sign_in = true).await;
    let (c, base) = (support::kiosk(&srv), srv.url());
    let citizen = sign_in_demo(&c, &base).await;
    let good = dossier(&citizen.session_id);

    // (JSON pointer, value, the field the refusal names, what it says in English)
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        // Names made of zero-width characters only, with NUL, with a direction override.
        (
            "/applicant/full_name",
            json!("\u{200B}\u{200C}\u{FEFF}"),
            "applicant.full_name",
            "invisible character (U+200B)",
        ),
        (
            "/applicant/full_name",
            json!("Phạm Văn Mẫu\u{0}"),
            "applicant.full_name",
            "control character (U+0000)",
        ),
        (
            "/applicant/full_name",
            json!("\u{202E}uẫM năV mạhP"),
            "applicant.full_name",
            "text direction control (U+202E)",
        ),
        (
            "/applicant/full_name",
            json!("P".repeat(201)),
            "applicant.full_name",
            "at most 200 characters",
        ),
        (
            "/applicant/address",
            json!("Số 1\u{2066} Hà Nội"),
            "applicant.address",
            "text direction control (U+2066)",
        ),
        (
            "/applicant/address",
            json!("x".repeat(501)),
            "applicant.address",
            "at most 500 characters",
        ),
        (
            "/applicant/phone",
            json!("0911\u{2060}111111"),
            "applicant.phone",
            "invisible character (U+2060)",
        ),
        (
            "/applicant/email",
            json!("a@b\u{85}.vn"),
            "applicant.email",
            "control character (U+0085)",
        ),
        (
            "/applicant/gender",
            json!("Nam\u{61C}"),
            "applicant.gender",
            "text direction control (U+061C)",
        ),
        (
            "/answers/child_name",
            json!("Phạm\u{200F} Minh Con"),
            "answers.child_name",
            "text direction control (U+200F)",
        ),
        (
            "/answers/child_name",
            json!("Phạm\r\nMinh"),
            "answers.child_name",
            "control character (U+000D)",
        ),
        (
            "/answers/notes",
            json!(["ok", "a\u{1B}[31m"]),
            "answers.notes[1]",
            "control character (U+001B)",
        ),
        (
            "/answers/child_name",
            json!("x".repeat(2001)),
            "answers.child_name",
            "at most 2000 characters",
        ),
        (
            "/documents/0/name",
            json!("\u{200B}\u{200B}"),
            "documents[0].name",
            "invisible character (U+200B)",
        ),
        (
            "/documents/0/name",
            json!("  \t "),
            "documents[0].name",
            "must not be empty",
        ),
        (
            "/documents/1/name",
            json!("Tờ\u{7}khai"),
            "documents[1].name",
            "control character (U+0007)",
        ),
        (
            "/documents/1/submission/file_name",
            json!("\u{202E}fdp.exe"),
            "documents[1].submission.file_name",
            "text direction control (U+202E)",
        ),
        (
            "/delivery/address",
            json!("Số 1\u{0}"),
            "delivery.address",
            "control character (U+0000)",
        ),
        (
            "/procedure_code",
            json!("1.001193\u{200B}"),
            "procedure_code",
            "invisible character",
        ),
        // Dates and counts no dossier has.
        (
            "/applicant/date_of_birth",
            json!("9999-12-31"),
            "applicant.date_of_birth",
            "from 1900-01-01 to today",
        ),
        (
            "/applicant/date_of_birth",
            json!("1899-12-31"),
            "applicant.date_of_birth",
            "from 1900-01-01 to today",
        ),
        (
            "/documents/0/copies",
            json!(4_294_967_295u32),
            "documents[0].copies",
            "from 0 to 20",
        ),
        (
            "/documents/1/originals",
            json!(21),
            "documents[1].originals",
            "from 0 to 20",
        ),
        // Fields no dossier has, at every level.
        ("/extra", json!(true), "extra", "not part of this request"),
        (
            "/applicant/nickname",
            json!("An"),
            "applicant.nickname",
            "not part of this request",
        ),
        (
            "/documents/0/pages",
            json!(3),
            "documents[0].pages",
            "not part of this request",
        ),
        (
            "/documents/0/submission/where",
            json!("quầy 1"),
            "documents[0].submission.where",
            "not part of this request",
        ),
        (
            "/delivery/zip",
            json!("100000"),
            "delivery.zip",
            "not part of this request",
        ),
    ];
    for (i, (pointer, value, field, en)) in cases.into_iter().enumerate() {
        let mut body = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(parent)
            .unwrap_or_else(|| panic!("{pointer}"))
            .as_object_mut()
            .unwrap()
            .insert(key.to_owned(), value);
        let (st, e) = file(&c, &base, &format!("bad-{i}"), &body).await;
        assert_refused(st, &e, field, en);
    }
    // Nothing was stored and no dossier code was used.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM dossiers"), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM dossier_day_counters"), 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM dossier_documents"), 0);

    // The real thing passes: multi-line free text in an answer, 20 copies, a birth date.
    let mut body = good.clone();
    body["answers"]["request"] = json!("Dòng một\nDòng hai\tcó tab");
    body["documents"][0]["copies"] = json!(20);
    body["applicant"]["date_of_birth"] = json!("1990-05-20");
    let (st, d) = file(&c, &base, "good", &body).await;
    assert_eq!(st, 201, "{d}");
    assert_eq!(d["answers"]["request"], "Dòng một\nDòng hai\tcó tab");
    assert_eq!(d["documents"][0]["copies"], 20);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM dossiers"), 1);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_and_offline_tickets_out_of_range_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |_| {}).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    let tickets = || count(&db, "SELECT COUNT(*) FROM tickets");

    for (body, field, en) in [
        (
            json!({"service_id": "ho-tich\u{200B}"}),
            "service_id",
            "invisible character (U+200B)",
        ),
        (
            json!({"service_id": "\u{202E}hcit-oh"}),
            "service_id",
            "text direction control (U+202E)",
        ),
        (
            json!({"service_id": "ho-tich", "note": "x"}),
            "note",
            "not part of this request",
        ),
    ] {
        let (st, e) = post(&c, format!("{base}/api/v1/tickets"), body).await;
        assert_refused(st, &e, field, en);
    }
    assert_eq!(tickets(), 0, "no number was consumed");

    let vn = motcua_core::time::vn_offset();
    let at = |d: chrono::TimeDelta| (chrono::Utc::now() + d).with_timezone(&vn).to_rfc3339();
    let url = format!("{base}/api/v1/tickets/offline");
    let body = |n: u32, issued_at: String| {
        json!({"local_id": format!("{n:032x}"), "kiosk_id": "kiosk-1", "service_id": "ho-tich",
               "priority": "none", "number": format!("A1-{n:03}"), "issued_at": issued_at})
    };
    let now = || at(chrono::TimeDelta::zero());
    let bad: Vec<(Value, &str, &str)> = vec![
        (
            body(1, "0000-01-01T00:00:00+00:00".into()),
            "issued_at",
            "up to 30 days",
        ),
        (
            body(2, at(-chrono::TimeDelta::days(31))),
            "issued_at",
            "up to 30 days",
        ),
        (
            body(3, at(chrono::TimeDelta::hours(25))),
            "issued_at",
            "at most 24 hours ahead",
        ),
        (
            body(4, "9999-12-31T23:59:59+07:00".into()),
            "issued_at",
            "at most 24 hours ahead",
        ),
        (
            {
                let mut b = body(5, now());
                b["kiosk_id"] = json!("\u{200B}\u{200D}");
                b
            },
            "kiosk_id",
            "invisible character (U+200B)",
        ),
        (
            {
                let mut b = body(6, now());
                b["kiosk_id"] = json!("kiosk\u{0}1");
                b
            },
            "kiosk_id",
            "control character (U+0000)",
        ),
        (
            {
                let mut b = body(7, now());
                b["kiosk_id"] = json!("  ");
                b
            },
            "kiosk_id",
            "must not be empty",
        ),
        (
            {
                let mut b = body(8, now());
                b["kiosk_id"] = json!("k".repeat(65));
                b
            },
            "kiosk_id",
            "at most 64 characters",
        ),
        (
            {
                let mut b = body(9, now());
                b["service_id"] = json!("ho-tich\u{2069}");
                b
            },
            "service_id",
            "text direction control (U+2069)",
        ),
        (
            {
                let mut b = body(10, now());
                b["printed"] = json!(true);
                b
            },
            "printed",
            "not part of this request",
        ),
    ];
    for (b, field, en) in bad {
        let (st, e) = post(&c, url.clone(), b.clone()).await;
        assert_refused(st, &e, field, en);
        // Not stored: the ticket's status page does not know it.
        let id = b["local_id"].as_str().unwrap();
        let (st, _) = get(&c, format!("{base}/api/v1/tickets/{id}")).await;
        assert_eq!(st, 404, "{b}");
    }
    assert_eq!(tickets(), 0);

    // What real kiosks send: a replay four weeks after an outage, a clock some hours ahead.
    for (n, issued_at) in [
        (20, at(-chrono::TimeDelta::days(29))),
        (21, at(chrono::TimeDelta::hours(23))),
        (22, now()),
    ] {
        let (st, t) = post(&c, url.clone(), body(n, issued_at)).await;
        assert_eq!(st, 201, "{t}");
    }
    assert_eq!(tickets(), 3);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_and_device_names_with_hidden_characters_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |_| {}).await;
    let base = srv.url();
    let admin = support::admin(&srv).await;
    let staff_body = |full_name: &str| {
        json!({"username": "lan.nguyen", "full_name": full_name, "role": "counter",
               "password": "mot-mat-khau-dai"})
    };
    let mut cases: Vec<(Value, &str, &str)> = vec![
        (
            staff_body("\u{200B}\u{200B}"),
            "full_name",
            "invisible character (U+200B)",
        ),
        (
            staff_body("Nguyễn Lan\u{0}"),
            "full_name",
            "control character (U+0000)",
        ),
        (
            staff_body("\u{202E}naL nễyugN"),
            "full_name",
            "text direction control (U+202E)",
        ),
        (staff_body(" \u{3000} "), "full_name", "must not be empty"),
        (
            staff_body(&"L".repeat(101)),
            "full_name",
            "at most 100 characters",
        ),
        (
            staff_body("Nguyễn Lan"),
            "nickname",
            "not part of this request",
        ),
    ];
    cases[5].0["nickname"] = json!("Lan");
    let mut assigned = staff_body("Nguyễn Lan");
    assigned["counters"] = json!(["quay-1", "quay\u{2067}2"]);
    cases.push((assigned, "counters[1]", "text direction control (U+2067)"));
    for (body, field, en) in cases {
        let (st, e) = post(&admin, format!("{base}/api/v1/staff"), body).await;
        assert_refused(st, &e, field, en);
    }
    let (_, list) = get(&admin, format!("{base}/api/v1/staff")).await;
    assert!(
        !list.to_string().contains("lan.nguyen"),
        "no account was added: {list}"
    );

    for (name, en) in [
        ("kiosk\u{200B}", "invisible character (U+200B)"),
        ("kiosk\u{202D}1", "text direction control (U+202D)"),
        ("\u{0}", "control character (U+0000)"),
    ] {
        let (st, e) = post(
            &admin,
            format!("{base}/api/v1/devices"),
            json!({"kind": "kiosk", "name": name}),
        )
        .await;
        assert_refused(st, &e, "name", en);
    }
    let (_, devices) = get(&admin, format!("{base}/api/v1/devices")).await;
    assert!(
        !devices.to_string().contains("kiosk\\u"),
        "no device was added: {devices}"
    );
    let before = devices.as_array().unwrap().len();

    // Enrolling under a name with a direction override: refused, and the code stays unused.
    let (st, code) = post(
        &admin,
        format!("{base}/api/v1/devices/enroll-codes"),
        json!({"kind": "kiosk"}),
    )
    .await;
    assert_eq!(st, 201, "{code}");
    let code = code["code"].as_str().unwrap();
    let anon = Client::new();
    let (st, e) = post(
        &anon,
        format!("{base}/api/v1/devices/enroll"),
        json!({"code": code, "name": "kiosk\u{202E}1"}),
    )
    .await;
    assert_refused(st, &e, "name", "text direction control (U+202E)");
    let (_, devices) = get(&admin, format!("{base}/api/v1/devices")).await;
    assert_eq!(devices.as_array().unwrap().len(), before, "{devices}");
    let (st, enrolled) = post(
        &anon,
        format!("{base}/api/v1/devices/enroll"),
        json!({"code": code, "name": "kiosk-sanh"}),
    )
    .await;
    assert_eq!(st, 201, "the code was not used by the refusal: {enrolled}");

    // Device status: the id and the printer's detail.
    let token = support::device_token(&srv, DeviceKind::Kiosk, None);
    let staff = support::staff_client(&srv, Role::Manager).await;
    for (body, field, en) in [
        (
            json!({"device_id": "\u{FEFF}", "kind": "kiosk"}),
            "device_id",
            "invisible character (U+FEFF)",
        ),
        (
            json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "fault",
                   "printer_detail": "hết giấy\u{202B}"}),
            "printer_detail",
            "text direction control (U+202B)",
        ),
        (
            json!({"device_id": "kiosk-1", "kind": "kiosk", "printer": "fault",
                   "printer_detail": "x".repeat(201)}),
            "printer_detail",
            "at most 200 characters",
        ),
    ] {
        let (st, e) = post(&staff, format!("{base}/api/v1/devices/status"), body).await;
        assert_refused(st, &e, field, en);
    }
    let kiosk = support::bearer_client(&token);
    let (st, e) = post(
        &kiosk,
        format!("{base}/api/v1/devices/status"),
        json!({"device_id": "k", "kind": "kiosk", "printer": "fault",
               "printer_detail": "Paper\u{0}out"}),
    )
    .await;
    assert_refused(st, &e, "printer_detail", "control character (U+0000)");
    let (_, statuses) = get(&staff, format!("{base}/api/v1/devices/status")).await;
    assert_eq!(statuses, json!([]), "nothing was recorded");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_folds_full_width_letters_like_plain_ones() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server_at(&dir.path().join("office.db"), |_| {}).await;
    let (base, c) = (srv.url(), Client::new());
    let codes = |v: &Value| -> Vec<String> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let search = |q: &str| {
        let url = reqwest::Url::parse_with_params(
            &format!("{base}/api/v1/procedures"),
            [("q", q), ("limit", "5")],
        )
        .unwrap();
        get(&c, url.to_string())
    };
    let (st, plain) = search("khai sinh").await;
    assert_eq!(st, 200, "{plain}");
    assert_eq!(codes(&plain)[0], "1.001193");
    for q in ["ＫＨＡＩ ＳＩＮＨ", "ｋｈａｉ　ｓｉｎｈ"] {
        let (st, wide) = search(q).await;
        assert_eq!(st, 200, "{wide}");
        assert_eq!(codes(&wide), codes(&plain), "{q}");
    }
    // Full-width letters with Vietnamese marks (as some phone keyboards give them).
    let (_, plain) = search("xác nhận thông tin").await;
    assert!(!codes(&plain).is_empty());
    let (_, wide) = search("ｘáｃ ｎｈậｎ ｔｈôｎｇ ｔｉｎ").await;
    assert_eq!(codes(&wide), codes(&plain));
    srv.shutdown().await;
}
