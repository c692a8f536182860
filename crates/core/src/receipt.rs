//! The receipt's tracking link: `{public_url}/d/{code}?k={secret}&s={signature}`.
//!
//! `k` is a short random lookup secret (10 characters, 50 bits): with the code it lets the
//! citizen's phone read the dossier's details. `s` is an Ed25519 signature by the office's
//! receipt key over the code and the secret, base64url without padding. Staff check a printed
//! receipt offline with the office's *public* key ([`verify`], `motcua scan decode`): the key
//! that can sign never leaves the server, and a public key on a staff laptop or phone can be
//! shared freely, which an HMAC key could not.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

pub use ed25519_dalek::{SigningKey as ReceiptSigningKey, VerifyingKey as ReceiptVerifyingKey};

/// Characters of a lookup secret: lower-case letters and digits without `l`, `o`, `0`, `1`.
const SECRET_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
/// Length of a lookup secret.
pub const SECRET_LEN: usize = 10;
/// Domain separation of the signed message.
const CONTEXT: &[u8] = b"motcua-receipt-v1";

/// A lookup secret from 7 random bytes (the first 50 bits are used).
pub fn secret_from_bytes(random: [u8; 7]) -> String {
    let mut v = u64::from_be_bytes([
        0, random[0], random[1], random[2], random[3], random[4], random[5], random[6],
    ]);
    let mut out = [0u8; SECRET_LEN];
    for c in out.iter_mut().rev() {
        *c = SECRET_ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    String::from_utf8(out.to_vec()).expect("ASCII")
}

/// Whether `s` has the shape of a lookup secret.
pub fn is_secret(s: &str) -> bool {
    s.len() == SECRET_LEN && s.bytes().all(|b| SECRET_ALPHABET.contains(&b))
}

fn message(code: &str, secret: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(CONTEXT.len() + code.len() + secret.len() + 2);
    m.extend_from_slice(CONTEXT);
    m.push(0);
    m.extend_from_slice(code.as_bytes());
    m.push(0);
    m.extend_from_slice(secret.as_bytes());
    m
}

/// The signature of a (code, secret) pair, base64url without padding (86 characters).
pub fn sign(key: &SigningKey, code: &str, secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.sign(&message(code, secret)).to_bytes())
}

/// The tracking URL printed as a QR on the receipt. `base` is the office's public URL
/// (a trailing `/` is ignored).
pub fn tracking_url(base: &str, key: &SigningKey, code: &str, secret: &str) -> String {
    format!(
        "{}/d/{code}?k={secret}&s={}",
        base.trim_end_matches('/'),
        sign(key, code, secret)
    )
}

/// The parts of a tracking URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingLink {
    /// Base the URL was made with (`http://host:port`).
    pub base: String,
    /// Dossier code.
    pub code: String,
    /// Lookup secret (`k`), if present.
    pub secret: Option<String>,
    /// Signature (`s`), if present, as written.
    pub signature: Option<String>,
}

/// Splits a tracking URL; `None` unless it is `http(s)://…/d/{code}` with an optional query.
pub fn parse_tracking_url(url: &str) -> Option<TrackingLink> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return None;
    }
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    let at = path.rfind("/d/")?;
    let base = &path[..at];
    let code = &path[at + 3..];
    let host = base.split_once("://").map_or("", |(_, h)| h);
    if host.is_empty() || !crate::dossier::is_dossier_code(code) {
        return None;
    }
    let mut secret = None;
    let mut signature = None;
    for pair in query.unwrap_or("").split('&') {
        match pair.split_once('=') {
            Some(("k", v)) => secret = Some(v.to_owned()),
            Some(("s", v)) => signature = Some(v.to_owned()),
            _ => {}
        }
    }
    Some(TrackingLink {
        base: base.to_owned(),
        code: code.to_owned(),
        secret,
        signature,
    })
}

impl TrackingLink {
    /// Whether the link carries a valid signature by `key` over its code and secret.
    pub fn signature_ok(&self, key: &VerifyingKey) -> bool {
        let (Some(secret), Some(sig)) = (&self.secret, &self.signature) else {
            return false;
        };
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(sig) else {
            return false;
        };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else {
            return false;
        };
        key.verify(&message(&self.code, secret), &Signature::from_bytes(&bytes))
            .is_ok()
    }
}

