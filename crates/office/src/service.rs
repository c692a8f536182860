//! The queue service: what the HTTP handlers call. It turns store records into the wire types
//! of `motcua_core` and store errors into bilingual [`ApiError`]s, and keeps blocking storage
//! work off the async runtime.

use crate::store::{IssueRequest, ServiceInfo, Store, StoreError, TicketRecord};
use chrono::Utc;
use motcua_core::time::rfc3339_vn;
use motcua_core::{ApiError, ErrorCode, Priority, Service, Ticket};
use std::sync::Arc;

/// Office-wide settings the service needs to present tickets.
#[derive(Debug, Clone)]
pub struct OfficeInfo {
    /// Shown on tickets and the status page.
    pub office_name: String,
    /// Base of `status_url`, without a trailing slash (e.g. `http://192.168.1.10:8080`).
    pub public_base_url: String,
}

/// Shared state of the HTTP handlers: the store and the office settings.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    office: Arc<OfficeInfo>,
}

impl AppState {
    /// State over `store`; `public_base_url` loses any trailing `/`.
    pub fn new(store: Arc<dyn Store>, mut office: OfficeInfo) -> AppState {
        while office.public_base_url.ends_with('/') {
            office.public_base_url.pop();
        }
        office.office_name = motcua_core::text::nfc(&office.office_name);
        AppState {
            store,
            office: Arc::new(office),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The office settings.
    pub fn office(&self) -> &OfficeInfo {
        &self.office
    }

    /// All services with waiting counts and estimated waits.
    pub async fn list_services(&self) -> Result<Vec<Service>, ApiError> {
        let store = self.store.clone();
        let infos = blocking(move || store.list_services(Utc::now())).await?;
        Ok(infos.into_iter().map(service_wire).collect())
    }

    /// Issues a ticket for `service_id`.
    pub async fn issue_ticket(
        &self,
        service_id: String,
        priority: Priority,
    ) -> Result<Ticket, ApiError> {
        // No blocking thread: the writer answers through the pending result.
        let req = IssueRequest::new(service_id, priority);
        let rec = self
            .store
            .start_issue(req, Utc::now())
            .await
            .map_err(store_error)?;
        tracing::debug!(service = %rec.service_id, number = %rec.number, "issued ticket");
        Ok(self.ticket_wire(rec))
    }

    /// A ticket by id with its queue position recomputed now.
    pub async fn get_ticket(&self, id: String) -> Result<Ticket, ApiError> {
        if !is_ticket_id(&id) {
            return Err(ticket_not_found());
        }
        let store = self.store.clone();
        blocking(move || store.get_ticket(&id, Utc::now()))
            .await?
            .map(|rec| self.ticket_wire(rec))
            .ok_or_else(ticket_not_found)
    }

    /// Wire form of a stored ticket.
    pub fn ticket_wire(&self, rec: TicketRecord) -> Ticket {
        Ticket {
            status_url: format!("{}/t/{}", self.office.public_base_url, rec.id),
            id: rec.id,
            number: rec.number,
            service_id: rec.service_id,
            priority: rec.priority,
            issued_at: rfc3339_vn(rec.issued_at),
            people_ahead: rec.people_ahead,
            estimated_wait_minutes: rec.estimated_wait_minutes,
            status: rec.status,
            service_name_vi: Some(rec.service_name_vi),
            service_name_en: Some(rec.service_name_en),
            office_name: Some(self.office.office_name.clone()),
            offline: false,
        }
    }
}

fn service_wire(s: ServiceInfo) -> Service {
    Service {
        estimated_wait_minutes: s.estimated_wait_minutes(),
        id: s.id,
        prefix: s.prefix,
        name_vi: s.name_vi,
        name_en: s.name_en,
        open: s.open,
        waiting: s.waiting,
    }
}

/// Ticket ids are 32 lowercase hex digits; anything else cannot exist.
fn is_ticket_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn ticket_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "Không tìm thấy số thứ tự này. Vui lòng kiểm tra lại đường dẫn hoặc mã QR trên phiếu.",
        "This ticket was not found. Please check the link or the QR code on your ticket.",
    )
}

/// Maps a store failure to what the citizen sees. Storage details go to the log only.
pub fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::UnknownService(id) => ApiError::unknown_service(&id),
        StoreError::ServiceClosed { name_vi, name_en } => {
            ApiError::service_closed(&name_vi, &name_en)
        }
        StoreError::Unavailable => ApiError::new(
            ErrorCode::ServerUnavailable,
            "Hệ thống đang khởi động lại. Vui lòng thử lại sau ít phút.",
            "The system is restarting. Please try again in a few minutes.",
        ),
        StoreError::Storage(detail) => {
            tracing::error!(%detail, "storage error");
            ApiError::internal()
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(store_error),
        Err(e) => {
            tracing::error!(error = %e, "storage task failed");
            Err(ApiError::internal())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_ids_are_checked_before_the_store() {
        assert!(is_ticket_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_ticket_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_ticket_id("../../etc/passwd"));
        assert!(!is_ticket_id(""));
    }
}
