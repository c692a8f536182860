//! The kiosk's own copy of the procedure catalog (`catalog.sqlite3` in the data folder), kept
//! up to date by deltas from the office server. The kiosk searches it in process, so search
//! stays fast and keeps working while the server cannot be reached. It holds public data only.

use motcua_catalog::{Catalog, CatalogError, OfficeScope, SearchRequest};
use motcua_core::catalog::{CatalogChanges, FieldCount, Hit, Procedure};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use std::sync::Mutex;

pub struct CatalogCache {
    conn: Mutex<Connection>,
}

impl CatalogCache {
    /// Opens (creating if needed) the cache file.
    pub fn open(path: &Path) -> Result<CatalogCache, CatalogError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // A cache: a lost last delta is fetched again, so no fsync per commit.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Catalog::new(&conn)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS kiosk_field_services (
                 field      TEXT PRIMARY KEY,
                 service_id TEXT NOT NULL
             ) STRICT;",
        )?;
        Ok(CatalogCache {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&Catalog<'_>) -> Result<T, CatalogError>,
    ) -> Result<T, CatalogError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let catalog = Catalog::new(&conn)?;
        f(&catalog)
    }

    /// The version of the copy; 0 while it has never been filled.
    pub fn version(&self) -> u64 {
        self.with(|c| c.version()).unwrap_or(0)
    }

    pub fn search(&self, req: &SearchRequest) -> Result<Vec<Hit>, CatalogError> {
        self.with(|c| c.search(req))
    }

    pub fn get(&self, code: &str) -> Result<Option<Procedure>, CatalogError> {
        self.with(|c| c.get(code))
    }

    /// The fields the office browses, in its order, with counts of its procedures.
    pub fn fields(&self, scope: &OfficeScope) -> Result<Vec<FieldCount>, CatalogError> {
        self.with(|c| c.office_fields(scope))
    }

    /// Applies a delta from the server; returns the new version.
    pub fn apply(&self, changes: &CatalogChanges) -> Result<u64, CatalogError> {
        self.with(|c| c.apply_changes(changes))
    }

    /// Remembers which service queue a field maps to (learned from the server's answers), so
    /// "take a number for this procedure" works offline too.
    pub fn remember_service(&self, field: &str, service_id: Option<&str>) {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let r = match service_id {
            Some(s) => conn.execute(
                "INSERT INTO kiosk_field_services (field, service_id) VALUES (?1, ?2)
                 ON CONFLICT (field) DO UPDATE SET service_id = excluded.service_id",
                (field, s),
            ),
            None => conn.execute("DELETE FROM kiosk_field_services WHERE field = ?1", [field]),
        };
        if let Err(e) = r {
            tracing::warn!("catalog cache: {e}");
        }
    }

    /// The service queue last seen for a field.
    pub fn service_for(&self, field: &str) -> Option<String> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.query_row(
            "SELECT service_id FROM kiosk_field_services WHERE field = ?1",
            [field],
            |r| r.get(0),
        )
        .optional()
        .ok()
        .flatten()
    }
}
