//! Citizen sign-in over real HTTP on loopback: the office server (in process, real SQLite
//! file) as an OpenID Connect relying party using the device flow, against
//!
//! - a real OpenID provider, the npm package `oidc-provider` (tests/oidc-provider, one process
//!   shared by the tests of this file), whose device pages the test drives like the citizen's
//!   phone: open `verification_uri_complete`, confirm the code, log in, consent;
//! - a small provider written here (axum on loopback, same protocol) that answers what the
//!   real one will not: `slow_down`, `expired_token`, ID tokens signed by another key, for
//!   another audience, expired, HMAC-signed, and rotated keys.

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use motcua_office::{AuthConfig, ServerHandle};
use reqwest::Client;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use motcua_testkit as support;
use support::{assert_api_error, get, server_at};

const CLIENT: &str = "motcua-kiosk";

// ---------------------------------------------------------------------------------------------
// The real provider (oidc-provider on Node.js), one per test binary.

use motcua_testkit::oidc;
use oidc::{forms, phone, RealProvider};

fn real_provider() -> &'static RealProvider {
    static OP: OnceLock<RealProvider> = OnceLock::new();
    OP.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc-provider");
        oidc::start_provider(&dir, CLIENT, 1)
    })
}

/// Everything this test binary logs, at debug level (every test's server runs in process).
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        struct W(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for W {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Arc::new(Mutex::new(Vec::new()));
        let b = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || W(b.clone()))
            .try_init();
        buf
    })
    .clone()
}

async fn office(dir: &tempfile::TempDir, auth: Option<AuthConfig>, demo: bool) -> ServerHandle {
    server_at(&dir.path().join("office.db"), |c| {
        c.auth = auth;
        c.demo_sign_in = demo;
    })
    .await
}

