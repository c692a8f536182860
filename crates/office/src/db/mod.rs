//! The office database: one SQLite file for every domain, one way to open it, one migration
//! list. Every domain's store opens its connections here: a writer (WAL, `synchronous=FULL`,
//! foreign keys, a 5 s busy timeout) and a pool of read-only connections ([`Readers`]) that
//! read while the writer writes. The queue's writer is its group-commit thread; the dossiers'
//! and the catalog's are a connection behind a mutex: SQLite serialises them.
//!
//! Each domain has its own store trait (`queue::store::Store`, `dossier::store::DossierStore`,
//! `catalog::CatalogStore`) with this SQLite implementation behind it, so a PostgreSQL store
//! can follow one domain at a time.

pub mod migrations;

pub use migrations::{migrate, schema_version, MIGRATIONS};

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Why the office database could not be opened or brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite refused (a damaged file, a newer schema, a full disk).
    #[error("office database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The catalog's tables could not be created or are newer than this program.
    #[error("office database, catalog tables: {0}")]
    Catalog(#[from] motcua_catalog::CatalogError),
    /// The database's folder or file could not be created.
    #[error("office database: cannot create it: {0}")]
    Create(std::io::Error),
}

/// Creates a missing database file readable and writable by this user only (0600), in a
/// missing folder made 0700, before SQLite opens it: SQLite gives its WAL and shared-memory
/// files the database's own mode. An existing file is left as it is (see [`loose_mode`]).
pub fn create_private(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            b.create(dir)?;
        }
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The mode of `path` when its group or others may read or write it (`Some(0o644)`), `None`
/// when only its owner may, or it does not exist, or the system has no such modes.
pub fn loose_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A writer connection to the office database.
pub fn open_writer(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "SQLite refused WAL mode");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Every statement of the ticket writer's batch (tickets, events, the audit trail) stays
    // prepared: the default 16 would evict some on each batch.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// A read-only connection to the office database.
pub fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Creates the database if needed and applies every domain's migrations: the versioned list
/// ([`MIGRATIONS`]: queue, dossiers), then the catalog's tables (versioned by the catalog crate,
/// whose schema the kiosks' copies share).
pub fn prepare(path: &Path) -> Result<(), DbError> {
    create_private(path).map_err(DbError::Create)?;
    let mut conn = open_writer(path)?;
    migrate(&mut conn)?;
    motcua_catalog::Catalog::new(&conn)?;
    Ok(())
}

/// A small pool of read-only connections: a reader takes any free one, or waits until one is
/// handed back (by whoever finishes first: a cheap read never waits behind one slow read while
/// another connection is free).
pub struct Readers {
    free: Mutex<Vec<Connection>>,
    handed_back: Condvar,
    size: usize,
}

/// A connection out of the pool, handed back when dropped (also when the read panics).
struct Lent<'r> {
    readers: &'r Readers,
    conn: Option<Connection>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.readers
                .free
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
            self.readers.handed_back.notify_one();
        }
    }
}

impl Readers {
    /// `n` (at least 1) read-only connections to `path`.
    pub fn open(path: &Path, n: usize) -> rusqlite::Result<Readers> {
        let conns = (0..n.max(1))
            .map(|_| open_reader(path))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Readers {
            size: conns.len(),
            free: Mutex::new(conns),
            handed_back: Condvar::new(),
        })
    }

    /// How many connections the pool holds.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Runs `f` on a free connection (or waits for one).
    pub fn read<R>(&self, f: impl FnOnce(&Connection) -> R) -> R {
        let conn = {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(conn) = free.pop() {
                    break conn;
                }
                free = self
                    .handed_back
                    .wait(free)
                    .unwrap_or_else(|e| e.into_inner());
            }
        };
        let lent = Lent {
            readers: self,
            conn: Some(conn),
        };
        f(lent.conn.as_ref().expect("lent until dropped"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_new_database_and_its_folder_are_private_and_a_loose_one_is_named() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("office.db");
        prepare(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        // A writer in WAL mode: its WAL and shared-memory files take the database's mode.
        let conn = open_writer(&path).unwrap();
        conn.execute_batch("CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        for ext in ["db-wal", "db-shm"] {
            let p = path.with_extension(ext);
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
        assert_eq!(loose_mode(&path), None);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(loose_mode(&path), Some(0o644));
        // prepare leaves an existing file's mode alone (the server refuses it instead).
        prepare(&path).unwrap();
        assert_eq!(mode(&path), 0o644);
    }

    #[test]
    fn prepare_makes_every_domains_tables_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.db");
        prepare(&path).unwrap();
        prepare(&path).unwrap();
        let conn = open_reader(&path).unwrap();
        for table in [
            "tickets",
            "events",
            "dossiers",
            "dossier_settings",
            "catalog_procedures",
        ] {
            let n: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 1, "{table}");
        }
        assert_eq!(schema_version(&conn).unwrap() as usize, MIGRATIONS.len());
        // A reader cannot write.
        assert!(conn.execute("DELETE FROM tickets", []).is_err());
    }

    #[test]
    fn readers_hand_out_every_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.db");
        prepare(&path).unwrap();
        let r = Readers::open(&path, 3).unwrap();
        let v: i64 = r.read(|c| c.query_row("SELECT 41 + 1", [], |r| r.get(0)).unwrap());
        assert_eq!(v, 42);
        // Nested reads take another free connection instead of waiting for the held one.
        let nested = r.read(|_| r.read(|_| r.read(|c| c.is_readonly("main").unwrap())));
        assert!(nested);
        // A reader waiting for a connection gets the first one handed back, whichever it is.
        let r = std::sync::Arc::new(Readers::open(&path, 2).unwrap());
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let slow = {
            let r = r.clone();
            std::thread::spawn(move || {
                r.read(|_| {
                    held_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                })
            })
        };
        held_rx.recv().unwrap();
        // One connection is held by the slow read: many reads still go through on the other.
        for _ in 0..10 {
            let v: i64 = r.read(|c| c.query_row("SELECT 1", [], |r| r.get(0)).unwrap());
            assert_eq!(v, 1);
        }
        release_tx.send(()).unwrap();
        slow.join().unwrap();
        assert_eq!(
            r.free.lock().unwrap().len(),
            2,
            "every connection handed back"
        );
    }
}
