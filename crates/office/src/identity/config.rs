//! Sign-in settings: the OpenID provider, the kiosk's client, the scopes asked for and which
//! claims carry the citizen's data. `motcua serve --auth-config FILE` reads them from TOML:
//!
//! ```toml
//! issuer = "https://sso.example.gov.vn"
//! client_id = "motcua-kiosk"
//! # client_secret = "..."          # confidential clients only
//! scopes = ["openid", "profile", "address", "phone"]
//!
//! [claims]                         # each: the claim names to try, first present wins
//! full_name = ["name", "full_name", "ho_ten"]
//! id_number = ["id_number", "citizen_id", "so_dinh_danh"]
//! ```

use serde::Deserialize;
use std::time::Duration;

/// The OpenID provider and the office's client at it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// The provider's issuer URL; `{issuer}/.well-known/openid-configuration` must describe it.
    /// `https` unless the host is loopback or `allow_http` is set.
    pub issuer: String,
    /// The office's client id at the provider (its ID tokens' `aud`).
    pub client_id: String,
    /// For a confidential client; sent with HTTP Basic (or in the form when the provider only
    /// supports `client_secret_post`). Never logged.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Scopes asked for; `openid` is added if missing.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Which claims carry the citizen's data.
    #[serde(default)]
    pub claims: ClaimNames,
    /// Accept an `http://` issuer that is not on loopback (a lab provider). Off by default.
    #[serde(default)]
    pub allow_http: bool,
    /// Seconds a signed-in session (and its profile) lives without a sign-out. Default 1800.
    #[serde(default = "default_session_ttl")]
    pub session_ttl_secs: u64,
    /// Clock skew allowed on `exp` and `iat`, seconds. Default 60.
    #[serde(default = "default_leeway")]
    pub leeway_secs: u64,
    /// Sign-ins open at once in the whole office (pending, and signed in until sign-out or
    /// `session_ttl_secs`); more are refused (429). Each kiosk also has at most
    /// two pending ones (a new one ends its oldest). Default 256.
    #[serde(default = "default_max_sessions")]
    pub max_sessions: usize,
}

/// Claim names for each profile field. Each is a list: the first claim present in the ID token
/// wins. The defaults cover standard OpenID Connect claims and VNeID-style names.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ClaimNames {
    /// Full name. When none is present, `family_name`, `middle_name` and `given_name` are
    /// joined (Vietnamese order).
    pub full_name: Vec<String>,
    /// Date of birth (`YYYY-MM-DD`, `DD/MM/YYYY` or `DDMMYYYY`).
    pub date_of_birth: Vec<String>,
    /// Gender (`male`/`female`, `Nam`/`Nữ`, `M`/`F`, `1`/`2`).
    pub gender: Vec<String>,
    /// The 12-digit personal identification number.
    pub id_number: Vec<String>,
    /// Address: a string, or an OpenID Connect address object (`formatted` or its parts).
    pub address: Vec<String>,
    /// Phone number.
    pub phone: Vec<String>,
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            full_name: names(&["name", "full_name", "fullname", "ho_ten", "hoTen"]),
            date_of_birth: names(&["birthdate", "date_of_birth", "dob", "ngay_sinh", "ngaySinh"]),
            gender: names(&["gender", "sex", "gioi_tinh", "gioiTinh"]),
            id_number: names(&[
                "id_number",
                "citizen_id",
                "personal_id",
                "so_dinh_danh",
                "soDinhDanh",
                "cccd",
            ]),
            address: names(&[
                "address",
                "permanent_address",
                "dia_chi",
                "diaChi",
                "noi_thuong_tru",
            ]),
            phone: names(&["phone_number", "phone", "so_dien_thoai", "soDienThoai"]),
        }
    }
}

fn default_scopes() -> Vec<String> {
    names(&["openid", "profile", "address", "phone"])
}

fn default_session_ttl() -> u64 {
    1800
}

fn default_leeway() -> u64 {
    60
}

