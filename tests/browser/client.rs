//! Browser tests of the API client in headless Chromium, against `dataset-proxy mock`
//! serving the demo scenarios (the test command starts it; its URL is baked in at build
//! time from `DATASET_MONITOR_TEST_API`).

use dataset_monitor::api::{
    ApiClient, ClientError, DatasetDetails, DatasetId, DatasetStatus, ErrorDetail, ImportId,
    ImportStatus, RetryAfter,
};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{API, reset_mock};
use dataset_wire::demo;

const SEED_V3: &str = demo::REFERENCE_V3;
const V4_MAIN: &str = demo::V4_MAIN;
const SEED_IMPORT: &str = demo::REFERENCE_IMPORT;
const LIFECYCLE: &str = demo::LIFECYCLE_IMPORT;
const UNKNOWN: &str = demo::UNKNOWN;
const RATE_LIMITED: &str = demo::RATE_LIMITED;
const FLAKY: &str = demo::FLAKY;
const MALFORMED: &str = demo::MALFORMED;
const SLOW: &str = demo::SLOW;

fn client() -> ApiClient {
    ApiClient::new(API).expect("the test API URL is valid")
}

fn id(raw: &str) -> DatasetId {
    DatasetId::parse(raw).expect("valid dataset id")
}

fn import_id(raw: &str) -> ImportId {
    ImportId::parse(raw).expect("valid import id")
}

