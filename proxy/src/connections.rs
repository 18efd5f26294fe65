//! Connections: one acceptor hands connections out in turn to one single-threaded Tokio
//! runtime per core, where each is served as HTTP/1.1 by hyper with a header-read timer,
//! a head buffer of bounded size and a seat under the connection caps.
//!
//! A connection stays on its worker, whose router has its own upstream connection pool,
//! so a forwarded request never hops between threads. (Each forwarded request wakes the
//! task of its upstream connection and is woken back; that is cheaper within one thread
//! than across a work-stealing pool, and measurably so in `bench/proxy.mjs`.)

use crate::error::StartError;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use ipnet::IpNet;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tower::ServiceExt;

use crate::gate::MAX_HEADER_BYTES;

/// Connections waiting for one worker before the acceptor waits too.
const BACKLOG_PER_WORKER: usize = 256;

/// The most bytes hyper buffers while reading a request head: the 16 KiB of header
/// fields the gate allows, plus room for the request line and line ends. A longer head
/// is answered with 431 and the connection closed.
pub const HEAD_BUFFER_BYTES: usize = MAX_HEADER_BYTES + 4 * 1024;

/// Open files kept back from the connection cap for listeners, upstream connections,
/// static files and logs.
pub const RESERVED_FILES: usize = 64;

/// How long connections may take and how many may be open.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Time allowed for a whole request head, counted from the moment the connection
    /// waits for one: after accepting it, and after each answer on a kept-alive
    /// connection (so it is also the idle keep-alive timeout).
    pub header_timeout: Duration,
    /// Open connections in total; more are closed as soon as they are accepted.
    pub max_connections: usize,
    /// Open connections per client address (per /64 for IPv6).
    pub max_per_client: usize,
    /// Addresses exempt from the per-client cap (trusted front proxies carry many
    /// people's connections).
    pub uncapped: Vec<IpNet>,
    /// On shutdown, how long in-flight requests may take to finish before every
    /// connection is closed.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            max_connections: 4096,
            max_per_client: 128,
            uncapped: Vec::new(),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The number of workers to run: one per available core.
