//! Tuning aid: `cargo run -p motcua-catalog --example try -- DB "query"...` (imports
//! data/procedures.jsonl.gz into DB when it is empty) and prints the top 5 per query.
fn main() {
    let mut args = std::env::args().skip(1);
    let db = args.next().expect("DB path");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let cat = motcua_catalog::Catalog::new(&conn).unwrap();
    if cat.is_empty().unwrap() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/procedures.jsonl.gz"
        );
        let r = cat
            .import(std::path::Path::new(path), &Default::default())
            .unwrap();
        eprintln!(
            "imported {} (flagged {}, skipped {})",
            r.added,
            r.flagged,
            r.skipped.len()
        );
    }
    for q in args {
        println!("== {q}");
        let req = motcua_catalog::SearchRequest {
            q: q.clone(),
            own_levels: vec!["commune".into(), "province".into()],
            limit: 5,
            ..Default::default()
        };
        for h in cat.search(&req).unwrap() {
            println!(
                "  {:7.3} {} {} [{}]",
                h.score,
                h.code,
                h.name,
                h.levels.join(",")
            );
        }
    }
}
