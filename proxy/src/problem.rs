//! Local error answers, in the shape Prolific uses (`{"error": {…}}`), so the widget
//! reads the proxy's own errors the way it reads Prolific's.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error the proxy answers itself.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for people.
    pub detail: String,
}

impl Problem {
    /// A problem with a status and a message.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
        }
    }

    /// 404 for a path outside the allow-list.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "This proxy answers only GET /api/v1/data-collection/datasets/{dataset_id} \
             and GET /api/v1/data-collection/datasets/{dataset_id}/imports/{import_id}.",
        )
    }
}

impl Problem {
    /// 404 for a dataset that does not exist or that this proxy may not read: the same
    /// answer either way, so a refusal tells nothing about what exists.
    pub fn dataset_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "No such dataset or import, or this proxy may not read it.",
        )
    }
}

impl Problem {
    /// The JSON body: `{"error": {"status", "error_code", "title", "detail"}}`.
    pub fn body(&self) -> Vec<u8> {
        json!({
            "error": {
                "status": self.status.as_u16(),
                "error_code": self.status.as_u16(),
                "title": self.status.canonical_reason().unwrap_or("Error"),
                "detail": self.detail,
            }
        })
        .to_string()
        .into_bytes()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.body();
        (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response()
    }
}
