//! `motcua`: run the office server, render tickets.

mod access;
mod catalog;
mod filing;
mod limits;

use clap::{Parser, Subcommand};
use motcua_office::{PriorityStrategy, ServerConfig};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "motcua", version, about = "Một Cửa office server and tools")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the office queue server until SIGINT or SIGTERM.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// SQLite database file (created if missing).
        #[arg(long, default_value = "motcua-office.db")]
        db: PathBuf,
        /// Office name printed on tickets.
        #[arg(long, default_value = "Bộ phận Một cửa")]
        office_name: String,
        /// Base URL citizens' phones use to reach this server (ticket QR codes).
        /// Default: http://<bound address>.
        #[arg(long)]
        public_url: Option<String>,
        /// Digits of the daily sequence in numbers (3 → A001).
        #[arg(long, default_value_t = 3)]
        number_width: usize,
        /// Do not seed the demo services into an empty database.
        #[arg(long)]
        no_seed: bool,
        /// How counters serve priority tickets: `strict` (all before ordinary ones) or
        /// `every:N` (one after N ordinary tickets in a row).
        #[arg(long, default_value = "strict", value_parser = parse_priority)]
        priority: PriorityStrategy,
        /// Serve the counter and board pages from this Vite build of ui/ instead of the one
        /// built into the binary.
        #[arg(long)]
        ui_dir: Option<PathBuf>,
        /// Program that speaks the announcements.
        #[arg(long, default_value = "espeak-ng")]
        espeak: PathBuf,
        /// Serve HTTPS with this certificate (PEM: the server's certificate, then any
        /// intermediates). Needs --tls-key.
        #[arg(long, requires = "tls_key", value_name = "FILE")]
        tls_cert: Option<PathBuf>,
        /// The private key of --tls-cert (PEM).
        #[arg(long, requires = "tls_cert", value_name = "FILE")]
        tls_key: Option<PathBuf>,
        /// A staff session unused this many minutes ends.
        #[arg(long, default_value_t = 30)]
        staff_idle_minutes: u64,
        /// Lookups of one ticket or dossier (and their status pages) allowed per client
        /// address and minute; more answer 429 `rate_limited`.
        #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..))]
        lookups_per_minute: u32,
        /// Staff sign-ins (browser or kiosk) and enrollments allowed per client address and
        /// minute.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
        sign_ins_per_minute: u32,
        /// Start even if the database, the TLS key or the receipt key may be read by other
        /// users (by default the server refuses and says which file).
        #[arg(long)]
        allow_loose_permissions: bool,
        /// An origin (scheme://host[:port]) whose pages may change state here, besides the
        /// server's own (a reverse proxy's public address, say). Repeatable. A POST from a page
        /// of any other origin answers 403 `origin_not_allowed`.
        #[arg(long, value_name = "URL")]
        allowed_origin: Vec<String>,
        /// A host name this server answers to, besides IP addresses, localhost and the host of
        /// --public-url (and of --allowed-origin). Repeatable. Any other name in the Host
        /// header answers 421 `host_not_allowed` (against DNS rebinding).
        #[arg(long, value_name = "NAME")]
        allowed_host: Vec<String>,
        #[command(flatten)]
        auth: Box<AuthArgs>,
        #[command(flatten)]
        filing: Box<filing::FilingArgs>,
        #[command(flatten)]
        catalog: Box<catalog::ServeArgs>,
        #[command(flatten)]
        limits: Box<limits::LimitArgs>,
    },
    /// Staff accounts (the password on standard input).
    Staff {
        #[command(subcommand)]
        cmd: access::StaffCmd,
    },
    /// Kiosks, counter devices and boards: tokens, revocation, enrollment codes.
    Device {
        #[command(subcommand)]
        cmd: access::DeviceCmd,
    },
    /// The audit trail: verify the chain, export it.
    Audit {
        #[command(subcommand)]
        cmd: access::AuditCmd,
    },
    /// Import, search and export the procedure catalog.
    Catalog {
        #[command(subcommand)]
        cmd: catalog::CatalogCmd,
    },
    /// VietQR payment payloads.
    Vietqr {
        #[command(subcommand)]
        cmd: filing::VietqrCmd,
    },
    /// Decode what a barcode scanner read (CCCD, VietQR, receipt tracking link).
    Scan {
        #[command(subcommand)]
        cmd: filing::ScanCmd,
    },
    /// Render printable documents to a file.
    Render {
        #[command(subcommand)]
        what: RenderWhat,
    },
}

