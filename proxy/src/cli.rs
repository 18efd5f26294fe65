//! Command-line interface: raw flags (with environment fallbacks), checked into the
//! configurations `serve` and `mock` run with. Nothing here runs them: that is `run`'s
//! job, as ripgrep's raw flags (`lowargs`) are checked into what it runs with (`hiargs`).

use crate::error::StartError;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use clap::{Parser, Subcommand};

use crate::connections::ConnectionLimits;
use crate::serve::ServeConfig;
use crate::serve::access::Access;
use crate::serve::caller::Callers;
use crate::serve::hosts::{AllowedHost, HostAllowList};
use crate::serve::token::Token;
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
// Parsed once at start: the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Forward the two read-only routes to Prolific with the token (from --token-file,
    /// PROLIFIC_TOKEN or systemd's $CREDENTIALS_DIRECTORY/prolific-token).
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
    /// The Prolific API base URL (https; plain http only to a loopback address).
    #[arg(
        long,
        env = "PROLIFIC_UPSTREAM",
        default_value = "https://api.prolific.com"
    )]
    pub upstream: String,
    /// A file holding the token (read once at start; takes precedence over PROLIFIC_TOKEN).
    #[arg(long, env = "PROLIFIC_TOKEN_FILE", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Another Host name (NAME or NAME:PORT) the proxy answers to, besides the address it
    /// listens on (repeatable, or comma-separated in the environment).
    #[arg(
        long = "allow-host",
        env = "PROXY_ALLOW_HOSTS",
        value_delimiter = ',',
        value_name = "NAME[:PORT]"
    )]
    pub allow_hosts: Vec<String>,
    /// A browser origin allowed to call the proxy (repeatable, or comma-separated in the
    /// environment); none means same-origin only.
    #[arg(
        long = "allow-origin",
        env = "PROXY_ALLOW_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub allow_origins: Vec<String>,
    /// A dataset id that may be read (repeatable, or comma-separated in the environment);
    /// with none (and no file), every dataset the token can read.
    #[arg(
        long = "allow-dataset",
        env = "PROXY_ALLOW_DATASETS",
        value_delimiter = ',',
        value_name = "UUID"
    )]
    pub allow_datasets: Vec<String>,
    /// A file of dataset ids that may be read, one a line (`#` comments); re-read on SIGHUP.
    #[arg(
        long = "allow-datasets-file",
        env = "PROXY_ALLOW_DATASETS_FILE",
        value_name = "FILE"
    )]
    pub allow_datasets_file: Option<PathBuf>,
    /// A workspace whose datasets may be read (repeatable, or comma-separated in the
    /// environment); with none, any workspace.
    #[arg(
        long = "allow-workspace",
        env = "PROXY_ALLOW_WORKSPACES",
        value_delimiter = ',',
        value_name = "ID"
    )]
    pub allow_workspaces: Vec<String>,
    /// A front proxy (address or CIDR) whose X-Forwarded-For and user header are
    /// believed (repeatable, or comma-separated in the environment).
    #[arg(
        long = "trusted-proxy",
        env = "PROXY_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "CIDR"
    )]
    pub trusted_proxies: Vec<String>,
    /// A header every request must carry from a trusted proxy, naming the signed-in
    /// user (for example X-Auth-Request-Email); 401 without it.
    #[arg(long, env = "PROXY_REQUIRE_USER_HEADER", value_name = "NAME")]
    pub require_user_header: Option<String>,
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
    /// Requests per minute allowed per caller (429 with Retry-After beyond).
    #[arg(long, env = "PROXY_RATE_PER_MINUTE", default_value = "300")]
    pub rate_per_minute: NonZeroU32,
    /// Requests a caller may send in a burst before the per-minute rate applies.
    #[arg(long, env = "PROXY_RATE_BURST", default_value = "30")]
    pub rate_burst: NonZeroU32,
    /// Seconds a successful answer is reused for identical requests (0: never; identical
    /// concurrent requests still share one upstream request).
    #[arg(long, env = "PROXY_CACHE_TTL", default_value_t = 1.0)]
    pub cache_ttl: f64,
    /// Also serve GET /healthz and GET /metrics (Prometheus) on this address.
    #[arg(long, env = "PROXY_ADMIN_LISTEN", value_name = "ADDR")]
    pub admin_listen: Option<SocketAddr>,
    #[command(flatten)]
    pub connections: ConnectionArgs,
}

/// Connection limits, shared by both modes.
#[derive(Debug, clap::Args)]
pub struct ConnectionArgs {
    /// Seconds a client has to send a whole request head, counted from when the
    /// connection waits for one (so also how long an idle kept-alive connection stays open).
    #[arg(long, env = "PROXY_HEADER_TIMEOUT", default_value_t = 10.0)]
    pub header_timeout: f64,
    /// Open connections in total (lowered to the open-file limit minus 64 if that is less).
    #[arg(long, env = "PROXY_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,
    /// Open connections per client address (IPv6: per /64); trusted proxies are exempt.
    #[arg(long, env = "PROXY_MAX_CONNECTIONS_PER_CLIENT", default_value_t = 128)]
    pub max_connections_per_client: usize,
    /// Seconds in-flight requests may take to finish on SIGTERM/SIGINT before every
    /// connection is closed.
    #[arg(long, env = "PROXY_SHUTDOWN_GRACE", default_value_t = 10.0)]
    pub shutdown_grace: f64,
}

/// A checked `serve` configuration.
#[derive(Debug)]
pub struct ServePlan {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The proxy's configuration.
    pub config: ServeConfig,
    /// What may be read.
    pub access: Access,
    /// Connection limits.
    pub limits: ConnectionLimits,
    /// Where to serve `/healthz` and `/metrics`, if anywhere.
    pub admin_listen: Option<SocketAddr>,
}

