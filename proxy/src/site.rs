//! Serving the built widget beside the API, in either mode.

use crate::error::StartError;
use std::path::PathBuf;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::problem::Problem;

/// A directory of static files (the built widget), `index.html` at `/`.
#[derive(Debug, Clone)]
pub struct Site {
    dir: ServeDir,
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
        Ok(Self {
            dir: ServeDir::new(dir),
        })
    }

    /// Answers a request for a static file (404 in the Prolific error shape if absent).
    pub async fn serve(self, request: Request) -> Response {
        match self.dir.oneshot(request).await {
            Ok(response) if response.status() == StatusCode::NOT_FOUND => {
                Problem::not_found().into_response()
            }
            Ok(response) => response.map(axum::body::Body::new),
            Err(never) => match never {},
        }
    }
}

/// Serves a static file when a site is configured, else the allow-list's 404.
pub async fn serve_optional(site: Option<Site>, request: Request) -> Response {
    match site {
        Some(site) => site.serve(request).await,
        None => Problem::not_found().into_response(),
    }
}
