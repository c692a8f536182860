//! Real-window test harness: Xvfb, tauri-driver (which drives WebKitWebDriver) and a small
//! W3C WebDriver client over HTTP ([`Session`]), plus axe-core and output checks (pdftotext,
//! zbarimg). [`chromium`] drives Debian's headless Chromium with the same client.
#![allow(dead_code)]

pub mod chromium;

use base64::Engine;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Only one real window at a time: the machine has two cores.
pub static WINDOW_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where screenshots go: target/e2e/.
pub fn e2e_dir() -> PathBuf {
    let d = repo_root().join("target").join("e2e");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A process group killed (SIGKILL) on drop, children included.
pub struct Group(Child);

impl Group {
    pub fn spawn(cmd: &mut Command) -> Group {
        use std::os::unix::process::CommandExt;
        let child = cmd
            .process_group(0)
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        Group(child)
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.wait();
    }
}

/// A virtual X display.
pub struct Xvfb {
    pub display: String,
    _proc: Group,
}

impl Xvfb {
    pub fn start() -> Xvfb {
        let n = (100..400)
            .find(|n| {
                !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                    && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            })
            .expect("a free X display number");
        let proc = Group::spawn(
            Command::new("Xvfb")
                .args([
                    &format!(":{n}"),
                    "-screen",
                    "0",
                    "1280x1024x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let sock = format!("/tmp/.X11-unix/X{n}");
        wait_for("Xvfb", Duration::from_secs(20), || {
            Path::new(&sock).exists()
        });
        Xvfb {
            display: format!(":{n}"),
            _proc: proc,
        }
    }
}

/// A W3C WebDriver session: the element, script and screenshot calls the tests use. Deleted
/// on drop.
pub struct Session {
    pub http: reqwest::blocking::Client,
    /// The driver's URL, e.g. `http://127.0.0.1:4444`.
    pub base: String,
    pub session: String,
}

/// The real kiosk app in a real window, driven through tauri-driver.
pub struct App {
    /// Declared first: the session is deleted before the driver and the display go.
    web: Session,
    _driver: Group,
    _xvfb: Xvfb,
}

impl std::ops::Deref for App {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.web
    }
}

impl App {
    /// Starts the kiosk binary with these environment variables (its configuration).
    pub fn launch(envs: &[(&str, String)]) -> App {
        let launched = Instant::now();
        let xvfb = Xvfb::start();
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", &xvfb.display)
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let driver = Group::spawn(&mut cmd);
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        wait_for("tauri-driver", Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        let app_path = PathBuf::from(env!("CARGO_BIN_EXE_motcua-kiosk"));
        let caps =
            json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app_path}}}});
        // tauri-driver accepts connections before WebKitWebDriver is up: retry a few times.
        let mut last = String::new();
        let mut session = None;
        for _ in 0..10 {
            match http.post(format!("{base}/session")).json(&caps).send() {
                Ok(r) => {
                    let v: Value = r.json().unwrap_or_default();
                    if let Some(id) = v["value"]["sessionId"].as_str() {
                        session = Some(id.to_string());
                        break;
                    }
                    last = v.to_string();
                }
                Err(e) => last = e.to_string(),
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        let session = session.unwrap_or_else(|| panic!("no WebDriver session: {last}"));
        if std::env::var_os("E2E_TRACE").is_some() {
            eprintln!("[e2e] session after {:?}", launched.elapsed());
        }
        App {
            web: Session {
                http,
                base,
                session,
            },
            _driver: driver,
            _xvfb: xvfb,
        }
    }
}

impl Session {
    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{}", self.base, self.session, path)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let t = Instant::now();
        let v: Value = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap();
        if std::env::var_os("E2E_TRACE").is_some() {
            eprintln!("[e2e] POST {path} {:?}", t.elapsed());
        }
        v
    }

    fn get(&self, path: &str) -> Value {
        let t = Instant::now();
        let v = self
            .http
            .get(self.url(path))
            .send()
            .unwrap()
            .json()
            .unwrap();
        if std::env::var_os("E2E_TRACE").is_some() {
            eprintln!("[e2e] GET {path} {:?}", t.elapsed());
        }
        v
    }

    /// The element matching a CSS selector, if present now.
    pub fn try_find(&self, css: &str) -> Option<String> {
        let v = self.post("/element", json!({"using": "css selector", "value": css}));
        v["value"][ELEMENT_KEY].as_str().map(String::from)
    }

    /// Waits up to 20 s for an element.
    pub fn find(&self, css: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(e) = self.try_find(css) {
                return e;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no element {css}; page text: {}",
                self.text("body")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks the element matching `css`, finding it again if the page replaced it meanwhile.
    pub fn click(&self, css: &str) {
        let mut attempts = 0;
        loop {
            let e = self.find(css);
            let v = self.post(&format!("/element/{e}/click"), json!({}));
            if v["value"].is_null() {
                return;
            }
            attempts += 1;
            let stale = v["value"]["error"] == "stale element reference";
            let hidden = v["value"]["error"] == "element click intercepted";
            assert!(
                (stale || hidden) && attempts < 5,
                "click on {css} failed: {v}"
            );
            if hidden {
                // Below the fold of a scrolling screen (WebKit's driver scrolls it only to the
                // edge, under the bottom bar): scroll it to the middle, as a person would.
                self.post(
                    "/execute/sync",
                    json!({"script": "arguments[0].scrollIntoView({block: 'center'});", "args": [{ELEMENT_KEY: e}]}),
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn text(&self, css: &str) -> String {
        match self.try_find(css) {
            Some(e) => self.get(&format!("/element/{e}/text"))["value"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            None => String::new(),
        }
    }

    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        let e = self.find(css);
        self.get(&format!("/element/{e}/attribute/{name}"))["value"]
            .as_str()
            .map(String::from)
    }

    pub fn exec(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": []}))["value"].clone()
    }

    pub fn exec_async(&self, script: &str) -> Value {
        self.post("/execute/async", json!({"script": script, "args": []}))["value"].clone()
    }

    /// Saves a screenshot as target/e2e/NAME.png and returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        // WebKitGTK (compositing off) answers a screenshot at the next paint after the request;
        // on a still page that is when the clock next changes, up to a minute away. Repaint one
        // transparent pixel every 50 ms for a moment so the next paint comes at once.
        self.exec(
            "let d = document.getElementById('e2e-paint');
             if (!d) { d = document.createElement('div'); d.id = 'e2e-paint'; d.setAttribute('aria-hidden', 'true');
               d.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
               document.body.appendChild(d); }
             let n = 0;
             const t = setInterval(() => {
               d.style.background = n % 2 ? 'rgba(0, 0, 0, 0.01)' : 'rgba(0, 0, 0, 0.02)';
               if (++n > 60) clearInterval(t);
             }, 50);",
        );
        let v = self.get("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(v["value"].as_str().expect("screenshot data"))
            .unwrap();
        let path = e2e_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Runs axe-core on the current page and fails on any serious or critical violation.
    pub fn assert_accessible(&self, screen: &str) {
        let axe = std::fs::read_to_string(repo_root().join("ui/node_modules/axe-core/axe.min.js"))
            .expect("axe-core is installed in ui/node_modules (make deps)");
        self.exec(&format!("{axe}\n;return typeof window.axe;"));
        let out = self.exec_async(
            "const done = arguments[arguments.length - 1];
             window.axe.run(document, {resultTypes: ['violations']})
               .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))))
               .catch(e => done('ERROR ' + e));",
        );
        let s = out.as_str().unwrap_or_default();
        assert!(!s.starts_with("ERROR"), "axe-core failed on {screen}: {s}");
        let violations: Vec<Value> =
            serde_json::from_str(s).unwrap_or_else(|_| panic!("axe: {out}"));
        let bad: Vec<&Value> = violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        assert!(bad.is_empty(), "axe-core on {screen}: {bad:#?}");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .timeout(Duration::from_secs(5))
            .send();
    }
}

fn tauri_driver() -> PathBuf {
    let home = PathBuf::from(std::env::var("HOME").unwrap_or_default());
    let p = home.join(".cargo/bin/tauri-driver");
    if p.exists() {
        p
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// Text of a PDF, by poppler's pdftotext.
pub fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// QR payloads found in an image by zbarimg.
pub fn decode_qr(png: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args([
            "--raw",
            "-q",
            "-Sdisable",
            "-Sqrcode.enable",
            png.to_str().unwrap(),
        ])
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .filter(|l| !l.is_empty())
        .collect()
}

/// QR payloads of a PDF's first page, rendered by pdftoppm then decoded by zbarimg.
pub fn pdf_qr(pdf: &Path, work: &Path) -> Vec<String> {
    let prefix = work.join("page");
    let st = Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(st.success());
    decode_qr(&prefix.with_extension("png"))
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Whether `needle` occurs in `hay` (personal data looked for in files, byte for byte).
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

// ------------------------------------------------------------------ the office server

/// The database of each office server the tests started, by its address (`127.0.0.1:PORT`):
/// where a kiosk's device token is made.
static OFFICE_DBS: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());
/// Device tokens made, by (database, kiosk id): a kiosk restarted gets the same one.
static TOKENS: std::sync::Mutex<Vec<((PathBuf, String), String)>> =
    std::sync::Mutex::new(Vec::new());

fn remember_office(addr: std::net::SocketAddr, db: &Path) {
    let mut dbs = OFFICE_DBS.lock().unwrap_or_else(|p| p.into_inner());
    let addr = addr.to_string();
    dbs.retain(|(a, _)| *a != addr);
    dbs.push((addr, db.to_path_buf()));
}

/// Starts an office server with the demo data on `listen` and the database `db`, as
/// `motcua_testkit::start_office`; kiosks configured for it get a device token.
pub async fn start_office(db: &Path, listen: &str) -> motcua_office::ServerHandle {
    let h = motcua_testkit::start_office(db, listen).await;
    remember_office(h.addr, db);
    h
}

/// Starts an office server with this configuration, as `motcua_testkit::start_office_with`;
/// kiosks configured for it get a device token.
pub async fn start_office_with(config: motcua_office::ServerConfig) -> motcua_office::ServerHandle {
    let db = config.db_path.clone();
    let h = motcua_testkit::start_office_with(config).await;
    remember_office(h.addr, &db);
    h
}

/// Records a server a test started itself (`motcua_office::start`) so kiosks configured for it
/// get a device token.
pub fn register_office(h: &motcua_office::ServerHandle, db: &Path) {
    remember_office(h.addr, db);
}

/// A device token for the kiosk `kiosk_id` at the office server at `office_url` (one the tests
/// started), made in its database as `motcua device add --kind kiosk` does; `None` for a
/// server the tests did not start.
pub fn kiosk_token(office_url: &str, kiosk_id: &str) -> Option<String> {
    let authority = office_url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split('/')
        .next()?
        .to_string();
    let db = OFFICE_DBS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|(a, _)| *a == authority)
        .map(|(_, db)| db.clone())?;
    let key = (db.clone(), kiosk_id.to_string());
    let mut tokens = TOKENS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, t)) = tokens.iter().find(|(k, _)| *k == key) {
        return Some(t.clone());
    }
    let token = motcua_office::access::add_device(
        &db,
        motcua_core::devices::DeviceKind::Kiosk,
        kiosk_id,
        None,
    )
    .unwrap_or_else(|e| panic!("device token for {kiosk_id}: {e}"));
    tokens.push((key, token.clone()));
    Some(token)
}

/// The environment giving a kiosk window its device token for the office at `office_url`.
pub fn kiosk_token_env(office_url: &str, kiosk_id: &str) -> Vec<(&'static str, String)> {
    kiosk_token(office_url, kiosk_id)
        .map(|t| ("MOTCUA_OFFICE_TOKEN", t))
        .into_iter()
        .collect()
}

/// The settings of a kiosk `kiosk_id` that talks to the office at `office_url` and keeps its
/// files under `data` (its printer spools to `data/spool`); `extra` adds or overrides settings
/// (`MOTCUA_PRINT_FORMAT`, `MOTCUA_PUBLIC_URL`…).
pub fn kiosk_config(
    office_url: &str,
    data: &Path,
    kiosk_id: &str,
    extra: &[(&str, &str)],
) -> motcua_kiosk::config::KioskConfig {
    let data = data.display().to_string();
    let mut vars: std::collections::HashMap<String, String> = [
        ("MOTCUA_OFFICE_URL", office_url.to_string()),
        ("MOTCUA_DATA_DIR", data.clone()),
        ("MOTCUA_KIOSK_ID", kiosk_id.to_string()),
        ("MOTCUA_PRINTER", format!("folder:{data}/spool")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(token) = kiosk_token(office_url, kiosk_id) {
        vars.insert("MOTCUA_OFFICE_TOKEN".into(), token);
    }
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    motcua_kiosk::config::KioskConfig::from_parts(None, move |k| vars.get(k).cloned()).unwrap()
}
