//! The request gate both modes share: decides, before anything else happens, whether a
//! request is one of the two allowed API calls, a static file, or refused locally.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;
use crate::routes::{ApiRoute, RouteError};

/// What to do with a request.
#[derive(Debug)]
pub enum Gate {
    /// An allowed API call.
    Api(ApiRoute),
    /// Not under `/api/`: a static file, if a site is served.
    Static,
    /// Refused locally with this answer; nothing is forwarded.
    Refuse(Response),
}

/// The most header bytes (names and values) a request may carry. The widget sends a
/// few hundred; anything near this is not a browser asking for a dataset.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Sorts a request. Oversized headers, absolute-form targets, query strings, any path outside the two
/// routes and any method but GET or HEAD are refused with a Prolific-shaped error.
pub fn check(request: &Request) -> Gate {
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Gate::Refuse(
            Problem::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!("Request headers over {MAX_HEADER_BYTES} bytes are not accepted."),
            )
            .into_response(),
        );
    }
    let uri = request.uri();
    if uri.scheme().is_some() || uri.authority().is_some() {
        return Gate::Refuse(
            Problem::new(
                StatusCode::BAD_REQUEST,
                "Absolute-form request targets are not accepted.",
            )
            .into_response(),
        );
    }
    let path = uri.path();
    if !path.starts_with("/api/") {
        return Gate::Static;
    }
    if uri.query().is_some() {
        return Gate::Refuse(
            Problem::new(
                StatusCode::BAD_REQUEST,
                "Query strings are not accepted on API routes.",
            )
            .into_response(),
        );
    }
    let route = match ApiRoute::from_raw_path(path) {
        Ok(route) => route,
        Err(error) => return Gate::Refuse(route_problem(error).into_response()),
    };
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Gate::Refuse(method_not_allowed());
    }
    Gate::Api(route)
}

/// The local answer for a path outside the allow-list.
pub fn route_problem(error: RouteError) -> Problem {
    match error {
        RouteError::NotFound => Problem::not_found(),
        RouteError::BadId(what) => Problem::new(
            StatusCode::BAD_REQUEST,
            format!("The {what} must be a hyphenated UUID."),
        ),
    }
}

/// 405 with `Allow` for a method other than GET or HEAD on an allowed route.
pub fn method_not_allowed() -> Response {
    let mut response = Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Only GET and HEAD are allowed.",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}
