//! What comes back from Prolific, checked before it is passed on: a status the two
//! routes can answer with, never the token, never something a browser could run.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::problem::Problem;
use crate::serve::token::Token;
use crate::serve::upstream::UpstreamResponse;

/// The statuses passed on: those the two routes document (200, 400, 404), those every
/// Prolific route can give (401, 403, 429, 5xx from its edge) and those the widget reads
/// as "stop" (405, 410, 422). Anything else (1xx, 101, other 2xx, redirects) is 502.
pub const PASSED_STATUSES: [u16; 13] = [
    200, 400, 401, 403, 404, 405, 410, 422, 429, 500, 502, 503, 504,
];

/// An upstream answer ready to be passed on (and shared between viewers): cheap to clone.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The upstream's status.
    pub status: StatusCode,
    /// `application/json` as sent, or `text/plain` for anything else; none for no body.
    pub content_type: Option<HeaderValue>,
    /// The upstream's `Retry-After`, passed on.
    pub retry_after: Option<HeaderValue>,
    /// The body.
    pub body: Bytes,
}

/// Why an upstream answer is not passed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// A status outside [`PASSED_STATUSES`].
    Status(u16),
    /// The body holds the proxy's token.
    HoldsToken,
}

impl Answer {
    /// Checks an upstream answer; `token` is searched for in the body.
    pub fn check(upstream: UpstreamResponse, token: &Token) -> Result<Self, Rejected> {
        let status = upstream.status;
        if !PASSED_STATUSES.contains(&status.as_u16()) {
            return Err(Rejected::Status(status.as_u16()));
        }
        if token.is_in(&upstream.body) {
            return Err(Rejected::HoldsToken);
        }
        let content_type = content_type(&upstream.headers, &upstream.body);
        Ok(Self {
            status,
            content_type,
            retry_after: upstream.headers.get(header::RETRY_AFTER).cloned(),
            body: upstream.body,
        })
    }

    /// The whole seconds of `Retry-After`, when it is given in seconds.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        self.retry_after
            .as_ref()?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// The answer as it stands `age` after it arrived: a `Retry-After` in seconds counts
    /// down (never below 1).
    pub fn aged(mut self, age: Duration) -> Self {
        if let Some(seconds) = self.retry_after_seconds() {
            let left = seconds.saturating_sub(age.as_secs()).max(1);
            self.retry_after = Some(HeaderValue::from(left));
        }
        self
    }

    /// The response to the browser: status, body, content type, `Retry-After`, and
    /// `Cache-Control: no-store` (the widget must see each poll's answer fresh).
    pub fn response(self, head_only: bool) -> Response {
        let body = if head_only {
            Body::empty()
        } else {
            Body::from(self.body)
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if let Some(content_type) = self.content_type {
            headers.insert(header::CONTENT_TYPE, content_type);
        }
        if let Some(retry_after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, retry_after);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

impl Rejected {
    /// The 502 given instead; the log line says why (never with the token).
    pub fn problem(&self) -> Problem {
        match self {
            Rejected::Status(status) => {
                tracing::warn!(
                    status,
                    "upstream answered with a status the routes do not use: 502"
                );
                Problem::new(
                    StatusCode::BAD_GATEWAY,
                    format!("Prolific answered with an unexpected status ({status})."),
                )
            }
            Rejected::HoldsToken => {
                tracing::error!(
                    "upstream answer contains the proxy's API token: not passed on (502)"
                );
                Problem::new(
                    StatusCode::BAD_GATEWAY,
                    "Prolific's answer could not be passed on safely.",
                )
            }
        }
    }
}

/// JSON stays JSON; anything else is plain text, so a browser never renders upstream
/// HTML or runs upstream script under the proxy's origin.
fn content_type(headers: &HeaderMap, body: &[u8]) -> Option<HeaderValue> {
    let declared = headers.get(header::CONTENT_TYPE);
    let is_json = declared
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"));
    if is_json {
        declared.cloned()
    } else if body.is_empty() && declared.is_none() {
        None
    } else {
        Some(HeaderValue::from_static("text/plain; charset=utf-8"))
    }
}

/// Marks every API answer (local or forwarded) as never to be sniffed or rendered.
pub fn harden(headers: &mut HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(value: &str) -> Token {
        Token::new(value.to_owned()).expect("token")
    }

    fn upstream(status: u16, content_type: Option<&str>, body: &str) -> UpstreamResponse {
        let mut headers = HeaderMap::new();
        if let Some(value) = content_type {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(value).expect("value"),
            );
        }
        UpstreamResponse {
            status: StatusCode::from_u16(status).expect("status"),
            headers,
            body: Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn only_the_routes_statuses_pass() {
        for status in PASSED_STATUSES {
            assert!(
                Answer::check(upstream(status, None, ""), &token("tok_passed")).is_ok(),
                "{status}"
            );
        }
        for status in [
            101, 204, 206, 301, 302, 304, 307, 402, 407, 418, 451, 501, 511,
        ] {
            assert_eq!(
                Answer::check(upstream(status, None, ""), &token("tok_passed")).err(),
                Some(Rejected::Status(status))
            );
        }
    }

    #[test]
    fn a_body_holding_the_token_is_never_passed_on() {
        let leak = upstream(
            200,
            Some("application/json"),
            r#"{"echo":"Token tok_secret"}"#,
        );
        assert_eq!(
            Answer::check(leak, &token("tok_secret")).err(),
            Some(Rejected::HoldsToken)
        );
    }

    #[test]
    fn non_json_bodies_become_plain_text() {
        let kind = |ct: Option<&str>, body: &str| {
            Answer::check(upstream(502, ct, body), &token("zz-secret"))
                .expect("passed")
                .content_type
                .map(|v| v.to_str().expect("text").to_owned())
        };
        assert_eq!(
            kind(Some("application/json"), "{}").as_deref(),
            Some("application/json")
        );
        assert_eq!(
            kind(Some("application/problem+json; charset=utf-8"), "{}").as_deref(),
            Some("application/problem+json; charset=utf-8")
        );
        assert_eq!(
            kind(Some("text/html"), "<h1>").as_deref(),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(
            kind(None, "<script>").as_deref(),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(kind(None, ""), None);
    }
}
