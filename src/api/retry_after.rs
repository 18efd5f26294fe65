//! The `Retry-After` header: a number of seconds or an HTTP date.

use std::time::{Duration, UNIX_EPOCH};

/// When a server asked to be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// After this many seconds.
    Seconds(u64),
    /// At this moment, in milliseconds since the Unix epoch.
    At {
        /// Milliseconds since 1970-01-01T00:00:00Z.
        epoch_ms: u64,
    },
}

impl RetryAfter {
    /// Parses a header value; `None` for anything that is neither form.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            // Absurdly long digit strings saturate rather than fail.
            return Some(Self::Seconds(value.parse().unwrap_or(u64::MAX)));
        }
        let at = httpdate::parse_http_date(value).ok()?;
        let since_epoch = at.duration_since(UNIX_EPOCH).ok()?;
        Some(Self::At {
            epoch_ms: u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// How long to wait from `now_epoch_ms`; a date in the past means now.
    pub fn delay_from(&self, now_epoch_ms: u64) -> Duration {
        match *self {
            Self::Seconds(s) => Duration::from_secs(s),
            Self::At { epoch_ms } => Duration::from_millis(epoch_ms.saturating_sub(now_epoch_ms)),
        }
    }
}
