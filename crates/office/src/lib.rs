//! Office server of Một Cửa Kiosk: the queue API the kiosks and citizens' phones talk to, and
//! its storage.
//!
//! The kiosk can embed it:
//!
//! ```no_run
//! # async fn demo() -> Result<(), motcua_office::OfficeError> {
//! let cfg = motcua_office::ServerConfig {
//!     listen: "127.0.0.1:0".into(),
//!     db_path: "office.db".into(),
//!     ..Default::default()
//! };
//! let server = motcua_office::start(cfg).await?;
//! println!("listening on http://{}", server.addr);
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! One module per domain, each with its service, storage and routes: [`queue`] (tickets,
//! counters, board, events, voice), [`catalog`] (procedures), [`dossier`] (online filing,
//! receipts), [`identity`] (citizen sign-in), [`pages`] (the counter page and the board),
//! [`devices`] (printer and sound status of kiosks and boards, for the staff).
//! [`app`] merges their routers and applies the shared [`edge`] (errors, limits, headers) once.
//! docs/ARCHITECTURE.md draws the whole; docs/QUEUE.md describes the queue API.

#![warn(missing_docs)]

pub mod access;
pub mod app;
pub mod catalog;
pub mod conn;
pub mod db;
pub mod devices;
pub mod dossier;
pub mod edge;
#[cfg(feature = "embedded")]
pub mod embedded;
pub mod identity;
pub mod openapi;
pub mod pages;
pub mod queue;
pub mod tls;

pub use identity::{AuthConfig, AuthService};
pub use motcua_core::PriorityStrategy;
pub use pages::{UiProvider, UiSource};
pub use queue::store::{SqliteStore, Store, StoreError, StoreOptions};
pub use queue::{AppOptions, AppState, OfficeInfo};
pub use tls::TlsFiles;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Settings of the office server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on, e.g. `127.0.0.1:8080`; port 0 picks a free port.
    pub listen: String,
    /// SQLite database file (created if missing).
    pub db_path: PathBuf,
    /// Office name shown on tickets and the status page.
    pub office_name: String,
    /// Base of ticket `status_url`s (what citizens' phones can reach, e.g.
    /// `http://192.168.1.10:8080`); default `http://<bound address>`.
    pub public_base_url: Option<String>,
    /// Digits of the daily sequence in ticket numbers (3 → `A001`).
    pub number_width: usize,
    /// Seed the demo commune services and counters if the database has none.
    pub seed_demo: bool,
    /// How counters mix priority tickets with ordinary ones (`motcua serve --priority`);
    /// default `strict` (see docs/DECISIONS.md, "Queue").
    pub priority: PriorityStrategy,
    /// Where the counter and board pages come from: the bundled build (feature `bundled-ui`,
    /// the default there), a folder (`--ui-dir`), or the host's copy (the kiosk's).
    pub ui: UiSource,
    /// Program that speaks the announcements (`--espeak`); default `espeak-ng` on `PATH`.
    pub espeak: PathBuf,
    /// Procedure catalog settings (own levels, field → service map).
    pub catalog: catalog::CatalogConfig,
    /// Citizen sign-in with an OpenID provider (`--auth-config`, `--auth-issuer`…); `None`:
    /// the sandbox provider when `demo_sign_in` is on, otherwise sign-in answers 503.
    pub auth: Option<AuthConfig>,
    /// Mount the built-in sandbox provider ("DEMO – không phải VNeID thật") at `/demo-idp/`
    /// for the embedded demo (`--demo-sign-in`). Off by default; on loopback only ([`start`]
    /// refuses another listen address).
    pub demo_sign_in: bool,
    /// Online filing settings (agency code, bank account, receipt key, holidays).
    pub filing: dossier::FilingConfig,
    /// Serve HTTPS with this certificate and key (`--tls-cert`, `--tls-key`); `None`: plain
    /// HTTP. Under TLS the staff session cookie is marked `Secure`.
    pub tls: Option<TlsFiles>,
    /// Staff sign-in settings (idle time, per-client limits); `secure_cookie` follows `tls`.
    pub access: access::AccessConfig,
    /// Start even when the database (its WAL, its shared memory), the TLS key or the receipt
    /// signing key may be read by other users (`--allow-loose-permissions`); by default the
    /// server refuses and says which file and the `chmod` that fixes it.
    pub allow_loose_permissions: bool,
    /// Connection limits: header-read and body timeouts, caps in all and per client
    /// (`--max-connections`, `--max-connections-per-client`).
    pub connections: conn::ConnLimits,
    /// Event streams open at once, in all and per client (`--max-streams`,
    /// `--max-streams-per-client`).
    pub streams: queue::events::StreamLimits,
    /// Origins (`scheme://host[:port]`) whose pages may change state here besides the server's
    /// own (the origin a request is addressed to, and `public_base_url`'s) (`--allowed-origin`):
    /// a page of another origin sending a POST is refused 403 (docs/SECURITY.md).
    pub allowed_origins: Vec<String>,
    /// Host names the server answers to besides IP literals, `localhost`, the host of
    /// `public_base_url` and of `allowed_origins` (`--allowed-host`); any other name is
    /// refused 421 (DNS rebinding, docs/SECURITY.md).
    pub allowed_hosts: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            db_path: PathBuf::from("motcua-office.db"),
            office_name: "Bộ phận Một cửa".into(),
            public_base_url: None,
            number_width: 3,
            seed_demo: true,
            priority: PriorityStrategy::default(),
            ui: UiSource::default(),
            espeak: PathBuf::from("espeak-ng"),
            catalog: catalog::CatalogConfig::default(),
            auth: None,
            demo_sign_in: false,
            filing: dossier::FilingConfig::default(),
            tls: None,
            access: access::AccessConfig::default(),
            allow_loose_permissions: false,
            connections: conn::ConnLimits::default(),
            streams: queue::events::StreamLimits::default(),
            allowed_origins: Vec::new(),
            allowed_hosts: Vec::new(),
        }
    }
}

