//! A dossier's upload with bounded memory: at most [`UploadLimits::at_once`] uploads are read
//! and decoded at a time (the others wait [`UploadLimits::wait`], then 503 with
//! `Retry-After`), each body is read as a stream up to its limit and within
//! [`UploadLimits::read_within`], and its base64 attachments are decoded straight out of the
//! body, never copied as text first.
//!
//! The copies of one upload (B = the body, at most [`super::http::DOSSIER_BODY_LIMIT`], 42 MB;
//! the files take about ¾ B decoded):
//!
//! | step | held | before | now |
//! |---|---|---|---|
//! | read | the body | B as frames + B joined (axum's `Bytes`) | B, read into one buffer of the declared length; SHA-256 as it comes |
//! | parse | body + request | B + B (base64 `String`s) | B (attachments recorded as places in the body, no text copied) |
//! | decode | | base64 `String`s B + files ¾ B (+ a whitespace-free copy of each file's text) | body B + files ¾ B; each file's text then blanked in the body, so the request parsed from it holds none |
//! | store | | base64 `String`s (capacity kept) B + files ¾ B + SQLite's copy of one file | files ¾ B + SQLite's copy of one file (the body is dropped) |
//!
//! Peak per upload: about 1.75 B (it was about 2 B, and twice that in memory no longer used
//! but still held until the dossier was stored); at most two at once.
//!
//! And memory that is freed goes back to the system: glibc's allocator raises its threshold
//! for giving a block its own mapping each time such a block is freed (up to 32 MB), so after
//! the first upload the 10 MB files came from the heap, where freed memory stays with the
//! process, fragmented over the threads' arenas: six uploads at once left the server at
//! 130–175 MB after they were done, twelve peaked at 250 MB. With the threshold fixed at
//! 1 MiB ([`return_large_blocks`]), the peak is the same for 6 or 12 uploads (two at a time)
//! and the server is back near its resting size once they are stored.

use crate::edge::ApiFailure;
use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use motcua_core::dossier::DossierRequest;
use motcua_core::{ApiError, ErrorCode};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many dossier uploads the server reads and decodes at once, and for how long the others
/// wait (`motcua serve --uploads-at-once`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadLimits {
    /// Uploads read, decoded and stored at once (at least 1; default 2). Each holds up to
    /// about 1.75 × its body (42 MB at most) while it is handled.
    pub at_once: usize,
    /// How long an upload waits for its turn before it is answered 503 `server_unavailable`
    /// with `Retry-After` (default 20 s).
    pub wait: Duration,
    /// How long the whole body may take to arrive once its turn came (default 120 s: 42 MB
    /// at 2.8 Mbit/s). A slower one is answered 503 and stores nothing: it must not hold a
    /// turn for ever.
    pub read_within: Duration,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            at_once: 2,
            wait: Duration::from_secs(20),
            read_within: Duration::from_secs(120),
        }
    }
}

/// Seconds a client is told to wait (`Retry-After`) when every turn is taken.
pub const RETRY_AFTER_SECS: u64 = 10;

/// The turns of the uploads.
pub struct UploadGate {
    turns: Arc<Semaphore>,
    limits: UploadLimits,
}

/// An upload's turn: handed back when dropped (moved into the blocking work that decodes and
/// stores the upload, so a client that hangs up cannot free it while that work still runs).
pub struct Turn(#[allow(dead_code)] OwnedSemaphorePermit);

/// Tells glibc's allocator to give every block of 1 MiB or more its own mapping (returned to
/// the system when freed) instead of its dynamic threshold; once per process. Elsewhere:
/// nothing.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: mallopt only sets a tuning parameter of the C allocator; it is called
            // once, and glibc serialises it with allocations by its own lock.
            let ok = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024) };
            if ok != 1 {
                tracing::warn!("the allocator refused its mmap threshold");
            }
        });
    }
}

impl UploadGate {
    /// A gate with these limits (and large blocks returned: [`return_large_blocks`]).
    pub fn new(limits: UploadLimits) -> UploadGate {
        return_large_blocks();
        UploadGate {
            turns: Arc::new(Semaphore::new(limits.at_once.max(1))),
            limits,
        }
    }

