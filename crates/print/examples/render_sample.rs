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
    let c = motcua_print::sample_checklist();
    for (format, name) in [
        (Format::Pdf, "checklist-a5.pdf"),
        (Format::Png, "checklist.png"),
    ] {
        let bytes = motcua_print::render_checklist(&c, format)?;
        std::fs::write(dir.join(name), &bytes)?;
        println!("{name}: {} bytes", bytes.len());
    }
    let b58 = motcua_print::ticket_bitmap(&t, Paper::Mm58);
    std::fs::write(dir.join("ticket58.png"), b58.to_png()?)?;
    std::fs::write(dir.join("qr.svg"), motcua_print::qr_svg(&t.status_url))?;

    // An edge case: long names, a 5-character number, no priority, no wait.
    let mut e = t.clone();
    e.number = "B1234".into();
    e.priority = motcua_core::Priority::None;
    e.estimated_wait_minutes = 0;
    e.people_ahead = 0;
    e.office_name =
        Some("Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế — Điểm tiếp nhận số 2".into());
    e.service_name_vi = Some(
        "Cấp đổi giấy phép lái xe, đăng ký quyền sử dụng đất và tài sản gắn liền với đất".into(),
    );
    e.service_name_en = None;
    std::fs::write(dir.join("edge.pdf"), render_ticket(&e, Format::Pdf)?)?;
    std::fs::write(
        dir.join("edge58.png"),
        motcua_print::ticket_bitmap(&e, Paper::Mm58).to_png()?,
    )?;
    Ok(())
}
