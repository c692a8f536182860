//! Per-call latency distribution of "kiosk tap → ESC/POS bytes ready" (criterion reports means;
//! the target is on the 99th percentile).
//!
//! `cargo run --release -p motcua-print --example latency`

use motcua_print::{render_ticket, sample_ticket, Format, Paper};
use std::time::Instant;

fn main() {
    let t = sample_ticket();
    for paper in [Paper::Mm80, Paper::Mm58] {
        let first = Instant::now();
        render_ticket(&t, Format::EscPos(paper)).unwrap();
        let first = first.elapsed();
        let mut us: Vec<u128> = (0..2000)
            .map(|_| {
                let s = Instant::now();
                std::hint::black_box(render_ticket(&t, Format::EscPos(paper)).unwrap());
                s.elapsed().as_micros()
            })
            .collect();
        us.sort_unstable();
        let pct = |p: f64| us[((us.len() as f64 * p) as usize).min(us.len() - 1)] as f64 / 1000.0;
        println!(
            "{paper:?}: first call {:.2} ms (font parse), p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            first.as_secs_f64() * 1000.0,
            pct(0.50),
            pct(0.99),
            us[us.len() - 1] as f64 / 1000.0
        );
    }
    let s = Instant::now();
    let pdf = render_ticket(&t, Format::Pdf).unwrap();
    let first_pdf = s.elapsed();
    let s = Instant::now();
    render_ticket(&t, Format::Pdf).unwrap();
    println!(
        "PDF ({} bytes): first {:.1} ms, then {:.1} ms",
        pdf.len(),
        first_pdf.as_secs_f64() * 1000.0,
        s.elapsed().as_secs_f64() * 1000.0
    );
}