async fn start_sign_in(c: &Client, base: &str) -> Value {
    let r = c
        .post(format!("{base}/api/v1/auth/device"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let v: Value = r.json().await.unwrap();
    let id = v["session_id"].as_str().unwrap();
    assert_eq!(id.len(), 43, "{v}");
    v
}

async fn state(c: &Client, base: &str, id: &str) -> Value {
    let (st, v) = get(c, format!("{base}/api/v1/auth/device/{id}")).await;
    assert_eq!(st, 200, "{v}");
    v
}

/// Polls the office until the sign-in leaves `pending` (at most 20 s).
async fn outcome(c: &Client, base: &str, id: &str) -> Value {
    let t = Instant::now();
    loop {
        let v = state(c, base, id).await;
        if v["status"] != "pending" {
            return v;
        }
        assert!(t.elapsed() < Duration::from_secs(20), "still pending: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn assert_message(v: &Value, vi_part: &str, en_part: &str) {
    let (vi, en) = (
        v["message_vi"].as_str().unwrap_or(""),
        v["message_en"].as_str().unwrap_or(""),
    );
    assert!(vi.contains(vi_part), "{v}");
    assert!(en.contains(en_part), "{v}");
    assert!(v.get("profile").is_none(), "no profile: {v}");
}

// ---------------------------------------------------------------------------------------------
// Against the real provider.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_on_the_phone_gives_the_profile_then_sign_out_forgets_it() {
    let logs = logs();
    let op = real_provider();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = AuthConfig::new(&op.issuer, CLIENT);
    cfg.scopes = vec![
        "openid".into(),
        "profile".into(),
        "address".into(),
        "phone".into(),
        "id_number".into(),
    ];
    let srv = office(&dir, Some(cfg), false).await;
    let (c, base) = (support::admin(&srv).await, srv.url());

    let started = start_sign_in(&c, &base).await;
    let id = started["session_id"].as_str().unwrap().to_owned();
    assert_eq!(started["interval"], 1);
    assert_eq!(started["demo"], false);
    let vuc = started["verification_uri_complete"].as_str().unwrap();
    assert!(vuc.starts_with(&op.issuer), "{started}");
    assert!(vuc.contains(started["user_code"].as_str().unwrap()));
    assert_eq!(state(&c, &base, &id).await["status"], "pending");

    let last = phone(vuc, false).await;
    assert!(last.contains("Sign-in Success"), "{last}");

    let v = outcome(&c, &base, &id).await;
    assert_eq!(v["status"], "approved", "{v}");
    let p = &v["profile"];
    assert_eq!(p["subject"], "citizen-001");
    assert_eq!(p["full_name"], "Nguyễn Thị Thu Hà");
    assert_eq!(p["date_of_birth"], "1990-07-15");
    assert_eq!(p["gender"], "female");
    assert_eq!(p["id_number"], "001190012345");
    assert_eq!(p["address"], "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội");
    assert_eq!(p["phone"], "0912345678");
    assert!(v.get("message").is_none());
    // The log has the sign-in but nothing of the citizen, no token and no session id.
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(text.contains("citizen signed in"), "{text}");
    for secret in [
        "Nguyễn",
        "001190012345",
        "0912345678",
        "Hàng Bạc",
        "eyJ",
        id.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} is in the log");
    }

    let r = c
        .delete(format!("{base}/api/v1/auth/sessions/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (st, body) = get(&c, format!("{base}/api/v1/auth/device/{id}")).await;
    assert_api_error(st, &body, 404, "not_found");
    // Signing out again is fine.
    let r = c
        .delete(format!("{base}/api/v1/auth/sessions/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborted_on_the_phone_is_denied() {
    let op = real_provider();
    let dir = tempfile::tempdir().unwrap();
    let srv = office(&dir, Some(AuthConfig::new(&op.issuer, CLIENT)), false).await;
    let (c, base) = (support::admin(&srv).await, srv.url());
    let started = start_sign_in(&c, &base).await;
    let id = started["session_id"].as_str().unwrap();
    let last = phone(started["verification_uri_complete"].as_str().unwrap(), true).await;
    assert!(last.contains("interrupted"), "{last}");
    let v = outcome(&c, &base, id).await;
    assert_eq!(v["status"], "denied", "{v}");
    assert_message(&v, "từ chối", "refused");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_nobody_confirms_expires_with_a_clear_message() {
    let op = real_provider();
    let dir = tempfile::tempdir().unwrap();
    // The provider's `-short` client gets codes that live 2 s.
    let srv = office(
        &dir,
        Some(AuthConfig::new(&op.issuer, format!("{CLIENT}-short"))),
        false,
    )
    .await;
    let (c, base) = (support::admin(&srv).await, srv.url());
    let started = start_sign_in(&c, &base).await;
    assert_eq!(started["expires_in"], 2, "{started}");
    let v = outcome(&c, &base, started["session_id"].as_str().unwrap()).await;
    assert_eq!(v["status"], "expired", "{v}");
    assert_eq!(v["expires_in"], 0);
    assert_message(&v, "hết hạn", "expired");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_session_ids_and_unconfigured_sign_in_answer_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let srv = office(&dir, None, false).await;
    let (c, base) = (support::admin(&srv).await, srv.url());
    let r = c
        .post(format!("{base}/api/v1/auth/device"))
        .send()
        .await
        .unwrap();
    let st = r.status();
    assert_api_error(st, &r.json().await.unwrap(), 503, "sign_in_unavailable");
    srv.shutdown().await;

    let op = real_provider();
    let dir = tempfile::tempdir().unwrap();
    let srv = office(&dir, Some(AuthConfig::new(&op.issuer, CLIENT)), false).await;
    let (c, base) = (support::admin(&srv).await, srv.url());
    let r = c
        .put(format!("{base}/api/v1/auth/device"))
        .send()
        .await
        .unwrap();
    let st = r.status();
    assert_api_error(st, &r.json().await.unwrap(), 405, "bad_request");
    for id in ["nope", &"A".repeat(43), "../../etc/passwd"] {
        let (st, body) = get(&c, format!("{base}/api/v1/auth/device/{id}")).await;
        assert_api_error(st, &body, 404, "not_found");
    }
    // A wrong client id: the provider refuses, the kiosk hears that sign-in is unavailable.
    srv.shutdown().await;
    let dir = tempfile::tempdir().unwrap();
    let srv = office(
        &dir,
        Some(AuthConfig::new(&op.issuer, "no-such-client")),
        false,
    )
    .await;
    let c = support::admin(&srv).await;
    let r = c
        .post(format!("{}/api/v1/auth/device", srv.url()))
        .send()
        .await
        .unwrap();
    let st = r.status();
    assert_api_error(st, &r.json().await.unwrap(), 503, "sign_in_unavailable");
    srv.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// A provider written here, speaking the same protocol, for answers the real one will not give.

struct Key {
    kid: String,
    pkcs8: Vec<u8>,
    jwk: Value,
}

impl Key {
    fn new(kid: &str) -> Key {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .unwrap()
            .as_ref()
            .to_vec();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).unwrap();
        let point = pair.public_key().as_ref();
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": b64(&point[1..33]), "y": b64(&point[33..65]),
        });
        Key {
            kid: kid.into(),
            pkcs8,
            jwk,
        }
    }

    /// An ES256 JWT of `claims` signed by this key, its header naming `kid`.
    fn sign(&self, kid: &str, claims: &Value) -> String {
        let mut h = Header::new(Algorithm::ES256);
        h.kid = Some(kid.into());
        jsonwebtoken::encode(&h, claims, &EncodingKey::from_ec_der(&self.pkcs8)).unwrap()
    }
}

/// What the fake token endpoint answers, poll after poll (the last one repeats).
#[derive(Clone)]
enum Answer {
    Error(&'static str),
    Token(String),
}

#[derive(Default)]
struct FakeState {
    answers: Vec<Answer>,
    polls: Vec<Instant>,
    jwks: Vec<Value>,
    device_codes: Vec<String>,
}

struct Fake {
    issuer: String,
    state: Arc<Mutex<FakeState>>,
}

impl Fake {
    async fn start(jwks: Vec<Value>) -> Fake {
        use axum::extract::State;
        use axum::routing::{get, post};
        use axum::{Form, Json};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(FakeState {
            jwks,
            ..FakeState::default()
        }));
        type S = Arc<Mutex<FakeState>>;
        let iss = issuer.clone();
        let app = axum::Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || {
                    let iss = iss.clone();
                    async move {
                        Json(json!({
                            "issuer": iss,
                            "device_authorization_endpoint": format!("{iss}/device/auth"),
                            "token_endpoint": format!("{iss}/token"),
                            "jwks_uri": format!("{iss}/jwks"),
                            "response_types_supported": ["code"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["ES256"],
                        }))
                    }
                }),
            )
            .route(
                "/device/auth",
                post(
                    |State(s): State<S>, Form(f): Form<Vec<(String, String)>>| async move {
                        assert!(f.iter().any(|(k, v)| k == "client_id" && v == CLIENT));
                        let scope = f.iter().find(|(k, _)| k == "scope").unwrap();
                        assert!(scope.1.split(' ').any(|s| s == "openid"), "{scope:?}");
                        let mut st = s.lock().unwrap();
                        let code = format!("dc-{}", st.device_codes.len());
                        st.device_codes.push(code.clone());
                        Json(json!({
                            "device_code": code, "user_code": "ABCD-EFGH",
                            "verification_uri": "http://127.0.0.1:9/device",
                            "expires_in": 60, "interval": 1,
                        }))
                    },
                ),
            )
            .route(
                "/token",
                post(
                    |State(s): State<S>, Form(f): Form<Vec<(String, String)>>| async move {
                        let grant = f.iter().find(|(k, _)| k == "grant_type").unwrap();
                        assert_eq!(grant.1, "urn:ietf:params:oauth:grant-type:device_code");
                        let mut st = s.lock().unwrap();
                        let code = &f.iter().find(|(k, _)| k == "device_code").unwrap().1;
                        assert!(st.device_codes.contains(code), "{code}");
                        st.polls.push(Instant::now());
                        let n = st.polls.len().min(st.answers.len()) - 1;
                        match st.answers[n].clone() {
                            Answer::Token(t) => (
                                axum::http::StatusCode::OK,
                                Json(json!({"access_token": "at", "token_type": "Bearer",
                                            "expires_in": 600, "id_token": t})),
                            ),
                            Answer::Error(e) => (
                                axum::http::StatusCode::BAD_REQUEST,
                                Json(json!({"error": e})),
                            ),
                        }
                    },
                ),
            )
            .route(
                "/jwks",
                get(|State(s): State<S>| async move {
                    Json(json!({"keys": s.lock().unwrap().jwks.clone()}))
                }),
            )
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Fake { issuer, state }
    }

    fn answer(&self, answers: Vec<Answer>) {
        let mut st = self.state.lock().unwrap();
        st.answers = answers;
        st.polls.clear();
    }

    fn claims(&self) -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({
            "iss": self.issuer, "aud": CLIENT, "sub": "citizen-002", "iat": now,
            "exp": now + 300, "name": "Trần Văn Bình", "so_dinh_danh": "079085001234",
        })
    }
}

/// Runs one sign-in against the fake with `answers`; returns its outcome.
async fn fake_sign_in(fake: &Fake, srv: &ServerHandle, answers: Vec<Answer>) -> Value {
    fake.answer(answers);
    let c = support::kiosk(srv);
    let base = &srv.url();
    let started = start_sign_in(&c, base).await;
    outcome(&c, base, started["session_id"].as_str().unwrap()).await
}

/// Signs in through the fake with this ID token: refused, with a message naming the fault in
/// both languages and no profile.
async fn refused(fake: &Fake, srv: &ServerHandle, token: String, vi: &str, en: &str) {
    let v = fake_sign_in(fake, srv, vec![Answer::Token(token)]).await;
    assert_eq!(v["status"], "error", "{v}");
    assert_message(&v, vi, en);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn id_tokens_that_do_not_check_out_are_refused_and_keys_may_rotate() {
    let (a, b, c) = (Key::new("key-a"), Key::new("key-b"), Key::new("key-c"));
    let fake = Fake::start(vec![a.jwk.clone()]).await;
    let dir = tempfile::tempdir().unwrap();
    let srv = office(&dir, Some(AuthConfig::new(&fake.issuer, CLIENT)), false).await;

    // A good token first: approved, with the VNeID-style claim mapped.
    let good = a.sign("key-a", &fake.claims());
    let v = fake_sign_in(&fake, &srv, vec![Answer::Token(good)]).await;
    assert_eq!(v["status"], "approved", "{v}");
    assert_eq!(v["profile"]["full_name"], "Trần Văn Bình");
    assert_eq!(v["profile"]["id_number"], "079085001234");

    // Signed by another key but naming the provider's key: a forged or tampered token.
    let forged = b.sign("key-a", &fake.claims());
    refused(&fake, &srv, forged, "chữ ký", "signature").await;

    // A token whose payload was altered after signing.
    let good = a.sign("key-a", &fake.claims());
    let parts: Vec<&str> = good.split('.').collect();
    let mut claims = fake.claims();
    claims["sub"] = "someone-else".into();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
    refused(&fake, &srv, tampered, "chữ ký", "signature").await;

    // For another client.
    let mut claims = fake.claims();
    claims["aud"] = "another-app".into();
    refused(
        &fake,
        &srv,
        a.sign("key-a", &claims),
        "ứng dụng khác",
        "aud",
    )
    .await;

    // Expired an hour ago (beyond the 60 s leeway).
    let mut claims = fake.claims();
    claims["exp"] = (chrono::Utc::now().timestamp() - 3600).into();
    claims["iat"] = (chrono::Utc::now().timestamp() - 7200).into();
    refused(&fake, &srv, a.sign("key-a", &claims), "hết hạn", "expired").await;

    // From another issuer.
    let mut claims = fake.claims();
    claims["iss"] = "https://evil.example".into();
    refused(&fake, &srv, a.sign("key-a", &claims), "nơi khác", "iss").await;

    // A nonce that is not the one the office sent.
    let mut claims = fake.claims();
    claims["nonce"] = "not-ours".into();
    refused(
        &fake,
        &srv,
        a.sign("key-a", &claims),
        "không hợp lệ",
        "nonce",
    )
    .await;

    // HMAC-signed with the public key's text as the secret (algorithm confusion).
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("key-a".into());
    let secret = a.jwk.to_string();
    let hs = jsonwebtoken::encode(
        &h,
        &fake.claims(),
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    refused(&fake, &srv, hs, "thuật toán", "algorithm").await;

    // The provider rotates to key C: the office fetches the JWKS again for the new kid.
    fake.state.lock().unwrap().jwks = vec![c.jwk.clone()];
    let rotated = c.sign(&c.kid, &fake.claims());
    let v = fake_sign_in(&fake, &srv, vec![Answer::Token(rotated)]).await;
    assert_eq!(v["status"], "approved", "{v}");
    // A key nobody publishes.
    let unknown = b.sign(&b.kid, &fake.claims());
    refused(&fake, &srv, unknown, "khóa", "key").await;
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_down_adds_five_seconds_between_polls() {
    let a = Key::new("key-a");
    let fake = Fake::start(vec![a.jwk.clone()]).await;
    let dir = tempfile::tempdir().unwrap();
    let srv = office(&dir, Some(AuthConfig::new(&fake.issuer, CLIENT)), false).await;
    let (c, base) = (support::admin(&srv).await, srv.url());
    fake.answer(vec![
        Answer::Error("slow_down"),
        Answer::Token(a.sign("key-a", &fake.claims())),
    ]);
    let started = start_sign_in(&c, &base).await;
    let id = started["session_id"].as_str().unwrap();
    assert_eq!(started["interval"], 1);
    // After the first poll the office records the longer interval.
    let t = Instant::now();
    loop {
        let v = state(&c, &base, id).await;
        if v["interval"] == 6 {
            assert_eq!(v["status"], "pending", "{v}");
            break;
        }
        assert_eq!(v["interval"], 1, "{v}");
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "no slow_down seen: {v}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let v = outcome(&c, &base, id).await;
    assert_eq!(v["status"], "approved", "{v}");
    // The provider saw the second poll at least 1 + 5 s after the first.
    let polls = fake.state.lock().unwrap().polls.clone();
    assert_eq!(polls.len(), 2);
    let gap = polls[1] - polls[0];
    assert!(gap >= Duration::from_secs(6), "polled again after {gap:?}");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_session_ends_after_its_time() {
    let a = Key::new("key-a");
    let fake = Fake::start(vec![a.jwk.clone()]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = AuthConfig::new(&fake.issuer, CLIENT);
    cfg.session_ttl_secs = 1;
    let srv = office(&dir, Some(cfg), false).await;
    let (c, base) = (support::admin(&srv).await, srv.url());
    fake.answer(vec![Answer::Token(a.sign("key-a", &fake.claims()))]);
    let started = start_sign_in(&c, &base).await;
    let id = started["session_id"].as_str().unwrap();
    assert_eq!(outcome(&c, &base, id).await["status"], "approved");
    let t = Instant::now();
    loop {
        let (st, body) = get(&c, format!("{base}/api/v1/auth/device/{id}")).await;
        if st == 404 {
            assert_api_error(st, &body, 404, "not_found");
            break;
        }
        assert_eq!(body["status"], "approved", "{body}");
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the session never ended"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_then_expired_token_or_denied_from_the_provider() {
    let a = Key::new("key-a");
    let fake = Fake::start(vec![a.jwk.clone()]).await;
    let dir = tempfile::tempdir().unwrap();
    let srv = office(&dir, Some(AuthConfig::new(&fake.issuer, CLIENT)), false).await;
    let v = fake_sign_in(
        &fake,
        &srv,
        vec![
            Answer::Error("authorization_pending"),
            Answer::Error("expired_token"),
        ],
    )
    .await;
    assert_eq!(v["status"], "expired", "{v}");
    assert_message(&v, "hết hạn", "expired");
    assert_eq!(fake.state.lock().unwrap().polls.len(), 2);

    let v = fake_sign_in(&fake, &srv, vec![Answer::Error("access_denied")]).await;
    assert_eq!(v["status"], "denied", "{v}");

    let v = fake_sign_in(&fake, &srv, vec![Answer::Error("invalid_client")]).await;
    assert_eq!(v["status"], "error", "{v}");
    assert_message(&v, "invalid_client", "invalid_client");
    srv.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// The built-in sandbox provider of the demo.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_provider_is_absent_unless_demo_mode_is_on() {
    let dir = tempfile::tempdir().unwrap();
    let srv = office(&dir, None, false).await;
    let (c, base) = (support::admin(&srv).await, srv.url());
    for path in [
        "/demo-idp/.well-known/openid-configuration",
        "/demo-idp/jwks",
        "/demo-idp/device",
    ] {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let r = c
        .post(format!("{base}/demo-idp/token"))
        .form(&[("grant_type", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_provider_never_mounts_off_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    for listen in ["0.0.0.0:0", "[::]:0", "192.0.2.10:8080"] {
        let started = motcua_office::start(motcua_office::ServerConfig {
            listen: listen.into(),
            db_path: db.clone(),
            demo_sign_in: true,
            ..Default::default()
        })
        .await;
        let Err(e) = started else {
            panic!("{listen}: the demo provider was mounted");
        };
        assert!(
            matches!(e, motcua_office::OfficeError::Config(_)),
            "{listen}: {e}"
        );
        let text = e.to_string();
        assert!(
            text.contains("DEMO – không phải VNeID thật")
                && text.contains("loopback")
                && text.contains(listen),
            "{text}"
        );
        assert!(!db.exists(), "refused before anything is opened");
    }
    // On loopback it mounts.
    let srv = office(&dir, None, true).await;
    let (st, meta) = get(
        &Client::new(),
        format!("{}/demo-idp/.well-known/openid-configuration", srv.url()),
    )
    .await;
    assert_eq!(st, 200, "{meta}");
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_through_the_demo_provider_is_labelled_demo() {
    let dir = tempfile::tempdir().unwrap();
    let srv = office(&dir, None, true).await;
    let (c, base) = (support::admin(&srv).await, srv.url());
    let (st, meta) = get(
        &c,
        format!("{base}/demo-idp/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(meta["issuer"], format!("{base}/demo-idp"));

    let started = start_sign_in(&c, &base).await;
    assert_eq!(started["demo"], true, "{started}");
    let vuc = started["verification_uri_complete"].as_str().unwrap();
    assert!(
        vuc.starts_with(&format!("{base}/demo-idp/device?user_code=")),
        "{vuc}"
    );

    // The phone's approval page: bilingual, labelled, with the demo citizen's data.
    let page = c.get(vuc).send().await.unwrap();
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("charset=utf-8"));
    let page = page.text().await.unwrap();
    for text in [
        "DEMO – không phải VNeID thật",
        "Đồng ý / Approve",
        "Phạm Văn Mẫu",
        started["user_code"].as_str().unwrap(),
    ] {
        assert!(page.contains(text), "{text} missing: {page}");
    }
    // A wrong code is refused with a message.
    let r = c
        .get(format!("{base}/demo-idp/device?user_code=ZZZZ-ZZZZ"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("hết hạn"));

    let done = phone(vuc, false).await;
    assert!(
        done.contains("Đã đồng ý") && done.contains("DEMO"),
        "{done}"
    );
    let v = outcome(&c, &base, started["session_id"].as_str().unwrap()).await;
    assert_eq!(v["status"], "approved", "{v}");
    assert_eq!(v["demo"], true);
    assert_eq!(v["profile"]["full_name"], "Phạm Văn Mẫu");
    assert_eq!(v["profile"]["id_number"], "001090012345");
    assert_eq!(v["profile"]["date_of_birth"], "1990-05-20");

    // Denied on the phone.
    let started = start_sign_in(&c, &base).await;
    let vuc = started["verification_uri_complete"].as_str().unwrap();
    let page = c.get(vuc).send().await.unwrap().text().await.unwrap();
    let deny = forms(&page)
        .into_iter()
        .find(|f| f.fields.iter().any(|(k, v)| k == "decision" && v == "deny"))
        .expect("a deny form");
    let r = c
        .post(format!("{base}/demo-idp/{}", deny.action))
        .form(&deny.fields)
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Đã từ chối"));
    let v = outcome(&c, &base, started["session_id"].as_str().unwrap()).await;
    assert_eq!(v["status"], "denied", "{v}");
    assert_eq!(v["demo"], true);
    srv.shutdown().await;
}
