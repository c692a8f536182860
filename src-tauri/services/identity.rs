//! The kiosk's identity at the office server (issue 12): its device token, kept in a file only
//! the kiosk's user can read and sent as `Authorization: Bearer` on every request, and the
//! staff member's assist token while one assists at the kiosk (`X-Assist-Token`, in memory only).
//!
//! Neither token is ever logged: [`Secret`]'s `Debug` and `Display` print `[hidden]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;

/// A token that never reaches a log: its `Debug` and `Display` say `[hidden]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The token itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[hidden]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[hidden]")
    }
}

/// What the kiosk sends to prove who it is: shared by every clone of the office client.
#[derive(Default)]
pub struct Credentials {
    token: RwLock<Option<Secret>>,
    assist: RwLock<Option<Secret>>,
    /// The server answered 401 `unauthorized` to the token (revoked, or another server's).
    refused: AtomicBool,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("token", &self.has_token())
            .field("assisting", &self.assist().is_some())
            .field("refused", &self.refused())
            .finish()
    }
}

impl Credentials {
    /// The device token, if the kiosk has one.
    pub fn token(&self) -> Option<Secret> {
        self.token.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Whether the kiosk has a token (it may still be refused).
    pub fn has_token(&self) -> bool {
        self.token
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Sets the device token (after enrollment, or read at start).
    pub fn set_token(&self, token: Option<Secret>) {
        *self.token.write().unwrap_or_else(|p| p.into_inner()) = token;
        self.refused.store(false, Ordering::Relaxed);
    }

    /// The assist token while a staff member assists at the kiosk.
    pub fn assist(&self) -> Option<Secret> {
        self.assist
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Sets or drops the assist token (memory only, never on disk).
    pub fn set_assist(&self, token: Option<Secret>) {
        *self.assist.write().unwrap_or_else(|p| p.into_inner()) = token;
    }

    /// Records that the server refused the token (401 `unauthorized`).
    pub fn mark_refused(&self) {
        if !self.refused.swap(true, Ordering::Relaxed) {
            tracing::warn!("the office server refused this kiosk's device token: enroll it again");
        }
    }

    /// Whether the server refused the token since it was set.
    pub fn refused(&self) -> bool {
        self.refused.load(Ordering::Relaxed)
    }

    /// Whether staff must enroll the kiosk: no token, or the server refused it.
    pub fn needs_enrollment(&self) -> bool {
        !self.has_token() || self.refused()
    }
}

/// The file holding the kiosk's device token: mode 0600, replaced atomically.
#[derive(Debug, Clone)]
pub struct TokenFile {
    path: PathBuf,
}

impl TokenFile {
    /// The token file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> TokenFile {
        TokenFile { path: path.into() }
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The token in the file; `None` when there is no file or it is empty. A file others can
    /// read is made private again (and said so in the log, without the token).
    pub fn read(&self) -> std::io::Result<Option<Secret>> {
        use std::os::unix::fs::PermissionsExt;
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mode = std::fs::metadata(&self.path)?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %self.path.display(),
                "the device token file was readable by others: made private (0600)"
            );
            std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o600))?;
        }
        let token = text.trim();
        Ok((!token.is_empty()).then(|| Secret::new(token)))
    }

    /// Writes the token: replaced whole, never readable by others ([`write_private`]).
    pub fn write(&self, token: &Secret) -> std::io::Result<()> {
        write_private(&self.path, format!("{}\n", token.expose()).as_bytes())
    }
}

/// Writes `bytes` to `path`: a new private file (0600 from its creation) in the same folder,
/// flushed, then renamed over the old one, so the file is always whole and never readable by
/// others, even for a moment. The folder is made if missing and flushed after the rename.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename itself survives a power cut once the folder is flushed.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// The office client's HTTP: every request carries the device token and, while a staff member
/// assists, the assist token. A 401 to a request that sent the device token alone means the
/// server no longer knows it (revoked, another server's): the staff screen offers enrollment.
/// A 401 while assisting ends the assist session (it expired at the server).
#[derive(Clone)]
pub struct AuthedHttp {
    inner: reqwest::Client,
    creds: std::sync::Arc<Credentials>,
}

impl AuthedHttp {
    /// Wraps `inner`, with no token yet.
    pub fn new(inner: reqwest::Client) -> AuthedHttp {
        AuthedHttp {
            inner,
            creds: Default::default(),
        }
    }

