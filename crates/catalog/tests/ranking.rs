//! Ranking on the real national dataset (data/procedures.jsonl.gz, 2,642 procedures) with
//! queries written the way citizens type them: no accents, typos, raw Telex, codes.

use motcua_catalog::{Catalog, SearchRequest};
use rusqlite::Connection;

fn dataset() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/procedures.jsonl.gz")
}

/// (query, expected code, must be within the first N)
const QUERIES: &[(&str, &str, usize)] = &[
    ("khai sinh", "1.001193", 1),
    ("Khai Sinh", "1.001193", 1),
    ("khai si", "1.001193", 1),
    ("đăng ký khai sinh", "1.001193", 1),
    ("dang ky khai sinh", "1.001193", 1),
    ("khai sinhh", "1.001193", 1),
    ("khia sinh", "1.001193", 3),
    ("ddawng kys khai sinh", "1.001193", 1),
    ("d9a8ng ky1 khai sinh", "1.001193", 1),
    ("khai tu", "1.000656", 1),
    ("khai tử", "1.000656", 1),
    ("ket hon", "1.000894", 1),
    ("dang ky ket hon", "1.000894", 1),
    ("ket hônn", "1.000894", 1),
    ("ddawng kys keets hoon", "1.000894", 1),
    ("xac nhan tinh trang hon nhan", "1.004873", 1),
    ("xac nhan hon nhan", "1.004873", 1),
    ("giay xac nhan tinh trang hon nhan", "1.004873", 1),
    ("chung thuc ban sao", "2.000815", 1),
    ("ho kinh doanh", "1.001612", 3),
    ("thanh lap ho kinh doanh", "1.001612", 1),
    ("thuong tru", "1.004222", 1),
    ("dang ky thuong tru", "1.004222", 1),
    ("thuờng trú", "1.004222", 1),
    ("tam tru", "1.004194", 3),
    ("dang ky tam tru", "1.004194", 1),
    ("giay phep xay dung", "1.013225", 5),
    ("cap doi so do", "1.012783", 1),
    ("cap lai can cuoc", "1.014064", 1),
    ("cmnd", "1.014063", 3),
    ("nhan cha me con", "1.001022", 1),
    ("khai sinh luu dong", "1.003583", 1),
    ("khai sinh nuoc ngoai", "2.000528", 1),
    ("ket hon yeu to nuoc ngoai", "2.000806", 1),
    ("trich luc khai sinh", "2.000635", 1),
    ("hoa giai tranh chap dat dai", "1.012812", 1),
    ("1.001193", "1.001193", 1),
    ("001193", "1.001193", 1),
    ("1.000894", "1.000894", 1),
    ("khai t", "1.000656", 3),
];

#[test]
fn citizens_queries_find_what_they_mean() {
    let conn = Connection::open_in_memory().unwrap();
    let cat = Catalog::new(&conn).unwrap();
    let report = cat.import(&dataset(), &Default::default()).unwrap();
    assert_eq!(report.added, 2642, "{:?}", report.skipped);
    let mut failures = Vec::new();
    for (q, code, within) in QUERIES {
        let req = SearchRequest {
            q: q.to_string(),
            own_levels: vec!["commune".into(), "province".into()],
            limit: 10,
            ..Default::default()
        };
        let hits = cat.search(&req).unwrap();
        let rank = hits.iter().position(|h| h.code == *code);
        if rank.is_none_or(|r| r >= *within) {
            let top: Vec<_> = hits
                .iter()
                .take(5)
                .map(|h| format!("{} {}", h.code, h.name))
                .collect();
            failures.push(format!(
                "{q:?}: {code} at {rank:?}, want < {within}; top: {top:#?}"
            ));
        }
        // Scores come sorted.
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "{q}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The plain procedure ahead of its variants.
    let hits = cat.search(&SearchRequest::query("khai sinh")).unwrap();
    let at = |c: &str| hits.iter().position(|h| h.code == c).unwrap_or(usize::MAX);
    for variant in ["1.003583", "2.000528", "1.000689"] {
        assert!(at("1.001193") < at(variant), "1.001193 before {variant}");
    }

    // A commune office: its own level first.
    let req = SearchRequest {
        q: "giay phep xay dung".into(),
        own_levels: vec!["commune".into()],
        ..Default::default()
    };
    assert_eq!(cat.search(&req).unwrap()[0].code, "1.013225");
    // Own levels outrank the others: the ministry's "thẻ căn cước" after the commune's.
    let req = SearchRequest {
        q: "cap lai the can cuoc".into(),
        own_levels: vec!["ministry".into()],
        ..Default::default()
    };
    assert_eq!(cat.search(&req).unwrap()[0].code, "1.000757");

    // Filters.
    let req = SearchRequest {
        q: "can cuoc".into(),
        level: Some("province".into()),
        limit: 50,
        ..Default::default()
    };
    let hits = cat.search(&req).unwrap();
    assert!(!hits.is_empty());
    assert!(hits
        .iter()
        .all(|h| h.levels.iter().any(|l| l == "province")));
    let req = SearchRequest {
        q: "khai sinh".into(),
        field: Some("hộ tịch".into()),
        online: Some(true),
        limit: 50,
        ..Default::default()
    };
    let hits = cat.search(&req).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.field == "Hộ tịch" && h.has_online));
    // Browse a field without words.
    let req = SearchRequest {
        field: Some("Hộ tịch".into()),
        limit: 500,
        ..Default::default()
    };
    let n = cat.search(&req).unwrap().len();
    let fields = cat.fields(None).unwrap();
    let hotich = fields.iter().find(|f| f.field == "Hộ tịch").unwrap();
    assert_eq!(n, hotich.count as usize);
    assert_eq!(fields.iter().map(|f| f.count as usize).sum::<usize>(), 2642);
    // Search by field name.
    let hits = cat.search(&SearchRequest::query("ho tich")).unwrap();
    assert!(hits.iter().take(5).all(|h| h.field == "Hộ tịch"));
    // Nothing for nonsense; nothing for an empty query without filters.
    assert!(cat
        .search(&SearchRequest::query("zzqxv"))
        .unwrap()
        .is_empty());
    assert!(cat.search(&SearchRequest::query("  ")).unwrap().is_empty());
    // FTS syntax in the query is just text.
    cat.search(&SearchRequest::query("khai\" OR sinh* NEAR("))
        .unwrap();
}

