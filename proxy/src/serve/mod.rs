//! `dataset-proxy serve`: adds the token to the two allowed GET routes and forwards them
//! to Prolific; refuses everything else locally, before Prolific is contacted.
//!
//! A request passes, in this order: its framing (no body, one `Host`), the `Host` check,
//! the caller check (user header from a trusted front proxy), the caller's rate limit,
//! a CORS preflight's origin check (it is answered there), the route gate (path, query,
//! method, header size), the origin check and the dataset allow-list. Only then is
//! Prolific called. Its answer is checked (status, token, headers) and judged: a
//! dataset's workspace (from the answer passed on; for an import, from its dataset's
//! answer, read first) and an import's `dataset_id`. With any access rule, every 404 is
//! the proxy's own, so refused and missing look the same.

pub mod access;
pub(crate) mod admin;
pub(crate) mod answer;
pub mod caller;
pub(crate) mod coalesce;
pub(crate) mod cors;
pub(crate) mod framing;
pub mod hosts;
pub mod metrics;
pub(crate) mod origin;
pub(crate) mod rate_limit;
pub mod token;
pub(crate) mod upstream;

use crate::error::StartError;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::encoding::{self, Accepted};
use crate::gate::{self, Gate};
use crate::problem::Problem;
use crate::routes::ApiRoute;
use crate::site::{self, Site};
use access::Access;
use answer::{Answer, Owner};
use caller::Callers;
use coalesce::{Coalescer, Source};
use hosts::HostAllowList;
use metrics::{Metrics, Route};
use rate_limit::RateLimit;
use token::Token;
use upstream::{Upstream, UpstreamConfig, UpstreamError};

/// Everything `serve` needs, validated.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where Prolific is (no trailing slash).
    pub upstream: String,
    /// The token added to every forwarded request.
    pub token: Token,
    /// The `Host` values answered to.
    pub hosts: HostAllowList,
    /// Origins allowed to call from a browser (empty: same-origin only).
    pub allow_origins: Vec<HeaderValue>,
    /// Whom to believe about the caller.
    pub callers: Callers,
    /// Whole-request limit for one upstream call.
    pub upstream_timeout: Duration,
    /// Limit for connecting to the upstream.
    pub connect_timeout: Duration,
    /// Largest upstream body passed on.
    pub max_response_bytes: usize,
    /// Requests per minute allowed per caller.
    pub rate_per_minute: NonZeroU32,
    /// Requests a caller may make at once before the rate applies.
    pub rate_burst: NonZeroU32,
    /// How long a successful upstream answer is reused for identical requests (zero:
    /// not at all; identical concurrent requests still share one upstream request).
    pub cache_ttl: Duration,
    /// The built widget to serve beside the API.
    pub site: Option<Site>,
}

/// What every worker shares: the rate limit, the access rules, the answers in flight or
/// kept, and the metrics.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The per-caller rate limit.
    pub limit: RateLimit,
    /// What may be read.
    pub access: Arc<Access>,
    /// Upstream answers shared between identical requests.
    pub answers: Arc<Coalescer<(Method, String), Fetched>>,
    /// The metrics `/metrics` shows.
    pub metrics: Arc<Metrics>,
}

impl Shared {
    /// Shared state for `config`, `access` and `metrics`.
    pub fn new(config: &ServeConfig, access: Arc<Access>, metrics: Arc<Metrics>) -> Self {
        Self {
            limit: RateLimit::new(config.rate_per_minute, config.rate_burst),
            access,
            answers: Arc::new(Coalescer::new()),
            metrics,
        }
    }
}

/// One upstream call's result as shared between viewers: a checked answer, or the
/// local error that replaces it (timeout, unreachable, refused answer).
pub type Fetched = Result<Answer, Problem>;

/// The longest a 429 is kept and shared, whatever its `Retry-After` says.
const MAX_SHARED_BACKOFF: Duration = Duration::from_secs(60);

/// One worker's proxy: the shared parts, plus its own upstream connection pool.
struct Proxy {
    shared: Shared,
    cache_ttl: Duration,
    upstream: Upstream,
    token: Token,
    hosts: HostAllowList,
    callers: Callers,
    allow_origins: Vec<HeaderValue>,
    site: Option<Site>,
}

