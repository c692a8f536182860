//! Render the built-in sample ticket in every format into a folder, to look at them.
//!
//! `cargo run -p motcua-print --example render_sample -- /tmp/tickets`

use motcua_print::{render_ticket, sample_ticket, Format, Paper};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/tmp/tickets".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let t = sample_ticket();
    for (format, name) in [
        (Format::Pdf, "ticket.pdf"),
        (Format::Png, "ticket.png"),
        (Format::EscPos(Paper::Mm80), "ticket80.escpos"),
        (Format::EscPos(Paper::Mm58), "ticket58.escpos"),
    ] {
        let bytes = render_ticket(&t, format)?;
        std::fs::write(dir.join(name), &bytes)?;
        println!("{name}: {} bytes", bytes.len());
    }
    let b58 = motcua_print::ticket_bitmap(&t, Paper::Mm58);
    std::fs::write(dir.join("ticket58.png"), b58.to_png()?)?;
    std::fs::write(dir.join("qr.svg"), motcua_print::qr_svg(&t.status_url))?;
    Ok(())
}
