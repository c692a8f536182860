//! The whole office app: every domain's router merged, then the same edge applied once to all
//! of them (axum's own habit): the request trace, the security headers, the browser checks
//! (host, origin, JSON only: [`edge::BrowserPolicy`]), the panic catch, the body limit, the
//! JSON 404/405. A domain only brings its routes; it cannot forget one of
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
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Each domain's routes, with its state applied. The API domains register their routes with
/// `utoipa_axum::routes!`, so each route brings its OpenAPI description.
pub struct Domains {
    /// Services, tickets, counters, the board, events, announcements, the ticket page.
    pub queue: OpenApiRouter,
    /// Procedures and the kiosks' catalog deltas.
    pub catalog: OpenApiRouter,
    /// Online filing, the dossier lookup and tracking page, the receipt key.
    pub dossiers: OpenApiRouter,
    /// Citizen sign-in.
    pub identity: OpenApiRouter,
    /// The counter page and the TV board.
    pub pages: OpenApiRouter,
    /// The devices' printer and sound status.
    pub devices: OpenApiRouter,
    /// Staff sign-in, assist, accounts, devices, enrollment, the audit trail.
    pub access: OpenApiRouter,
    /// Who may use each route ([`crate::access::guard`]), over the office's staff and devices.
    pub guard: crate::access::Access,
    /// Routes outside the API (the demo sign-in provider's pages, when on): the same edge,
    /// not in the document.
    pub outside: Router,
    /// The hosts served and the origins whose pages may change state.
    pub browsers: edge::BrowserPolicy,
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
    if let Some(n) = declared.filter(|&n| n > limit as u64) {
        if n <= (limit + DRAIN_BEFORE_REFUSING) as u64 {
            // Read what the client is still sending (a little over the limit) before
            // answering: closing on a client that is mid-write makes it see a broken pipe,
            // not the 413 that says what happened. Larger bodies are cut off at once.
            drain(req.into_body(), limit + DRAIN_BEFORE_REFUSING).await;
        }
        return ApiFailure::from(edge::body_too_large_for(limit)).into_response();
    }
    next.run(req).await
}

/// How much over its limit a declared body is still read, so the client gets the answer.
const DRAIN_BEFORE_REFUSING: usize = 1024 * 1024;

/// Reads and discards up to `cap` bytes of `body`, for at most five seconds.
async fn drain(body: axum::body::Body, cap: usize) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut read = 0usize;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > cap {
                break;
            }
        }
    })
    .await;
}

/// Headers on every answer: no MIME sniffing, no framing by other sites, no referrer leaving
/// the office (tracking links carry a lookup secret), and a content security policy: an HTML
/// page runs only the office's own scripts and styles (its inline `<style>` blocks allowed by
/// their SHA-256, [`page_csp`]), everything else (JSON, files) loads nothing at all.
async fn security_headers(req: Request, next: Next) -> Response {
    let personal = carries_personal_data(req.uri().path());
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let mut res = if is_html && !res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        with_page_csp(res).await
    } else {
        res
    };
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    // A page may set its own (the sandbox sign-in's `same-origin`, so its forms carry their
    // origin).
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ));
    if personal {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Whether answers under `path` may carry a person's data (a dossier, its tracking page, a
/// ticket, a sign-in, staff accounts, the audit trail): no browser or proxy keeps a copy.
fn carries_personal_data(path: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "/api/v1/dossiers",
        "/d/",
        "/api/v1/tickets",
        "/t/",
        "/api/v1/auth/",
        "/api/v1/staff",
        "/api/v1/audit",
        "/api/v1/devices",
    ];
    PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Largest HTML page read to hash its inline styles (the pages are a few kilobytes).
const MAX_PAGE: usize = 4 * 1024 * 1024;

/// The page's body read whole, and its policy set from its inline styles.
async fn with_page_csp(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        return ApiFailure::from(ApiError::internal()).into_response();
    };
    let csp = page_csp(&String::from_utf8_lossy(&bytes));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The content security policy of an HTML page: scripts, styles, fonts, pictures, sounds and
/// connections from the office server only (pictures and sounds also as `data:`/`blob:`), each
/// inline `<style>` block by its hash, no inline script, no plugin, forms posted back to the
/// office only, never inside another site's frame.
pub fn page_csp(html: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut styles = String::new();
    let mut rest = html;
    while let Some(open) = rest.find("<style") {
        let after = &rest[open..];
        let (Some(gt), Some(close)) = (after.find('>'), after.find("</style>")) else {
            break;
        };
        if gt < close {
            let css = &after[gt + 1..close];
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css));
            styles.push_str(&format!(" 'sha256-{hash}'"));
        }
        rest = &after[close + "</style>".len()..];
    }
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'{styles}; \
         img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Merges the domains, serves the document they make at `/api/v1/openapi.json`, and applies