#[wasm_bindgen_test]
async fn reads_the_reference_v3_dataset() {
    let dataset = client().dataset(&id(SEED_V3)).await.expect("dataset");
    assert_eq!(dataset.name, "Customer Feedback Dataset");
    match dataset.details {
        DatasetDetails::V3(v3) => assert_eq!(v3.status, Some(DatasetStatus::Error)),
        other => panic!("expected V3, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn reads_a_v4_dataset_with_schema_and_imports() {
    reset_mock().await;
    let dataset = client().dataset(&id(V4_MAIN)).await.expect("dataset");
    let DatasetDetails::V4(v4) = dataset.details else {
        panic!("expected V4");
    };
    let schema = v4.schema.expect("schema");
    assert_eq!(schema.fields.len(), 8);
    assert_eq!(schema.fields[0].key, "prompt");
    assert_eq!(v4.imports.len(), 4);
    assert_eq!(v4.imports[0].status, ImportStatus::Uninitialised);
    assert_eq!(v4.imports[0].import_id, LIFECYCLE);
}

#[wasm_bindgen_test]
async fn follows_an_import_through_its_steps() {
    reset_mock().await;
    let client = client();
    let mut seen = Vec::new();
    for _ in 0..10 {
        let job = client
            .import_job(&id(V4_MAIN), &import_id(LIFECYCLE))
            .await
            .expect("import");
        seen.push(job.status.clone());
        if job.status.processing_ended() {
            assert_eq!(job.errors.len(), 3_000);
            assert_eq!(job.rejected_count, Some(3_412));
            assert!(job.errors_truncated());
            break;
        }
    }
    seen.dedup();
    assert_eq!(
        seen,
        [
            ImportStatus::Uninitialised,
            ImportStatus::Queued,
            ImportStatus::Processing,
            ImportStatus::Partial
        ]
    );
}

#[wasm_bindgen_test]
async fn reads_the_reference_import_example() {
    let job = client()
        .import_job(&id(V4_MAIN), &import_id(SEED_IMPORT))
        .await
        .expect("import");
    assert_eq!(job.status, ImportStatus::Partial);
    assert_eq!(job.errors.len(), 2);
    assert!(job.errors[1].is_whole_record());
}

#[wasm_bindgen_test]
async fn a_404_carries_the_decoded_error_body() {
    let err = client().dataset(&id(UNKNOWN)).await.expect_err("404");
    let ClientError::Http { status, body, .. } = &err else {
        panic!("expected an HTTP error, got {err:?}");
    };
    assert_eq!(*status, 404);
    let body = body.as_ref().expect("a Prolific-shaped body");
    assert_eq!(body.status, Some(404));
    assert!(matches!(body.detail, Some(ErrorDetail::Text(_))));
    assert!(err.to_string().contains("HTTP 404"), "{err}");
}

#[wasm_bindgen_test]
async fn a_502_with_html_has_no_body_and_the_next_request_recovers() {
    reset_mock().await;
    let client = client();
    let err = client.dataset(&id(FLAKY)).await.expect_err("502");
    assert_eq!(
        err,
        ClientError::Http {
            status: 502,
            body: None,
            retry_after: None
        }
    );
    let dataset = client.dataset(&id(FLAKY)).await.expect("recovered");
    assert_eq!(dataset.name, "Recovered after a 502");
}

#[wasm_bindgen_test]
async fn a_429_exposes_retry_after() {
    reset_mock().await;
    let err = client().dataset(&id(RATE_LIMITED)).await.expect_err("429");
    let ClientError::Http {
        status,
        retry_after,
        body,
    } = err
    else {
        panic!("expected an HTTP error");
    };
    assert_eq!(status, 429);
    assert_eq!(retry_after, Some(RetryAfter::Seconds(1)));
    assert_eq!(
        body.and_then(|b| b.title).as_deref(),
        Some("Too Many Requests")
    );
}

#[wasm_bindgen_test]
async fn a_body_of_the_wrong_shape_names_the_failing_path() {
    let err = client()
        .dataset(&id(MALFORMED))
        .await
        .expect_err("decode error");
    let ClientError::Decode { path, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    // The dataset is wrapped in an envelope: the top level has neither `id` nor `name`.
    assert_eq!(path, ".");
}

#[wasm_bindgen_test]
async fn an_import_without_ids_gets_the_ids_asked_for() {
    let dataset = demo::CLI_V4;
    let import = demo::CLI_PARTIAL;
    let job = client()
        .import_job(&id(dataset), &import_id(import))
        .await
        .expect("import");
    assert_eq!(job.import_id, import);
    assert_eq!(job.dataset_id.as_deref(), Some(dataset));
    assert_eq!(job.status, ImportStatus::Partial);
}

#[wasm_bindgen_test]
async fn a_plain_text_error_body_is_read_and_an_html_one_is_not() {
    let err = client()
        .dataset(&id(&format!("{}e09", demo::ERROR_BODY_PREFIX)))
        .await
        .expect_err("503");
    let ClientError::Http {
        status: 503,
        body: Some(body),
        ..
    } = &err
    else {
        panic!("expected a 503 with a body, got {err:?}");
    };
    assert_eq!(
        body.detail,
        Some(ErrorDetail::Text(
            "Service temporarily unavailable <b>maintenance</b> until 18:00 UTC".into()
        ))
    );
    reset_mock().await;
    let err = client().dataset(&id(FLAKY)).await.expect_err("502");
    assert!(
        matches!(
            err,
            ClientError::Http {
                status: 502,
                body: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out() {
    let err = client()
        .with_timeout_ms(200)
        .dataset(&id(SLOW))
        .await
        .expect_err("timeout");
    assert_eq!(err, ClientError::Timeout { after_ms: 200 });
}

#[wasm_bindgen_test]
async fn an_unreachable_proxy_is_a_network_error() {
    // Port 9 (discard) has nothing listening on loopback.
    let client = ApiClient::new("http://127.0.0.1:9").expect("valid URL");
    let err = client.dataset(&id(SEED_V3)).await.expect_err("network");
    assert!(matches!(err, ClientError::Network(_)), "{err:?}");
}

#[wasm_bindgen_test]
fn bad_proxy_urls_are_refused_before_any_request() {
    for bad in [
        "javascript:alert(1)",
        "not a url",
        "ftp://example.org",
        "http://h/?q=1",
    ] {
        let err = ApiClient::new(bad).expect_err(bad);
        assert!(
            matches!(err, ClientError::InvalidConfig(_)),
            "{bad}: {err:?}"
        );
    }
    assert_eq!(
        ApiClient::new("http://127.0.0.1:8080/")
            .expect("valid")
            .base_url(),
        "http://127.0.0.1:8080"
    );
    assert_eq!(ApiClient::new("").expect("same origin").base_url(), "");
}
