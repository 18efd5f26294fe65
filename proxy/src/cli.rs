//! Command-line interface: flags with environment fallbacks.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::mock::{self, MockState};
use crate::scenario;
use crate::site::Site;

/// Holds a Prolific API token and forwards two read-only routes, or mocks them.
#[derive(Debug, Parser)]
#[command(name = "dataset-proxy", version, about)]
pub struct Cli {
    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The two modes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer the two routes from scenario files (no network, no token).
    Mock(MockArgs),
}

/// Flags of `dataset-proxy mock`.
#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// Address to listen on.
    #[arg(long, env = "MOCK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Scenario directory (datasets/{id}.json, datasets/{id}/imports/{id}.json);
    /// without it, the embedded demo scenarios.
    #[arg(long, env = "MOCK_FIXTURES")]
    pub fixtures: Option<PathBuf>,
    /// Also serve this directory (the built widget, index.html at /).
    #[arg(long = "static", env = "STATIC_DIR", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
}

/// Runs the chosen mode until SIGINT or SIGTERM. Errors are for people: they say what
/// is wrong and what to do.
pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Mock(args) => run_mock(args).await,
    }
}

async fn run_mock(args: MockArgs) -> Result<(), String> {
    let scenarios = match &args.fixtures {
        Some(dir) => scenario::load_dir(dir),
        None => scenario::demo(),
    }
    .map_err(|e| format!("scenario error: {e}"))?;
    let site = args.static_dir.map(Site::new).transpose()?;
    let count = scenarios.len();
    let app = mock::app(Arc::new(MockState::new(scenarios)), site);
    let listener = bind(args.listen).await?;
    tracing::info!(
        address = %args.listen,
        scenarios = count,
        "mock API listening (no token, no network)"
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

async fn bind(address: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
