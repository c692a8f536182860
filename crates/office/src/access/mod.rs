//! Who may act at the office: staff accounts (Argon2id passwords, roles, lockout), devices
//! (kiosks, counter devices, boards with bearer tokens, enrollment codes), staff sessions
//! (browser cookies with a CSRF token; assist sessions at a kiosk), the authorization rule of
//! every route ([`guard`]) and the hash-chained audit trail ([`audit`]).
//!
//! docs/SECURITY.md says who may do what; docs/STAFF-API.md is the wire.

pub mod audit;
pub mod guard;
pub mod http;
pub mod sessions;
pub mod store;

pub use audit::Actor;
pub use guard::{Principal, Rule};
pub use store::{AccessError, DeviceWire, NewStaff, Role, StaffWire};

use crate::db::{self, Readers};
use motcua_core::devices::DeviceKind;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Settings of staff sign-in.
#[derive(Debug, Clone)]
pub struct AccessConfig {
    /// A staff session unused this long ends (default 30 minutes).
    pub idle: Duration,
    /// Whether the server speaks TLS: the session cookie is then `Secure`.
    pub secure_cookie: bool,
    /// Sign-in and enrollment attempts one client address may make per minute (burst 10).
    pub sign_ins_per_minute: u32,
    /// Public lookups (ticket status, dossier status) one client address may make per minute.
    pub lookups_per_minute: u32,
    /// Public reads without an identity (the board, services, the catalog and its search,
    /// events, announcements, the pages) one client address may make per minute (burst the
    /// same). Requests with a valid device token or staff session are not counted.
    pub reads_per_minute: u32,
    /// Tickets one device (or staff member) may issue: the token bucket's sustained rate per
    /// minute and its burst (`--tickets-per-minute`, `--ticket-burst`).
    pub tickets: Bucket,
    /// Offline tickets one kiosk may hand in (its outbox after an outage).
    pub offline_tickets: Bucket,
    /// Dossiers one device (or staff member) may file (`--dossiers-per-minute`,
    /// `--dossier-burst`).
    pub dossiers: Bucket,
}

/// A token bucket: `burst` at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// Sustained rate, per minute.
    pub per_minute: u32,
    /// Requests allowed at once after a quiet time.
    pub burst: u32,
}

impl Default for AccessConfig {
    fn default() -> Self {
        AccessConfig {
            idle: Duration::from_secs(30 * 60),
            secure_cookie: false,
            sign_ins_per_minute: 10,
            lookups_per_minute: 120,
            reads_per_minute: 600,
            // A busy kiosk issues a ticket every 10–20 seconds (3–6 a minute); a flood issues
            // hundreds a second.
            tickets: Bucket {
                per_minute: 30,
                burst: 60,
            },
            // A kiosk offline for a morning hands in a few hundred at once.
            offline_tickets: Bucket {
                per_minute: 240,
                burst: 600,
            },
            // A filing takes minutes (a VNeID sign-in, the questions): one kiosk files a few an
            // hour.
            dossiers: Bucket {
                per_minute: 10,
                burst: 50,
            },
        }
    }
}

struct Inner {
    writer: Mutex<rusqlite::Connection>,
    readers: Readers,
    sessions: sessions::Sessions,
    limits: guard::Limits,
    config: AccessConfig,
}

/// The office's staff, devices and sessions over its database. Cheap to clone.
#[derive(Clone)]
pub struct Access {
    inner: Arc<Inner>,
}

impl Access {
    /// Opens the access tables of the (migrated) office database at `path`.
    pub fn open(path: &Path, config: AccessConfig) -> rusqlite::Result<Access> {
        let writer = db::open_writer(path)?;
        let readers = Readers::open(path, 2)?;
        Ok(Access {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers,
                limits: guard::Limits::new(&config),
                sessions: sessions::Sessions::new(config.idle),
                config,
            }),
        })
    }

    /// The settings.
    pub fn config(&self) -> &AccessConfig {
        &self.inner.config
    }

    /// The staff sessions.
    pub fn sessions(&self) -> &sessions::Sessions {
        &self.inner.sessions
    }

    pub(crate) fn limits(&self) -> &guard::Limits {
        &self.inner.limits
    }

    /// Runs `f` on a read-only connection.
    pub fn read<R>(&self, f: impl FnOnce(&rusqlite::Connection) -> R) -> R {
        self.inner.readers.read(f)
    }

    /// Runs `f` in an immediate transaction on the access writer (committed when `f` is Ok).
    pub fn write<R>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, AccessError>,
    ) -> Result<R, AccessError> {
        let mut conn = self.inner.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let r = f(&tx)?;
        tx.commit()?;
        Ok(r)
    }
}

