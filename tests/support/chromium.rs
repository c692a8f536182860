//! Headless Chromium through Debian's chromedriver (packages chromium and chromium-driver), for
//! the pages the office server serves (/counter, /board). Each [`Chromium::session`] is a
//! separate browser window with its own profile, driven with the same [`Session`] client as the
//! kiosk window.

use super::{free_port, wait_for, Group, Session};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A running chromedriver. Drop its sessions before it (declare them after it).
pub struct Chromium {
    base: String,
    http: reqwest::blocking::Client,
    _driver: Group,
}

impl Chromium {
    pub fn start() -> Chromium {
        for bin in [CHROMEDRIVER, CHROMIUM] {
            assert!(
                Path::new(bin).exists(),
                "{bin} is missing: apt-get install chromium chromium-driver (make deps)"
            );
        }
        let port = free_port();
        let driver = Group::spawn(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        wait_for("chromedriver", Duration::from_secs(20), || {
            http.get(format!("{base}/status"))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true)
        });
        Chromium {
            base,
            http,
            _driver: driver,
        }
    }

    /// A new headless window whose page area is exactly `width`×`height` CSS pixels. Autoplay
    /// is allowed without a touch, as on a hall TV set up for it.
    pub fn session(&self, width: u32, height: u32) -> Session {
        self.session_with(
            width,
            height,
            &["--autoplay-policy=no-user-gesture-required"],
        )
    }

    /// Like [`Chromium::session`], with other extra Chromium switches.
    pub fn session_with(&self, width: u32, height: u32, extra: &[&str]) -> Session {
        let started = Instant::now();
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--hide-scrollbars",
            "--lang=vi-VN",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--window-size={width},{height}"));
        args.extend(extra.iter().map(|s| s.to_string()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            "timeouts": {"script": 30_000, "pageLoad": 30_000}
        }}});
        let v: Value = self
            .http
            .post(format!("{}/session", self.base))
            .json(&caps)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let id = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no Chromium session: {v}"))
            .to_string();
        let s = Session {
            http: self.http.clone(),
            base: self.base.clone(),
            session: id,
        };
        // The window size includes no browser chrome in headless mode, but make the page area
        // exact whatever the version does.
        let r = s.post(
            "/goog/cdp/execute",
            json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false
            }}),
        );
        assert!(r["value"].is_object(), "viewport not set: {r}");
        if std::env::var_os("E2E_TRACE").is_some() {
            eprintln!("[e2e] chromium session after {:?}", started.elapsed());
        }
        s
    }
}

impl Session {
    /// Opens a URL and waits for the page to load.
    pub fn goto(&self, url: &str) {
        let v = self.post("/url", json!({ "url": url }));
        assert!(v["value"].is_null(), "cannot open {url}: {v}");
    }

    /// Waits until `script` (a function body) returns true.
    pub fn wait_js(&self, what: &str, timeout: Duration, script: &str) {
        let start = Instant::now();
        loop {
            if self.exec(script) == Value::Bool(true) {
                return;
            }
            assert!(
                start.elapsed() < timeout,
                "timed out after {timeout:?} waiting for {what}; page text: {}",
                self.text("body")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the element's text (trimmed) is `want`.
    pub fn wait_text(&self, css: &str, want: &str, timeout: Duration) {
        let script = format!(
            "const e = document.querySelector({}); return !!e && e.textContent.trim() === {};",
            json!(css),
            json!(want)
        );
        self.wait_js(&format!("{css} to read {want:?}"), timeout, &script);
    }

    /// Console messages of the page so far (Chromium's log), for failure reports.
    pub fn browser_log(&self) -> Vec<String> {
        let v = self.post("/se/log", json!({"type": "browser"}));
        v["value"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| format!("{} {}", e["level"], e["message"]))
                    .collect()
            })
            .unwrap_or_default()
    }
}
