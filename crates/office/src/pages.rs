//! The counter page and the TV board: the front end's Vite build (`ui/dist`: `counter.html`,
//! `board.html`, `assets/…`, built with relative URLs) served at `/counter/` and `/board/`.
//!
//! With the feature `bundled-ui` (the `motcua` command) the files are embedded in the binary at
//! build time (release builds; a debug build reads `ui/dist` from the source tree at run time),
//! so `motcua serve` is one file to deploy. [`UiSource::Provided`] serves the host's copy (the
//! kiosk's, which Tauri already embeds), [`UiSource::Dir`] a folder (tests).

use crate::edge::{not_found_route, ApiFailure};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The build of `ui/dist` at compile time (release) or the folder itself (debug).
#[cfg(feature = "bundled-ui")]
#[derive(rust_embed::Embed)]
#[folder = "../../ui/dist"]
#[allow_missing = true]
struct UiDist;

/// Reads one file of a UI build by its relative path (a host's own copy of `ui/dist`: the
/// kiosk hands in the pages Tauri already carries, so the binary holds them once).
pub type UiProvider = Arc<dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync>;

/// Where the pages come from.
#[derive(Clone)]
pub enum UiSource {
    /// `ui/dist` built into the library (feature `bundled-ui`, what `motcua serve` uses).
    #[cfg(feature = "bundled-ui")]
    Bundled,
    /// This folder (a Vite build of `ui/`).
    Dir(PathBuf),
    /// The host's copy (the kiosk's embedded assets).
    Provided(UiProvider),
    /// No pages: `/counter/` and `/board/` answer 503 "not built".
    None,
}

impl Default for UiSource {
    /// The bundled pages where the library has them, otherwise none.
    fn default() -> Self {
        #[cfg(feature = "bundled-ui")]
        return UiSource::Bundled;
        #[cfg(not(feature = "bundled-ui"))]
        return UiSource::None;
    }
}

impl std::fmt::Debug for UiSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(feature = "bundled-ui")]
            UiSource::Bundled => f.write_str("Bundled"),
            UiSource::Dir(d) => f.debug_tuple("Dir").field(d).finish(),
            UiSource::Provided(_) => f.write_str("Provided"),
            UiSource::None => f.write_str("None"),
        }
    }
}

/// The two pages the office server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The counter page (`/counter/`, `counter.html`).
    Counter,
    /// The TV board (`/board/`, `board.html`).
    Board,
}

impl Page {
    /// The HTML file in `ui/dist`.
    pub fn file(self) -> &'static str {
        match self {
            Page::Counter => "counter.html",
            Page::Board => "board.html",
        }
    }

    /// The URL path the page is served at (with its trailing slash).
    pub fn path(self) -> &'static str {
        match self {
            Page::Counter => "/counter/",
            Page::Board => "/board/",
        }
    }
}

/// Whether `path` (relative, `/`-separated) is a plain file path inside the build: no empty,
/// `.` or `..` segment, no hidden file, only letters, digits, `-`, `_` and `.`.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 200
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

impl UiSource {
    /// The bytes of `path` in the build, or `None`. `path` must pass [`is_safe_path`].
    pub async fn file(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        if !is_safe_path(path) {
            return None;
        }
        match self {
            #[cfg(feature = "bundled-ui")]
            UiSource::Bundled => UiDist::get(path).map(|f| f.data),
            UiSource::Dir(dir) => tokio::fs::read(dir.join(path)).await.ok().map(Cow::Owned),
            UiSource::Provided(read) => read(path).map(Cow::Owned),
            UiSource::None => None,
        }
    }
}

/// `Content-Type` by file extension; text types say UTF-8.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        _ => "application/octet-stream",
    }
}

