//! Connections on a hostile LAN: the office server's own accept loop over hyper, with what
//! `axum::serve` lacks.
//!
//! - **A header-read timeout** ([`ConnLimits::header_timeout`]): a client has that long to send
//!   a request's headers, from the moment the connection is idle (just accepted, or after its
//!   last answer). It is also the idle timeout of a kept-alive connection.
//! - **A body timeout** ([`ConnLimits::body_idle_timeout`]): a request body that stalls that
//!   long between two pieces is cut off (a slow upload cannot hold a connection for ever).
//! - **A connection cap**, in all ([`ConnLimits::max_connections`], by default from the
//!   process's open-file limit) and per client address ([`ConnLimits::max_per_client`]). A new
//!   connection over a cap takes the place of the oldest *idle* connection (no request in
//!   progress: half-open ones that never finished their headers, kept-alive ones between
//!   requests) of the client with the most connections; when none is idle the new one is
//!   closed at once. A flood of half-open connections thus costs its sender its own oldest
//!   connections, not a kiosk its ticket, and the server never runs out of file descriptors.
//! - Each request learns the client's address ([`ClientAddr`], for per-client limits) and the
//!   address it was accepted on ([`LocalAddr`], the server's own origin).
//!
//! Shutdown: stop accepting, ask every connection to finish (idle ones close at once), wait
//! for in-flight requests at most [`SHUTDOWN_GRACE`].

use crate::access::guard::ClientAddr;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tower::ServiceExt;

/// The address a connection was accepted on (the server's own address as this client reaches
/// it): a request extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalAddr(pub SocketAddr);

/// How long in-flight requests may run on after a shutdown begins.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Largest request head (request line and headers) a client may send.
pub const MAX_HEAD: usize = 64 * 1024;

/// File descriptors kept for everything that is not a client connection (the database and
/// its WAL for each connection pool, the TLS files, espeak's pipes, the log).
pub const RESERVED_FDS: usize = 256;

/// The connection limits (`motcua serve --max-connections`, `--max-connections-per-client`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnLimits {
    /// Connections open at once; `None`: the open-file limit less [`RESERVED_FDS`] (768 under
    /// `ulimit -n 1024`), at least 64.
    pub max_connections: Option<usize>,
    /// Connections open at once from one client address.
    pub max_per_client: usize,
    /// Time to send a request's headers, counted from when the connection is idle.
    pub header_timeout: Duration,
    /// Longest pause between two pieces of a request body.
    pub body_idle_timeout: Duration,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            max_connections: None,
            max_per_client: 256,
            header_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(15),
        }
    }
}

impl ConnLimits {
    /// The connection cap in force: the setting, or what the open-file limit leaves.
    pub fn cap(&self) -> usize {
        self.max_connections.unwrap_or_else(|| {
            let files = open_file_limit().unwrap_or(1024);
            usize::try_from(files)
                .unwrap_or(usize::MAX)
                .saturating_sub(RESERVED_FDS)
                .clamp(64, 65_536)
        })
    }
}

/// Raises the soft open-file limit to the hard one (at most 65,536) and returns it (`None`
/// where the system has no such limit).
#[cfg(not(unix))]
pub fn open_file_limit() -> Option<u64> {
    None
}

/// Raises the soft open-file limit to the hard one (at most 65,536) and returns it.
#[cfg(unix)]
pub fn open_file_limit() -> Option<u64> {
    // SAFETY: getrlimit/setrlimit read and write the plain struct passed by pointer.
    unsafe {
        let mut l = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) != 0 {
            return None;
        }
        let want = l.rlim_max.min(65_536);
        if l.rlim_cur < want {
            let raised = libc::rlimit {
                rlim_cur: want,
                rlim_max: l.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                l.rlim_cur = want;
            }
        }
        // `rlim_t` is not u64 everywhere.
        #[allow(clippy::unnecessary_cast)]
        Some(l.rlim_cur as u64)
    }
}

