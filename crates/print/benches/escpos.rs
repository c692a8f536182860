//! Kiosk tap → ESC/POS bytes ready: the time from having the ticket to having the printer
//! job, for the 80 mm printer (the common kiosk model). Target: p99 ≤ 30 ms.

use criterion::{criterion_group, criterion_main, Criterion};
use motcua_print::{render_ticket, sample_ticket, Format, Paper};
use std::hint::black_box;

fn kiosk_tap_to_escpos_bytes(c: &mut Criterion) {
    let t = sample_ticket();
    // The first call parses the fonts (cached afterwards), as the kiosk does at its first ticket.
    render_ticket(&t, Format::EscPos(Paper::Mm80)).unwrap();
    c.bench_function("kiosk tap → ESC/POS bytes ready (80 mm)", |b| {
        b.iter(|| render_ticket(black_box(&t), black_box(Format::EscPos(Paper::Mm80))).unwrap())
    });
    c.bench_function("kiosk tap → ESC/POS bytes ready (58 mm)", |b| {
        b.iter(|| render_ticket(black_box(&t), black_box(Format::EscPos(Paper::Mm58))).unwrap())
    });
}

criterion_group!(benches, kiosk_tap_to_escpos_bytes);
criterion_main!(benches);
