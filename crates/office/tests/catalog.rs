//! The procedure catalog over real HTTP on loopback (a real SQLite file, the seed catalog built
//! into the binary); the `motcua catalog` command is tested in crates/cli.

use motcua_office::{start, ServerConfig};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn get(c: &Client, url: String) -> (StatusCode, Value) {
    let r = c.get(url).send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

fn assert_bad_request(status: StatusCode, body: &Value) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "bad_request", "{body}");
    assert!(!body["message_vi"].as_str().unwrap().is_empty());
    assert!(!body["message_en"].as_str().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_endpoints_on_the_seeded_demo() {
    let dir = tempfile::tempdir().unwrap();
    let srv = start(ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: dir.path().join("office.db"),
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let base = srv.url();
    let c = motcua_testkit::admin(&srv).await;

    // Search (the first catalog request loads the seed).
    let (st, body) = get(&c, format!("{base}/api/v1/procedures?q=khai%20sinh")).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["catalog_version"], 1);
    let hits = body["hits"].as_array().unwrap();
    assert_eq!(hits[0]["code"], "1.001193");
    assert_eq!(hits[0]["name"], "Thủ tục đăng ký khai sinh");
    assert!(hits[0]["score"].as_f64().unwrap() > 0.0);
    // Raw Telex, filters and limit.
    let (_, body) = get(
        &c,
        format!(
            "{base}/api/v1/procedures?q=ddawng+kys+keets+hoon&level=commune&online=true&limit=3"
        ),
    )
    .await;
    let hits = body["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    assert_eq!(hits[0]["code"], "1.000894");
    assert!(hits.iter().all(|h| h["has_online"] == true));
    // Browse a field.
    let (st, body) = get(
        &c,
        format!("{base}/api/v1/procedures?field=h%E1%BB%99+t%E1%BB%8Bch&limit=100"),
    )
    .await;
    assert_eq!(st, 200);
    assert!(body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["field"] == "Hộ tịch"));
    assert!(body["hits"].as_array().unwrap().len() > 20);

    // A procedure's page: record, queue service, public URL.
    let (st, p) = get(&c, format!("{base}/api/v1/procedures/1.001193")).await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["name"], "Thủ tục đăng ký khai sinh");
    assert_eq!(p["service_id"], "ho-tich");
    assert!(p["public_url"]
        .as_str()
        .unwrap()
        .starts_with("https://dichvucong.gov.vn/"));
    assert_eq!(p["has_online"], true);
    assert!(!p["documents"].as_array().unwrap().is_empty());
    let (st, p) = get(&c, format!("{base}/api/v1/procedures/1.001612")).await;
    assert_eq!(st, 200);
    assert_eq!(p["service_id"], "kinh-doanh", "{}", p["field"]);
    let (st, e) = get(&c, format!("{base}/api/v1/procedures/9.999999")).await;
    assert_eq!(st, 404, "{e}");
    assert_eq!(e["code"], "not_found");
    let (st, e) = get(&c, format!("{base}/api/v1/procedures/abc")).await;
    assert_bad_request(st, &e);

    // Fields with counts.
    let (st, f) = get(&c, format!("{base}/api/v1/procedure-fields?level=commune")).await;
    assert_eq!(st, 200);
    let f = f.as_array().unwrap();
    assert!(f
        .iter()
        .any(|x| x["field"] == "Hộ tịch" && x["count"].as_u64().unwrap() > 20));
    assert!(f
        .windows(2)
        .all(|w| w[0]["count"].as_u64() >= w[1]["count"].as_u64()));

    // Bad parameters: 400 in both languages.
    for q in [
        "level=planet",
        "online=maybe",
        "limit=0",
        "limit=101",
        "limit=ten",
        "colour=red",
    ] {
        let (st, e) = get(&c, format!("{base}/api/v1/procedures?{q}")).await;
        assert_bad_request(st, &e);
    }
    let long = "a".repeat(201);
    let (st, e) = get(&c, format!("{base}/api/v1/procedures?q={long}")).await;
    assert_bad_request(st, &e);
    let (st, e) = get(&c, format!("{base}/api/v1/catalog/changes?since=-1")).await;
    assert_bad_request(st, &e);
    let (st, e) = get(&c, format!("{base}/api/v1/procedure-fields?level=x")).await;
    assert_bad_request(st, &e);

    // Deltas with ETag / If-None-Match.
    let r = c
        .get(format!("{base}/api/v1/catalog/changes?since=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    let delta: Value = r.json().await.unwrap();
    assert_eq!(delta["version"], 1);
    assert_eq!(delta["upserts"].as_array().unwrap().len(), 1601);
    let r = c
        .get(format!("{base}/api/v1/catalog/changes?since=1"))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), tag);
    let (st, d) = get(&c, format!("{base}/api/v1/catalog/changes?since=1")).await;
    assert_eq!(st, 200);
    assert!(d["upserts"].as_array().unwrap().is_empty());
    // A kiosk cache applies the delta and searches offline.
    let kconn = rusqlite::Connection::open(dir.path().join("kiosk.db")).unwrap();
    let kiosk = motcua_catalog::Catalog::new(&kconn).unwrap();
    let changes: motcua_catalog::CatalogChanges = serde_json::from_value(delta).unwrap();
    assert_eq!(kiosk.apply_changes(&changes).unwrap(), 1);
    let hits = kiosk
        .search(&motcua_catalog::SearchRequest::query("khai si"))
        .unwrap();
    assert_eq!(hits[0].code, "1.001193");

    // The OpenAPI document lists the catalog routes.
    let (_, doc) = get(&c, format!("{base}/api/v1/openapi.json")).await;
    for p in [
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/procedure-fields",
        "/api/v1/catalog/changes",
    ] {
        assert!(doc["paths"][p]["get"].is_object(), "{p}");
    }
    srv.shutdown().await;
}