    /// The limits.
    pub fn limits(&self) -> &UploadLimits {
        &self.limits
    }

    /// Waits for a turn, at most [`UploadLimits::wait`]; `None` when none came.
    pub async fn enter(&self) -> Option<Turn> {
        tokio::time::timeout(self.limits.wait, self.turns.clone().acquire_owned())
            .await
            .ok()?
            .ok()
            .map(Turn)
    }
}

/// 503 `server_unavailable` with `Retry-After`: every upload turn is taken.
pub fn busy(limits: &UploadLimits) -> Response {
    let n = limits.at_once.max(1);
    let wait = limits.wait.as_secs();
    with_retry_after(ApiError::new(
        ErrorCode::ServerUnavailable,
        format!(
            "Máy chủ đang nhận {n} hồ sơ có tệp đính kèm cùng lúc (tối đa {n}) và hồ sơ này đã \
             chờ {wait} giây. Hồ sơ chưa được lưu; vui lòng gửi lại sau {RETRY_AFTER_SECS} giây \
             (máy kiosk tự gửi lại)."
        ),
        format!(
            "The server is taking {n} dossiers with attachments at once (at most {n}) and this \
             one waited {wait} seconds. It was not stored; please send it again in \
             {RETRY_AFTER_SECS} seconds (the kiosk resends it by itself)."
        ),
    ))
}

fn with_retry_after(e: ApiError) -> Response {
    let mut res = ApiFailure::from(e).into_response();
    res.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&RETRY_AFTER_SECS.to_string()).expect("digits"),
    );
    res
}

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// Over the limit (413).
    TooLarge,
    /// Not all there within [`UploadLimits::read_within`] (503).
    TooSlow,
    /// The client hung up or sent a broken body.
    Unreadable,
}

/// How much of a body over its limit is still read (and thrown away), so that a client still
/// sending reads the 413 instead of a reset connection.
const DRAIN_OVER_LIMIT: usize = 1024 * 1024;

/// Reads `body` as a stream into one buffer (of the declared length when there is one), at
/// most `limit` bytes and within `within`; the body and its SHA-256 (hex).
pub async fn read_body(
    body: Body,
    limit: usize,
    declared: Option<u64>,
    within: Duration,
) -> Result<(Vec<u8>, String), BodyError> {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + within;
    let mut stream = body.into_data_stream();
    let cap = declared.map_or(64 * 1024, |n| n.min(limit as u64) as usize);
    let mut buf: Vec<u8> = Vec::with_capacity(cap);
    let mut sha = Sha256::new();
    loop {
        let next = tokio::time::timeout_at(deadline, stream.next())
            .await
            .map_err(|_| BodyError::TooSlow)?;
        match next {
            None => break,
            Some(Err(_)) => return Err(BodyError::Unreadable),
            Some(Ok(chunk)) => {
                if buf.len() + chunk.len() > limit {
                    drop(buf);
                    // Thrown away as it comes: nothing more is held.
                    let mut over = chunk.len();
                    let _ = tokio::time::timeout(Duration::from_secs(5), async {
                        while let Some(Ok(c)) = stream.next().await {
                            over += c.len();
                            if over > DRAIN_OVER_LIMIT {
                                break;
                            }
                        }
                    })
                    .await;
                    return Err(BodyError::TooLarge);
                }
                sha.update(&chunk);
                buf.extend_from_slice(&chunk);
            }
        }
    }
    Ok((buf, super::hex(&sha.finalize())))
}

/// The answer to a body that could not be read.
pub fn body_failure(e: BodyError, limits: &UploadLimits) -> Response {
    match e {
        BodyError::TooLarge => ApiFailure::from(ApiError::new(
            ErrorCode::DossierTooLarge,
            "Hồ sơ gửi lên quá lớn: tổng tệp đính kèm tối đa 30 MB. Vui lòng bớt tệp hoặc nộp bản giấy tại quầy.",
            "The dossier is too large: attachments total at most 30 MB. Please remove some or hand in paper at the counter.",
        ))
        .into_response(),
        BodyError::TooSlow => {
            let s = limits.read_within.as_secs();
            with_retry_after(ApiError::new(
                ErrorCode::ServerUnavailable,
                format!(
                    "Hồ sơ gửi đến quá chậm (phải đến đủ trong {s} giây) nên chưa được lưu. \
                     Vui lòng kiểm tra mạng rồi gửi lại (máy kiosk tự gửi lại)."
                ),
                format!(
                    "The dossier arrived too slowly (it must arrive whole within {s} seconds) \
                     and was not stored. Please check the network and send it again (the kiosk \
                     resends it by itself)."
                ),
            ))
        }
        BodyError::Unreadable => ApiFailure::from(crate::edge::unreadable_body()).into_response(),
    }
}