/// One worker's router. Each has its own upstream connection pool; `shared` may be
/// shared by several. Serve it with `connections::serve` (or with
/// `into_make_service_with_connect_info::<SocketAddr>()`, so callers can be told apart).
pub fn app(config: &ServeConfig, shared: &Shared) -> Result<Router, StartError> {
    let upstream = Upstream::new(UpstreamConfig {
        base: config.upstream.clone(),
        authorization: config.token.authorization(),
        connect_timeout: config.connect_timeout,
        timeout: config.upstream_timeout,
        max_response_bytes: config.max_response_bytes,
    })?;
    let proxy = Arc::new(Proxy {
        shared: shared.clone(),
        cache_ttl: config.cache_ttl,
        upstream,
        token: config.token.clone(),
        hosts: config.hosts.clone(),
        callers: config.callers.clone(),
        allow_origins: config.allow_origins.clone(),
        site: config.site.clone(),
    });
    let router = Router::new()
        .fallback(
            |State(proxy): State<Arc<Proxy>>, request: Request| async move {
                let cors = !proxy.allow_origins.is_empty();
                let origin = cors
                    .then(|| request.headers().get(header::ORIGIN).cloned())
                    .flatten();
                let accepted = Accepted::from_headers(request.headers());
                let (mut response, kind) = proxy.handle(request).await;
                if cors {
                    cors::expose(
                        response.headers_mut(),
                        origin.as_ref(),
                        &proxy.allow_origins,
                    );
                }
                let metrics = &proxy.shared.metrics;
                match kind {
                    Kind::Static => {
                        response.headers_mut().insert(
                            header::X_CONTENT_TYPE_OPTIONS,
                            HeaderValue::from_static("nosniff"),
                        );
                        metrics.request(Route::Static, response.status().as_u16());
                    }
                    Kind::Api(route) => {
                        encoding::negotiate(&mut response, accepted).await;
                        answer::harden(response.headers_mut());
                        metrics.request(route, response.status().as_u16());
                    }
                    Kind::Refused(reason) => {
                        // A refusal given as the proxy's 404 must match a missing
                        // dataset's answer byte for byte, codings included.
                        encoding::negotiate(&mut response, accepted).await;
                        answer::harden(response.headers_mut());
                        metrics.refused(reason);
                        metrics.request(Route::Other, response.status().as_u16());
                    }
                }
                response
            },
        )
        .with_state(proxy);
    Ok(crate::request_log::with_request_log(router))
}

/// What kind of answer a request got, for the headers and the metrics.
enum Kind {
    /// An API answer (forwarded, or the proxy's own for an allowed route).
    Api(Route),
    /// A static file (or its 404).
    Static,
    /// Refused before anything was forwarded, for this reason (a metrics label).
    Refused(&'static str),
}

impl Proxy {
    /// Answers one request.
    // Checked here rather than in middleware layers, which would box every request's
    // future once per layer; the order is the module doc's.
    async fn handle(self: &Arc<Self>, request: Request) -> (Response, Kind) {
        if let Some(refusal) = framing::refusal(&request) {
            return (refusal, Kind::Refused("framing"));
        }
        if let Some(refusal) = self.hosts.refusal(&request) {
            return (refusal, Kind::Refused("host"));
        }
        if request.uri().path() == "/healthz" && request.uri().query().is_none() {
            let response = match *request.method() {
                Method::GET | Method::HEAD => admin::healthz().await,
                _ => gate::method_not_allowed(),
            };
            return (response, Kind::Api(Route::Other));
        }
        let caller = match self.callers.identify(&request) {
            Ok(caller) => caller,
            Err(refusal) => return (refusal.into_response(), Kind::Refused("caller")),
        };
        tracing::Span::current().record("caller", tracing::field::display(&caller));
        if let Some(too_many) = self.shared.limit.refusal(&caller) {
            return (too_many, Kind::Refused("rate"));
        }
        if !self.allow_origins.is_empty() && cors::is_preflight(&request) {
            if let Some(refusal) = origin::refusal(&request, &self.allow_origins) {
                return (refusal, Kind::Refused("origin"));
            }
            return (cors::preflight(&request), Kind::Api(Route::Other));
        }
        match gate::check(&request) {
            Gate::Api(route) => {
                if let Some(refusal) = origin::refusal(&request, &self.allow_origins) {
                    return (refusal, Kind::Refused("origin"));
                }
                let head_only = request.method() == Method::HEAD;
                self.forward(&route, head_only).await
            }
            Gate::Static => (
                site::serve_optional(self.site.clone(), request).await,
                Kind::Static,
            ),
            Gate::Refuse(response) => {
                let reason = if response.status() == StatusCode::METHOD_NOT_ALLOWED {
                    "method"
                } else {
                    "route"
                };
                (response, Kind::Refused(reason))
            }
        }
    }

