//! The audit trail: every staff, device and admin action, appended in the same transaction as
//! the change it records. Each entry's hash covers the previous entry's hash and its own
//! fields (SHA-256), and ids run 1, 2, 3…, so a row altered, removed or inserted out of place
//! breaks the chain at that row ([`verify`]). Entries name who and what (a username, a device
//! name, a ticket number or dossier code), never a citizen's personal data.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acts: a staff member, a device (possibly assisted by a staff member), the command line
/// or the server itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// `staff`, `device`, `cli` or `system`.
    pub kind: &'static str,
    /// Username, device name, login name or the server part.
    pub name: String,
    /// The device the action came through (a staff member at a kiosk or counter device).
    pub device: Option<String>,
    /// The staff member assisting at a kiosk.
    pub assisted_by: Option<String>,
}

impl Actor {
    /// A signed-in staff member.
    pub fn staff(username: &str) -> Actor {
        Actor {
            kind: "staff",
            name: username.to_owned(),
            device: None,
            assisted_by: None,
        }
    }

    /// An enrolled device, assisted or not.
    pub fn device(name: &str, assisted_by: Option<&str>) -> Actor {
        Actor {
            kind: "device",
            name: name.to_owned(),
            device: Some(name.to_owned()),
            assisted_by: assisted_by.map(str::to_owned),
        }
    }

    /// The command line, run by the login `who`.
    pub fn cli(who: &str) -> Actor {
        Actor {
            kind: "cli",
            name: who.to_owned(),
            device: None,
            assisted_by: None,
        }
    }

    /// The server itself (`embedded`, `demo`, a background task).
    pub fn system(part: &str) -> Actor {
        Actor {
            kind: "system",
            name: part.to_owned(),
            device: None,
            assisted_by: None,
        }
    }
}

/// What an entry records besides its actor.
#[derive(Debug, Clone, Default)]
pub struct What<'a> {
    /// E.g. `ticket.issue`, `counter.call_next`, `staff.sign_in`, `device.revoke`.
    pub action: &'a str,
    /// `ticket`, `dossier`, `counter`, `staff`, `device`.
    pub target_kind: Option<&'a str>,
    /// The ticket number, dossier code, counter id, username or device name.
    pub target: Option<&'a str>,
    /// A short note (the counter of a call, a service transferred to); nothing personal.
    pub detail: Option<&'a str>,
}

pub use motcua_core::staff::AuditEntry;

fn hash_of(e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let opt = |h: &mut Sha256, v: &Option<String>| match v {
        Some(s) => {
            h.update([1u8]);
            h.update(s.as_bytes());
            h.update([0x1f]);
        }
        None => h.update([0u8, 0x1f]),
    };
    h.update(e.prev_hash.as_bytes());
    h.update([0x1f]);
    h.update(e.id.to_string().as_bytes());
    h.update([0x1f]);
    for s in [&e.at, &e.actor_kind, &e.actor, &e.action] {
        h.update(s.as_bytes());
        h.update([0x1f]);
    }
    for v in [
        &e.device,
        &e.assisted_by,
        &e.target_kind,
        &e.target,
        &e.detail,
    ] {
        opt(&mut h, v);
    }
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// Appends one entry. Call it inside the write transaction of the change it records (the
/// writer holds the database's write lock, so the chain's last entry cannot move under it).
pub fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: &Actor,
    what: &What,
) -> rusqlite::Result<i64> {
    // Cached statements: the ticket writer appends one entry per ticket in its batch.
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev_hash) = match last {
        Some((id, h)) => (id + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let mut e = AuditEntry {
        id,
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor_kind: actor.kind.to_owned(),
        actor: actor.name.clone(),
        device: actor.device.clone(),
        assisted_by: actor.assisted_by.clone(),
        action: what.action.to_owned(),
        target_kind: what.target_kind.map(str::to_owned),
        target: what.target.map(str::to_owned),
        detail: what.detail.map(str::to_owned),
        prev_hash,
        hash: String::new(),
    };
    e.hash = hash_of(&e);
    conn.prepare_cached(
        "INSERT INTO audit (id, at, actor_kind, actor, device, assisted_by, action, target_kind,
                            target, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        e.id,
        e.at,
        e.actor_kind,
        e.actor,
        e.device,
        e.assisted_by,
        e.action,
        e.target_kind,
        e.target,
        e.detail,
        e.prev_hash,
        e.hash
    ])?;
    Ok(id)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor_kind: r.get(2)?,
        actor: r.get(3)?,
        device: r.get(4)?,
        assisted_by: r.get(5)?,
        action: r.get(6)?,
        target_kind: r.get(7)?,
        target: r.get(8)?,
        detail: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
    })
}

const COLUMNS: &str =
    "id, at, actor_kind, actor, device, assisted_by, action, target_kind, target, detail, prev_hash, hash";

/// The latest `limit` entries before `before` (exclusive), newest first.
pub fn list(
    conn: &Connection,
    before: Option<i64>,
    limit: u32,
) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit WHERE id < ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = st.query_map(params![before.unwrap_or(i64::MAX), limit], row)?;
    rows.collect()
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit entry {id}: {reason}")]
pub struct BadEntry {
    /// The first entry that does not hold (or the id expected where one is missing).
    pub id: i64,
    /// What is wrong with it.
    pub reason: String,
}