/// A JSON string as it stands in the body: `Some` when it holds no escape (then it is the
/// body's own bytes), `None` otherwise (then the parser unescaped it into a scratch buffer,
/// and it is left for the ordinary parse).
struct InPlace<'a>(Option<&'a str>);

impl<'de: 'a, 'a> Deserialize<'de> for InPlace<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = InPlace<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(InPlace(Some(v)))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(InPlace(None))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// Where each document's attachment text stands in the body: read without copying anything
/// (every other field is skipped).
#[derive(Deserialize)]
struct Outline<'a> {
    #[serde(borrow, default)]
    documents: Vec<OutlineDocument<'a>>,
}

#[derive(Deserialize)]
struct OutlineDocument<'a> {
    #[serde(borrow, default)]
    submission: Option<OutlineSubmission<'a>>,
}

#[derive(Deserialize)]
struct OutlineSubmission<'a> {
    #[serde(borrow, default)]
    content_base64: Option<InPlace<'a>>,
}

/// A parsed upload: the request (its attachments' text emptied where they were decoded) and,
/// by document, the files decoded from the body.
pub struct Parsed {
    /// The request.
    pub req: DossierRequest,
    /// Decoded attachments by document position (`None`: left in the request's text, for
    /// [`super::Filing::check_with`] to decode or refuse as before).
    pub decoded: Vec<Option<Vec<u8>>>,
}

