//! The dossier receipt: dossier JSON in hand → bytes ready. Targets (issue 5): the A4 PDF in
//! ≤ 50 ms and ≤ 100 KB.

use criterion::{criterion_group, criterion_main, Criterion};
use motcua_print::{render_receipt, sample_dossier, PageSize, Paper, ReceiptFormat};
use std::hint::black_box;

fn receipt(c: &mut Criterion) {
    let d = sample_dossier();
    let pdf = render_receipt(&d, ReceiptFormat::Pdf(PageSize::A4)).unwrap();
    eprintln!("receipt A4 PDF: {} bytes", pdf.len());
    c.bench_function("receipt A4 PDF", |b| {
        b.iter(|| render_receipt(black_box(&d), ReceiptFormat::Pdf(PageSize::A4)).unwrap())
    });
    c.bench_function("receipt 80 mm ESC/POS", |b| {
        b.iter(|| render_receipt(black_box(&d), ReceiptFormat::EscPos(Paper::Mm80)).unwrap())
    });
}

criterion_group!(benches, receipt);
criterion_main!(benches);
