//! `dataset-proxy mock`: scenario stepping, raw bodies, headers, delays, counts, reset,
//! startup errors, and the embedded demo decoded by the widget's own models.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use dataset_monitor::api::{ApiError, Dataset, ImportJob, decode};
use dataset_proxy::mock::scenario::{self, StepBody};
use dataset_proxy::mock::{self, MockState};
use dataset_proxy::routes::ApiRoute;
use dataset_wire::demo;
use http_body_util::BodyExt;
use tower::ServiceExt;

const D: &str = demo::V4_MAIN;
const I: &str = demo::LIFECYCLE_IMPORT;

fn dataset_path(id: &str) -> String {
    format!("/api/v1/data-collection/datasets/{id}")
}

fn import_path(d: &str, i: &str) -> String {
    format!("/api/v1/data-collection/datasets/{d}/imports/{i}")
}

struct Answer {
    status: StatusCode,
    content_type: Option<String>,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn call(app: &Router, method: &str, path: &str) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .map(|v| v.to_str().expect("ascii").to_owned());
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        content_type,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn app_for(dir: &Path) -> Router {
    let scenarios = scenario::load_dir(dir).expect("valid fixtures");
    mock::app(Arc::new(MockState::new(scenarios)), None)
}

#[tokio::test]
async fn steps_advance_per_request_and_the_last_repeats() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &format!("datasets/{D}/imports/{I}.json"),
        r#"{"steps": [
            {"status": 200, "body": {"import_id": "a", "status": "queued"}},
            {"body": {"import_id": "a", "status": "processing"}},
            {"status": 200, "body": {"import_id": "a", "status": "complete", "b": 1, "a": 2}}
        ]}"#,
    );
    let app = app_for(dir.path());
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let answer = call(&app, "GET", &import_path(D, I)).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        let job: ImportJob = decode(&answer.body).expect("decodes");
        statuses.push(job.status.to_string());
    }
    assert_eq!(
        statuses,
        ["queued", "processing", "complete", "complete", "complete"]
    );
    let last = call(&app, "GET", &import_path(D, I)).await;
    assert!(
        last.body.find("\"b\"") < last.body.find("\"a\":"),
        "key order as written: {}",
        last.body
    );
}

#[tokio::test]
async fn a_plain_json_file_is_a_200_every_time_and_served_verbatim() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = r#"{"id": "x", "name": "Verbatim", "schema_version": 3}"#;
    write(dir.path(), &format!("datasets/{D}.json"), text);
    let app = app_for(dir.path());
    for _ in 0..3 {
        let answer = call(&app, "GET", &dataset_path(D)).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body, text);
    }
}

#[tokio::test]
async fn raw_bodies_headers_and_delays() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &format!("datasets/{D}.json"),
        r#"{"steps": [
            {"status": 502, "raw": "<h1>Bad Gateway</h1>", "content_type": "text/html"},
            {"status": 503, "headers": {"Retry-After": "3", "X-Mock": "yes"}, "delay_ms": 150},
            {"status": 200, "raw": "{\"id\": "}
        ]}"#,
    );
    let app = app_for(dir.path());
    let first = call(&app, "GET", &dataset_path(D)).await;
    assert_eq!(first.status, StatusCode::BAD_GATEWAY);
    assert_eq!(first.content_type.as_deref(), Some("text/html"));
    assert_eq!(first.body, "<h1>Bad Gateway</h1>");

    let started = Instant::now();
    let second = call(&app, "GET", &dataset_path(D)).await;
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "delay_ms is honoured"
    );
    assert_eq!(second.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(second.headers["retry-after"], "3");
    assert_eq!(second.headers["x-mock"], "yes");
    assert_eq!(second.body, "");

    let third = call(&app, "GET", &dataset_path(D)).await;
    assert_eq!(
        third.body, "{\"id\": ",
        "truncated JSON is served as written"
    );
    assert_eq!(
        third.content_type.as_deref(),
        Some("text/plain; charset=utf-8")
    );
}

#[tokio::test]
async fn a_step_can_drop_the_connection_mid_body() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &format!("datasets/{D}.json"),
        r#"{"steps": [{"status": 200, "drop_after_bytes": 5, "body": {"id": "x", "name": "cut"}}]}"#,
    );
    let request = Request::builder()
        .uri(dataset_path(D))
        .body(Body::empty())
        .expect("request");
    let response = app_for(dir.path())
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    // `{"id":"x","name":"cut"}`: 23 bytes announced, 5 sent.
    assert_eq!(response.headers()["content-length"], "23");
    assert!(
        response.into_body().collect().await.is_err(),
        "the body ends in an error, not a clean end"
    );
}

