//! The built-in sandbox provider for the embedded demo, where there is no real VNeID. It
//! speaks the same protocol as a real provider (discovery, device authorization endpoint,
//! token endpoint, JWKS; ES256 ID tokens signed by a key made at start-up and kept in memory)
//! and serves a small approval page that the citizen's phone would open from the kiosk's QR
//! (in the demo, a browser on the same machine: the sandbox runs on loopback only).
//!
//! Mounted at `/demo-idp/` only when demo mode is on (`ServerConfig.demo_sign_in`) and the
//! server listens on loopback ([`super::refuse_demo_off_loopback`]), and
//! labelled "DEMO – không phải VNeID thật" on every page; sign-ins through it report
//! `demo: true` so the kiosk labels them too.

use super::AuthConfig;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SecureRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The label shown wherever the sandbox shows.
pub const LABEL: &str = "DEMO – không phải VNeID thật";
/// The sandbox's client id.
pub const CLIENT_ID: &str = "motcua-kiosk-demo";
/// Where it is mounted.
pub const PREFIX: &str = "/demo-idp";
/// Seconds a code lives.
const CODE_TTL: u64 = 300;
/// Seconds between polls the sandbox asks for.
const INTERVAL: u64 = 2;

/// The demo citizen (clearly a sample: "Mẫu" means sample).
fn citizen() -> Value {
    json!({
        "sub": "demo-citizen-0001",
        "name": "Phạm Văn Mẫu",
        "birthdate": "1990-05-20",
        "gender": "male",
        "id_number": "001090012345",
        "address": "Số 1 phố Mẫu, phường Demo, Hà Nội",
        "phone_number": "0900000000",
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Decision {
    Pending,
    Approved,
    Denied,
}

struct Code {
    user_code: String,
    nonce: Option<String>,
    expires: Instant,
    decision: Decision,
}

struct Idp {
    /// What the relying party (this server, over loopback) uses.
    issuer: String,
    /// What phones open (the office's public address).
    public: String,
    kid: String,
    pkcs8: Vec<u8>,
    jwk: Value,
    codes: Mutex<HashMap<String, Code>>,
    rng: ring::rand::SystemRandom,
}

impl Idp {
    fn random(&self, bytes: usize) -> String {
        let mut b = vec![0u8; bytes];
        self.rng.fill(&mut b).expect("system randomness");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    }

    /// `XXXX-XXXX` from consonants (no vowels, so no words; no look-alikes).
    fn user_code(&self) -> String {
        const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
        let mut b = [0u8; 8];
        self.rng.fill(&mut b).expect("system randomness");
        let s: String = b
            .iter()
            .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
            .collect();
        format!("{}-{}", &s[..4], &s[4..])
    }

    fn codes(&self) -> std::sync::MutexGuard<'_, HashMap<String, Code>> {
        let mut map = self.codes.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        map.retain(|_, c| c.expires + Duration::from_secs(60) > now);
        map
    }
}

/// The sandbox's routes and the relying party's configuration for it, for a server bound to
/// `addr` whose phones reach it at `public_base`.
pub fn mount(addr: SocketAddr, public_base: &str) -> (Router, AuthConfig) {
    // The relying party reaches the sandbox over loopback when the server listens on every
    // address.
    let back = match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => format!("127.0.0.1:{}", a.port()),
        SocketAddr::V6(a) if a.ip().is_unspecified() => format!("[::1]:{}", a.port()),
        a => a.to_string(),
    };
    let issuer = format!("http://{back}{PREFIX}");
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .expect("ECDSA key generation")
        .as_ref()
        .to_vec();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng)
        .expect("the key just made");
    let point = pair.public_key().as_ref();
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let mut kid_bytes = [0u8; 9];
    rng.fill(&mut kid_bytes).expect("system randomness");
    let kid = format!("demo-{}", b64(&kid_bytes));
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
        "x": b64(&point[1..33]), "y": b64(&point[33..65]),
    });
    let idp = Arc::new(Idp {
        issuer: issuer.clone(),
        public: format!("{}{PREFIX}", public_base.trim_end_matches('/')),
        kid,
        pkcs8,
        jwk,
        codes: Mutex::new(HashMap::new()),
        rng,
    });
    let router = Router::new()
        .route("/demo-idp/.well-known/openid-configuration", get(discovery))
        .route("/demo-idp/jwks", get(jwks))
        .route("/demo-idp/device/auth", post(device_authorization))
        .route("/demo-idp/token", post(token))
        .route("/demo-idp/device", get(page).post(decide))
        .with_state(idp);
    let mut rp = AuthConfig::new(issuer, CLIENT_ID);
    rp.scopes = vec!["openid".into(), "profile".into()];
    // The office may listen on a LAN address: plain HTTP to itself is fine for a sandbox.
    rp.allow_http = true;
    (router, rp)
}