/// Issue 13: a query is searched with its first 12 words, and at most 3 one-letter words; the
/// rest are left out (not refused): what a citizen meant comes first all the same.
#[test]
fn long_queries_are_searched_with_their_first_words() {
    use motcua_catalog::{query_words, MAX_ONE_LETTER_WORDS, MAX_QUERY_WORDS};
    assert_eq!((MAX_QUERY_WORDS, MAX_ONE_LETTER_WORDS), (12, 3));
    // 100 one-letter words, 199 characters: three are kept.
    let letters: Vec<String> = (0..100u8)
        .map(|i| ((b'a' + i % 26) as char).to_string())
        .collect();
    let (kept, dropped) = query_words(&letters.join(" "));
    assert_eq!(
        (kept, dropped),
        (vec!["a".into(), "b".into(), "c".into()], 97)
    );
    // Words as typed (NFC), one-letter ones among the others counted apart.
    let (kept, dropped) = query_words("Đăng ký xe ô tô, a b c d e");
    assert_eq!(kept, ["Đăng", "ký", "xe", "ô", "tô", "a", "b"]);
    assert_eq!(dropped, 3);
    let many = "dang ky khai sinh cho con tai uy ban nhan dan xa theo quy dinh moi";
    let (kept, dropped) = query_words(many);
    assert_eq!((kept.len(), dropped), (12, 4));
    assert_eq!(
        query_words("1.001193"),
        (vec!["1".into(), "001193".into()], 0)
    );

    let conn = Connection::open_in_memory().unwrap();
    let cat = Catalog::new(&conn).unwrap();
    cat.import(&dataset(), &Default::default()).unwrap();
    let search = |q: &str| {
        cat.search(&SearchRequest {
            q: q.into(),
            own_levels: vec!["commune".into(), "province".into()],
            ..Default::default()
        })
        .unwrap()
    };
    // The same results as the words kept, typed alone.
    let codes = |h: Vec<motcua_catalog::Hit>| h.into_iter().map(|h| h.code).collect::<Vec<_>>();
    assert_eq!(
        codes(search(&format!("{many} ")))[..5],
        codes(search(&format!("{} ", kept.join(" "))))[..5]
    );
    assert_eq!(search(many)[0].code, "1.001193", "what the citizen meant");
    // The 199 one-letter characters: searched as "a b c", not refused.
    assert_eq!(codes(search(&letters.join(" "))), codes(search("a b c ")));
    // Words left out at the end: the last kept word is whole, not a prefix being typed.
    let tail = format!("dang ky khai sinh {}", "x ".repeat(20).trim_end());
    assert_eq!(
        codes(search(&tail)),
        codes(search("dang ky khai sinh x x x "))
    );
}