#[tokio::test]
async fn requests_are_counted_and_reset_rewinds_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &format!("datasets/{D}.json"),
        r#"{"steps": [{"status": 500, "body": {"message": "boom"}}, {"body": {"id": "x", "name": "ok"}}]}"#,
    );
    let app = app_for(dir.path());
    assert_eq!(call(&app, "GET", &dataset_path(D)).await.status, 500);
    assert_eq!(call(&app, "GET", &dataset_path(D)).await.status, 200);
    let unknown = demo::UNKNOWN;
    assert_eq!(call(&app, "GET", &dataset_path(unknown)).await.status, 404);

    let counts: serde_json::Value =
        serde_json::from_str(&call(&app, "GET", "/_mock/requests").await.body).expect("json");
    assert_eq!(counts[dataset_path(D)], 2);
    assert_eq!(counts[dataset_path(unknown)], 1);

    assert_eq!(
        call(&app, "POST", "/_mock/reset").await.status,
        StatusCode::NO_CONTENT
    );
    let counts = call(&app, "GET", "/_mock/requests").await.body;
    assert_eq!(counts, "{}");
    assert_eq!(
        call(&app, "GET", &dataset_path(D)).await.status,
        500,
        "rewound to the first step"
    );
}

#[tokio::test]
async fn unknown_ids_and_paths_get_prolific_shaped_errors() {
    let app = mock::app(
        Arc::new(MockState::new(scenario::demo().expect("demo"))),
        None,
    );
    let unknown = call(&app, "GET", &dataset_path(demo::UNKNOWN)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let error: ApiError = serde_json::from_str(&unknown.body).expect("Prolific error shape");
    assert_eq!(error.status, Some(404));

    for (method, path, status) in [
        ("GET", "/api/v1/studies/".to_owned(), 404),
        ("GET", dataset_path("not-a-uuid"), 400),
        ("GET", format!("{}%2F..", dataset_path(D)), 400),
        ("GET", format!("{}?x=1", dataset_path(D)), 400),
        ("POST", dataset_path(D), 405),
        ("GET", "/index.html".to_owned(), 404),
    ] {
        let answer = call(&app, method, &path).await;
        assert_eq!(answer.status.as_u16(), status, "{method} {path}");
        let error: ApiError = serde_json::from_str(&answer.body).expect("Prolific error shape");
        assert_eq!(error.status, Some(status), "{method} {path}");
    }
}

#[tokio::test]
async fn the_mock_answers_cors_for_any_origin_and_exposes_headers() {
    let app = mock::app(
        Arc::new(MockState::new(scenario::demo().expect("demo"))),
        None,
    );
    let request = Request::builder()
        .uri(dataset_path(D))
        .header("origin", "http://127.0.0.1:9999")
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("infallible");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert_eq!(response.headers()["access-control-expose-headers"], "*");
}

#[tokio::test]
async fn static_files_are_served_beside_the_api() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "index.html",
        "<!doctype html><title>widget</title>",
    );
    let site = dataset_proxy::site::Site::new(dir.path().to_owned()).expect("site");
    let app = mock::app(
        Arc::new(MockState::new(scenario::demo().expect("demo"))),
        Some(site),
    );
    let index = call(&app, "GET", "/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("widget"));
    assert_eq!(call(&app, "GET", "/missing.js").await.status, 404);
    assert_eq!(call(&app, "GET", &dataset_path(D)).await.status, 200);
    assert!(dataset_proxy::site::Site::new(dir.path().join("nope")).is_err());
}

#[test]
fn malformed_scenario_files_are_reported_with_path_and_reason() {
    let cases = [
        (format!("datasets/{D}.json"), "{not json", "not JSON"),
        (
            format!("datasets/{D}.json"),
            r#"{"steps": []}"#,
            "`steps` is empty",
        ),
        (
            format!("datasets/{D}.json"),
            r#"{"steps": [{"status": 200, "body": {}, "raw": "x"}]}"#,
            "steps[0]: give `body` or `raw`, not both",
        ),
        (
            format!("datasets/{D}.json"),
            r#"{"steps": [{"status": 42}]}"#,
            "steps[0]: status 42 is not an HTTP status",
        ),
        (
            format!("datasets/{D}.json"),
            r#"{"steps": [{"status": 200, "delay": 5}]}"#,
            "unknown field `delay`",
        ),
        (
            format!("datasets/{D}.json"),
            r#"{"steps": [{"headers": {"Bad Header": "x"}}]}"#,
            "header name \"Bad Header\" is not valid",
        ),
        (
            format!("datasets/{D}.json"),
            r#"{"steps": [{"body": {}, "content_type": "text/html"}]}"#,
            "`content_type` goes with `raw`",
        ),
        (
            "datasets/not-an-id.json".to_owned(),
            "{}",
            "named by a hyphenated UUID",
        ),
        (
            format!("datasets/{D}/other/{I}.json"),
            "{}",
            "not where a scenario can be",
        ),
    ];
    for (relative, text, expected) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), &relative, text);
        let error = scenario::load_dir(dir.path()).expect_err(&relative);
        let message = error.to_string();
        assert!(
            message.contains(&relative) && message.contains(expected),
            "{relative}: {message}"
        );
    }
    let empty = tempfile::tempdir().expect("tempdir");
    let error = scenario::load_dir(empty.path()).expect_err("no datasets dir");
    assert!(error.to_string().contains("no datasets/ directory"));
}

