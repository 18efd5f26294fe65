//! The Prolific API token: never printed, never logged, never left in the environment,
//! and looked for in every upstream answer before it is passed on.

use crate::error::StartError;
use std::fmt;
use std::path::{Path, PathBuf};

use axum::http::HeaderValue;
use memchr::memmem::Finder;

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
pub struct Token {
    value: String,
    finder: Finder<'static>,
    source: TokenSource,
}

/// Where the token was read from, for the startup log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// `--token-file`, or systemd's credentials directory; `loose_mode` holds the file's
    /// permission bits when group or others may read it.
    File {
        /// The file.
        path: PathBuf,
        /// Its mode, when readable by group or others.
        loose_mode: Option<u32>,
    },
    /// The `PROLIFIC_TOKEN` environment variable.
    Environment,
    /// Given in code ([`Token::new`]).
    Given,
}

impl Token {
    /// Reads the token from, in this order: `file` (`--token-file`), [`TOKEN_ENV`],
    /// `$CREDENTIALS_DIRECTORY/prolific-token`. Then [`TOKEN_ENV`] is removed from the
    /// process environment, so that nothing started later (and no crash reporter) sees
    /// it. The error says what to set.
    ///
    /// # Safety
    ///
    /// No other thread may read or change the environment meanwhile: changing it while
    /// another thread reads it is undefined behaviour on most platforms, and the value's
    /// bytes are overwritten where they are. Call it in `main` before any thread starts.
    #[allow(unsafe_code)]
    pub unsafe fn load(file: Option<&Path>) -> Result<Self, StartError> {
        let from_env = std::env::var(TOKEN_ENV);
        remove_token_from_environment();
        if let Some(path) = file {
            return Self::from_file(path, "--token-file");
        }
        match from_env {
            Ok(value) => {
                let mut token = Self::new(value)?;
                token.source = TokenSource::Environment;
                return Ok(token);
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(format!("{TOKEN_ENV} is not valid text").into());
            }
            Err(std::env::VarError::NotPresent) => {}
        }
        if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") {
            let path = Path::new(&dir).join(CREDENTIAL_NAME);
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

    fn from_file(path: &Path, source: &str) -> Result<Self, StartError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{source}: cannot read {}: {e}", path.display()))?;
        let mut token = Self::new(text).map_err(|e| format!("{source} {}: {e}", path.display()))?;
        token.source = TokenSource::File {
            path: path.to_owned(),
            loose_mode: loose_mode(path),
        };
        Ok(token)
    }

    /// Where the token came from.
    pub fn source(&self) -> &TokenSource {
        &self.source
    }

    /// Logs where the token came from, with a warning where it could be kept better.
    pub fn log_source(&self) {
        match &self.source {
            TokenSource::File {
                path,
                loose_mode: Some(mode),
            } => tracing::warn!(
                file = %path.display(),
                mode = format_args!("{mode:04o}"),
                "the token file can be read by other users: `chmod 600` it"
            ),
            TokenSource::File { path, .. } => {
                tracing::info!(file = %path.display(), "token read from a file");
            }
            TokenSource::Environment => tracing::warn!(
                "token read from {TOKEN_ENV} and cleared from this process's environment; \
                 the shell, unit file or container that set it may still show it: prefer \
                 --token-file or a systemd credential"
            ),
            TokenSource::Given => {}
        }
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
        let finder = Finder::new(value.as_bytes()).into_owned();
        Ok(Self {
            value,
            finder,
            source: TokenSource::Given,
        })
    }

    /// The `Authorization` header value, marked sensitive so that no layer logs it.
    pub fn authorization(&self) -> HeaderValue {
        let mut value = HeaderValue::from_str(&format!("Token {}", self.value))
            .unwrap_or_else(|_| HeaderValue::from_static("Token"));
        value.set_sensitive(true);
        value
    }
}

impl Token {
    /// Whether `bytes` hold the token anywhere, as it is (an upstream echoing it back).
    pub fn is_in(&self, bytes: &[u8]) -> bool {
        self.finder.find(bytes).is_some()
    }