/// Opens the office database at `db` for a one-off change (the CLI, the embedded kiosk),
/// migrating it first; SQLite serialises this writer with a running server's.
fn with_db<R>(
    db: &Path,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, AccessError>,
) -> Result<R, AccessError> {
    db::prepare(db).map_err(|e| AccessError::invalid(e.to_string(), e.to_string()))?;
    let mut conn = db::open_writer(db)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let r = f(&tx)?;
    tx.commit()?;
    Ok(r)
}

/// Who runs the command line: `cli:<login name>`.
pub fn cli_actor() -> Actor {
    let who = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into());
    Actor::cli(&who)
}

/// Adds a device to the database at `db`; returns its token (shown once, stored hashed).
pub fn add_device(
    db: &Path,
    kind: DeviceKind,
    name: &str,
    counter_id: Option<&str>,
) -> Result<String, AccessError> {
    let actor = cli_actor();
    with_db(db, |tx| {
        store::add_device(tx, kind, name, counter_id, &actor)
    })
}

/// A fresh token for the device `name` (a kiosk enrolling itself at first start): an earlier
/// device of that name is revoked and replaced.
pub fn ensure_device(db: &Path, kind: DeviceKind, name: &str) -> Result<String, AccessError> {
    let actor = Actor::system("embedded");
    with_db(db, |tx| {
        store::remove_device_if_present(tx, name, &actor)?;
        store::add_device(tx, kind, name, None, &actor)
    })
}

/// Revokes the device `name` at once.
pub fn revoke_device(db: &Path, name: &str) -> Result<DeviceWire, AccessError> {
    let actor = cli_actor();
    with_db(db, |tx| store::revoke_device(tx, name, &actor))
}

/// A one-time enrollment code for a device of `kind`, valid 15 minutes.
pub fn enroll_code(db: &Path, kind: DeviceKind) -> Result<(String, String), AccessError> {
    let actor = cli_actor();
    with_db(db, |tx| store::make_enroll_code(tx, kind, &actor))
}

/// Adds a staff account.
pub fn add_staff(db: &Path, new: &NewStaff) -> Result<StaffWire, AccessError> {
    let actor = cli_actor();
    with_db(db, |tx| store::add_staff(tx, new, &actor))
}

/// Enables or disables a staff account (a running server refuses its sessions at once).
pub fn set_staff_enabled(
    db: &Path,
    username: &str,
    enabled: bool,
) -> Result<StaffWire, AccessError> {
    let actor = cli_actor();
    with_db(db, |tx| store::set_enabled(tx, username, enabled, &actor))
}

/// Username and password of the demo staff account (`MOTCUA_DEMO=1` only).
pub const DEMO_STAFF: (&str, &str) = ("demo-admin", "demo-mat-khau");

/// The demo admin account, made once: for the embedded demo only, never a real office.
pub fn ensure_demo_staff(db: &Path) -> Result<(), AccessError> {
    let actor = Actor::system("demo");
    with_db(db, |tx| {
        if store::staff_row(tx, DEMO_STAFF.0)?.is_none() {
            store::add_staff(
                tx,
                &NewStaff {
                    username: DEMO_STAFF.0.into(),
                    full_name: "Cán bộ Demo".into(),
                    role: Role::Admin,
                    password: DEMO_STAFF.1.into(),
                    counters: vec![],
                    services: vec![],
                },
                &actor,
            )?;
        }
        Ok(())
    })
}

/// Checks the audit chain of the database at `db`: the number of entries, or the first bad one.
pub fn verify_audit(db: &Path) -> Result<Result<u64, audit::BadEntry>, AccessError> {
    let conn = db::open_reader(db)?;
    Ok(audit::verify(&conn)?)
}

/// The database file a path names (for messages).
pub fn display(db: &Path) -> PathBuf {
    db.to_path_buf()
}
