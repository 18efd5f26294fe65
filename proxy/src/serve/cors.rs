//! CORS for the origins allowed with `--allow-origin`, answered inside the pipeline
//! rather than by a layer in front of it: a preflight passes the framing, `Host`, caller
//! and rate checks like any request, then the origin check, before it is answered.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;

/// How long a browser may keep a preflight's answer.
const MAX_AGE_SECONDS: &str = "600";

/// Whether `request` is a CORS preflight: `OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`.
pub fn is_preflight(request: &Request) -> bool {
    request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ORIGIN)
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// The answer to a preflight from an origin already checked: `GET` and `HEAD` allowed,
/// no request headers beyond the safelisted ones.
pub fn preflight(request: &Request) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    }
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET,HEAD"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(MAX_AGE_SECONDS),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static(
            "origin, access-control-request-method, access-control-request-headers",
        ),
    );
    response
}

/// Lets a page on an allowed `origin` read the answer and its `Retry-After`; every
/// answer varies by `Origin`, so that no cache serves one origin's answer to another.
pub fn expose(headers: &mut HeaderMap, origin: Option<&HeaderValue>, allowed: &[HeaderValue]) {
    if let Some(origin) = origin.filter(|origin| allowed.contains(origin)) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("retry-after"),
        );
    }
    headers
        .entry(header::VARY)
        .or_insert(HeaderValue::from_static("origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(method).uri("/");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::empty()).expect("request")
    }

    #[test]
    fn a_preflight_is_options_with_origin_and_a_requested_method() {
        let origin = ("origin", "https://intranet.example.org");
        let asks = ("access-control-request-method", "GET");
        assert!(is_preflight(&request(Method::OPTIONS, &[origin, asks])));
        assert!(!is_preflight(&request(Method::OPTIONS, &[origin])));
        assert!(!is_preflight(&request(Method::OPTIONS, &[asks])));
        assert!(!is_preflight(&request(Method::GET, &[origin, asks])));
        let answer = preflight(&request(Method::OPTIONS, &[origin, asks]));
        assert_eq!(
            answer.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://intranet.example.org"
        );
        assert_eq!(
            answer.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
            "GET,HEAD"
        );
    }

    #[test]
    fn only_allowed_origins_are_let_read() {
        let allowed = [HeaderValue::from_static("https://intranet.example.org")];
        let mut headers = HeaderMap::new();
        expose(
            &mut headers,
            Some(&HeaderValue::from_static("https://evil.example")),
            &allowed,
        );
        assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        assert_eq!(headers[header::VARY], "origin");
        expose(&mut headers, Some(&allowed[0]), &allowed);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], allowed[0]);
        assert_eq!(
            headers[header::ACCESS_CONTROL_EXPOSE_HEADERS],
            "retry-after"
        );
    }
}
