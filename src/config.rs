//! What the widget watches and where it asks, in two steps (as ripgrep's low-level and
//! high-level arguments): a [`RawConfig`] holds what the demo page's query string, the
//! custom element's attributes or the options object of `mount()` gave, as given; its
//! [`RawConfig::validate`] is the one place that checks ids, clamps numbers and fills in
//! defaults, giving a [`MonitorConfig`].

use std::fmt;

pub mod input;
pub mod query;

pub use crate::api::DEFAULT_REQUEST_TIMEOUT_MS;
use crate::api::{DatasetId, ImportId, InvalidId};

/// Default delay between polls of a running import.
pub const DEFAULT_POLL_INTERVAL_MS: u32 = 2_000;
/// The shortest poll interval accepted; smaller values are raised to it.
pub const MIN_POLL_INTERVAL_MS: u32 = 500;
/// The longest poll interval accepted; larger values are lowered to it.
pub const MAX_POLL_INTERVAL_MS: u32 = 600_000;
/// The shortest request timeout accepted; smaller values are raised to it.
pub const MIN_REQUEST_TIMEOUT_MS: u32 = 100;
/// The longest request timeout accepted; larger values are lowered to it.
pub const MAX_REQUEST_TIMEOUT_MS: u32 = 120_000;

/// A validated widget configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorConfig {
    /// The proxy base URL; empty means the page's own origin.
    pub proxy_url: String,
    /// The dataset to show.
    pub dataset_id: DatasetId,
    /// The import to follow, if any.
    pub import_id: Option<ImportId>,
    /// Delay between polls of a running import, in milliseconds (clamped).
    pub poll_interval_ms: u32,
    /// Light, dark, or following the system.
    pub theme: Theme,
    /// Client-side limit for one request, in milliseconds (clamped).
    pub request_timeout_ms: u32,
    /// Whether a running followed import offers "Notify me when it finishes".
    pub notify: bool,
}

/// The colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Reads `light`, `dark` or `auto` (any other value means auto).
    pub fn parse(value: &str) -> Self {
        match value.trim().to_ascii_lowercase().as_str() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// The value of the root's `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// An id is missing or not a UUID.
    Id(InvalidId),
    /// The poll interval is not a number of milliseconds.
    PollInterval(String),
    /// The request timeout is not a number of milliseconds.
    RequestTimeout(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Id(e) => e.fmt(f),
            ConfigError::PollInterval(v) => write!(
                f,
                "the poll interval {v:?} is not a whole number of milliseconds"
            ),
            ConfigError::RequestTimeout(v) => write!(
                f,
                "the request timeout {v:?} is not a whole number of milliseconds"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl From<InvalidId> for ConfigError {
    fn from(e: InvalidId) -> Self {
        ConfigError::Id(e)
    }
}

/// The configuration as it was given, before any check: by the demo page's query string
/// ([`RawConfig::from_query`], snake_case keys), or by the options object of `mount()`,
/// which the custom element also builds from its attributes (deserialized: camelCase
/// keys, an unknown key refused, numbers as numbers or text).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawConfig {
    /// The dataset to show (required by `mount()`; `""` is refused by `validate`).
    pub dataset_id: String,
    /// The import to follow (`""` means none).
    #[serde(default)]
    pub import_id: Option<String>,
    /// The proxy base URL; absent means the page's origin.
    #[serde(default)]
    pub proxy_url: Option<String>,
    /// Milliseconds between polls.
    #[serde(default)]
    pub poll_interval: Option<NumberOrText>,
    /// `light`, `dark` or `auto`.
    #[serde(default)]
    pub theme: Option<String>,
    /// Client-side request limit in milliseconds.
    #[serde(default)]
    pub request_timeout: Option<NumberOrText>,
    /// Offer "Notify me when it finishes" (off unless given; the bare attribute, `true`
    /// or any text but `false`, `0`, `off` and `no` turns it on).
    #[serde(default)]
    pub notify: Option<Flag>,
}

/// A switch given as a JS boolean or as text (an attribute's presence is `""`: on).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum Flag {
    /// A boolean.
    Bool(bool),
    /// Text: `false`, `0`, `off` and `no` (any case) are off, anything else on.
    Text(String),
}

impl Flag {
    /// Whether the switch is on.
    pub fn is_on(&self) -> bool {
        match self {
            Flag::Bool(on) => *on,
            Flag::Text(text) => !matches!(
                text.trim().to_ascii_lowercase().as_str(),
                "false" | "0" | "off" | "no"
            ),
        }
    }
}

/// A number given as a JS number or as text (attributes and query strings are text).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    /// A number.
    Number(f64),
    /// Text, read as a whole number of milliseconds.
    Text(String),
}

/// The page's query-string keys of the configuration, in the order they are read.
pub const QUERY_KEYS: [&str; 7] = [
    "dataset_id",
    "import_id",
    "proxy_url",
    "poll_interval",
    "theme",
    "request_timeout",
    "notify",
];

