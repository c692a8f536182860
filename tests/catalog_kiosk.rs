//! The kiosk's copy of the procedure catalog: filled from the office server by delta, then
//! searched in process, and still there when the server is down (real office server on
//! loopback with the demo seed catalog, real SQLite files on both sides).

use crate::support;

use motcua_kiosk::services::Kiosk;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_searches_its_own_copy_and_keeps_it_when_the_server_is_down() {
    let tmp = tempfile::tempdir().unwrap();
    let server = motcua_office::start(motcua_office::ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: tmp.path().join("office.db"),
        seed_demo: true,
        ..Default::default()
    })
    .await
    .unwrap();
    support::register_office(&server, &tmp.path().join("office.db"));
    let base = format!("http://{}", server.addr);
    let data = tmp.path().join("kiosk");
    let kiosk = Kiosk::start(
        support::kiosk_config(&base, &data, "kiosk-7", &[]),
        data.clone(),
    )
    .await
    .unwrap();

    // The first sync brings the whole seed catalog.
    let start = Instant::now();
    while kiosk.catalog.version() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the kiosk never got the catalog"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let server_hits: serde_json::Value =
        reqwest::get(format!("{base}/api/v1/procedures?q=khai%20sinh&limit=5"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let hits = kiosk
        .catalog
        .search("khai sinh".into(), None, false, 5)
        .await
        .unwrap();
    assert_eq!(hits[0].code, "1.001193", "{hits:?}");
    assert_eq!(
        server_hits["hits"][0]["code"], "1.001193",
        "the kiosk ranks like the server"
    );

    // The copy browses the office's own fields in the office's order, like the server.
    let server_fields: Vec<motcua_core::catalog::FieldCount> =
        reqwest::get(format!("{base}/api/v1/procedure-fields"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let fields = kiosk.catalog.fields().await.unwrap();
    assert_eq!(fields, server_fields, "the copy's fields are the server's");
    assert_eq!(fields[0].field, "Hộ tịch");
    assert!(fields.iter().all(|f| f.field != "Hải quan"), "{fields:?}");

    // While online, a procedure's page comes from the server with its service queue.
    let p = kiosk.catalog.procedure("1.001193".into()).await.unwrap();
    assert!(!p.from_cache);
    assert!(p.page.service_id.is_some(), "Hộ tịch maps to a queue");
    assert!(
        p.page.public_url.starts_with("https://"),
        "{}",
        p.page.public_url
    );
    assert!(p.qr_svg.starts_with("<svg"), "QR for the screen");

    // Server down: search, fields and pages still work from the copy, the queue remembered.
    server.shutdown().await;
    kiosk.link.set_online(false);
    let hits = kiosk
        .catalog
        .search("ddawng kys keets hoon".into(), None, false, 5)
        .await
        .unwrap();
    assert_eq!(hits[0].code, "1.000894", "raw Telex offline: {hits:?}");
    let fields = kiosk.catalog.fields().await.unwrap();
    assert!(
        fields.iter().any(|f| f.field == "Hộ tịch" && f.count > 10),
        "{fields:?}"
    );
    let p = kiosk.catalog.procedure("1.001193".into()).await.unwrap();
    assert!(p.from_cache);
    assert!(!p.page.procedure.documents.is_empty());
    assert!(p
        .page
        .procedure
        .documents
        .iter()
        .any(|d| d.short_title == "Giấy chứng sinh"));
    assert_eq!(p.page.handled_at, None);
    // A province procedure found offline says where it is handled, on its page too.
    let hits = kiosk
        .catalog
        .search("cap doi so do".into(), None, false, 10)
        .await
        .unwrap();
    let so_do = hits.iter().find(|h| h.code == "1.012783").expect("found");
    assert_eq!(
        so_do.handled_at,
        Some(motcua_core::catalog::HandledAt::Province)
    );
    let province = kiosk.catalog.procedure("1.012783".into()).await.unwrap();
    assert_eq!(
        province.page.handled_at,
        Some(motcua_core::catalog::HandledAt::Province)
    );
    // Browsing a field offline: the commune's procedures only.
    let land = kiosk
        .catalog
        .search(String::new(), Some("Đất đai".into()), false, 100)
        .await
        .unwrap();
    assert_eq!(land.len(), 17, "{land:?}");
    assert_eq!(p.page.service_id.as_deref(), Some("ho-tich"));
    let missing = kiosk
        .catalog
        .procedure("9.999999".into())
        .await
        .unwrap_err();
    assert_eq!(missing.code, motcua_core::ErrorCode::NotFound);

    // The copy survives a restart of the kiosk (a file, not memory).
    drop(kiosk);
    let kiosk = Kiosk::start(
        support::kiosk_config(&base, &data, "kiosk-7", &[]),
        data.clone(),
    )
    .await
    .unwrap();
    assert!(kiosk.catalog.version() > 0);
    let hits = kiosk
        .catalog
        .search("chung thuc ban sao".into(), None, false, 3)
        .await
        .unwrap();
    assert!(!hits.is_empty());
}
