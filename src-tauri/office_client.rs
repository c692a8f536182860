//! HTTP client of the office server: the same path whether the server is embedded on loopback
//! or elsewhere on the office LAN.

use crate::local_store::OfflineTicket;
use motcua_core::catalog::{CatalogChanges, FieldCount, Hit, Procedure};
use motcua_core::{
    ApiError, DeviceSignIn, ErrorCode, IssueTicketRequest, OfflineTicketRequest, Service,
    SignInState, Ticket,
};
use std::time::Duration;

#[derive(Clone)]
pub struct OfficeClient {
    base: String,
    http: reqwest::Client,
}

impl OfficeClient {
    pub fn new(base: String) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .build()
            .expect("the HTTP client builds with static settings");
        OfficeClient { base, http }
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

    pub async fn services(&self) -> Result<Vec<Service>, ApiError> {
        let r = self
            .http
            .get(format!("{}/api/v1/services", self.base))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    pub async fn issue(&self, req: &IssueTicketRequest) -> Result<Ticket, ApiError> {
        let r = self
            .http
            .post(format!("{}/api/v1/tickets", self.base))
            .json(req)
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
    ) -> Result<Ticket, ApiError> {
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
    ) -> Result<Vec<Hit>, ApiError> {
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
        let found: SearchAnswer = decode(r).await?;
        Ok(found.hits)
    }

    /// One procedure with the service queue its field maps to and its public page.
    pub async fn procedure(&self, code: &str) -> Result<OfficeProcedure, ApiError> {
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

    pub async fn procedure_fields(&self) -> Result<Vec<FieldCount>, ApiError> {
        let r = self
            .http
            .get(format!("{}/api/v1/procedure-fields", self.base))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    /// The catalog's changes after version `since`; `None` when there are none (304).
    pub async fn catalog_changes(&self, since: u64) -> Result<Option<CatalogChanges>, ApiError> {
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
    ) -> Result<motcua_core::dossier::Dossier, ApiError> {
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
    pub async fn auth_start(&self) -> Result<DeviceSignIn, ApiError> {
        let r = self
            .http
            .post(format!("{}/api/v1/auth/device", self.base))
            .send()
            .await
            .map_err(unreachable)?;
        decode(r).await
    }

    pub async fn auth_state(&self, session_id: &str) -> Result<SignInState, ApiError> {
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

    pub async fn auth_end(&self, session_id: &str) -> Result<(), ApiError> {
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

/// `GET /api/v1/procedures`.
#[derive(serde::Deserialize)]
struct SearchAnswer {
    hits: Vec<Hit>,
}

/// `GET /api/v1/procedures/{code}`: the record and what the office adds to it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct OfficeProcedure {
    #[serde(flatten)]
    pub procedure: Procedure,
    #[serde(default)]
    pub service_id: Option<String>,
    #[serde(default)]
    pub public_url: Option<String>,
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

/// Whether an error means "the server could not be reached or is restarting" (try again
/// later, meanwhile work offline) rather than "the server refused this request".
pub fn is_unreachable(e: &ApiError) -> bool {
    e.code == ErrorCode::ServerUnavailable
}

async fn decode<T: serde::de::DeserializeOwned>(r: reqwest::Response) -> Result<T, ApiError> {
    let status = r.status();
    let body = r.bytes().await.map_err(unreachable)?;
    if status.is_success() {
        serde_json::from_slice(&body).map_err(|e| {
            tracing::error!("office server answered with an unexpected body: {e}");
            ApiError::internal()
        })
    } else {
        Err(
            serde_json::from_slice::<ApiError>(&body).unwrap_or_else(|_| {
                tracing::error!("office server answered {status} without an error body");
                ApiError::internal()
            }),
        )
    }
}

fn unreachable(e: reqwest::Error) -> ApiError {
    tracing::warn!("office server unreachable: {e}");
    unreachable_error()
}

/// The error of an office server that cannot be reached.
pub fn unreachable_error() -> ApiError {
    ApiError::new(
        ErrorCode::ServerUnavailable,
        "Không kết nối được máy chủ của Bộ phận Một cửa. Vui lòng thử lại sau ít phút hoặc báo cán bộ.",
        "Cannot reach the office server. Please try again in a few minutes or tell a staff member.",
    )
}