/// One open connection's live state.
#[derive(Debug)]
struct Live {
    /// Requests in progress (their answer not yet fully sent).
    active: AtomicUsize,
    /// When it last became idle, in milliseconds since the tracker began.
    idle_since: AtomicU64,
}

struct Entry {
    ip: IpAddr,
    live: Arc<Live>,
    evict: Option<oneshot::Sender<()>>,
}

/// The open connections, to cap them and pick which idle one gives way.
pub(crate) struct Tracker {
    open: Mutex<HashMap<u64, Entry>>,
    next: AtomicU64,
    epoch: Instant,
    max: usize,
    per_client: usize,
}

/// What the tracker says about a new connection.
pub(crate) enum Admit {
    /// Serve it; it closes when `evicted` fires.
    Yes {
        id: u64,
        live: Arc<LiveHandle>,
        evicted: oneshot::Receiver<()>,
    },
    /// Every connection is busy: close this one.
    No,
}

/// A connection's state as its requests see it.
pub(crate) struct LiveHandle {
    live: Arc<Live>,
    tracker: Arc<Tracker>,
}

impl LiveHandle {
    fn begin(self: &Arc<Self>) -> RequestGuard {
        self.live.active.fetch_add(1, Ordering::AcqRel);
        RequestGuard(self.clone())
    }
}