    /// Forwards one allowed request, judged by the access rules on the answers it reads.
    /// Only our `Authorization`, `Accept`, `Accept-Encoding: gzip` and `User-Agent` go up;
    /// only status, body (in the coding the client accepts), a JSON or plain-text
    /// `Content-Type` and a checked `Retry-After` come back.
    async fn forward(self: &Arc<Self>, route: &ApiRoute, head_only: bool) -> (Response, Kind) {
        let kind = Kind::Api(Route::from(route));
        let access = &self.shared.access;
        let dataset_id = route.dataset_id();
        if !access.dataset_listed(dataset_id) {
            return (
                Answer::not_found().response(head_only),
                Kind::Refused("access"),
            );
        }
        let import = matches!(route, ApiRoute::Import { .. });
        if access.restricts_workspaces() {
            // The dataset's answer decides, read now (with GET, whatever was asked): for a
            // dataset, it is the answer passed on; for an import, it comes first.
            let dataset = ApiRoute::Dataset {
                dataset_id: dataset_id.to_owned(),
            };
            let answer = match self.fetch(Method::GET, &dataset).await {
                Ok(answer) => answer,
                Err(problem) => return (problem.into_response(), kind),
            };
            if answer.status != StatusCode::OK {
                // Not readable now (missing, throttled, failing): say so.
                return (self.pass_on(answer, head_only), kind);
            }
            if !access.allows_workspace(&answer.owner) {
                return (
                    Answer::not_found().response(head_only),
                    Kind::Refused("access"),
                );
            }
            if !import {
                return (self.pass_on(answer, head_only), kind);
            }
        }
        // An import is read with GET even for HEAD: its body says whose it is.
        let method = if head_only && !import {
            Method::HEAD
        } else {
            Method::GET
        };
        let answer = match self.fetch(method, route).await {
            Ok(answer) => answer,
            Err(problem) => return (problem.into_response(), kind),
        };
        if import && answer.status == StatusCode::OK && !names_dataset(&answer.owner, dataset_id) {
            tracing::warn!(
                owner = ?answer.owner,
                "an import answer names another dataset than its path: refused as missing"
            );
            return (
                Answer::not_found().response(head_only),
                Kind::Refused("access"),
            );
        }
        (self.pass_on(answer, head_only), kind)
    }

    /// The response for an answer that may be passed on. With any access rule a 404 is
    /// the proxy's own: Prolific's 404 body for a missing dataset would tell it apart
    /// from a refused one.
    fn pass_on(&self, answer: Answer, head_only: bool) -> Response {
        if answer.status == StatusCode::NOT_FOUND && self.shared.access.has_rules() {
            return Answer::not_found().response(head_only);
        }
        answer.response(head_only)
    }