/// A commune office (the default) browses the commune's fields, its chosen ones first; a
/// search still finds other levels and says where they are handled; documents carry their
/// short plain titles. A province office with its own order browses the province's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_is_the_offices_own_level_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let srv = start(ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: dir.path().join("office.db"),
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let base = srv.url();
    let c = motcua_testkit::admin(&srv).await;

    let (st, f) = get(&c, format!("{base}/api/v1/procedure-fields")).await;
    assert_eq!(st, 200, "{f}");
    let names: Vec<&str> = f
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        &names[..3],
        ["Hộ tịch", "Chứng thực", "Đất đai"],
        "{names:?}"
    );
    for not_here in ["Hải quan", "Thuế", "Kho bạc Nhà nước"] {
        assert!(!names.contains(&not_here), "{not_here} in {names:?}");
    }
    assert!(
        names
            .iter()
            .position(|n| *n == "Hàng hải và đường thủy nội địa")
            .unwrap()
            >= 15,
        "{names:?}"
    );
    assert_eq!(
        f[0]["count"], 41,
        "commune civil-status procedures: {}",
        f[0]
    );
    assert_eq!(f[2]["count"], 17, "commune land procedures: {}", f[2]);

    // A field's procedures: the commune's only.
    let (st, body) = get(
        &c,
        format!("{base}/api/v1/procedures?field=dat+dai&limit=100"),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let hits = body["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 17, "{body}");
    assert!(hits.iter().all(|h| h["levels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l == "commune")
        && h.get("handled_at").is_none()));
    // Asked for the province level, the field's province procedures.
    let (_, body) = get(
        &c,
        format!("{base}/api/v1/procedures?field=dat+dai&level=province&limit=100"),
    )
    .await;
    assert_eq!(body["hits"].as_array().unwrap().len(), 32, "{body}");

    // A search finds the province's procedures too, with where they are handled.
    let (_, body) = get(&c, format!("{base}/api/v1/procedures?q=cap+doi+so+do")).await;
    let hits = body["hits"].as_array().unwrap();
    let so_do = hits
        .iter()
        .find(|h| h["code"] == "1.012783")
        .expect("found");
    assert_eq!(so_do["handled_at"], "province", "{so_do}");
    let (_, body) = get(&c, format!("{base}/api/v1/procedures?q=khai+sinh")).await;
    assert!(body["hits"][0].get("handled_at").is_none(), "{body}");
    let (_, body) = get(
        &c,
        format!("{base}/api/v1/procedures?q=hai+quan+xuat+khau&limit=50"),
    )
    .await;
    assert!(
        body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["field"] == "Hải quan" && h["handled_at"] == "agency"),
        "{body}"
    );
    let (_, p) = get(&c, format!("{base}/api/v1/procedures/1.012783")).await;
    assert_eq!(p["handled_at"], "province", "{}", p["levels"]);

    // Documents: the official text and a short plain title.
    let (_, p) = get(&c, format!("{base}/api/v1/procedures/1.001193")).await;
    assert!(p.get("handled_at").is_none());
    let docs = p["documents"].as_array().unwrap();
    assert!(docs.iter().all(|d| {
        let t = d["short_title"].as_str().unwrap();
        !t.is_empty() && t.chars().count() <= 60
    }));
    let birth = docs
        .iter()
        .find(|d| d["short_title"] == "Giấy chứng sinh")
        .expect("the birth certificate's short title");
    assert!(birth["name"]
        .as_str()
        .unwrap()
        .starts_with("Giấy chứng sinh; trường hợp không có"));
    srv.shutdown().await;

    // A province office that puts construction first.
    let srv = start(ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: dir.path().join("province.db"),
        catalog: motcua_office::catalog::CatalogConfig {
            scope: motcua_catalog::OfficeScope {
                level: motcua_core::catalog::OfficeLevel::Province,
                field_order: vec!["hoat dong xay dung".into(), "Đất đai".into()],
                ..Default::default()
            },
            ..Default::default()
        },
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let base = srv.url();
    let (_, f) = get(&c, format!("{base}/api/v1/procedure-fields")).await;
    assert_eq!(f[0]["field"], "Hoạt động xây dựng", "{f}");
    assert_eq!(f[1]["field"], "Đất đai", "{f}");
    assert_eq!(f[1]["count"], 32);
    let rest: Vec<u64> = f.as_array().unwrap()[2..]
        .iter()
        .map(|x| x["count"].as_u64().unwrap())
        .collect();
    assert!(rest.windows(2).all(|w| w[0] >= w[1]), "{rest:?}");
    assert!(!f
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["field"] == "Đăng ký, quản lý cư trú"));
    let (_, p) = get(&c, format!("{base}/api/v1/procedures/1.001193")).await;
    assert_eq!(p["handled_at"], "commune");
    srv.shutdown().await;
}

/// Issue 13: what a hostile client searches for. A query is searched with its first 12 words
/// (at most 3 of one letter): the 199-character run of one-letter words that took half a
/// second is answered as "a b c", not refused. And long searches take turns on their own: four
/// at once do not hold up a procedure's page (the filing service's look-up too), the fields or
/// a short search, which are all answered while the long ones still run.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn long_searches_are_cut_to_their_words_and_hold_up_nothing_else() {
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().unwrap();
    let srv = start(ServerConfig {
        listen: "127.0.0.1:0".into(),
        db_path: dir.path().join("office.db"),
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let base = srv.url();
    let c = motcua_testkit::kiosk(&srv);
    let search = |q: String| {
        let (c, base) = (c.clone(), base.clone());
        async move {
            let r = c
                .get(format!("{base}/api/v1/procedures"))
                .query(&[("q", q.as_str()), ("limit", "20")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{q}");
            let body: Value = r.json().await.unwrap();
            body["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["code"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    // The first catalog request loads the seed.
    assert_eq!(search("khai sinh".into()).await[0], "1.001193");

    // 100 one-letter words, 199 characters: four at once, each answered as "a b c ".
    let letters: Vec<String> = (0..100u8)
        .map(|i| ((b'a' + i % 26) as char).to_string())
        .collect();
    let letters = letters.join(" ");
    assert_eq!(letters.chars().count(), 199);
    let want = search("a b c ".into()).await;
    let got = futures_util::future::join_all((0..4).map(|_| search(letters.clone()))).await;
    assert!(got.iter().all(|g| *g == want), "{got:?} vs {want:?}");
    // Words past the twelfth are left out: the same as the first twelve alone.
    let sixteen = "dang ky khai sinh cho con tai uy ban nhan dan xa theo quy dinh moi";
    let twelve = "dang ky khai sinh cho con tai uy ban nhan dan xa";
    assert_eq!(
        search(format!("{sixteen} ")).await,
        search(format!("{twelve} ")).await
    );
    // Over 200 characters is still refused, saying the limit.
    let (st, e) = get(
        &c,
        format!("{base}/api/v1/procedures?q={}", "a".repeat(201)),
    )
    .await;
    assert_bad_request(st, &e);
    assert!(e["message_en"].as_str().unwrap().contains("200"), "{e}");

    // The costliest search still taken: twelve long words, each a typo (every correction
    // looked up, no procedure with them all, so every fallback pass runs). Four at once.
    let long = "dangg kyy khaii sinhh chứngg thựcc bảnn saoo giấyy phépp xâyy dựngg";
    // In turns: four long searches sent, then (a moment later, while they run) one other
    // request, which is answered first.
    for other in ["page", "short search"] {
        let finished: Arc<Mutex<Vec<&'static str>>> = Arc::default();
        let slow: Vec<_> = (0..4)
            .map(|_| {
                let (finished, s) = (finished.clone(), search(long.into()));
                tokio::spawn(async move {
                    let hits = s.await;
                    finished.lock().unwrap().push("long");
                    hits
                })
            })
            .collect();
        // A head start for the long ones (sequencing, not a measurement).
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        if other == "page" {
            // What the filing service reads too (a procedure's facts).
            let (st, page) = get(&c, format!("{base}/api/v1/procedures/1.001193")).await;
            assert_eq!(st, 200, "{page}");
        } else {
            assert_eq!(search("ket hon".into()).await[0], "1.000894");
        }
        finished.lock().unwrap().push(other);
        for s in slow {
            assert!(!s.await.unwrap().is_empty(), "the long search is answered");
        }
        let order = finished.lock().unwrap().clone();
        assert_eq!(
            order,
            [other, "long", "long", "long", "long"],
            "answered while the long searches run"
        );
    }
    srv.shutdown().await;
}