    /// The credentials every clone of this client sends.
    pub fn credentials(&self) -> &std::sync::Arc<Credentials> {
        &self.creds
    }

    fn wrap(&self, rb: reqwest::RequestBuilder) -> Req {
        Req {
            rb,
            creds: self.creds.clone(),
            watch: true,
        }
    }

    /// A GET with the kiosk's credentials.
    pub fn get(&self, url: impl reqwest::IntoUrl) -> Req {
        self.wrap(self.inner.get(url))
    }

    /// A POST with the kiosk's credentials.
    pub fn post(&self, url: impl reqwest::IntoUrl) -> Req {
        self.wrap(self.inner.post(url))
    }

    /// A DELETE with the kiosk's credentials.
    pub fn delete(&self, url: impl reqwest::IntoUrl) -> Req {
        self.wrap(self.inner.delete(url))
    }
}

/// A request being built by [`AuthedHttp`]: the builder calls the office client uses.
pub struct Req {
    rb: reqwest::RequestBuilder,
    creds: std::sync::Arc<Credentials>,
    watch: bool,
}

impl Req {
    /// A header.
    pub fn header(mut self, k: &str, v: &str) -> Req {
        self.rb = self.rb.header(k, v);
        self
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Req {
        self.rb = self.rb.json(body);
        self
    }

    /// Query parameters.
    pub fn query<T: serde::Serialize + ?Sized>(mut self, q: &T) -> Req {
        self.rb = self.rb.query(q);
        self
    }

    /// This request's own timeout.
    pub fn timeout(mut self, d: std::time::Duration) -> Req {
        self.rb = self.rb.timeout(d);
        self
    }

    /// A 401 to this request says nothing of the device token (a wrong password or
    /// enrollment code answers 401 too).
    pub fn own_401(mut self) -> Req {
        self.watch = false;
        self
    }

    /// Sends it with the credentials as they are now.
    pub async fn send(self) -> reqwest::Result<reqwest::Response> {
        let mut rb = self.rb;
        if let Some(t) = self.creds.token() {
            rb = rb.bearer_auth(t.expose());
        }
        let assist = self.creds.assist();
        if let Some(a) = &assist {
            rb = rb.header("X-Assist-Token", a.expose());
        }
        let r = rb.send().await?;
        if self.watch && r.status() == reqwest::StatusCode::UNAUTHORIZED {
            if assist.is_some() {
                tracing::info!("the office server ended the staff assist session");
                self.creds.set_assist(None);
            } else if self.creds.has_token() {
                self.creds.mark_refused();
            }
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_token_file_is_private_and_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = TokenFile::new(dir.path().join("sub/device-token"));
        assert_eq!(file.read().unwrap(), None, "no file: no token");
        file.write(&Secret::new("tok-1")).unwrap();
        let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by the kiosk's user only");
        assert_eq!(file.read().unwrap(), Some(Secret::new("tok-1")));
        file.write(&Secret::new("tok-2")).unwrap();
        assert_eq!(file.read().unwrap(), Some(Secret::new("tok-2")));
        let left: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
        let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_token_file_others_can_read_is_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device-token");
        std::fs::write(&path, "  tok-3 \n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let file = TokenFile::new(&path);
        assert_eq!(file.read().unwrap(), Some(Secret::new("tok-3")), "trimmed");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::write(&path, "\n").unwrap();
        assert_eq!(file.read().unwrap(), None, "an empty file: no token");
    }

    #[test]
    fn tokens_are_never_printed() {
        let s = Secret::new("very-secret-token");
        assert_eq!(format!("{s}"), "[hidden]");
        assert_eq!(format!("{s:?}"), "[hidden]");
        let c = Credentials::default();
        c.set_token(Some(s.clone()));
        c.set_assist(Some(Secret::new("assist-secret")));
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("assist-secret"),
            "{shown}"
        );
        assert!(!c.needs_enrollment());
        c.mark_refused();
        assert!(c.needs_enrollment(), "a refused token needs enrollment");
        c.set_token(Some(Secret::new("new")));
        assert!(!c.needs_enrollment(), "a new token is tried afresh");
        c.set_token(None);
        assert!(c.needs_enrollment());
    }
}
