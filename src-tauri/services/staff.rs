//! Staff PIN with lockout: after [`MAX_FAILURES`] wrong PINs in a row, no attempt is accepted
//! for [`LOCKOUT`].

use motcua_core::{ApiError, ErrorCode};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: u32 = 5;
pub const LOCKOUT: Duration = Duration::from_secs(300);
/// How long a successful unlock lets staff act (leave kiosk mode).
pub const UNLOCK_WINDOW: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinOutcome {
    Ok,
    Wrong { remaining: u32 },
    LockedOut { retry_after: Duration },
}

#[derive(Debug)]
pub struct PinLock {
    pin: String,
    failures: u32,
    locked_until: Option<Instant>,
    unlocked_at: Option<Instant>,
}

impl PinLock {
    pub fn new(pin: String) -> Self {
        PinLock {
            pin,
            failures: 0,
            locked_until: None,
            unlocked_at: None,
        }
    }

    pub fn attempt(&mut self, pin: &str, now: Instant) -> PinOutcome {
        if let Some(until) = self.locked_until {
            if now < until {
                return PinOutcome::LockedOut {
                    retry_after: until - now,
                };
            }
            self.locked_until = None;
            self.failures = 0;
        }
        if constant_time_eq(pin.as_bytes(), self.pin.as_bytes()) {
            self.failures = 0;
            self.unlocked_at = Some(now);
            return PinOutcome::Ok;
        }
        self.failures += 1;
        if self.failures >= MAX_FAILURES {
            self.locked_until = Some(now + LOCKOUT);
            return PinOutcome::LockedOut {
                retry_after: LOCKOUT,
            };
        }
        PinOutcome::Wrong {
            remaining: MAX_FAILURES - self.failures,
        }
    }

    /// Whether staff unlocked recently enough to act.
    pub fn is_unlocked(&self, now: Instant) -> bool {
        self.unlocked_at
            .is_some_and(|t| now.duration_since(t) <= UNLOCK_WINDOW)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Staff at the kiosk: the PIN that unlocks the staff screen (and leaving kiosk mode).
pub struct StaffLock(Mutex<PinLock>);

impl StaffLock {
    /// A lock opened by `pin`.
    pub fn new(pin: String) -> StaffLock {
        StaffLock(Mutex::new(PinLock::new(pin)))
    }

    /// Tries the PIN: wrong ones are counted, too many lock it for a while.
    pub fn unlock(&self, pin: &str) -> Result<(), ApiError> {
        let outcome = self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .attempt(pin, Instant::now());
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

    /// Whether a right PIN was entered recently.
    pub fn is_unlocked(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_unlocked(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_pin_unlocks_for_a_while() {
        let mut l = PinLock::new("1234".into());
        let t0 = Instant::now();
        assert!(!l.is_unlocked(t0));
        assert_eq!(l.attempt("1234", t0), PinOutcome::Ok);
        assert!(l.is_unlocked(t0 + Duration::from_secs(60)));
        assert!(!l.is_unlocked(t0 + UNLOCK_WINDOW + Duration::from_secs(1)));
    }

    #[test]
    fn five_failures_lock_out_even_the_right_pin() {
        let mut l = PinLock::new("1234".into());
        let t0 = Instant::now();
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
        assert!(matches!(
            l.attempt("1234", t0 + Duration::from_secs(10)),
            PinOutcome::LockedOut { .. }
        ));
        assert!(!l.is_unlocked(t0));
        assert_eq!(
            l.attempt("1234", t0 + LOCKOUT + Duration::from_secs(1)),
            PinOutcome::Ok
        );
    }
}
