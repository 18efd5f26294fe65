//! Errors: the body Prolific sends with a failed request ([`ApiError`]) and the one
//! error type the client returns ([`ClientError`]).

use serde::{Deserialize, Deserializer};
use std::fmt;

use super::lenient::decimal;
use super::retry_after::RetryAfter;

/// The most characters of one text the widget shows from an error body.
pub const MAX_ERROR_TEXT: usize = 500;
/// The most entries of a detail list or field map the widget shows.
const MAX_ERROR_ITEMS: usize = 20;
/// The most texts read from one error body (the rest is not shown anyway).
const MAX_LEAVES: usize = 200;

/// The error body of a failed Prolific request, in whatever shape it came.
///
/// Reads the documented shape `{"error": {status, error_code, title, detail, …}}` (with
/// `detail` a string, a list of strings or objects, or a field map whose values may be
/// `null`), and also `{"error": "text"}`, `{"message", "detail"}`, `{"detail"}`,
/// `{"type", "message"}`, a validation shape with an `issues` list, and any other JSON:
/// whatever human text it carries is kept (each text at most [`MAX_ERROR_TEXT`]
/// characters). [`ApiError::from_body`] reads plain-text bodies too.
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
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorDetail {
    /// One message.
    Text(String),
    /// Several messages.
    List(Vec<String>),
    /// Validation messages per field, in the order sent (a field sent as `null` has none).
    Fields(Vec<(String, Vec<String>)>),
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

    /// Reads a non-2xx body: any JSON as [`ApiError`]'s `Deserialize` does, plain text as
    /// one detail. An HTML page, an empty body, or a body with no text in it gives
    /// `None` (the status line says it all).
    pub fn from_body(body: &[u8], content_type: Option<&str>) -> Option<ApiError> {
        let body = body
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(body)
            .trim_ascii();
        if body.is_empty() {
            return None;
        }
        // From the bytes, as the models are read: one serde_json reader in the bundle.
        if let Ok(error) = serde_json::from_slice::<ApiError>(body) {
            return (error != ApiError::default()).then_some(error);
        }
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        let html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"))
            || text.starts_with('<');
        (!html).then(|| ApiError {
            detail: Some(ErrorDetail::Text(clip(text))),
            ..ApiError::default()
        })
    }

    /// Whether the body says the account may not use the feature (Prolific answers a
    /// workspace without AI Task Builder datasets this way, usually with a 404).
    pub fn denies_feature(&self) -> bool {
        let text = self.summary().to_ascii_lowercase();
        text.contains("permission") && text.contains("feature")
    }
}

/// `text` cut to [`MAX_ERROR_TEXT`] characters, with an ellipsis when cut.
fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_ERROR_TEXT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Every text (string, number, boolean; `null` as `None`) in a JSON value, with its
/// path (`error.detail.name[0]`), in document order, and whether it was a string.
#[derive(Default)]
struct Leaves(Vec<(String, Option<String>, bool)>);

/// Walks one JSON value under `prefix`, adding its texts to `out`.
struct Walk<'a> {
    prefix: String,
    out: &'a mut Leaves,
}

impl Walk<'_> {
    fn leaf(self, text: Option<String>, string: bool) {
        if self.out.0.len() < MAX_LEAVES {
            self.out
                .0
                .push((self.prefix, text.map(|t| clip(&t)), string));
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.leaf(None, false);
        Ok(())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.leaf(Some(v.to_string()), false);
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.leaf(Some(v.to_string()), false);
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.leaf(Some(v.to_string()), false);
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.leaf(Some(decimal(v)), false);
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.leaf(Some(v.to_owned()), true);
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let seed = Walk {
                prefix: format!("{}[{i}]", self.prefix),
                out: &mut *self.out,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let prefix = if self.prefix.is_empty() {
                key.into_owned()
            } else {
                format!("{}.{key}", self.prefix)
            };
            map.next_value_seed(Walk {
                prefix,
                out: &mut *self.out,
            })?;
        }
        Ok(())
    }
}

/// Keys whose text is the human message of an object in a list.
const MESSAGE_KEYS: [&str; 6] = ["message", "msg", "detail", "reason", "title", "description"];

impl Leaves {
    /// The first non-empty text at exactly one of `paths`.
    fn first(&self, paths: &[&str]) -> Option<String> {
        paths.iter().find_map(|p| {
            self.0
                .iter()
                .find(|(path, text, _)| path == p && text.as_deref().is_some_and(|t| !t.is_empty()))
                .and_then(|(_, text, _)| text.clone())
        })
    }

    /// The leaves under `base` (itself included), with the rest of their paths.
    fn under<'a>(&'a self, base: &'a str) -> impl Iterator<Item = (&'a str, &'a Option<String>)> {
        self.0.iter().filter_map(move |(path, text, _)| {
            let rest = if base.is_empty() {
                Some(path.as_str())
            } else {
                path.strip_prefix(base)
            }?;
            (rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
                .then_some((rest, text))
        })
    }