/// The page shown when the build has no such page: Vietnamese and English.
pub fn not_built_html(page: Page) -> String {
    let (vi, en) = match page {
        Page::Counter => ("Trang quầy", "The counter page"),
        Page::Board => ("Bảng hiển thị", "The board page"),
    };
    format!(
        r#"<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{vi} chưa sẵn sàng / {en} is not available</title>
<style>body{{font-family:"Noto Sans",system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}code{{background:#eee;padding:0 .3em}}</style>
</head>
<body>
<h1>{vi} chưa được dựng</h1>
<p>Máy chủ này không có bản dựng giao diện (<code>ui/dist/{file}</code>). Người quản trị hãy
chạy <code>make ui</code> rồi dựng lại máy chủ, hoặc chỉ định thư mục giao diện bằng
<code>--ui-dir</code>.</p>
<h1 lang="en">{en} is not built</h1>
<p lang="en">This server has no build of the pages (<code>ui/dist/{file}</code>). The administrator
should run <code>make ui</code> and rebuild the server, or point it at a build with
<code>--ui-dir</code>.</p>
</body>
</html>
"#,
        file = page.file()
    )
}

/// `/counter` → `/counter/` (keeping the query), so the page's relative asset URLs resolve
/// under it.
fn to_slash(page: Page, uri: &Uri) -> Redirect {
    match uri.query() {
        Some(q) => Redirect::permanent(&format!("{}?{q}", page.path())),
        None => Redirect::permanent(page.path()),
    }
}

async fn page_file(ui: &UiSource, page: Page, path: Option<&str>) -> Response {
    let file = path.unwrap_or(page.file());
    match ui.file(file).await {
        Some(bytes) => {
            let cache = if file.starts_with("assets/") {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                [
                    (header::CONTENT_TYPE, content_type(file)),
                    (header::CACHE_CONTROL, cache),
                ],
                bytes.into_owned(),
            )
                .into_response()
        }
        None if path.is_none() => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-cache")],
            Html(not_built_html(page)),
        )
            .into_response(),
        None => ApiFailure::from(not_found_route()).into_response(),
    }
}

async fn counter_redirect(uri: Uri) -> Redirect {
    to_slash(Page::Counter, &uri)
}

async fn board_redirect(uri: Uri) -> Redirect {
    to_slash(Page::Board, &uri)
}

/// The counter page (staff: call, recall, skip, transfer, complete); `?counter=quay-1` picks
/// the counter. `/counter` redirects here; its files are under the same path.
#[utoipa::path(get, path = "/counter/", tag = "pages", responses(
    (status = 200, description = "UTF-8 HTML.", content_type = "text/html", body = String),
    (status = 503, description = "Vietnamese and English HTML: the pages are not built into this server.", content_type = "text/html", body = String)))]
async fn counter_page(State(ui): State<Arc<UiSource>>) -> Response {
    page_file(&ui, Page::Counter, None).await
}

/// The TV board of the hall (numbers being served, last calls, voice).
#[utoipa::path(get, path = "/board/", tag = "pages", responses(
    (status = 200, description = "UTF-8 HTML.", content_type = "text/html", body = String),
    (status = 503, description = "Vietnamese and English HTML: the pages are not built into this server.", content_type = "text/html", body = String)))]
async fn board_page(State(ui): State<Arc<UiSource>>) -> Response {
    page_file(&ui, Page::Board, None).await
}

async fn counter_asset(State(ui): State<Arc<UiSource>>, Path(path): Path<String>) -> Response {
    page_file(&ui, Page::Counter, Some(&path)).await
}

async fn board_asset(State(ui): State<Arc<UiSource>>, Path(path): Path<String>) -> Response {
    page_file(&ui, Page::Board, Some(&path)).await
}

/// The counter page and the board at `/counter/` and `/board/`, with their files.
pub fn router(ui: UiSource) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(counter_page))
        .routes(routes!(board_page))
        // The pages' own files and the slash-less addresses: not API routes.
        .route("/counter", get(counter_redirect))
        .route("/board", get(board_redirect))
        .route("/counter/{*path}", get(counter_asset))
        .route("/board/{*path}", get(board_asset))
        .with_state(Arc::new(ui))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_inside_the_build() {
        for ok in [
            "counter.html",
            "assets/index-BZ3k_x.js",
            "fonts/NotoSans-Regular.woff2",
        ] {
            assert!(is_safe_path(ok), "{ok}");
        }
        for bad in [
            "",
            "../Cargo.toml",
            "assets/../../x",
            "/etc/passwd",
            "assets//x.js",
            ".env",
            "a\\b",
            "a b",
            "%2e%2e/x",
        ] {
            assert!(!is_safe_path(bad), "{bad}");
        }
    }

    #[test]
    fn text_types_say_utf8() {
        assert_eq!(content_type("counter.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/a.JS"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("assets/a.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn not_built_page_is_bilingual() {
        let html = not_built_html(Page::Board);
        assert!(html.contains("chưa được dựng") && html.contains("is not built"));
        assert!(html.contains("make ui") && html.contains("board.html"));
    }
}
