//! What comes back from Prolific, checked before it is passed on: a status the two
//! routes can answer with, never the token (in a header, or in the body in any JSON
//! escape), never something a browser could run, and only the headers the widget reads,
//! rebuilt from their checked values.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::encoding::Encoded;
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
    /// `application/json` (with `charset=utf-8` when declared so) for any JSON type, or
    /// `text/plain` for anything else; none for no body.
    pub content_type: Option<HeaderValue>,
    /// The upstream's `Retry-After`, when it is delta-seconds or an HTTP-date, rewritten
    /// from its parsed value.
    pub retry_after: Option<HeaderValue>,
    /// For a 200 read with [`Answer::check`]'s `owner_field`: that field of the body.
    pub owner: Owner,
    /// The body, with its compressed forms made once for every viewer it is shared with.
    pub body: Encoded,
}

/// One top-level string field of a 200 answer's body that access is judged on: a
/// dataset's `workspace_id`, an import's `dataset_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// Not asked for, or not a 200.
    NotRead,
    /// The body is a JSON object without the field (or with `null`).
    Absent,
    /// The field's value.
    Named(Arc<str>),
    /// The body is not a JSON object, the field is not a string, or it appears twice.
    Unreadable,
}

/// Why an upstream answer is not passed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// A status outside [`PASSED_STATUSES`].
    Status(u16),
    /// The body or a header passed on holds the proxy's token.
    HoldsToken,
}

/// The body of [`Answer::not_found`], made once.
static NOT_FOUND_BODY: LazyLock<Bytes> =
    LazyLock::new(|| Bytes::from(Problem::dataset_not_found().body()));

/// The longest `Retry-After` in seconds passed on (a day); a longer one is dropped.
const MAX_RETRY_AFTER_SECONDS: u64 = 86_400;

impl Answer {
    /// Checks an upstream answer: its status, the token in the body (also JSON-escaped)
    /// and in every header passed on. For a 200, reads the body's `owner_field` when given.
    pub fn check(
        upstream: UpstreamResponse,
        token: &Token,
        owner_field: Option<&'static str>,
    ) -> Result<Self, Rejected> {
        let status = upstream.status;
        if !PASSED_STATUSES.contains(&status.as_u16()) {
            return Err(Rejected::Status(status.as_u16()));
        }
        // The gzip form as sent is checked too: its header may carry text (a file name, a
        // comment) that the decoded body does not.
        if token.is_in_json(&upstream.body)
            || upstream.gzip.as_ref().is_some_and(|gzip| token.is_in(gzip))
        {
            return Err(Rejected::HoldsToken);
        }
        let content_type = content_type(&upstream.headers, &upstream.body);
        let retry_after = retry_after(&upstream.headers);
        // Both are rebuilt from parsed values and cannot hold it; checked all the same, so
        // that a header added here later is covered too.
        if [&content_type, &retry_after]
            .into_iter()
            .flatten()
            .any(|value| token.is_in(value.as_bytes()))
        {
            return Err(Rejected::HoldsToken);
        }
        let owner = match owner_field {
            Some(field) if status == StatusCode::OK => Owner::read(&upstream.body, field),
            _ => Owner::NotRead,
        };
        Ok(Self {
            status,
            content_type,
            retry_after,
            owner,
            body: match upstream.gzip {
                Some(gzip) => Encoded::with_gzip(upstream.body, gzip),
                None => Encoded::new(upstream.body),
            },
        })
    }