    /// The upstream's answer to `method route`, shared: identical requests in flight
    /// share one upstream call, a 200 is kept for `--cache-ttl`, and a 429 until its
    /// `Retry-After` (so viewers back off together).
    async fn fetch(self: &Arc<Self>, method: Method, route: &ApiRoute) -> Fetched {
        let proxy = Arc::clone(self);
        let path = route.path();
        let metric_route = Route::from(route);
        let owner_field = match route {
            ApiRoute::Dataset { .. } if self.shared.access.restricts_workspaces() => {
                Some("workspace_id")
            }
            ApiRoute::Dataset { .. } => None,
            ApiRoute::Import { .. } => Some("dataset_id"),
        };
        let key = (method.clone(), path.clone());
        let ttl = self.cache_ttl;
        let keep_missing = self.shared.access.has_rules();
        let shared = self
            .shared
            .answers
            .get(
                key,
                move || async move {
                    proxy
                        .call_upstream(method, &path, metric_route, owner_field)
                        .await
                },
                move |fetched: &Fetched| lifetime(fetched, ttl, keep_missing),
            )
            .await;
        match shared {
            Ok(shared) => {
                self.shared.metrics.served_from(shared.source);
                match shared.value {
                    Ok(answer) if shared.source == Source::Cached => Ok(answer.aged(shared.age)),
                    other => other,
                }
            }
            Err(failure) => {
                tracing::error!(%failure, "shared upstream call failed");
                Err(Problem::new(
                    StatusCode::BAD_GATEWAY,
                    "The proxy could not complete the call to Prolific.",
                ))
            }
        }
    }

    /// One upstream call, its answer checked (and for a 200, its `owner_field` read)
    /// and counted.
    async fn call_upstream(
        &self,
        method: Method,
        path: &str,
        route: Route,
        owner_field: Option<&'static str>,
    ) -> Fetched {
        let started = Instant::now();
        let result = self.upstream.call(method, path).await;
        let status = result.as_ref().ok().map(|answer| answer.status.as_u16());
        self.shared
            .metrics
            .upstream(route, status, started.elapsed());
        match result {
            Ok(upstream) => {
                Answer::check(upstream, &self.token, owner_field).map_err(|why| why.problem())
            }
            Err(error) => Err(upstream_failure(&self.upstream, error)),
        }
    }
}

/// How long an upstream result may be reused: a 200 for the TTL, a 429 until its
/// `Retry-After` (at most a minute; the TTL if it has none in seconds), nothing else;
/// but with `keep_missing` (under access rules), a 404 for the TTL too: a refused
/// dataset's 200 is kept, and a missing one's 404 must be as quick to come back.
fn lifetime(fetched: &Fetched, ttl: Duration, keep_missing: bool) -> Option<Duration> {
    let answer = fetched.as_ref().ok()?;
    match answer.status {
        StatusCode::OK => Some(ttl),
        StatusCode::NOT_FOUND if keep_missing => Some(ttl),
        StatusCode::TOO_MANY_REQUESTS => Some(
            answer
                .retry_after_seconds()
                .map_or(ttl, Duration::from_secs)
                .min(MAX_SHARED_BACKOFF),
        ),
        _ => None,
    }
}

/// Whether an import's 200 answer belongs to `dataset_id`: its `dataset_id`, where it
/// has one, names that dataset.
fn names_dataset(owner: &Owner, dataset_id: &str) -> bool {
    match owner {
        Owner::Absent => true,
        Owner::Named(named) => named.eq_ignore_ascii_case(dataset_id),
        Owner::NotRead | Owner::Unreadable => false,
    }
}

fn upstream_failure(upstream: &Upstream, error: UpstreamError) -> Problem {
    match error {
        UpstreamError::Timeout => {
            tracing::warn!(
                timeout_s = upstream.timeout().as_secs_f32(),
                "upstream timed out"
            );
            Problem::new(
                StatusCode::GATEWAY_TIMEOUT,
                format!(
                    "Prolific did not answer within {} s.",
                    upstream.timeout().as_secs_f32()
                ),
            )
        }
        UpstreamError::Unreachable(error) => {
            tracing::warn!(%error, "upstream unreachable");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "The proxy could not reach Prolific.",
            )
        }
        UpstreamError::Undecodable(why) => {
            tracing::warn!(%why, "upstream body could not be decoded");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "Prolific's answer could not be decoded.",
            )
        }
        UpstreamError::TooLarge => {
            let limit = upstream.max_response_bytes();
            tracing::warn!(limit, "upstream body over the size cap");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                format!("Prolific's answer is larger than the proxy's limit of {limit} bytes."),
            )
        }
    }
}
