//! `dataset-proxy serve`: adds the token to the two allowed GET routes and forwards them
//! to Prolific; refuses everything else locally, before Prolific is contacted.
//!
//! A request passes, in this order: its framing (no body, one `Host`), the `Host` check,
//! the caller check (user header from a trusted front proxy), the caller's rate limit,
//! the route gate (path, query, method, header size), the origin check, the dataset
//! allow-list and, for imports of a workspace-limited proxy, the dataset's workspace.
//! Only then is Prolific called; its answer is checked (status, token, content type).

pub mod access;
pub(crate) mod admin;
pub(crate) mod answer;
pub mod caller;
pub(crate) mod coalesce;
pub mod connections;
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
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::gate::{self, Gate};
use crate::problem::Problem;
use crate::routes::ApiRoute;
use crate::site::{self, Site};
use access::Access;
use answer::Answer;
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
    let mut router = Router::new()
        .fallback(
            |State(proxy): State<Arc<Proxy>>, request: Request| async move {
                let (mut response, kind) = proxy.handle(request).await;
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
                        answer::harden(response.headers_mut());
                        metrics.request(route, response.status().as_u16());
                    }
                    Kind::Refused(reason) => {
                        answer::harden(response.headers_mut());
                        metrics.refused(reason);
                        metrics.request(Route::Other, response.status().as_u16());
                    }
                }
                response
            },
        )
        .with_state(proxy);
    if !config.allow_origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(config.allow_origins.clone()))
                .allow_methods([Method::GET, Method::HEAD])
                .expose_headers([header::RETRY_AFTER])
                .max_age(Duration::from_secs(600)),
        );
    }
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

    /// Forwards one allowed request, after the access rules. Only our `Authorization`,
    /// `Accept` and `User-Agent` go up; only status, body, a safe `Content-Type` and
    /// `Retry-After` come back.
    async fn forward(self: &Arc<Self>, route: &ApiRoute, head_only: bool) -> (Response, Kind) {
        let kind = Kind::Api(Route::from(route));
        let access = &self.shared.access;
        let dataset_id = route.dataset_id();
        if !access.dataset_listed(dataset_id) {
            return (refused_dataset(), Kind::Refused("access"));
        }
        if access.restricts_workspaces() {
            match access.verdict(dataset_id) {
                Some(true) => {}
                Some(false) => return (refused_dataset(), Kind::Refused("access")),
                None => {
                    // Unknown: read the dataset (with GET, whatever was asked) and judge it.
                    let dataset = ApiRoute::Dataset {
                        dataset_id: dataset_id.to_owned(),
                    };
                    let answer = match self.fetch(Method::GET, &dataset).await {
                        Ok(answer) => answer,
                        Err(problem) => return (problem.into_response(), kind),
                    };
                    if answer.status != StatusCode::OK {
                        // Not readable now (missing, throttled, failing): say so as it came.
                        return (answer.response(head_only), kind);
                    }
                    if !access.judge(dataset_id, &answer.body) {
                        return (refused_dataset(), Kind::Refused("access"));
                    }
                    if matches!(route, ApiRoute::Dataset { .. }) {
                        return (answer.response(head_only), kind);
                    }
                }
            }
        }
        let method = if head_only { Method::HEAD } else { Method::GET };
        let response = match self.fetch(method, route).await {
            Ok(answer) => answer.response(head_only),
            Err(problem) => problem.into_response(),
        };
        (response, kind)
    }

    /// The upstream's answer to `method route`, shared: identical requests in flight
    /// share one upstream call, a 200 is kept for `--cache-ttl`, and a 429 until its
    /// `Retry-After` (so viewers back off together).
    async fn fetch(self: &Arc<Self>, method: Method, route: &ApiRoute) -> Fetched {
        let proxy = Arc::clone(self);
        let path = route.path();
        let metric_route = Route::from(route);
        let key = (method.clone(), path.clone());
        let ttl = self.cache_ttl;
        let shared = self
            .shared
            .answers
            .get(
                key,
                move || async move { proxy.call_upstream(method, &path, metric_route).await },
                move |fetched: &Fetched| lifetime(fetched, ttl),
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

    /// One upstream call, its answer checked and counted.
    async fn call_upstream(&self, method: Method, path: &str, route: Route) -> Fetched {
        let started = Instant::now();
        let result = self.upstream.call(method, path).await;
        let status = result.as_ref().ok().map(|answer| answer.status.as_u16());
        self.shared
            .metrics
            .upstream(route, status, started.elapsed());
        match result {
            Ok(upstream) => Answer::check(upstream, &self.token).map_err(|why| why.problem()),
            Err(error) => Err(upstream_failure(&self.upstream, error)),
        }
    }
}

/// How long an upstream result may be reused: a 200 for the TTL, a 429 until its
/// `Retry-After` (at most a minute; the TTL if it has none in seconds), nothing else.
fn lifetime(fetched: &Fetched, ttl: Duration) -> Option<Duration> {
    let answer = fetched.as_ref().ok()?;
    match answer.status {
        StatusCode::OK => Some(ttl),
        StatusCode::TOO_MANY_REQUESTS => Some(
            answer
                .retry_after_seconds()
                .map_or(ttl, Duration::from_secs)
                .min(MAX_SHARED_BACKOFF),
        ),
        _ => None,
    }
}

/// A dataset this proxy may not read: answered exactly as a missing one.
fn refused_dataset() -> Response {
    Problem::dataset_not_found().into_response()
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
