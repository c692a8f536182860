//! The whole office app: every domain's router merged, then the same edge applied once to all
//! of them (axum's own habit): the request trace, the panic catch, the body limit, the JSON
//! 404/405 and the security headers. A domain only brings its routes; it cannot forget one of
//! these, and a new domain gets them by being listed in [`Domains`].

use crate::edge::{self, ApiFailure};
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use motcua_core::ApiError;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

/// Each domain's routes, with its state applied.
pub struct Domains {
    /// Services, tickets, counters, the board, events, announcements, the ticket page.
    pub queue: Router,
    /// Procedures and the kiosks' catalog deltas.
    pub catalog: Router,
    /// Online filing, the dossier lookup and tracking page, the receipt key.
    pub dossiers: Router,
    /// Citizen sign-in (and the demo provider, when on).
    pub identity: Router,
    /// The counter page and the TV board.
    pub pages: Router,
    /// The API document.
    pub docs: Router,
}

impl Domains {
    fn into_iter(self) -> [Router; 6] {
        [
            self.queue,
            self.catalog,
            self.dossiers,
            self.identity,
            self.pages,
            self.docs,
        ]
    }
}

/// The largest body a route takes, by its path: the dossier upload has its own (30 MB of files
/// in base64), every other route [`edge::BODY_LIMIT`].
fn body_limit(req: &Request) -> usize {
    if req.uri().path() == "/api/v1/dossiers" {
        crate::dossier::http::DOSSIER_BODY_LIMIT
    } else {
        edge::BODY_LIMIT
    }
}

/// Refuses a declared body over the route's limit before any handler runs, also on routes
/// whose handler reads no body (the extractors' limit only applies where a body is read).
async fn limit_declared_body(req: Request, next: Next) -> Response {
    let limit = body_limit(&req);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiFailure::from(edge::body_too_large_for(limit)).into_response();
    }
    next.run(req).await
}

/// Headers on every answer: no MIME sniffing, no framing by other sites, no referrer leaving
/// the office (tracking links carry a lookup secret).
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// Merges the domains and applies the edge once to every route.
pub fn assemble(domains: Domains) -> Router {
    let mut app = Router::new();
    for r in domains.into_iter() {
        app = app.merge(r);
    }
    app.fallback(edge::fallback)
        // Sets the JSON 405 on every route merged above.
        .method_not_allowed_fallback(edge::method_not_allowed)
        .layer(DefaultBodyLimit::max(edge::BODY_LIMIT))
        .layer(middleware::from_fn(limit_declared_body))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiFailure::from(ApiError::internal()).into_response()
            },
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use std::sync::Arc;

    async fn panics() -> &'static str {
        panic!("a handler bug")
    }

    /// Every domain's real router, with one route that panics added to the domain under test.
    async fn domains(dir: &std::path::Path, broken: usize) -> Domains {
        let db = dir.join("office.db");
        let store = crate::SqliteStore::open(&db, Default::default()).unwrap();
        let state = crate::AppState::new(
            Arc::new(store),
            crate::OfficeInfo {
                office_name: "UBND xã Thử".into(),
                public_base_url: "http://127.0.0.1".into(),
            },
        );
        let catalog = crate::catalog::CatalogState::open(&db, Default::default(), false).unwrap();
        let mut routers = [
            crate::queue::http::router(state),
            crate::catalog::router(catalog),
            crate::dossier::http::router(None),
            crate::identity::http::router(None),
            crate::pages::router(crate::UiSource::None),
            crate::openapi::router(),
        ];
        routers[broken] =
            std::mem::take(&mut routers[broken]).route("/api/v1/x/panic", get(panics));
        let [queue, catalog, dossiers, identity, pages, docs] = routers;
        Domains {
            queue,
            catalog,
            dossiers,
            identity,
            pages,
            docs,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_in_any_domain_answers_the_bilingual_500() {
        for broken in 0..6 {
            let dir = tempfile::tempdir().unwrap();
            let app = assemble(domains(dir.path(), broken).await);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = tokio::spawn(async move { axum::serve(listener, app).await });
            let r = reqwest::get(format!("http://{addr}/api/v1/x/panic"))
                .await
                .unwrap();
            assert_eq!(r.status(), 500, "domain {broken}");
            assert_eq!(r.headers()["x-content-type-options"], "nosniff");
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(body["code"], "internal", "domain {broken}: {body}");
            assert!(
                body["message_vi"].as_str().unwrap().contains("lỗi"),
                "{body}"
            );
            assert!(!body["message_en"].as_str().unwrap().is_empty(), "{body}");
            // The server lives on after the panic.
            let r = reqwest::get(format!("http://{addr}/api/v1/nothing-here"))
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "domain {broken}");
            server.abort();
        }
    }
}
