//! HTTP client of the office server: the same path whether the server is embedded on loopback
//! or elsewhere on the office LAN.

use super::identity::{AuthedHttp, Credentials};
use super::local_store::OfflineTicket;
use motcua_core::catalog::{CatalogChanges, FieldCount, Hit, ProcedurePage, SearchPage};
use motcua_core::{
    ApiError, DeviceReport, DeviceSignIn, DeviceStatus, ErrorCode, IssueTicketRequest,
    OfflineTicketRequest, Service, SignInState, Ticket,
};
use std::time::Duration;

#[derive(Clone)]
pub struct OfficeClient {
    base: String,
    /// Sends the device token (and the assist token while staff assist) on every request.
    http: AuthedHttp,
}

impl OfficeClient {
    pub fn new(base: String) -> Self {
        Self::trusting(base, None).expect("the HTTP client builds with static settings")
    }

    /// A client that trusts, besides the usual public roots, the office's own certificate
    /// authority: `ca_pem` is the PEM text of `office.ca_file` (one or more certificates). A
    /// file with no certificate in it, or one that is not PEM, is refused with its reason.
    pub fn trusting(base: String, ca_pem: Option<&[u8]>) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            // The office server closes a connection idle for 10 s: let go of it first, so a
            // request never goes out on a connection the server is closing.
            .pool_idle_timeout(Duration::from_secs(5))
            .https_only(base.starts_with("https://"));
        if let Some(pem) = ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| format!("not a PEM certificate file: {e}"))?;
            if certs.is_empty() {
                return Err("no certificate (a PEM \"BEGIN CERTIFICATE\" block) in it".into());
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| e.to_string())?;
        Ok(OfficeClient {
            base,
            http: AuthedHttp::new(http),
        })
    }

    /// The device token and assist token this client (and each of its clones) sends.
    pub fn credentials(&self) -> &std::sync::Arc<Credentials> {
        self.http.credentials()
    }

    /// Base URL of the office server, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn healthy(&self) -> bool {
        matches!(
            self.http
                .get(format!("{}/healthz", self.base))
                .timeout(Duration::from_secs(1))
                .send()
                .await,
            Ok(r) if r.status().is_success()
        )
    }

    pub async fn services(&self) -> Result<Vec<Service>, ClientError> {
        let r = self
            .http
            .get(format!("{}/api/v1/services", self.base))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    /// The counters with the services each serves (for "Quầy phục vụ" on the ticket).
    pub async fn counters(&self) -> Result<Vec<motcua_core::queue::CounterWire>, ClientError> {
        let r = self
            .http
            .get(format!("{}/api/v1/counters", self.base))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    /// Takes a number. `idempotency_key` is made once per press of the button: a retry with the
    /// same key (after a timeout) gets the ticket the first request made, not a second number.
    pub async fn issue(
        &self,
        req: &IssueTicketRequest,
        idempotency_key: &str,
    ) -> Result<Ticket, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/tickets", self.base))
            .header("idempotency-key", idempotency_key)
            .json(req)
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    /// Tells the server what this kiosk's devices are doing (a printer fault, at once).
    pub async fn report_device(&self, report: &DeviceReport) -> Result<DeviceStatus, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/devices/status", self.base))
            .json(report)
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    /// Hands a ticket issued offline to the server (idempotent on its `local_id`).
    pub async fn send_offline(
        &self,
        t: &OfflineTicket,
        kiosk_id: &str,
    ) -> Result<Ticket, ClientError> {
        let body = OfflineTicketRequest {
            local_id: t.local_id.clone(),
            kiosk_id: kiosk_id.to_string(),
            service_id: t.service_id.clone(),
            priority: t.priority,
            number: t.number.clone(),
            issued_at: t.issued_at.clone(),
        };
        let r = self
            .http
            .post(format!("{}/api/v1/tickets/offline", self.base))
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    /// Ranked procedures for what the citizen typed (the server's own search).
    pub async fn search_procedures(
        &self,
        q: &str,
        field: Option<&str>,
        online: bool,
        limit: usize,
    ) -> Result<Vec<Hit>, ClientError> {
        let mut query: Vec<(&str, String)> =
            vec![("q", q.to_string()), ("limit", limit.to_string())];
        if let Some(f) = field {
            query.push(("field", f.to_string()));
        }
        if online {
            query.push(("online", "true".into()));
        }
        let r = self
            .http
            .get(format!("{}/api/v1/procedures", self.base))
            .query(&query)
            .send()
            .await
            .map_err(unreachable)?;
        let found: SearchPage = decode(r).await?;
        Ok(found.hits)
    }

    /// One procedure with the service queue its field maps to and its public page.
    pub async fn procedure(&self, code: &str) -> Result<ProcedurePage, ClientError> {
        let r = self
            .http
            .get(format!(
                "{}/api/v1/procedures/{}",
                self.base,
                urlencode(code)
            ))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    pub async fn procedure_fields(&self) -> Result<Vec<FieldCount>, ClientError> {
        let r = self
            .http
            .get(format!("{}/api/v1/procedure-fields", self.base))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    /// The catalog's changes after version `since`; `None` when there are none (304).
    pub async fn catalog_changes(&self, since: u64) -> Result<Option<CatalogChanges>, ClientError> {
        let r = self
            .http
            .get(format!("{}/api/v1/catalog/changes", self.base))
            .query(&[("since", since)])
            // A whole catalog is a few megabytes of JSON: give it time on a slow LAN.
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .map_err(unreachable)?;
        if r.status() == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let changes: CatalogChanges = decode(r).await?;
        Ok((changes.version > since).then_some(changes))
    }
}

impl OfficeClient {
    /// Files a dossier; the same key always gives the same dossier (idempotent replay).
    pub async fn submit_dossier(
        &self,
        idem_key: &str,
        req: &motcua_core::dossier::DossierRequest,
    ) -> Result<motcua_core::dossier::Dossier, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/dossiers", self.base))
            .header("Idempotency-Key", idem_key)
            .json(req)
            // Up to 30 MB of attachments over the office LAN.
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    /// Starts a VNeID sign-in (device flow) at the office server.
    pub async fn auth_start(&self) -> Result<DeviceSignIn, ClientError> {
        let r = self
            .http
            .post(format!("{}/api/v1/auth/device", self.base))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    pub async fn auth_state(&self, session_id: &str) -> Result<SignInState, ClientError> {
        let r = self
            .http
            .get(format!(
                "{}/api/v1/auth/device/{}",
                self.base,
                urlencode(session_id)
            ))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    pub async fn auth_end(&self, session_id: &str) -> Result<(), ClientError> {
        let r = self
            .http
            .delete(format!(
                "{}/api/v1/auth/sessions/{}",
                self.base,
                urlencode(session_id)
            ))
            .send()
            .await
            .map_err(unreachable)?;
        if r.status().is_success() {
            Ok(())
        } else {
            decode::<serde_json::Value>(r).await.map(|_| ())
        }
    }
}

impl OfficeClient {
    /// POSTs `body` to a staff route whose 401 is its own answer (a wrong password or
    /// enrollment code), not a verdict on the device token. A 429 says how long to wait.
    pub async fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ClientError> {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .own_401()
            .send()
            .await
            .map_err(unreachable)?;
        let wait = r
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        decode(r).await.map_err(|e| match (e, wait) {
            (ClientError::Refused(e), Some(secs)) if e.code == ErrorCode::TooManyAttempts => {
                ClientError::Refused(with_wait(e, secs))
            }
            (e, _) => e,
        })
    }

    /// DELETEs a staff route (`/api/v1/staff/assist`).
    pub async fn delete_path(&self, path: &str) -> Result<(), ClientError> {
        let r = self
            .http
            .delete(format!("{}{path}", self.base))
            .own_401()
            .send()
            .await
            .map_err(unreachable)?;
        if r.status().is_success() {
            Ok(())
        } else {
            decode::<serde_json::Value>(r).await.map(|_| ())
        }
    }
}

/// A `too_many_attempts` refusal with the wait the server gave in `Retry-After`, when its
/// message does not say it already.
fn with_wait(e: ApiError, secs: u64) -> ApiError {
    if e.message_vi.chars().any(|c| c.is_ascii_digit()) {
        return e;
    }
    let minutes = secs.div_ceil(60).max(1);
    ApiError::new(
        e.code,
        format!(
            "{} Vui lòng thử lại sau {minutes} phút.",
            e.message_vi.trim_end()
        ),
        format!(
            "{} Please try again in {minutes} minutes.",
            e.message_en.trim_end()
        ),
    )
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What a call to the office server can end in, short of success. Only
/// [`ClientError::is_unreachable`] sends the kiosk to its offline path or keeps a filing in
/// the outbox; a refusal is shown to the citizen as the server worded it, and nothing is kept.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// No answer: the network, or the server is down (the detail is for the log).
    #[error("office server unreachable: {0}")]
    Unreachable(String),
    /// The server answered with its bilingual error. A 503 `server_unavailable` ("restarting,
    /// try again later") counts as unreachable: nothing was done and a retry is what it asks.
    #[error("office server refused: {0}")]
    Refused(ApiError),
    /// An answer the kiosk cannot read (a proxy's page, another version).
    #[error("office server answered something unreadable: {0}")]
    Unreadable(String),
}

impl ClientError {
    /// Whether the server could not be reached (or says to come back later): work offline,
    /// keep what must be sent, try again.
    /// The server asks to be tried again later (a device's rate limit): nothing is wrong with
    /// the request itself.
    pub fn is_try_later(&self) -> bool {
        matches!(self, ClientError::Refused(e) if e.code == ErrorCode::RateLimited)
    }

    pub fn is_unreachable(&self) -> bool {
        match self {
            ClientError::Unreachable(_) => true,
            ClientError::Refused(e) => e.code == ErrorCode::ServerUnavailable,
            ClientError::Unreadable(_) => false,
        }
    }
}

impl From<ClientError> for ApiError {
    fn from(e: ClientError) -> ApiError {
        match e {
            ClientError::Unreachable(_) => unreachable_error(),
            ClientError::Refused(e) => e,
            ClientError::Unreadable(_) => ApiError::new(
                ErrorCode::UnreadableAnswer,
                "Máy chủ của Bộ phận Một cửa trả lời không đúng dạng. Vui lòng báo cán bộ.",
                "The office server gave an answer the kiosk cannot read. Please tell a staff \
                 member.",
            ),
        }
    }
}

async fn decode<T: serde::de::DeserializeOwned>(r: reqwest::Response) -> Result<T, ClientError> {
    let status = r.status();
    let body = r.bytes().await.map_err(unreachable)?;
    if status.is_success() {
        serde_json::from_slice(&body).map_err(|e| {
            tracing::error!("office server answered with an unexpected body: {e}");
            ClientError::Unreadable(e.to_string())
        })
    } else {
        match serde_json::from_slice::<ApiError>(&body) {
            Ok(e) => Err(ClientError::Refused(e)),
            Err(_) => {
                tracing::error!("office server answered {status} without an error body");
                Err(ClientError::Unreadable(format!(
                    "HTTP {status} without an error body"
                )))
            }
        }
    }
}

fn unreachable(e: reqwest::Error) -> ClientError {
    // Without the URL: a path may hold a sign-in session handle.
    let e = e.without_url();
    tracing::warn!("office server unreachable: {e}");
    ClientError::Unreachable(e.to_string())
}

/// The error of an office server that cannot be reached, as the citizen reads it.
pub fn unreachable_error() -> ApiError {
    ApiError::new(
        ErrorCode::ServerUnreachable,
        "Không kết nối được máy chủ của Bộ phận Một cửa. Vui lòng thử lại sau ít phút hoặc báo cán bộ.",
        "Cannot reach the office server. Please try again in a few minutes or tell a staff member.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-connection-at-a-time HTTP server that answers `status` with an error body and
    /// hands each request's head to the test.
    async fn recording_server(
        status: u16,
        code: &'static str,
    ) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let mut buf = vec![0u8; 8192];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == &b"\r\n\r\n"[..]) {
                    let n = sock.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                }
                let _ = tx.send(String::from_utf8_lossy(&got).to_lowercase());
                let body = format!(
                    r#"{{"code":"{code}","message":"a / b","message_vi":"a","message_en":"b"}}"#
                );
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(body.as_bytes()).await;
            }
        });
        (format!("http://{addr}"), rx)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_https_office_is_reached_with_its_own_authority_and_not_without() {
        let dir = tempfile::tempdir().unwrap();
        let certs = motcua_testkit::tls::office_certs(dir.path());
        let tls = certs.server.clone();
        let srv =
            motcua_testkit::server_at(&dir.path().join("office.db"), move |c| c.tls = Some(tls))
                .await;
        let ca = std::fs::read(&certs.ca_file).unwrap();
        let client = OfficeClient::trusting(srv.url(), Some(&ca)).unwrap();
        assert!(client.healthy().await, "trusts the office's authority");
        assert!(!client.services().await.unwrap().is_empty());
        let public_roots_only = OfficeClient::new(srv.url());
        assert!(!public_roots_only.healthy().await);
        let Err(e) = OfficeClient::trusting(srv.url(), Some(b"not a certificate")) else {
            panic!("a file without a certificate is refused");
        };
        assert!(e.contains("certificate"), "{e}");
        let Err(e) = OfficeClient::trusting(srv.url(), Some(b"")) else {
            panic!("an empty file is refused");
        };
        assert!(e.contains("no certificate"), "{e}");
        srv.shutdown().await;
    }

    #[tokio::test]
    async fn every_request_carries_the_device_token_and_while_assisting_the_assist_token() {
        let (base, mut heads) = recording_server(404, "not_found").await;
        let client = OfficeClient::new(base);
        let _ = client.services().await;
        let head = heads.recv().await.unwrap();
        assert!(!head.contains("authorization"), "no token yet: {head}");
        let creds = client.credentials().clone();
        creds.set_token(Some(crate::services::identity::Secret::new("dev-tok")));
        let _ = client.clone().services().await;
        let head = heads.recv().await.unwrap();
        assert!(head.contains("authorization: bearer dev-tok"), "{head}");
        assert!(!head.contains("x-assist-token"), "{head}");
        creds.set_assist(Some(crate::services::identity::Secret::new("as-tok")));
        let req = motcua_core::IssueTicketRequest {
            service_id: "ho-tich".into(),
            priority: motcua_core::Priority::None,
        };
        let _ = client.issue(&req, "k-1").await;
        let head = heads.recv().await.unwrap();
        assert!(head.contains("authorization: bearer dev-tok"), "{head}");
        assert!(head.contains("x-assist-token: as-tok"), "{head}");
        assert!(head.contains("idempotency-key: k-1"), "{head}");
        creds.set_assist(None);
        let _ = client.services().await;
        let head = heads.recv().await.unwrap();
        assert!(
            !head.contains("x-assist-token"),
            "dropped at the end: {head}"
        );
    }

    #[tokio::test]
    async fn a_401_to_the_token_asks_for_enrollment_but_a_wrong_password_does_not() {
        let (base, _heads) = recording_server(401, "unauthorized").await;
        let client = OfficeClient::new(base);
        let creds = client.credentials().clone();
        creds.set_token(Some(crate::services::identity::Secret::new("old")));
        let body = serde_json::json!({"username": "u", "password": "p"});
        let _ = client
            .post_json::<serde_json::Value>("/api/v1/staff/assist", &body)
            .await;
        assert!(!creds.needs_enrollment(), "a staff route's 401 is its own");
        let e = client.services().await.unwrap_err();
        assert!(matches!(e, ClientError::Refused(ref e) if e.code == ErrorCode::Unauthorized));
        assert!(creds.needs_enrollment(), "the token was refused");
        // While assisting, a 401 ends the assist session instead (it expired at the server).
        creds.set_token(Some(crate::services::identity::Secret::new("new")));
        creds.set_assist(Some(crate::services::identity::Secret::new("as")));
        let _ = client.services().await;
        assert!(creds.assist().is_none());
        assert!(!creds.needs_enrollment());
    }

    #[test]
    fn too_many_attempts_says_how_long_to_wait() {
        let e = ApiError::new(
            ErrorCode::TooManyAttempts,
            "Thử quá nhiều lần.",
            "Too many tries.",
        );
        let e = with_wait(e, 240);
        assert!(e.message_vi.contains("4 phút"), "{}", e.message_vi);
        assert!(e.message_en.contains("4 minutes"), "{}", e.message_en);
        let said = ApiError::new(ErrorCode::TooManyAttempts, "Chờ 5 phút.", "Wait 5 minutes.");
        assert_eq!(with_wait(said.clone(), 240), said);
    }

    #[test]
    fn only_unreachable_and_try_later_go_offline() {
        assert!(ClientError::Unreachable("refused".into()).is_unreachable());
        let later = ApiError::new(ErrorCode::ServerUnavailable, "a", "b");
        assert!(ClientError::Refused(later).is_unreachable());
        for code in [
            ErrorCode::FilingDisabled,
            ErrorCode::DailyLimitReached,
            ErrorCode::BadRequest,
        ] {
            let e = ClientError::Refused(ApiError::new(code, "a", "b"));
            assert!(!e.is_unreachable(), "{code:?}");
            assert_eq!(
                ApiError::from(e).code,
                code,
                "a refusal reaches the screen as it is"
            );
        }
        assert!(!ClientError::Unreadable("x".into()).is_unreachable());
        let shown = ApiError::from(ClientError::Unreadable("x".into()));
        assert_eq!(shown.code, ErrorCode::UnreadableAnswer);
        assert!(!shown.message_vi.is_empty() && !shown.message_en.is_empty());
        let shown = ApiError::from(ClientError::Unreachable("x".into()));
        assert_eq!(shown.code, ErrorCode::ServerUnreachable);
    }
}