pub fn count() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// Raises the soft limit on open files to the hard limit and returns the limit now in
/// force (`None` where it cannot be read).
pub fn raise_open_file_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(error) => {
            tracing::warn!(%error, "cannot raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

/// The address a client is counted under: itself for IPv4, its /64 for IPv6 (one
/// machine easily holds a whole /64).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

/// Where connections refused by a cap are counted. `serve`'s metrics are one (in
/// `serve::metrics`); `mock` counts nothing. A trait here, so that this module, used by
/// both modes, depends on neither.
pub trait RefusalCounter: fmt::Debug + Send + Sync {
    /// Counts one connection closed because a cap was reached.
    fn connection_refused(&self);
}

/// The open connections, counted in total and per client. Shared by the acceptor (which
/// takes seats) and the workers (whose connections give them back when they close).
#[derive(Debug, Default)]
pub struct Occupancy {
    state: Mutex<OccupancyState>,
    metrics: OnceLock<Arc<dyn RefusalCounter>>,
}

#[derive(Debug, Default)]
struct OccupancyState {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
    refused_since_log: u64,
    last_log: Option<Instant>,
}

/// Why a connection got no seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The total cap is reached.
    Total,
    /// This client's cap is reached.
    Client,
}

impl Occupancy {
    /// Counts connections refused by a cap in `metrics` from now on.
    pub fn report_to(&self, metrics: Arc<impl RefusalCounter + 'static>) {
        let _ = self.metrics.set(metrics);
    }

    /// Open connections now.
    pub fn open(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OccupancyState> {
        // Counts stay usable even if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a seat for a connection from `ip`, or says which cap is reached.
    fn seat(self: &Arc<Self>, ip: IpAddr, limits: &ConnectionLimits) -> Result<Seat, Full> {
        let key = client_key(ip);
        let capped = !limits.uncapped.iter().any(|net| net.contains(&ip));
        let mut state = self.lock();
        let full = if state.total >= limits.max_connections {
            Some(Full::Total)
        } else if capped
            && state.per_client.get(&key).copied().unwrap_or(0) >= limits.max_per_client
        {
            Some(Full::Client)
        } else {
            None
        };
        if let Some(full) = full {
            if let Some(metrics) = self.metrics.get() {
                metrics.connection_refused();
            }
            state.refused_since_log += 1;
            // One line when a cap is first reached, then at most one every 10 s, so a
            // flood cannot flood the log too.
            let now = Instant::now();
            if state
                .last_log
                .is_none_or(|last| now.duration_since(last) >= Duration::from_secs(10))
            {
                let refused = std::mem::take(&mut state.refused_since_log);
                state.last_log = Some(now);
                match full {
                    Full::Total => tracing::warn!(
                        open = state.total,
                        cap = limits.max_connections,
                        refused,
                        "connection cap reached (--max-connections): closing new connections"
                    ),
                    Full::Client => tracing::warn!(
                        client = %key,
                        cap = limits.max_per_client,
                        refused,
                        "per-client connection cap reached (--max-connections-per-client): closing this client's new connections"
                    ),
                }
            }
            return Err(full);
        }
        state.total += 1;
        if capped {
            *state.per_client.entry(key).or_insert(0) += 1;
        }
        Ok(Seat {
            occupancy: Arc::clone(self),
            key: capped.then_some(key),
        })
    }
}

/// One open connection's place under the caps; given back when dropped.
#[derive(Debug)]
struct Seat {
    occupancy: Arc<Occupancy>,
    key: Option<IpAddr>,
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut state = self.occupancy.lock();
        state.total = state.total.saturating_sub(1);
        if let Some(key) = self.key
            && let Some(count) = state.per_client.get_mut(&key)
        {
            *count -= 1;
            if *count == 0 {
                state.per_client.remove(&key);
            }
        }
    }
}

/// Counts one request being answered on a connection while it lives.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn new(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Self(Arc::clone(count))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection handed from the acceptor to a worker.
type Accepted = (std::net::TcpStream, SocketAddr, Seat);

/// Serves `routers` (one per worker thread) on the connections `listener` accepts, until
/// `shutdown` resolves; then stops accepting, lets in-flight requests finish for at most
/// `limits.shutdown_grace`, and closes every connection. A worker that fails ends the
/// whole server with its error.
pub async fn serve(
    listener: TcpListener,
    routers: Vec<Router>,
    limits: ConnectionLimits,
    occupancy: Arc<Occupancy>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), StartError> {
    let limits = Arc::new(limits);
    let (stop, stopped) = watch::channel(false);
    let (done_tx, mut done) = mpsc::channel(routers.len().max(1));
    let mut handoffs = Vec::with_capacity(routers.len());
    for (index, router) in routers.into_iter().enumerate() {
        let (handoff, incoming) = mpsc::channel(BACKLOG_PER_WORKER);
        handoffs.push(handoff);
        let stopped = stopped.clone();
        let done_tx = done_tx.clone();
        let limits = Arc::clone(&limits);
        thread::Builder::new()
            .name(format!("serve-{index}"))
            .spawn(move || {
                let result = panic::catch_unwind(AssertUnwindSafe(|| {
                    run_worker(incoming, router, &limits, stopped)
                }))
                .unwrap_or_else(|_| Err("a worker thread panicked".into()));
                let _ = done_tx.blocking_send(result);
            })
            .map_err(|e| format!("cannot start a worker thread: {e}"))?;
    }
    drop(done_tx);
    let workers = handoffs.len();

    let mut reported = 0;
    let mut outcome = tokio::select! {
        () = shutdown => Ok(()),
        error = accept_loop(&listener, &handoffs, &limits, &occupancy) => Err(error.into()),
        result = done.recv() => {
            reported += 1;
            Err(match result {
                Some(Err(error)) => error,
                _ => "a worker thread stopped unexpectedly".into(),
            })
        }
    };
    drop(handoffs);
    drop(listener);
    let _ = stop.send(true);
    while reported < workers {
        let Some(result) = done.recv().await else {
            break;
        };
        reported += 1;
        if outcome.is_ok() {
            outcome = result;
        }
    }
    outcome
}

/// Accepts connections forever, handing those that get a seat to the workers in turn;
/// returns only if a worker is gone.
async fn accept_loop(
    listener: &TcpListener,
    handoffs: &[mpsc::Sender<Accepted>],
    limits: &ConnectionLimits,
    occupancy: &Arc<Occupancy>,
) -> String {
    for handoff in handoffs.iter().cycle() {
        let (stream, address) = loop {
            match listener.accept().await {
                Ok(accepted) => break accepted,
                Err(error) => accept_error(error).await,
            }
        };
        let Ok(seat) = occupancy.seat(address.ip(), limits) else {
            // Closed at once (dropped), before a byte is read from it.
            drop(stream);
            continue;
        };
        // The worker registers the socket with its own runtime.
        let stream = match stream.into_std() {
            Ok(stream) => stream,
            Err(error) => {
                tracing::warn!(%error, "cannot hand a connection to a worker");
                continue;
            }
        };
        if handoff.send((stream, address, seat)).await.is_err() {
            break;
        }
    }
    "a worker thread stopped unexpectedly".to_owned()
}

/// Per-connection errors are the client's problem; others (out of file descriptors)
/// are logged and retried after a pause, as `axum::serve` does.
async fn accept_error(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accept failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

fn run_worker(
    mut incoming: mpsc::Receiver<Accepted>,
    router: Router,
    limits: &ConnectionLimits,
    mut stopped: watch::Receiver<bool>,
) -> Result<(), StartError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a worker runtime: {e}"))?;
    let mut http = http1::Builder::new();
    // Without a timer hyper silently has no header-read timeout at all.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(HEAD_BUFFER_BYTES)
        .keep_alive(true);
    runtime.block_on(async move {
        // Every connection task holds a clone; when all are gone, `all_closed` ends.
        let (open_tx, mut all_closed) = mpsc::channel::<()>(1);
        loop {
            let (stream, peer, seat) = tokio::select! {
                accepted = incoming.recv() => match accepted {
                    Some(accepted) => accepted,
                    None => break,
                },
                _ = stopped.wait_for(|&stop| stop) => break,
            };
            let stream = match TcpStream::from_std(stream) {
                Ok(stream) => stream,
                Err(error) => {
                    tracing::warn!(%error, "cannot take over a connection");
                    continue;
                }
            };
            // Responses are written whole, so Nagle's delay would only hold back their
            // tails.
            let _ = stream.set_nodelay(true);
            let router = router.clone();
            let busy = Arc::new(AtomicUsize::new(0));
            let in_service = Arc::clone(&busy);
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    let busy = Busy::new(&in_service);
                    let router = router.clone();
                    async move {
                        let response = router.oneshot(request).await;
                        drop(busy);
                        response
                    }
                });
            let connection = http.serve_connection(TokioIo::new(stream), service);
            let mut stopped = stopped.clone();
            let open = open_tx.clone();
            tokio::spawn(async move {
                tokio::pin!(connection);
                let result = tokio::select! {
                    result = connection.as_mut() => result,
                    () = async { let _ = stopped.wait_for(|&stop| stop).await; } => {
                        // A connection with no request being answered (idle, or still
                        // sending a head) is closed at once; one with a request in flight
                        // finishes it, then closes.
                        if busy.load(Ordering::Acquire) == 0 {
                            Ok(())
                        } else {
                            connection.as_mut().graceful_shutdown();
                            connection.await
                        }
                    }
                };
                if let Err(error) = result {
                    tracing::debug!(%error, %peer, "connection ended with an error");
                }
                drop(seat);
                drop(open);
            });
        }
        // Accepting has stopped: in-flight requests may finish, the rest close.
        drop(open_tx);
        if tokio::time::timeout(limits.shutdown_grace, all_closed.recv())
            .await
            .is_err()
        {
            tracing::warn!(
                grace_s = limits.shutdown_grace.as_secs_f32(),
                "shutdown grace period over: closing the remaining connections"
            );
        }
    });
    // Dropping the runtime drops every connection task still running, closing its socket.
    drop(runtime);
    Ok(())
}
