//! `motcua catalog …`: import, search and export the procedure catalog of an office database.

use clap::Subcommand;
use motcua_catalog::{Catalog, ImportOptions, SearchRequest, LEVELS};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The catalog settings of `motcua serve`: the office's level and how it orders its fields.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The office's level: `commune` (Bộ phận Một cửa cấp xã) or `province`. Browsing by
    /// field shows the procedures served at this level; a search finds the others too, with
    /// where they are handled.
    #[arg(long = "office-level", value_name = "LEVEL", default_value = "commune")]
    level: motcua_core::catalog::OfficeLevel,
    /// Fields shown first when browsing, in order, separated by `;` (field names hold commas),
    /// accents and case forgiven, e.g. "Hộ tịch;Chứng thực;Đất đai". The rest follow, most
    /// procedures first. Default: a commune's usual order (docs/CATALOG.md).
    #[arg(long, value_name = "FIELDS", value_delimiter = ';')]
    field_order: Option<Vec<String>>,
    /// Fields handled by the own offices of central agencies, left out of browsing, separated
    /// by `;`. Default: customs, tax, treasury, social insurance, courts (docs/CATALOG.md).
    #[arg(long, value_name = "FIELDS", value_delimiter = ';')]
    elsewhere_fields: Option<Vec<String>>,
}

impl ServeArgs {
    /// The office's catalog settings.
    pub fn config(&self) -> motcua_office::catalog::CatalogConfig {
        let clean = |v: &Vec<String>| -> Vec<String> {
            v.iter()
                .map(|f| motcua_core::text::nfc(f.trim()))
                .filter(|f| !f.is_empty())
                .collect()
        };
        let defaults = motcua_catalog::OfficeScope::new(self.level);
        motcua_office::catalog::CatalogConfig {
            scope: motcua_catalog::OfficeScope {
                level: self.level,
                field_order: self
                    .field_order
                    .as_ref()
                    .map(clean)
                    .unwrap_or(defaults.field_order),
                elsewhere_fields: self
                    .elsewhere_fields
                    .as_ref()
                    .map(clean)
                    .unwrap_or(defaults.elsewhere_fields),
            },
            ..Default::default()
        }
    }
}

/// `motcua catalog` subcommands.
#[derive(Subcommand, Debug)]
pub enum CatalogCmd {
    /// Import procedures from a .jsonl or .jsonl.gz file (docs/CATALOG.md). Idempotent: a
    /// re-import updates changed records and keeps codes unique.
    Import {
        /// The file.
        file: PathBuf,
        /// Office database (created if missing).
        #[arg(long, default_value = "motcua-office.db")]
        db: PathBuf,
        /// Keep only procedures served at these levels (comma-separated; default all).
        #[arg(long, value_delimiter = ',')]
        levels: Vec<String>,
        /// Withdraw stored procedures the file does not hold (reported to kiosks as deleted).
        #[arg(long)]
        prune: bool,
    },
    /// Search the catalog and print the ranked results.
    Search {
        /// What a citizen would type.
        query: String,
        /// Office database.
        #[arg(long, default_value = "motcua-office.db")]
        db: PathBuf,
        /// Most results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print a JSON array of {code, name, field, levels, has_online, score}.
        #[arg(long)]
        json: bool,
        /// Only procedures served at this level.
        #[arg(long)]
        level: Option<String>,
        /// Levels the office serves (ranked first).
        #[arg(long, value_delimiter = ',', default_value = "commune,province")]
        own_levels: Vec<String>,
    },
    /// Write the catalog (or the procedures of some levels) as .jsonl, gzipped when the output
    /// name ends in .gz (reproducible bytes).
    Export {
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// Office database.
        #[arg(long, default_value = "motcua-office.db")]
        db: PathBuf,
        /// Only procedures served at any of these levels (comma-separated; default all).
        #[arg(long, value_delimiter = ',')]
        levels: Vec<String>,
    },
}