impl ServeArgs {
    /// Checks the flags and pairs them with the token.
    pub fn into_plan(self, token: Token) -> Result<ServePlan, StartError> {
        let upstream = upstream_url(&self.upstream)?;
        let allow_origins = self
            .allow_origins
            .iter()
            .filter(|o| !o.trim().is_empty())
            .map(|o| parse_origin(o.trim()))
            .collect::<Result<_, _>>()?;
        let names = self
            .allow_hosts
            .iter()
            .filter(|h| !h.trim().is_empty())
            .map(|h| AllowedHost::parse(h.trim()))
            .collect::<Result<_, _>>()?;
        let trusted: Vec<ipnet::IpNet> = self
            .trusted_proxies
            .iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| parse_cidr(c.trim()))
            .collect::<Result<_, _>>()?;
        let user_header = self
            .require_user_header
            .as_deref()
            .map(|name| {
                HeaderName::from_bytes(name.trim().as_bytes())
                    .map_err(|_| format!("--require-user-header {name:?} is not a header name"))
            })
            .transpose()?;
        if user_header.is_some() && trusted.is_empty() {
            return Err(
                "--require-user-header needs --trusted-proxy: the header is believed only \
                 from the authenticating front proxy"
                    .into(),
            );
        }
        let access = Access::new(
            self.allow_datasets,
            self.allow_datasets_file,
            self.allow_workspaces,
        )?;
        let mut limits = self.connections.into_limits()?;
        limits.uncapped.clone_from(&trusted);
        let config = ServeConfig {
            upstream,
            token,
            hosts: HostAllowList::new(self.listen, names),
            allow_origins,
            callers: Callers {
                trusted,
                user_header,
            },
            upstream_timeout: seconds("--upstream-timeout", self.upstream_timeout)?,
            connect_timeout: seconds("--connect-timeout", self.connect_timeout)?,
            max_response_bytes: self.max_response_bytes,
            rate_per_minute: self.rate_per_minute,
            rate_burst: self.rate_burst,
            cache_ttl: cache_ttl(self.cache_ttl)?,
            site: self.static_dir.map(Site::new).transpose()?,
        };
        Ok(ServePlan {
            listen: self.listen,
            config,
            access,
            limits,
            admin_listen: self.admin_listen,
        })
    }
}

impl ConnectionArgs {
    fn into_limits(self) -> Result<ConnectionLimits, StartError> {
        if self.max_connections == 0 || self.max_connections_per_client == 0 {
            return Err(
                "--max-connections and --max-connections-per-client must be at least 1".into(),
            );
        }
        Ok(ConnectionLimits {
            header_timeout: seconds("--header-timeout", self.header_timeout)?,
            max_connections: self.max_connections,
            max_per_client: self.max_connections_per_client,
            uncapped: Vec::new(),
            shutdown_grace: seconds("--shutdown-grace", self.shutdown_grace)?,
        })
    }
}

/// The upstream base URL: https, or http to a loopback address only (a token sent in
/// clear over a network is a token given away).
fn upstream_url(text: &str) -> Result<String, StartError> {
    let upstream =
        url::Url::parse(text).map_err(|e| format!("--upstream {text:?} is not a URL: {e}"))?;
    if !matches!(upstream.scheme(), "http" | "https")
        || upstream.query().is_some()
        || upstream.fragment().is_some()
        || !upstream.username().is_empty()
        || upstream.password().is_some()
    {
        return Err(format!(
            "--upstream {text:?} must be a plain http(s) URL without credentials, query or fragment"
        )
        .into());
    }
    let loopback = match upstream.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if upstream.scheme() == "http" && !loopback {
        return Err(format!(
            "--upstream {text:?}: plain http would send the token in clear; use https \
             (http is allowed only to a loopback address)"
        )
        .into());
    }
    Ok(upstream.as_str().trim_end_matches('/').to_owned())
}

/// An origin is `scheme://host[:port]`: what browsers send in `Origin`.
fn parse_origin(origin: &str) -> Result<HeaderValue, StartError> {
    let bad =
        || format!("--allow-origin {origin:?} is not an origin like https://intranet.example.org");
    let url = url::Url::parse(origin).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || url.path() != "/"
        || origin.ends_with('/')
        || url.query().is_some()
    {
        return Err(bad().into());
    }
    HeaderValue::from_str(origin).map_err(|_| bad().into())
}

/// An address (one host) or a CIDR block.
fn parse_cidr(text: &str) -> Result<ipnet::IpNet, StartError> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("--trusted-proxy {text:?} is not an address or CIDR block").into())
}

fn cache_ttl(value: f64) -> Result<Duration, StartError> {
    if value == 0.0 {
        Ok(Duration::ZERO)
    } else {
        seconds("--cache-ttl", value)
    }
}

fn seconds(flag: &str, value: f64) -> Result<Duration, StartError> {
    if value.is_finite() && value > 0.0 && value <= 3600.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(format!("{flag} must be between 0 and 3600 seconds, not {value}").into())
    }
}

/// Flags of `dataset-proxy mock`.
#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// Address to listen on.
    #[arg(long, env = "MOCK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Scenario directory (datasets/{id}.json, datasets/{id}/imports/{id}.json, and
    /// optionally scenarios.json, listed at GET /_mock/scenarios);
    /// without it, the embedded demo scenarios.
    #[arg(long, env = "MOCK_FIXTURES")]
    pub fixtures: Option<PathBuf>,
    /// Also serve this directory (the built widget, index.html at /).
    #[arg(long = "static", env = "STATIC_DIR", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
}