impl RawConfig {
    /// Reads the query-string keys ([`QUERY_KEYS`]: `dataset_id`, `import_id`,
    /// `proxy_url`, `poll_interval`, `theme`, `request_timeout`, `notify`) through `get`;
    /// other keys are never asked for.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let mut raw = Self::default();
        for key in QUERY_KEYS {
            if let Some(value) = get(key) {
                raw.set(key, value);
            }
        }
        raw
    }

    /// Reads named values with the query-string keys; unknown keys are ignored, and a key
    /// given twice keeps its last value.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut raw = Self::default();
        for (key, value) in pairs {
            raw.set(key, value.to_owned());
        }
        raw
    }

    fn set(&mut self, key: &str, value: String) {
        match key {
            "dataset_id" => self.dataset_id = value,
            "import_id" => self.import_id = Some(value),
            "proxy_url" => self.proxy_url = Some(value),
            "poll_interval" => self.poll_interval = Some(NumberOrText::Text(value)),
            "theme" => self.theme = Some(value),
            "request_timeout" => self.request_timeout = Some(NumberOrText::Text(value)),
            "notify" => self.notify = Some(Flag::Text(value)),
            _ => {}
        }
    }

    /// Checks the ids (hyphenated UUIDs; an empty import id means none), clamps the
    /// numbers into their limits and fills in the defaults.
    pub fn validate(&self) -> Result<MonitorConfig, ConfigError> {
        let dataset_id = DatasetId::parse(&self.dataset_id)?;
        let import_id = match self.import_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(value) => Some(ImportId::parse(value)?),
        };
        let poll_interval_ms = match &self.poll_interval {
            None => DEFAULT_POLL_INTERVAL_MS,
            Some(NumberOrText::Text(text)) => parse_poll_interval(text)?,
            Some(NumberOrText::Number(n)) => {
                number_ms(*n, MIN_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS)
                    .ok_or_else(|| ConfigError::PollInterval(non_finite(*n).to_owned()))?
            }
        };
        let request_timeout_ms = match &self.request_timeout {
            None => DEFAULT_REQUEST_TIMEOUT_MS,
            Some(NumberOrText::Text(text)) => parse_ms(
                text,
                DEFAULT_REQUEST_TIMEOUT_MS,
                MIN_REQUEST_TIMEOUT_MS,
                MAX_REQUEST_TIMEOUT_MS,
            )
            .ok_or_else(|| ConfigError::RequestTimeout(text.clone()))?,
            Some(NumberOrText::Number(n)) => {
                number_ms(*n, MIN_REQUEST_TIMEOUT_MS, MAX_REQUEST_TIMEOUT_MS)
                    .ok_or_else(|| ConfigError::RequestTimeout(non_finite(*n).to_owned()))?
            }
        };
        Ok(MonitorConfig {
            proxy_url: self.proxy_url.as_deref().unwrap_or("").trim().to_owned(),
            dataset_id,
            import_id,
            poll_interval_ms,
            theme: Theme::parse(self.theme.as_deref().unwrap_or("")),
            request_timeout_ms,
            notify: self.notify.as_ref().is_some_and(Flag::is_on),
        })
    }
}

impl MonitorConfig {
    /// Reads and validates named values with the query-string keys
    /// ([`RawConfig::from_pairs`], then [`RawConfig::validate`]).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ConfigError> {
        RawConfig::from_pairs(pairs).validate()
    }
}

/// Reads a poll interval in milliseconds; empty means the default, and values outside
/// [`MIN_POLL_INTERVAL_MS`]..=[`MAX_POLL_INTERVAL_MS`] are clamped into it.
pub fn parse_poll_interval(value: &str) -> Result<u32, ConfigError> {
    parse_ms(
        value,
        DEFAULT_POLL_INTERVAL_MS,
        MIN_POLL_INTERVAL_MS,
        MAX_POLL_INTERVAL_MS,
    )
    .ok_or_else(|| ConfigError::PollInterval(value.trim().to_owned()))
}

/// A whole number of milliseconds, clamped to `min..=max`; empty means `default`.
/// Digit strings too long for any integer are clamped too.
fn parse_ms(value: &str, default: u32, min: u32, max: u32) -> Option<u32> {
    let value = value.trim();
    if value.is_empty() {
        return Some(default);
    }
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value.strip_prefix('+').unwrap_or(value)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if negative {
        return Some(min);
    }
    Some(clamp_ms(digits.parse().unwrap_or(u64::MAX), min, max))
}

/// A JS number of milliseconds, rounded and clamped to `min..=max`; `None` when it is
/// not finite.
fn number_ms(n: f64, min: u32, max: u32) -> Option<u32> {
    if !n.is_finite() {
        return None;
    }
    let rounded = n.round() as i64;
    Some(match u64::try_from(rounded) {
        Ok(n) => clamp_ms(n, min, max),
        Err(_) => min,
    })
}

fn clamp_ms(n: u64, min: u32, max: u32) -> u32 {
    u32::try_from(n.clamp(u64::from(min), u64::from(max))).unwrap_or(max)
}

/// How a number that is not finite is named in a message (as JS spells it; spelled out
/// rather than formatted: f64 formatting costs ~10 KB of wasm).
fn non_finite(n: f64) -> &'static str {
    if n.is_nan() {
        "NaN"
    } else if n > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}
