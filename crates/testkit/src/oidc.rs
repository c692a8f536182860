//! The real OpenID provider (provider.mjs, the npm package `oidc-provider`) for Rust tests, and
//! the citizen's phone: a cookie-keeping client that reads and submits the provider's device
//! pages (confirm the code, log in, consent) as a phone does after scanning the kiosk's QR.
//! Used by the office's sign-in tests and the kiosk's filing E2E.

use reqwest::Client;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// A running provider. It exits when this is dropped or the test binary exits (its stdin
/// closes).
pub struct RealProvider {
    pub issuer: String,
    child: Mutex<Child>,
}

impl Drop for RealProvider {
    fn drop(&mut self) {
        if let Ok(mut c) = self.child.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Starts provider.mjs (in `dir`, tests/oidc-provider) on a free loopback port for the public
/// client `client_id`, asking clients to poll every `interval` seconds.
pub fn start_provider(dir: &Path, client_id: &str, interval: u32) -> RealProvider {
    assert!(
        dir.join("node_modules/oidc-provider").is_dir(),
        "tests/oidc-provider/node_modules is missing: run scripts/install-deps.sh \
         (or `npm ci --prefix tests/oidc-provider`)"
    );
    let mut child = Command::new("node")
        .arg(dir.join("provider.mjs"))
        .args(["--port", "0"])
        .env("OIDC_CLIENT_ID", client_id)
        .env("OIDC_INTERVAL", interval.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs (scripts/install-deps.sh installs Node.js)");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // Keep reading what it prints, or its next write fails with EPIPE and kills it.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let issuer = line
        .strip_prefix("ready ")
        .unwrap_or_else(|| panic!("the provider did not start: {line:?}"))
        .trim()
        .to_owned();
    RealProvider {
        issuer,
        child: Mutex::new(child),
    }
}

pub struct Form {
    pub id: Option<String>,
    pub action: String,
    pub fields: Vec<(String, String)>,
    /// Text or password inputs without a value (the dev login form).
    pub blanks: Vec<String>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!("{name}=\"");
    let start = tag.find(&pat)? + pat.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].replace("&amp;", "&").replace("&#x2F;", "/"))
}

pub fn forms(html: &str) -> Vec<Form> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<form") {
        let after = &rest[i..];
        let end = after.find("</form>").unwrap_or(after.len());
        let body = &after[..end];
        let open = &body[..body.find('>').unwrap()];
        let mut form = Form {
            id: attr(open, "id"),
            action: attr(open, "action").unwrap_or_default(),
            fields: Vec::new(),
            blanks: Vec::new(),
        };
        let mut inputs = body;
        while let Some(j) = inputs.find("<input") {
            let tag_end = inputs[j..].find('>').unwrap() + j;
            let tag = &inputs[j..tag_end];
            if let Some(name) = attr(tag, "name") {
                match attr(tag, "value") {
                    Some(v) => form.fields.push((name, v)),
                    None => form.blanks.push(name),
                }
            }
            inputs = &inputs[tag_end..];
        }
        out.push(form);
        rest = &after[end..];
    }
    out
}

/// Approves (or, with `deny`, aborts) the sign-in on the provider's own pages, as the phone
/// would after scanning the QR. Returns the last page.
pub async fn phone(verification_uri_complete: &str, deny: bool) -> String {
    let c = Client::builder().cookie_store(true).build().unwrap();
    let r = c.get(verification_uri_complete).send().await.unwrap();
    let mut url = r.url().clone();
    let mut page = r.text().await.unwrap();
    for _ in 0..8 {
        let Some(form) = forms(&page).into_iter().next() else {
            return page;
        };
        let mut fields = form.fields.clone();
        for b in &form.blanks {
            fields.push((b.clone(), "citizen-001".into()));
        }
        let abort = form.id.as_deref() == Some("op.deviceConfirmForm") && deny;
        if abort {
            // The page's "[ Abort ]" button submits the same form with abort=yes.
            fields.push(("abort".into(), "yes".into()));
        }
        let action = url.join(&form.action).unwrap();
        let r = c.post(action).form(&fields).send().await.unwrap();
        url = r.url().clone();
        page = r.text().await.unwrap();
        if abort {
            return page;
        }
    }
    panic!("the provider's pages did not end: {page}");
}