    /// The proxy's own 404, the one answer for a dataset or import that is missing and for
    /// one this proxy may not read: the same status, headers and body either way.
    pub fn not_found() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            content_type: Some(HeaderValue::from_static("application/json")),
            retry_after: None,
            owner: Owner::NotRead,
            body: Encoded::new(NOT_FOUND_BODY.clone()),
        }
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
    /// `Cache-Control: no-store` (the widget must see each poll's answer fresh). The body
    /// is as it is; its [`Encoded`] forms ride along in the response's extensions for
    /// [`crate::encoding::negotiate`] to pick from.
    pub fn response(self, head_only: bool) -> Response {
        let mut response = if head_only {
            Response::new(Body::empty())
        } else {
            let mut response = Response::new(Body::from(self.body.identity().clone()));
            response.extensions_mut().insert(self.body);
            response
        };
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

impl Owner {
    /// Reads the top-level string `field` of a JSON object body.
    fn read(body: &[u8], field: &'static str) -> Self {
        struct Field(&'static str);
        impl<'de> serde::de::DeserializeSeed<'de> for Field {
            type Value = Owner;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Owner, D::Error> {
                d.deserialize_map(self)
            }
        }
        impl<'de> serde::de::Visitor<'de> for Field {
            type Value = Owner;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Owner, A::Error> {
                let mut found: Option<Option<String>> = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key != self.0 {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    } else if found.is_some() {
                        // Two values: whichever a reader believes, we cannot say which.
                        return Err(serde::de::Error::duplicate_field(self.0));
                    } else {
                        found = Some(map.next_value()?);
                    }
                }
                Ok(match found.flatten() {
                    Some(value) => Owner::Named(Arc::from(value.trim())),
                    None => Owner::Absent,
                })
            }
        }
        let mut reader = serde_json::Deserializer::from_slice(body);
        serde::de::DeserializeSeed::deserialize(Field(field), &mut reader)
            .and_then(|owner| reader.end().map(|()| owner))
            .unwrap_or(Owner::Unreadable)
    }
}

/// JSON stays JSON, as `application/json` with at most a UTF-8 charset; anything else is
/// plain text, so a browser never renders upstream HTML or runs upstream script under
/// the proxy's origin. Nothing of the declared value is passed on but its type.
fn content_type(headers: &HeaderMap, body: &[u8]) -> Option<HeaderValue> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap_or_default().to_ascii_lowercase());
    let mut parts = declared.as_deref().unwrap_or_default().split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if essence == "application/json" || essence.ends_with("+json") {
        let utf8 = parts.any(|parameter| {
            parameter.split_once('=').is_some_and(|(name, value)| {
                name.trim() == "charset" && value.trim().trim_matches('"') == "utf-8"
            })
        });
        Some(HeaderValue::from_static(if utf8 {
            "application/json; charset=utf-8"
        } else {
            "application/json"
        }))
    } else if body.is_empty() && declared.is_none() {
        None
    } else {
        Some(HeaderValue::from_static("text/plain; charset=utf-8"))
    }
}

