//! Staff accounts, devices and enrollment codes in the office database. Every change appends
//! its audit entry in the same transaction. Functions take a connection (inside the caller's
//! transaction), so the server, the command line and the embedded kiosk share them.

use super::audit::{self, Actor, What};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, SecondsFormat, Utc};
use motcua_core::devices::DeviceKind;
pub use motcua_core::staff::{DeviceWire, NewStaff, Role, StaffWire};
use motcua_core::text::{check_field, FieldRule};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// Wrong passwords in a row before an account is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_SECS: i64 = 5 * 60;
/// How long an enrollment code is valid.
pub const ENROLL_CODE_SECS: i64 = 15 * 60;
/// Shortest password an account takes.
pub const MIN_PASSWORD: usize = 10;
/// Longest password an account takes.
pub const MAX_PASSWORD: usize = 256;
/// Longest full name of a staff member.
pub const MAX_FULL_NAME: usize = 100;
/// Longest device name (the `devices.name` column's own check says the same).
pub const MAX_DEVICE_NAME: usize = 64;
/// Longest counter or service id an account is given.
pub const MAX_ID: usize = 64;
/// Most counters, and most services, one account is given: a provincial one-stop centre has a
/// few dozen counters, so 100 is more than any office has.
pub const MAX_ASSIGNED: usize = 100;

impl From<motcua_core::ApiError> for AccessError {
    /// A field's refusal by the checks of `motcua_core::text`.
    fn from(e: motcua_core::ApiError) -> AccessError {
        AccessError::invalid(e.message_vi, e.message_en)
    }
}

/// Why an access change was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// A staff account or device with this name exists.
    #[error("“{0}” already exists")]
    Exists(String),
    /// No such account or device.
    #[error("no “{0}”")]
    NotFound(String),
    /// A value is unusable; the messages say which and why.
    #[error("{en}")]
    Invalid {
        /// In Vietnamese.
        vi: String,
        /// In English (what the command line prints).
        en: String,
    },
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
}

impl AccessError {
    /// An unusable value, in both languages.
    pub fn invalid(vi: impl Into<String>, en: impl Into<String>) -> AccessError {
        AccessError::Invalid {
            vi: vi.into(),
            en: en.into(),
        }
    }
}

/// A staff row with what sign-in needs.
#[derive(Debug, Clone)]
pub struct StaffRow {
    /// The account as shown.
    pub wire: StaffWire,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Wrong passwords in a row.
    pub failed_count: i64,
    /// Locked until then.
    pub locked_until: Option<DateTime<Utc>>,
}

/// A device row.
#[derive(Debug, Clone)]
pub struct DeviceRow {
    /// The device.
    pub wire: DeviceWire,
}

fn now_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Hex SHA-256 of a token or code (what the database keeps).
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 32 random bytes, base64url: a device token or a session id.
pub fn random_token() -> String {
    use base64::Engine;
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the OS random source works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// An enrollment code a person can type: 8 characters of an alphabet without look-alikes
/// (no 0/O, 1/I/L), shown as `XXXX-XXXX`.
fn enroll_code_text() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS random source works");
    let s: String = b
        .iter()
        .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &s[..4], &s[4..])
}

/// The code as typed: upper case, without spaces or dashes.
fn normal_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Argon2id hash (PHC string, random salt, the crate's default parameters).
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source works");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes encode");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id hashes any password")
        .to_string()
}

/// Whether `password` matches the PHC string `hash`.
pub fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to check wrong usernames against, so they take as long as wrong passwords.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not a password of anyone"))
}

fn check_name(what: &str, name: &str) -> Result<(), AccessError> {
    let ok = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AccessError::invalid(
            format!(
                "Tên đăng nhập “{name}” cần 2–64 chữ thường không dấu, chữ số, '.', '_' hoặc '-'."
            ),
            format!("The {what} “{name}” must be 2–64 lowercase letters, digits, '.', '_' or '-'."),
        ))
    }
}

