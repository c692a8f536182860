//! The built-in sandbox provider for the embedded demo.

use super::AuthConfig;

/// The sandbox provider's routes and the relying party's configuration for it.
pub fn mount(addr: std::net::SocketAddr, _public_base: &str) -> (axum::Router, AuthConfig) {
    let issuer = format!("http://{addr}/demo-idp");
    (
        axum::Router::new(),
        AuthConfig::new(issuer, "motcua-kiosk-demo"),
    )
}
