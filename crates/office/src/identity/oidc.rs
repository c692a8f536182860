//! The relying party's side of the protocol: discovery, the device authorization request, the
//! token endpoint, the JWKS (refreshed when a token names a key it does not hold) and the ID
//! token checks.

use super::config::AuthConfig;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// Signature algorithms accepted on ID tokens. Never `none`, never an HMAC (whose "key" would
/// be the public client's secret or, worse, a public key used as one).
pub const ALLOWED_ALGS: [Algorithm; 3] = [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256];

/// The JWKS is fetched again for an unknown `kid` at most this often.
const JWKS_REFRESH_MIN: Duration = Duration::from_secs(5);
/// Provider metadata is fetched again after this long.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// Why talking to the provider failed. Details are for the log (they never contain tokens or
/// claims).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// Network, HTTP status or JSON failure.
    #[error("provider unreachable or answered nonsense: {0}")]
    Unreachable(String),
    /// The provider's metadata does not fit the configuration.
    #[error("provider metadata unusable: {0}")]
    Metadata(String),
    /// The device authorization endpoint refused.
    #[error("device authorization refused: {0}")]
    Refused(String),
    /// The ID token failed a check.
    #[error("ID token rejected: {0}")]
    BadToken(String),
}

/// The parts of `.well-known/openid-configuration` the device flow needs.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    /// Must equal the configured issuer.
    pub issuer: String,
    /// RFC 8628 §4.
    pub device_authorization_endpoint: Option<String>,
    /// Where the device code is exchanged.
    pub token_endpoint: String,
    /// The signing keys.
    pub jwks_uri: String,
    /// How the token endpoint wants clients to authenticate.
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
}

/// The device authorization response (RFC 8628 §3.2).
#[derive(Deserialize)]
pub struct DeviceAuthorization {
    /// Kept secret: only the office server ever holds it.
    pub device_code: Zeroizing<String>,
    /// Shown to the citizen.
    pub user_code: String,
    /// Where the phone goes.
    pub verification_uri: String,
    /// With the user code in it.
    #[serde(default)]
    pub verification_uri_complete: Option<String>,
    /// Seconds.
    pub expires_in: u64,
    /// Seconds between polls; 5 when absent (§3.2).
    #[serde(default)]
    pub interval: Option<u64>,
}

/// What one poll of the token endpoint gave.
pub enum Poll {
    /// The ID token (the access token is dropped at once: the office needs only the claims).
    Token(Zeroizing<String>),
    /// `authorization_pending`.
    Pending,
    /// `slow_down`: add 5 s to the interval.
    SlowDown,
    /// `access_denied`.
    Denied,
    /// `expired_token`.
    Expired,
    /// Any other OAuth error (`invalid_grant`, `invalid_client`…), with its code.
    Failed(String),
    /// The provider could not be reached or answered something that is not OAuth.
    Transient(String),
}

struct Cached<T> {
    value: T,
    at: Instant,
}

/// One OpenID provider, as the configuration names it.
pub struct Provider {
    cfg: AuthConfig,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<Cached<Metadata>>>,
    jwks: tokio::sync::Mutex<Option<Cached<JwkSet>>>,
    /// Last time the JWKS was fetched because of an unknown `kid`.
    refreshed: Mutex<Option<Instant>>,
}