/// Held while a request is in progress (until its answer's body is dropped).
pub(crate) struct RequestGuard(Arc<LiveHandle>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        let h = &self.0;
        h.live
            .idle_since
            .store(h.tracker.millis(), Ordering::Release);
        h.live.active.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Tracker {
    pub(crate) fn new(limits: &ConnLimits) -> Arc<Tracker> {
        Arc::new(Tracker {
            open: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            epoch: Instant::now(),
            max: limits.cap().max(1),
            per_client: limits.max_per_client.max(1),
        })
    }

    fn millis(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Open connections.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Admits a connection from `ip`, making room by closing an idle one if a cap is reached.
    pub(crate) fn admit(self: &Arc<Self>, ip: IpAddr) -> Admit {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let from_ip = open.values().filter(|e| e.ip == ip).count();
        if from_ip >= self.per_client && !evict_idle(&mut open, Some(ip)) {
            return Admit::No;
        }
        if open.len() >= self.max && !evict_idle(&mut open, None) {
            return Admit::No;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let live = Arc::new(Live {
            active: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.millis()),
        });
        let (tx, evicted) = oneshot::channel();
        open.insert(
            id,
            Entry {
                ip,
                live: live.clone(),
                evict: Some(tx),
            },
        );
        Admit::Yes {
            id,
            live: Arc::new(LiveHandle {
                live,
                tracker: self.clone(),
            }),
            evicted,
        }
    }

    /// Forgets a closed connection.
    pub(crate) fn remove(&self, id: u64) {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }
}

/// Closes the oldest idle connection of `ip`, or (`None`) of the client with the most
/// connections that has an idle one; whether one was closed.
fn evict_idle(open: &mut HashMap<u64, Entry>, ip: Option<IpAddr>) -> bool {
    let idle = |e: &Entry| e.live.active.load(Ordering::Acquire) == 0;
    let client = match ip {
        Some(ip) => ip,
        None => {
            let mut per_ip: HashMap<IpAddr, (usize, bool)> = HashMap::new();
            for e in open.values() {
                let c = per_ip.entry(e.ip).or_default();
                c.0 += 1;
                c.1 |= idle(e);
            }
            match per_ip
                .into_iter()
                .filter(|(_, (_, has_idle))| *has_idle)
                .max_by_key(|(_, (n, _))| *n)
            {
                Some((ip, _)) => ip,
                None => return false,
            }
        }
    };
    let victim = open
        .iter()
        .filter(|(_, e)| e.ip == client && idle(e))
        // The longest idle; of two idle since the same millisecond, the older connection.
        .min_by_key(|(id, e)| (e.live.idle_since.load(Ordering::Acquire), **id))
        .map(|(id, _)| *id);
    let Some(id) = victim else {
        return false;
    };
    if let Some(mut e) = open.remove(&id) {
        if let Some(tx) = e.evict.take() {
            let _ = tx.send(());
        }
    }
    true
}

/// A stream accepted by one of the office's listeners, which knows its own local address.
pub trait Accepted: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static {
    /// The address the connection was accepted on.
    fn local(&self) -> Option<SocketAddr>;
}

impl Accepted for tokio::net::TcpStream {
    fn local(&self) -> Option<SocketAddr> {
        self.local_addr().ok()
    }
}

impl Accepted for tokio_rustls::server::TlsStream<tokio::net::TcpStream> {
    fn local(&self) -> Option<SocketAddr> {
        self.get_ref().0.local_addr().ok()
    }
}

/// Serves `app` on `listener` under `limits` until `stopped` fires, then lets in-flight
/// requests finish (at most [`SHUTDOWN_GRACE`]).
pub async fn serve<L>(
    mut listener: L,
    app: axum::Router,
    limits: ConnLimits,
    stopped: oneshot::Receiver<()>,
) -> std::io::Result<()>
where
    L: axum::serve::Listener<Addr = SocketAddr>,
    L::Io: Accepted,
{
    let tracker = Tracker::new(&limits);
    tracing::info!(
        max_connections = tracker.max,
        max_per_client = tracker.per_client,
        header_timeout_s = limits.header_timeout.as_secs(),
        "accepting connections"
    );
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD)
        .keep_alive(true);
    let body_idle = limits.body_idle_timeout;
    tokio::pin!(stopped);
    loop {
        let (io, remote) = tokio::select! {
            c = listener.accept() => c,
            _ = &mut stopped => break,
        };
        let Admit::Yes { id, live, evicted } = tracker.admit(remote.ip()) else {
            // Every connection is busy with a request: this one is closed unanswered.
            drop(io);
            continue;
        };
        let local = io.local().unwrap_or(remote);
        let router = app.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let guard = live.begin();
            let router = router.clone();
            let (mut parts, body) = req.into_parts();
            parts.extensions.insert(ConnectInfo(ClientAddr(remote)));
            parts.extensions.insert(LocalAddr(local));
            let body = axum::body::Body::new(StallTimeout::new(body, body_idle));
            let req = axum::extract::Request::from_parts(parts, body);
            async move {
                let res = router.oneshot(req).await.unwrap_or_else(|e| match e {});
                // The request counts as in progress until its answer is sent (or dropped).
                Ok::<_, Infallible>(res.map(|b| {
                    axum::body::Body::new(b.map_frame(move |f| {
                        let _held = &guard;
                        f
                    }))
                }))
            }
        });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        let tracker = tracker.clone();
        tokio::spawn(async move {
            let _forget = Forget(tracker, id);
            tokio::select! {
                _ = conn => {}
                _ = evicted => {}
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in progress after the shutdown grace; closed");
    }
    Ok(())
}

/// Removes a connection from the tracker when its task ends, however it ends.
struct Forget(Arc<Tracker>, u64);

impl Drop for Forget {
    fn drop(&mut self) {
        self.0.remove(self.1);
    }
}

/// A request body that fails when it stalls longer than its timeout between two pieces.
///
/// The clock runs only while the body is being read and nothing arrives: a handler that waits
/// before reading (for an upload slot) does not use up the client's time.
struct StallTimeout {
    inner: Incoming,
    timeout: Duration,
    sleep: std::pin::Pin<Box<tokio::time::Sleep>>,
    armed: bool,
}

impl StallTimeout {
    fn new(inner: Incoming, timeout: Duration) -> Self {
        StallTimeout {
            inner,
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
            armed: false,
        }
    }
}

/// Why a request body was cut off.
#[derive(Debug, thiserror::Error)]
enum BodyError {
    #[error(transparent)]
    Hyper(#[from] hyper::Error),
    #[error("the request body stalled")]
    Stalled,
}

impl http_body::Body for StallTimeout {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BodyError>>> {
        use std::future::Future;
        use std::task::Poll;
        let this = &mut *self;
        match std::pin::Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(r) => {
                this.armed = false;
                Poll::Ready(r.map(|r| r.map_err(BodyError::from)))
            }
            Poll::Pending => {
                if !this.armed {
                    this.armed = true;
                    let deadline = tokio::time::Instant::now() + this.timeout;
                    this.sleep.as_mut().reset(deadline);
                }
                match this.sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(BodyError::Stalled))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max: usize, per_client: usize) -> ConnLimits {
        ConnLimits {
            max_connections: Some(max),
            max_per_client: per_client,
            ..ConnLimits::default()
        }
    }

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, n])
    }

    #[test]
    fn the_default_cap_leaves_room_for_the_servers_own_files() {
        let files = usize::try_from(open_file_limit().unwrap_or(1024)).unwrap();
        let want = files.saturating_sub(RESERVED_FDS).clamp(64, 65_536);
        assert_eq!(ConnLimits::default().cap(), want, "open-file limit {files}");
        assert_eq!(limits(10, 5).cap(), 10);
    }

    #[test]
    fn a_new_connection_over_the_cap_takes_the_place_of_the_flooders_oldest_idle_one() {
        let t = Tracker::new(&limits(4, 3));
        let mut kept = Vec::new();
        // The kiosk (127.0.0.1) holds one busy connection; a flooder (127.0.0.2) three idle ones.
        let Admit::Yes { live: kiosk, .. } = t.admit(ip(1)) else {
            panic!()
        };
        let busy = kiosk.begin();
        for _ in 0..3 {
            let Admit::Yes { id, evicted, .. } = t.admit(ip(2)) else {
                panic!()
            };
            kept.push((id, evicted));
        }
        assert_eq!(t.len(), 4);
        // Over the cap: the flooder's oldest idle connection gives way, not the kiosk's.
        assert!(matches!(t.admit(ip(3)), Admit::Yes { .. }));
        assert_eq!(t.len(), 4);
        let (_, mut first) = kept.remove(0);
        assert!(
            first.try_recv().is_ok(),
            "the oldest idle one is told to close"
        );
        for (_, rx) in &mut kept {
            assert!(rx.try_recv().is_err());
        }
        drop(busy);
        drop(kiosk);
    }

    #[test]
    fn a_client_at_its_own_cap_gives_way_from_its_own_connections_or_is_refused() {
        let t = Tracker::new(&limits(100, 2));
        let a = t.admit(ip(2));
        let b = t.admit(ip(2));
        let (Admit::Yes { live: la, .. }, Admit::Yes { live: lb, .. }) = (a, b) else {
            panic!()
        };
        // Both busy (an upload each): a third from the same client is refused...
        let (ga, gb) = (la.begin(), lb.begin());
        assert!(matches!(t.admit(ip(2)), Admit::No));
        // ... while another client is served.
        assert!(matches!(t.admit(ip(1)), Admit::Yes { .. }));
        // One of them idle again: the new one takes its place.
        drop(ga);
        assert!(matches!(t.admit(ip(2)), Admit::Yes { .. }));
        assert_eq!(t.len(), 3);
        drop(gb);
    }

    #[test]
    fn busy_everywhere_means_the_new_connection_is_refused() {
        let t = Tracker::new(&limits(2, 10));
        let mut guards = Vec::new();
        for n in 1..=2 {
            let Admit::Yes { live, .. } = t.admit(ip(n)) else {
                panic!()
            };
            guards.push(live.begin());
        }
        assert!(matches!(t.admit(ip(3)), Admit::No));
        t.remove(1);
        assert!(matches!(t.admit(ip(3)), Admit::Yes { .. }));
    }
}
