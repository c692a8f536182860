//! The store's issue path in process: one caller at a time (every ticket its own commit and
//! fsync) and 64 concurrent callers (group commit).

use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use motcua_core::Priority;
use motcua_office::queue::store::IssueRequest;
use motcua_office::{SqliteStore, Store, StoreOptions};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn open(dir: &tempfile::TempDir) -> Arc<SqliteStore> {
    Arc::new(SqliteStore::open(dir.path().join("bench.db"), StoreOptions::default()).unwrap())
}

fn issue(c: &mut Criterion) {
    let mut g = c.benchmark_group("issue");
    g.sample_size(20).measurement_time(Duration::from_secs(5));

    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    g.throughput(Throughput::Elements(1));
    g.bench_function("sequential", |b| {
        b.iter(|| {
            store
                .issue_ticket(IssueRequest::new("ho-tich", Priority::None), Utc::now())
                .unwrap()
        })
    });

    const CLIENTS: u64 = 64;
    const PER_CLIENT: u64 = 20;
    g.throughput(Throughput::Elements(CLIENTS * PER_CLIENT));
    g.bench_function("64_concurrent_x20", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                std::thread::scope(|s| {
                    for _ in 0..CLIENTS {
                        s.spawn(|| {
                            for _ in 0..PER_CLIENT {
                                store
                                    .issue_ticket(
                                        IssueRequest::new("dat-dai", Priority::None),
                                        Utc::now(),
                                    )
                                    .unwrap();
                            }
                        });
                    }
                });
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, issue);
criterion_main!(benches);