fn default_max_sessions() -> usize {
    256
}

impl AuthConfig {
    /// A configuration with the defaults for everything but the provider and the client.
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>) -> AuthConfig {
        AuthConfig {
            issuer: issuer.into(),
            client_id: client_id.into(),
            client_secret: None,
            scopes: default_scopes(),
            claims: ClaimNames::default(),
            allow_http: false,
            session_ttl_secs: default_session_ttl(),
            leeway_secs: default_leeway(),
            max_sessions: default_max_sessions(),
        }
    }

    /// Reads a TOML file (the fields of [`AuthConfig`]).
    pub fn from_toml(text: &str) -> Result<AuthConfig, crate::SetupError> {
        let cfg: AuthConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks the values; the error says what to fix.
    pub fn validate(&self) -> Result<(), crate::SetupError> {
        let issuer = reqwest::Url::parse(&self.issuer)
            .map_err(|e| format!("auth issuer “{}” is not a URL: {e}", self.issuer))?;
        match issuer.scheme() {
            "https" => {}
            "http" if self.allow_http || is_loopback(&issuer) => {}
            other => {
                return Err(crate::SetupError(format!(
                    "auth issuer must be an https URL (got {other}://); set allow_http = true \
                     only for a lab provider"
                )))
            }
        }
        if issuer.query().is_some() || issuer.fragment().is_some() {
            return Err("auth issuer must not have a query or fragment".into());
        }
        if self.client_id.trim().is_empty() {
            return Err("auth client_id must not be empty".into());
        }
        if self.session_ttl_secs == 0 || self.max_sessions == 0 {
            return Err("auth session_ttl_secs and max_sessions must be positive".into());
        }
        let lists = [
            &self.claims.full_name,
            &self.claims.date_of_birth,
            &self.claims.gender,
            &self.claims.id_number,
            &self.claims.address,
            &self.claims.phone,
        ];
        if lists.iter().any(|l| l.iter().any(|n| n.trim().is_empty())) {
            return Err("auth claim names must not be empty".into());
        }
        Ok(())
    }

    /// The scopes to ask for, `openid` first.
    pub fn scope_param(&self) -> String {
        let mut out = vec!["openid".to_owned()];
        for s in &self.scopes {
            if s != "openid" && !s.trim().is_empty() && !out.contains(s) {
                out.push(s.clone());
            }
        }
        out.join(" ")
    }

    /// How long a signed-in session lives.
    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_ttl_secs)
    }
}

/// `localhost`, 127.0.0.0/8 or `::1`.
pub fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_with_defaults_and_overrides() {
        let cfg = AuthConfig::from_toml(
            r#"
            issuer = "https://sso.example.gov.vn"
            client_id = "kiosk"
            scopes = ["profile", "openid", "cccd"]
            [claims]
            id_number = ["soCCCD"]
            "#,
        )
        .unwrap();
        assert_eq!(cfg.scope_param(), "openid profile cccd");
        assert_eq!(cfg.claims.id_number, vec!["soCCCD".to_owned()]);
        assert_eq!(cfg.claims.full_name[0], "name");
        assert_eq!(cfg.session_ttl_secs, 1800);
    }

    #[test]
    fn refuses_plain_http_off_loopback_and_unknown_fields() {
        let e = AuthConfig::from_toml("issuer = \"http://10.0.0.5\"\nclient_id = \"k\"\n");
        assert!(e.unwrap_err().0.contains("https"));
        assert!(
            AuthConfig::from_toml("issuer = \"http://127.0.0.1:9\"\nclient_id = \"k\"\n").is_ok()
        );
        let e = AuthConfig::from_toml("issuer = \"https://x\"\nclient_id = \"k\"\nsecret = 1\n");
        assert!(e.unwrap_err().0.contains("secret"));
        let e = AuthConfig::from_toml("issuer = \"https://x\"\nclient_id = \" \"\n");
        assert!(e.unwrap_err().0.contains("client_id"));
    }
}