fn check_device_name(name: &str) -> Result<(), AccessError> {
    // The invisible and direction characters first: the name is not echoed with them.
    check_field("name", name, FieldRule::name(MAX_DEVICE_NAME))?;
    if name.chars().any(char::is_whitespace) {
        return Err(AccessError::invalid(
            format!("Tên thiết bị “{name}” cần 1–{MAX_DEVICE_NAME} ký tự, không có khoảng trắng."),
            format!(
                "The device name “{name}” must be 1–{MAX_DEVICE_NAME} characters without spaces."
            ),
        ));
    }
    Ok(())
}

/// Checks the counters or services (`field`) an account is given: at most [`MAX_ASSIGNED`],
/// each an id of at most [`MAX_ID`] characters without control, invisible or direction
/// characters.
fn check_assigned(field: &str, ids: &[String]) -> Result<(), AccessError> {
    if ids.len() > MAX_ASSIGNED {
        return Err(AccessError::invalid(
            format!("Trường “{field}” có tối đa {MAX_ASSIGNED} mục."),
            format!("The field “{field}” holds at most {MAX_ASSIGNED} entries."),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        check_field(&format!("{field}[{i}]"), id.trim(), FieldRule::name(MAX_ID))?;
    }
    Ok(())
}

/// Checks a new password.
pub fn check_password(p: &str) -> Result<(), AccessError> {
    if p.chars().count() < MIN_PASSWORD {
        return Err(AccessError::invalid(
            format!("Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."),
            format!("The password must be at least {MIN_PASSWORD} characters."),
        ));
    }
    if p.chars().count() > MAX_PASSWORD || p.chars().any(char::is_control) {
        return Err(AccessError::invalid(
            format!("Mật khẩu tối đa {MAX_PASSWORD} ký tự, không có ký tự điều khiển."),
            format!(
                "The password must be at most {MAX_PASSWORD} characters without control characters."
            ),
        ));
    }
    Ok(())
}

fn list_of(conn: &Connection, sql: &str, username: &str) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map([username], |r| r.get(0))?;
    rows.collect()
}

/// The account `username`, if any.
pub fn staff_row(conn: &Connection, username: &str) -> Result<Option<StaffRow>, AccessError> {
    let row = conn
        .prepare_cached(
            "SELECT username, full_name, role, password_hash, enabled, failed_count, locked_until
             FROM staff WHERE username = ?1",
        )?
        .query_row([username], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })
        .optional()?;
    let Some((username, full_name, role, password_hash, enabled, failed_count, locked)) = row
    else {
        return Ok(None);
    };
    let counters = list_of(
        conn,
        "SELECT counter_id FROM staff_counters WHERE username = ?1 ORDER BY counter_id",
        &username,
    )?;
    let services = list_of(
        conn,
        "SELECT service_id FROM staff_services WHERE username = ?1 ORDER BY service_id",
        &username,
    )?;
    Ok(Some(StaffRow {
        wire: StaffWire {
            username,
            full_name,
            role: Role::parse(&role).unwrap_or(Role::Counter),
            counters,
            services,
            enabled,
        },
        password_hash,
        failed_count,
        locked_until: locked.as_deref().and_then(parse_time),
    }))
}

/// Every account, by username.
pub fn list_staff(conn: &Connection) -> Result<Vec<StaffWire>, AccessError> {
    let names: Vec<String> = {
        let mut st = conn.prepare("SELECT username FROM staff ORDER BY username")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        if let Some(r) = staff_row(conn, &n)? {
            out.push(r.wire);
        }
    }
    Ok(out)
}