fn check_levels(levels: &[String]) -> Result<(), String> {
    for l in levels {
        if !LEVELS.contains(&l.as_str()) {
            return Err(format!(
                "cấp “{l}” không hợp lệ; chọn trong {} / unknown level “{l}”; use {}",
                LEVELS.join(", "),
                LEVELS.join(", ")
            ));
        }
    }
    Ok(())
}

fn open(db: &Path) -> Result<rusqlite::Connection, String> {
    let conn = rusqlite::Connection::open(db)
        .map_err(|e| format!("không mở được {0} / cannot open {0}: {e}", db.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    // Same journal as the office server, so both can use the file at once.
    let _: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

/// Runs a `motcua catalog` subcommand.
pub fn run(cmd: CatalogCmd) -> ExitCode {
    match run_inner(cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motcua: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(cmd: CatalogCmd) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match cmd {
        CatalogCmd::Import {
            file,
            db,
            levels,
            prune,
        } => {
            check_levels(&levels)?;
            let conn = open(&db)?;
            let cat = Catalog::new(&conn).map_err(|e| e.to_string())?;
            let r = cat
                .import(
                    &file,
                    &ImportOptions {
                        levels,
                        prune,
                        ..Default::default()
                    },
                )
                .map_err(|e| e.to_string())?;
            let _ = writeln!(
                out,
                "added {}, updated {}, unchanged {}, skipped {}, filtered {}, withdrawn {}, flagged {}; catalog version {}",
                r.added,
                r.updated,
                r.unchanged,
                r.skipped.len(),
                r.filtered,
                r.withdrawn,
                r.flagged,
                r.version
            );
            for s in &r.skipped {
                let _ = writeln!(
                    out,
                    "skipped line {}{}: {}",
                    s.line,
                    s.code
                        .as_deref()
                        .map(|c| format!(" ({c})"))
                        .unwrap_or_default(),
                    s.reason
                );
            }
            Ok(())
        }
        CatalogCmd::Search {
            query,
            db,
            limit,
            json,
            level,
            own_levels,
        } => {
            check_levels(&own_levels)?;
            if let Some(l) = &level {
                check_levels(std::slice::from_ref(l))?;
            }
            if !db.exists() {
                return Err(format!(
                    "không có cơ sở dữ liệu {0} / no database {0}",
                    db.display()
                ));
            }
            let conn = open(&db)?;
            let cat = Catalog::new(&conn).map_err(|e| e.to_string())?;
            let hits = cat
                .search(&SearchRequest {
                    q: query,
                    level,
                    limit: limit.max(1),
                    own_levels,
                    ..Default::default()
                })
                .map_err(|e| e.to_string())?;
            if json {
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&hits).expect("hits serialize")
                );
            } else {
                for h in &hits {
                    let _ = writeln!(
                        out,
                        "{:>8.3}  {:<9} {}  [{}; {}]",
                        h.score,
                        h.code,
                        h.name,
                        h.field,
                        h.levels.join(",")
                    );
                }
                if hits.is_empty() {
                    let _ = writeln!(out, "(không có kết quả / no results)");
                }
            }
            Ok(())
        }
        CatalogCmd::Export {
            out: path,
            db,
            levels,
        } => {
            check_levels(&levels)?;
            let conn = open(&db)?;
            let cat = Catalog::new(&conn).map_err(|e| e.to_string())?;
            let file = std::fs::File::create(&path).map_err(|e| {
                format!("không ghi được {0} / cannot write {0}: {e}", path.display())
            })?;
            let mut w = std::io::BufWriter::new(file);
            let n = if path.extension().is_some_and(|e| e == "gz") {
                cat.export_gz(&levels, &mut w)
            } else {
                cat.export(&levels, &mut w)
            }
            .map_err(|e| e.to_string())?;
            w.flush().map_err(|e| {
                format!("không ghi được {0} / cannot write {0}: {e}", path.display())
            })?;
            let _ = writeln!(out, "wrote {n} procedures to {}", path.display());
            Ok(())
        }
    }
}
