//! Server-Sent Events resumed by event id (also across a restart), the spoken announcements
//! (real espeak-ng) and the counter and board pages, over real HTTP on loopback.

use motcua_testkit as support;

use reqwest::Client;
use serde_json::json;
use std::time::{Duration, Instant};
use support::*;

fn ids(events: &[SseEvent]) -> Vec<i64> {
    events.iter().map(|e| e.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnecting_client_gets_exactly_the_missed_events_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    for _ in 0..3 {
        issue(&c, &base, "ho-tich", "none").await;
    }
    // From the start: the backlog (1–3), then live events (4, 5).
    let mut sse = SseClient::connect(&base, Some(0), None).await;
    let first = sse.take(3).await;
    assert_eq!(ids(&first), [1, 2, 3]);
    assert!(first.iter().all(|e| e.event == "issued"));
    assert_eq!(first[2].data["ticket"]["number"], "A003");
    assert_eq!(first[2].data["waiting"]["ho-tich"], 3);
    assert!(first[2].data["counter"].is_null());
    call_next(&c, &base, "quay-1").await; // 4 called
    issue(&c, &base, "dat-dai", "none").await; // 5 issued
    let live = sse.take(2).await;
    assert_eq!(ids(&live), [4, 5]);
    assert_eq!(live[0].event, "called");
    drop(sse);

    // While disconnected: 6 completed + 7 called, 8 issued, 9 recalled.
    call_next(&c, &base, "quay-1").await;
    issue(&c, &base, "lao-dong", "none").await;
    let (st, _) = act(&c, &base, "quay-1", "recall", json!({})).await;
    assert_eq!(st, 200);

    // The header (what EventSource sends on its own) wins over the query it was opened with.
    let mut sse = SseClient::connect(&base, Some(0), Some(5)).await;
    let missed = sse.take(4).await;
    assert_eq!(ids(&missed), [6, 7, 8, 9]);
    let kinds: Vec<&str> = missed.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(kinds, ["completed", "called", "issued", "recalled"]);
    // Then live, no repeat.
    issue(&c, &base, "kinh-doanh", "none").await;
    assert_eq!(ids(&sse.take(1).await), [10]);
    assert!(
        sse.next(Duration::from_millis(300)).await.is_none(),
        "nothing more"
    );

    // The query alone works too; a new client without an id gets live events only.
    let mut q = SseClient::connect(&base, Some(8), None).await;
    assert_eq!(ids(&q.take(2).await), [9, 10]);
    let mut fresh = SseClient::connect(&base, None, None).await;
    assert!(fresh.next(Duration::from_millis(200)).await.is_none());
    issue(&c, &base, "kinh-doanh", "none").await;
    assert_eq!(ids(&fresh.take(1).await), [11]);
    assert_eq!(ids(&q.take(1).await), [11]);
    // An id from a database that was replaced (beyond the latest): live from now on.
    let mut ahead = SseClient::connect(&base, None, Some(1000)).await;
    issue(&c, &base, "kinh-doanh", "none").await;
    assert_eq!(ids(&ahead.take(1).await), [12]);

    // Bad ids: 400, bilingual.
    for bad in ["?last_event_id=abc", "?last_event_id=-1", "?other=1"] {
        let r = c
            .get(format!("{base}/api/v1/events{bad}"))
            .send()
            .await
            .unwrap();
        let st = r.status();
        assert_api_error(st, &r.json().await.unwrap(), 400, "bad_request");
    }
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_events_while_disconnected_arrive_in_pages_without_gap_or_repeat() {
    let dir = tempfile::tempdir().unwrap();
    // 720 tickets from one staff session: more than its token bucket allows by default.
    let srv = support::server_at(&dir.path().join("office.db"), |c| {
        c.access.tickets.burst = 1000;
    })
    .await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    // More than one backlog page (500), issued concurrently.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (c, base) = (c.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..90 {
                issue(&c, &base, "ho-tich", "none").await;
            }
        }));
    }
    // A client connected from the start, reading while they are issued.
    let mut live = SseClient::connect(&base, Some(0), None).await;
    for t in tasks {
        t.await.unwrap();
    }
    let all = live.take(720).await;
    assert_eq!(ids(&all), (1..=720).collect::<Vec<_>>());
    let mut late = SseClient::connect(&base, None, Some(100)).await;
    assert_eq!(ids(&late.take(620).await), (101..=720).collect::<Vec<_>>());
    assert!(late.next(Duration::from_millis(200)).await.is_none());
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_ids_and_resume_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let srv = server_at(&db, |_| {}).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    for _ in 0..2 {
        issue(&c, &base, "dat-dai", "none").await;
    }
    call_next(&c, &base, "quay-3").await;
    let mut sse = SseClient::connect(&base, Some(0), None).await;
    let seen = sse.take(3).await;
    assert_eq!(ids(&seen), [1, 2, 3]);
    // A board still connected does not hold the shutdown up.
    let t = Instant::now();
    srv.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(
        sse.next(Duration::from_secs(2)).await.is_none(),
        "stream ended"
    );

    let srv = server_at(&db, |_| {}).await;
    // Staff sessions live in the server's memory: sign in again after the restart.
    let (base, c) = (srv.url(), support::admin(&srv).await);
    call_next(&c, &base, "quay-3").await; // 4 completed, 5 called
    issue(&c, &base, "dat-dai", "none").await; // 6
    let mut sse = SseClient::connect(&base, None, Some(3)).await;
    let after = sse.take(3).await;
    assert_eq!(ids(&after), [4, 5, 6]);
    assert_eq!(after[1].data["ticket"]["number"], "B002");
    assert_eq!(after[1].event, "called");
    assert!(sse.next(Duration::from_millis(300)).await.is_none());
    // The snapshot after the restart agrees.
    let b = board(&c, &base).await;
    assert_eq!(b["last_event_id"], 6);
    assert_eq!(b["counters"][2]["current"]["number"], "B002");
    srv.shutdown().await;
}

