//! HTTP client of the office server: the same path whether the server is embedded on loopback
//! or elsewhere on the office LAN.

use motcua_core::{ApiError, ErrorCode, IssueTicketRequest, Service, Ticket};
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
    ApiError::new(
        ErrorCode::ServerUnavailable,
        "Không kết nối được máy chủ của Bộ phận Một cửa. Vui lòng thử lại sau ít phút hoặc báo cán bộ.",
        "Cannot reach the office server. Please try again in a few minutes or tell a staff member.",
    )
}
