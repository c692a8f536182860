//! Versioned schema migrations. `PRAGMA user_version` records how many of [`MIGRATIONS`] have
//! been applied; pending ones run in one immediate transaction together with the version bump,
//! so a crash leaves either the old or the new schema, never half of one.

use rusqlite::{Connection, TransactionBehavior};

/// Schema migrations in order. Never edit a released entry: append a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: services, counters, daily number counters, tickets.
    r#"
    CREATE TABLE services (
        id              TEXT PRIMARY KEY,
        prefix          TEXT NOT NULL UNIQUE CHECK (length(prefix) BETWEEN 1 AND 3),
        name_vi         TEXT NOT NULL,
        name_en         TEXT NOT NULL,
        open            INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
        default_minutes INTEGER NOT NULL DEFAULT 10 CHECK (default_minutes > 0),
        sort_order      INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE counters (
        id     TEXT PRIMARY KEY,
        number INTEGER NOT NULL UNIQUE,
        name   TEXT NOT NULL
    ) STRICT;

    CREATE TABLE counter_services (
        counter_id TEXT NOT NULL REFERENCES counters(id) ON DELETE CASCADE,
        service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        PRIMARY KEY (counter_id, service_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX counter_services_by_service ON counter_services (service_id);

    -- Last number handed out per service and office day (local date, YYYY-MM-DD).
    CREATE TABLE day_counters (
        service_id TEXT NOT NULL REFERENCES services(id),
        office_day TEXT NOT NULL,
        last_seq   INTEGER NOT NULL CHECK (last_seq > 0),
        PRIMARY KEY (service_id, office_day)
    ) STRICT, WITHOUT ROWID;

    -- Timestamps are UTC RFC 3339 with microseconds and `Z`, so they sort as text.
    CREATE TABLE tickets (
        id           TEXT PRIMARY KEY CHECK (length(id) = 32),
        service_id   TEXT NOT NULL REFERENCES services(id),
        office_day   TEXT NOT NULL,
        seq          INTEGER NOT NULL CHECK (seq > 0),
        number       TEXT NOT NULL,
        priority     TEXT NOT NULL CHECK (priority IN
                         ('none', 'elderly', 'disabled', 'pregnant', 'child_under_6', 'appointment')),
        status       TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN
                         ('waiting', 'called', 'skipped', 'completed')),
        issued_at    TEXT NOT NULL,
        called_at    TEXT,
        counter_id   TEXT REFERENCES counters(id),
        completed_at TEXT,
        origin       TEXT NOT NULL DEFAULT 'server'
                         CHECK (origin = 'server' OR origin GLOB 'kiosk:?*'),
        UNIQUE (service_id, office_day, seq)
    ) STRICT;
    CREATE INDEX tickets_queue ON tickets (service_id, office_day, status, seq);
    "#,
    // 2: the queue at the counters (issue 3). Tickets are rebuilt so that
    //  - offline tickets (origin `kiosk:…`) have no server sequence (`seq` NULL, `number` as the
    //    kiosk printed it, `id` = the kiosk's `local_id`), while server tickets keep theirs;
    //  - a transfer can move a ticket to another service: `service_id` is the queue it waits
    //    in now, `issued_service_id` the service whose numbering gave it its number, and the
    //    uniqueness of server numbers is kept on that: UNIQUE (issued_service_id, office_day, seq);
    //  - the queue is ordered by issue time (`issued_at`, then `id`), not by `seq`;
    //  - a counter has at most one current (called) ticket.
    // Events (what the board and counters stream) are stored with ids that only grow.
    r#"
    CREATE TABLE tickets_v2 (
        id                TEXT PRIMARY KEY CHECK (length(id) = 32),
        service_id        TEXT NOT NULL REFERENCES services(id),
        issued_service_id TEXT NOT NULL REFERENCES services(id),
        office_day        TEXT NOT NULL,
        seq               INTEGER CHECK (seq > 0),
        number            TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 32),
        priority          TEXT NOT NULL CHECK (priority IN
                              ('none', 'elderly', 'disabled', 'pregnant', 'child_under_6', 'appointment')),
        status            TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN
                              ('waiting', 'called', 'skipped', 'completed')),
        issued_at         TEXT NOT NULL,
        called_at         TEXT,
        counter_id        TEXT REFERENCES counters(id),
        completed_at      TEXT,
        origin            TEXT NOT NULL DEFAULT 'server'
                              CHECK (origin = 'server' OR origin GLOB 'kiosk:?*'),
        CHECK (origin <> 'server' OR seq IS NOT NULL),
        UNIQUE (issued_service_id, office_day, seq)
    ) STRICT;
    INSERT INTO tickets_v2 (id, service_id, issued_service_id, office_day, seq, number, priority,
                            status, issued_at, called_at, counter_id, completed_at, origin)
        SELECT id, service_id, service_id, office_day, seq, number, priority,
               status, issued_at, called_at, counter_id, completed_at, origin
        FROM tickets;
    DROP TABLE tickets;
    ALTER TABLE tickets_v2 RENAME TO tickets;
    CREATE INDEX tickets_queue ON tickets (service_id, office_day, status, issued_at, id);
    CREATE INDEX tickets_by_counter ON tickets (counter_id, office_day, status);
    CREATE INDEX tickets_completed ON tickets (service_id, completed_at) WHERE status = 'completed';
    CREATE UNIQUE INDEX tickets_one_current_per_counter ON tickets (counter_id)
        WHERE status = 'called' AND counter_id IS NOT NULL;

    -- Ordinary tickets a counter called in a row (the `every:N` priority strategy).
    ALTER TABLE counters ADD COLUMN ordinary_streak INTEGER NOT NULL DEFAULT 0
        CHECK (ordinary_streak >= 0);

    -- `data` is the event's payload as JSON (the ticket as it was, the counter, the waiting
    -- counts after the event); AUTOINCREMENT so an id is never handed out twice.
    CREATE TABLE events (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        type       TEXT NOT NULL CHECK (type IN
                       ('issued', 'called', 'recalled', 'skipped', 'transferred', 'completed')),
        at         TEXT NOT NULL,
        ticket_id  TEXT NOT NULL REFERENCES tickets(id),
        counter_id TEXT REFERENCES counters(id),
        data       TEXT NOT NULL CHECK (json_valid(data))
    ) STRICT;
    CREATE INDEX events_by_ticket ON events (ticket_id);
    "#,
    // 3: online dossiers (issue 5). Attachments are BLOBs in the same file, written in the
    // same transaction as their dossier: a dossier is acknowledged with all its files or not
    // at all, and one file is the whole backup.
    r#"
    CREATE TABLE dossier_settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- Last dossier sequence handed out per agency code and office day (local date).
    CREATE TABLE dossier_day_counters (
        agency_code TEXT NOT NULL,
        office_day  TEXT NOT NULL,
        last_seq    INTEGER NOT NULL CHECK (last_seq BETWEEN 1 AND 9999),
        PRIMARY KEY (agency_code, office_day)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE dossiers (
        code            TEXT PRIMARY KEY,
        agency_code     TEXT NOT NULL,
        office_day      TEXT NOT NULL,
        seq             INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 9999),
        procedure_code  TEXT NOT NULL,
        status          TEXT NOT NULL DEFAULT 'received'
                        CHECK (status IN ('received', 'processing', 'completed', 'returned', 'rejected')),
        received_at     TEXT NOT NULL,
        due_date        TEXT NOT NULL,
        lookup_secret   TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        request_sha256  TEXT NOT NULL,
        -- The dossier as GET /api/v1/dossiers/{code} returns it (status from the column).
        dossier_json    TEXT NOT NULL,
        UNIQUE (agency_code, office_day, seq)
    ) STRICT;

    CREATE TABLE dossier_documents (
        dossier_code     TEXT NOT NULL REFERENCES dossiers(code) ON DELETE CASCADE,
        position         INTEGER NOT NULL,
        name             TEXT NOT NULL,
        originals        INTEGER NOT NULL CHECK (originals >= 0),
        copies           INTEGER NOT NULL CHECK (copies >= 0),
        paper_at_counter INTEGER NOT NULL CHECK (paper_at_counter IN (0, 1)),
        PRIMARY KEY (dossier_code, position)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE dossier_attachments (
        dossier_code TEXT NOT NULL,
        position     INTEGER NOT NULL,
        file_name    TEXT NOT NULL,
        media_type   TEXT NOT NULL,
        size         INTEGER NOT NULL CHECK (size > 0),
        sha256       TEXT NOT NULL,
        content      BLOB NOT NULL,
        PRIMARY KEY (dossier_code, position),
        FOREIGN KEY (dossier_code, position)
            REFERENCES dossier_documents(dossier_code, position) ON DELETE CASCADE
    ) STRICT;
    "#,
    // 4: a dossier filed online is `submitted` until an officer accepts it (`received`).
    // SQLite cannot change a CHECK in place; the column is replaced (rows keep their status,
    // no row is deleted, so nothing cascades to the documents and attachments).
    r#"
    ALTER TABLE dossiers RENAME COLUMN status TO status_v3;
    ALTER TABLE dossiers ADD COLUMN status TEXT NOT NULL DEFAULT 'submitted'
        CHECK (status IN ('submitted', 'received', 'processing', 'completed', 'returned', 'rejected'));
    UPDATE dossiers SET status = status_v3;
    ALTER TABLE dossiers DROP COLUMN status_v3;
    "#,
    // 5: staff accounts, devices, enrollment codes and the hash-chained audit trail (issue 12).
    // Passwords are Argon2id PHC strings; device tokens and enrollment codes are kept only as
    // SHA-256 hashes (a stolen copy of the file gives no usable credential).
    r#"
    CREATE TABLE staff (
        username      TEXT PRIMARY KEY CHECK (length(username) BETWEEN 2 AND 64),
        full_name     TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('counter', 'manager', 'admin')),
        password_hash TEXT NOT NULL,
        enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        failed_count  INTEGER NOT NULL DEFAULT 0,
        locked_until  TEXT,
        created_at    TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE staff_counters (
        username   TEXT NOT NULL REFERENCES staff(username) ON DELETE CASCADE,
        counter_id TEXT NOT NULL,
        PRIMARY KEY (username, counter_id)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE staff_services (
        username   TEXT NOT NULL REFERENCES staff(username) ON DELETE CASCADE,
        service_id TEXT NOT NULL,
        PRIMARY KEY (username, service_id)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE devices (
        name        TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
        kind        TEXT NOT NULL CHECK (kind IN ('kiosk', 'counter', 'board')),
        counter_id  TEXT,
        token_hash  TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL,
        revoked_at  TEXT,
        CHECK (kind = 'counter' OR counter_id IS NULL),
        CHECK (kind <> 'counter' OR counter_id IS NOT NULL)
    ) STRICT;
    CREATE TABLE enroll_codes (
        code_hash   TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('kiosk', 'counter', 'board')),
        created_by  TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        used_at     TEXT,
        used_by     TEXT
    ) STRICT;
    -- Append-only: each entry's hash covers the previous entry's hash and its own fields.
    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor_kind  TEXT NOT NULL,
        actor       TEXT NOT NULL,
        device      TEXT,
        assisted_by TEXT,
        action      TEXT NOT NULL,
        target_kind TEXT,
        target      TEXT,
        detail      TEXT,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL
    ) STRICT;
    "#,
    // 6: who a dossier is from (issue 12). Online: `verified_with` ('vneid', or 'demo' for the
    // sandbox provider), the account it is linked to (the provider's `sub`) and the verified
    // citizen who submitted it. Paper dossiers received at a counter: the staff username.
    // Dossiers filed before stay NULL in all four.
    r#"
    ALTER TABLE dossiers ADD COLUMN verified_with TEXT CHECK (verified_with IN ('vneid', 'demo'));
    ALTER TABLE dossiers ADD COLUMN account_subject TEXT;
    ALTER TABLE dossiers ADD COLUMN submitted_by TEXT;
    ALTER TABLE dossiers ADD COLUMN received_by TEXT;
    CREATE INDEX dossiers_by_account ON dossiers (account_subject) WHERE account_subject IS NOT NULL;
    "#,
    // 7: the staff member who assisted at the kiosk when a dossier was filed (issue 12: the
    // office counts assisted filings). NULL: the citizen filed alone, or filed before.
    r#"
    ALTER TABLE dossiers ADD COLUMN assisted_by TEXT;
    "#,
    // 8 (issue 13): a ticket request's Idempotency-Key, as `<who>:<key>` hashed (SHA-256 hex),
    // so a retried request gets the ticket the first one made; and events by time, so a stream
    // replays only today's.
    r#"
    ALTER TABLE tickets ADD COLUMN request_key TEXT;
    CREATE UNIQUE INDEX tickets_by_request_key ON tickets (request_key) WHERE request_key IS NOT NULL;
    CREATE INDEX events_by_time ON events (at);
    "#,
    // 9 (issue 13): attachments written in pieces, each piece in its own short transaction
    // before the dossier's, so a 30 MB dossier never holds the database's one write lock for
    // long (a kiosk's ticket waits at most for one piece). An attachment whose `staged` is set
    // has its bytes in `attachment_pieces` under that id (its `content` is empty); pieces of
    // an id no attachment names are what a crash left, deleted when the server starts.
    r#"
    ALTER TABLE dossier_attachments ADD COLUMN staged TEXT;
    CREATE TABLE attachment_pieces (
        staged TEXT NOT NULL,
        seq    INTEGER NOT NULL,
        bytes  BLOB NOT NULL,
        PRIMARY KEY (staged, seq)
    ) STRICT;
    "#,
    // 10 (issue 14): the dossier's life in the office. The status takes the states of
    // `motcua_core::life` (the column is replaced as in 4; `completed` and `rejected` of
    // schema 4 become `result_ready` and `refused`); how it came in (online or at a counter,
    // with the ticket of that visit), whether it is digitized, the appointment's hour, the
    // working days left while a supplement is awaited; and its history, one row per step,
    // written in the step's own transaction with its audit entry.
    r#"
    ALTER TABLE dossiers RENAME COLUMN status TO status_v4;
    ALTER TABLE dossiers ADD COLUMN status TEXT NOT NULL DEFAULT 'submitted'
        CHECK (status IN ('submitted', 'received', 'processing', 'supplement_requested',
                          'supplement_received', 'refused', 'stopped', 'result_ready',
                          'awaiting_fee', 'returned', 'withdrawn'));
    UPDATE dossiers SET status = CASE status_v4 WHEN 'completed' THEN 'result_ready'
                                                WHEN 'rejected' THEN 'refused'
                                                ELSE status_v4 END;
    ALTER TABLE dossiers DROP COLUMN status_v4;
    ALTER TABLE dossiers ADD COLUMN channel TEXT NOT NULL DEFAULT 'online'
        CHECK (channel IN ('online', 'counter'));
    ALTER TABLE dossiers ADD COLUMN ticket_id TEXT;
    ALTER TABLE dossiers ADD COLUMN digitized INTEGER NOT NULL DEFAULT 0 CHECK (digitized IN (0, 1));
    ALTER TABLE dossiers ADD COLUMN due_at TEXT;
    ALTER TABLE dossiers ADD COLUMN days_left INTEGER;
    ALTER TABLE dossiers ADD COLUMN updated_at TEXT;
    CREATE INDEX dossiers_by_status ON dossiers (status, due_date);
    CREATE INDEX dossiers_by_ticket ON dossiers (ticket_id) WHERE ticket_id IS NOT NULL;
    CREATE TABLE dossier_history (
        dossier_code TEXT NOT NULL REFERENCES dossiers(code) ON DELETE CASCADE,
        seq          INTEGER NOT NULL CHECK (seq > 0),
        at           TEXT NOT NULL,
        action       TEXT NOT NULL,
        from_status  TEXT,
        to_status    TEXT NOT NULL,
        actor        TEXT NOT NULL,
        -- The entry as the API returns it.
        entry_json   TEXT NOT NULL,
        PRIMARY KEY (dossier_code, seq)
    ) STRICT, WITHOUT ROWID;
    "#,
];

