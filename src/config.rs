//! What the widget watches and where it asks: [`MonitorConfig`], read from the demo
//! page's query string (and, later, element attributes or a JS object).

use std::fmt;

use crate::api::{DatasetId, ImportId, InvalidId};

/// Default delay between polls of a running import.
pub const DEFAULT_POLL_INTERVAL_MS: u32 = 2_000;
/// The shortest poll interval accepted; smaller values are raised to it.
pub const MIN_POLL_INTERVAL_MS: u32 = 500;
/// The longest poll interval accepted; larger values are lowered to it.
pub const MAX_POLL_INTERVAL_MS: u32 = 600_000;

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
    /// Client-side limit for one request, in milliseconds.
    pub request_timeout_ms: u32,
}

/// Default client-side limit for one request.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 15_000;

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

impl MonitorConfig {
    /// Builds a configuration from named string values (query-string keys:
    /// `dataset_id`, `import_id`, `proxy_url`, `poll_interval`, `theme`). Unknown keys are ignored;
    /// an empty `import_id` means none.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ConfigError> {
        let (mut dataset, mut import, mut proxy, mut interval, mut theme, mut timeout) =
            ("", "", "", "", "", "");
        for (key, value) in pairs {
            match key {
                "dataset_id" => dataset = value,
                "import_id" => import = value,
                "proxy_url" => proxy = value,
                "poll_interval" => interval = value,
                "theme" => theme = value,
                "request_timeout" => timeout = value,
                _ => {}
            }
        }
        let dataset_id = DatasetId::parse(dataset)?;
        let import_id = match import.trim() {
            "" => None,
            value => Some(ImportId::parse(value)?),
        };
        Ok(MonitorConfig {
            proxy_url: proxy.trim().to_owned(),
            dataset_id,
            import_id,
            poll_interval_ms: parse_poll_interval(interval)?,
            theme: Theme::parse(theme),
            request_timeout_ms: parse_ms(timeout, DEFAULT_REQUEST_TIMEOUT_MS, 100, 120_000)
                .map_err(|_| ConfigError::RequestTimeout(timeout.to_owned()))?,
        })
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
    .map_err(|_| ConfigError::PollInterval(value.trim().to_owned()))
}

/// A whole number of milliseconds, clamped to `min..=max`; empty means `default`.
/// Digit strings too long for any integer are clamped too.
fn parse_ms(value: &str, default: u32, min: u32, max: u32) -> Result<u32, ()> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(default);
    }
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value.strip_prefix('+').unwrap_or(value)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    if negative {
        return Ok(min);
    }
    let n: u64 = digits.parse().unwrap_or(u64::MAX);
    Ok(u32::try_from(n.clamp(u64::from(min), u64::from(max))).unwrap_or(max))
}

/// The options object of the JS `mount(element, options)` (and of the custom element's
/// attributes): camelCase keys; numbers may come as numbers or strings.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MountOptions {
    /// The dataset to show (required; `""` renders a configuration error).
    pub dataset_id: String,
    /// The import to follow.
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
}

/// A number given as a JS number or as text (attributes are always text).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    /// A number.
    Number(f64),
    /// Text, parsed like a query-string value.
    Text(String),
}

impl NumberOrText {
    fn to_text(&self) -> String {
        match self {
            NumberOrText::Number(n) if n.is_finite() => format!("{}", n.round() as i64),
            // Spelled out rather than formatted: f64 formatting costs ~10 KB of wasm.
            NumberOrText::Number(n) if n.is_nan() => "NaN".to_owned(),
            NumberOrText::Number(n) if *n > 0.0 => "Infinity".to_owned(),
            NumberOrText::Number(_) => "-Infinity".to_owned(),
            NumberOrText::Text(t) => t.clone(),
        }
    }
}

impl MountOptions {
    /// The configuration these options describe.
    pub fn to_config(&self) -> Result<MonitorConfig, ConfigError> {
        let interval = self.poll_interval.as_ref().map(NumberOrText::to_text);
        let timeout = self.request_timeout.as_ref().map(NumberOrText::to_text);
        MonitorConfig::from_pairs([
            ("dataset_id", self.dataset_id.as_str()),
            ("import_id", self.import_id.as_deref().unwrap_or("")),
            ("proxy_url", self.proxy_url.as_deref().unwrap_or("")),
            ("poll_interval", interval.as_deref().unwrap_or("")),
            ("theme", self.theme.as_deref().unwrap_or("")),
            ("request_timeout", timeout.as_deref().unwrap_or("")),
        ])
    }
}
