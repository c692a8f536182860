//! The kiosk's own SQLite file: the last known services (so numbers can be handed out while the
//! office server is unreachable), the kiosk-local number sequence, and the outbox of tickets
//! issued offline until the server has acknowledged them.
//!
//! Nothing here is personal data: a queue ticket is a service, a priority category, a number
//! and a time. Every write is durable before it returns (WAL, `synchronous=FULL`): a ticket the
//! screen shows is on disk first.

use chrono::{DateTime, Utc};
use motcua_core::time::{office_day, rfc3339_vn};
use motcua_core::{Priority, Service};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::Mutex;

const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE services_cache (
        id         TEXT PRIMARY KEY,
        sort_order INTEGER NOT NULL,
        json       TEXT NOT NULL
    ) STRICT;

    -- Last offline number handed out per service and office day (local date).
    CREATE TABLE offline_seq (
        service_id TEXT NOT NULL,
        office_day TEXT NOT NULL,
        last_seq   INTEGER NOT NULL CHECK (last_seq > 0),
        PRIMARY KEY (service_id, office_day)
    ) STRICT, WITHOUT ROWID;

    -- Tickets issued offline, in issue order (rowid), until the server acknowledges them.
    -- `rejected` holds the server's message when it refused one (kept for staff, not resent).
    CREATE TABLE outbox_tickets (
        n          INTEGER PRIMARY KEY AUTOINCREMENT,
        local_id   TEXT NOT NULL UNIQUE CHECK (length(local_id) = 32),
        service_id TEXT NOT NULL,
        priority   TEXT NOT NULL,
        number     TEXT NOT NULL,
        issued_at  TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        rejected   TEXT
    ) STRICT;
"#,
    r#"
    -- Online filings written before they are sent, replayed after a crash or an outage with
    -- the same Idempotency-Key (the server files each key once). A row leaves when the server
    -- acknowledges it (secure_delete zeroes its pages; the WAL is truncated). `rejected` holds
    -- the server's message when it refused one.
    CREATE TABLE outbox_dossiers (
        n          INTEGER PRIMARY KEY AUTOINCREMENT,
        idem_key   TEXT NOT NULL UNIQUE,
        request    TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        rejected   TEXT
    ) STRICT;
"#,
];

/// A ticket issued while the office server was unreachable, as kept in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineTicket {
    /// 32 lowercase hex digits; becomes the ticket's id on the server.
    pub local_id: String,
    pub service_id: String,
    pub priority: Priority,
    /// `A1-007`: service prefix, kiosk number, dash, daily sequence.
    pub number: String,
    /// RFC 3339 in office time.
    pub issued_at: String,
}

/// The outbox for staff: how much waits and since when, nothing personal.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct OutboxSummary {
    pub tickets_pending: u32,
    pub tickets_rejected: u32,
    /// When the oldest pending ticket was issued (RFC 3339).
    pub oldest_ticket: Option<String>,
    pub dossiers_pending: u32,
    pub dossiers_rejected: u32,
    /// When the oldest pending filing was written (RFC 3339).
    pub oldest_dossier: Option<String>,
}

/// The kiosk's local database.
pub struct LocalStore {
    conn: Mutex<Connection>,
}