/// Adds an account.
pub fn add_staff(
    conn: &Connection,
    new: &NewStaff,
    actor: &Actor,
) -> Result<StaffWire, AccessError> {
    check_name("username", &new.username)?;
    let full_name = motcua_core::text::nfc(new.full_name.trim());
    check_field("full_name", &full_name, FieldRule::name(MAX_FULL_NAME))?;
    check_assigned("counters", &new.counters)?;
    check_assigned("services", &new.services)?;
    check_password(&new.password)?;
    if staff_row(conn, &new.username)?.is_some() {
        return Err(AccessError::Exists(new.username.clone()));
    }
    let now = now_text(Utc::now());
    conn.execute(
        "INSERT INTO staff (username, full_name, role, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            new.username,
            full_name,
            new.role.as_str(),
            hash_password(&new.password),
            now
        ],
    )?;
    for c in &new.counters {
        conn.execute(
            "INSERT OR IGNORE INTO staff_counters (username, counter_id) VALUES (?1, ?2)",
            params![new.username, c.trim()],
        )?;
    }
    for s in &new.services {
        conn.execute(
            "INSERT OR IGNORE INTO staff_services (username, service_id) VALUES (?1, ?2)",
            params![new.username, s.trim()],
        )?;
    }
    let role = format!("role={}", new.role.as_str());
    audit::append(
        conn,
        Utc::now(),
        actor,
        &What {
            action: "staff.add",
            target_kind: Some("staff"),
            target: Some(&new.username),
            detail: Some(&role),
        },
    )?;
    Ok(staff_row(conn, &new.username)?.expect("just added").wire)
}

/// Enables or disables an account.
pub fn set_enabled(
    conn: &Connection,
    username: &str,
    enabled: bool,
    actor: &Actor,
) -> Result<StaffWire, AccessError> {
    let n = conn.execute(
        "UPDATE staff SET enabled = ?2, failed_count = 0, locked_until = NULL WHERE username = ?1",
        params![username, enabled],
    )?;
    if n == 0 {
        return Err(AccessError::NotFound(username.to_owned()));
    }
    audit::append(
        conn,
        Utc::now(),
        actor,
        &What {
            action: if enabled {
                "staff.enable"
            } else {
                "staff.disable"
            },
            target_kind: Some("staff"),
            target: Some(username),
            detail: None,
        },
    )?;
    Ok(staff_row(conn, username)?.expect("exists").wire)
}

/// Sets a new password (the caller checked the old one).
pub fn set_password(
    conn: &Connection,
    username: &str,
    password: &str,
    actor: &Actor,
) -> Result<(), AccessError> {
    check_password(password)?;
    let n = conn.execute(
        "UPDATE staff SET password_hash = ?2, password_changed_at = ?3 WHERE username = ?1",
        params![username, hash_password(password), now_text(Utc::now())],
    )?;
    if n == 0 {
        return Err(AccessError::NotFound(username.to_owned()));
    }
    audit::append(
        conn,
        Utc::now(),
        actor,
        &What {
            action: "staff.password",
            target_kind: Some("staff"),
            target: Some(username),
            detail: None,
        },
    )?;
    Ok(())
}

/// The outcome of a password check at sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInCheck {
    /// Right password, enabled account.
    Ok(StaffWire),
    /// Wrong username or password, or a disabled account.
    Wrong,
    /// Locked: seconds until it opens.
    Locked(i64),
}

