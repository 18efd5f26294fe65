//! Serving the built widget beside the API, in either mode: the build and nothing else,
//! precompressed where the build wrote `.br` / `.gz` files, with a cache policy that
//! survives a redeploy.
//!
//! - A file whose name carries a content hash (`dataset-monitor-0123456789abcdef_bg.wasm`)
//!   never changes under that name: `Cache-Control: public, max-age=31536000, immutable`.
//! - Anything else (`index.html`, the npm package's entry module, a manifest) is
//!   `no-cache`: kept, but revalidated on every use with its `ETag` or `Last-Modified`
//!   (answered with 304), so a redeploy is seen at once and never leaves a cached page
//!   pointing at hashed files that are gone.
//! - `Accept-Encoding` picks `FILE.br`, then `FILE.gz`, then `FILE` itself, with
//!   `Vary: Accept-Encoding`.
//! - A path with a segment that starts with a dot (`.env`, `.git/`), or whose file (or one
//!   of its precompressed forms) resolves outside the directory through a symbolic link,
//!   gets the same 404 as a missing file.

use crate::error::StartError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::problem::Problem;

/// `Cache-Control` for a file whose name carries a content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` for a file whose name stays the same from one build to the next.
pub const REVALIDATE: &str = "no-cache";

/// The suffixes of the precompressed forms `ServeDir` may open instead of a file.
const PRECOMPRESSED: [&str; 2] = [".br", ".gz"];

/// The shortest run of hex digits, after a `-`, that counts as a content hash in a name
/// (Trunk and `scripts/assemble-demo.mjs` write 16).
const MIN_HASH_DIGITS: usize = 16;

/// A directory of static files (the built widget), `index.html` at `/`.
#[derive(Debug, Clone)]
pub struct Site {
    dir: ServeDir,
    /// The directory, every symbolic link in its own path resolved.
    root: Arc<Path>,
}

impl Site {
    /// Serves `dir`; fails if it holds no `index.html`.
    pub fn new(dir: PathBuf) -> Result<Self, StartError> {
        if !dir.join("index.html").is_file() {
            return Err(format!(
                "{}: no index.html here; build the widget first (scripts/build-demo)",
                dir.display()
            )
            .into());
        }
        let root = dir
            .canonicalize()
            .map_err(|e| format!("{}: cannot resolve the directory: {e}", dir.display()))?;
        Ok(Self {
            dir: ServeDir::new(&root).precompressed_br().precompressed_gzip(),
            root: root.into(),
        })
    }

    /// Answers a request for a static file (404 in the Prolific error shape if absent or
    /// refused).
    pub async fn serve(self, request: Request) -> Response {
        let path = request.uri().path().to_owned();
        if !self.may_serve(&path).await {
            return Problem::not_found().into_response();
        }
        match self.dir.oneshot(request).await {
            Ok(response) if response.status() == StatusCode::NOT_FOUND => {
                Problem::not_found().into_response()
            }
            Ok(response) => {
                let mut response = response.map(axum::body::Body::new);
                if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
                    response.headers_mut().insert(
                        header::CACHE_CONTROL,
                        HeaderValue::from_static(cache_control(&path)),
                    );
                }
                response
            }
            Err(never) => match never {},
        }
    }

    /// Whether `raw_path` names something inside the directory that may be served: no
    /// segment starts with a dot, and the file and every precompressed form of it that
    /// exists resolve inside the directory.
    async fn may_serve(&self, raw_path: &str) -> bool {
        let Ok(decoded) = percent_decode_str(raw_path).decode_utf8() else {
            return false;
        };
        let mut path = self.root.to_path_buf();
        for segment in decoded.split('/').filter(|s| !s.is_empty()) {
            if segment.starts_with('.') || segment.contains('\\') || segment.contains('\0') {
                return false;
            }
            path.push(segment);
        }
        let mut candidates = vec![path.clone()];
        if decoded.ends_with('/') || tokio::fs::metadata(&path).await.is_ok_and(|m| m.is_dir()) {
            candidates.push(path.join("index.html"));
        }
        let mut checked = Vec::new();
        for candidate in candidates {
            for suffix in std::iter::once("").chain(PRECOMPRESSED) {
                let mut name = candidate.clone().into_os_string();
                name.push(suffix);
                checked.push(PathBuf::from(name));
            }
        }
        for candidate in checked {
            match tokio::fs::canonicalize(&candidate).await {
                Ok(resolved) if !resolved.starts_with(&self.root) => {
                    tracing::warn!(
                        path = %candidate.display(),
                        "static file resolves outside the served directory: refused"
                    );
                    return false;
                }
                // Inside, or absent (or unreadable: ServeDir answers for it).
                _ => {}
            }
        }
        true
    }
}

/// The `Cache-Control` for a static path: [`IMMUTABLE`] for a content-hashed name,
/// [`REVALIDATE`] for anything else.
pub fn cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    if has_content_hash(name) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Whether a file name carries a content hash: a `-` followed by at least
/// [`MIN_HASH_DIGITS`] lowercase hex digits, then a `.`, `_` or `-`.
fn has_content_hash(name: &str) -> bool {
    name.match_indices('-').any(|(at, _)| {
        let rest = &name.as_bytes()[at + 1..];
        let digits = rest
            .iter()
            .take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(*b))
            .count();
        digits >= MIN_HASH_DIGITS && matches!(rest.get(digits), Some(b'.' | b'_' | b'-'))
    })
}

/// Serves a static file when a site is configured, else the allow-list's 404.
pub async fn serve_optional(site: Option<Site>, request: Request) -> Response {
    match site {
        Some(site) => site.serve(request).await,
        None => Problem::not_found().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_immutable_and_others_revalidate() {
        for hashed in [
            "/dataset-monitor-0123456789abcdef_bg.wasm",
            "/dataset-monitor-0123456789abcdef.js",
            "/dataset-monitor-0123456789abcdef-split.js",
            "/dataset-monitor-0123456789abcdef-split_details.wasm",
            "/trap-notice-0123456789abcdef.js",
            "/pkg/dataset_monitor-fedcba98765432100.js",
        ] {
            assert_eq!(cache_control(hashed), IMMUTABLE, "{hashed}");
        }
        for stable in [
            "/",
            "/index.html",
            "/prolific-dataset-monitor.js",
            "/split-manifest.json",
            "/dataset-monitor-0123456789abcde.js",
            "/dataset-monitor-0123456789abcdeg.js",
            "/0123456789abcdef0123.js",
            "/dataset-monitor-0123456789abcdef",
            "/a-0123456789ABCDEF.js",
        ] {
            assert_eq!(cache_control(stable), REVALIDATE, "{stable}");
        }
    }
}
