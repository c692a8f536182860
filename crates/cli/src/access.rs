//! `motcua staff …`, `motcua device …`, `motcua audit …`: accounts, devices and the audit
//! trail, written straight into the office database (also while the server runs: SQLite
//! serialises the writers, and the server reads accounts and tokens at each request).

use clap::{Subcommand, ValueEnum};
use motcua_core::devices::DeviceKind;
use motcua_core::staff::{NewStaff, Role};
use motcua_office::access;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Counter,
    Manager,
    Admin,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Kiosk,
    Counter,
    Board,
}

impl From<KindArg> for DeviceKind {
    fn from(k: KindArg) -> DeviceKind {
        match k {
            KindArg::Kiosk => DeviceKind::Kiosk,
            KindArg::Counter => DeviceKind::Counter,
            KindArg::Board => DeviceKind::Board,
        }
    }
}

#[derive(Subcommand)]
pub enum StaffCmd {
    /// Add a staff account; the password is read as one line on standard input.
    Add {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        username: String,
        /// Full name, e.g. "Nguyễn Thị Lan".
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A counter the account may serve (repeat; none: any counter).
        #[arg(long = "counter", value_name = "ID")]
        counters: Vec<String>,
        /// A service the account may serve (repeat; none: any).
        #[arg(long = "service", value_name = "ID")]
        services: Vec<String>,
    },
    /// Disable an account (its sessions end at once).
    Disable {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        username: String,
    },
    /// Enable an account again.
    Enable {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
pub enum DeviceCmd {
    /// Add a device; prints its token (one line, shown once).
    Add {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long)]
        name: String,
        /// The counter a counter device acts for.
        #[arg(long, value_name = "ID")]
        counter: Option<String>,
    },
    /// Revoke a device: its token stops working at once.
    Revoke {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        name: String,
    },
    /// Make a one-time enrollment code (valid 15 minutes) to type on a kiosk's staff screen.
    EnrollCode {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, value_enum)]
        kind: KindArg,
    },
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Check the audit chain: exits non-zero and names the first bad entry.
    Verify {
        #[arg(long)]
        db: PathBuf,
    },
    /// Write the audit trail as CSV to standard output.
    Export {
        #[arg(long)]
        db: PathBuf,
    },
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("motcua: {e}");
    ExitCode::FAILURE
}

fn read_password() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password on standard input: {e}"))?;
    let p = line.trim_end_matches(['\n', '\r']).to_owned();
    if p.is_empty() {
        return Err("give the password as one line on standard input".into());
    }
    Ok(p)
}

pub fn staff(cmd: StaffCmd) -> ExitCode {
    match cmd {
        StaffCmd::Add {
            db,
            username,
            name,
            role,
            counters,
            services,
        } => {
            let password = match read_password() {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            let role = match role {
                RoleArg::Counter => Role::Counter,
                RoleArg::Manager => Role::Manager,
                RoleArg::Admin => Role::Admin,
            };
            let new = NewStaff {
                username: username.trim().to_lowercase(),
                full_name: name,
                role,
                password,
                counters,
                services,
            };
            match access::add_staff(&db, &new) {
                Ok(s) => {
                    eprintln!(
                        "added {} ({}, {})",
                        s.username,
                        s.full_name,
                        s.role.as_str()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        StaffCmd::Disable { db, username } => {
            match access::set_staff_enabled(&db, &username, false) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        StaffCmd::Enable { db, username } => {
            match access::set_staff_enabled(&db, &username, true) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
    }
}

pub fn device(cmd: DeviceCmd) -> ExitCode {
    match cmd {
        DeviceCmd::Add {
            db,
            kind,
            name,
            counter,
        } => match access::add_device(&db, kind.into(), &name, counter.as_deref()) {
            Ok(token) => {
                println!("{token}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        DeviceCmd::Revoke { db, name } => match access::revoke_device(&db, &name) {
            Ok(d) => {
                eprintln!("revoked {} at {}", d.name, d.revoked_at.unwrap_or_default());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        DeviceCmd::EnrollCode { db, kind } => match access::enroll_code(&db, kind.into()) {
            Ok((code, expires)) => {
                println!("{code}");
                eprintln!("valid until {expires} (one use)");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}

pub fn audit(cmd: AuditCmd) -> ExitCode {
    match cmd {
        AuditCmd::Verify { db } => {
            if !db.exists() {
                return fail(format!("no database at {}", db.display()));
            }
            match access::verify_audit(&db) {
                Ok(Ok(n)) => {
                    println!("audit chain intact: {n} entries");
                    ExitCode::SUCCESS
                }
                Ok(Err(bad)) => {
                    println!("audit chain broken at entry {}: {}", bad.id, bad.reason);
                    ExitCode::from(2)
                }
                Err(e) => fail(e),
            }
        }
        AuditCmd::Export { db } => {
            let out = motcua_office::db::open_reader(&db)
                .map_err(|e| e.to_string())
                .and_then(|c| access::audit::csv(&c).map_err(|e| e.to_string()));
            match out {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}
