//! `motcua catalog import` and `motcua catalog search` on a real database file.

use serde_json::Value;
use std::process::Command;

#[test]
fn cli_imports_and_searches() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let file = dir.path().join("p.jsonl");
    let good = |code: &str, name: &str| {
        serde_json::json!({"code": code, "name": name, "levels": ["commune"], "field": "Hộ tịch"})
            .to_string()
    };
    std::fs::write(
        &file,
        [
            good("1.001193", "Thủ tục đăng ký khai sinh"),
            good("1.003583", "Thủ tục đăng ký khai sinh lưu động"),
            "{broken".into(),
            good("1.001193", "again"),
        ]
        .join("\n"),
    )
    .unwrap();
    let motcua = |args: &[&str]| {
        let out = Command::new(crate::MOTCUA).args(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let dbs = db.to_str().unwrap();
    let (ok, out, err) = motcua(&["catalog", "import", file.to_str().unwrap(), "--db", dbs]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("added 2, updated 0, unchanged 0, skipped 2"),
        "{out}"
    );
    assert!(
        out.contains("skipped line 3: ") && out.contains("malformed JSON"),
        "{out}"
    );
    assert!(
        out.contains("skipped line 4 (1.001193): ") && out.contains("duplicate code"),
        "{out}"
    );
    // Again: nothing changes.
    let (ok, out, _) = motcua(&["catalog", "import", file.to_str().unwrap(), "--db", dbs]);
    assert!(ok);
    assert!(out.starts_with("added 0, updated 0, unchanged 2"), "{out}");
    assert!(out.contains("catalog version 1"), "{out}");

    let (ok, out, err) = motcua(&[
        "catalog", "search", "khai si", "--db", dbs, "--json", "--limit", "5",
    ]);
    assert!(ok, "{err}");
    let hits: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0]["code"], "1.001193");
    assert_eq!(hits[0]["name"], "Thủ tục đăng ký khai sinh");
    assert!(hits[0]["score"].as_f64().unwrap() > hits[1]["score"].as_f64().unwrap());
    let (ok, out, _) = motcua(&["catalog", "search", "luu dong", "--db", dbs]);
    assert!(ok);
    assert!(out.lines().next().unwrap().contains("1.003583"), "{out}");
    // Bad input: a clear message, failure.
    let (ok, _, err) = motcua(&["catalog", "search", "x", "--db", dbs, "--level", "moon"]);
    assert!(!ok && err.contains("unknown level"), "{err}");
    let (ok, _, err) = motcua(&["catalog", "import", "/nonexistent.jsonl", "--db", dbs]);
    assert!(!ok && err.contains("Cannot read"), "{err}");
}

/// `motcua serve --office-level province --field-order …`: a province office browses the
/// province's fields, its chosen ones first.
#[test]
fn serve_takes_the_offices_level_and_field_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let (mut child, url) = motcua_testkit::spawn_motcua(
        crate::MOTCUA,
        &db,
        &[
            "--office-level",
            "province",
            "--field-order",
            "hoat dong xay dung;Đất đai",
        ],
    );
    let fields: Value = reqwest::blocking::get(format!("{url}/api/v1/procedure-fields"))
        .unwrap()
        .json()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(fields[0]["field"], "Hoạt động xây dựng", "{fields}");
    assert_eq!(fields[1]["field"], "Đất đai", "{fields}");
    assert_eq!(fields[1]["count"], 32, "the province's land procedures");
    let out = Command::new(crate::MOTCUA)
        .args(["serve", "--office-level", "district"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("commune or province"), "{err}");
}