/// the edge once to every route.
pub fn assemble(domains: Domains) -> Router {
    let doc = crate::openapi::Document::default();
    let guard = domains.guard.clone();
    let browsers = std::sync::Arc::new(domains.browsers.clone());
    let (api, outside) = api(domains, doc.clone());
    let (router, openapi) = api.split_for_parts();
    let _ = doc.set(openapi.to_json().expect("the OpenAPI document serializes"));
    router
        .merge(outside)
        .fallback(edge::fallback)
        // Sets the JSON 405 on every route merged above.
        .method_not_allowed_fallback(edge::method_not_allowed)
        // Who may use the route: after routing (it reads the route template), before any
        // handler or extractor.
        .layer(middleware::from_fn_with_state(
            guard,
            crate::access::guard::guard,
        ))
        .layer(DefaultBodyLimit::max(edge::BODY_LIMIT))
        .layer(middleware::from_fn(limit_declared_body))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiFailure::from(ApiError::internal()).into_response()
            },
        ))
        // Before anything else answers: a request for another host name, a cross-site page's
        // or a form's request is refused here (with the security headers on the refusal).
        .layer(middleware::from_fn_with_state(browsers, edge::browsers))
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
}

/// The request's trace span: the method and the route template (`/api/v1/auth/device/{session_id}`),
/// never the URI itself: paths and queries carry sign-in session handles and lookup secrets.
fn request_span(req: &Request) -> tracing::Span {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", |p| p.as_str());
    // Debug level, as tower-http's own span: nothing is made per request unless asked for.
    tracing::debug_span!("request", method = %req.method(), route)
}

/// The OpenAPI document of `domains` (what `/api/v1/openapi.json` serves).
pub fn document(domains: Domains) -> serde_json::Value {
    let (api, _) = api(domains, Default::default());
    serde_json::to_value(api.into_openapi()).expect("the OpenAPI document serializes")
}