#[derive(Subcommand)]
enum RenderWhat {
    /// Render a dossier receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả).
    Receipt {
        /// JSON file holding a dossier as `GET /api/v1/dossiers/{code}?k=…` returns it.
        #[arg(long, required_unless_present = "sample", conflicts_with = "sample")]
        json: Option<PathBuf>,
        /// Render the built-in sample dossier (with a fee due) instead.
        #[arg(long)]
        sample: bool,
        /// Output format: pdf (A4), pdf-a5, png (A4 preview), png80 (thermal preview), escpos (80
        /// mm) or escpos58.
        #[arg(long)]
        format: String,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Render a queue ticket.
    Ticket {
        /// JSON file holding a ticket as `POST /api/v1/tickets` returns it
        /// (`office_name` may be added).
        #[arg(long, required_unless_present = "sample", conflicts_with = "sample")]
        json: Option<PathBuf>,
        /// Render the built-in sample ticket instead.
        #[arg(long)]
        sample: bool,
        /// Output format: pdf, escpos (80 mm), escpos58, escpos80 or png.
        #[arg(long)]
        format: String,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            listen,
            db,
            office_name,
            public_url,
            number_width,
            no_seed,
            priority,
            ui_dir,
            espeak,
            tls_cert,
            tls_key,
            staff_idle_minutes,
            lookups_per_minute,
            sign_ins_per_minute,
            allow_loose_permissions,
            allowed_origin,
            allowed_host,
            auth,
            filing,
            catalog,
            limits,
        } => serve({
            let mut cfg = ServerConfig {
                auth: match auth.config() {
                    Ok(a) => a,
                    Err(e) => {
                        eprintln!("motcua: {e}");
                        return ExitCode::FAILURE;
                    }
                },
                demo_sign_in: auth.demo_sign_in,
                listen,
                db_path: db,
                office_name,
                public_base_url: public_url,
                number_width,
                seed_demo: !no_seed,
                priority,
                ui: ui_dir.map(motcua_office::UiSource::Dir).unwrap_or_default(),
                espeak,
                filing: match filing.config() {
                    Ok(f) => f,
                    Err(e) => {
                        eprintln!("motcua: {e}");
                        return ExitCode::FAILURE;
                    }
                },
                catalog: catalog.config(),
                tls: tls_cert
                    .zip(tls_key)
                    .map(|(cert, key)| motcua_office::TlsFiles { cert, key }),
                access: motcua_office::access::AccessConfig {
                    idle: std::time::Duration::from_secs(staff_idle_minutes.clamp(1, 24 * 60) * 60),
                    lookups_per_minute,
                    sign_ins_per_minute,
                    ..Default::default()
                },
                allow_loose_permissions,
                allowed_origins: allowed_origin,
                allowed_hosts: allowed_host,
                ..Default::default()
            };
            limits.apply(&mut cfg);
            cfg
        }),
        Command::Staff { cmd } => access::staff(cmd),
        Command::Device { cmd } => access::device(cmd),
        Command::Audit { cmd } => access::audit(cmd),
        Command::Catalog { cmd } => catalog::run(cmd),
        Command::Vietqr { cmd } => filing::vietqr(cmd),
        Command::Scan { cmd } => filing::scan(cmd),
        Command::Render {
            what:
                RenderWhat::Receipt {
                    json,
                    sample,
                    format,
                    out,
                },
        } => filing::render_receipt(json.as_deref(), sample, &format, &out),
        Command::Render {
            what:
                RenderWhat::Ticket {
                    json,
                    sample,
                    format,
                    out,
                },
        } => match render_ticket(json.as_deref(), sample, &format, &out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("motcua: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Citizen sign-in options of `motcua serve` (an OpenID provider with the device flow).
#[derive(clap::Args)]
struct AuthArgs {
    /// TOML file with the sign-in settings (issuer, client_id, client_secret, scopes,
    /// [claims]); see crates/office/README.md. The flags below override it.
    #[arg(long, value_name = "FILE")]
    auth_config: Option<PathBuf>,
    /// The OpenID provider's issuer URL (https).
    #[arg(long, value_name = "URL")]
    auth_issuer: Option<String>,
    /// The office's client id at the provider.
    #[arg(long, value_name = "ID")]
    auth_client_id: Option<String>,
    /// Scopes to ask for, separated by spaces (default "openid profile address phone").
    #[arg(long, value_name = "SCOPES")]
    auth_scopes: Option<String>,
    /// Mount the built-in sandbox provider ("DEMO – không phải VNeID thật") and sign in with
    /// it when no provider is configured. For demonstrations only.
    #[arg(long)]
    demo_sign_in: bool,
}

impl AuthArgs {
    /// The sign-in settings; the client secret comes from the file or from the
    /// MOTCUA_AUTH_CLIENT_SECRET environment variable (never from the command line).
    fn config(&self) -> Result<Option<motcua_office::AuthConfig>, String> {
        let mut cfg = match &self.auth_config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                Some(
                    motcua_office::AuthConfig::from_toml(&text)
                        .map_err(|e| format!("{}: {e}", path.display()))?,
                )
            }
            None => None,
        };
        if let Some(issuer) = &self.auth_issuer {
            let client = self
                .auth_client_id
                .clone()
                .or_else(|| cfg.as_ref().map(|c| c.client_id.clone()))
                .ok_or("--auth-issuer needs --auth-client-id")?;
            let mut c = cfg.unwrap_or_else(|| motcua_office::AuthConfig::new(issuer, &client));
            c.issuer = issuer.clone();
            c.client_id = client;
            cfg = Some(c);
        } else if let (Some(c), Some(id)) = (cfg.as_mut(), &self.auth_client_id) {
            c.client_id = id.clone();
        } else if self.auth_client_id.is_some() {
            return Err("--auth-client-id needs --auth-issuer or --auth-config".into());
        }
        if let Some(c) = cfg.as_mut() {
            if let Some(s) = &self.auth_scopes {
                c.scopes = s.split_whitespace().map(str::to_owned).collect();
            }
            if let Ok(secret) = std::env::var("MOTCUA_AUTH_CLIENT_SECRET") {
                c.client_secret = Some(secret);
            }
            c.validate().map_err(|e| e.to_string())?;
        }
        Ok(cfg)
    }
}

fn parse_priority(s: &str) -> Result<PriorityStrategy, String> {
    s.parse()
}

fn render_ticket(
    json: Option<&std::path::Path>,
    sample: bool,
    format: &str,
    out: &std::path::Path,
) -> Result<(), String> {
    let format: motcua_print::Format = format.parse().map_err(|e| format!("{e}"))?;
    let ticket: motcua_core::Ticket = match (json, sample) {
        (_, true) => motcua_print::sample_ticket(),
        (Some(path), false) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            serde_json::from_str(&text).map_err(|e| {
                format!(
                    "{} is not a ticket as the API returns it: {e}",
                    path.display()
                )
            })?
        }
        (None, false) => return Err("give --json FILE or --sample".into()),
    };
    let bytes = motcua_print::render_ticket(&ticket, format).map_err(|e| e.to_string())?;
    std::fs::write(out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("wrote {} ({format}, {} bytes)", out.display(), bytes.len());
    Ok(())
}

fn serve(cfg: ServerConfig) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("motcua: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let server = match motcua_office::start(cfg).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("motcua: {e}");
                return ExitCode::FAILURE;
            }
        };
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "listening on {}", server.url());
            let _ = out.flush();
        }
        wait_for_signal().await;
        tracing::info!("shutting down");
        server.shutdown().await;
        ExitCode::SUCCESS
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
