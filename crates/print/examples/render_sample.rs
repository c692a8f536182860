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

    // Issued offline: the wait is not known.
    let mut o = t.clone();
    o.offline = true;
    o.number = "A1-007".into();
    std::fs::write(dir.join("offline.pdf"), render_ticket(&o, Format::Pdf)?)?;
    std::fs::write(dir.join("offline.png"), render_ticket(&o, Format::Png)?)?;

    // The receipt: filed online (a confirmation, a paper still to hand in), then accepted.
    use motcua_print::{render_receipt, PageSize, ReceiptFormat};
    let mut d = motcua_print::sample_dossier();
    for (format, name) in [
        (ReceiptFormat::Pdf(PageSize::A4), "receipt-a4.pdf"),
        (ReceiptFormat::Pdf(PageSize::A5), "receipt-a5.pdf"),
        (ReceiptFormat::ThermalPng, "receipt80.png"),
    ] {
        std::fs::write(dir.join(name), render_receipt(&d, format)?)?;
    }
    d.status = motcua_core::dossier::DossierStatus::Received;
    std::fs::write(
        dir.join("receipt-accepted.pdf"),
        render_receipt(&d, ReceiptFormat::Pdf(PageSize::A4))?,
    )?;
    std::fs::write(
        dir.join("receipt-accepted80.png"),
        render_receipt(&d, ReceiptFormat::ThermalPng)?,
    )?;
    // A fee but no account to pay it to: paid at the counter.
    d.payment = None;
    std::fs::write(
        dir.join("receipt-fee-at-counter.pdf"),
        render_receipt(&d, ReceiptFormat::Pdf(PageSize::A4))?,
    )?;
    Ok(())
}
