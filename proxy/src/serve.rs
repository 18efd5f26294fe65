//! `dataset-proxy serve`: adds the token to the two allowed GET routes and forwards them
//! to Prolific; refuses everything else locally.

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
use crate::rate_limit::RateLimit;
use crate::routes::ApiRoute;
use crate::site::{self, Site};
use crate::token::Token;
use crate::upstream::{Upstream, UpstreamConfig, UpstreamError};

/// Everything `serve` needs, validated.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where Prolific is (no trailing slash).
    pub upstream: String,
    /// The token added to every forwarded request.
    pub token: Token,
    /// Origins allowed to call from a browser (empty: same-origin only).
    pub allow_origins: Vec<HeaderValue>,
    /// Whole-request limit for one upstream call.
    pub upstream_timeout: Duration,
    /// Limit for connecting to the upstream.
    pub connect_timeout: Duration,
    /// Largest upstream body passed on.
    pub max_response_bytes: usize,
    /// Requests per minute allowed per client address (used by [`app`]).
    pub rate_per_minute: NonZeroU32,
    /// Requests a client may make at once before the rate applies (used by [`app`]).
    pub rate_burst: NonZeroU32,
    /// The built widget to serve beside the API.
    pub site: Option<Site>,
}

/// What the handler needs: the rate limit, the upstream client and the optional site.
struct Proxy {
    limit: RateLimit,
    upstream: Upstream,
    site: Option<Site>,
}

/// The proxy's router, with a rate limit of its own. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` so the rate limit can tell
/// clients apart.
pub fn app(config: ServeConfig) -> Result<Router, String> {
    let limit = RateLimit::new(config.rate_per_minute, config.rate_burst);
    app_with_limit(config, limit)
}

/// The proxy's router, counting requests against `limit` (which several routers, one
/// per worker, may share). Each router has its own upstream connection pool.
pub fn app_with_limit(config: ServeConfig, limit: RateLimit) -> Result<Router, String> {
    let upstream = Upstream::new(UpstreamConfig {
        base: config.upstream,
        authorization: config.token.authorization(),
        connect_timeout: config.connect_timeout,
        timeout: config.upstream_timeout,
        max_response_bytes: config.max_response_bytes,
    })?;
    let proxy = Arc::new(Proxy {
        limit,
        upstream,
        site: config.site,
    });
    let mut router = Router::new()
        .fallback(
            |State(proxy): State<Arc<Proxy>>, request: Request| async move {
                // Checked here rather than in a middleware layer, which would box every
                // request's future once more; the order is the same: before anything else.
                if let Some(too_many) = proxy.limit.refusal(&request) {
                    return too_many;
                }
                match gate::check(&request) {
                    Gate::Api(route) => forward(&proxy.upstream, request.method(), &route).await,
                    Gate::Static => site::serve_optional(proxy.site.clone(), request).await,
                    Gate::Refuse(response) => response,
                }
            },
        )
        .with_state(proxy);
    if !config.allow_origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(config.allow_origins))
                .allow_methods([Method::GET, Method::HEAD])
                .expose_headers([header::RETRY_AFTER])
                .max_age(Duration::from_secs(600)),
        );
    }
    Ok(crate::request_log::with_request_log(router))
}

/// Forwards one allowed request: only our `Authorization`, `Accept` and `User-Agent` go
/// up; only status, body, `Content-Type` and `Retry-After` come back.
async fn forward(upstream: &Upstream, method: &Method, route: &ApiRoute) -> Response {
    let answer = match upstream.call(method.clone(), &route.path()).await {
        Ok(answer) => answer,
        Err(error) => return upstream_failure(upstream, error),
    };
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = answer.status;
    let mut upstream_headers = answer.headers;
    let headers = response.headers_mut();
    for name in [header::CONTENT_TYPE, header::RETRY_AFTER] {
        if let Some(value) = upstream_headers.remove(&name) {
            headers.insert(name, value);
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
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
