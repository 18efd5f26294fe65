//! The Prolific API token: never printed, never logged.

use crate::error::StartError;
use std::fmt;

use axum::http::HeaderValue;

/// The environment variable the token may be read from.
pub const TOKEN_ENV: &str = "PROLIFIC_TOKEN";

/// The file name of the token among systemd's credentials (`LoadCredential=`), read
/// from `$CREDENTIALS_DIRECTORY`.
pub const CREDENTIAL_NAME: &str = "prolific-token";

/// The shortest value accepted as a token.
pub const MIN_TOKEN_LEN: usize = 8;

/// A Prolific API token. `Debug` prints a placeholder, never the value; there is no
/// `Display`.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Reads the token from, in this order: `file` (`--token-file`), [`TOKEN_ENV`],
    /// `$CREDENTIALS_DIRECTORY/prolific-token`. Then [`TOKEN_ENV`] is removed from the
    /// process environment, so that nothing started later (and no crash reporter) sees
    /// it. The error says what to set.
    ///
    /// Call it before any other thread is started: changing the environment while
    /// another thread reads it is undefined behaviour on most platforms.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, StartError> {
        let from_env = std::env::var(TOKEN_ENV);
        remove_token_from_environment();
        if let Some(path) = file {
            return Self::from_file(path, "--token-file");
        }
        match from_env {
            Ok(value) => return Self::new(value),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(format!("{TOKEN_ENV} is not valid text").into());
            }
            Err(std::env::VarError::NotPresent) => {}
        }
        if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") {
            let path = std::path::Path::new(&dir).join(CREDENTIAL_NAME);
            if path.exists() {
                return Self::from_file(&path, "$CREDENTIALS_DIRECTORY");
            }
        }
        Err(format!(
            "no token: export {TOKEN_ENV}=<your Prolific API token>, or pass --token-file FILE, \
             or give systemd a credential named {CREDENTIAL_NAME} \
             (create a token in Prolific under Settings → API tokens)"
        )
        .into())
    }

    fn from_file(path: &std::path::Path, source: &str) -> Result<Self, StartError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{source}: cannot read {}: {e}", path.display()))?;
        Self::new(text).map_err(|e| format!("{source} {}: {e}", path.display()).into())
    }

    /// Wraps a token value; refuses an empty one or one that cannot be a header.
    pub fn new(value: String) -> Result<Self, StartError> {
        let value = value.trim().to_owned();
        if value.is_empty() {
            return Err("the token is empty".to_owned().into());
        }
        // Prolific's tokens are long; a short value is a mistake, and one that would also
        // turn every answer that happens to contain it into a 502 (see `serve::answer`).
        if value.len() < MIN_TOKEN_LEN {
            return Err(format!(
                "the token is {} characters long: too short to be a Prolific API token",
                value.len()
            )
            .into());
        }
        if HeaderValue::from_str(&value).is_err() {
            return Err("the token holds characters an HTTP header cannot carry"
                .to_owned()
                .into());
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

impl Token {
    /// Whether `bytes` hold the token anywhere (an upstream echoing it back).
    pub fn is_in(&self, bytes: &[u8]) -> bool {
        memchr::memmem::find(bytes, self.0.as_bytes()).is_some()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

// The one unsafe operation in the proxy: since Rust 2024 changing the environment is
// unsafe because another thread may read it at the same time. `Token::load` runs in
// `main` before the runtime or any thread is started.
#[allow(unsafe_code)]
fn remove_token_from_environment() {
    if std::env::var_os(TOKEN_ENV).is_some() {
        // SAFETY: called before any other thread exists (see `Token::load`).
        unsafe { std::env::remove_var(TOKEN_ENV) };
    }
}
