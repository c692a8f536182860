//! The kiosk keeps handing out numbers while the office server is down, and every one of them
//! reaches the server exactly once when it returns (real office server on loopback, real
//! SQLite files on both sides).

use crate::support;

use motcua_core::{IssueTicketRequest, Priority, Ticket};
use motcua_kiosk::services::Kiosk;
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

async fn get_ticket(base: &str, id: &str) -> Option<Ticket> {
    let r = reqwest::get(format!("{base}/api/v1/tickets/{id}"))
        .await
        .unwrap();
    if r.status() == 404 {
        return None;
    }
    assert!(r.status().is_success(), "{}", r.status());
    Some(r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_tickets_issued_while_the_server_is_down_reach_it_once() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("office.sqlite3");
    let server = support::start_office(&db, "127.0.0.1:0").await;
    let addr = server.addr;
    let base = format!("http://{addr}");
    let data = tmp.path().join("kiosk");
    let kiosk = Kiosk::start(
        support::kiosk_config(
            &base,
            &data,
            "kiosk-4",
            &[("MOTCUA_PUBLIC_URL", "http://motcua.test")],
        ),
        data.clone(),
    )
    .await
    .unwrap();
    assert!(kiosk.status().online);

    // Online: the server's number; the kiosk remembers the services for later.
    assert!(!kiosk.queue.services().await.unwrap().is_empty());
    let req = |service: &str, priority| IssueTicketRequest {
        service_id: service.into(),
        priority,
    };
    let first = kiosk
        .queue
        .issue_ticket(req("ho-tich", Priority::None))
        .await
        .unwrap();
    assert_eq!(first.ticket.number, "A001");
    assert!(!first.ticket.offline);
    // The counters serving it, from the office's counter list (demo: quầy 1 and 2).
    assert_eq!(first.ticket.counters, Some(vec![1, 2]));

    // The server goes away.
    server.shutdown().await;
    let offline_services = kiosk.queue.services().await.unwrap();
    assert!(
        offline_services.iter().any(|s| s.id == "ho-tich"),
        "the kiosk still offers the remembered services"
    );
    assert!(!kiosk.status().online);

    let mut issued = Vec::new();
    for i in 0..50 {
        let (service, priority) = match i % 5 {
            0 => ("dat-dai", Priority::None),
            1 => ("ho-tich", Priority::Elderly),
            _ => ("ho-tich", Priority::None),
        };
        let t = kiosk
            .queue
            .issue_ticket(req(service, priority))
            .await
            .unwrap()
            .ticket;
        assert!(t.offline, "{} issued offline", t.number);
        assert!(
            t.number.contains('-'),
            "offline numbers have a dash: {}",
            t.number
        );
        assert!(t.status_url.starts_with("http://motcua.test/t/"));
        issued.push(t);
    }
    let numbers: HashSet<&str> = issued.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers.len(), 50, "no offline number twice");
    assert_eq!(issued[0].number, "B4-001");
    assert_eq!(issued[1].number, "A4-001");
    assert_eq!(issued[49].number, "A4-040");
    // Offline, the counters still come from the list the kiosk saw last.
    assert_eq!(issued[0].counters, Some(vec![3]));
    assert_eq!(issued[1].counters, Some(vec![1, 2]));
    // A service the kiosk never saw is refused offline too, with nothing queued.
    let err = kiosk
        .queue
        .issue_ticket(req("no-such-service", Priority::None))
        .await
        .unwrap_err();
    assert_eq!(err.code, motcua_core::ErrorCode::UnknownService);
    assert_eq!(kiosk.status().outbox_pending, 50);

    // The server returns on the same address: the outbox drains by itself.
    let server = support::start_office(&db, &addr.to_string()).await;
    let start = Instant::now();
    while kiosk.status().outbox_pending > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "outbox still holds {} tickets",
            kiosk.status().outbox_pending
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(kiosk.status().online);
    assert_eq!(kiosk.status().outbox_rejected, 0);

    // Each reached the server once, under its own id and number, in the queue by issue time.
    for t in &issued {
        let s = get_ticket(&base, &t.id)
            .await
            .unwrap_or_else(|| panic!("{} missing on the server", t.number));
        assert_eq!(s.number, t.number);
        assert_eq!(s.service_id, t.service_id);
        assert_eq!(s.priority, t.priority);
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (total, distinct): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT number) FROM tickets WHERE origin = 'kiosk:kiosk-4'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((total, distinct), (50, 50), "exactly once each");

    // The queue counts them: the first ticket was A001, then 40 offline Hộ tịch tickets.
    let after = kiosk
        .queue
        .issue_ticket(req("ho-tich", Priority::None))
        .await
        .unwrap();
    assert!(!after.ticket.offline);
    assert_eq!(
        after.ticket.number, "A002",
        "server numbers go on where they were"
    );
    assert_eq!(after.ticket.people_ahead, 41);

    drop(kiosk);
    server.shutdown().await;
}

