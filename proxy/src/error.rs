//! The one error type of startup: why the proxy cannot start (a flag, a file, an
//! address, the token), in words for the person running it. `run::main` prints it as
//! `dataset-proxy: {message}` and exits with a failure status.
//!
//! It sits below every other module: it uses only `std`. Conversions from a module's own
//! error live with that error (`mock::scenario`).

use std::fmt;

/// Why `serve` or `mock` cannot start (or had to stop): one message that says what is
/// wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError(String);

impl StartError {
    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

impl From<String> for StartError {
    fn from(message: String) -> Self {
        Self(message)
    }
}

impl From<&str> for StartError {
    fn from(message: &str) -> Self {
        Self(message.to_owned())
    }
}
