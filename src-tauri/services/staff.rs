//! The local emergency PIN with lockout: after [`MAX_FAILURES`] wrong PINs in a row, no attempt
//! is accepted for [`LOCKOUT`]. The count and the end of the lock are kept in a small private
//! file of the kiosk's data folder ([`STATE_FILE`], mode 0600, two numbers and nothing else),
//! written before each answer, so killing and restarting the kiosk does not reset them.

use motcua_core::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const MAX_FAILURES: u32 = 5;
pub const LOCKOUT: Duration = Duration::from_secs(300);
/// How long a successful unlock lets staff act (leave kiosk mode). In memory only: a restart
/// ends it.
pub const UNLOCK_WINDOW: Duration = Duration::from_secs(120);
/// The lockout's file in the kiosk's data folder.
pub const STATE_FILE: &str = "pin-lockout.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinOutcome {
    Ok,
    Wrong { remaining: u32 },
    LockedOut { retry_after: Duration },
}

/// What survives a restart: wrong PINs in a row, and until when (Unix seconds) entry is locked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counter {
    pub failures: u32,
    pub locked_until: Option<u64>,
}

impl Counter {
    /// Locked for [`LOCKOUT`] from `now`.
    fn locked_from(now: SystemTime) -> Counter {
        Counter {
            failures: 0,
            locked_until: Some(secs(now) + LOCKOUT.as_secs()),
        }
    }
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[derive(Debug)]
pub struct PinLock {
    pin: String,
    counter: Counter,
    unlocked_at: Option<SystemTime>,
}

impl PinLock {
    /// A lock opened by `pin`, with the count kept from before.
    pub fn new(pin: String, counter: Counter) -> Self {
        PinLock {
            pin,
            counter,
            unlocked_at: None,
        }
    }

    /// The count and lock now (what is written to the file).
    pub fn counter(&self) -> Counter {
        self.counter
    }

    pub fn attempt(&mut self, pin: &str, now: SystemTime) -> PinOutcome {
        let t = secs(now);
        if let Some(until) = self.counter.locked_until {
            // A clock set back (or a file from the future) never locks longer than LOCKOUT.
            let until = until.min(t + LOCKOUT.as_secs());
            if t < until {
                self.counter.locked_until = Some(until);
                return PinOutcome::LockedOut {
                    retry_after: Duration::from_secs(until - t),
                };
            }
            self.counter = Counter::default();
        }
        if constant_time_eq(pin.as_bytes(), self.pin.as_bytes()) {
            self.counter = Counter::default();
            self.unlocked_at = Some(now);
            return PinOutcome::Ok;
        }
        self.counter.failures += 1;
        if self.counter.failures >= MAX_FAILURES {
            self.counter = Counter::locked_from(now);
            return PinOutcome::LockedOut {
                retry_after: LOCKOUT,
            };
        }
        PinOutcome::Wrong {
            remaining: MAX_FAILURES - self.counter.failures,
        }
    }

    /// Whether staff unlocked recently enough to act (a clock set back: no).
    pub fn is_unlocked(&self, now: SystemTime) -> bool {
        self.unlocked_at
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|d| d <= UNLOCK_WINDOW)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads the lockout file: none yet is a clean count; one that cannot be read or understood
/// locks entry for [`LOCKOUT`] (fail closed), said in the log.
fn load(path: &Path, now: SystemTime) -> Counter {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Counter::default(),
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "cannot read the emergency PIN's lockout: entry locked for 5 minutes");
            return Counter::locked_from(now);
        }
    };
    match serde_json::from_str::<Counter>(&text) {
        Ok(mut c) => {
            c.failures = c.failures.min(MAX_FAILURES - 1);
            c
        }
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "the emergency PIN's lockout file is damaged: entry locked for 5 minutes");
            Counter::locked_from(now)
        }
    }
}

/// The local emergency PIN (leaving kiosk mode), its lockout kept in `path`.
pub struct StaffLock {
    lock: Mutex<PinLock>,
    path: PathBuf,
}

impl StaffLock {
    /// A lock opened by `pin`, with the count of wrong PINs and the lock kept in `path`
    /// (normally [`STATE_FILE`] in the data folder).
    pub fn open(pin: String, path: PathBuf) -> StaffLock {
        let counter = load(&path, SystemTime::now());
        if counter.locked_until.is_some() || counter.failures > 0 {
            tracing::warn!(
                failures = counter.failures,
                locked = counter.locked_until.is_some(),
                "the emergency PIN's lockout carries on from before the restart"
            );
        }
        StaffLock {
            lock: Mutex::new(PinLock::new(pin, counter)),
            path,
        }
    }

    /// Tries the PIN: wrong ones are counted, too many lock it for a while.
    pub fn unlock(&self, pin: &str) -> Result<(), ApiError> {
        self.unlock_at(pin, SystemTime::now())
    }

    /// [`StaffLock::unlock`] at the time `now`. The count is on disk before the answer.
    pub fn unlock_at(&self, pin: &str, now: SystemTime) -> Result<(), ApiError> {
        let mut l = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let before = l.counter();
        let outcome = l.attempt(pin, now);
        if l.counter() != before {
            self.save(l.counter());
        }
        drop(l);
        match outcome {
            PinOutcome::Ok => Ok(()),
            PinOutcome::Wrong { remaining } => Err(ApiError::new(
                ErrorCode::WrongPin,
                format!("Mã PIN không đúng. Còn {remaining} lần thử."),
                format!("Wrong PIN. {remaining} attempts left."),
            )),
            PinOutcome::LockedOut { retry_after } => {
                let minutes = retry_after.as_secs().div_ceil(60);
                Err(ApiError::new(
                    ErrorCode::LockedOut,
                    format!("Nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."),
                    format!("Too many wrong PINs. Please try again in {minutes} minutes."),
                ))
            }
        }
    }

