//! `dataset-proxy serve`: adds the token to the two allowed GET routes and forwards them
//! to Prolific; refuses everything else locally, before Prolific is contacted.
//!
//! A request passes, in this order: its framing (no body, one `Host`), the `Host` check,
//! the caller check (user header from a trusted front proxy), the caller's rate limit,
//! the route gate (path, query, method, header size), the origin check, the dataset
//! allow-list and, for imports of a workspace-limited proxy, the dataset's workspace.
//! Only then is Prolific called; its answer is checked (status, token, content type).

pub mod access;
pub mod answer;
pub mod caller;
pub mod connections;
pub mod framing;
pub mod hosts;
pub mod origin;
pub mod rate_limit;
pub mod token;
pub mod upstream;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
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
use hosts::HostAllowList;
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
    /// The built widget to serve beside the API.
    pub site: Option<Site>,
}

/// What every worker shares: the rate limit and the access rules.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The per-caller rate limit.
    pub limit: RateLimit,
    /// What may be read.
    pub access: Arc<Access>,
}

impl Shared {
    /// Shared state for `config` and `access`.
    pub fn new(config: &ServeConfig, access: Arc<Access>) -> Self {
        Self {
            limit: RateLimit::new(config.rate_per_minute, config.rate_burst),
            access,
        }
    }
}

/// One worker's proxy: the shared parts, plus its own upstream connection pool.
struct Proxy {
    shared: Shared,
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
pub fn app(config: &ServeConfig, shared: &Shared) -> Result<Router, String> {
    let upstream = Upstream::new(UpstreamConfig {
        base: config.upstream.clone(),
        authorization: config.token.authorization(),
        connect_timeout: config.connect_timeout,
        timeout: config.upstream_timeout,
        max_response_bytes: config.max_response_bytes,
    })?;
    let proxy = Arc::new(Proxy {
        shared: shared.clone(),
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
                let (mut response, api) = proxy.handle(request).await;
                if api {
                    answer::harden(response.headers_mut());
                } else {
                    response.headers_mut().insert(
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    );
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

impl Proxy {
    /// Answers one request; the flag says whether it was an API answer (rather than a
    /// static file), which gets the strictest headers.
    // Checked here rather than in middleware layers, which would box every request's
    // future once per layer; the order is the module doc's.
    async fn handle(&self, request: Request) -> (Response, bool) {
        if let Some(refusal) = framing::refusal(&request) {
            return (refusal, true);
        }
        if let Some(refusal) = self.hosts.refusal(&request) {
            return (refusal, true);
        }
        if request.uri().path() == "/healthz" && request.uri().query().is_none() {
            return (healthz(request.method()), true);
        }
        let caller = match self.callers.identify(&request) {
            Ok(caller) => caller,
            Err(refusal) => return (refusal.into_response(), true),
        };
        tracing::Span::current().record("caller", tracing::field::display(&caller));
        if let Some(too_many) = self.shared.limit.refusal(&caller) {
            return (too_many, true);
        }
        match gate::check(&request) {
            Gate::Api(route) => {
                if let Some(refusal) = origin::refusal(&request, &self.allow_origins) {
                    return (refusal, true);
                }
                let head_only = request.method() == Method::HEAD;
                (self.forward(&route, head_only).await, true)
            }
            Gate::Static => (
                site::serve_optional(self.site.clone(), request).await,
                false,
            ),
            Gate::Refuse(response) => (response, true),
        }
    }

    /// Forwards one allowed request, after the access rules. Only our `Authorization`,
    /// `Accept` and `User-Agent` go up; only status, body, a safe `Content-Type` and
    /// `Retry-After` come back.
    async fn forward(&self, route: &ApiRoute, head_only: bool) -> Response {
        let access = &self.shared.access;
        let dataset_id = route.dataset_id();
        if !access.dataset_listed(dataset_id) {
            return refused_dataset();
        }
        if access.restricts_workspaces() {
            match access.verdict(dataset_id) {
                Some(true) => {}
                Some(false) => return refused_dataset(),
                None => {
                    // Unknown: read the dataset (with GET, whatever was asked) and judge it.
                    let dataset = ApiRoute::Dataset {
                        dataset_id: dataset_id.to_owned(),
                    };
                    let answer = match self.fetch(Method::GET, &dataset).await {
                        Ok(answer) => answer,
                        Err(response) => return response,
                    };
                    if answer.status != StatusCode::OK {
                        // Not readable now (missing, throttled, failing): say so as it came.
                        return answer.response(head_only);
                    }
                    if !access.judge(dataset_id, &answer.body) {
                        return refused_dataset();
                    }
                    if matches!(route, ApiRoute::Dataset { .. }) {
                        return answer.response(head_only);
                    }
                }
            }
        }
        let method = if head_only { Method::HEAD } else { Method::GET };
        match self.fetch(method, route).await {
            Ok(answer) => answer.response(head_only),
            Err(response) => response,
        }
    }

    /// One upstream call, its answer checked; a failure is the response to give.
    async fn fetch(&self, method: Method, route: &ApiRoute) -> Result<Answer, Response> {
        match self.upstream.call(method, &route.path()).await {
            Ok(upstream) => Answer::check(upstream, &self.token).map_err(|why| why.response()),
            Err(error) => Err(upstream_failure(&self.upstream, error)),
        }
    }
}

/// A dataset this proxy may not read: answered exactly as a missing one.
fn refused_dataset() -> Response {
    Problem::dataset_not_found().into_response()
}

/// `GET /healthz`: the proxy is up (Prolific is not contacted).
fn healthz(method: &Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return gate::method_not_allowed();
    }
    let mut response = Response::new(Body::from("ok\n"));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn upstream_failure(upstream: &Upstream, error: UpstreamError) -> Response {
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
            .into_response()
        }
        UpstreamError::Unreachable(error) => {
            tracing::warn!(%error, "upstream unreachable");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "The proxy could not reach Prolific.",
            )
            .into_response()
        }
        UpstreamError::TooLarge => {
            let limit = upstream.max_response_bytes();
            tracing::warn!(limit, "upstream body over the size cap");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                format!("Prolific's answer is larger than the proxy's limit of {limit} bytes."),
            )
            .into_response()
        }
    }
}
