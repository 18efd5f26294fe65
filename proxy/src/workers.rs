//! Serving on one single-threaded Tokio runtime per core. One acceptor hands the
//! connections out in turn; a connection then stays on its worker, whose router has its
//! own upstream connection pool, so a forwarded request never hops between threads.
//! (Each forwarded request wakes the task of its upstream connection and is woken back;
//! that is cheaper within one thread than across a work-stealing pool, and measurably
//! so in `bench/proxy.mjs`.)

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::panic::{self, AssertUnwindSafe};
use std::thread;
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

/// Connections waiting for one worker before the acceptor waits too.
const BACKLOG_PER_WORKER: usize = 256;

/// The number of workers to run: one per available core.
pub fn count() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// Serves `routers` (one per worker thread, each served with
/// `into_make_service_with_connect_info::<SocketAddr>()`) on the connections `listener`
/// accepts, until `shutdown` resolves; then stops accepting and waits for every worker to
/// finish its open requests. A worker that fails ends the whole server with its error.
pub async fn serve(
    listener: TcpListener,
    routers: Vec<Router>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), String> {
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let (stop, stopped) = watch::channel(false);
    let (done_tx, mut done) = mpsc::channel(routers.len().max(1));
    let mut handoffs = Vec::with_capacity(routers.len());
    for (index, router) in routers.into_iter().enumerate() {
        let (handoff, incoming) = mpsc::channel(BACKLOG_PER_WORKER);
        handoffs.push(handoff);
        let listener = Handoff { incoming, local };
        let stopped = stopped.clone();
        let done_tx = done_tx.clone();
        thread::Builder::new()
            .name(format!("serve-{index}"))
            .spawn(move || {
                let result =
                    panic::catch_unwind(AssertUnwindSafe(|| run_worker(listener, router, stopped)))
                        .unwrap_or_else(|_| Err("a worker thread panicked".to_owned()));
                let _ = done_tx.blocking_send(result);
            })
            .map_err(|e| format!("cannot start a worker thread: {e}"))?;
    }
    drop(done_tx);
    let workers = handoffs.len();

    let mut reported = 0;
    let mut outcome = tokio::select! {
        () = shutdown => Ok(()),
        error = accept_loop(&listener, &handoffs) => Err(error),
        result = done.recv() => {
            reported += 1;
            Err(match result {
                Some(Err(error)) => error,
                _ => "a worker thread stopped unexpectedly".to_owned(),
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

/// Accepts connections forever, handing them to the workers in turn; returns only if a
/// worker is gone.
async fn accept_loop(
    listener: &TcpListener,
    handoffs: &[mpsc::Sender<(std::net::TcpStream, SocketAddr)>],
) -> String {
    for handoff in handoffs.iter().cycle() {
        let (stream, address) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                accept_error(error).await;
                continue;
            }
        };
        // The worker registers the socket with its own runtime.
        let stream = match stream.into_std() {
            Ok(stream) => stream,
            Err(error) => {
                tracing::warn!(%error, "cannot hand a connection to a worker");
                continue;
            }
        };
        if handoff.send((stream, address)).await.is_err() {
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
    listener: Handoff,
    router: Router,
    mut stopped: watch::Receiver<bool>,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a worker runtime: {e}"))?;
    runtime.block_on(async move {
        // `tap_io` is also what gives a custom listener's connections `ConnectInfo`,
        // which the rate limit reads. Responses are written whole, so Nagle's delay
        // would only hold back their tails.
        let listener = listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|&stop| stop).await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
    })
}

/// A worker's side of the acceptor: the connections handed to this worker.
struct Handoff {
    incoming: mpsc::Receiver<(std::net::TcpStream, SocketAddr)>,
    local: SocketAddr,
}

impl axum::serve::Listener for Handoff {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            let Some((stream, address)) = self.incoming.recv().await else {
                // The acceptor has stopped: shutdown is under way, nothing more comes.
                return std::future::pending().await;
            };
            match TcpStream::from_std(stream) {
                Ok(stream) => return (stream, address),
                Err(error) => tracing::warn!(%error, "cannot take over a connection"),
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}
