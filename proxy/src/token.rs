//! The Prolific API token: never printed, never logged.

use std::fmt;

use axum::http::HeaderValue;

/// The environment variable the token is read from (the only place it comes from).
pub const TOKEN_ENV: &str = "PROLIFIC_TOKEN";

/// A Prolific API token. `Debug` prints a placeholder, never the value; there is no
/// `Display`.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Reads the token from [`TOKEN_ENV`]; the error says what to set.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(TOKEN_ENV) {
            Ok(value) => Self::new(value),
            Err(std::env::VarError::NotPresent) => Err(format!(
                "{TOKEN_ENV} is not set: export {TOKEN_ENV}=<your Prolific API token> \
                 (create one in Prolific under Settings → API tokens)"
            )),
            Err(std::env::VarError::NotUnicode(_)) => Err(format!("{TOKEN_ENV} is not valid text")),
        }
    }

    /// Wraps a token value; refuses an empty one or one that cannot be a header.
    pub fn new(value: String) -> Result<Self, String> {
        let value = value.trim().to_owned();
        if value.is_empty() {
            return Err(format!("{TOKEN_ENV} is empty"));
        }
        if HeaderValue::from_str(&value).is_err() {
            return Err(format!(
                "{TOKEN_ENV} holds characters an HTTP header cannot carry"
            ));
        }
        Ok(Self(value))
    }

    /// The `Authorization` header value, marked sensitive so that no layer logs it.
    pub fn authorization(&self) -> HeaderValue {
        let mut value = HeaderValue::from_str(&format!("Token {}", self.0))
            .unwrap_or_else(|_| HeaderValue::from_static("Token"));
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}
