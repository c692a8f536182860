//! Import robustness, versions and deltas, on real SQLite files.

use motcua_catalog::{Catalog, ImportOptions, SearchRequest};
use rusqlite::Connection;
use std::io::Write;

fn rec(code: &str, name: &str) -> String {
    serde_json::json!({
        "code": code, "name": name, "levels": ["commune"], "field": "Hộ tịch",
        "channels": [{"channel": "online", "duration": {"value": 5.0, "unit": "Ngày làm việc"},
                      "fee_vnd": 0, "fee_text": "Miễn phí"}],
        "documents": [{"name": "Tờ khai", "template": null, "originals": 1, "copies": 0}],
        "source_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x"
    })
    .to_string()
}

fn db(dir: &tempfile::TempDir, name: &str) -> Connection {
    Connection::open(dir.path().join(name)).unwrap()
}

#[test]
fn bad_lines_are_skipped_with_a_reason_and_good_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let conn = db(&dir, "a.db");
    let cat = Catalog::new(&conn).unwrap();
    let noisy = serde_json::json!({
        "code": "1.000003", "name": "  Thủ tục có nhiễu  ", "levels": ["commune", "galaxy"],
        "channels": [{"channel": "in_person", "duration": null, "fee_vnd": null, "fee_text": "?"}],
        "documents": [{"name": "Tờ khai đề nghị (mẫu N24)TK de nghi cap GP (N24).doc",
                       "template": null, "originals": "x", "copies": 1}],
        "field": 7, "results": "not an array"
    });
    let lines = [
        rec("1.000001", "Thủ tục đăng ký khai sinh"),
        "{not json".to_string(),
        r#"{"name": "Không có mã"}"#.to_string(),
        r#"{"code": "1.000002"}"#.to_string(),
        rec("1.000001", "Trùng mã"),
        rec("12345", "Mã sai dạng"),
        "[1, 2, 3]".to_string(),
        String::new(),
        noisy.to_string(),
    ];
    let text = lines.join("\n");
    let r = cat
        .import_reader(text.as_bytes(), &ImportOptions::default())
        .unwrap();
    assert_eq!(r.added, 2, "{r:#?}");
    let reasons: Vec<(usize, &str)> = r
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 6, "{reasons:#?}");
    assert!(reasons[0].0 == 2 && reasons[0].1.contains("malformed JSON"));
    assert!(reasons[1].0 == 3 && reasons[1].1.contains("missing code"));
    assert!(reasons[2].0 == 4 && reasons[2].1.contains("missing name"));
    assert!(reasons[3].0 == 5 && reasons[3].1.contains("duplicate code"));
    assert!(reasons[4].0 == 6 && reasons[4].1.contains("bad code shape"));
    assert!(reasons[5].0 == 7 && reasons[5].1.contains("not a JSON object"));
    assert!(
        r.skipped.iter().all(|s| s.reason.contains(" / ")),
        "Vietnamese / English"
    );
    assert_eq!(r.flagged, 1);
    // The first of the duplicates is kept.
    assert_eq!(
        cat.get("1.000001").unwrap().unwrap().name,
        "Thủ tục đăng ký khai sinh"
    );
    let p = cat.get("1.000003").unwrap().unwrap();
    assert_eq!(p.name, "Thủ tục có nhiễu");
    assert_eq!(p.levels, vec!["commune"]);
    assert_eq!(p.field, "7");
    assert_eq!(p.documents[0].name, "Tờ khai đề nghị (mẫu N24)");
    assert_eq!(
        p.documents[0].template.as_deref(),
        Some("TK de nghi cap GP (N24).doc")
    );
    assert_eq!((p.documents[0].originals, p.documents[0].copies), (0, 1));
    assert!(p.results.is_empty());
    for f in [
        "unknown_level:galaxy",
        "duration_unreadable:channels[0]",
        "template_split:documents[0]",
    ] {
        assert!(p.flags.iter().any(|x| x == f), "{f} in {:?}", p.flags);
    }
}