/// The files holding secrets or personal data that other users may read, if any: the first as
/// the message that says what to do.
fn loose_files(cfg: &ServerConfig) -> Result<(), SetupError> {
    if cfg.allow_loose_permissions {
        return Ok(());
    }
    let db = cfg.db_path.display().to_string();
    let mut files: Vec<(&str, PathBuf)> = vec![
        ("database", cfg.db_path.clone()),
        ("database's WAL", PathBuf::from(format!("{db}-wal"))),
        (
            "database's shared memory",
            PathBuf::from(format!("{db}-shm")),
        ),
    ];
    if let Some(t) = &cfg.tls {
        files.push(("TLS key", t.key.clone()));
    }
    if let Some(k) = &cfg.filing.signing_key_file {
        files.push(("receipt signing key", k.clone()));
    }
    for (what, f) in files {
        if let Some(mode) = db::loose_mode(&f) {
            return Err(SetupError(format!(
                "the {what} {} may be read by other users (mode {mode:o}); it holds secrets or \
                 personal data: `chmod 600 {}`, or start with --allow-loose-permissions",
                f.display(),
                f.display()
            )));
        }
    }
    Ok(())
}

/// A setting the office cannot start with; the message says what to fix (it is for the
/// operator who set it up, in English like the rest of the command line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SetupError(pub String);

impl From<String> for SetupError {
    fn from(s: String) -> Self {
        SetupError(s)
    }
}

impl From<&str> for SetupError {
    fn from(s: &str) -> Self {
        SetupError(s.to_string())
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The database could not be opened, migrated or seeded.
    #[error("cannot open database {path}: {source}")]
    Store {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: StoreError,
    },
    /// The office database could not be opened or migrated.
    #[error("cannot open database {path}: {source}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: db::DbError,
    },
    /// A configuration value is unusable.
    #[error("invalid configuration: {0}")]
    Config(#[from] SetupError),
    /// Other I/O failure.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A running server. Dropping it leaves the server running until the runtime stops; call
/// [`ServerHandle::shutdown`] to stop it cleanly.
pub struct ServerHandle {
    /// The bound address (the real port when `listen` asked for port 0).
    pub addr: SocketAddr,
    /// The office database.
    pub db_path: PathBuf,
    base_url: String,
    tls: bool,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    store: Arc<dyn Store>,
    state: AppState,
}

impl ServerHandle {
    /// `http://<addr>`, or `https://<addr>` under TLS.
    pub fn url(&self) -> String {
        format!("{}://{}", scheme(self.tls), self.addr)
    }

    /// Whether the server speaks HTTPS (`ServerConfig::tls` was set).
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// The base of ticket status URLs.
    pub fn public_base_url(&self) -> &str {
        &self.base_url
    }

    /// Stops accepting connections, ends the event streams, lets in-flight requests finish,
    /// then stops the store's writer after its queued writes are committed.
    pub async fn shutdown(self) {
        self.state.close_streams();
        let _ = self.stop.send(());
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "server stopped with an error"),
            Err(e) => tracing::error!(error = %e, "server task failed"),
        }
        let store = self.store;
        let _ = tokio::task::spawn_blocking(move || store.close()).await;
        tracing::info!("office server stopped");
    }
}

