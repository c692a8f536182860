//! The counter page and the TV board: the front end's Vite build (`ui/dist`: `counter.html`,
//! `board.html`, `assets/…`, built with relative URLs) served at `/counter/` and `/board/`.
//!
//! By default the files are embedded in the binary at build time (release builds; a debug build
//! reads `ui/dist` from the source tree at run time), so `motcua serve` is one file to deploy.
//! [`UiSource::Dir`] serves a folder instead (a kiosk shipping its own copy, or tests).

use std::borrow::Cow;
use std::path::PathBuf;

/// The build of `ui/dist` at compile time (release) or the folder itself (debug).
#[derive(rust_embed::Embed)]
#[folder = "../../ui/dist"]
#[allow_missing = true]
struct UiDist;

/// Where the pages come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UiSource {
    /// `ui/dist` embedded when the server was built.
    #[default]
    Embedded,
    /// This folder (a Vite build of `ui/`).
    Dir(PathBuf),
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
            UiSource::Embedded => UiDist::get(path).map(|f| f.data),
            UiSource::Dir(dir) => tokio::fs::read(dir.join(path)).await.ok().map(Cow::Owned),
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