/// `Retry-After` as delta-seconds (at most a day) or an HTTP-date, rewritten from the
/// parsed value; anything else is dropped.
fn retry_after(headers: &HeaderMap) -> Option<HeaderValue> {
    let text = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if !text.is_empty() && text.len() <= 10 && text.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: u64 = text.parse().ok()?;
        return (seconds <= MAX_RETRY_AFTER_SECONDS).then(|| HeaderValue::from(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    HeaderValue::from_str(&httpdate::fmt_http_date(date)).ok()
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
            gzip: None,
        }
    }

    #[test]
    fn only_the_routes_statuses_pass() {
        for status in PASSED_STATUSES {
            assert!(
                Answer::check(upstream(status, None, ""), &token("tok_passed"), None).is_ok(),
                "{status}"
            );
        }
        for status in [
            101, 204, 206, 301, 302, 304, 307, 402, 407, 418, 451, 501, 511,
        ] {
            assert_eq!(
                Answer::check(upstream(status, None, ""), &token("tok_passed"), None).err(),
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
            Answer::check(leak, &token("tok_secret"), None).err(),
            Some(Rejected::HoldsToken)
        );
    }

    #[test]
    fn non_json_bodies_become_plain_text() {
        let kind = |ct: Option<&str>, body: &str| {
            Answer::check(upstream(502, ct, body), &token("zz-secret"), None)
                .expect("passed")
                .content_type
                .map(|v| v.to_str().expect("text").to_owned())
        };
        assert_eq!(
            kind(Some("application/json"), "{}").as_deref(),
            Some("application/json")
        );
        assert_eq!(
            kind(Some("application/problem+json; charset=UTF-8"), "{}").as_deref(),
            Some("application/json; charset=utf-8")
        );
        // Parameters other than a UTF-8 charset are not passed on, whatever they hold.
        assert_eq!(
            kind(Some(r#"application/json; echo="Token zz-secret""#), "{}").as_deref(),
            Some("application/json")
        );
        assert_eq!(
            kind(Some("application/json; charset=latin1"), "{}").as_deref(),
            Some("application/json")
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

    fn with_retry_after(value: &str) -> Option<String> {
        let mut answer = upstream(429, Some("application/json"), "{}");
        answer.headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_str(value).expect("value"),
        );
        Answer::check(answer, &token("zz-secret"), None)
            .expect("passed")
            .retry_after
            .map(|v| v.to_str().expect("text").to_owned())
    }

    #[test]
    fn retry_after_passes_only_as_seconds_or_a_date() {
        assert_eq!(with_retry_after("7").as_deref(), Some("7"));
        assert_eq!(with_retry_after(" 0120 ").as_deref(), Some("120"));
        assert_eq!(
            with_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").as_deref(),
            Some("Wed, 21 Oct 2015 07:28:00 GMT")
        );
        // The obsolete formats are read and written in the one preferred format.
        assert_eq!(
            with_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT").as_deref(),
            Some("Wed, 21 Oct 2015 07:28:00 GMT")
        );
        for dropped in [
            "Token zz-secret",
            "7, Token zz-secret",
            "-1",
            "1.5",
            "86401",
            "99999999999999999999",
            "Wed, 21 Oct 2015 07:28:00 GMT Token zz-secret",
            "",
        ] {
            assert_eq!(with_retry_after(dropped), None, "{dropped:?}");
        }
    }

    #[test]
    fn a_json_escaped_token_is_found_too() {
        for body in [
            r#"{"echo":"\u0054oken \u007a\u007A-secret"}"#,
            r#"{"echo":"zz\u002dsecret"}"#,
            r#"{"echo":"zz-secre\u0074"}"#,
            r#"{"echo":"\"\b\f\n\r\t\\\/ \u0000zz-secret"}"#,
        ] {
            let leak = upstream(200, Some("application/json"), body);
            assert_eq!(
                Answer::check(leak, &token("zz-secret"), None).err(),
                Some(Rejected::HoldsToken),
                "{body}"
            );
        }
        // An escaped backslash before a `u` is a backslash, not an escape.
        let safe = upstream(
            200,
            Some("application/json"),
            r#"{"echo":"\\u007a\u007A-secret"}"#,
        );
        assert!(Answer::check(safe, &token("zz-secret"), None).is_ok());
    }

    #[test]
    fn the_owner_field_is_read_from_a_200_object_only() {
        let owner = |status: u16, body: &str| {
            Answer::check(
                upstream(status, Some("application/json"), body),
                &token("zz-secret"),
                Some("dataset_id"),
            )
            .expect("passed")
            .owner
        };
        assert_eq!(
            owner(
                200,
                r#"{"import_id":"i","dataset_id":"d-1","errors":[{"dataset_id":"x"}]}"#
            ),
            Owner::Named(Arc::from("d-1"))
        );
        assert_eq!(owner(200, r#"{"import_id":"i"}"#), Owner::Absent);
        assert_eq!(owner(200, r#"{"dataset_id":null}"#), Owner::Absent);
        for unreadable in [
            r#"{"dataset_id":7}"#,
            r#"{"dataset_id":"a","dataset_id":"b"}"#,
            r#"["dataset_id"]"#,
            "not json",
            r#"{"dataset_id":"a"} trailing"#,
        ] {
            assert_eq!(owner(200, unreadable), Owner::Unreadable, "{unreadable}");
        }
        assert_eq!(owner(404, r#"{"dataset_id":"d-1"}"#), Owner::NotRead);
    }
}