#[test]
fn empty_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let conn = db(&dir, "a.db");
    let cat = Catalog::new(&conn).unwrap();
    let r = cat
        .import_reader(&b""[..], &ImportOptions::default())
        .unwrap();
    assert_eq!(
        (r.added, r.updated, r.skipped.len(), r.version),
        (0, 0, 0, 0)
    );
    assert_eq!(cat.version().unwrap(), 0);
    // A missing file is an error with both languages, not a panic.
    let e = cat
        .import(&dir.path().join("nope.jsonl"), &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("Không đọc") && e.contains("Cannot read"), "{e}");
}

#[test]
fn reimport_is_idempotent_and_versions_track_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.jsonl.gz");
    let write_gz = |lines: &[String]| {
        let f = std::fs::File::create(&path).unwrap();
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        gz.write_all(lines.join("\n").as_bytes()).unwrap();
        gz.finish().unwrap();
    };
    let conn = db(&dir, "office.db");
    conn.pragma_update(None, "user_version", 7).unwrap();
    let cat = Catalog::new(&conn).unwrap();
    let a = rec("1.000001", "Đăng ký khai sinh");
    let b = rec("1.000002", "Đăng ký kết hôn");
    write_gz(&[a.clone(), b.clone()]);
    let r = cat.import(&path, &ImportOptions::default()).unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.version), (2, 0, 0, 1));
    // Same file again: nothing changes, the version stays.
    let r = cat.import(&path, &ImportOptions::default()).unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.version), (0, 0, 2, 1));
    assert_eq!(cat.version().unwrap(), 1);
    // One record changes, one is dropped (kept without prune), one is new.
    let b2 = rec("1.000002", "Đăng ký kết hôn lưu động");
    let c = rec("1.000009", "Đăng ký khai tử");
    write_gz(&[b2, c]);
    let r = cat.import(&path, &ImportOptions::default()).unwrap();
    assert_eq!(
        (r.added, r.updated, r.unchanged, r.withdrawn, r.version),
        (1, 1, 0, 0, 2)
    );
    assert_eq!(cat.len().unwrap(), 3);
    let hits = cat.search(&SearchRequest::query("luu dong")).unwrap();
    assert_eq!(hits[0].code, "1.000002");
    assert!(cat.search(&SearchRequest::query("ket hon")).unwrap().len() == 1);
    // Prune withdraws what the file lacks.
    let r = cat
        .import(
            &path,
            &ImportOptions {
                prune: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((r.withdrawn, r.version), (1, 3));
    assert!(cat.get("1.000001").unwrap().is_none());
    let hits = cat.search(&SearchRequest::query("khai sinh")).unwrap();
    assert!(hits.iter().all(|h| h.code != "1.000001"), "{hits:?}");

    let d = cat.changes_since(1).unwrap();
    assert_eq!(d.version, 3);
    let mut codes: Vec<_> = d.upserts.iter().map(|p| p.code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["1.000002", "1.000009"]);
    assert_eq!(d.deleted, ["1.000001"]);
    assert!(cat.changes_since(3).unwrap().upserts.is_empty());
    // The office's migrations own user_version.
    let uv: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(uv, 7);

    // A kiosk cache catches up by deltas.
    let kconn = db(&dir, "kiosk.db");
    let kiosk = Catalog::new(&kconn).unwrap();
    assert_eq!(
        kiosk.apply_changes(&cat.changes_since(0).unwrap()).unwrap(),
        3
    );
    assert_eq!(kiosk.len().unwrap(), 2);
    assert_eq!(
        kiosk.search(&SearchRequest::query("khai tu")).unwrap()[0].code,
        "1.000009"
    );
    // A delta that starts ahead of the kiosk is refused and changes nothing.
    let mut gap = cat.changes_since(3).unwrap();
    gap.since = 9;
    gap.version = 10;
    let e = kiosk.apply_changes(&gap).unwrap_err().to_string();
    assert!(e.contains("phiên bản") && e.contains("version"), "{e}");
    assert_eq!(kiosk.version().unwrap(), 3);
}

#[test]
fn levels_filter_and_reproducible_export() {
    let dir = tempfile::tempdir().unwrap();
    let conn = db(&dir, "a.db");
    let cat = Catalog::new(&conn).unwrap();
    let mut m = serde_json::from_str::<serde_json::Value>(&rec("1.000005", "Cấp phép bộ")).unwrap();
    m["levels"] = serde_json::json!(["ministry"]);
    let text = [
        rec("1.000001", "Xã một"),
        m.to_string(),
        rec("1.000002", "Xã hai"),
    ]
    .join("\n");
    let opts = ImportOptions {
        levels: vec!["commune".into()],
        ..Default::default()
    };
    let r = cat.import_reader(text.as_bytes(), &opts).unwrap();
    assert_eq!((r.added, r.filtered), (2, 1));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    assert_eq!(cat.export_gz(&["commune".into()], &mut a).unwrap(), 2);
    cat.export_gz(&["commune".into()], &mut b).unwrap();
    assert_eq!(a, b);
    // The export imports back unchanged.
    let conn2 = db(&dir, "b.db");
    let cat2 = Catalog::new(&conn2).unwrap();
    let r = cat2
        .import_reader(&a[..], &ImportOptions::default())
        .unwrap();
    assert_eq!(r.added, 2);
    assert_eq!(cat2.get("1.000001").unwrap(), cat.get("1.000001").unwrap());
}

/// A reader that fails after `ok` bytes, as a disk error or a kill mid-import would.
struct Breaks<'a> {
    data: &'a [u8],
    ok: usize,
}

