//! Durability of filing: SIGKILL the real `motcua serve` while kiosks submit dossiers; every
//! acknowledged dossier is on disk with its attachment, codes have no gap, a replay of an
//! acknowledged key after the restart returns the same dossier (its sign-in session, in
//! memory, died with the process: a resend is answered all the same), and numbering continues
//! for a citizen who signs in again.

use motcua_testkit as support;

use base64::Engine;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn body(session: &str, n: usize) -> Value {
    let mut file = b"%PDF-1.4\n".to_vec();
    file.resize(20_000 + n, b'x');
    json!({
        "procedure_code": "1.004873",
        "sign_in_session": session,
        "documents": [{"name": "Tờ khai", "originals": 1, "submission": {"kind": "attachment",
            "file_name": "t.pdf",
            "content_base64": base64::engine::general_purpose::STANDARD.encode(&file)}}],
        "delivery": {"method": "post", "address": "Số 2, Hà Nội"}
    })
}

/// The demo citizen's sign-in session at `url` (the sandbox provider of `--demo-sign-in`),
/// started by the kiosk whose device token is `token`.
fn sign_in(url: &str, token: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(support::sign_in_demo(&support::bearer_client(token), url))
        .session_id
}

/// A kiosk's blocking client: its device token on every request.
fn kiosk_client(token: &str) -> reqwest::blocking::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::blocking::Client::builder()
        .default_headers(h)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn post(
    c: &reqwest::blocking::Client,
    url: &str,
    session: &str,
    key: &str,
    n: usize,
) -> Option<(u16, Value)> {
    let r = c
        .post(format!("{url}/api/v1/dossiers"))
        .header("Idempotency-Key", key)
        .json(&body(session, n))
        .send()
        .ok()?;
    let st = r.status().as_u16();
    Some((st, r.json().ok()?))
}

#[test]
fn acknowledged_dossiers_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let (mut child, url) =
        support::spawn_motcua(crate::MOTCUA, &db, &["--no-seed", "--demo-sign-in"]);
    // The kiosks' device (in the database: it holds across the restart).
    let token = motcua_office::access::add_device(
        &db,
        motcua_core::devices::DeviceKind::Kiosk,
        "kiosk-kill9",
        None,
    )
    .unwrap();
    let session = sign_in(&url, &token);

    let acked: Arc<Mutex<Vec<(String, usize, String)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let (acked, count, stop, url, session, token) = (
                acked.clone(),
                count.clone(),
                stop.clone(),
                url.clone(),
                session.clone(),
                token.clone(),
            );
            std::thread::spawn(move || {
                let c = kiosk_client(&token);
                let mut j = 0;
                while !stop.load(Ordering::Relaxed) {
                    let n = i * 10_000 + j;
                    j += 1;
                    let key = format!("kiosk-{i}-{j}");
                    let Some((201, d)) = post(&c, &url, &session, &key, n) else {
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
    let (mut child, url) =
        support::spawn_motcua(crate::MOTCUA, &db, &["--no-seed", "--demo-sign-in"]);
    let c = kiosk_client(&token);
    let (key, n0, code) = &acked[acked.len() / 2];
    let (st, d) = post(&c, &url, &session, key, *n0).unwrap();
    assert_eq!(st, 200);
    assert_eq!(d["code"], code.as_str());
    // A new dossier on the dead session: sign in again.
    let (st, e) = post(&c, &url, &session, "after-restart", 1).unwrap();
    assert_eq!((st, e["code"].as_str()), (401, Some("sign_in_required")));
    let session = sign_in(&url, &token);
    let (st, d) = post(&c, &url, &session, "after-restart", 1).unwrap();
    assert_eq!(st, 201);
    assert!(d["code"]
        .as_str()
        .unwrap()
        .ends_with(&format!("-{:04}", n + 1)));
    child.kill().unwrap();
    child.wait().unwrap();
}