/// Checks a tracking URL offline: `Some((code, signature_ok))` when it is a tracking URL.
pub fn verify(url: &str, key: &VerifyingKey) -> Option<(String, bool)> {
    let link = parse_tracking_url(url)?;
    let ok = link.signature_ok(key);
    Some((link.code, ok))
}

/// The text form of a public key staff are given: `ed25519:` and base64url of its 32 bytes.
pub fn public_key_text(key: &VerifyingKey) -> String {
    format!("ed25519:{}", URL_SAFE_NO_PAD.encode(key.as_bytes()))
}

/// Parses [`public_key_text`] (the `ed25519:` prefix is optional).
pub fn parse_public_key(s: &str) -> Option<VerifyingKey> {
    let s = s.trim();
    let b64 = s.strip_prefix("ed25519:").unwrap_or(s);
    let bytes = URL_SAFE_NO_PAD.decode(b64).ok()?;
    VerifyingKey::from_bytes(&<[u8; 32]>::try_from(bytes.as_slice()).ok()?).ok()
}

/// A signing key from its 32-byte seed.
pub fn signing_key(seed: [u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        signing_key([n; 32])
    }

    #[test]
    fn secrets_are_short_and_unambiguous() {
        let s = secret_from_bytes([0xff; 7]);
        assert_eq!(s.len(), SECRET_LEN);
        assert!(is_secret(&s));
        assert_ne!(secret_from_bytes([1; 7]), secret_from_bytes([2; 7]));
        assert!(!is_secret("abcdefghi0"));
    }

    #[test]
    fn a_signed_url_verifies_and_a_changed_one_does_not() {
        let k = key(7);
        let url = tracking_url(
            "http://10.0.0.5:8080/",
            &k,
            "H01.01-261123-0042",
            "abcdefghij",
        );
        assert!(url.starts_with("http://10.0.0.5:8080/d/H01.01-261123-0042?k=abcdefghij&s="));
        assert_eq!(
            verify(&url, &k.verifying_key()),
            Some(("H01.01-261123-0042".to_owned(), true))
        );
        // Another office's key, another code, another secret: all fail.
        assert!(!verify(&url, &key(8).verifying_key()).unwrap().1);
        let other = url.replace("0042", "0043");
        assert!(!verify(&other, &k.verifying_key()).unwrap().1);
        let other = url.replace("k=abcdefghij", "k=abcdefghik");
        assert!(!verify(&other, &k.verifying_key()).unwrap().1);
        let unsigned = url.split("&s=").next().unwrap();
        assert!(!verify(unsigned, &k.verifying_key()).unwrap().1);
    }

    #[test]
    fn public_key_text_round_trips() {
        let v = key(3).verifying_key();
        assert_eq!(parse_public_key(&public_key_text(&v)), Some(v));
        assert_eq!(parse_public_key("ed25519:xyz"), None);
    }

    #[test]
    fn not_tracking_urls() {
        assert!(parse_tracking_url("http://x/t/abc").is_none());
        assert!(parse_tracking_url("ftp://x/d/H01-261123-0001").is_none());
        assert!(parse_tracking_url("http://x/d/not a code").is_none());
    }

    #[test]
    fn no_panic_on_arbitrary_input() {
        let v = key(1).verifying_key();
        let good = tracking_url("http://h:1", &key(1), "H01-261123-0001", "abcdefghij");
        let mut rng = crate::testrand::Rng::new(99);
        for _ in 0..10_000 {
            let s = rng.string(160);
            let _ = verify(&s, &v);
            let _ = parse_public_key(&s);
            let mut m: Vec<char> = good.chars().collect();
            let at = rng.below(m.len());
            m.splice(at..(at + 3).min(m.len()), rng.string(3).chars());
            let m: String = m.into_iter().collect();
            if let Some((_, ok)) = verify(&m, &v) {
                // A mutation may land in the base URL (still valid) but never forges.
                if ok {
                    assert!(m.contains("/d/H01-261123-0001?k=abcdefghij&s="));
                }
            }
        }
    }
}
