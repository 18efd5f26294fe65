//! Request framing: the two routes never take a body, and an HTTP/1.1 request names
//! exactly one `Host` (RFC 9112 §3.2). Anything else is how request smuggling starts,
//! so it is refused and the connection closed.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, Version, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

/// Refuses a request that carries a body (a non-zero `Content-Length`, or any
/// `Transfer-Encoding`) or that has no `Host` or several (HTTP/1.1): 400, and the
/// connection is closed after the answer.
pub fn refusal(request: &Request) -> Option<Response> {
    let headers = request.headers();
    let detail = if headers.contains_key(header::TRANSFER_ENCODING) {
        "Requests with a Transfer-Encoding are not accepted: these routes take no body."
    } else if headers
        .get_all(header::CONTENT_LENGTH)
        .iter()
        .any(|length| length.as_bytes() != b"0")
    {
        "Requests with a body are not accepted: these routes take no body."
    } else if headers.get_all(header::HOST).iter().count() > 1 {
        "A request must carry exactly one Host header."
    } else if request.version() == Version::HTTP_11 && !headers.contains_key(header::HOST) {
        "An HTTP/1.1 request must carry a Host header."
    } else {
        return None;
    };
    let mut response = Problem::new(StatusCode::BAD_REQUEST, detail).into_response();
    // hyper ends the connection after an answer that says so; the unread body (if any)
    // is never parsed as a next request.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    Some(response)
}
