//! Durability of the dossier's steps (issue 14): SIGKILL the real `motcua serve` while
//! officers take steps on paper dossiers as fast as they can; after a restart every
//! acknowledged step is in the dossier's history, in order with no gap, the dossier's state is
//! its last step's, each step has its audit entry and the audit chain holds.

use motcua_testkit as support;

use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A blocking client with the staff session's cookie and CSRF token.
fn officer(url: &str, username: &str) -> reqwest::blocking::Client {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (cookie, csrf) = rt.block_on(support::staff_session(
        url,
        username,
        support::TEST_PASSWORD,
    ));
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    h.insert("x-csrf-token", csrf.parse().unwrap());
    reqwest::blocking::Client::builder()
        .default_headers(h)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn paper() -> Value {
    json!({
        "channel": "counter",
        "procedure_code": "1.004873",
        "applicant": {"full_name": "Trần Văn Bình", "id_number": "001090012345"},
        "documents": [{"name": "Tờ khai", "originals": 1, "submission": {"kind": "paper_at_counter"}}],
        "delivery": {"method": "office"}
    })
}

/// The steps of one dossier's life, in order.
fn steps() -> Vec<Value> {
    vec![
        json!({"action": "process", "note": "Chuyển phòng chuyên môn"}),
        json!({"action": "request_supplement", "items": [{"document": "Tờ khai",
            "problem": "Thiếu chữ ký", "legal_basis": "Điều 8 Nghị định 61/2018/NĐ-CP"}]}),
        json!({"action": "supplement_received"}),
        json!({"action": "result_ready"}),
        json!({"action": "return", "method": "counter"}),
    ]
}

#[test]
fn acknowledged_steps_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let (mut child, url) = support::spawn_motcua(crate::MOTCUA, &db, &["--no-seed"]);
    let username = "can-bo-kill9";
    motcua_office::access::add_staff(
        &db,
        &motcua_core::staff::NewStaff {
            username: username.into(),
            full_name: "Cán bộ Một Cửa".into(),
            role: motcua_core::staff::Role::Counter,
            password: support::TEST_PASSWORD.into(),
            counters: vec![],
            services: vec![],
        },
    )
    .unwrap();
    let c = officer(&url, username);
    // 48 paper dossiers (within the per-officer burst of filings), received before the burst.
    let codes: Vec<String> = (0..48)
        .map(|i| {
            let r = c
                .post(format!("{url}/api/v1/dossiers"))
                .header("Idempotency-Key", format!("paper-{i}"))
                .json(&paper())
                .send()
                .unwrap();
            assert_eq!(r.status(), 201);
            r.json::<Value>().unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();

    // Four officers, each through its own dossiers, step by step; what was acknowledged.
    let acked: Arc<Mutex<Vec<(String, usize)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let mine: Vec<String> = codes.iter().skip(w).step_by(4).cloned().collect();
            let (acked, count, stop, c, url) = (
                acked.clone(),
                count.clone(),
                stop.clone(),
                c.clone(),
                url.clone(),
            );
            std::thread::spawn(move || {
                'all: for code in &mine {
                    for (i, body) in steps().into_iter().enumerate() {
                        if stop.load(Ordering::Relaxed) {
                            break 'all;
                        }
                        let Ok(r) = c
                            .post(format!("{url}/api/v1/dossiers/{code}/actions"))
                            .json(&body)
                            .send()
                        else {
                            break 'all;
                        };
                        if r.status() != 200 {
                            break 'all;
                        }
                        // Acknowledged: step i+1 of this dossier (the reception is seq 1).
                        acked.lock().unwrap().push((code.clone(), i + 2));
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while count.load(Ordering::Relaxed) < 30 {
        assert!(Instant::now() < deadline, "officers made no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.len() >= 30, "{}", acked.len());
    assert!(
        acked.len() < codes.len() * steps().len(),
        "the kill came in the middle of the burst"
    );

    // Restart; every acknowledged step is there, each dossier's history has no gap and its
    // state is its last step's.
    let (mut child, url) = support::spawn_motcua(crate::MOTCUA, &db, &["--no-seed"]);
    let c = officer(&url, username);
    let mut at_least = std::collections::HashMap::new();
    for (code, seq) in &acked {
        let e = at_least.entry(code.clone()).or_insert(1);
        *e = (*e).max(*seq);
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    for code in &codes {
        let d: Value = c
            .get(format!("{url}/api/v1/dossiers/{code}"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let h = d["history"].as_array().unwrap();
        let want = at_least.get(code).copied().unwrap_or(1);
        assert!(
            h.len() >= want,
            "{code}: {} steps, {want} acknowledged",
            h.len()
        );
        for (i, e) in h.iter().enumerate() {
            assert_eq!(e["seq"], i + 1, "{code}");
        }
        assert_eq!(d["status"], h.last().unwrap()["to"], "{code}");
        let audited: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE target = ?1 AND action LIKE 'dossier.%'",
                [code],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited as usize, h.len(), "{code}: one audit entry a step");
    }
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let chain = motcua_office::access::verify_audit(&db).unwrap();
    assert!(chain.is_ok(), "audit chain: {chain:?}");
    // A dossier caught mid-life goes on where it stopped.
    if let Some(code) = codes
        .iter()
        .find(|c| at_least.get(*c).copied().unwrap_or(1) < steps().len() + 1)
    {
        let d: Value = c
            .get(format!("{url}/api/v1/dossiers/{code}"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let done = d["history"].as_array().unwrap().len();
        if done <= steps().len() {
            let r = c
                .post(format!("{url}/api/v1/dossiers/{code}/actions"))
                .json(&steps()[done - 1])
                .send()
                .unwrap();
            assert_eq!(r.status(), 200, "{code} continues");
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
