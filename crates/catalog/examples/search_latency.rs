//! Search latency over the whole national dataset: p50 / p99 / max per query of a mix of what
//! citizens type, each run many times, on a real SQLite file (WAL), plus the import time.
//!
//! `cargo run --release -p motcua-catalog --example search_latency [ROUNDS]`

use motcua_catalog::{Catalog, ImportOptions, SearchRequest};
use std::time::{Duration, Instant};

#[path = "../benches/common/mix.rs"]
mod mix;
use mix::MIX;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    // Optional: only these queries (profiling one).
    let only: Vec<String> = std::env::args().skip(2).collect();
    let dir = std::env::temp_dir().join(format!("motcua-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conn = rusqlite::Connection::open(dir.join("catalog.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    let cat = Catalog::new(&conn).unwrap();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/procedures.jsonl.gz");
    let t = Instant::now();
    let r = cat.import(&path, &ImportOptions::default()).unwrap();
    println!("import: {} procedures in {:.2?}", r.added, t.elapsed());
    let mut all = Vec::new();
    let mut worst: Vec<(Duration, &str)> = Vec::new();
    for q in MIX
        .iter()
        .filter(|q| only.is_empty() || only.iter().any(|o| o == *q))
    {
        let req = SearchRequest {
            q: q.to_string(),
            own_levels: vec!["commune".into(), "province".into()],
            ..Default::default()
        };
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(cat.search(&req).unwrap());
                t.elapsed()
            })
            .collect();
        times.sort();
        worst.push((pct(&times, 0.99), q));
        all.extend(times);
    }
    all.sort();
    println!(
        "search: {} queries ({} distinct x {rounds}): p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        all.len(),
        MIX.len(),
        pct(&all, 0.5),
        pct(&all, 0.99),
        all[all.len() - 1]
    );
    worst.sort();
    for (d, q) in worst.iter().rev().take(3) {
        println!("  slowest p99: {q:?} {d:.2?}");
    }
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}