/// Parses a dossier's body, decoding its attachments straight out of it: each base64 text is
/// decoded into its file, then blanked in the body (`"…"` becomes `""` and spaces: the same
/// JSON with an empty string, every position kept for error messages), and the request is
/// parsed from what is left. The body is consumed; the files stay. Text over the file limit,
/// text that is not base64 and text with JSON escapes are left as they are, for the ordinary
/// checks and their messages.
pub fn parse(mut body: Vec<u8>) -> Result<Parsed, (serde_json::Error, String)> {
    let places: Vec<Option<(usize, usize)>> = match serde_json::from_slice::<Outline>(&body) {
        Ok(outline) => {
            let base = body.as_ptr() as usize;
            outline
                .documents
                .iter()
                .map(|d| {
                    let text = d.submission.as_ref()?.content_base64.as_ref()?.0?;
                    Some((text.as_ptr() as usize - base, text.len()))
                })
                .collect()
        }
        // Not the shape of a dossier: the ordinary parse says what is wrong.
        Err(_) => Vec::new(),
    };
    let mut decoded = Vec::with_capacity(places.len());
    for place in places {
        let file = place.and_then(|(at, len)| {
            // Base64 of more than 10 MB is refused by the checks, before decoding it.
            if len / 4 * 3 > motcua_core::files::MAX_FILE_BYTES + 3 {
                return None;
            }
            // The outline's strings are the body's own bytes between two quotes.
            if at == 0 || body.get(at - 1) != Some(&b'"') || body.get(at + len) != Some(&b'"') {
                return None;
            }
            let file = super::decode_base64(&body[at..at + len])?;
            body[at] = b'"';
            body[at + 1..=at + len].fill(b' ');
            Some(file)
        });
        decoded.push(file);
    }
    // Strictly, naming the path of a field that is wrong or unknown (`applicant.nickname`).
    let mut de = serde_json::Deserializer::from_slice(&body);
    let req: DossierRequest = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let detail = e.to_string();
        (e.into_inner(), detail)
    })?;
    de.end().map_err(|e| {
        let detail = e.to_string();
        (e, detail)
    })?;
    drop(body);
    Ok(Parsed { req, decoded })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn body_with(files: &[&[u8]], escaped: bool) -> Vec<u8> {
        let docs: Vec<serde_json::Value> = files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                serde_json::json!({"name": format!("Giấy {i}"), "originals": 1,
                    "submission": {"kind": "attachment", "file_name": "a.pdf",
                    "content_base64": base64::engine::general_purpose::STANDARD.encode(f)}})
            })
            .chain([serde_json::json!({"name": "Bản giấy",
                "submission": {"kind": "paper_at_counter"}})])
            .collect();
        let text = serde_json::json!({"procedure_code": "1.001193",
            "answers": {"ghi_chu": "dòng \"một\"\nhai"},
            "documents": docs, "delivery": {"method": "office"}})
        .to_string();
        if escaped {
            text.replace('/', "\\/").into_bytes()
        } else {
            text.into_bytes()
        }
    }

    #[test]
    fn attachments_are_decoded_out_of_the_body_and_the_rest_parses_as_before() {
        let a = b"%PDF-1.7 first file \xff\xfe/+".repeat(100);
        let b = b"\x89PNG\r\n\x1a\n second".repeat(7);
        let body = body_with(&[&a, &b], false);
        let plain: DossierRequest = serde_json::from_slice(&body).unwrap();
        let parsed = parse(body).unwrap();
        assert_eq!(parsed.decoded.len(), 3);
        assert_eq!(parsed.decoded[0].as_deref(), Some(&a[..]));
        assert_eq!(parsed.decoded[1].as_deref(), Some(&b[..]));
        assert_eq!(parsed.decoded[2], None, "paper has no file");
        // Everything but the attachments' text is what the plain parse gives.
        let mut want = plain.clone();
        for d in &mut want.documents {
            if let motcua_core::dossier::Submission::Attachment { content_base64, .. } =
                &mut d.submission
            {
                content_base64.clear();
            }
        }
        assert_eq!(parsed.req, want);
    }

    #[test]
    fn escaped_bad_and_oversized_text_is_left_for_the_checks() {
        let a = b"%PDF-1.7 \xff\xff\xff\xff\xff\xff".repeat(50);
        let body = body_with(&[&a], true);
        assert!(body.windows(2).any(|w| w == b"\\/"), "the text has escapes");
        let parsed = parse(body).unwrap();
        assert_eq!(parsed.decoded[0], None, "escaped: left as text");
        match &parsed.req.documents[0].submission {
            motcua_core::dossier::Submission::Attachment { content_base64, .. } => {
                assert_eq!(
                    super::super::decode_base64(content_base64.as_bytes()).unwrap(),
                    a
                );
            }
            other => panic!("{other:?}"),
        }
        let text = r#"{"procedure_code":"1","delivery":{"method":"office"},"documents":[
            {"name":"x","submission":{"kind":"attachment","content_base64":"@@@@"}}]}"#;
        let parsed = parse(text.as_bytes().to_vec()).unwrap();
        assert_eq!(parsed.decoded, vec![None]);
        // Not a dossier at all: the ordinary parse's error, with its line and column.
        let e = parse(b"{\"documents\": [1, }".to_vec()).err().unwrap();
        assert_eq!(e.0.line(), 1);
    }

    #[test]
    fn chunked_decoding_is_the_plain_decoding() {
        let engine = &base64::engine::general_purpose::STANDARD;
        let old = |s: &str| {
            let s: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(s.trim_end_matches('='))
                .ok()
        };
        let mut seed = 13u64;
        for n in [0usize, 1, 2, 3, 4, 3071, 3072, 3073, 9000, 20_000] {
            let data: Vec<u8> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 33) as u8
                })
                .collect();
            let text = engine.encode(&data);
            for t in [
                text.clone(),
                text.trim_end_matches('=').to_string(),
                format!(
                    " {}\r\n",
                    text.as_bytes()
                        .chunks(76)
                        .map(|c| std::str::from_utf8(c).unwrap())
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
                format!("{text}= ="),
                format!("{}={}", &text[..text.len() / 2], &text[text.len() / 2..]),
                format!("{text}A"),
                format!("{text}!"),
            ] {
                assert_eq!(
                    super::super::decode_base64(t.as_bytes()),
                    old(&t),
                    "n = {n}: {:?}",
                    &t[..t.len().min(40)]
                );
            }
        }
    }
}