    /// Writes the count (whole, 0600). A write that fails is logged; the count in memory
    /// still holds until the kiosk stops.
    fn save(&self, c: Counter) {
        let json = serde_json::to_vec(&c).unwrap_or_default();
        if let Err(e) = super::identity::write_private(&self.path, &json) {
            tracing::error!(path = %self.path.display(), error = %e, "cannot keep the emergency PIN's lockout: a restart would reset it");
        }
    }

    /// Whether a right PIN was entered recently.
    pub fn is_unlocked(&self) -> bool {
        self.lock
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_unlocked(SystemTime::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn t0() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_750_000_000)
    }

    #[test]
    fn right_pin_unlocks_for_a_while() {
        let mut l = PinLock::new("1234".into(), Counter::default());
        let t0 = t0();
        assert!(!l.is_unlocked(t0));
        assert_eq!(l.attempt("1234", t0), PinOutcome::Ok);
        assert!(l.is_unlocked(t0 + Duration::from_secs(60)));
        assert!(!l.is_unlocked(t0 + UNLOCK_WINDOW + Duration::from_secs(1)));
        assert!(
            !l.is_unlocked(t0 - Duration::from_secs(1)),
            "a clock set back"
        );
    }

    #[test]
    fn five_failures_lock_out_even_the_right_pin() {
        let mut l = PinLock::new("1234".into(), Counter::default());
        let t0 = t0();
        for n in 1..MAX_FAILURES {
            assert_eq!(
                l.attempt("0000", t0),
                PinOutcome::Wrong {
                    remaining: MAX_FAILURES - n
                }
            );
        }
        assert!(matches!(
            l.attempt("0000", t0),
            PinOutcome::LockedOut { .. }
        ));
        assert_eq!(
            l.attempt("1234", t0 + Duration::from_secs(10)),
            PinOutcome::LockedOut {
                retry_after: LOCKOUT - Duration::from_secs(10)
            }
        );
        assert!(!l.is_unlocked(t0));
        assert_eq!(
            l.attempt("1234", t0 + LOCKOUT + Duration::from_secs(1)),
            PinOutcome::Ok
        );
        assert_eq!(l.counter(), Counter::default());
    }

    #[test]
    fn a_clock_set_back_never_locks_longer_than_the_lockout() {
        let far = secs(t0()) + 30 * 24 * 3600;
        let mut l = PinLock::new(
            "1234".into(),
            Counter {
                failures: 0,
                locked_until: Some(far),
            },
        );
        assert_eq!(
            l.attempt("1234", t0()),
            PinOutcome::LockedOut {
                retry_after: LOCKOUT
            }
        );
        assert_eq!(
            l.attempt("1234", t0() + LOCKOUT + Duration::from_secs(1)),
            PinOutcome::Ok
        );
    }

    fn code(r: Result<(), ApiError>) -> Option<ErrorCode> {
        r.err().map(|e| e.code)
    }

    #[test]
    fn the_lockout_survives_a_restart_in_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STATE_FILE);
        let t0 = t0();

        // Three wrong PINs, a restart, two more: locked.
        let lock = StaffLock::open("97531".into(), path.clone());
        for _ in 0..3 {
            assert_eq!(code(lock.unlock_at("0000", t0)), Some(ErrorCode::WrongPin));
        }
        drop(lock);
        let lock = StaffLock::open("97531".into(), path.clone());
        let e = lock.unlock_at("0000", t0).unwrap_err();
        assert!(e.message_en.contains("1 attempts left"), "{e:?}");
        assert_eq!(code(lock.unlock_at("0000", t0)), Some(ErrorCode::LockedOut));
        drop(lock);

        // Killed and started again: the right PIN is still refused until the lock ends.
        let lock = StaffLock::open("97531".into(), path.clone());
        assert_eq!(
            code(lock.unlock_at("97531", t0 + Duration::from_secs(60))),
            Some(ErrorCode::LockedOut)
        );
        assert!(!lock.is_unlocked());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by the kiosk's user only");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("97531"),
            "the PIN is not in the file: {text}"
        );
        assert_eq!(
            serde_json::from_str::<Counter>(&text).unwrap(),
            Counter {
                failures: 0,
                locked_until: Some(secs(t0) + LOCKOUT.as_secs())
            }
        );
        drop(lock);

        let lock = StaffLock::open("97531".into(), path.clone());
        assert_eq!(
            code(lock.unlock_at("97531", t0 + LOCKOUT + Duration::from_secs(1))),
            None,
            "the lock has ended"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            serde_json::from_str::<Counter>(&text).unwrap(),
            Counter::default(),
            "a right PIN clears the count on disk too"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    }

    #[test]
    fn a_damaged_lockout_file_locks_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STATE_FILE);
        std::fs::write(&path, "{not json").unwrap();
        let lock = StaffLock::open("97531".into(), path.clone());
        assert_eq!(code(lock.unlock("97531")), Some(ErrorCode::LockedOut));
        // A file saying more failures than the limit counts as one short of it.
        std::fs::write(&path, r#"{"failures":99,"locked_until":null}"#).unwrap();
        let lock = StaffLock::open("97531".into(), path);
        assert_eq!(code(lock.unlock("0000")), Some(ErrorCode::LockedOut));
    }
}