    /// Whether `bytes` hold the token as it is or with any of its characters written as
    /// a JSON escape (`\u0074`, `\/`): what a browser's JSON reader would turn back into
    /// the token. Bodies without a backslash, the usual case, are searched once.
    pub fn is_in_json(&self, bytes: &[u8]) -> bool {
        if self.is_in(bytes) {
            return true;
        }
        memchr::memchr(b'\\', bytes).is_some() && self.is_in(&unescape_json(bytes))
    }
}

/// `bytes` with every JSON string escape decoded. A `\u` escape of a character beyond
/// ASCII becomes the byte 0xFF, which no token (visible ASCII) holds; a malformed escape
/// stays as it is.
fn unescape_json(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(&rest[..at]);
        rest = &rest[at..];
        let (decoded, used) = match rest.get(1) {
            Some(b'"') => (b'"', 2),
            Some(b'\\') => (b'\\', 2),
            Some(b'/') => (b'/', 2),
            Some(b'b') => (0x08, 2),
            Some(b'f') => (0x0c, 2),
            Some(b'n') => (b'\n', 2),
            Some(b'r') => (b'\r', 2),
            Some(b't') => (b'\t', 2),
            Some(b'u') => match rest
                .get(2..6)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u16::from_str_radix(hex, 16).ok())
            {
                Some(unit) => (
                    u8::try_from(unit).ok().filter(u8::is_ascii).unwrap_or(0xFF),
                    6,
                ),
                None => (b'\\', 1),
            },
            _ => (b'\\', 1),
        };
        out.push(decoded);
        rest = &rest[used..];
    }
    out.extend_from_slice(rest);
    out
}

/// The permission bits of `path` when group or others may read it.
fn loose_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
        (mode & 0o044 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(<redacted>, from {:?})", self.source)
    }
}

// The proxy's only unsafe code: since Rust 2024 changing the environment is unsafe
// because another thread may read it at the same time. `Token::load` runs in `main`
// before the runtime or any thread is started.
#[allow(unsafe_code)]
fn remove_token_from_environment() {
    if std::env::var_os(TOKEN_ENV).is_some() {
        wipe_environment_value();
        // SAFETY: called before any other thread exists (see `Token::load`).
        unsafe { std::env::remove_var(TOKEN_ENV) };
    }
}

/// Overwrites the bytes of `PROLIFIC_TOKEN`'s value where they are. Removing the variable
/// only takes it out of the list libc keeps; the kernel shows the process's original
/// environment block in `/proc/PID/environ` (to the same user, and to root) for as long
/// as the process lives. Tools that set a process title (`setproctitle`) write there
/// the same way.
#[cfg(unix)]
#[allow(unsafe_code)]
fn wipe_environment_value() {
    unsafe extern "C" {
        static mut environ: *mut *mut std::ffi::c_char;
    }
    let prefix = format!("{TOKEN_ENV}=");
    // SAFETY: no other thread touches the environment (`Token::load`'s contract), so
    // nothing changes the list or its strings meanwhile. Every entry up to the null that ends the list is a
    // NUL-terminated string; the one written is assumed to be writable memory: the
    // block the kernel set up on the stack, or a copy libc made on the heap for `setenv`
    // (Rust's `set_var`). A string handed to `putenv` could be read-only, but nothing in
    // this process calls `putenv` before `main`'s first line. Only bytes before the
    // string's terminating NUL are written.
    unsafe {
        let mut entry = environ;
        if entry.is_null() {
            return;
        }
        while !(*entry).is_null() {
            let text = *entry;
            let length = std::ffi::CStr::from_ptr(text).count_bytes();
            let starts_with_prefix = length >= prefix.len()
                && std::slice::from_raw_parts(text.cast::<u8>(), prefix.len()) == prefix.as_bytes();
            if starts_with_prefix {
                std::ptr::write_bytes(text.add(prefix.len()), 0, length - prefix.len());
            }
            entry = entry.add(1);
        }
    }
}

#[cfg(not(unix))]
fn wipe_environment_value() {}
