//! Online filing bound to the citizen's VNeID sign-in (issue 12), over real HTTP on loopback
//! with a real SQLite file and the demo sandbox provider: no session, a session not approved,
//! someone else's identity, a signed-out session, a resend after sign-out, no sign-in set up.

use motcua_testkit as support;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use support::{assert_api_error, server_at, sign_in_demo, sign_out};

fn request(session: Option<&str>, applicant: Value) -> Value {
    let mut body = json!({
        "procedure_code": "1.001193",
        "applicant": applicant,
        "answers": {"child_name": "Phạm Minh Con"},
        "documents": [{"name": "Giấy chứng sinh", "originals": 1,
                       "submission": {"kind": "paper_at_counter"}}],
        "delivery": {"method": "office"}
    });
    if let Some(s) = session {
        body["sign_in_session"] = json!(s);
    }
    body
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

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn nothing_stored(db: &Path) {
    assert_eq!(count(db, "SELECT COUNT(*) FROM dossiers"), 0);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM dossier_day_counters"),
        0,
        "no code used"
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM attachment_pieces"),
        0,
        "no piece of an attachment left"
    );
}

async fn demo_office(db: &Path) -> motcua_office::ServerHandle {
    server_at(db, |c| c.demo_sign_in = true).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dossier_without_an_approved_sign_in_is_refused_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = demo_office(&db).await;
    let (c, base) = (support::kiosk(&srv), srv.url());
    let someone = json!({"full_name": "Nguyễn Văn An", "id_number": "001099012345"});

    let (st, e) = file(&c, &base, "k-none", &request(None, someone.clone())).await;
    assert_api_error(st, &e, 401, "sign_in_required");
    assert!(e["message_vi"].as_str().unwrap().contains("VNeID"), "{e}");
    assert!(e["message_en"].as_str().unwrap().contains("sign in"), "{e}");
    for bogus in ["", "x", &"A".repeat(43)] {
        let (st, e) = file(&c, &base, "k-bogus", &request(Some(bogus), someone.clone())).await;
        assert_api_error(st, &e, 401, "sign_in_required");
    }
    // Started but not approved on the phone yet.
    let (st, started) = support::post(&c, format!("{base}/api/v1/auth/device"), json!({})).await;
    assert_eq!(st, 201);
    let pending = started["session_id"].as_str().unwrap();
    let (st, e) = file(&c, &base, "k-pending", &request(Some(pending), json!({}))).await;
    assert_api_error(st, &e, 401, "sign_in_required");
    nothing_stored(&db);
    srv.shutdown().await;

    // No sign-in set up at all: nothing can be filed online, and the kiosk is told so (a
    // refusal, not "try again").
    let srv = server_at(&db, |_| {}).await;
    let c = support::kiosk(&srv);
    let (st, e) = file(
        &c,
        &srv.url(),
        "k-nosignin",
        &request(Some("k-s"), json!({})),
    )
    .await;
    assert_api_error(st, &e, 503, "sign_in_unavailable");
    // Without a sign-in session at all, that comes first: nobody files without an identity.
    let (st, e) = file(&c, &srv.url(), "k-nosession", &request(None, json!({}))).await;
    assert_api_error(st, &e, 401, "sign_in_required");
    nothing_stored(&db);
    srv.shutdown().await;

    // Filing off: a request without a sign-in is refused for that first (nobody acts without
    // an identity); one naming a sign-in learns that filing is off.
    let srv = server_at(&db, |c| c.filing.enabled = false).await;
    let c = support::kiosk(&srv);
    let (st, e) = file(&c, &srv.url(), "k-off", &request(None, json!({}))).await;
    assert_api_error(st, &e, 401, "sign_in_required");
    let (st, e) = file(&c, &srv.url(), "k-off2", &request(Some("s-1"), json!({}))).await;
    assert_api_error(st, &e, 503, "filing_disabled");
    nothing_stored(&db);
    // Paper dossiers are still received at the counters.
    let officer = support::staff_client(&srv, motcua_core::staff::Role::Counter).await;
    let mut paper = request(
        None,
        json!({"full_name": "Đỗ Thị Hoa", "id_number": "001190054321"}),
    );
    paper["channel"] = json!("counter");
    let (st, d) = file(&officer, &srv.url(), "k-paper", &paper).await;
    assert_eq!(st, 201, "{d}");
    assert_eq!(d["status"], "received");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dossier_applicant_is_the_verified_citizen_and_the_account_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = demo_office(&db).await;
    let (c, base) = (support::kiosk(&srv), srv.url());
    let citizen = sign_in_demo(&c, &base).await;
    let session = Some(citizen.session_id.as_str());
    assert_eq!(citizen.profile["id_number"], "001090012345");

    // Another person's ID number, name or date of birth: 403, nothing stored.
    for other in [
        json!({"full_name": "Phạm Văn Mẫu", "id_number": "001099012345"}),
        json!({"full_name": "Nguyễn Văn An"}),
        json!({"full_name": "Phạm Văn Mẫu", "date_of_birth": "2001-01-01"}),
    ] {
        let (st, e) = file(&c, &base, "k-other", &request(session, other)).await;
        assert_api_error(st, &e, 403, "identity_mismatch");
    }
    nothing_stored(&db);

    // The same person written otherwise: filed, with the verified values.
    let (st, d) = file(
        &c,
        &base,
        "k-1",
        &request(
            session,
            json!({"full_name": "  PHẠM VĂN MẪU ", "id_number": "001090012345",
                   "phone": "0911111111"}),
        ),
    )
    .await;
    assert_eq!(st, 201, "{d}");
    // Who filed it is in the audit trail, by the kiosk; nobody assisted.
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM audit WHERE action = 'dossier.file' AND actor_kind = 'device'
                 AND target = '{}' AND assisted_by IS NULL",
                d["code"].as_str().unwrap()
            )
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM dossiers WHERE assisted_by IS NOT NULL"
        ),
        0
    );
    assert_eq!(d["applicant"]["full_name"], "Phạm Văn Mẫu");
    assert_eq!(d["applicant"]["date_of_birth"], "1990-05-20");
    assert_eq!(d["applicant"]["gender"], "male");
    assert_eq!(
        d["applicant"]["phone"], "0911111111",
        "contact details stay"
    );
    // The sandbox is not VNeID, and the dossier says so.
    assert_eq!(d["verified_with"], "demo");
    assert_eq!(d["account_subject"], "demo-citizen-0001");
    // A dossier about someone else (the child): the verified citizen is the submitter.
    assert_eq!(d["answers"]["child_name"], "Phạm Minh Con");
    assert_eq!(
        d["submitted_by"],
        json!({"full_name": "Phạm Văn Mẫu", "id_number": "001090012345"})
    );
    assert!(d.get("received_by").is_none(), "{d}");
    assert!(d.get("sign_in_session").is_none(), "{d}");
    let text = d.to_string();
    assert!(
        !text.contains(&citizen.session_id),
        "the handle is not kept"
    );

    // Nothing given: everything from the sign-in.
    let (st, d2) = file(&c, &base, "k-2", &request(session, json!({}))).await;
    assert_eq!(st, 201, "{d2}");
    assert_eq!(d2["applicant"]["id_number"], "001090012345");
    assert_eq!(d2["applicant"]["full_name"], "Phạm Văn Mẫu");

    // The columns say the same; the session handle is nowhere in the database.
    let code = d["code"].as_str().unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let row: (String, String, String, Option<String>) = conn
        .query_row(
            "SELECT verified_with, account_subject, submitted_by, received_by FROM dossiers
             WHERE code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "demo".into(),
            "demo-citizen-0001".into(),
            "Phạm Văn Mẫu".into(),
            None
        )
    );
    let leaked: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM dossiers WHERE instr(dossier_json, ?1) > 0",
            [&citizen.session_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leaked, 0);
    drop(conn);

    // The account is in the full dossier only: not in the public status, not on the page.
    let (st, public) = support::get(&c, format!("{base}/api/v1/dossiers/{code}")).await;
    assert_eq!(st, 200);
    assert!(public.get("account_subject").is_none(), "{public}");
    assert!(!public.to_string().contains("demo-citizen"), "{public}");
    let page = c
        .get(d["tracking_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(code));
    assert!(!page.contains("demo-citizen") && !page.contains("Phạm Văn Mẫu"));
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dossier_after_sign_out_is_refused_but_a_resend_of_one_filed_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = demo_office(&db).await;
    let (c, base) = (support::kiosk(&srv), srv.url());
    let citizen = sign_in_demo(&c, &base).await;
    let body = request(Some(&citizen.session_id), json!({}));
    let (st, d) = file(&c, &base, "k-sent", &body).await;
    assert_eq!(st, 201, "{d}");

    sign_out(&c, &base, &citizen.session_id).await;
    // The kiosk's outbox resends what it never heard back about: the same dossier, 200.
    let (st, again) = file(&c, &base, "k-sent", &body).await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again, d);
    // The same key with another body is still a conflict.
    let mut other = body.clone();
    other["answers"]["child_name"] = json!("Khác");
    let (st, e) = file(&c, &base, "k-sent", &other).await;
    assert_api_error(st, &e, 409, "idempotency_conflict");
    // A new dossier on the ended session: sign in again.
    let (st, e) = file(&c, &base, "k-new", &body).await;
    assert_api_error(st, &e, 401, "sign_in_required");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM dossiers"), 1);
    assert_eq!(
        count(&db, "SELECT MAX(last_seq) FROM dossier_day_counters"),
        1
    );
    srv.shutdown().await;
}

