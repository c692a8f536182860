//! HTTPS as an office runs it (docs/SECURITY.md): its own certificate authority, the server's
//! certificate signed by it. A client that trusts the authority talks to the server and its
//! staff session cookie is `Secure`; one that does not trust it, or plain HTTP sent to the TLS
//! port, gets no answer and the server goes on serving; a certificate that is its own
//! authority (CA:TRUE) is refused by rustls as a server's certificate.

use motcua_testkit::{self as support, server_at, tls::office_certs};
use reqwest::Client;
use serde_json::json;

fn trusting(ca: &std::path::Path) -> Client {
    let pem = std::fs::read(ca).unwrap();
    Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .https_only(true)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_the_office_authority_and_nothing_for_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let certs = office_certs(dir.path());
    let db = dir.path().join("office.db");
    let tls = certs.server.clone();
    let srv = server_at(&db, move |c| c.tls = Some(tls)).await;
    assert!(srv.is_tls());
    let base = srv.url();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");

    let c = trusting(&certs.ca_file);
    let r = c.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("content-security-policy"));

    // A staff member signs in over HTTPS: the cookie is only ever sent back over HTTPS.
    let user = support::add_staff(&srv, motcua_core::staff::Role::Counter);
    let r = c
        .post(format!("{base}/api/v1/staff/session"))
        .json(&json!({"username": user, "password": support::TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    for flag in ["Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }

    // Without the office's authority (public roots only): no connection, nothing sent.
    let e = Client::new()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");

    // Plain HTTP to the TLS port gets no HTTP answer; the server serves the next client.
    let plain = base.replacen("https://", "http://", 1);
    let answered = Client::new()
        .get(format!("{plain}/healthz"))
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await;
    assert!(
        answered.as_ref().map_or(true, |r| r.status() != 200),
        "plain HTTP must not be served: {answered:?}"
    );
    let r = c.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200, "still serving after the plain request");
    srv.shutdown().await;

    // A self-signed CA:TRUE certificate as the server's: even a client that trusts it as its
    // root refuses it (the office makes an authority and signs the server's certificate).
    let own = certs.self_signed_ca.clone();
    let srv = server_at(&db, move |c| c.tls = Some(own)).await;
    let e = trusting(&certs.self_signed_ca.cert)
        .get(format!("{}/healthz", srv.url()))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");
    srv.shutdown().await;
}

/// 300 connections that never start their TLS handshake (more than the 256 handshakes the
/// server runs at once) do not keep a client that does from being served at once: the oldest
/// silent ones give way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_tls_connections_give_way_to_a_real_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let certs = office_certs(dir.path());
    let tls = certs.server.clone();
    let srv = server_at(&dir.path().join("office.db"), move |c| c.tls = Some(tls)).await;
    let mut silent = Vec::new();
    for _ in 0..300 {
        silent.push(std::net::TcpStream::connect(srv.addr).unwrap());
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let r = trusting(&certs.ca_file)
        .get(format!("{}/healthz", srv.url()))
        // Well under the 10 s a silent handshake may take: served because one gave way.
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .expect("served while 300 silent connections are held");
    assert_eq!(r.status(), 200);
    // The oldest silent connection was closed to make room.
    use std::io::Read;
    let first = &mut silent[0];
    first
        .set_read_timeout(Some(std::time::Duration::from_secs(2)))
        .unwrap();
    let mut b = [0u8; 16];
    let closed = match first.read(&mut b) {
        Ok(n) => n == 0,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    assert!(closed, "the oldest silent connection was closed");
}