type S = State<Arc<Idp>>;

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

async fn discovery(State(idp): S) -> Json<Value> {
    let i = &idp.issuer;
    Json(json!({
        "issuer": i,
        "device_authorization_endpoint": format!("{i}/device/auth"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["urn:ietf:params:oauth:grant-type:device_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": ["openid", "profile"],
        "service_documentation": LABEL,
    }))
}

async fn jwks(State(idp): S) -> Json<Value> {
    Json(json!({ "keys": [idp.jwk.clone()] }))
}

#[derive(Deserialize)]
struct DeviceAuthForm {
    client_id: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
}

async fn device_authorization(
    State(idp): S,
    form: Result<Form<DeviceAuthForm>, FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "form body expected",
        );
    };
    if f.client_id.as_deref() != Some(CLIENT_ID) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    if !f
        .scope
        .as_deref()
        .unwrap_or("")
        .split(' ')
        .any(|s| s == "openid")
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "openid is required",
        );
    }
    let device_code = idp.random(32);
    let user_code = idp.user_code();
    idp.codes().insert(
        device_code.clone(),
        Code {
            user_code: user_code.clone(),
            nonce: f.nonce.filter(|n| n.len() <= 256),
            expires: Instant::now() + Duration::from_secs(CODE_TTL),
            decision: Decision::Pending,
        },
    );
    let uri = format!("{}/device", idp.public);
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": uri,
            "verification_uri_complete": format!("{uri}?user_code={user_code}"),
            "expires_in": CODE_TTL,
            "interval": INTERVAL,
        })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    device_code: Option<String>,
    client_id: Option<String>,
}