fn wav_data_len(wav: &[u8]) -> u32 {
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(&wav[8..12], b"WAVE");
    assert_eq!(
        u32::from_le_bytes(wav[4..8].try_into().unwrap()) as usize,
        wav.len() - 8,
        "RIFF size"
    );
    let mut at = 12;
    while at + 8 <= wav.len() {
        let size = u32::from_le_bytes(wav[at + 4..at + 8].try_into().unwrap());
        if &wav[at..at + 4] == b"data" {
            assert_eq!(size as usize, wav.len() - at - 8, "data size");
            return size;
        }
        at += 8 + size as usize;
    }
    panic!("no data chunk");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn called_events_are_spoken_as_wav() {
    let dir = tempfile::tempdir().unwrap();
    let srv = server(&dir).await;
    let (base, c) = (srv.url(), support::admin(&srv).await);
    issue(&c, &base, "dat-dai", "none").await; // event 1
    call_next(&c, &base, "quay-3").await; // event 2: B001 to quầy 3
    let url = format!("{base}/api/v1/announcements/2.wav");
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(
        r.status(),
        200,
        "is espeak-ng installed? {:?}",
        r.text().await
    );
    assert_eq!(r.headers()["content-type"], "audio/wav");
    let wav = r.bytes().await.unwrap();
    let data = wav_data_len(&wav);
    // fmt: PCM, mono, 16-bit; the sentence lasts a few seconds.
    let rate = u32::from_le_bytes(wav[24..28].try_into().unwrap());
    let channels = u16::from_le_bytes(wav[22..24].try_into().unwrap());
    let bits = u16::from_le_bytes(wav[34..36].try_into().unwrap());
    assert_eq!((channels, bits), (1, 16));
    let secs = f64::from(data) / f64::from(rate * 2);
    assert!((2.0..15.0).contains(&secs), "{secs} s");
    // Cached: the same bytes, quickly.
    let t = Instant::now();
    let again = c.get(&url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(again, wav);
    assert!(t.elapsed() < Duration::from_secs(1));

    // Not a call, no such event, not a number: 404, bilingual.
    for path in ["1.wav", "999.wav", "abc.wav", "2.mp3", "0.wav", "-2.wav"] {
        let r = c
            .get(format!("{base}/api/v1/announcements/{path}"))
            .send()
            .await
            .unwrap();
        let st = r.status();
        assert_api_error(st, &r.json().await.unwrap(), 404, "not_found");
    }
    srv.shutdown().await;

    // Without espeak-ng: 503 with a message in both languages.
    let srv = server_at(&dir.path().join("office.db"), |cfg| {
        cfg.espeak = "/nonexistent/espeak-ng".into();
    })
    .await;
    let r = c
        .get(format!("{}/api/v1/announcements/2.wav", srv.url()))
        .send()
        .await
        .unwrap();
    let st = r.status();
    let e = r.json().await.unwrap();
    assert_api_error(st, &e, 503, "voice_unavailable");
    assert!(e["message_vi"].as_str().unwrap().contains("espeak-ng"));
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_and_board_pages_are_served_from_the_ui_build() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("dist");
    std::fs::create_dir_all(ui.join("assets")).unwrap();
    std::fs::write(
        ui.join("counter.html"),
        "<!doctype html><title>Quầy giao dịch</title><script src=\"./assets/counter-x1.js\"></script>",
    )
    .unwrap();
    std::fs::write(ui.join("assets/counter-x1.js"), "console.log('quầy');").unwrap();
    std::fs::write(ui.join("assets/base-x2.css"), "body{}").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "do not serve").unwrap();
    let srv = server_at(&dir.path().join("office.db"), |cfg| {
        cfg.ui = motcua_office::UiSource::Dir(ui.clone());
    })
    .await;
    let base = srv.url();
    let no_redirect = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect
        .get(format!("{base}/counter?counter=quay-2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(r.headers()["location"], "/counter/?counter=quay-2");
    let r = no_redirect
        .get(format!("{base}/board"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/board/");

    let c = Client::new();
    let r = c.get(format!("{base}/counter")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.url().path(), "/counter/");
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert!(r.text().await.unwrap().contains("Quầy giao dịch"));
    for (path, ct) in [
        (
            "/counter/assets/counter-x1.js",
            "text/javascript; charset=utf-8",
        ),
        ("/board/assets/base-x2.css", "text/css; charset=utf-8"),
    ] {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], ct, "{path}");
    }
    // board.html is not in this build: a 503 page in both languages.
    let r = c.get(format!("{base}/board/")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("chưa được dựng") && html.contains("make ui"),
        "{html}"
    );
    // Missing files and paths out of the build: 404, never the file.
    for path in [
        "/counter/assets/missing.js",
        "/counter/assets/%2e%2e/%2e%2e/secret.txt",
        "/counter/..%2fsecret.txt",
        "/board/.hidden",
    ] {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert!(!r.text().await.unwrap().contains("do not serve"));
    }
    srv.shutdown().await;

    // The build embedded in this binary (a debug build reads ui/dist): the page, or the
    // "not built" page, always UTF-8 HTML.
    let srv = server_at(&dir.path().join("office.db"), |_| {}).await;
    let r = c.get(format!("{}/board/", srv.url())).send().await.unwrap();
    assert!([200, 503].contains(&r.status().as_u16()), "{}", r.status());
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    srv.shutdown().await;
}
