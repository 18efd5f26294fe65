//! Running: picks the mode the flags ask for, and runs it on one runtime for the acceptor
//! and signals until SIGINT or SIGTERM; also fits the connection cap to the open-file
//! limit and re-reads the datasets file on SIGHUP.

use crate::error::StartError;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use tokio::net::TcpListener;

use crate::cli::{Cli, Command, MockArgs, ServePlan};
use crate::connections::{self, ConnectionLimits, Occupancy, RESERVED_FILES};
use crate::mock::{self, MockState, scenario};
use crate::serve::access::Access;
use crate::serve::admin;
use crate::serve::metrics::Metrics;
use crate::serve::token::Token;
use crate::serve::{self, Shared};
use crate::shutdown::shutdown_signal;
use crate::site::Site;

/// The whole program: parses the flags, reads the token (before any thread exists, so
/// it can be removed from the environment), then runs the chosen mode until SIGINT or
/// SIGTERM. Errors are for people: they say what is wrong and what to do.
#[allow(unsafe_code)]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        // SAFETY: no thread has been started yet (parsing the flags and the tracing
        // subscriber start none); the runtime starts after.
        Command::Serve(args) => unsafe { Token::load(args.token_file.as_deref()) }
            .and_then(|token| args.into_plan(token))
            .and_then(|plan| block_on(run_serve(plan))),
        Command::Mock(args) => block_on(run_mock(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dataset-proxy: {message}");
            ExitCode::FAILURE
        }
    }
}

fn block_on(future: impl Future<Output = Result<(), StartError>>) -> Result<(), StartError> {
    // The acceptor and signal handling only; requests are served on the workers'
    // own runtimes.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?
        .block_on(future)
}

async fn run_serve(mut plan: ServePlan) -> Result<(), StartError> {
    // hyper does not use these; say so rather than surprise.
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        if std::env::var_os(var).is_some() {
            tracing::warn!(
                variable = var,
                "outbound proxies are not supported: connecting to the upstream directly"
            );
        }
    }
    plan.config.token.log_source();
    fit_to_open_files(&mut plan.limits);
    let access = Arc::new(plan.access);
    let occupancy = Arc::new(Occupancy::default());
    let metrics = Arc::new(Metrics::new({
        let occupancy = Arc::downgrade(&occupancy);
        Arc::new(move || occupancy.upgrade().map_or(0, |o| o.open()))
    }));
    occupancy.report_to(Arc::clone(&metrics));
    let shared = Shared::new(&plan.config, Arc::clone(&access), Arc::clone(&metrics));
    reload_on_sighup(access);
    let routers = (0..connections::count())
        .map(|_| serve::app(&plan.config, &shared))
        .collect::<Result<Vec<_>, _>>()?;
    let listener = bind(plan.listen).await?;
    if let Some(address) = plan.admin_listen {
        let admin = bind(address).await?;
        let hosts = plan
            .config
            .hosts
            .clone()
            .with_listen(admin.local_addr().unwrap_or(address));
        tracing::info!(%address, "admin listening: /healthz, /metrics");
        let limits = ConnectionLimits {
            max_connections: 64,
            ..ConnectionLimits::default()
        };
        tokio::spawn(async move {
            let routers = vec![admin::router(metrics, hosts)];
            let occupancy = Arc::new(Occupancy::default());
            if let Err(error) =
                connections::serve(admin, routers, limits, occupancy, shutdown_signal()).await
            {
                tracing::error!(%error, "the admin listener stopped");
            }
        });
    }
    tracing::info!(
        address = %plan.listen,
        upstream = %plan.config.upstream,
        allowed_origins = plan.config.allow_origins.len(),
        workers = routers.len(),
        max_connections = plan.limits.max_connections,
        max_connections_per_client = plan.limits.max_per_client,
        cache_ttl_s = plan.config.cache_ttl.as_secs_f32(),
        "proxy listening"
    );
    connections::serve(listener, routers, plan.limits, occupancy, shutdown_signal()).await
}

