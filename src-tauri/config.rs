//! Kiosk configuration: one TOML file, every key documented in docs/CONFIGURATION.md, each
//! overridable by an environment variable (handy for staff tools and for tests).

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A setting the kiosk cannot start with; the message names it and says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl From<String> for ConfigError {
    fn from(s: String) -> Self {
        ConfigError(s)
    }
}

impl From<&str> for ConfigError {
    fn from(s: &str) -> Self {
        ConfigError(s.to_string())
    }
}

/// Where the office server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeMode {
    /// Start an office server in-process on loopback (single-kiosk offices, demo).
    Embedded,
    /// Talk to the office server at this base URL, e.g. `http://10.0.0.5:8080`.
    Remote(String),
}

/// How the window is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowMode {
    Fullscreen,
    /// A fixed size in logical pixels (tests, staff laptops).
    Sized(u32, u32),
}

/// The whole kiosk configuration, after defaults and environment overrides.
#[derive(Debug, Clone)]
pub struct KioskConfig {
    pub office: OfficeMode,
    pub office_name: String,
    /// Base of the ticket status URLs printed in QR codes (embedded mode).
    pub public_url: Option<String>,
    /// Where the embedded office server listens (`127.0.0.1:0`: loopback, any free port; an
    /// office whose staff PCs open the counter page and board from this kiosk sets e.g.
    /// `0.0.0.0:8080`).
    pub embedded_listen: String,
    pub kiosk_id: String,
    /// Tells this kiosk's offline numbers apart from other kiosks' (`A1-007` is kiosk 1).
    pub kiosk_number: u32,
    pub language: String,
    pub idle_timeout_secs: u32,
    /// The local emergency PIN (leaving kiosk mode while no staff member can sign in at the
    /// office server): only one the office set other than [`DEFAULT_PIN`], or the default in
    /// demo mode. `None`: there is none.
    pub staff_pin: Option<String>,
    /// The office configured the public default PIN outside demo mode: refused (there is no
    /// emergency PIN), and the kiosk says so in its log at start.
    pub default_pin_refused: bool,
    /// The device token file (`office.token_file`; default `device-token` in the data folder).
    pub token_file: Option<PathBuf>,
    /// The office's own certificate authority, PEM (`office.ca_file`, `MOTCUA_OFFICE_CA_FILE`):
    /// trusted for an `https://` office URL besides the public roots.
    pub ca_file: Option<PathBuf>,
    /// The device token given directly (`MOTCUA_OFFICE_TOKEN`, scripted installs and tests):
    /// it wins over the file. Never logged.
    pub office_token: Option<crate::services::identity::Secret>,
    pub printer: String,
    pub print_format: String,
    pub data_dir: Option<PathBuf>,
    pub window: WindowMode,
    pub demo: bool,
    /// Folder the document scanner saves pages to (default: `scanner/` in the data folder).
    pub scanner_inbox: Option<PathBuf>,
    /// Levels of procedures this office serves (`commune`, `province`, …): they rank first in
    /// procedure search.
    pub levels: Vec<String>,
    /// The office's level, its field order and other agencies' fields: what browsing by field
    /// shows (`office.level`, `office.field_order`, `office.elsewhere_fields`).
    pub scope: motcua_catalog::OfficeScope,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    office: FileOffice,
    #[serde(default)]
    kiosk: FileKiosk,
    #[serde(default)]
    printer: FilePrinter,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOffice {
    url: Option<String>,
    embedded_listen: Option<String>,
    name: Option<String>,
    public_url: Option<String>,
    demo: Option<bool>,
    levels: Option<Vec<String>>,
    level: Option<String>,
    field_order: Option<Vec<String>>,
    elsewhere_fields: Option<Vec<String>>,
    token_file: Option<PathBuf>,
    ca_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKiosk {
    id: Option<String>,
    number: Option<u32>,
    language: Option<String>,
    idle_timeout_secs: Option<u32>,
    staff_pin: Option<String>,
    data_dir: Option<PathBuf>,
    window: Option<String>,
    scanner_inbox: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePrinter {
    transport: Option<String>,
    format: Option<String>,
}

/// Default staff PIN of a fresh install; the README tells offices to change it.
pub const DEFAULT_PIN: &str = "246810";

impl KioskConfig {
    /// Loads the configuration: the file named by `MOTCUA_KIOSK_CONFIG`, else `motcua-kiosk.toml`
    /// in the working directory if present, else defaults; then environment overrides.
    pub fn load() -> Result<Self, ConfigError> {
        let path = std::env::var_os("MOTCUA_KIOSK_CONFIG").map(PathBuf::from);
        let text = match &path {
            Some(p) => Some(read(p)?),
            None => {
                let p = Path::new("motcua-kiosk.toml");
                if p.exists() {
                    Some(read(p)?)
                } else {
                    None
                }
            }
        };
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Self::from_parts(text.as_deref(), env)
    }

    /// Builds the configuration from a TOML text and an environment lookup.
    pub fn from_parts(
        toml_text: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let file: FileConfig = match toml_text {
            Some(t) => toml::from_str(t).map_err(|e| format!("invalid configuration: {e}"))?,
            None => FileConfig::default(),
        };
        let url = env("MOTCUA_OFFICE_URL")
            .or(file.office.url)
            .unwrap_or_else(|| "embedded".into());
        let office = if url == "embedded" {
            OfficeMode::Embedded
        } else if url.starts_with("http://") || url.starts_with("https://") {
            OfficeMode::Remote(url.trim_end_matches('/').to_string())
        } else {
            return Err(ConfigError::from(format!(
                "office.url must be \"embedded\" or an http(s) URL, not {url:?}"
            )));
        };
        let language = env("MOTCUA_LANGUAGE")
            .or(file.kiosk.language)
            .unwrap_or_else(|| "vi".into());
        if language != "vi" && language != "en" {
            return Err(ConfigError::from(format!(
                "kiosk.language must be \"vi\" or \"en\", not {language:?}"
            )));
        }
        let idle_timeout_secs = match env("MOTCUA_IDLE_TIMEOUT") {
            Some(v) => v.parse().map_err(|_| {
                format!("MOTCUA_IDLE_TIMEOUT must be a number of seconds, not {v:?}")
            })?,
            None => file.kiosk.idle_timeout_secs.unwrap_or(90),
        };
        if idle_timeout_secs < 10 {
            return Err("kiosk.idle_timeout_secs must be at least 10".into());
        }
        let staff_pin = env("MOTCUA_STAFF_PIN").or(file.kiosk.staff_pin);
        if let Some(pin) = &staff_pin {
            if pin.len() < 4 || !pin.chars().all(|c| c.is_ascii_digit()) {
                return Err("kiosk.staff_pin must be at least 4 digits".into());
            }
        }
        let window = match env("MOTCUA_WINDOW").or(file.kiosk.window).as_deref() {
            None | Some("fullscreen") => WindowMode::Fullscreen,
            Some(size) => {
                let (w, h) = size
                    .split_once('x')
                    .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
                    .ok_or_else(|| {
                        format!("kiosk.window must be \"fullscreen\" or WIDTHxHEIGHT, not {size:?}")
                    })?;
                WindowMode::Sized(w, h)
            }
        };
        let print_format = env("MOTCUA_PRINT_FORMAT")
            .or(file.printer.format)
            .unwrap_or_else(|| "pdf".into());
        print_format.parse::<motcua_print::Format>().map_err(|_| {
            format!("printer.format must be pdf, escpos58, escpos80 or png, not {print_format:?}")
        })?;
        let printer = env("MOTCUA_PRINTER")
            .or(file.printer.transport)
            .unwrap_or_else(|| "spool".into());
        if printer != "spool" {
            printer.parse::<motcua_print::Transport>().map_err(|_| {
                format!("printer.transport must be spool, folder:PATH, tcp:HOST:PORT, device:PATH or cups[:QUEUE], not {printer:?}")
            })?;
        }
        let demo = match env("MOTCUA_DEMO") {
            Some(v) => v == "1" || v == "true",
            None => file.office.demo.unwrap_or(office == OfficeMode::Embedded),
        };
        let kiosk_id = env("MOTCUA_KIOSK_ID")
            .or(file.kiosk.id)
            .unwrap_or_else(|| "kiosk-1".into());
        let kiosk_number = match env("MOTCUA_KIOSK_NUMBER") {
            Some(v) => Some(
                v.parse()
                    .map_err(|_| format!("MOTCUA_KIOSK_NUMBER must be a number, not {v:?}"))?,
            ),
            None => file.kiosk.number,
        }
        .unwrap_or_else(|| number_in(&kiosk_id));
        if !(1..=99).contains(&kiosk_number) {
            return Err("kiosk.number must be between 1 and 99".into());
        }
        let embedded_listen = env("MOTCUA_EMBEDDED_LISTEN")
            .or(file.office.embedded_listen)
            .unwrap_or_else(|| "127.0.0.1:0".into());
        let Ok(listen_addr) = embedded_listen.parse::<std::net::SocketAddr>() else {
            return Err(ConfigError::from(format!(
                "office.embedded_listen must be an address like 0.0.0.0:8080, not {embedded_listen:?}"
            )));
        };
        // Demo mode serves the DEMO sign-in provider and a demo admin account whose password is
        // public: on loopback only (the office server refuses it too).
        if office == OfficeMode::Embedded && demo && !listen_addr.ip().to_canonical().is_loopback()
        {
            return Err(ConfigError::from(format!(
                "office.embedded_listen {embedded_listen} is not a loopback address, and demo mode \
                 (office.demo or MOTCUA_DEMO; on by default for an embedded office) serves the DEMO \
                 sign-in provider and a demo admin account with a public password, so it listens on \
                 loopback only: set office.demo = false for an office on the LAN, or listen on \
                 127.0.0.1"
            )));
        }
        let levels: Vec<String> = match env("MOTCUA_OFFICE_LEVELS") {
            Some(v) => v
                .split(',')
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect(),
            None => file
                .office
                .levels
                .unwrap_or_else(|| vec!["commune".into(), "province".into()]),
        };
        if let Some(bad) = levels
            .iter()
            .find(|l| !["ministry", "province", "commune", "other"].contains(&l.as_str()))
        {
            return Err(ConfigError::from(format!(
                "office.levels holds ministry, province, commune or other, not {bad:?}"
            )));
        }
        let level: motcua_core::catalog::OfficeLevel = env("MOTCUA_OFFICE_LEVEL")
            .or(file.office.level)
            .as_deref()
            .unwrap_or("commune")
            .parse()
            .map_err(|_| ConfigError::from("office.level must be \"commune\" or \"province\""))?;
        // Field names hold commas ("Đăng ký, quản lý cư trú"): the variables separate with `;`.
        let fields = |v: String| -> Vec<String> {
            v.split(';')
                .map(|f| motcua_core::text::nfc(f.trim()))
                .filter(|f| !f.is_empty())
                .collect()
        };
        let nfc_all = |v: Vec<String>| -> Vec<String> {
            v.iter().map(|f| motcua_core::text::nfc(f.trim())).collect()
        };
        let defaults = motcua_catalog::OfficeScope::new(level);
        let scope = motcua_catalog::OfficeScope {
            level,
            field_order: env("MOTCUA_FIELD_ORDER")
                .map(fields)
                .or(file.office.field_order.map(nfc_all))
                .unwrap_or(defaults.field_order),
            elsewhere_fields: env("MOTCUA_ELSEWHERE_FIELDS")
                .map(fields)
                .or(file.office.elsewhere_fields.map(nfc_all))
                .unwrap_or(defaults.elsewhere_fields),
        };
        // The public default PIN opens nothing outside demo mode (docs/DECISIONS.md, "Staff
        // assist mode at the kiosk (issue 12)").
        let default_pin_refused = !demo && staff_pin.as_deref() == Some(DEFAULT_PIN);
        let staff_pin = match staff_pin {
            Some(p) if p != DEFAULT_PIN => Some(p),
            _ if demo => Some(DEFAULT_PIN.to_string()),
            _ => None,
        };
        let token_file = env("MOTCUA_OFFICE_TOKEN_FILE")
            .map(PathBuf::from)
            .or(file.office.token_file);
        let ca_file = env("MOTCUA_OFFICE_CA_FILE")
            .map(PathBuf::from)
            .or(file.office.ca_file);
        let office_token = env("MOTCUA_OFFICE_TOKEN")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .map(crate::services::identity::Secret::new);
        Ok(KioskConfig {
            token_file,
            ca_file,
            office_token,
            scope,
            scanner_inbox: env("MOTCUA_SCANNER_INBOX")
                .map(PathBuf::from)
                .or(file.kiosk.scanner_inbox),
            levels,
            embedded_listen,
            office,
            office_name: env("MOTCUA_OFFICE_NAME")
                .or(file.office.name)
                .map(|n| motcua_core::text::nfc(&n))
                .unwrap_or_else(|| "Bộ phận Một cửa UBND xã (dữ liệu mẫu)".into()),
            public_url: env("MOTCUA_PUBLIC_URL").or(file.office.public_url),
            kiosk_id,
            kiosk_number,
            language,
            idle_timeout_secs,
            staff_pin,
            default_pin_refused,
            printer,
            print_format,
            data_dir: env("MOTCUA_DATA_DIR")
                .map(PathBuf::from)
                .or(file.kiosk.data_dir),
            window,
            demo,
        })
    }
}

/// The number at the end of a kiosk id (`kiosk-3` → 3), else 1.
fn number_in(id: &str) -> u32 {
    let digits: String = id
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits
        .parse()
        .ok()
        .filter(|n| (1..=99).contains(n))
        .unwrap_or(1)
}

fn read(p: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(p).map_err(|e| ConfigError(format!("cannot read {}: {e}", p.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_are_an_embedded_vietnamese_kiosk() {
        let c = KioskConfig::from_parts(None, no_env).unwrap();
        assert_eq!(c.office, OfficeMode::Embedded);
        assert_eq!(c.language, "vi");
        assert_eq!(c.idle_timeout_secs, 90);
        assert_eq!(c.window, WindowMode::Fullscreen);
        assert_eq!(c.printer, "spool");
        assert!(c.demo);
        assert_eq!(
            c.scope,
            motcua_catalog::OfficeScope::default(),
            "a commune office"
        );
    }

    #[test]
    fn the_offices_level_and_field_order() {
        let toml = r#"
            [office]
            level = "province"
            field_order = ["Đất đai", "Hoạt động xây dựng"]
        "#;
        let c = KioskConfig::from_parts(Some(toml), no_env).unwrap();
        assert_eq!(c.scope.level, motcua_core::catalog::OfficeLevel::Province);
        assert_eq!(c.scope.field_order, ["Đất đai", "Hoạt động xây dựng"]);
        assert_eq!(
            c.scope.elsewhere_fields,
            motcua_catalog::default_elsewhere_fields()
        );
        let env = |k: &str| match k {
            "MOTCUA_OFFICE_LEVEL" => Some("commune".to_string()),
            "MOTCUA_FIELD_ORDER" => Some("Chứng thực; Đăng ký, quản lý cư trú".to_string()),
            "MOTCUA_ELSEWHERE_FIELDS" => Some("Hải quan".to_string()),
            _ => None,
        };
        let c = KioskConfig::from_parts(Some(toml), env).unwrap();
        assert_eq!(c.scope.level, motcua_core::catalog::OfficeLevel::Commune);
        assert_eq!(
            c.scope.field_order,
            ["Chứng thực", "Đăng ký, quản lý cư trú"]
        );
        assert_eq!(c.scope.elsewhere_fields, ["Hải quan"]);
    }

    #[test]
    fn file_values_and_env_overrides() {
        let toml = r#"
            [office]
            url = "http://10.1.2.3:8080/"
            name = "Trung tâm Phục vụ hành chính công"
            [kiosk]
            id = "k7"
            language = "en"
            window = "1280x800"
            [printer]
            transport = "tcp:10.1.2.4:9100"
            format = "escpos58"
        "#;
        let env = |k: &str| (k == "MOTCUA_KIOSK_ID").then(|| "k9".to_string());
        let c = KioskConfig::from_parts(Some(toml), env).unwrap();
        assert_eq!(c.office, OfficeMode::Remote("http://10.1.2.3:8080".into()));
        assert_eq!(c.kiosk_id, "k9");
        assert_eq!(c.kiosk_number, 9, "the number comes from the id by default");
        assert_eq!(c.language, "en");
        assert_eq!(c.window, WindowMode::Sized(1280, 800));
        assert_eq!(c.print_format, "escpos58");
        assert!(!c.demo);
    }

    #[test]
    fn the_default_pin_opens_nothing_outside_demo_mode() {
        let remote = "[office]\nurl = \"http://10.0.0.5:8080\"\n";
        let c = KioskConfig::from_parts(Some(remote), no_env).unwrap();
        assert_eq!(c.staff_pin, None, "no PIN configured: none");
        let env = |k: &str| (k == "MOTCUA_STAFF_PIN").then(|| DEFAULT_PIN.to_string());
        let c = KioskConfig::from_parts(Some(remote), env).unwrap();
        assert_eq!(c.staff_pin, None, "the public default is no PIN");
        assert!(c.default_pin_refused, "and the start logs it");
        let env = |k: &str| (k == "MOTCUA_STAFF_PIN").then(|| "97531".to_string());
        let c = KioskConfig::from_parts(Some(remote), env).unwrap();
        assert_eq!(
            c.staff_pin.as_deref(),
            Some("97531"),
            "the office's own PIN"
        );
        assert!(!c.default_pin_refused);
        let c = KioskConfig::from_parts(None, no_env).unwrap();
        assert!(c.demo);
        assert_eq!(c.staff_pin.as_deref(), Some(DEFAULT_PIN), "demo mode");
        assert!(!c.default_pin_refused);
        let c = KioskConfig::from_parts(Some("[kiosk]\nstaff_pin = \"246810\""), no_env).unwrap();
        assert_eq!(
            c.staff_pin.as_deref(),
            Some(DEFAULT_PIN),
            "set, in demo mode"
        );
        assert!(!c.default_pin_refused);
    }

    #[test]
    fn demo_mode_listens_on_loopback_only() {
        for listen in ["0.0.0.0:8080", "[::]:8080", "192.168.1.20:8080"] {
            let env = |k: &str| (k == "MOTCUA_EMBEDDED_LISTEN").then(|| listen.to_string());
            let err = KioskConfig::from_parts(None, env).unwrap_err();
            assert!(
                err.0.contains("office.embedded_listen")
                    && err.0.contains("office.demo = false")
                    && err.0.contains("DEMO"),
                "{listen}: {err}"
            );
            // Demo mode off: an embedded office on the LAN is allowed.
            let toml = format!("[office]\ndemo = false\nembedded_listen = \"{listen}\"");
            let c = KioskConfig::from_parts(Some(&toml), no_env).unwrap();
            assert!(!c.demo && c.embedded_listen == listen);
        }
        for listen in ["127.0.0.1:0", "127.0.0.2:8080", "[::1]:8080"] {
            let env = |k: &str| (k == "MOTCUA_EMBEDDED_LISTEN").then(|| listen.to_string());
            let c = KioskConfig::from_parts(None, env).unwrap();
            assert!(c.demo, "{listen}");
        }
        // A remote office: the embedded address is not used.
        let toml = "[office]\nurl = \"http://10.0.0.5:8080\"\ndemo = true\nembedded_listen = \"0.0.0.0:1\"";
        assert!(KioskConfig::from_parts(Some(toml), no_env).is_ok());
    }

    #[test]
    fn the_token_from_the_environment_is_never_printed() {
        let env = |k: &str| match k {
            "MOTCUA_OFFICE_TOKEN" => Some(" tok-from-env \n".to_string()),
            "MOTCUA_OFFICE_TOKEN_FILE" => Some("/var/lib/kiosk/token".to_string()),
            _ => None,
        };
        let c = KioskConfig::from_parts(None, env).unwrap();
        assert_eq!(
            c.office_token.as_ref().map(|t| t.expose()),
            Some("tok-from-env")
        );
        assert_eq!(
            c.token_file.as_deref(),
            Some(Path::new("/var/lib/kiosk/token"))
        );
        let shown = format!("{c:?}");
        assert!(!shown.contains("tok-from-env"), "{shown}");
        let c = KioskConfig::from_parts(Some("[office]\ntoken_file = \"/t\""), no_env).unwrap();
        assert_eq!(c.token_file.as_deref(), Some(Path::new("/t")));
        assert!(c.office_token.is_none());
    }

    #[test]
    fn bad_values_are_refused_with_the_key_named() {
        for (toml, key) in [
            ("[kiosk]\nlanguage = \"fr\"", "kiosk.language"),
            ("[kiosk]\nwindow = \"big\"", "kiosk.window"),
            ("[kiosk]\nstaff_pin = \"12\"", "kiosk.staff_pin"),
            ("[printer]\nformat = \"docx\"", "printer.format"),
            ("[office]\nurl = \"ftp://x\"", "office.url"),
            ("[kiosk]\nunknown_key = 1", "unknown field"),
            ("[kiosk]\nnumber = 100", "kiosk.number"),
            (
                "[office]\nembedded_listen = \"port 80\"",
                "office.embedded_listen",
            ),
            ("[office]\nlevel = \"district\"", "office.level"),
        ] {
            let err = KioskConfig::from_parts(Some(toml), no_env).unwrap_err();
            assert!(err.0.contains(key), "{err} should name {key}");
        }
    }
}