/// Every API domain merged, with the document's own route over `doc`; and what is outside.
fn api(domains: Domains, doc: crate::openapi::Document) -> (OpenApiRouter, Router) {
    let api = OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .merge(domains.queue)
        .merge(domains.catalog)
        .merge(domains.dossiers)
        .merge(domains.identity)
        .merge(domains.pages)
        .merge(domains.devices)
        .merge(domains.access)
        .merge(crate::openapi::router(doc));
    (api, domains.outside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use std::sync::Arc;

    async fn panics() -> &'static str {
        panic!("a handler bug")
    }

    /// Every domain's real router, as the document sees them.
    pub(super) async fn domains_for_doc(dir: &std::path::Path) -> Domains {
        domains(dir, usize::MAX).await
    }

    /// Every domain's real router, with one route that panics added to the domain under test
    /// (`6`: outside the API).
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
        let devices = crate::devices::Devices::new(state.notes().clone());
        let mut routers = [
            crate::queue::http::router(state),
            crate::catalog::router(catalog),
            crate::dossier::http::router(None),
            crate::identity::http::router(None),
            crate::pages::router(crate::UiSource::None),
            crate::devices::http::router(devices),
        ];
        let mut outside = Router::new();
        if broken == usize::MAX {
            // The document as served: nothing added.
        } else if broken < routers.len() {
            routers[broken] =
                std::mem::take(&mut routers[broken]).route("/api/v1/x/panic", get(panics));
        } else {
            outside = outside.route("/api/v1/x/panic", get(panics));
        }
        let [queue, catalog, dossiers, identity, pages, devices] = routers;
        let guard = crate::access::Access::open(&db, Default::default()).unwrap();
        Domains {
            access: crate::access::http::router(guard.clone()),
            guard,
            queue,
            catalog,
            dossiers,
            identity,
            pages,
            devices,
            outside,
            browsers: crate::edge::BrowserPolicy::new(false, "http://127.0.0.1", &[], &[]).unwrap(),
        }
    }

    #[test]
    fn a_page_policy_allows_its_own_inline_styles_by_hash_and_no_inline_script() {
        use base64::Engine;
        use sha2::{Digest, Sha256};
        let css = "body{font-size:20px}";
        let csp = page_csp(&format!(
            "<html><head><style>{css}</style><style media=\"print\">p{{}}</style></head></html>"
        ));
        let want = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css));
        assert!(csp.contains(&format!("'sha256-{want}'")), "{csp}");
        let print = base64::engine::general_purpose::STANDARD.encode(Sha256::digest("p{}"));
        assert!(csp.contains(&format!("'sha256-{print}'")), "{csp}");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let plain = page_csp("<html><body>x</body></html>");
        assert!(plain.contains("style-src 'self';"), "{plain}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_in_any_domain_answers_the_bilingual_500() {
        for broken in 0..7 {
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

#[cfg(test)]
mod document_tests {
    use super::*;

    /// The routes other tools rely on are all in the generated document, with their methods,
    /// and every documented operation says what it answers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_document_lists_every_route_the_issues_name() {
        let dir = tempfile::tempdir().unwrap();
        let doc = document(super::tests::domains_for_doc(dir.path()).await);
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "{}",
            doc["openapi"]
        );
        let want = [
            ("get", "/healthz"),
            ("get", "/api/v1/services"),
            ("post", "/api/v1/tickets"),
            ("get", "/api/v1/tickets/{id}"),
            ("post", "/api/v1/tickets/offline"),
            ("get", "/api/v1/counters"),
            ("post", "/api/v1/counters/{id}/call-next"),
            ("post", "/api/v1/counters/{id}/recall"),
            ("post", "/api/v1/counters/{id}/skip"),
            ("post", "/api/v1/counters/{id}/transfer"),
            ("post", "/api/v1/counters/{id}/complete"),
            ("get", "/api/v1/counters/{id}/skipped"),
            ("post", "/api/v1/counters/{id}/call-number"),
            ("post", "/api/v1/devices/status"),
            ("get", "/api/v1/devices/status"),
            ("get", "/api/v1/events"),
            ("get", "/api/v1/board"),
            ("get", "/api/v1/announcements/{file}"),
            ("get", "/t/{id}"),
            ("get", "/api/v1/procedures"),
            ("get", "/api/v1/procedures/{code}"),
            ("get", "/api/v1/procedure-fields"),
            ("get", "/api/v1/catalog/changes"),
            ("post", "/api/v1/dossiers"),
            ("get", "/api/v1/dossiers/{code}"),
            ("get", "/api/v1/dossiers"),
            ("post", "/api/v1/dossiers/{code}/actions"),
            ("get", "/api/v1/dossiers/{code}/forms/{form}"),
            ("get", "/api/v1/dossiers/{code}/attachments/{position}"),
            ("get", "/d/{code}"),
            ("get", "/api/v1/receipt-key"),
            ("post", "/api/v1/auth/device"),
            ("get", "/api/v1/auth/device/{session_id}"),
            ("delete", "/api/v1/auth/sessions/{session_id}"),
            ("get", "/counter/"),
            ("get", "/board/"),
            ("get", "/api/v1/openapi.json"),
            ("post", "/api/v1/staff/session"),
            ("get", "/api/v1/staff/session"),
            ("delete", "/api/v1/staff/session"),
            ("post", "/api/v1/staff/session/counter"),
            ("post", "/api/v1/staff/password"),
            ("post", "/api/v1/staff/assist"),
            ("delete", "/api/v1/staff/assist"),
            ("get", "/api/v1/staff"),
            ("post", "/api/v1/staff"),
            ("post", "/api/v1/staff/{username}/disable"),
            ("post", "/api/v1/staff/{username}/enable"),
            ("get", "/api/v1/devices"),
            ("post", "/api/v1/devices"),
            ("post", "/api/v1/devices/{name}/revoke"),
            ("post", "/api/v1/devices/enroll-codes"),
            ("post", "/api/v1/devices/enroll"),
            ("get", "/api/v1/audit"),
            ("get", "/api/v1/audit.csv"),
        ];
        // Every documented operation has an authorization rule (the guard refuses the rest).
        for (m, p) in want {
            let method: axum::http::Method = m.to_uppercase().parse().unwrap();
            assert!(
                crate::access::guard::rule(&method, p).is_some(),
                "{m} {p} has no authorization rule"
            );
        }
        let paths = doc["paths"].as_object().unwrap();
        for (m, p) in want {
            assert!(
                paths.get(p).and_then(|i| i.get(m)).is_some(),
                "{m} {p} not documented"
            );
        }
        let ops: usize = paths.values().map(|i| i.as_object().unwrap().len()).sum();
        assert_eq!(
            ops,
            want.len(),
            "an operation is documented that the list above lacks"
        );
        for (p, item) in paths {
            for (m, op) in item.as_object().unwrap() {
                assert!(
                    op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                    "{m} {p}"
                );
                assert!(
                    op["summary"].is_string() || op["description"].is_string(),
                    "{m} {p}"
                );
            }
        }
        for schema in [
            "Ticket",
            "Service",
            "ApiError",
            "ErrorCode",
            "Priority",
            "BoardWire",
            "Dossier",
            "ProcedurePage",
        ] {
            assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
        }
    }
}
