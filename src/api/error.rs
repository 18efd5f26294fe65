//! Errors: the body Prolific sends with a failed request ([`ApiError`]) and the one
//! error type the client returns ([`ClientError`]).

use serde::{Deserialize, Deserializer};
use std::fmt;

use super::retry_after::RetryAfter;

/// The error body of a failed Prolific request.
///
/// Reads the documented shape `{"error": {status, error_code, title, detail, …}}` and
/// the flat `{"message", "detail"}` shape some endpoints send.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiError {
    /// The HTTP status the body states.
    pub status: Option<u16>,
    /// Prolific's internal error code.
    pub error_code: Option<i64>,
    /// A short title (the flat shape's `message`).
    pub title: Option<String>,
    /// What went wrong, in one of three forms.
    pub detail: Option<ErrorDetail>,
    /// Extra information, if any.
    pub additional_information: Option<String>,
    /// Debug information, if any.
    pub traceback: Option<String>,
    /// Whether the error is meant to be shown interactively.
    pub interactive: Option<bool>,
}

/// The `detail` of an error body.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ErrorDetail {
    /// One message.
    Text(String),
    /// Several messages.
    List(Vec<String>),
    /// Validation messages per field, in the order sent.
    Fields(#[serde(deserialize_with = "field_messages")] Vec<(String, Vec<String>)>),
}

impl ApiError {
    /// One line for people: the title and every detail message.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(title) = self.title.as_deref().filter(|t| !t.is_empty()) {
            parts.push(title.to_owned());
        }
        match &self.detail {
            Some(ErrorDetail::Text(text)) if !text.is_empty() => parts.push(text.clone()),
            Some(ErrorDetail::List(items)) => parts.extend(items.iter().cloned()),
            Some(ErrorDetail::Fields(fields)) => parts.extend(
                fields
                    .iter()
                    .map(|(field, messages)| format!("{field}: {}", messages.join(" "))),
            ),
            _ => {}
        }
        parts.dedup();
        parts.join(" — ")
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        struct Documented {
            #[serde(default)]
            status: Option<u16>,
            #[serde(default)]
            error_code: Option<i64>,
            #[serde(default)]
            title: Option<String>,
            #[serde(default, deserialize_with = "lenient_detail")]
            detail: Option<ErrorDetail>,
            #[serde(default)]
            additional_information: Option<String>,
            #[serde(default)]
            traceback: Option<String>,
            #[serde(default)]
            interactive: Option<bool>,
        }
        #[derive(Deserialize)]
        struct Envelope {
            #[serde(default)]
            error: Option<Documented>,
            #[serde(default)]
            message: Option<String>,
            #[serde(default, deserialize_with = "lenient_detail")]
            detail: Option<ErrorDetail>,
        }

        let envelope = Envelope::deserialize(d)?;
        if let Some(e) = envelope.error {
            return Ok(ApiError {
                status: e.status,
                error_code: e.error_code,
                title: e.title,
                detail: e.detail,
                additional_information: e.additional_information,
                traceback: e.traceback,
                interactive: e.interactive,
            });
        }
        if envelope.message.is_none() && envelope.detail.is_none() {
            return Err(serde::de::Error::custom(
                "not a Prolific error body: no `error`, `message` or `detail`",
            ));
        }
        Ok(ApiError {
            title: envelope.message,
            detail: envelope.detail,
            ..ApiError::default()
        })
    }
}

/// A `detail` in a shape none of the documented ones fit is dropped, not fatal.
fn lenient_detail<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ErrorDetail>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Lenient {
        Known(ErrorDetail),
        Unknown(serde::de::IgnoredAny),
    }
    Ok(match Option::<Lenient>::deserialize(d)? {
        Some(Lenient::Known(detail)) => Some(detail),
        _ => None,
    })
}

/// Reads `{field: [messages]}`, also accepting one message string per field.
fn field_messages<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Vec<String>)>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    struct Visit;
    impl<'de> serde::de::Visitor<'de> for Visit {
        type Value = Vec<(String, Vec<String>)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of field to messages")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((field, messages)) = map.next_entry::<String, OneOrMany>()? {
                let messages = match messages {
                    OneOrMany::One(m) => vec![m],
                    OneOrMany::Many(ms) => ms,
                };
                out.push((field, messages));
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit)
}

/// Everything that can go wrong when the widget asks the proxy for data, in the terms a
/// user can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// The configuration cannot produce a valid request (bad id, bad proxy URL).
    InvalidConfig(String),
    /// The request did not get an HTTP answer (proxy down, DNS, CORS, offline).
    Network(String),
    /// The request was abandoned after the client-side time limit.
    Timeout {
        /// The limit that passed, in milliseconds.
        after_ms: u32,
    },
    /// The server answered with a non-success status.
    Http {
        /// The HTTP status code.
        status: u16,
        /// The decoded Prolific error body, when the body was one.
        body: Option<Box<ApiError>>,
        /// When to try again, from `Retry-After`.
        retry_after: Option<RetryAfter>,
    },
    /// The server answered 2xx with a body the models could not read.
    Decode {
        /// Where in the JSON the decode failed (`imports[0].status`, say; `.` for the root).
        path: String,
        /// What was wrong there.
        message: String,
    },
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::InvalidConfig(why) => write!(f, "Configuration error: {why}"),
            ClientError::Network(why) => write!(
                f,
                "The request to the proxy failed ({why}). Check that the proxy is running, reachable from this page, and allows this page's origin."
            ),
            ClientError::Timeout { after_ms } => write!(
                f,
                "The proxy did not answer within {} s.",
                after_ms.div_ceil(1000)
            ),
            ClientError::Http { status, body, .. } => {
                let what = match *status {
                    400 => "The request was refused as malformed",
                    401 => {
                        "The proxy's Prolific token was rejected; ask its operator to check PROLIFIC_TOKEN"
                    }
                    403 => "The proxy's Prolific token may not read this dataset",
                    404 => "Not found: check the dataset id and import id",
                    429 => "Too many requests; waiting before the next try",
                    500..=599 => "The proxy or Prolific failed to answer",
                    _ => "The request failed",
                };
                write!(f, "{what} (HTTP {status})")?;
                match body.as_deref().map(ApiError::summary) {
                    Some(summary) if !summary.is_empty() => write!(f, ": {summary}"),
                    _ => Ok(()),
                }
            }
            ClientError::Decode { path, message } => {
                write!(f, "The response could not be read at `{path}`: {message}")
            }
        }
    }
}

impl std::error::Error for ClientError {}