/// The schema version recorded in the database (`PRAGMA user_version`).
pub fn schema_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Applies the pending migrations; returns the resulting version. Running it on an
/// up-to-date database changes nothing. A database newer than this program is refused.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<u32> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = schema_version(&tx)? as usize;
    if current > MIGRATIONS.len() {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
            Some(format!(
                "database schema version {current} is newer than this program ({})",
                MIGRATIONS.len()
            )),
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tracing::info!(version = i + 1, "applied schema migration");
    }
    tx.commit()?;
    Ok(MIGRATIONS.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<(String, String)> {
        let mut st = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn migrating_twice_is_a_no_op_and_records_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), 0);
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() as u32);
        assert_eq!(schema_version(&conn).unwrap(), MIGRATIONS.len() as u32);
        let first = schema(&conn);
        assert!(first.iter().any(|(n, _)| n == "tickets"));
        conn.execute(
            "INSERT INTO services (id, prefix, name_vi, name_en) VALUES ('x', 'X', 'X', 'X')",
            [],
        )
        .unwrap();
        drop(conn);

        // Reopen and migrate again: same schema, data kept, version unchanged.
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() as u32);
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() as u32);
        assert_eq!(schema(&conn), first);
        assert_eq!(schema_version(&conn).unwrap(), MIGRATIONS.len() as u32);
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM services", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn version_1_tickets_survive_the_queue_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO services (id, prefix, name_vi, name_en) VALUES ('s', 'A', 'S', 'S');
             INSERT INTO tickets (id, service_id, office_day, seq, number, priority, issued_at)
             VALUES ('0123456789abcdef0123456789abcdef', 's', '2026-11-22', 7, 'A007', 'elderly',
                     '2026-11-22T01:00:00.000000Z');",
        )
        .unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len() as u32);
        let row: (String, String, u32, String, String) = conn
            .query_row(
                "SELECT service_id, issued_service_id, seq, number, status FROM tickets",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            row,
            ("s".into(), "s".into(), 7, "A007".into(), "waiting".into())
        );
        // Server numbers stay unique per issuing service and day; offline ones need no seq.
        let dup = conn.execute(
            "INSERT INTO tickets (id, service_id, issued_service_id, office_day, seq, number,
                                  priority, issued_at)
             VALUES ('1123456789abcdef0123456789abcdef', 's', 's', '2026-11-22', 7, 'A007',
                     'none', '2026-11-22T01:00:00.000000Z')",
            [],
        );
        assert!(dup.is_err(), "duplicate server number accepted");
        let no_seq_server = conn.execute(
            "INSERT INTO tickets (id, service_id, issued_service_id, office_day, number,
                                  priority, issued_at)
             VALUES ('2123456789abcdef0123456789abcdef', 's', 's', '2026-11-22', 'A008',
                     'none', '2026-11-22T01:00:00.000000Z')",
            [],
        );
        assert!(no_seq_server.is_err(), "server ticket without seq accepted");
        conn.execute(
            "INSERT INTO tickets (id, service_id, issued_service_id, office_day, number,
                                  priority, issued_at, origin)
             VALUES ('3123456789abcdef0123456789abcdef', 's', 's', '2026-11-22', 'A1-001',
                     'none', '2026-11-22T01:00:00.000000Z', 'kiosk:k1')",
            [],
        )
        .unwrap();
        let streak: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM counters WHERE ordinary_streak > 0",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(streak, 0);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", MIGRATIONS.len() as u32 + 1)
            .unwrap();
        assert!(migrate(&mut conn).is_err());
    }
}