impl LocalStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub fn open(path: &Path) -> rusqlite::Result<LocalStore> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Deleted rows (acknowledged filings with a citizen's data) are overwritten, not left
        // in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: usize = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        }
        tx.commit()?;
        Ok(LocalStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the cached services with the server's current list.
    pub fn save_services(&self, services: &[Service]) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM services_cache", [])?;
        for (i, s) in services.iter().enumerate() {
            let json = serde_json::to_string(s).expect("a service serializes");
            tx.execute(
                "INSERT INTO services_cache (id, sort_order, json) VALUES (?1, ?2, ?3)",
                params![s.id, i as i64, json],
            )?;
        }
        tx.commit()
    }

    /// Writes a filing to the outbox, durably, before it is sent.
    pub fn put_dossier(
        &self,
        idem_key: &str,
        request_json: &str,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO outbox_dossiers (idem_key, request, created_at) VALUES (?1, ?2, ?3)",
            params![idem_key, request_json, now],
        )?;
        Ok(())
    }

    /// Filings not yet acknowledged nor refused, oldest first: (key, request JSON).
    pub fn pending_dossiers(&self) -> rusqlite::Result<Vec<(String, String)>> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT idem_key, request FROM outbox_dossiers WHERE rejected IS NULL ORDER BY n",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// The server has the filing: it leaves the kiosk's disk (row zeroed, WAL truncated).
    pub fn remove_dossier(&self, idem_key: &str) -> rusqlite::Result<()> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM outbox_dossiers WHERE idem_key = ?1",
            [idem_key],
        )?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The server refused the filing: kept for staff with the reason, not resent. What the
    /// citizen entered leaves the kiosk's disk now (only the procedure code stays; row zeroed,
    /// WAL truncated): a refused filing cannot be sent again from here anyway, and the citizen
    /// whose sign-in ended meanwhile files again.
    pub fn reject_dossier(&self, idem_key: &str, reason: &str) -> rusqlite::Result<()> {
        let conn = self.conn();
        conn.execute(
            "UPDATE outbox_dossiers SET rejected = ?2, attempts = attempts + 1,
                 request = CASE WHEN json_valid(request)
                     THEN json_object('procedure_code', json_extract(request, '$.procedure_code'))
                     ELSE '{}' END
             WHERE idem_key = ?1",
            params![idem_key, reason],
        )?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The services last seen on the server, in their display order.
    pub fn cached_services(&self) -> rusqlite::Result<Vec<Service>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT json FROM services_cache ORDER BY sort_order")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            if let Ok(s) = serde_json::from_str(&json?) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Hands out the next offline number of `service` for the office day of `now` and writes
    /// the ticket to the outbox, in one durable transaction.
    pub fn issue_offline(
        &self,
        service: &Service,
        priority: Priority,
        kiosk_number: u32,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<OfflineTicket> {
        let day = office_day(now).to_string();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq: u32 = tx.query_row(
            "INSERT INTO offline_seq (service_id, office_day, last_seq) VALUES (?1, ?2, 1)
             ON CONFLICT (service_id, office_day) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq",
            params![service.id, day],
            |r| r.get(0),
        )?;
        let t = OfflineTicket {
            local_id: uuid::Uuid::new_v4().simple().to_string(),
            service_id: service.id.clone(),
            priority,
            number: offline_number(&service.prefix, kiosk_number, seq),
            issued_at: rfc3339_vn(now),
        };
        tx.execute(
            "INSERT INTO outbox_tickets (local_id, service_id, priority, number, issued_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                t.local_id,
                t.service_id,
                t.priority.as_str(),
                t.number,
                t.issued_at
            ],
        )?;
        tx.commit()?;
        Ok(t)
    }

    /// Offline tickets not yet acknowledged nor refused, in issue order.
    pub fn pending(&self) -> rusqlite::Result<Vec<OfflineTicket>> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT local_id, service_id, priority, number, issued_at FROM outbox_tickets
             WHERE rejected IS NULL ORDER BY n",
        )?;
        let rows = st.query_map([], |r| {
            Ok(OfflineTicket {
                local_id: r.get(0)?,
                service_id: r.get(1)?,
                priority: r.get::<_, String>(2)?.parse().unwrap_or_default(),
                number: r.get(3)?,
                issued_at: r.get(4)?,
            })
        })?;
        rows.collect()
    }

    /// How many offline tickets wait to be sent, and how many the server refused.
    pub fn outbox_counts(&self) -> rusqlite::Result<(u32, u32)> {
        self.conn().query_row(
            "SELECT COUNT(*) FILTER (WHERE rejected IS NULL), COUNT(*) FILTER (WHERE rejected IS NOT NULL)
             FROM outbox_tickets",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// What waits in both outboxes, for staff: counts and the oldest times, nothing personal.
    pub fn outbox_summary(&self) -> rusqlite::Result<OutboxSummary> {
        let conn = self.conn();
        let (tickets_pending, tickets_rejected, oldest_ticket) = conn.query_row(
            "SELECT COUNT(*) FILTER (WHERE rejected IS NULL), COUNT(*) FILTER (WHERE rejected IS NOT NULL),
                    MIN(issued_at) FILTER (WHERE rejected IS NULL)
             FROM outbox_tickets",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let (dossiers_pending, dossiers_rejected, oldest_dossier) = conn.query_row(
            "SELECT COUNT(*) FILTER (WHERE rejected IS NULL), COUNT(*) FILTER (WHERE rejected IS NOT NULL),
                    MIN(created_at) FILTER (WHERE rejected IS NULL)
             FROM outbox_dossiers",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(OutboxSummary {
            tickets_pending,
            tickets_rejected,
            oldest_ticket,
            dossiers_pending,
            dossiers_rejected,
            oldest_dossier,
        })
    }

    /// Waiting offline tickets of `service_id` issued on the office day of `now`.
    pub fn pending_for(&self, service_id: &str, now: DateTime<Utc>) -> rusqlite::Result<u32> {
        let day = office_day(now).to_string();
        self.conn().query_row(
            "SELECT COUNT(*) FROM outbox_tickets
             WHERE rejected IS NULL AND service_id = ?1 AND substr(issued_at, 1, 10) = ?2",
            params![service_id, day],
            |r| r.get(0),
        )
    }

    /// The server has the ticket: it leaves the outbox.
    pub fn acknowledge(&self, local_id: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "DELETE FROM outbox_tickets WHERE local_id = ?1",
            params![local_id],
        )?;
        Ok(())
    }

    /// One more attempt to send this ticket failed (network).
    pub fn note_attempt(&self, local_id: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE outbox_tickets SET attempts = attempts + 1 WHERE local_id = ?1",
            params![local_id],
        )?;
        Ok(())
    }

    /// The server refused the ticket for good (its message is kept for staff).
    pub fn reject(&self, local_id: &str, reason: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE outbox_tickets SET rejected = ?2 WHERE local_id = ?1",
            params![local_id, reason],
        )?;
        Ok(())
    }

    /// An offline ticket by its local id, if it is still in the outbox.
    pub fn find(&self, local_id: &str) -> rusqlite::Result<Option<OfflineTicket>> {
        self.conn()
            .query_row(
                "SELECT local_id, service_id, priority, number, issued_at FROM outbox_tickets
                 WHERE local_id = ?1",
                params![local_id],
                |r| {
                    Ok(OfflineTicket {
                        local_id: r.get(0)?,
                        service_id: r.get(1)?,
                        priority: r.get::<_, String>(2)?.parse().unwrap_or_default(),
                        number: r.get(3)?,
                        issued_at: r.get(4)?,
                    })
                },
            )
            .optional()
    }
}