/// Checks a sign-in and records the outcome (failures counted, the lock set on the fifth,
/// the audit entry) in one transaction.
pub fn check_sign_in(
    conn: &Connection,
    username: &str,
    password: &str,
    device: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SignInCheck, AccessError> {
    let Some(row) = staff_row(conn, username)? else {
        // The same work as for a known name, so a wrong name cannot be told by its speed.
        let _ = password_matches(password, dummy_hash());
        return Ok(SignInCheck::Wrong);
    };
    let mut actor = Actor::staff(username);
    actor.device = device.map(str::to_owned);
    let note = |conn: &Connection, action: &str, detail: Option<&str>| {
        audit::append(
            conn,
            now,
            &actor,
            &What {
                action,
                target_kind: Some("staff"),
                target: Some(username),
                detail,
            },
        )
    };
    if let Some(until) = row.locked_until.filter(|u| *u > now) {
        return Ok(SignInCheck::Locked((until - now).num_seconds().max(1)));
    }
    if !password_matches(password, &row.password_hash) || !row.wire.enabled {
        if !row.wire.enabled {
            note(conn, "staff.sign_in_refused", Some("disabled"))?;
            return Ok(SignInCheck::Wrong);
        }
        let failed = row.failed_count + 1;
        if failed >= MAX_FAILURES {
            let until = now + chrono::TimeDelta::seconds(LOCK_SECS);
            conn.execute(
                "UPDATE staff SET failed_count = 0, locked_until = ?2 WHERE username = ?1",
                params![username, now_text(until)],
            )?;
            note(conn, "staff.locked", Some("5 wrong passwords"))?;
            return Ok(SignInCheck::Locked(LOCK_SECS));
        }
        conn.execute(
            "UPDATE staff SET failed_count = ?2 WHERE username = ?1",
            params![username, failed],
        )?;
        note(conn, "staff.sign_in_failed", None)?;
        return Ok(SignInCheck::Wrong);
    }
    if row.failed_count != 0 || row.locked_until.is_some() {
        conn.execute(
            "UPDATE staff SET failed_count = 0, locked_until = NULL WHERE username = ?1",
            [username],
        )?;
    }
    note(
        conn,
        if device.is_some() {
            "staff.assist_start"
        } else {
            "staff.sign_in"
        },
        None,
    )?;
    Ok(SignInCheck::Ok(row.wire))
}

fn device_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceWire> {
    let kind: String = r.get(1)?;
    Ok(DeviceWire {
        name: r.get(0)?,
        kind: match kind.as_str() {
            "kiosk" => DeviceKind::Kiosk,
            "counter" => DeviceKind::Counter,
            _ => DeviceKind::Board,
        },
        counter_id: r.get(2)?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
    })
}

fn kind_str(k: DeviceKind) -> &'static str {
    match k {
        DeviceKind::Kiosk => "kiosk",
        DeviceKind::Counter => "counter",
        DeviceKind::Board => "board",
    }
}

/// Adds a device; returns its token (the database keeps only its hash).
pub fn add_device(
    conn: &Connection,
    kind: DeviceKind,
    name: &str,
    counter_id: Option<&str>,
    actor: &Actor,
) -> Result<String, AccessError> {
    check_device_name(name)?;
    let counter_id = counter_id.map(str::trim).filter(|c| !c.is_empty());
    match (kind, counter_id) {
        (DeviceKind::Counter, None) => {
            return Err(AccessError::invalid(
                "Thiết bị tại quầy cần mã quầy mà nó phục vụ (--counter ID).",
                "A counter device needs the counter it acts for (--counter ID).",
            ))
        }
        (DeviceKind::Kiosk | DeviceKind::Board, Some(_)) => {
            return Err(AccessError::invalid(
                "Chỉ thiết bị tại quầy mới gắn với một quầy.",
                "Only a counter device takes a counter.",
            ))
        }
        _ => {}
    }
    if let Some(c) = counter_id {
        let known: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM counters WHERE id = ?1)",
            [c],
            |r| r.get(0),
        )?;
        if !known {
            return Err(AccessError::invalid(
                format!("Không có quầy “{c}”."),
                format!("There is no counter “{c}”."),
            ));
        }
    }
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM devices WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?;
    if exists {
        return Err(AccessError::Exists(name.to_owned()));
    }
    let token = random_token();
    conn.execute(
        "INSERT INTO devices (name, kind, counter_id, token_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            name,
            kind_str(kind),
            counter_id,
            token_hash(&token),
            now_text(Utc::now())
        ],
    )?;
    let detail = match counter_id {
        Some(c) => format!("kind={} counter={c}", kind_str(kind)),
        None => format!("kind={}", kind_str(kind)),
    };
    audit::append(
        conn,
        Utc::now(),
        actor,
        &What {
            action: "device.add",
            target_kind: Some("device"),
            target: Some(name),
            detail: Some(&detail),
        },
    )?;
    Ok(token)
}

/// Removes the device `name` if there is one (before it is enrolled again).
pub fn remove_device_if_present(
    conn: &Connection,
    name: &str,
    actor: &Actor,
) -> Result<(), AccessError> {
    let n = conn.execute("DELETE FROM devices WHERE name = ?1", [name])?;
    if n > 0 {
        audit::append(
            conn,
            Utc::now(),
            actor,
            &What {
                action: "device.replace",
                target_kind: Some("device"),
                target: Some(name),
                detail: None,
            },
        )?;
    }
    Ok(())
}