    /// The detail found under `base`: a text, a list (of strings, or of objects by their
    /// message), or a field map.
    fn detail(&self, base: &str) -> Option<ErrorDetail> {
        let leaves: Vec<_> = self.under(base).collect();
        match leaves.first() {
            None => None,
            Some(("", text)) => text
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(|t| ErrorDetail::Text(t.to_owned())),
            Some((rest, _)) if rest.starts_with('[') => {
                // One entry per element: its message, after its field or location if any.
                let mut items: Vec<(String, Vec<(&str, &str)>)> = Vec::new();
                for (rest, text) in &leaves {
                    let end = rest.find(']').map_or(rest.len(), |e| e + 1);
                    let (element, inner) = rest.split_at(end);
                    let inner = inner.trim_start_matches('.');
                    let Some(text) = text.as_deref().filter(|t| !t.is_empty()) else {
                        continue;
                    };
                    match items.last_mut() {
                        Some((e, parts)) if e == element => parts.push((inner, text)),
                        _ => items.push((element.to_owned(), vec![(inner, text)])),
                    }
                }
                let mut list = Vec::with_capacity(items.len().min(MAX_ERROR_ITEMS));
                for (_, parts) in items.iter().take(MAX_ERROR_ITEMS) {
                    list.push(element_text(parts));
                }
                (!list.is_empty()).then_some(ErrorDetail::List(list))
            }
            Some(_) => {
                let mut fields: Vec<(String, Vec<String>)> = Vec::new();
                for (rest, text) in &leaves {
                    let rest = rest.trim_start_matches('.');
                    let end = rest.find(['.', '[']).unwrap_or(rest.len());
                    let field = &rest[..end];
                    let message = text.as_deref().filter(|t| !t.is_empty()).map(str::to_owned);
                    match fields.iter().position(|(f, _)| f == field) {
                        Some(at) => fields[at].1.extend(message),
                        None if fields.len() < MAX_ERROR_ITEMS => {
                            fields.push((field.to_owned(), message.into_iter().collect()))
                        }
                        None => {}
                    }
                }
                (!fields.is_empty()).then_some(ErrorDetail::Fields(fields))
            }
        }
    }
}

/// The text of one list element from its leaves (`inner` path, text): a bare string,
/// or the message of an object, prefixed by its field or location when it names one.
fn element_text(parts: &[(&str, &str)]) -> String {
    if let [("", text)] = parts {
        return (*text).to_owned();
    }
    let find = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| parts.iter().find(|(p, _)| p == k).map(|(_, t)| *t))
    };
    let message = find(&MESSAGE_KEYS).map(str::to_owned).unwrap_or_else(|| {
        // No message key: every text of the element, with its key.
        let mut all = String::new();
        for (p, t) in parts {
            if !all.is_empty() {
                all.push_str(", ");
            }
            if !p.is_empty() {
                all.push_str(p);
                all.push_str(": ");
            }
            all.push_str(t);
        }
        all
    });
    let mut place = String::new();
    for (_, t) in parts
        .iter()
        .filter(|(p, _)| p.starts_with("loc[") || *p == "field")
    {
        if !place.is_empty() {
            place.push('.');
        }
        place.push_str(t);
    }
    if place.is_empty() {
        message
    } else {
        format!("{place}: {message}")
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut leaves = Leaves::default();
        d.deserialize_any(Walk {
            prefix: String::new(),
            out: &mut leaves,
        })?;
        let number = |paths: &[&str]| leaves.first(paths).and_then(|t| t.parse::<i64>().ok());
        let detail = ["error.detail", "detail", "error.errors", "errors", "issues"]
            .iter()
            .find_map(|base| leaves.detail(base));
        let title = leaves.first(&[
            "error.title",
            "error.message",
            "error",
            "title",
            "message",
            "error_description",
        ]);
        let mut error = ApiError {
            status: number(&["error.status", "status"]).and_then(|n| u16::try_from(n).ok()),
            error_code: number(&["error.error_code", "error_code", "code"]),
            additional_information: leaves
                .first(&["error.additional_information", "additional_information"]),
            traceback: leaves.first(&["error.traceback", "traceback"]),
            interactive: leaves.first(&["error.interactive"]).map(|t| t == "true"),
            title,
            detail,
        };
        if error.title.is_none() && error.detail.is_none() {
            // No known key: every text it carries, but the numbers and the traceback.
            let texts: Vec<String> = leaves
                .0
                .iter()
                .filter(|(path, _, string)| *string && !path.ends_with("traceback"))
                .filter_map(|(_, text, _)| text.clone())
                .take(MAX_ERROR_ITEMS)
                .collect();
            error.detail = match texts.len() {
                0 => None,
                1 => texts.into_iter().next().map(ErrorDetail::Text),
                _ => Some(ErrorDetail::List(texts)),
            };
        } else if let Some(kind) = leaves.first(&["type"]) {
            // `{"type", "message"}` and validation bodies name their kind in `type`.
            if error.additional_information.is_none() && !kind.contains(' ') {
                error.additional_information = Some(format!("Error type: {kind}"));
            }
        }
        Ok(error)
    }
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
    /// A plain technical description (for logs and developers); the words shown to
    /// people are the presentation layer's (`view::present::error_headline`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::InvalidConfig(why) => write!(f, "invalid configuration: {why}"),
            ClientError::Network(why) => write!(f, "network error: {why}"),
            ClientError::Timeout { after_ms } => write!(f, "no answer within {after_ms} ms"),
            ClientError::Http { status, body, .. } => {
                write!(f, "HTTP {status}")?;
                match body.as_deref().map(ApiError::summary) {
                    Some(summary) if !summary.is_empty() => write!(f, ": {summary}"),
                    _ => Ok(()),
                }
            }
            ClientError::Decode { path, message } => {
                write!(f, "undecodable response at `{path}`: {message}")
            }
        }
    }
}

impl std::error::Error for ClientError {}
