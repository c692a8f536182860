//! Search over the whole national dataset (2,642 procedures) with a mix of what citizens type,
//! and the import of the whole file. `examples/search_latency.rs` prints p50/p99 per query.

use criterion::{criterion_group, criterion_main, Criterion};
use motcua_catalog::{Catalog, ImportOptions, SearchRequest};
use rusqlite::Connection;
use std::path::PathBuf;
use std::time::Duration;

fn dataset() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/procedures.jsonl.gz")
}

#[path = "common/mix.rs"]
mod mix;
use mix::MIX;

fn search(c: &mut Criterion) {
    let conn = Connection::open_in_memory().unwrap();
    let cat = Catalog::new(&conn).unwrap();
    cat.import(&dataset(), &ImportOptions::default()).unwrap();
    let reqs: Vec<SearchRequest> = MIX
        .iter()
        .map(|q| SearchRequest {
            q: q.to_string(),
            own_levels: vec!["commune".into(), "province".into()],
            ..Default::default()
        })
        .collect();
    let mut g = c.benchmark_group("search");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("mix_of_24_queries", |b| {
        b.iter(|| {
            for r in &reqs {
                std::hint::black_box(cat.search(r).unwrap());
            }
        })
    });
    g.bench_function("khai_sinh", |b| b.iter(|| cat.search(&reqs[0]).unwrap()));
    g.finish();

    // Issue 13: what a hostile client sends to the office's search (docs/PERFORMANCE.md,
    // "Search under load"): 100 one-letter words (199 characters, the most the server takes),
    // and twelve ordinary words that no procedure has together (every fallback pass runs).
    let hostile = |q: String| SearchRequest {
        q,
        own_levels: vec!["commune".into(), "province".into()],
        ..Default::default()
    };
    let letters = hostile(
        (0..100u8)
            .map(|i| ((b'a' + i % 26) as char).to_string())
            .collect::<Vec<_>>()
            .join(" "),
    );
    assert_eq!(letters.q.chars().count(), 199);
    let twelve =
        hostile("xin cap giay phep xay dung nha o rieng le tai do thi va nong thon ban dem".into());
    let mut g = c.benchmark_group("search_hostile");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("one_letter_words_199_chars", |b| {
        b.iter(|| cat.search(&letters).unwrap())
    });
    g.bench_function("sixteen_words", |b| b.iter(|| cat.search(&twelve).unwrap()));
    g.finish();
}

fn import(c: &mut Criterion) {
    let mut g = c.benchmark_group("import");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("whole_file_into_empty_db", |b| {
        b.iter(|| {
            let conn = Connection::open_in_memory().unwrap();
            let cat = Catalog::new(&conn).unwrap();
            let r = cat.import(&dataset(), &ImportOptions::default()).unwrap();
            assert_eq!(r.added, 2642);
        })
    });
    g.finish();
}

criterion_group!(benches, search, import);
criterion_main!(benches);