/// Revokes a device: its token stops working at once.
pub fn revoke_device(
    conn: &Connection,
    name: &str,
    actor: &Actor,
) -> Result<DeviceWire, AccessError> {
    let n = conn.execute(
        "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2) WHERE name = ?1",
        params![name, now_text(Utc::now())],
    )?;
    if n == 0 {
        return Err(AccessError::NotFound(name.to_owned()));
    }
    audit::append(
        conn,
        Utc::now(),
        actor,
        &What {
            action: "device.revoke",
            target_kind: Some("device"),
            target: Some(name),
            detail: None,
        },
    )?;
    device_by_name(conn, name)?.ok_or_else(|| AccessError::NotFound(name.to_owned()))
}

/// The device `name`.
pub fn device_by_name(conn: &Connection, name: &str) -> Result<Option<DeviceWire>, AccessError> {
    Ok(conn
        .prepare_cached(
            "SELECT name, kind, counter_id, created_at, revoked_at FROM devices WHERE name = ?1",
        )?
        .query_row([name], device_of)
        .optional()?)
}

/// The device whose token this is, if it is not revoked.
pub fn device_by_token(conn: &Connection, token: &str) -> rusqlite::Result<Option<DeviceWire>> {
    conn.prepare_cached(
        "SELECT name, kind, counter_id, created_at, revoked_at FROM devices
         WHERE token_hash = ?1 AND revoked_at IS NULL",
    )?
    .query_row([token_hash(token)], device_of)
    .optional()
}

/// Every device, by name.
pub fn list_devices(conn: &Connection) -> Result<Vec<DeviceWire>, AccessError> {
    let mut st = conn.prepare(
        "SELECT name, kind, counter_id, created_at, revoked_at FROM devices ORDER BY name",
    )?;
    let rows = st.query_map([], device_of)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A one-time code for enrolling a device of `kind`: the code as shown and when it expires.
pub fn make_enroll_code(
    conn: &Connection,
    kind: DeviceKind,
    actor: &Actor,
) -> Result<(String, String), AccessError> {
    if kind == DeviceKind::Counter {
        return Err(AccessError::invalid(
            "Mã đăng ký chỉ dành cho kiosk và bảng; thiết bị tại quầy được thêm cùng mã quầy (motcua device add --kind counter --counter ID).",
            "Enrollment codes are for kiosks and boards; a counter device is added with its counter (motcua device add --kind counter --counter ID).",
        ));
    }
    let code = enroll_code_text();
    let expires = now_text(Utc::now() + chrono::TimeDelta::seconds(ENROLL_CODE_SECS));
    conn.execute(
        "INSERT INTO enroll_codes (code_hash, kind, created_by, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            token_hash(&normal_code(&code)),
            kind_str(kind),
            actor.name,
            expires
        ],
    )?;
    let detail = format!("kind={}", kind_str(kind));
    audit::append(
        conn,
        Utc::now(),
        actor,
        &What {
            action: "device.enroll_code",
            target_kind: Some("device"),
            target: None,
            detail: Some(&detail),
        },
    )?;
    Ok((code, expires))
}

