//! The citizen's status page (`/t/{id}`, the QR code on the ticket): small, UTF-8, no scripts,
//! refreshes itself every 30 seconds.

use motcua_core::{ApiError, Ticket, TicketStatus};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str =
    "body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;text-align:center;\
color:#1a1a1a;background:#fafafa}.office{font-size:1rem;color:#555}.num{font-size:5rem;\
font-weight:700;margin:.5rem 0;letter-spacing:.05em}.svc{font-size:1.2rem}.en{color:#666;\
font-size:.9rem}.ahead{font-size:1.6rem;margin:1.2rem 0 .3rem}.note{color:#666;font-size:.8rem;\
margin-top:2rem}";

fn page(title: &str, refresh: bool, body: &str) -> String {
    let refresh = if refresh {
        "<meta http-equiv=\"refresh\" content=\"30\">\n"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{refresh}\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
}

fn status_text(t: &Ticket) -> (String, String) {
    match t.status {
        TicketStatus::Waiting if t.people_ahead == 0 => (
            "Sắp đến lượt. Mời chú ý màn hình gọi số.".into(),
            "You are next. Please watch the display.".into(),
        ),
        TicketStatus::Waiting => (
            format!(
                "Còn {} người chờ trước · khoảng {} phút",
                t.people_ahead, t.estimated_wait_minutes
            ),
            format!(
                "{} people ahead of you · about {} min",
                t.people_ahead, t.estimated_wait_minutes
            ),
        ),
        TicketStatus::Called => (
            "Đã đến lượt. Mời đến quầy.".into(),
            "It is your turn. Please go to the counter.".into(),
        ),
        TicketStatus::Skipped => (
            "Số này đã được gọi nhưng bị bỏ qua. Mời hỏi cán bộ tại quầy.".into(),
            "Your number was called and skipped. Please ask a staff member.".into(),
        ),
        TicketStatus::Completed => (
            "Đã hoàn thành. Xin cảm ơn.".into(),
            "Completed. Thank you.".into(),
        ),
    }
}

/// The page for one ticket.
pub fn render(t: &Ticket) -> String {
    let (vi, en) = status_text(t);
    let office = t.office_name.as_deref().unwrap_or("");
    let svc_vi = t.service_name_vi.as_deref().unwrap_or(&t.service_id);
    let svc_en = t.service_name_en.as_deref().unwrap_or("");
    let time = t.issued_at.get(11..16).unwrap_or("");
    let body = format!(
        "<div class=\"office\">{office}</div>\n<div>Số thứ tự <span class=\"en\">/ Your number</span></div>\n\
         <div class=\"num\">{number}</div>\n<div class=\"svc\">{svc_vi}</div>\n<div class=\"en\">{svc_en}</div>\n\
         <div class=\"ahead\">{vi}</div>\n<div class=\"en\">{en}</div>\n\
         <div class=\"note\">Lấy số lúc {time} · Trang tự cập nhật mỗi 30 giây<br>Issued at {time} · This page refreshes every 30 seconds</div>",
        office = escape(office),
        number = escape(&t.number),
        svc_vi = escape(svc_vi),
        svc_en = escape(svc_en),
        vi = escape(&vi),
        en = escape(&en),
        time = escape(time),
    );
    page(&format!("{} – Số thứ tự", escape(&t.number)), true, &body)
}

/// The page shown when the ticket cannot be shown.
pub fn render_error(e: &ApiError) -> String {
    let body = format!(
        "<div class=\"ahead\">{}</div>\n<div class=\"en\">{}</div>",
        escape(&e.message_vi),
        escape(&e.message_en)
    );
    page("Không tìm thấy / Not found", false, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::Priority;

    #[test]
    fn page_is_utf8_vietnamese_refreshing_and_escaped() {
        let t = Ticket {
            id: "0".repeat(32),
            number: "A007".into(),
            service_id: "ho-tich".into(),
            priority: Priority::None,
            issued_at: "2026-11-22T08:05:00+07:00".into(),
            people_ahead: 3,
            estimated_wait_minutes: 15,
            status_url: String::new(),
            status: TicketStatus::Waiting,
            service_name_vi: Some("Hộ tịch – Chứng thực".into()),
            service_name_en: Some("Civil status".into()),
            office_name: Some("UBND xã <Test>".into()),
            offline: false,
            counters: None,
        };
        let html = render(&t);
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<html lang=\"vi\">"));
        assert!(html.contains("content=\"30\""));
        assert!(html.contains("<div class=\"num\">A007</div>"));
        assert!(html.contains("Còn 3 người chờ trước"));
        assert!(html.contains("Lấy số lúc 08:05"));
        assert!(html.contains("UBND xã &lt;Test&gt;"));
        assert!(!html.contains("<Test>"));
    }
}
