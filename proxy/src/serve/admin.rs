//! The admin listener's router: `GET /healthz` and `GET /metrics`, nothing else. It
//! never calls upstream, so a health check or a scrape costs no Prolific request. Like
//! the main listener it answers only its own names (DNS rebinding): the loopback names,
//! or the address it listens on, and `--allow-host`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::serve::framing;
use crate::serve::hosts::HostAllowList;
use crate::serve::metrics::{self, Metrics};

/// The body of `GET /healthz`.
pub const HEALTHY: &str = "ok\n";

/// Answers `GET /healthz` (200 `ok\n`) and `GET /metrics` (the OpenMetrics text);
/// 405 for other methods on those paths, 404 for other paths. `HEAD` works where `GET`
/// does. A request with a body, several `Host`s or a `Host` not in `hosts` gets 400 or
/// 421 first.
pub fn router(metrics: Arc<Metrics>, hosts: HostAllowList) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(scrape))
        .fallback(not_found)
        .with_state(metrics)
        .layer(middleware::from_fn_with_state(hosts, checked_host))
}

async fn checked_host(
    State(hosts): State<HostAllowList>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(refusal) = framing::refusal(&request).or_else(|| hosts.refusal(&request)) {
        return refusal;
    }
    next.run(request).await
}

/// The answer to `GET /healthz`: 200, `text/plain`, `ok\n`. Also for the main
/// listener's own `/healthz`.
pub async fn healthz() -> Response {
    no_store((StatusCode::OK, HEALTHY).into_response())
}

async fn scrape(State(metrics): State<Arc<Metrics>>) -> Response {
    let text = metrics.encode();
    no_store(
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(metrics::CONTENT_TYPE),
            )],
            text,
        )
            .into_response(),
    )
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "not found: try /healthz or /metrics\n",
    )
        .into_response()
}

/// Health and metrics are live values: no cache in between may keep them.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};
    use axum::http::{Method, Request};
    use tower::ServiceExt;

    use crate::serve::metrics::Route;

    const ADMIN: &str = "127.0.0.1:9464";

    fn app() -> (Router, Arc<Metrics>) {
        let metrics = Arc::new(Metrics::new(Arc::new(|| 3)));
        let hosts = HostAllowList::new(
            ADMIN.parse().expect("address"),
            vec![crate::serve::hosts::AllowedHost::parse("metrics.internal").expect("name")],
        );
        (router(Arc::clone(&metrics), hosts), metrics)
    }

    async fn call(app: Router, method: Method, uri: &str) -> (StatusCode, Response, String) {
        call_host(app, method, uri, ADMIN).await
    }

    async fn call_host(
        app: Router,
        method: Method,
        uri: &str,
        host: &str,
    ) -> (StatusCode, Response, String) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, host)
            .body(Body::empty())
            .expect("request");
        let response = app.oneshot(request).await.expect("infallible");
        let status = response.status();
        let (parts, body) = response.into_parts();
        let body = to_bytes(body, 1 << 20).await.expect("body");
        let text = String::from_utf8(body.to_vec()).expect("utf-8");
        (status, Response::from_parts(parts, Body::empty()), text)
    }

    fn content_type(response: &Response) -> &str {
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn healthz_says_ok() {
        let (app, _) = app();
        let (status, response, body) = call(app, Method::GET, "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type(&response).starts_with("text/plain"));
        assert_eq!(body, "ok\n");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    }

    #[tokio::test]
    async fn metrics_are_the_openmetrics_text() {
        let (app, metrics) = app();
        metrics.request(Route::Import, 200);
        let (status, response, body) = call(app, Method::GET, "/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type(&response), metrics::CONTENT_TYPE);
        assert!(body.contains("dataset_proxy_requests_total{route=\"import\",status=\"200\"} 1\n"));
        assert!(body.contains("dataset_proxy_open_connections 3\n"));
        assert!(body.ends_with("# EOF\n"));
    }

    #[tokio::test]
    async fn head_works_where_get_does() {
        let (app, _) = app();
        let (status, _, body) = call(app, Method::HEAD, "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "");
    }

    #[tokio::test]
    async fn other_methods_are_405() {
        for path in ["/healthz", "/metrics"] {
            for method in [Method::POST, Method::PUT, Method::DELETE] {
                let (app, _) = app();
                let (status, response, _) = call(app, method.clone(), path).await;
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                assert!(response.headers().contains_key(header::ALLOW));
            }
        }
    }

    #[tokio::test]
    async fn other_paths_are_404() {
        for path in [
            "/",
            "/metrics/",
            "/healthz/x",
            &dataset_wire::dataset_path(dataset_wire::demo::V4_MAIN),
        ] {
            let (app, _) = app();
            let (status, _, _) = call(app, Method::GET, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
    }

    #[tokio::test]
    async fn only_its_own_names_are_answered() {
        for host in [
            ADMIN,
            "localhost:9464",
            "[::1]:9464",
            "metrics.internal:9464",
        ] {
            let (app, _) = app();
            let (status, _, _) = call_host(app, Method::GET, "/metrics", host).await;
            assert_eq!(status, StatusCode::OK, "{host}");
        }
        for host in ["rebound.example:9464", "127.0.0.1:8080", "localhost"] {
            let (app, _) = app();
            let (status, _, body) = call_host(app, Method::GET, "/metrics", host).await;
            assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{host}");
            assert!(!body.contains("dataset_proxy_"), "{host}: {body}");
        }
    }
}