impl Provider {
    /// A provider for `cfg` (nothing is fetched yet).
    pub fn new(cfg: AuthConfig) -> Provider {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            // A provider redirecting its API calls elsewhere is not followed.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("motcua-office/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds");
        Provider {
            cfg,
            http,
            metadata: tokio::sync::Mutex::new(None),
            jwks: tokio::sync::Mutex::new(None),
            refreshed: Mutex::new(None),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &AuthConfig {
        &self.cfg
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, OidcError> {
        let r = self
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| OidcError::Unreachable(format!("GET {url}: {e}")))?;
        if !r.status().is_success() {
            return Err(OidcError::Unreachable(format!(
                "GET {url}: HTTP {}",
                r.status()
            )));
        }
        r.json()
            .await
            .map_err(|e| OidcError::Unreachable(format!("GET {url}: {e}")))
    }

    /// The provider's metadata, fetched on first use and after an hour.
    pub async fn metadata(&self) -> Result<Metadata, OidcError> {
        let mut slot = self.metadata.lock().await;
        if let Some(c) = slot.as_ref() {
            if c.at.elapsed() < METADATA_TTL {
                return Ok(c.value.clone());
            }
        }
        let base = self.cfg.issuer.trim_end_matches('/');
        let url = format!("{base}/.well-known/openid-configuration");
        let m: Metadata = self.get_json(&url).await?;
        if m.issuer.trim_end_matches('/') != base {
            return Err(OidcError::Metadata(format!(
                "the discovery document names issuer {} instead of {}",
                m.issuer, self.cfg.issuer
            )));
        }
        if m.device_authorization_endpoint.is_none() {
            return Err(OidcError::Metadata(
                "the provider has no device_authorization_endpoint (RFC 8628)".into(),
            ));
        }
        for (what, u) in [
            ("token_endpoint", Some(&m.token_endpoint)),
            ("jwks_uri", Some(&m.jwks_uri)),
            (
                "device_authorization_endpoint",
                m.device_authorization_endpoint.as_ref(),
            ),
        ] {
            let u = u.expect("checked above");
            let parsed = reqwest::Url::parse(u)
                .map_err(|e| OidcError::Metadata(format!("{what} {u} is not a URL: {e}")))?;
            let http_ok = self.cfg.allow_http || super::config::is_loopback(&parsed);
            if parsed.scheme() != "https" && !(parsed.scheme() == "http" && http_ok) {
                return Err(OidcError::Metadata(format!("{what} {u} is not https")));
            }
        }
        *slot = Some(Cached {
            value: m.clone(),
            at: Instant::now(),
        });
        Ok(m)
    }

    /// `client_secret_post` when the provider supports it and not `client_secret_basic`.
    fn secret_in_form(&self, m: &Metadata) -> Option<&str> {
        let secret = self.cfg.client_secret.as_deref()?;
        let methods = &m.token_endpoint_auth_methods_supported;
        let post_only = !methods.is_empty()
            && !methods.iter().any(|s| s == "client_secret_basic")
            && methods.iter().any(|s| s == "client_secret_post");
        post_only.then_some(secret)
    }

    /// A POST with the client's credentials: `client_id` in the form (public clients), the
    /// secret by HTTP Basic unless the provider only takes it in the form.
    fn post_form<'a>(
        &'a self,
        m: &'a Metadata,
        url: &str,
        mut form: Vec<(&'a str, &'a str)>,
    ) -> reqwest::RequestBuilder {
        form.push(("client_id", &self.cfg.client_id));
        let basic = match (self.secret_in_form(m), &self.cfg.client_secret) {
            (Some(s), _) => {
                form.push(("client_secret", s));
                None
            }
            (None, Some(s)) => Some(s),
            (None, None) => None,
        };
        let req = self
            .http
            .post(url)
            .header("accept", "application/json")
            .form(&form);
        match basic {
            Some(s) => req.basic_auth(form_encode(&self.cfg.client_id), Some(form_encode(s))),
            None => req,
        }
    }

    /// Starts a device authorization (RFC 8628 §3.1). `nonce` goes along (OpenID providers
    /// that support it put it in the ID token).
    pub async fn start(&self, nonce: &str) -> Result<(Metadata, DeviceAuthorization), OidcError> {
        let m = self.metadata().await?;
        let url = m
            .device_authorization_endpoint
            .clone()
            .expect("metadata() checks it");
        let scope = self.cfg.scope_param();
        let form = vec![("scope", scope.as_str()), ("nonce", nonce)];
        let r = self
            .post_form(&m, &url, form)
            .send()
            .await
            .map_err(|e| OidcError::Unreachable(format!("POST {url}: {e}")))?;
        let status = r.status();
        let body = r
            .bytes()
            .await
            .map_err(|e| OidcError::Unreachable(format!("POST {url}: {e}")))?;
        if !status.is_success() {
            let code = oauth_error(&body).unwrap_or_else(|| format!("HTTP {status}"));
            return Err(if status.is_server_error() {
                OidcError::Unreachable(format!("POST {url}: {code}"))
            } else {
                OidcError::Refused(code)
            });
        }
        let da: DeviceAuthorization = serde_json::from_slice(&body).map_err(|e| {
            OidcError::Unreachable(format!("POST {url}: not a device authorization: {e}"))
        })?;
        if da.device_code.is_empty() || da.user_code.is_empty() || da.expires_in == 0 {
            return Err(OidcError::Unreachable(format!(
                "POST {url}: empty device_code, user_code or expires_in"
            )));
        }
        Ok((m, da))
    }

    /// One poll of the token endpoint (RFC 8628 §3.4–3.5).
    pub async fn poll(&self, m: &Metadata, device_code: &str) -> Poll {
        let form = vec![
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code),
        ];
        let r = match self.post_form(m, &m.token_endpoint, form).send().await {
            Ok(r) => r,
            Err(e) => return Poll::Transient(format!("POST token endpoint: {e}")),
        };
        let status = r.status();
        let body = match r.bytes().await {
            Ok(b) => Zeroizing::new(b.to_vec()),
            Err(e) => return Poll::Transient(format!("POST token endpoint: {e}")),
        };
        if status.is_success() {
            #[derive(Deserialize)]
            struct Tokens {
                id_token: Option<Zeroizing<String>>,
            }
            return match serde_json::from_slice::<Tokens>(&body) {
                Ok(Tokens { id_token: Some(t) }) => Poll::Token(t),
                Ok(Tokens { id_token: None }) => {
                    Poll::Failed("the token response has no id_token (is `openid` granted?)".into())
                }
                Err(_) => Poll::Transient("the token response is not JSON".into()),
            };
        }
        match oauth_error(&body).as_deref() {
            Some("authorization_pending") => Poll::Pending,
            Some("slow_down") => Poll::SlowDown,
            Some("access_denied") => Poll::Denied,
            Some("expired_token") => Poll::Expired,
            Some(other) => Poll::Failed(other.to_owned()),
            None => Poll::Transient(format!("token endpoint answered HTTP {status}")),
        }
    }

