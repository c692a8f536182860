//! HTTPS for the office server (`motcua serve --tls-cert FILE --tls-key FILE`): rustls with
//! ring, and a listener for `axum::serve` whose connections arrive with their TLS handshake
//! done.
//!
//! Each handshake runs in its own task with a time limit ([`HANDSHAKE_TIMEOUT`]), so a client
//! that connects and then sends nothing, or too slowly, does not hold up the others. At most
//! [`MAX_HANDSHAKES`] are in progress: a new connection over that ends the oldest handshake
//! still in progress (a flood of silent connections costs its sender its own oldest ones, and
//! a kiosk's handshake is never queued behind them). A failed handshake (plain HTTP sent to
//! the TLS port, a client that does not trust the certificate) only drops that connection; the
//! log says so at debug level, without the client's address.

use crate::SetupError;
use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::{self, PemObject};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// The certificate and private key the server presents (`--tls-cert`, `--tls-key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM file: the server's certificate first, then any intermediate certificates.
    pub cert: PathBuf,
    /// PEM file: the certificate's private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
    pub key: PathBuf,
}

/// How long a client has to complete the TLS handshake after connecting.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshakes in progress at once; a new connection over it ends the oldest one.
pub const MAX_HANDSHAKES: usize = 256;

/// Connections with their handshake done, waiting for the server to take them.
const READY_QUEUE: usize = 64;

/// Reads the certificate chain and key of `files` into a rustls server configuration (ring,
/// TLS 1.2 and 1.3, HTTP/1.1). Each failure names the file and says what is wrong with it.
pub fn server_config(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, SetupError> {
    let cert_pem = read(&files.cert, "certificate")?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            format!(
                "TLS certificate file {} is not readable PEM: {e}",
                files.cert.display()
            )
        })?;
    if chain.is_empty() {
        return Err(format!(
            "TLS certificate file {} holds no certificate (a PEM \"BEGIN CERTIFICATE\" block)",
            files.cert.display()
        )
        .into());
    }
    let key_pem = read(&files.key, "key")?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| match e {
        pem::Error::NoItemsFound => format!(
            "TLS key file {} holds no private key (a PEM \"BEGIN PRIVATE KEY\" block)",
            files.key.display()
        ),
        e => format!(
            "TLS key file {} is not readable PEM: {e}",
            files.key.display()
        ),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            format!(
                "TLS key file {} does not fit the certificate {}: {e}",
                files.key.display(),
                files.cert.display()
            )
        })?;
    // axum serves HTTP/1.1 here (no http2 feature): say so, so clients do not try h2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, SetupError> {
    std::fs::read(path).map_err(|e| {
        SetupError(format!(
            "cannot read TLS {what} file {}: {e}",
            path.display()
        ))
    })
}

/// A TCP listener whose [`accept`](axum::serve::Listener::accept) yields TLS streams with
/// their handshake completed. Dropping it stops accepting and frees the port.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    acceptor: JoinHandle<()>,
}

impl TlsListener {
    /// Accepts on `tcp` and does each handshake with `config` in its own task.
    pub fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> io::Result<Self> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(READY_QUEUE);
        let acceptor = tokio::spawn(accept_loop(tcp, TlsAcceptor::from(config), tx));
        Ok(TlsListener {
            ready,
            local,
            acceptor,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

async fn accept_loop(
    mut tcp: TcpListener,
    tls: TlsAcceptor,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    // The handshakes in progress, oldest first.
    let pending: Arc<Mutex<VecDeque<(u64, tokio::task::AbortHandle)>>> = Arc::default();
    let mut next = 0u64;
    loop {
        // axum's own accept: it waits out and logs errors such as too many open files.
        let (stream, addr) = tokio::select! {
            c = axum::serve::Listener::accept(&mut tcp) => c,
            _ = ready.closed() => return,
        };
        next += 1;
        let id = next;
        let (tls, ready, mine) = (tls.clone(), ready.clone(), pending.clone());
        // Held while the task is spawned and listed: it cannot finish (and unlist itself)
        // before it is listed.
        let mut p = pending.lock().unwrap_or_else(|e| e.into_inner());
        let task = tokio::spawn(async move {
            let done = tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await;
            mine.lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|(i, _)| *i != id);
            match done {
                Ok(Ok(stream)) => {
                    let _ = ready.send((stream, addr)).await;
                }
                Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        });
        p.push_back((id, task.abort_handle()));
        while p.len() > MAX_HANDSHAKES {
            if let Some((_, oldest)) = p.pop_front() {
                oldest.abort();
            }
        }
        drop(p);
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The accepting task is gone (it only ends when this listener is dropped).
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}
