//! Helpers shared by the integration tests: running the poppler / zbar command-line tools.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// Run a tool and return its stdout; panics with its stderr when it fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (is it installed?): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

/// The QR payloads zbarimg finds in an image.
pub fn zbar(image: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(image)
        .output()
        .expect("cannot run zbarimg (apt install zbar-tools)");
    String::from_utf8(out.stdout)
        .expect("zbarimg output is UTF-8")
        .lines()
        .map(str::to_string)
        .collect()
}

/// Collapse runs of whitespace (pdftotext breaks wrapped lines) into single spaces.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