    async fn jwks(&self, m: &Metadata, refresh: bool) -> Result<JwkSet, OidcError> {
        let mut slot = self.jwks.lock().await;
        if !refresh {
            if let Some(c) = slot.as_ref() {
                if c.at.elapsed() < METADATA_TTL {
                    return Ok(c.value.clone());
                }
            }
        }
        let set: JwkSet = self.get_json(&m.jwks_uri).await?;
        *slot = Some(Cached {
            value: set.clone(),
            at: Instant::now(),
        });
        Ok(set)
    }

    /// The key for `header`: by `kid` (fetching the JWKS again, at most every 5 s, when the
    /// key is not known: the provider may have rotated its keys), or the only key that fits
    /// the algorithm when the token names none.
    async fn key_for(
        &self,
        m: &Metadata,
        header: &jsonwebtoken::Header,
    ) -> Result<DecodingKey, OidcError> {
        let set = self.jwks(m, false).await?;
        if let Some(k) = pick_key(&set, header)? {
            return Ok(k);
        }
        let may_refresh = {
            let mut last = self.refreshed.lock().unwrap_or_else(|p| p.into_inner());
            let ok = last.is_none_or(|t| t.elapsed() >= JWKS_REFRESH_MIN);
            if ok {
                *last = Some(Instant::now());
            }
            ok
        };
        if may_refresh {
            tracing::info!("ID token names a key not in the cached JWKS: fetching it again");
            let set = self.jwks(m, true).await?;
            if let Some(k) = pick_key(&set, header)? {
                return Ok(k);
            }
        }
        Err(OidcError::BadToken(format!(
            "no signing key {} in the provider's JWKS",
            header.kid.as_deref().unwrap_or("(no kid)")
        )))
    }

