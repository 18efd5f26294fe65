//! Command-line interface: flags with environment fallbacks.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::mock::{self, MockState};
use crate::rate_limit::RateLimit;
use crate::scenario;
use crate::serve::{self, ServeConfig};
use crate::site::Site;
use crate::token::Token;
use crate::workers;

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
    /// Forward the two read-only routes to Prolific with the token from PROLIFIC_TOKEN
    /// (the only place the token is read from).
    Serve(ServeArgs),
    /// Answer the two routes from scenario files (no network, no token).
    Mock(MockArgs),
}

/// Flags of `dataset-proxy serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PROXY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The Prolific API base URL.
    #[arg(
        long,
        env = "PROLIFIC_UPSTREAM",
        default_value = "https://api.prolific.com"
    )]
    pub upstream: String,
    /// A browser origin allowed to call the proxy (repeatable, or comma-separated in the
    /// environment); none means same-origin only.
    #[arg(
        long = "allow-origin",
        env = "PROXY_ALLOW_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub allow_origins: Vec<String>,
    /// Also serve this directory (the built widget, index.html at /).
    #[arg(long = "static", env = "STATIC_DIR", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// Seconds one upstream request may take before the client gets 504.
    #[arg(long, env = "PROXY_UPSTREAM_TIMEOUT", default_value_t = 15.0)]
    pub upstream_timeout: f64,
    /// Seconds allowed to connect to the upstream.
    #[arg(long, env = "PROXY_CONNECT_TIMEOUT", default_value_t = 5.0)]
    pub connect_timeout: f64,
    /// Largest upstream response passed on, in bytes (larger ones give 502).
    #[arg(long, env = "PROXY_MAX_RESPONSE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Requests per minute allowed per client address (429 with Retry-After beyond).
    #[arg(long, env = "PROXY_RATE_PER_MINUTE", default_value = "300")]
    pub rate_per_minute: NonZeroU32,
    /// Requests a client may send in a burst before the per-minute rate applies.
    #[arg(long, env = "PROXY_RATE_BURST", default_value = "30")]
    pub rate_burst: NonZeroU32,
}

impl ServeArgs {
    /// Checks the flags and pairs them with the token.
    pub fn into_config(self, token: Token) -> Result<ServeConfig, String> {
        let upstream = url::Url::parse(&self.upstream)
            .map_err(|e| format!("--upstream {:?} is not a URL: {e}", self.upstream))?;
        if !matches!(upstream.scheme(), "http" | "https")
            || upstream.query().is_some()
            || upstream.fragment().is_some()
            || !upstream.username().is_empty()
            || upstream.password().is_some()
        {
            return Err(format!(
                "--upstream {:?} must be a plain http(s) URL without credentials, query or fragment",
                self.upstream
            ));
        }
        let allow_origins = self
            .allow_origins
            .iter()
            .filter(|o| !o.trim().is_empty())
            .map(|o| parse_origin(o.trim()))
            .collect::<Result<_, _>>()?;
        Ok(ServeConfig {
            upstream: upstream.as_str().trim_end_matches('/').to_owned(),
            token,
            allow_origins,
            upstream_timeout: seconds("--upstream-timeout", self.upstream_timeout)?,
            connect_timeout: seconds("--connect-timeout", self.connect_timeout)?,
            max_response_bytes: self.max_response_bytes,
            rate_per_minute: self.rate_per_minute,
            rate_burst: self.rate_burst,
            site: self.static_dir.map(Site::new).transpose()?,
        })
    }
}

/// An origin is `scheme://host[:port]`: what browsers send in `Origin`.
fn parse_origin(origin: &str) -> Result<HeaderValue, String> {
    let bad =
        || format!("--allow-origin {origin:?} is not an origin like https://intranet.example.org");
    let url = url::Url::parse(origin).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || url.path() != "/"
        || origin.ends_with('/')
        || url.query().is_some()
    {
        return Err(bad());
    }
    HeaderValue::from_str(origin).map_err(|_| bad())
}

fn seconds(flag: &str, value: f64) -> Result<Duration, String> {
    if value.is_finite() && value > 0.0 && value <= 3600.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(format!(
            "{flag} must be between 0 and 3600 seconds, not {value}"
        ))
    }
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
        Command::Serve(args) => run_serve(args).await,
        Command::Mock(args) => run_mock(args).await,
    }
}

async fn run_serve(args: ServeArgs) -> Result<(), String> {
    let token = Token::from_env()?;
    // reqwest, which the proxy used before, went through these; hyper does not.
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
    let listen = args.listen;
    let config = args.into_config(token)?;
    let upstream = config.upstream.clone();
    let origins = config.allow_origins.len();
    let limit = RateLimit::new(config.rate_per_minute, config.rate_burst);
    let routers = (0..workers::count())
        .map(|_| serve::app_with_limit(config.clone(), limit.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let listener = bind(listen).await?;
    tracing::info!(address = %listen, %upstream, allowed_origins = origins, workers = routers.len(), "proxy listening");
    workers::serve(listener, routers, shutdown_signal()).await
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
