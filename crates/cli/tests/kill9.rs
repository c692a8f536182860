//! Durability: SIGKILL the real `motcua serve` while clients are issuing tickets; every
//! acknowledged ticket must survive, numbering must continue without duplicates or gaps.

use motcua_testkit as support;

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn seqs_in_db(db: &Path, service: &str) -> Vec<u32> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT seq FROM tickets WHERE service_id = ?1 ORDER BY seq")
        .unwrap();
    st.query_map([service], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn acknowledged_tickets_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    // The kiosk that issues: a device token in the office database before the server starts.
    let token = motcua_office::access::add_device(
        &db,
        motcua_core::devices::DeviceKind::Kiosk,
        "kiosk-kill9",
        None,
    )
    .unwrap();
    let auth = {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        h
    };
    // One kiosk issues 500 and more here: far over its token bucket, opened up for this test
    // (its subject is durability; the buckets have their own tests).
    let open = [
        "--ticket-burst",
        "1000000",
        "--tickets-per-minute",
        "1000000",
    ];
    let (mut child, url) = support::spawn_motcua(crate::MOTCUA, &db, &open);

    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..16)
        .map(|i| {
            let (acked, count, stop, url, auth) = (
                acked.clone(),
                count.clone(),
                stop.clone(),
                url.clone(),
                auth.clone(),
            );
            std::thread::spawn(move || {
                let c = reqwest::blocking::Client::builder()
                    .default_headers(auth)
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap();
                let service = if i % 4 == 0 { "dat-dai" } else { "ho-tich" };
                while !stop.load(Ordering::Relaxed) {
                    let r = c
                        .post(format!("{url}/api/v1/tickets"))
                        .json(&json!({ "service_id": service }))
                        .send();
                    let Ok(r) = r else { break };
                    if r.status() != 201 {
                        break;
                    }
                    let Ok(t) = r.json::<Value>() else { break };
                    acked.lock().unwrap().push((
                        t["id"].as_str().unwrap().to_owned(),
                        t["number"].as_str().unwrap().to_owned(),
                    ));
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    let deadline = Instant::now() + Duration::from_secs(60);
    while count.load(Ordering::Relaxed) < 500 {
        assert!(Instant::now() < deadline, "clients made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.len() >= 500);

    // On disk: per service, sequences are exactly 1..=n (no duplicate, no gap), and n covers
    // every acknowledged number.
    let mut max_acked: HashMap<char, u32> = HashMap::new();
    for (_, number) in &acked {
        let (p, seq) = number.split_at(1);
        let e = max_acked.entry(p.chars().next().unwrap()).or_default();
        *e = (*e).max(seq.parse().unwrap());
    }
    let mut last = HashMap::new();
    for (svc, prefix) in [("ho-tich", 'A'), ("dat-dai", 'B')] {
        let seqs = seqs_in_db(&db, svc);
        let n = seqs.len() as u32;
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "{svc}: gap or duplicate");
        assert!(
            n >= max_acked.get(&prefix).copied().unwrap_or(0),
            "{svc}: lost tickets"
        );
        last.insert(svc, n);
    }

    // Restart on the same file: every acknowledged ticket is there with its number.
    // Every acknowledged ticket is looked up: more than a client's lookups a minute.
    let (mut child, url) =
        support::spawn_motcua(crate::MOTCUA, &db, &["--lookups-per-minute", "1000000"]);
    let c = reqwest::blocking::Client::builder()
        .default_headers(auth)
        .build()
        .unwrap();
    for (id, number) in &acked {
        let r = c.get(format!("{url}/api/v1/tickets/{id}")).send().unwrap();
        assert_eq!(r.status(), 200, "acknowledged ticket {number} lost");
        assert_eq!(r.json::<Value>().unwrap()["number"], number.as_str());
    }
    // Numbering continues right after the last stored number.
    for (svc, prefix) in [("ho-tich", 'A'), ("dat-dai", 'B')] {
        let t: Value = c
            .post(format!("{url}/api/v1/tickets"))
            .json(&json!({ "service_id": svc }))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(t["number"], format!("{prefix}{:03}", last[svc] + 1));
    }

    // SIGTERM: graceful shutdown, exit status 0.
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exit status {status:?}");
}