    /// Checks an ID token: the signature by the provider's JWKS with an allowed algorithm,
    /// `iss`, `aud` (and `azp` when there are several audiences), `exp` and `iat` (with the
    /// configured leeway), `sub`, and `nonce` when the token carries one. Returns its claims.
    pub async fn validate_id_token(
        &self,
        m: &Metadata,
        token: &str,
        nonce: &str,
    ) -> Result<Map<String, Value>, OidcError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| OidcError::BadToken(format!("unreadable header: {e}")))?;
        if !ALLOWED_ALGS.contains(&header.alg) {
            return Err(OidcError::BadToken(format!(
                "algorithm {:?} is not allowed (RS256, PS256, ES256 only)",
                header.alg
            )));
        }
        let key = self.key_for(m, &header).await?;
        let mut v = Validation::new(header.alg);
        v.algorithms = vec![header.alg];
        v.leeway = self.cfg.leeway_secs;
        v.set_issuer(&[&m.issuer]);
        v.set_audience(&[&self.cfg.client_id]);
        v.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            OidcError::BadToken(match e.kind() {
                K::InvalidSignature => "the signature does not match the provider's key".into(),
                K::ExpiredSignature => "the token has expired".into(),
                K::InvalidAudience => "the token is for another client (aud)".into(),
                K::InvalidIssuer => "the token is from another issuer (iss)".into(),
                K::MissingRequiredClaim(c) => format!("the token has no {c} claim"),
                other => format!("{other:?}"),
            })
        })?;
        let claims = data.claims;
        let now = chrono::Utc::now().timestamp();
        let iat = claims
            .get("iat")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX);
        if iat > now + self.cfg.leeway_secs as i64 {
            return Err(OidcError::BadToken(
                "the token is issued in the future (iat)".into(),
            ));
        }
        if claims
            .get("aud")
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() > 1)
        {
            let azp = claims.get("azp").and_then(Value::as_str);
            if azp != Some(self.cfg.client_id.as_str()) {
                return Err(OidcError::BadToken(
                    "the token has several audiences and azp is not this client".into(),
                ));
            }
        }
        if let Some(n) = claims.get("nonce") {
            if n.as_str() != Some(nonce) {
                return Err(OidcError::BadToken("the nonce does not match".into()));
            }
        }
        if !claims
            .get("sub")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty() && s.len() <= 255)
        {
            return Err(OidcError::BadToken(
                "the sub claim is empty or not text".into(),
            ));
        }
        Ok(claims)
    }
}

/// The key of `set` that `header` names and that fits its algorithm. `Err` when the named key
/// exists but cannot verify this algorithm (a key type confusion attempt).
fn pick_key(set: &JwkSet, header: &jsonwebtoken::Header) -> Result<Option<DecodingKey>, OidcError> {
    let fits = |k: &Jwk| -> bool {
        let alg_ok = match &k.algorithm {
            AlgorithmParameters::RSA(_) => {
                matches!(header.alg, Algorithm::RS256 | Algorithm::PS256)
            }
            AlgorithmParameters::EllipticCurve(ec) => {
                header.alg == Algorithm::ES256 && ec.curve == EllipticCurve::P256
            }
            _ => false,
        };
        let use_ok = !matches!(
            k.common.public_key_use,
            Some(PublicKeyUse::Encryption) | Some(PublicKeyUse::Other(_))
        );
        let declared_ok = k
            .common
            .key_algorithm
            .is_none_or(|a| format!("{a:?}") == format!("{:?}", header.alg));
        alg_ok && use_ok && declared_ok
    };
    let chosen = match &header.kid {
        Some(kid) => match set.find(kid) {
            Some(k) if fits(k) => Some(k),
            Some(_) => {
                return Err(OidcError::BadToken(format!(
                    "key {kid} cannot verify {:?}",
                    header.alg
                )))
            }
            None => None,
        },
        None => {
            let mut fitting = set.keys.iter().filter(|k| fits(k));
            match (fitting.next(), fitting.next()) {
                (Some(k), None) => Some(k),
                _ => None,
            }
        }
    };
    chosen
        .map(|k| DecodingKey::from_jwk(k).map_err(|e| OidcError::BadToken(format!("bad JWK: {e}"))))
        .transpose()
}

/// The OAuth `error` of an error response body.
fn oauth_error(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct E {
        error: String,
    }
    let e: E = serde_json::from_slice(body).ok()?;
    let ok =
        !e.error.is_empty() && e.error.len() <= 64 && e.error.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(e.error)
}

/// RFC 6749 §2.3.1: the client id and secret are form-encoded before HTTP Basic.
fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
