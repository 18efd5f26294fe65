//! One log line per request: method, path (never the query), caller (for `serve`: the
//! user named by a trusted front proxy, or the client address), status and latency.

use axum::Router;
use axum::extract::Request;
use tower_http::LatencyUnit;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::{Level, Span};

fn span(request: &Request) -> Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        caller = tracing::field::Empty,
    )
}

/// Wraps `router` so that every request is logged when its response is ready.
pub fn with_request_log(router: Router) -> Router {
    router.layer(
        TraceLayer::new_for_http()
            .make_span_with(span as fn(&Request) -> Span)
            .on_response(
                DefaultOnResponse::new()
                    .level(Level::INFO)
                    .latency_unit(LatencyUnit::Micros),
            ),
    )
}
