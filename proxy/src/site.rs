//! What both modes share: serving the built widget and the local error answers.

use std::path::PathBuf;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::problem::Problem;
use crate::routes::RouteError;

/// A directory of static files (the Trunk-built widget), `index.html` at `/`.
#[derive(Debug, Clone)]
pub struct Site {
    dir: ServeDir,
}

impl Site {
    /// Serves `dir`; fails if it is not a directory.
    pub fn new(dir: PathBuf) -> Result<Self, String> {
        if !dir.join("index.html").is_file() {
            return Err(format!(
                "{}: no index.html here; build the widget first (trunk build --release)",
                dir.display()
            ));
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

/// The local answer for a path outside the allow-list.
pub fn route_problem(error: RouteError) -> Problem {
    match error {
        RouteError::NotFound => Problem::not_found(),
        RouteError::BadId(what) => Problem::new(
            StatusCode::BAD_REQUEST,
            format!("The {what} must be a hyphenated UUID."),
        ),
    }
}

/// 405 with `Allow` for a method other than GET or HEAD on an allowed route.
pub fn method_not_allowed() -> Response {
    let mut response = Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Only GET and HEAD are allowed.",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}