async fn run_mock(args: MockArgs) -> Result<(), StartError> {
    let (scenarios, catalogue) = match &args.fixtures {
        Some(dir) => scenario::load_dir(dir).and_then(|s| Ok((s, scenario::load_catalogue(dir)?))),
        None => scenario::demo().and_then(|s| Ok((s, scenario::demo_catalogue()?))),
    }
    .map_err(|e| format!("scenario error: {e}"))?;
    let site = args.static_dir.map(Site::new).transpose()?;
    let count = scenarios.len();
    let state = Arc::new(MockState::new(scenarios).with_catalogue(catalogue));
    let routers = (0..connections::count())
        .map(|_| mock::app(Arc::clone(&state), site.clone()))
        .collect();
    // Tests and benchmarks open many connections from one address.
    let mut limits = ConnectionLimits {
        max_per_client: usize::MAX,
        ..ConnectionLimits::default()
    };
    fit_to_open_files(&mut limits);
    let listener = bind(args.listen).await?;
    tracing::info!(
        address = %args.listen,
        scenarios = count,
        "mock API listening (no token, no network)"
    );
    let occupancy = Arc::new(Occupancy::default());
    connections::serve(listener, routers, limits, occupancy, shutdown_signal()).await
}

/// Raises the open-file limit as far as allowed and keeps the connection cap under it.
fn fit_to_open_files(limits: &mut ConnectionLimits) {
    let Some(files) = connections::raise_open_file_limit() else {
        return;
    };
    let room = usize::try_from(files)
        .unwrap_or(usize::MAX)
        .saturating_sub(RESERVED_FILES)
        .max(1);
    if limits.max_connections > room {
        tracing::warn!(
            open_file_limit = files,
            max_connections = room,
            "the open-file limit is low: connection cap lowered to fit it"
        );
        limits.max_connections = room;
    }
}

/// How long a SIGHUP's re-read of the datasets file may take before it is given up.
const RELOAD_TIMEOUT: Duration = Duration::from_secs(5);

/// Re-reads given up on but still waiting on the file at most; a SIGHUP beyond is
/// ignored rather than leave one more thread stuck.
const MAX_STUCK_RELOADS: usize = 4;

/// Re-reads the datasets file on SIGHUP, on a thread of its own: a file that blocks on
/// read (a FIFO, a hung network mount) never holds up the runtime that accepts
/// connections. A read that takes longer than [`RELOAD_TIMEOUT`] is given up (its late
/// result is dropped) and the previous list stays; the next SIGHUP tries again, unless
/// [`MAX_STUCK_RELOADS`] reads are still stuck.
fn reload_on_sighup(access: Arc<Access>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        let Ok(mut hangups) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        let reading = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        while hangups.recv().await.is_some() {
            reload(&access, &reading).await;
        }
    });
    #[cfg(not(unix))]
    drop(access);
}

/// One SIGHUP's re-read. A plain thread rather than `spawn_blocking`: a read that never
/// returns would make the runtime wait for it at shutdown.
#[cfg(unix)]
async fn reload(access: &Arc<Access>, reading: &Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::Ordering;
    let Some(read) = access.datasets_reader() else {
        tracing::info!("SIGHUP: no datasets file to re-read");
        return;
    };
    if reading.fetch_add(1, Ordering::SeqCst) >= MAX_STUCK_RELOADS {
        reading.fetch_sub(1, Ordering::SeqCst);
        tracing::error!(
            stuck = MAX_STUCK_RELOADS,
            "SIGHUP ignored: earlier re-reads of the datasets file are still waiting on it \
             (a FIFO, a hung mount?); restart the proxy once the file is readable"
        );
        return;
    }
    let (done, result) = tokio::sync::oneshot::channel();
    let flag = Arc::clone(reading);
    let spawned = std::thread::Builder::new()
        .name("datasets-reload".into())
        .spawn(move || {
            let ids = read();
            flag.fetch_sub(1, Ordering::SeqCst);
            let _ = done.send(ids);
        });
    if let Err(error) = spawned {
        reading.fetch_sub(1, Ordering::SeqCst);
        tracing::error!(%error, "allowed datasets not re-read; the previous list stays");
        return;
    }
    match tokio::time::timeout(RELOAD_TIMEOUT, result).await {
        Ok(Ok(Ok(ids))) => {
            let count = access.apply(ids);
            tracing::info!(datasets = count, "allowed datasets re-read");
        }
        Ok(Ok(Err(error))) => {
            tracing::error!(%error, "allowed datasets not re-read; the previous list stays");
        }
        Ok(Err(_)) => tracing::error!("the datasets re-read stopped; the previous list stays"),
        Err(_) => tracing::error!(
            timeout_s = RELOAD_TIMEOUT.as_secs(),
            "the datasets file did not finish reading in time (a FIFO, a hung mount?); \
             the previous list stays"
        ),
    }
}

async fn bind(address: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}").into())
}