// Issue 13: uploads take turns (two at once by default), each body read as a stream up to
// its limit and within its time; nothing partial is ever stored.

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A PDF of `n` bytes whose content differs along its length.
fn pdf(n: usize, tag: u8) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n".to_vec();
    v.extend((0..n.saturating_sub(9)).map(|i| (i as u8).wrapping_mul(31) ^ tag));
    v
}

fn with_files(session: Option<&str>, files: &[&[u8]]) -> Value {
    let mut body = request(session, json!({}));
    body["documents"] = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            json!({"name": format!("Giấy tờ {i}"), "originals": 1, "submission":
                {"kind": "attachment", "file_name": format!("{i}.pdf"),
                 "content_base64": base64::engine::general_purpose::STANDARD.encode(f)}})
        })
        .collect();
    body
}

/// Starts a raw HTTP/1.1 upload of `declared` bytes (or chunked) and sends `prefix` of it.
async fn start_upload(
    srv: &motcua_office::ServerHandle,
    token: &str,
    key: &str,
    declared: Option<usize>,
    prefix: &[u8],
) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
    let length = match declared {
        Some(n) => format!("Content-Length: {n}"),
        None => "Transfer-Encoding: chunked".into(),
    };
    let head = format!(
        "POST /api/v1/dossiers HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nIdempotency-Key: {key}\r\n{length}\r\n\r\n",
        srv.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(prefix).await.unwrap();
    s
}

