//! Durability of filing: SIGKILL the real `motcua serve` while kiosks submit dossiers; every
//! acknowledged dossier is on disk with its attachment, codes have no gap, a replay of an
//! acknowledged key after the restart returns the same dossier, and numbering continues.

use motcua_testkit as support;

use base64::Engine;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn body(n: usize) -> Value {
    let mut file = b"%PDF-1.4\n".to_vec();
    file.resize(20_000 + n, b'x');
    json!({
        "procedure_code": "1.004873",
        "applicant": {"full_name": format!("Người nộp {n}")},
        "documents": [{"name": "Tờ khai", "originals": 1, "submission": {"kind": "attachment",
            "file_name": "t.pdf",
            "content_base64": base64::engine::general_purpose::STANDARD.encode(&file)}}],
        "delivery": {"method": "post", "address": "Số 2, Hà Nội"}
    })
}

fn post(c: &reqwest::blocking::Client, url: &str, key: &str, n: usize) -> Option<(u16, Value)> {
    let r = c
        .post(format!("{url}/api/v1/dossiers"))
        .header("Idempotency-Key", key)
        .json(&body(n))
        .send()
        .ok()?;
    let st = r.status().as_u16();
    Some((st, r.json().ok()?))
}

#[test]
fn acknowledged_dossiers_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let (mut child, url) = support::spawn_motcua(crate::MOTCUA, &db, &["--no-seed"]);

    let acked: Arc<Mutex<Vec<(String, usize, String)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let (acked, count, stop, url) =
                (acked.clone(), count.clone(), stop.clone(), url.clone());
            std::thread::spawn(move || {
                let c = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap();
                let mut j = 0;
                while !stop.load(Ordering::Relaxed) {
                    let n = i * 10_000 + j;
                    j += 1;
                    let key = format!("kiosk-{i}-{j}");
                    let Some((201, d)) = post(&c, &url, &key, n) else {
                        break;
                    };
                    acked
                        .lock()
                        .unwrap()
                        .push((key, n, d["code"].as_str().unwrap().to_owned()));
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while count.load(Ordering::Relaxed) < 40 {
        assert!(Instant::now() < deadline, "clients made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.len() >= 40);

    // On disk: sequences 1..=n, every acknowledged code with its attachment.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let seqs: Vec<u32> = conn
        .prepare("SELECT seq FROM dossiers ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let n = seqs.len() as u32;
    assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "gap or duplicate");
    for (key, _, code) in &acked {
        let (k, files): (String, i64) = conn
            .query_row(
                "SELECT d.idempotency_key, (SELECT COUNT(*) FROM dossier_attachments a
                                            WHERE a.dossier_code = d.code)
                 FROM dossiers d WHERE d.code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("acknowledged dossier {code} lost: {e}"));
        assert_eq!((&k, files), (key, 1));
    }
    drop(conn);

    // Restart: a kiosk replaying an acknowledged submission gets the same dossier; a new one
    // continues the sequence.
    let (mut child, url) = support::spawn_motcua(crate::MOTCUA, &db, &["--no-seed"]);
    let c = reqwest::blocking::Client::new();
    let (key, n0, code) = &acked[acked.len() / 2];
    let (st, d) = post(&c, &url, key, *n0).unwrap();
    assert_eq!(st, 200);
    assert_eq!(d["code"], code.as_str());
    let (st, d) = post(&c, &url, "after-restart", 1).unwrap();
    assert_eq!(st, 201);
    assert!(d["code"]
        .as_str()
        .unwrap()
        .ends_with(&format!("-{:04}", n + 1)));
    child.kill().unwrap();
    child.wait().unwrap();
}