impl std::io::Read for Breaks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ok == 0 {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.ok).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.ok -= n;
        Ok(n)
    }
}

/// An import in steps (the office's demo seed: other writers of the file get in between) that
/// is cut short keeps the catalog's version where it was; run again, it completes, the typo
/// vocabulary included.
#[test]
fn an_import_in_steps_cut_short_completes_when_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let conn = db(&dir, "steps.db");
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let cat = Catalog::new(&conn).unwrap();
    let lines: Vec<String> = (0..120)
        .map(|i| {
            rec(
                &format!("1.{:06}", i + 1),
                &format!("Thủ tục đăng ký khai sinh số {i}"),
            )
        })
        .collect();
    let text = lines.join("\n");
    let opts = ImportOptions {
        commit_every: Some(25),
        ..Default::default()
    };
    // Cut after about 60 records: two steps are committed, the version is not moved.
    let cut = lines[..60].iter().map(|l| l.len() + 1).sum::<usize>();
    let r = cat.import_reader(
        Breaks {
            data: text.as_bytes(),
            ok: cut,
        },
        &opts,
    );
    assert!(r.is_err(), "the import failed");
    assert_eq!(cat.version().unwrap(), 0, "no version for a cut import");
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM catalog_procedures", [], |r| r.get(0))
        .unwrap();
    assert!(
        (25..120).contains(&stored),
        "some steps were kept: {stored}"
    );
    // Run again: what is stored is unchanged, the rest added, the version set.
    let r = cat.import_reader(text.as_bytes(), &opts).unwrap();
    assert_eq!(r.added + r.unchanged, 120, "{r:?}");
    assert_eq!(r.unchanged as i64, stored, "{r:?}");
    assert_eq!((r.version, cat.version().unwrap()), (1, 1));
    // The typo vocabulary was rebuilt in its steps: a misspelt word still finds.
    let hits = cat.search(&SearchRequest::query("khai sinhh")).unwrap();
    assert!(
        hits.first()
            .is_some_and(|h| h.name.contains("đăng ký khai sinh")),
        "typo search after the import: {hits:?}"
    );
    // A second writer of the same file is never refused while a stepwise import runs.
    let other = db(&dir, "steps.db");
    other
        .busy_timeout(std::time::Duration::from_secs(2))
        .unwrap();
    other
        .execute_batch("CREATE TABLE tickets (n INTEGER)")
        .unwrap();
    let more: Vec<String> = (0..400)
        .map(|i| {
            rec(
                &format!("2.{:06}", i + 1),
                &format!("Chứng thực bản sao số {i}"),
            )
        })
        .collect();
    let more = more.join("\n");
    std::thread::scope(|s| {
        let path = dir.path().join("steps.db");
        let import = s.spawn(move || {
            let conn = Connection::open(path).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(5))
                .unwrap();
            let cat = Catalog::new(&conn).unwrap();
            cat.import_reader(more.as_bytes(), &opts).unwrap()
        });
        let mut n = 0;
        while !import.is_finished() {
            other
                .execute("INSERT INTO tickets (n) VALUES (?1)", [n])
                .unwrap_or_else(|e| panic!("ticket {n} refused during the import: {e}"));
            n += 1;
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(import.join().unwrap().added, 400);
    });
}
