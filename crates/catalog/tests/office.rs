//! An office's own catalog on the real national dataset: the fields a commune (or province)
//! office browses, in its order; where a searched procedure is handled; short plain document
//! titles for every document.

use motcua_catalog::{Catalog, OfficeScope, SearchRequest};
use motcua_core::catalog::{HandledAt, OfficeLevel, SHORT_TITLE_MAX_CHARS};
use rusqlite::Connection;

fn national(conn: &Connection) -> Catalog<'_> {
    let cat = Catalog::new(conn).unwrap();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/procedures.jsonl.gz");
    let report = cat.import(&path, &Default::default()).unwrap();
    assert_eq!(report.added, 2642);
    cat
}

fn codes(cat: &Catalog) -> Vec<String> {
    cat.changes_since(0)
        .unwrap()
        .upserts
        .into_iter()
        .map(|p| p.code)
        .collect()
}

#[test]
fn a_commune_office_browses_the_communes_fields_in_its_order() {
    let conn = Connection::open_in_memory().unwrap();
    let cat = national(&conn);
    let scope = OfficeScope::default();
    let fields = cat.office_fields(&scope).unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        &names[..3],
        ["Hộ tịch", "Chứng thực", "Đất đai"],
        "the default order first: {names:?}"
    );
    // The national data lists 124 customs and 111 tax procedures at commune level (the
    // agencies' local offices): not the commune's one-stop shop.
    for other in [
        "Hải quan",
        "Thuế",
        "Kho bạc Nhà nước",
        "Thực hiện chính sách BHXH",
    ] {
        assert!(!names.contains(&other), "{other} in {names:?}");
    }
    // Shipping has commune procedures (boat registration) but does not head the list.
    let shipping = names
        .iter()
        .position(|n| *n == "Hàng hải và đường thủy nội địa")
        .expect("shipping has commune procedures");
    assert!(shipping >= 15, "shipping at {shipping}: {names:?}");
    // Counts are of commune procedures only: Hộ tịch has 41 at commune level (a couple more
    // at province level only).
    assert_eq!(fields[0].count, 41, "{:?}", fields[0]);
    // After the office's order: most procedures first.
    let rest = &fields[15..];
    assert!(
        rest.windows(2).all(|w| w[0].count >= w[1].count),
        "{rest:?}"
    );
    // Every field listed has a procedure the commune handles, and browsing it finds only those.
    let land = cat
        .search(&SearchRequest {
            field: Some("dat dai".into()),
            limit: 500,
            office: Some(scope.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(land.len(), 17, "commune land procedures");
    assert!(land
        .iter()
        .all(|h| h.levels.iter().any(|l| l == "commune") && h.handled_at.is_none()));
}

#[test]
fn a_province_office_browses_the_provinces_fields() {
    let conn = Connection::open_in_memory().unwrap();
    let cat = national(&conn);
    let scope = OfficeScope::new(OfficeLevel::Province);
    let fields = cat.office_fields(&scope).unwrap();
    let land = fields.iter().find(|f| f.field == "Đất đai").unwrap();
    assert_eq!(land.count, 32, "province land procedures");
    assert!(fields.iter().all(|f| f.field != "Hải quan"));
    // Commune-only fields are not the province's.
    assert!(fields.iter().all(|f| f.field != "Đăng ký, quản lý cư trú"));
}

#[test]
fn a_search_finds_other_levels_and_says_where_they_are_handled() {
    let conn = Connection::open_in_memory().unwrap();
    let cat = national(&conn);
    let search = |q: &str| {
        cat.search(&SearchRequest {
            q: q.into(),
            own_levels: vec!["commune".into()],
            office: Some(OfficeScope::default()),
            limit: 10,
            ..Default::default()
        })
        .unwrap()
    };
    let khai_sinh = search("khai sinh");
    assert_eq!(khai_sinh[0].code, "1.001193");
    assert_eq!(khai_sinh[0].handled_at, None, "the commune's own");
    // Cấp đổi sổ đỏ is a province procedure (land registration office).
    let so_do = search("cap doi so do");
    let so_do = so_do.iter().find(|h| h.code == "1.012783").expect("found");
    assert_eq!(so_do.handled_at, Some(HandledAt::Province));
    let customs = search("thu tuc hai quan doi voi hang hoa xuat khau");
    let commune_customs = customs
        .iter()
        .find(|h| h.field == "Hải quan" && h.levels == ["commune"])
        .expect("a commune-level customs procedure");
    assert_eq!(commune_customs.handled_at, Some(HandledAt::Agency));
    // Without an office, no note.
    let plain = cat.search(&SearchRequest::query("cap doi so do")).unwrap();
    assert_eq!(plain[0].handled_at, None);
}

#[test]
fn every_document_of_the_national_data_has_a_short_plain_title() {
    let conn = Connection::open_in_memory().unwrap();
    let cat = national(&conn);
    let mut n = 0;
    let mut shortened = 0;
    for code in codes(&cat) {
        let p = cat.get(&code).unwrap().unwrap();
        for d in &p.documents {
            n += 1;
            let t = &d.short_title;
            assert!(!t.trim().is_empty(), "{code}: empty title for {:?}", d.name);
            assert!(
                t.chars().count() <= SHORT_TITLE_MAX_CHARS,
                "{code}: {t:?} is {} characters",
                t.chars().count()
            );
            assert_eq!(*t, motcua_core::text::nfc(t), "{code}: NFC");
            assert_eq!(t.trim(), t, "{code}: {t:?} trimmed");
            assert!(
                t.starts_with(|c: char| !c.is_lowercase()),
                "{code}: {t:?} starts upper case"
            );
            if t != &d.name {
                shortened += 1;
            }
        }
    }
    assert_eq!(n, 15021, "documents in the national data");
    assert!(shortened > 12_000, "{shortened} of {n} shortened");
    let docs = |code: &str| -> Vec<String> {
        cat.get(code)
            .unwrap()
            .unwrap()
            .documents
            .into_iter()
            .map(|d| d.short_title)
            .collect()
    };
    let khai_sinh = docs("1.001193");
    for want in [
        "Giấy chứng sinh",
        "Tờ khai đăng ký khai sinh",
        "Giấy tờ tùy thân",
        "Văn bản ủy quyền",
        "Nếu trẻ em bị bỏ rơi: biên bản về việc trẻ bị bỏ rơi",
    ] {
        assert!(
            khai_sinh.iter().any(|t| t == want),
            "{want} in {khai_sinh:?}"
        );
    }
    assert!(docs("1.000894")
        .iter()
        .any(|t| t == "Tờ khai đăng ký kết hôn"));
    assert!(docs("1.004222")
        .iter()
        .any(|t| t == "Tờ khai thay đổi thông tin cư trú"));
    assert!(docs("1.001612")
        .iter()
        .any(|t| t == "Giấy đề nghị đăng ký hộ kinh doanh"));
    // The official text stays as published.
    let p = cat.get("1.001193").unwrap().unwrap();
    assert!(p.documents.iter().any(|d| d
        .name
        .starts_with("Giấy chứng sinh; trường hợp không có Giấy chứng sinh")));
}