/// Display form of an offline number: `A1-007` (service prefix, kiosk number, dash, sequence
/// zero-padded to 3). Server numbers never contain a dash, so the two never collide.
pub fn offline_number(prefix: &str, kiosk_number: u32, seq: u32) -> String {
    format!("{prefix}{kiosk_number}-{seq:03}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn service(id: &str, prefix: &str) -> Service {
        Service {
            id: id.into(),
            prefix: prefix.into(),
            name_vi: "Hộ tịch".into(),
            name_en: "Civil status".into(),
            open: true,
            waiting: 2,
            estimated_wait_minutes: 20,
        }
    }

    #[test]
    fn offline_numbers_count_per_service_and_day_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let a = service("ho-tich", "A");
        let b = service("dat-dai", "B");
        // 23:59 and 00:01 office time (UTC+7) are different office days.
        let late = Utc.with_ymd_and_hms(2026, 11, 22, 16, 59, 0).unwrap();
        let next_day = Utc.with_ymd_and_hms(2026, 11, 22, 17, 1, 0).unwrap();
        {
            let s = LocalStore::open(&path).unwrap();
            assert_eq!(
                s.issue_offline(&a, Priority::None, 2, late).unwrap().number,
                "A2-001"
            );
            assert_eq!(
                s.issue_offline(&a, Priority::Elderly, 2, late)
                    .unwrap()
                    .number,
                "A2-002"
            );
            assert_eq!(
                s.issue_offline(&b, Priority::None, 2, late).unwrap().number,
                "B2-001"
            );
        }
        let s = LocalStore::open(&path).unwrap();
        assert_eq!(
            s.issue_offline(&a, Priority::None, 2, late).unwrap().number,
            "A2-003"
        );
        assert_eq!(
            s.issue_offline(&a, Priority::None, 2, next_day)
                .unwrap()
                .number,
            "A2-001"
        );
        let pending = s.pending().unwrap();
        let numbers: Vec<&str> = pending.iter().map(|t| t.number.as_str()).collect();
        assert_eq!(numbers, ["A2-001", "A2-002", "B2-001", "A2-003", "A2-001"]);
        assert_eq!(pending[1].priority, Priority::Elderly);
        assert_eq!(s.pending_for("ho-tich", late).unwrap(), 3);
        assert_eq!(s.outbox_counts().unwrap(), (5, 0));
    }

    #[test]
    fn acknowledged_tickets_leave_and_refused_ones_stay_for_staff() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStore::open(&dir.path().join("k.sqlite3")).unwrap();
        let a = service("ho-tich", "A");
        let now = Utc::now();
        let t1 = s.issue_offline(&a, Priority::None, 1, now).unwrap();
        let t2 = s.issue_offline(&a, Priority::None, 1, now).unwrap();
        let t3 = s.issue_offline(&a, Priority::None, 1, now).unwrap();
        assert_eq!(t1.local_id.len(), 32);
        assert_ne!(t1.local_id, t2.local_id);
        s.acknowledge(&t1.local_id).unwrap();
        s.reject(&t2.local_id, "unknown_service").unwrap();
        s.note_attempt(&t3.local_id).unwrap();
        assert_eq!(s.pending().unwrap(), vec![t3.clone()]);
        assert_eq!(s.outbox_counts().unwrap(), (1, 1));
        assert!(s.find(&t1.local_id).unwrap().is_none());
        assert_eq!(s.find(&t3.local_id).unwrap(), Some(t3));
    }

    #[test]
    fn services_cache_keeps_the_order() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStore::open(&dir.path().join("k.sqlite3")).unwrap();
        assert!(s.cached_services().unwrap().is_empty());
        let list = vec![service("z", "Z"), service("a", "A")];
        s.save_services(&list).unwrap();
        assert_eq!(s.cached_services().unwrap(), list);
        s.save_services(&list[1..]).unwrap();
        assert_eq!(s.cached_services().unwrap(), list[1..].to_vec());
    }
}