#[test]
fn a_bad_fixtures_dir_stops_the_binary_at_startup() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &format!("datasets/{D}.json"), "{oops");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dataset-proxy"))
        .args(["mock", "--listen", "127.0.0.1:0", "--fixtures"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{D}.json")) && stderr.contains("not JSON"),
        "{stderr}"
    );
}

/// Every embedded demo step is valid JSON that the widget's models read: datasets and
/// imports on 2xx, Prolific error bodies otherwise. One scenario is deliberately of the
/// wrong shape, and the fault drills' middle step is broken on purpose.
#[test]
fn every_embedded_demo_scenario_decodes_with_the_widget_models() {
    const WRONG_SHAPE: &str = demo::MALFORMED;
    let scenarios = scenario::demo().expect("demo is valid");
    assert!(scenarios.len() >= 14, "{} scenarios", scenarios.len());
    let mut checked = 0;
    for (path, scenario) in &scenarios {
        let route = ApiRoute::from_raw_path(path).expect("a route");
        for n in 0..scenario.len() {
            if path.contains(&format!("/{}", demo::FAULT_DRILL_PREFIX)) && n == 1 {
                continue;
            }
            let step = scenario.step(n);
            let text = match &step.body {
                StepBody::Json(text) => text.clone(),
                StepBody::Raw { .. } => continue,
                StepBody::Empty => continue,
            };
            serde_json::from_str::<serde_json::Value>(&text).expect("valid JSON");
            if !step.status.is_success() {
                serde_json::from_str::<ApiError>(&text)
                    .unwrap_or_else(|e| panic!("{path} step {n}: error body: {e}"));
            } else if path.contains(WRONG_SHAPE) {
                assert!(decode::<Dataset>(&text).is_err(), "{path} must not decode");
            } else {
                match route {
                    ApiRoute::Dataset { .. } => {
                        decode::<Dataset>(&text).unwrap_or_else(|e| panic!("{path} step {n}: {e}"));
                    }
                    ApiRoute::Import { .. } => {
                        decode::<ImportJob>(&text)
                            .unwrap_or_else(|e| panic!("{path} step {n}: {e}"));
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 25, "{checked} steps checked");
}

#[tokio::test]
async fn the_mock_lists_its_demo_scenarios_for_the_front_door() {
    let scenarios = scenario::demo().expect("demo");
    let catalogue = scenario::demo_catalogue().expect("catalogue");
    let app = mock::app(
        Arc::new(MockState::new(scenarios.clone()).with_catalogue(catalogue)),
        None,
    );
    let answer = call(&app, "GET", "/_mock/scenarios").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let list: Vec<serde_json::Value> = serde_json::from_str(&answer.body).expect("a list");
    assert!(list.len() >= 40, "{} scenarios", list.len());
    // Every scenario docs/proxy.md names is offered, and every one offered has its files
    // (but the one that shows a 404 on purpose).
    let offered: Vec<(&str, Option<&str>)> = list
        .iter()
        .map(|s| {
            assert!(s["title"].as_str().is_some_and(|t| !t.is_empty()), "{s}");
            assert!(s["shows"].as_str().is_some_and(|t| !t.is_empty()), "{s}");
            (
                s["dataset_id"].as_str().expect("id"),
                s["import_id"].as_str(),
            )
        })
        .collect();
    for (d, i) in &offered {
        if *d != demo::UNKNOWN {
            assert!(scenarios.contains_key(&dataset_path(d)), "{d}");
        }
        if let Some(i) = i {
            assert!(scenarios.contains_key(&import_path(d, i)), "{d}/{i}");
        }
    }
    for d in demo::DATASETS {
        assert!(offered.iter().any(|(o, _)| *o == d), "{d} is not offered");
    }
    for (d, i) in demo::IMPORTS {
        assert!(offered.contains(&(d, Some(i))), "{d}/{i} is not offered");
    }
    // Listing is not a request to a route.
    assert_eq!(call(&app, "GET", "/_mock/requests").await.body, "{}");
}

#[test]
fn a_catalogue_must_be_a_list_of_scenarios_with_ids() {
    assert!(scenario::parse_catalogue(r#"[{"dataset_id": "x", "title": "t"}]"#).is_ok());
    assert!(scenario::parse_catalogue("{}").is_err());
    assert!(scenario::parse_catalogue(r#"[{"title": "no id"}]"#).is_err());
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        scenario::load_catalogue(dir.path()).expect("none is empty"),
        serde_json::json!([])
    );
    std::fs::write(dir.path().join("scenarios.json"), "[1]").expect("write");
    let error = scenario::load_catalogue(dir.path()).expect_err("bad entry");
    assert!(error.to_string().contains("scenarios.json"), "{error}");
}