/// Opens and migrates the database, binds `cfg.listen` and serves the office API on the
/// current tokio runtime.
pub async fn start(cfg: ServerConfig) -> Result<ServerHandle, OfficeError> {
    if cfg.number_width == 0 || cfg.number_width > 9 {
        return Err(OfficeError::Config(
            format!("number_width must be 1..=9, got {}", cfg.number_width).into(),
        ));
    }
    // The DEMO sign-in provider on loopback only (issue 13), before anything is opened.
    identity::check_demo_listen(&cfg).await?;
    // Files others may read stop the start before anything is opened or created.
    loose_files(&cfg)?;
    // The certificate and key first: a wrong file stops the start before anything is opened.
    let tls = cfg.tls.as_ref().map(tls::server_config).transpose()?;
    let opts = StoreOptions {
        number_width: cfg.number_width,
        seed_demo: cfg.seed_demo,
        priority: cfg.priority,
        ..StoreOptions::default()
    };
    // One migration list for every domain's tables, before any domain opens its connections.
    let path = cfg.db_path.clone();
    tokio::task::spawn_blocking(move || db::prepare(&path))
        .await
        .map_err(|e| OfficeError::Io(std::io::Error::other(e)))?
        .map_err(|source| OfficeError::Database {
            path: cfg.db_path.clone(),
            source,
        })?;
    let path = cfg.db_path.clone();
    let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path, opts))
        .await
        .map_err(|e| OfficeError::Io(std::io::Error::other(e)))?
        .map_err(|source| OfficeError::Store {
            path: cfg.db_path.clone(),
            source,
        })?;
    let store: Arc<dyn Store> = Arc::new(store);
    let (db, ccfg, seed) = (cfg.db_path.clone(), cfg.catalog.clone(), cfg.seed_demo);
    let catalog = tokio::task::spawn_blocking(move || catalog::CatalogState::open(&db, ccfg, seed))
        .await
        .map_err(|e| OfficeError::Io(std::io::Error::other(e)))?
        .map_err(|e| OfficeError::Database {
            path: cfg.db_path.clone(),
            source: e.into(),
        })?;

    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .map_err(|source| OfficeError::Bind {
            addr: cfg.listen.clone(),
            source,
        })?;
    let addr = listener.local_addr()?;
    let base_url = cfg
        .public_base_url
        .clone()
        .unwrap_or_else(|| format!("{}://{addr}", scheme(tls.is_some())));
    let filing = {
        let (db, name, base, fc) = (
            cfg.db_path.clone(),
            cfg.office_name.clone(),
            base_url.clone(),
            cfg.filing.clone(),
        );
        let catalog_for_filing = catalog.clone();
        tokio::task::spawn_blocking(move || {
            dossier::Filing::open(
                dossier::FilingStart {
                    db_path: &db,
                    office_name: &name,
                    public_base_url: &base,
                },
                fc,
                Arc::new(dossier::CatalogProcedures(catalog_for_filing)),
            )
        })
        .await
        .map_err(|e| OfficeError::Io(std::io::Error::other(e)))?
        .map_err(OfficeError::Config)?
    };
    let state = AppState::with_options(
        store.clone(),
        OfficeInfo {
            office_name: cfg.office_name.clone(),
            public_base_url: base_url,
        },
        AppOptions {
            espeak: cfg.espeak.clone(),
            streams: cfg.streams,
        },
    );
    let base_url = state.office().public_base_url.clone();
    let browsers = edge::BrowserPolicy::new(
        tls.is_some(),
        &base_url,
        &cfg.allowed_origins,
        &cfg.allowed_hosts,
    )
    .map_err(SetupError)?;
    let sign_in = identity::mount(&cfg, addr, &base_url)?;
    // Online filing binds each dossier to the citizen's sign-in session.
    let filing = filing.with_sign_in(sign_in.service.clone());
    let access = {
        let (db, mut ac) = (cfg.db_path.clone(), cfg.access.clone());
        ac.secure_cookie = tls.is_some();
        tokio::task::spawn_blocking(move || access::Access::open(&db, ac))
            .await
            .map_err(|e| OfficeError::Io(std::io::Error::other(e)))?
            .map_err(|e| OfficeError::Database {
                path: cfg.db_path.clone(),
                source: e.into(),
            })?
    };
    let app = app::assemble(app::Domains {
        access: access::http::router(access.clone()),
        guard: access,
        queue: queue::http::router(state.clone()),
        catalog: catalog::router(catalog),
        // The back office and paper reception work also where online filing is off.
        dossiers: dossier::http::router(Some(Arc::new(filing))),
        identity: sign_in.api,
        pages: pages::router(cfg.ui.clone()),
        devices: devices::http::router(devices::Devices::new(state.notes().clone())),
        outside: sign_in.outside,
        browsers,
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let limits = cfg.connections.clone();
    let task = match tls.clone() {
        Some(config) => {
            let listener = tls::TlsListener::new(listener, config)?;
            tokio::spawn(conn::serve(listener, app, limits, stopped))
        }
        None => tokio::spawn(conn::serve(listener, app, limits, stopped)),
    };
    tracing::info!(%addr, tls = tls.is_some(), db = %cfg.db_path.display(), priority = %cfg.priority, "office server started");
    Ok(ServerHandle {
        addr,
        db_path: cfg.db_path.clone(),
        base_url,
        tls: tls.is_some(),
        stop,
        task,
        store,
        state,
    })
}

fn scheme(tls: bool) -> &'static str {
    if tls {
        "https"
    } else {
        "http"
    }
}