/// Reads one HTTP response: its status, headers (lower-case names) and JSON body.
async fn read_response(s: &mut tokio::net::TcpStream) -> (u16, Vec<(String, String)>, Value) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed before an answer");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..end].to_vec()).unwrap();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("a sized answer");
    while buf.len() < end + len {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed in the answer");
        buf.extend_from_slice(&chunk[..n]);
    }
    (
        status,
        headers,
        serde_json::from_slice(&buf[end..end + len]).unwrap(),
    )
}

/// The stored attachments' bytes, in order (those written in pieces put together).
fn stored_attachments(db: &Path) -> Vec<Vec<u8>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT content, staged FROM dossier_attachments ORDER BY position")
        .unwrap();
    let rows: Vec<(Vec<u8>, Option<String>)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut pieces = conn
        .prepare("SELECT bytes FROM attachment_pieces WHERE staged = ?1 ORDER BY seq")
        .unwrap();
    rows.into_iter()
        .map(|(mut content, staged)| {
            if let Some(id) = staged {
                let parts: Vec<Vec<u8>> = pieces
                    .query_map([id], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                content.extend(parts.concat());
            }
            content
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_take_turns_and_the_ones_refused_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |c| {
        c.demo_sign_in = true;
        c.filing.uploads = motcua_office::dossier::UploadLimits {
            at_once: 2,
            wait: std::time::Duration::from_secs(1),
            ..Default::default()
        };
    })
    .await;
    let token = support::device_token(&srv, motcua_core::devices::DeviceKind::Kiosk, None);
    let (c, base) = (support::bearer_client(&token), srv.url());
    let citizen = sign_in_demo(&c, &base).await;
    let session = Some(citizen.session_id.as_str());

    // Two uploads of 40 MB that stall after their first megabyte: they hold both turns.
    let mut prefix = br#"{"procedure_code": "1.001193", "documents": [{"name": "x", "submission": {"kind": "attachment", "content_base64": ""#.to_vec();
    prefix.resize(1024 * 1024, b'A');
    let stalled = [
        start_upload(&srv, &token, "k-stall-1", Some(40_000_000), &prefix).await,
        start_upload(&srv, &token, "k-stall-2", Some(40_000_000), &prefix).await,
    ];
    // A third waits its second and is told to come back (once both turns are taken: before
    // that, it gets a turn and is refused for its missing sign-in).
    let mut busy = None;
    for _ in 0..50 {
        let r = c
            .post(format!("{base}/api/v1/dossiers"))
            .header("Idempotency-Key", "k-third")
            .json(&request(None, json!({})))
            .send()
            .await
            .unwrap();
        if r.status() == 503 {
            busy = Some((
                r.headers().get("retry-after").cloned(),
                r.json::<Value>().await.unwrap(),
            ));
            break;
        }
        assert_eq!(r.status(), 401, "a turn, then the sign-in is missing");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (retry_after, e) = busy.expect("a 503 while both turns are held");
    assert_api_error(
        StatusCode::SERVICE_UNAVAILABLE,
        &e,
        503,
        "server_unavailable",
    );
    assert_eq!(retry_after.unwrap(), "10");
    assert!(
        e["message_en"].as_str().unwrap().contains("at most 2"),
        "{e}"
    );
    assert!(
        e["message_vi"].as_str().unwrap().contains("tối đa 2"),
        "{e}"
    );
    // A whole, signed-in dossier too: not stored, nothing used.
    let small = pdf(2000, 1);
    let (st, e) = file(&c, &base, "k-whole", &with_files(session, &[&small])).await;
    assert_api_error(st, &e, 503, "server_unavailable");
    nothing_stored(&db);

    // The stalled clients hang up: their turns come back, nothing of theirs is stored.
    drop(stalled);
    let (a, b) = (pdf(3 * 1024 * 1024, 2), pdf(1024 * 1024 + 7, 3));
    let (st, d) = file(&c, &base, "k-whole", &with_files(session, &[&a, &b])).await;
    assert_eq!(st, 201, "{d}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM dossiers"), 1);
    // The files as sent, byte for byte (decoded out of the body).
    assert_eq!(stored_attachments(&db), vec![a.clone(), b.clone()]);
    assert_eq!(d["documents"][0]["attachment"]["size"], a.len());
    // The resend of the same body is the same dossier.
    let (st, again) = file(&c, &base, "k-whole", &with_files(session, &[&a, &b])).await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again["code"], d["code"]);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_its_limit_or_too_slow_is_refused_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |c| {
        c.demo_sign_in = true;
        c.filing.uploads.read_within = std::time::Duration::from_secs(3);
    })
    .await;
    let token = support::device_token(&srv, motcua_core::devices::DeviceKind::Kiosk, None);
    let limit = motcua_office::dossier::http::DOSSIER_BODY_LIMIT;

    // Chunked (no length declared, so nothing refuses it before it is read): the stream is cut
    // at the limit and answered 413 once what follows (half a megabyte) is thrown away.
    let mut s = start_upload(&srv, &token, "k-big", None, b"").await;
    let piece = vec![b'A'; 1024 * 1024];
    let mut sent = 0;
    s.write_all(b"7b\r\n").await.unwrap();
    s.write_all(format!("{:<123}", r#"{"procedure_code": "1.001193", "documents": [{"name": "x", "submission": {"kind": "attachment", "content_base64": ""#).as_bytes()).await.unwrap();
    s.write_all(b"\r\n").await.unwrap();
    while sent < limit + 512 * 1024 {
        s.write_all(format!("{:x}\r\n", piece.len()).as_bytes())
            .await
            .unwrap();
        s.write_all(&piece).await.unwrap();
        s.write_all(b"\r\n").await.unwrap();
        sent += piece.len();
    }
    s.write_all(b"0\r\n\r\n").await.unwrap();
    let (st, _, e) = read_response(&mut s).await;
    assert_api_error(
        StatusCode::from_u16(st).unwrap(),
        &e,
        413,
        "dossier_too_large",
    );
    assert!(e["message_en"].as_str().unwrap().contains("30 MB"), "{e}");

    // Declared over the limit: refused before it is read.
    let mut s = start_upload(&srv, &token, "k-big2", Some(limit + 1), b"{").await;
    let (st, _, e) = read_response(&mut s).await;
    assert_api_error(StatusCode::from_u16(st).unwrap(), &e, 413, "body_too_large");

    // A body that does not arrive in time holds its turn no longer: 503, come back.
    let mut s = start_upload(&srv, &token, "k-slow", Some(10_000), b"{\"procedure_code\"").await;
    let (st, headers, e) = read_response(&mut s).await;
    assert_api_error(
        StatusCode::from_u16(st).unwrap(),
        &e,
        503,
        "server_unavailable",
    );
    assert!(
        e["message_en"]
            .as_str()
            .unwrap()
            .contains("within 3 seconds"),
        "{e}"
    );
    assert!(headers.iter().any(|(k, v)| k == "retry-after" && v == "10"));
    nothing_stored(&db);
    srv.shutdown().await;
}
