//! `dataset-proxy serve`: adds the token to the two allowed GET routes and forwards them
//! to Prolific; refuses everything else locally.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::gate::{self, Gate};
use crate::problem::Problem;
use crate::routes::ApiRoute;
use crate::site::{self, Site};
use crate::token::Token;

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
    /// Requests per minute allowed per client address.
    pub rate_per_minute: NonZeroU32,
    /// Requests a client may make at once before the rate applies.
    pub rate_burst: NonZeroU32,
    /// The built widget to serve beside the API.
    pub site: Option<Site>,
}

struct Forwarder {
    client: reqwest::Client,
    upstream: String,
    authorization: HeaderValue,
    max_response_bytes: usize,
    upstream_timeout: Duration,
}

/// The proxy's router. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so the rate limit can tell clients apart.
pub fn app(config: ServeConfig) -> Result<Router, String> {
    install_crypto_provider();
    let client = reqwest::Client::builder()
        .timeout(config.upstream_timeout)
        .connect_timeout(config.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("dataset-proxy/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let forwarder = Arc::new(Forwarder {
        client,
        upstream: config.upstream.trim_end_matches('/').to_owned(),
        authorization: config.token.authorization(),
        max_response_bytes: config.max_response_bytes,
        upstream_timeout: config.upstream_timeout,
    });
    let limiter: Arc<DefaultKeyedRateLimiter<IpAddr>> = Arc::new(RateLimiter::keyed(
        Quota::per_minute(config.rate_per_minute).allow_burst(config.rate_burst),
    ));
    spawn_limiter_sweeper(Arc::clone(&limiter));

    let site = config.site;
    let mut router = Router::new()
        .fallback(
            move |State(forwarder): State<Arc<Forwarder>>, request: Request| {
                let site = site.clone();
                async move {
                    match gate::check(&request) {
                        Gate::Api(route) => forward(&forwarder, request.method(), &route).await,
                        Gate::Static => site::serve_optional(site, request).await,
                        Gate::Refuse(response) => response,
                    }
                }
            },
        )
        .with_state(forwarder)
        .layer(middleware::from_fn_with_state(limiter, rate_limit));
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

/// rustls needs a process-wide crypto provider; ring is the one compiled in.
fn install_crypto_provider() {
    // Fails only if one is installed already, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Forwards one allowed request: only our `Authorization`, `Accept` and `User-Agent` go
/// up; only status, body, `Content-Type` and `Retry-After` come back.
async fn forward(forwarder: &Forwarder, method: &Method, route: &ApiRoute) -> Response {
    let url = format!("{}{}", forwarder.upstream, route.path());
    let request = forwarder
        .client
        .request(method.clone(), &url)
        .header(header::AUTHORIZATION, forwarder.authorization.clone())
        .header(header::ACCEPT, "application/json");
    let mut upstream = match request.send().await {
        Ok(response) => response,
        Err(e) => return upstream_failure(forwarder, &e),
    };
    let status = upstream.status();
    let content_type = upstream.headers().get(header::CONTENT_TYPE).cloned();
    let retry_after = upstream.headers().get(header::RETRY_AFTER).cloned();

    if upstream
        .content_length()
        .is_some_and(|n| n > forwarder.max_response_bytes as u64)
    {
        return too_large(forwarder);
    }
    let mut body = Vec::new();
    loop {
        match upstream.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > forwarder.max_response_bytes {
                    return too_large(forwarder);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return upstream_failure(forwarder, &e),
        }
    }

    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Some(value) = content_type {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Some(value) = retry_after {
        headers.insert(header::RETRY_AFTER, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn upstream_failure(forwarder: &Forwarder, error: &reqwest::Error) -> Response {
    // The error text never holds the token: it is only in a sensitive header.
    if error.is_timeout() {
        tracing::warn!(error = %error_chain(error), "upstream timed out");
        Problem::new(
            StatusCode::GATEWAY_TIMEOUT,
            format!(
                "Prolific did not answer within {} s.",
                forwarder.upstream_timeout.as_secs_f32()
            ),
        )
        .into_response()
    } else {
        tracing::warn!(error = %error_chain(error), "upstream unreachable");
        Problem::new(
            StatusCode::BAD_GATEWAY,
            "The proxy could not reach Prolific.",
        )
        .into_response()
    }
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

fn too_large(forwarder: &Forwarder) -> Response {
    tracing::warn!(
        limit = forwarder.max_response_bytes,
        "upstream body over the size cap"
    );
    Problem::new(
        StatusCode::BAD_GATEWAY,
        format!(
            "Prolific's answer is larger than the proxy's limit of {} bytes.",
            forwarder.max_response_bytes
        ),
    )
    .into_response()
}

/// Answers 429 with `Retry-After` once a client address is over its quota.
async fn rate_limit(
    State(limiter): State<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    request: Request,
    next: Next,
) -> Response {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    match limiter.check_key(&client) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many requests from this client; retry in {seconds} s."),
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            response
        }
    }
}

/// Drops idle clients from the limiter now and then, so its memory stays bounded.
fn spawn_limiter_sweeper(limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        });
    }
}