async fn token(State(idp): S, form: Result<Form<TokenForm>, FormRejection>) -> Response {
    let Ok(Form(f)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "form body expected",
        );
    };
    if f.grant_type.as_deref() != Some("urn:ietf:params:oauth:grant-type:device_code") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "device_code only",
        );
    }
    if f.client_id.as_deref() != Some(CLIENT_ID) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    let dc = f.device_code.unwrap_or_default();
    let (decision, nonce) = {
        let mut codes = idp.codes();
        let Some(code) = codes.get(&dc) else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "unknown device code",
            );
        };
        if code.expires <= Instant::now() {
            codes.remove(&dc);
            return oauth_error(StatusCode::BAD_REQUEST, "expired_token", "the code expired");
        }
        let out = (code.decision, code.nonce.clone());
        if out.0 != Decision::Pending {
            // A code is used once.
            codes.remove(&dc);
        }
        out
    };
    match decision {
        Decision::Pending => oauth_error(
            StatusCode::BAD_REQUEST,
            "authorization_pending",
            "not approved yet",
        ),
        Decision::Denied => oauth_error(
            StatusCode::BAD_REQUEST,
            "access_denied",
            "denied on the phone",
        ),
        Decision::Approved => {
            let now = chrono::Utc::now().timestamp();
            let mut claims = citizen();
            claims["iss"] = idp.issuer.clone().into();
            claims["aud"] = CLIENT_ID.into();
            claims["iat"] = now.into();
            claims["exp"] = (now + 300).into();
            if let Some(n) = nonce {
                claims["nonce"] = n.into();
            }
            let mut h = Header::new(Algorithm::ES256);
            h.kid = Some(idp.kid.clone());
            let Ok(id_token) =
                jsonwebtoken::encode(&h, &claims, &EncodingKey::from_ec_der(&idp.pkcs8))
            else {
                return oauth_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "cannot sign",
                );
            };
            (
                [(header::CACHE_CONTROL, "no-store")],
                Json(json!({
                    "access_token": idp.random(32),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": id_token,
                })),
            )
                .into_response()
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A page of the sandbox. Its referrer policy is `same-origin`, not the office's `no-referrer`:
/// under `no-referrer` a browser sends `Origin: null` with the page's form posts, which the
/// edge refuses ([`crate::edge::BrowserPolicy`]); `same-origin` sends the real origin to this
/// server and still no referrer anywhere else.
fn html_page(title: &str, body: &str) -> ([(header::HeaderName, &'static str); 1], Html<String>) {
    let page = Html(format!(
        r#"<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {LABEL}</title>
<style>
body{{font-family:"Noto Sans",system-ui,sans-serif;margin:0;background:#f4f4f4;color:#1a1a1a}}
.demo{{background:#b00020;color:#fff;font-weight:700;text-align:center;padding:.8rem;font-size:1.2rem}}
main{{max-width:32rem;margin:1rem auto;padding:0 1rem}}
h1{{font-size:1.5rem}} .en{{color:#555}}
dl{{background:#fff;padding:1rem;border-radius:.5rem}} dt{{font-weight:700;margin-top:.5rem}} dd{{margin:0}}
.code{{font-size:2rem;letter-spacing:.2rem;font-weight:700;text-align:center}}
button{{font-family:inherit;width:100%;font-size:1.4rem;padding:1.1rem;margin:.5rem 0;border:0;border-radius:.5rem;cursor:pointer}}
.ok{{background:#0b6e2e;color:#fff}} .no{{background:#ddd;color:#1a1a1a;font-size:1.1rem}}
input{{font-size:1.5rem;width:100%;padding:.6rem;box-sizing:border-box;text-transform:uppercase}}
</style></head><body>
<div class="demo" role="alert">{LABEL}<br><span lang="en">DEMO – not the real VNeID</span></div>
<main>{body}</main></body></html>"#
    ));
    ([(header::REFERRER_POLICY, "same-origin")], page)
}

#[derive(Deserialize)]
struct PageQuery {
    #[serde(default)]
    user_code: Option<String>,
}

fn normalize_code(s: &str) -> String {
    let c: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if c.len() == 8 {
        format!("{}-{}", &c[..4], &c[4..])
    } else {
        c
    }
}

fn code_form(message: &str) -> String {
    format!(
        r#"<h1>Nhập mã trên màn hình kiosk <span class="en" lang="en">/ Enter the code shown on the kiosk</span></h1>
{message}
<form method="post" action="device">
<label for="c">Mã / Code</label>
<input id="c" name="user_code" autocomplete="off" autofocus>
<button class="ok" type="submit" name="decision" value="show">Tiếp tục / Continue</button>
</form>"#
    )
}

async fn page(State(idp): S, Query(q): Query<PageQuery>) -> Response {
    let Some(code) = q.user_code.as_deref().map(normalize_code) else {
        return html_page("Đăng nhập", &code_form("")).into_response();
    };
    let known = idp
        .codes()
        .values()
        .any(|c| c.user_code == code && c.decision == Decision::Pending);
    if !known {
        let msg = "<p><strong>Mã không đúng hoặc đã hết hạn.</strong> <span lang=\"en\">The code is wrong or has expired.</span></p>";
        return (
            StatusCode::NOT_FOUND,
            html_page("Đăng nhập", &code_form(msg)),
        )
            .into_response();
    }
    let c = citizen();
    let field = |k: &str| esc(c[k].as_str().unwrap_or(""));
    let body = format!(
        r#"<h1>Đồng ý đăng nhập kiosk Một Cửa? <span class="en" lang="en">/ Sign in at the Một Cửa kiosk?</span></h1>
<p>Mã trên kiosk <span lang="en">/ Code on the kiosk</span>:</p>
<p class="code">{code}</p>
<p>Kiosk sẽ nhận thông tin (công dân mẫu) <span lang="en">/ The kiosk will receive (sample citizen)</span>:</p>
<dl>
<dt>Họ và tên <span class="en" lang="en">/ Full name</span></dt><dd>{name}</dd>
<dt>Ngày sinh <span class="en" lang="en">/ Date of birth</span></dt><dd>{dob}</dd>
<dt>Giới tính <span class="en" lang="en">/ Gender</span></dt><dd>Nam / Male</dd>
<dt>Số định danh <span class="en" lang="en">/ ID number</span></dt><dd>{id}</dd>
<dt>Địa chỉ <span class="en" lang="en">/ Address</span></dt><dd>{addr}</dd>
<dt>Điện thoại <span class="en" lang="en">/ Phone</span></dt><dd>{phone}</dd>
</dl>
<form method="post" action="device">
<input type="hidden" name="user_code" value="{code}">
<input type="hidden" name="decision" value="approve">
<button class="ok" type="submit">Đồng ý / Approve</button>
</form>
<form method="post" action="device">
<input type="hidden" name="user_code" value="{code}">
<input type="hidden" name="decision" value="deny">
<button class="no" type="submit">Từ chối / Deny</button>
</form>"#,
        code = esc(&code),
        name = field("name"),
        dob = "20/05/1990",
        id = field("id_number"),
        addr = field("address"),
        phone = field("phone_number"),
    );
    html_page("Xác nhận đăng nhập", &body).into_response()
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    decision: String,
}

async fn decide(State(idp): S, form: Result<Form<DecideForm>, FormRejection>) -> Response {
    let f = form.map(|Form(f)| f).unwrap_or(DecideForm {
        user_code: String::new(),
        decision: String::new(),
    });
    let code = normalize_code(&f.user_code);
    let decision = match f.decision.as_str() {
        "approve" => Decision::Approved,
        "deny" => Decision::Denied,
        _ => {
            // The code form: show the confirmation page for it.
            return page(
                State(idp),
                Query(PageQuery {
                    user_code: Some(code),
                }),
            )
            .await;
        }
    };
    let found = {
        let mut codes = idp.codes();
        let now = Instant::now();
        match codes
            .values_mut()
            .find(|c| c.user_code == code && c.decision == Decision::Pending && c.expires > now)
        {
            Some(c) => {
                c.decision = decision;
                true
            }
            None => false,
        }
    };
    if !found {
        let msg = "<p><strong>Mã không đúng hoặc đã hết hạn.</strong> <span lang=\"en\">The code is wrong or has expired.</span></p>";
        return (
            StatusCode::NOT_FOUND,
            html_page("Đăng nhập", &code_form(msg)),
        )
            .into_response();
    }
    let body = if decision == Decision::Approved {
        "<h1>Đã đồng ý <span class=\"en\" lang=\"en\">/ Approved</span></h1>\
         <p>Hãy quay lại kiosk. <span lang=\"en\">Please go back to the kiosk.</span></p>"
    } else {
        "<h1>Đã từ chối <span class=\"en\" lang=\"en\">/ Denied</span></h1>\
         <p>Kiosk sẽ không nhận thông tin nào. <span lang=\"en\">The kiosk receives nothing.</span></p>"
    };
    html_page("Kết quả", body).into_response()
}
