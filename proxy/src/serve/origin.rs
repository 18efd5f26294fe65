//! Cross-site requests: a browser page on another site may not spend the token. Decided
//! from `Origin` (and, where a browser sends no `Origin`, from `Sec-Fetch-Site`).

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

/// Refuses an API request from a browser page that is neither on an allowed origin nor
/// on the proxy's own origin: 403, nothing forwarded. Requests with neither header
/// (curl, servers) pass; the caller and host checks are theirs.
pub fn refusal(request: &Request, allow_origins: &[HeaderValue]) -> Option<Response> {
    let headers = request.headers();
    let allowed = match headers.get(header::ORIGIN) {
        Some(origin) => {
            allow_origins.iter().any(|allowed| allowed == origin)
                || same_origin(origin, headers.get(header::HOST))
        }
        None => headers
            .get("sec-fetch-site")
            .is_none_or(|site| site.as_bytes() != b"cross-site"),
    };
    if allowed {
        return None;
    }
    Some(
        Problem::new(
            StatusCode::FORBIDDEN,
            "Requests from this page's origin are not allowed. The proxy's operator can \
             allow it with --allow-origin.",
        )
        .into_response(),
    )
}

/// Whether `origin` (`scheme://host[:port]`) names the host the request was sent to.
/// The scheme cannot be compared (TLS usually ends in front of the proxy); the `Host`
/// has already been checked against the proxy's own names.
fn same_origin(origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), host.map(HeaderValue::to_str)) else {
        return false;
    };
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let authority = authority.strip_suffix(default_port).unwrap_or(authority);
    let host = host.strip_suffix(default_port).unwrap_or(host);
    authority.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri("/api/v1/data-collection/datasets/x");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::empty()).expect("request")
    }

    fn refused(headers: &[(&str, &str)]) -> bool {
        let allowed = [HeaderValue::from_static("https://intranet.example.org")];
        refusal(&request(headers), &allowed).is_some()
    }

    #[test]
    fn decides_from_origin_then_sec_fetch_site() {
        assert!(!refused(&[]));
        assert!(!refused(&[("origin", "https://intranet.example.org")]));
        assert!(!refused(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080")
        ]));
        assert!(!refused(&[
            ("origin", "https://proxy.example.org"),
            ("host", "proxy.example.org")
        ]));
        assert!(!refused(&[("sec-fetch-site", "same-origin")]));
        assert!(!refused(&[("sec-fetch-site", "none")]));
        assert!(refused(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:8080")
        ]));
        assert!(refused(&[("origin", "null"), ("host", "127.0.0.1:8080")]));
        assert!(refused(&[
            ("origin", "http://127.0.0.1:9999"),
            ("host", "127.0.0.1:8080")
        ]));
        assert!(refused(&[("sec-fetch-site", "cross-site")]));
        assert!(refused(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example")
        ]));
        assert!(!refused(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://intranet.example.org")
        ]));
    }
}