/// Enrolls the device `name` with a code: its token, or `None` when the code is wrong, used or
/// expired. A kiosk enrolling again under its name replaces its earlier token.
pub fn enroll(
    conn: &Connection,
    code: &str,
    name: &str,
) -> Result<Option<(String, DeviceWire)>, AccessError> {
    check_device_name(name)?;
    let h = token_hash(&normal_code(code));
    let row: Option<(String, String, Option<String>)> = conn
        .query_row(
            "SELECT kind, expires_at, used_at FROM enroll_codes WHERE code_hash = ?1",
            [&h],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let now = Utc::now();
    let Some((kind, expires, None)) = row else {
        return Ok(None);
    };
    if parse_time(&expires).is_none_or(|e| e <= now) {
        return Ok(None);
    }
    let kind = match kind.as_str() {
        "kiosk" => DeviceKind::Kiosk,
        "board" => DeviceKind::Board,
        _ => {
            return Err(AccessError::invalid(
                "Thiết bị tại quầy được thêm cùng mã quầy (motcua device add --counter).",
                "A counter device is added with its counter (motcua device add --counter).",
            ))
        }
    };
    // Enrolling again replaces a device of the same kind (a kiosk whose token was lost); a
    // name another kind of device holds is not taken over. The code stays unused.
    if let Some(held) = device_by_name(conn, name)? {
        if held.kind != kind {
            return Err(AccessError::invalid(
                "Tên này đã thuộc về một thiết bị loại khác. Vui lòng chọn tên khác.",
                "This name belongs to another kind of device. Please choose another name.",
            ));
        }
    }
    conn.execute(
        "UPDATE enroll_codes SET used_at = ?2, used_by = ?3 WHERE code_hash = ?1",
        params![h, now_text(now), name],
    )?;
    let actor = Actor::device(name, None);
    remove_device_if_present(conn, name, &actor)?;
    let token = add_device(conn, kind, name, None, &actor)?;
    let wire = device_by_name(conn, name)?.expect("just added");
    Ok(Some((token, wire)))
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

    fn staff(role: Role) -> NewStaff {
        NewStaff {
            username: "lan.nguyen".into(),
            full_name: "Nguyễn Thị Lan".into(),
            role,
            password: "mot-mat-khau-dai".into(),
            counters: vec![],
            services: vec![],
        }
    }

    #[test]
    fn passwords_are_argon2id_and_checked() {
        let h = hash_password("mot-mat-khau-dai");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(password_matches("mot-mat-khau-dai", &h));
        assert!(!password_matches("mot-mat-khau-dai ", &h));
        assert!(!password_matches("x", "not a phc string"));
    }

    #[test]
    fn five_wrong_passwords_lock_the_account_whatever_the_password() {
        let (_d, conn) = db();
        add_staff(&conn, &staff(Role::Counter), &Actor::cli("root")).unwrap();
        let now = Utc::now();
        for _ in 0..4 {
            assert_eq!(
                check_sign_in(&conn, "lan.nguyen", "sai", None, now).unwrap(),
                SignInCheck::Wrong
            );
        }
        assert!(matches!(
            check_sign_in(&conn, "lan.nguyen", "sai", None, now).unwrap(),
            SignInCheck::Locked(_)
        ));
        assert!(matches!(
            check_sign_in(&conn, "lan.nguyen", "mot-mat-khau-dai", None, now).unwrap(),
            SignInCheck::Locked(_)
        ));
        let later = now + chrono::TimeDelta::seconds(LOCK_SECS + 1);
        assert!(matches!(
            check_sign_in(&conn, "lan.nguyen", "mot-mat-khau-dai", None, later).unwrap(),
            SignInCheck::Ok(_)
        ));
        assert_eq!(crate::access::audit::verify(&conn).unwrap(), Ok(7));
    }

    #[test]
    fn a_disabled_account_cannot_sign_in() {
        let (_d, conn) = db();
        add_staff(&conn, &staff(Role::Admin), &Actor::cli("root")).unwrap();
        set_enabled(&conn, "lan.nguyen", false, &Actor::cli("root")).unwrap();
        assert_eq!(
            check_sign_in(&conn, "lan.nguyen", "mot-mat-khau-dai", None, Utc::now()).unwrap(),
            SignInCheck::Wrong
        );
    }

    #[test]
    fn bad_accounts_are_refused_and_change_nothing() {
        let (_d, conn) = db();
        let mut s = staff(Role::Counter);
        s.password = "ngan".into();
        assert!(matches!(
            add_staff(&conn, &s, &Actor::cli("root")),
            Err(AccessError::Invalid { .. })
        ));
        s = staff(Role::Counter);
        s.username = "Có Dấu".into();
        assert!(add_staff(&conn, &s, &Actor::cli("root")).is_err());
        for (name, counters) in [
            ("\u{200B}\u{200C}", vec![]),
            ("Lan\0", vec![]),
            ("\u{202E}naL", vec![]),
            (" ", vec![]),
            ("Lan", vec!["quay\u{2066}1".to_string()]),
            ("Lan", vec!["quay-1".to_string(); MAX_ASSIGNED + 1]),
        ] {
            s = staff(Role::Counter);
            s.full_name = name.into();
            s.counters = counters;
            let e = add_staff(&conn, &s, &Actor::cli("root")).unwrap_err();
            assert!(matches!(e, AccessError::Invalid { .. }), "{name:?}: {e}");
        }
        for name in [
            "",
            "kiosk\u{FEFF}",
            "kiosk\u{200F}1",
            "kiosk 1",
            &"k".repeat(65),
        ] {
            assert!(
                matches!(
                    add_device(&conn, DeviceKind::Kiosk, name, None, &Actor::cli("root")),
                    Err(AccessError::Invalid { .. })
                ),
                "{name:?}"
            );
        }
        assert!(list_staff(&conn).unwrap().is_empty());
        assert!(list_devices(&conn).unwrap().is_empty());
        assert_eq!(crate::access::audit::verify(&conn).unwrap(), Ok(0));
    }

    #[test]
    fn device_tokens_are_stored_hashed_and_revoked_at_once() {
        let (_d, conn) = db();
        let a = Actor::cli("root");
        let t = add_device(&conn, DeviceKind::Kiosk, "kiosk-1", None, &a).unwrap();
        assert!(t.len() >= 40);
        let stored: String = conn
            .query_row("SELECT token_hash FROM devices", [], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, t);
        assert_eq!(device_by_token(&conn, &t).unwrap().unwrap().name, "kiosk-1");
        assert!(matches!(
            add_device(&conn, DeviceKind::Kiosk, "kiosk-1", None, &a),
            Err(AccessError::Exists(_))
        ));
        assert!(add_device(&conn, DeviceKind::Counter, "c-1", None, &a).is_err());
        revoke_device(&conn, "kiosk-1", &a).unwrap();
        assert!(device_by_token(&conn, &t).unwrap().is_none());
    }

    #[test]
    fn an_enrollment_code_works_once_and_typed_loosely() {
        let (_d, conn) = db();
        let (code, _) = make_enroll_code(&conn, DeviceKind::Kiosk, &Actor::cli("root")).unwrap();
        assert_eq!(code.len(), 9);
        let typed = code.to_lowercase().replace('-', " ");
        let (token, dev) = enroll(&conn, &typed, "kiosk-sanh").unwrap().unwrap();
        assert_eq!(dev.kind, DeviceKind::Kiosk);
        assert!(device_by_token(&conn, &token).unwrap().is_some());
        assert!(enroll(&conn, &code, "kiosk-2").unwrap().is_none());
        assert!(enroll(&conn, "AAAA-BBBB", "kiosk-3").unwrap().is_none());
    }

    #[test]
    fn enrolling_replaces_only_its_own_kind_and_counter_codes_are_not_made() {
        let (_d, conn) = db();
        let a = Actor::cli("root");
        let board = add_device(&conn, DeviceKind::Board, "tv-sanh", None, &a).unwrap();
        let (code, _) = make_enroll_code(&conn, DeviceKind::Kiosk, &a).unwrap();
        // A kiosk code cannot take over the board's name: refused, the board keeps working,
        // and the code is still good for a free name.
        assert!(matches!(
            enroll(&conn, &code, "tv-sanh"),
            Err(AccessError::Invalid { .. })
        ));
        assert_eq!(
            device_by_token(&conn, &board).unwrap().unwrap().kind,
            DeviceKind::Board
        );
        let (old, _) = enroll(&conn, &code, "kiosk-1").unwrap().unwrap();
        // The same kiosk enrolling again (its token file lost) replaces its token.
        let (code2, _) = make_enroll_code(&conn, DeviceKind::Kiosk, &a).unwrap();
        let (new, _) = enroll(&conn, &code2, "kiosk-1").unwrap().unwrap();
        assert!(device_by_token(&conn, &old).unwrap().is_none());
        assert!(device_by_token(&conn, &new).unwrap().is_some());
        assert!(make_enroll_code(&conn, DeviceKind::Counter, &a).is_err());
        assert_eq!(
            crate::access::audit::verify(&conn).unwrap().map(|n| n > 0),
            Ok(true)
        );
    }
}
