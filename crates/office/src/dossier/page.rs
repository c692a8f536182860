//! The tracking page `/d/{code}` (the receipt's QR): status and return date, in Vietnamese
//! and English, UTF-8, no scripts, nothing personal.

use crate::queue::status_page::escape;
use motcua_core::dossier::Dossier;
use motcua_core::text::thousands;
use motcua_core::ApiError;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;\
color:#1a1a1a;background:#fafafa;max-width:40rem}h1{font-size:1.3rem}.code{font-size:1.6rem;\
font-weight:700;letter-spacing:.03em}.en{color:#555;font-size:.9rem}dt{margin-top:.8rem;\
color:#555}dd{margin:0;font-size:1.15rem}.ok{color:#0a6b2d}.warn{color:#8a4b00}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
}

/// `12/03/2026`.
pub fn date_vi(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The page of one dossier. `signed`: the link's secret and signature are right.
pub fn render(d: &Dossier, signed: bool) -> String {
    let received = d
        .received_at
        .get(11..16)
        .map(|t| {
            format!(
                "{t} ngày {}",
                d.received_at.get(..10).map_or(String::new(), |s| {
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map(date_vi)
                        .unwrap_or_default()
                })
            )
        })
        .unwrap_or_default();
    // Until an officer accepts it, the dossier was submitted, and its date is an estimate.
    let (received_label, due_label) = if d.status.accepted() {
        (
            "Tiếp nhận lúc <span class=\"en\">/ Received</span>",
            "Ngày hẹn trả kết quả <span class=\"en\">/ Result due</span>",
        )
    } else {
        (
            "Nộp trực tuyến lúc <span class=\"en\">/ Submitted online</span>",
            "Ngày hẹn trả kết quả (dự kiến) <span class=\"en\">/ Result due (expected)</span>",
        )
    };
    let due = match d.due_at.as_deref().and_then(|t| t.get(11..16)) {
        Some(hm)
            if d.due_at.as_deref().and_then(|t| t.get(..10)) == Some(&d.due_date.to_string()) =>
        {
            format!("{hm} ngày {}", date_vi(d.due_date))
        }
        _ => date_vi(d.due_date),
    };
    let fee = if d.fee_vnd == 0 {
        "Không thu phí, lệ phí <span class=\"en\">/ No fee</span>".to_owned()
    } else {
        format!(
            "{} đồng <span class=\"en\">/ VND {}</span>",
            thousands(d.fee_vnd),
            thousands(d.fee_vnd).replace('.', ",")
        )
    };
    let check = if signed {
        "<p class=\"ok\">✓ Giấy biên nhận hợp lệ (có chữ ký số của cơ quan).<br><span class=\"en\">Valid receipt (signed by the office).</span></p>"
    } else {
        "<p class=\"warn\">Không kiểm tra được chữ ký của đường dẫn này.<br><span class=\"en\">This link's signature could not be checked.</span></p>"
    };
    let body = format!(
        "<div class=\"en\">{agency}</div>\n<h1>Tra cứu hồ sơ <span class=\"en\">/ Dossier status</span></h1>\n\
         <div>Mã hồ sơ <span class=\"en\">/ Dossier code</span></div>\n<div class=\"code\">{code}</div>\n\
         <dl>\n<dt>Thủ tục <span class=\"en\">/ Procedure</span></dt><dd>{proc}</dd>\n\
         <dt>Trạng thái <span class=\"en\">/ Status</span></dt><dd>{st_vi} <span class=\"en\">/ {st_en}</span></dd>\n\
         <dt>{received_label}</dt><dd>{received}</dd>\n\
         <dt>{due_label}</dt><dd>{due}</dd>\n\
         <dt>Phí, lệ phí <span class=\"en\">/ Fee</span></dt><dd>{fee}</dd>\n</dl>\n{check}",
        agency = escape(&d.agency.name),
        code = escape(&d.code),
        proc = escape(&d.procedure_name),
        st_vi = d.status.label_vi(),
        st_en = d.status.label_en(),
        received = escape(&received),
        due = escape(&due),
    );
    page(&format!("{} – Tra cứu hồ sơ", escape(&d.code)), &body)
}

/// The page when the dossier cannot be shown.
pub fn render_error(e: &ApiError) -> String {
    let body = format!(
        "<h1>{}</h1>\n<p class=\"en\">{}</p>",
        escape(&e.message_vi),
        escape(&e.message_en)
    );
    page("Không tìm thấy / Not found", &body)
}
