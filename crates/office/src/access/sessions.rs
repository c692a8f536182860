//! Staff sessions in memory: browser sessions (an HttpOnly cookie and a CSRF token) and assist
//! sessions at a kiosk (a token the kiosk sends beside its own). Keyed by the SHA-256 of the
//! secret, so the map never holds a usable credential; each ends after the idle time. A
//! restart ends them all (staff sign in again; nothing else is lost).

use super::store::{random_token, token_hash};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most sessions held at once (an office has tens of staff); the oldest idle one goes first.
pub const MAX_SESSIONS: usize = 4096;

/// One session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Whose.
    pub username: String,
    /// The CSRF token of a browser session (`None`: an assist session).
    pub csrf: Option<String>,
    /// The kiosk of an assist session.
    pub device: Option<String>,
    /// The counter chosen on the counter page.
    pub counter_id: Option<String>,
    last_seen: Instant,
}

/// The office's staff sessions.
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
    idle: Duration,
}

impl Sessions {
    /// Sessions that end after `idle` unused.
    pub fn new(idle: Duration) -> Sessions {
        Sessions {
            map: Mutex::new(HashMap::new()),
            idle,
        }
    }

    /// The idle time.
    pub fn idle(&self) -> Duration {
        self.idle
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new browser session for `username`: its secret (the cookie) and its CSRF token.
    pub fn open_browser(&self, username: &str) -> (String, String) {
        let (secret, csrf) = (random_token(), random_token());
        self.insert(
            &secret,
            Session {
                username: username.to_owned(),
                csrf: Some(csrf.clone()),
                device: None,
                counter_id: None,
                last_seen: Instant::now(),
            },
        );
        (secret, csrf)
    }

    /// A new assist session for `username` at the kiosk `device`: its secret.
    pub fn open_assist(&self, username: &str, device: &str) -> String {
        let secret = random_token();
        self.insert(
            &secret,
            Session {
                username: username.to_owned(),
                csrf: None,
                device: Some(device.to_owned()),
                counter_id: None,
                last_seen: Instant::now(),
            },
        );
        secret
    }

    fn insert(&self, secret: &str, s: Session) {
        let mut map = self.map();
        let now = Instant::now();
        map.retain(|_, s| now.duration_since(s.last_seen) < self.idle);
        if map.len() >= MAX_SESSIONS {
            if let Some(oldest) = map
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(token_hash(secret), s);
    }

    /// The live session of `secret`, touched (its idle time starts again); `None` if there is
    /// none or it sat unused too long (it is then dropped).
    pub fn touch(&self, secret: &str) -> Option<Session> {
        let key = token_hash(secret);
        let mut map = self.map();
        let now = Instant::now();
        let s = map.get_mut(&key)?;
        if now.duration_since(s.last_seen) >= self.idle {
            map.remove(&key);
            return None;
        }
        s.last_seen = now;
        Some(s.clone())
    }

    /// Binds the browser session `secret` to a counter.
    pub fn bind_counter(&self, secret: &str, counter_id: &str) -> bool {
        let mut map = self.map();
        match map.get_mut(&token_hash(secret)) {
            Some(s) => {
                s.counter_id = Some(counter_id.to_owned());
                true
            }
            None => false,
        }
    }

    /// Ends the session `secret`.
    pub fn close(&self, secret: &str) -> bool {
        self.map().remove(&token_hash(secret)).is_some()
    }

    /// Ends every session of `username` but `keep` (after a password change, or all of them
    /// when an account is disabled).
    pub fn close_all_of(&self, username: &str, keep: Option<&str>) {
        let keep = keep.map(token_hash);
        self.map()
            .retain(|k, s| s.username != username || Some(k) == keep.as_ref());
    }

    /// Sessions open now.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// Whether none is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_when_idle_and_on_close() {
        let s = Sessions::new(Duration::from_millis(50));
        let (secret, csrf) = s.open_browser("lan");
        let got = s.touch(&secret).unwrap();
        assert_eq!(got.csrf.as_deref(), Some(csrf.as_str()));
        assert!(s.touch("not-a-session").is_none());
        std::thread::sleep(Duration::from_millis(80));
        assert!(s.touch(&secret).is_none());
        let (secret, _) = s.open_browser("lan");
        let other = s.open_assist("lan", "kiosk-1");
        s.close_all_of("lan", Some(&secret));
        assert!(s.touch(&other).is_none());
        assert!(s.close(&secret));
        assert!(s.is_empty());
    }
}