/// An offline ticket the screen has shown is on disk: the kiosk killed with SIGKILL while
/// issuing loses none of them, and its sequence goes on after the last one. The test runs
/// itself as the child process that issues (`MOTCUA_KILL9_CHILD` names its data folder).
#[test]
fn offline_tickets_survive_kill_9() {
    use motcua_kiosk::services::local_store::LocalStore;
    use std::io::{BufRead, BufReader, Write};

    let service = motcua_core::Service {
        id: "ho-tich".into(),
        prefix: "A".into(),
        name_vi: "Hộ tịch – Chứng thực".into(),
        name_en: "Civil status".into(),
        open: true,
        waiting: 0,
        estimated_wait_minutes: 0,
    };
    // One fixed office day, so midnight cannot restart the sequence mid-test.
    let day = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00+07:00")
        .unwrap()
        .to_utc();
    if let Some(dir) = std::env::var_os("MOTCUA_KILL9_CHILD") {
        // Child: issue until killed, reporting each ticket once it is acknowledged.
        let store = LocalStore::open(&Path::new(&dir).join("kiosk.sqlite3")).unwrap();
        let mut out = std::io::stdout().lock();
        loop {
            let t = store
                .issue_offline(&service, Priority::None, 3, day)
                .unwrap();
            writeln!(out, "ACK {} {}", t.local_id, t.number).unwrap();
            out.flush().unwrap();
        }
    }

    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "offline_kiosk::offline_tickets_survive_kill_9",
            "--nocapture",
        ])
        .env("MOTCUA_KILL9_CHILD", tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = Vec::new();
    while acked.len() < 150 {
        let line = lines.next().expect("the child issues tickets").unwrap();
        if let Some(rest) = line.strip_prefix("ACK ") {
            let (id, number) = rest.split_once(' ').unwrap();
            acked.push((id.to_string(), number.to_string()));
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Whatever it reported before dying was acknowledged too.
    for line in lines.map_while(Result::ok) {
        if let Some((id, number)) = line.strip_prefix("ACK ").and_then(|r| r.split_once(' ')) {
            acked.push((id.to_string(), number.to_string()));
        }
    }

    let store = LocalStore::open(&tmp.path().join("kiosk.sqlite3")).unwrap();
    let pending = store.pending().unwrap();
    for (id, number) in &acked {
        let t = store
            .find(id)
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged {number} lost"));
        assert_eq!(&t.number, number);
    }
    // Numbers are 1..=n without gap or repeat (n ≥ acknowledged: the last may not have been
    // reported before the kill), and the sequence goes on after them.
    let n = pending.len();
    assert!(n >= acked.len());
    for (i, t) in pending.iter().enumerate() {
        assert_eq!(t.number, format!("A3-{:03}", i + 1));
    }
    let next = store
        .issue_offline(&service, Priority::None, 3, day)
        .unwrap();
    assert_eq!(next.number, format!("A3-{:03}", n + 1));
}