/// Walks the whole chain in order; the number of entries, or the first bad one.
pub fn verify(conn: &Connection) -> rusqlite::Result<Result<u64, BadEntry>> {
    let mut st = conn.prepare(&format!("SELECT {COLUMNS} FROM audit ORDER BY id"))?;
    let mut rows = st.query([])?;
    let (mut expect_id, mut prev) = (1i64, GENESIS.to_owned());
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let e = row(r)?;
        if e.id != expect_id {
            return Ok(Err(BadEntry {
                id: expect_id,
                reason: format!("missing (the next entry is {})", e.id),
            }));
        }
        if e.prev_hash != prev {
            return Ok(Err(BadEntry {
                id: e.id,
                reason: "does not follow the entry before it (an entry was removed or replaced)"
                    .into(),
            }));
        }
        if hash_of(&e) != e.hash {
            return Ok(Err(BadEntry {
                id: e.id,
                reason: "its fields were altered after it was written".into(),
            }));
        }
        prev = e.hash;
        expect_id += 1;
        n += 1;
    }
    Ok(Ok(n))
}

fn csv_field(out: &mut String, v: &str) {
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// Every entry, oldest first, as CSV (UTF-8 with a byte-order mark, so spreadsheet programs
/// read the Vietnamese right).
pub fn csv(conn: &Connection) -> rusqlite::Result<String> {
    let mut out = String::from(
        "\u{feff}id,at,actor_kind,actor,device,assisted_by,action,target_kind,target,detail,hash\r\n",
    );
    let mut st = conn.prepare(&format!("SELECT {COLUMNS} FROM audit ORDER BY id"))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let e = row(r)?;
        let fields = [
            e.id.to_string(),
            e.at,
            e.actor_kind,
            e.actor,
            e.device.unwrap_or_default(),
            e.assisted_by.unwrap_or_default(),
            e.action,
            e.target_kind.unwrap_or_default(),
            e.target.unwrap_or_default(),
            e.detail.unwrap_or_default(),
            e.hash,
        ];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, f);
        }
        out.push_str("\r\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.db");
        crate::db::prepare(&path).unwrap();
        let conn = crate::db::open_writer(&path).unwrap();
        (dir, conn)
    }

    fn fill(conn: &Connection, n: usize) {
        let a = Actor::staff("lan.nguyen");
        for i in 0..n {
            let t = format!("A{i:03}");
            append(
                conn,
                Utc::now(),
                &a,
                &What {
                    action: "counter.call_next",
                    target_kind: Some("ticket"),
                    target: Some(&t),
                    detail: Some("quay-1"),
                },
            )
            .unwrap();
        }
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let (_d, conn) = db();
        assert_eq!(verify(&conn).unwrap(), Ok(0));
        fill(&conn, 5);
        assert_eq!(verify(&conn).unwrap(), Ok(5));
        let latest = list(&conn, None, 2).unwrap();
        assert_eq!(latest.iter().map(|e| e.id).collect::<Vec<_>>(), [5, 4]);
        assert_eq!(latest[1].hash, list(&conn, Some(5), 1).unwrap()[0].hash);
    }

    #[test]
    fn an_altered_field_is_caught_at_its_row() {
        let (_d, conn) = db();
        fill(&conn, 5);
        conn.execute("UPDATE audit SET target = 'A999' WHERE id = 3", [])
            .unwrap();
        let bad = verify(&conn).unwrap().unwrap_err();
        assert_eq!(bad.id, 3, "{bad}");
        assert!(bad.reason.contains("altered"), "{bad}");
    }

    #[test]
    fn a_removed_or_rewritten_row_is_caught() {
        let (_d, conn) = db();
        fill(&conn, 5);
        conn.execute("DELETE FROM audit WHERE id = 2", []).unwrap();
        assert_eq!(verify(&conn).unwrap().unwrap_err().id, 2);
        // Renumbering to hide the gap breaks the next link instead.
        conn.execute("UPDATE audit SET id = id - 1 WHERE id > 2", [])
            .unwrap();
        let bad = verify(&conn).unwrap().unwrap_err();
        assert_eq!(bad.id, 2, "{bad}");
        // A rehashed row (the attacker recomputes its own hash) no longer links to the next.
        let (_d2, conn) = db();
        fill(&conn, 4);
        conn.execute("UPDATE audit SET actor = 'someone' WHERE id = 2", [])
            .unwrap();
        let mut e = list(&conn, Some(3), 1).unwrap().remove(0);
        e.hash = hash_of(&e);
        conn.execute("UPDATE audit SET hash = ?1 WHERE id = 2", [&e.hash])
            .unwrap();
        assert_eq!(verify(&conn).unwrap().unwrap_err().id, 3);
    }

    #[test]
    fn csv_quotes_what_needs_it_and_keeps_vietnamese() {
        let (_d, conn) = db();
        append(
            &conn,
            Utc::now(),
            &Actor::cli("root"),
            &What {
                action: "staff.add",
                target_kind: Some("staff"),
                target: Some("hà"),
                detail: Some("vai trò, \"admin\""),
            },
        )
        .unwrap();
        let text = csv(&conn).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains(",hà,\"vai trò, \"\"admin\"\"\","), "{text}");
    }
}
