//! Demo data for a commune (xã) office: four services and four counters.

use motcua_core::text::nfc;
use rusqlite::{params, Connection};

/// (id, prefix, name_vi, name_en, default minutes)
pub(crate) const DEMO_SERVICES: &[(&str, &str, &str, &str, u32)] = &[
    (
        "ho-tich",
        "A",
        "Hộ tịch – Chứng thực",
        "Civil registration and certification",
        10,
    ),
    (
        "dat-dai",
        "B",
        "Đất đai – Xây dựng",
        "Land and construction",
        20,
    ),
    ("kinh-doanh", "C", "Kinh doanh", "Business registration", 15),
    (
        "lao-dong",
        "D",
        "Lao động – Thương binh – Xã hội",
        "Labour and social affairs",
        10,
    ),
];

/// (counter id, number, services served)
pub(crate) const DEMO_COUNTERS: &[(&str, u32, &[&str])] = &[
    ("quay-1", 1, &["ho-tich"]),
    ("quay-2", 2, &["ho-tich", "kinh-doanh"]),
    ("quay-3", 3, &["dat-dai"]),
    ("quay-4", 4, &["kinh-doanh", "lao-dong"]),
];

/// Inserts the demo services and counters if the database has no service yet.
/// Returns whether it seeded.
pub(crate) fn seed_demo_if_empty(conn: &mut Connection) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let n: i64 = tx.query_row("SELECT COUNT(*) FROM services", [], |r| r.get(0))?;
    if n > 0 {
        return Ok(false);
    }
    for (i, (id, prefix, vi, en, minutes)) in DEMO_SERVICES.iter().enumerate() {
        tx.execute(
            "INSERT INTO services (id, prefix, name_vi, name_en, open, default_minutes, sort_order)
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)",
            params![id, prefix, nfc(vi), nfc(en), minutes, i as i64 + 1],
        )?;
    }
    for (id, number, services) in DEMO_COUNTERS {
        tx.execute(
            "INSERT INTO counters (id, number, name) VALUES (?1, ?2, ?3)",
            params![id, number, nfc(&format!("Quầy {number}"))],
        )?;
        for s in *services {
            tx.execute(
                "INSERT INTO counter_services (counter_id, service_id) VALUES (?1, ?2)",
                params![id, s],
            )?;
        }
    }
    tx.commit()?;
    tracing::info!("seeded demo services and counters");
    Ok(true)
}
