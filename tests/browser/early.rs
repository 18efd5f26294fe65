//! The page's early requests (`embed/early-data.js`, as shipped): the client takes the one
//! for the URL it asks for, once, and handles it as a request of its own (errors,
//! `Retry-After`, its time limit); the widget then asks for the import and the dataset at
//! the same time.

use dataset_monitor::api::{ApiClient, ClientError, DatasetId, ImportId, ImportStatus};
use dataset_monitor::config::MonitorConfig;
use dataset_monitor::ui::App;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{API, count, mount, reset_mock, until};
use dataset_wire::demo;

const V4_MAIN: &str = demo::V4_MAIN;
const LIFECYCLE: &str = demo::LIFECYCLE_IMPORT;
const SEED_V3: &str = demo::REFERENCE_V3;
const RATE_LIMITED: &str = demo::RATE_LIMITED;
const SLOW: &str = demo::SLOW;

/// The shipped script, run in this page as the demo page's first script runs it.
fn fetch_early(proxy_url: &str, dataset: &str, import: Option<&str>) {
    js_sys::eval(include_str!("../../embed/early-data.js")).expect("early-data.js runs");
    let start = js_sys::Reflect::get(
        &js_sys::global(),
        &JsValue::from_str("__datasetMonitorFetchEarly"),
    )
    .expect("defined")
    .dyn_into::<js_sys::Function>()
    .expect("a function");
    start
        .call3(
            &JsValue::NULL,
            &JsValue::from_str(proxy_url),
            &JsValue::from_str(dataset),
            &import.map_or(JsValue::NULL, JsValue::from_str),
        )
        .expect("no throw");
}

/// The URLs still waiting in the page's registry.
fn waiting() -> Vec<String> {
    let Ok(map) = js_sys::Reflect::get(&js_sys::global(), &"__datasetMonitorEarly".into())
        .and_then(JsCast::dyn_into::<js_sys::Map>)
    else {
        return Vec::new();
    };
    let mut urls: Vec<String> = map
        .keys()
        .into_iter()
        .filter_map(|k| k.ok()?.as_string())
        .collect();
    urls.sort();
    urls
}

fn clear() {
    let global: js_sys::Object = js_sys::global();
    let _ = js_sys::Reflect::delete_property(&global, &"__datasetMonitorEarly".into());
}

fn dataset_url(dataset: &str) -> String {
    format!("{API}/api/v1/data-collection/datasets/{dataset}")
}

async fn until_counted(dataset: &str, import: Option<&str>, n: u64) {
    for _ in 0..200 {
        if count(dataset, import).await >= n {
            return;
        }
        crate::support::sleep(25).await;
    }
    panic!("the mock never saw {n} request(s) for {dataset} {import:?}");
}

#[wasm_bindgen_test]
async fn the_first_poll_of_each_url_takes_the_early_request_once() {
    reset_mock().await;
    clear();
    // A trailing slash and spaces, as a person may type the proxy URL: the client trims
    // them the same way.
    fetch_early(&format!(" {API}/ "), V4_MAIN, Some(LIFECYCLE));
    until_counted(V4_MAIN, Some(LIFECYCLE), 1).await;
    until_counted(V4_MAIN, None, 1).await;
    assert_eq!(waiting().len(), 2);

    let client = ApiClient::new(API).expect("client");
    let dataset = DatasetId::parse(V4_MAIN).expect("id");
    let import = ImportId::parse(LIFECYCLE).expect("id");
    let job = client.import_job(&dataset, &import).await.expect("import");
    assert_eq!(
        job.status,
        ImportStatus::Uninitialised,
        "the scenario's first step"
    );
    assert_eq!(
        count(V4_MAIN, Some(LIFECYCLE)).await,
        1,
        "no second request"
    );
    let answer = client.dataset(&dataset).await.expect("dataset");
    assert_eq!(answer.id, V4_MAIN);
    assert_eq!(count(V4_MAIN, None).await, 1, "no second request");
    assert!(waiting().is_empty(), "each taken once");

    // The next polls are requests of their own, and the scenario moves on (its first two
    // steps are uninitialised, its next two queued).
    let job = client.import_job(&dataset, &import).await.expect("import");
    assert_eq!(job.status, ImportStatus::Uninitialised);
    let job = client.import_job(&dataset, &import).await.expect("import");
    assert_eq!(job.status, ImportStatus::Queued);
    assert_eq!(count(V4_MAIN, Some(LIFECYCLE)).await, 3);
}

#[wasm_bindgen_test]
async fn an_early_request_for_another_url_is_left_alone() {
    reset_mock().await;
    clear();
    fetch_early(API, SEED_V3, None);
    // Nothing starts for what the widget would refuse.
    fetch_early("javascript:alert(1)", V4_MAIN, None);
    fetch_early(API, "not-a-uuid", None);
    fetch_early(&format!("{API}?x=1"), V4_MAIN, None);
    assert_eq!(waiting(), vec![dataset_url(SEED_V3)]);
    until_counted(SEED_V3, None, 1).await;

    let client = ApiClient::new(API).expect("client");
    client
        .dataset(&DatasetId::parse(V4_MAIN).expect("id"))
        .await
        .expect("dataset");
    assert_eq!(count(V4_MAIN, None).await, 1, "fetched for itself");
    assert_eq!(waiting(), vec![dataset_url(SEED_V3)], "not taken");
    clear();
}

#[wasm_bindgen_test]
async fn an_early_error_is_read_as_a_polls_error() {
    reset_mock().await;
    clear();
    fetch_early(API, RATE_LIMITED, None);
    until_counted(RATE_LIMITED, None, 1).await;
    let error = ApiClient::new(API)
        .expect("client")
        .dataset(&DatasetId::parse(RATE_LIMITED).expect("id"))
        .await
        .expect_err("429");
    match error {
        ClientError::Http {
            status,
            retry_after,
            ..
        } => {
            assert_eq!(status, 429);
            assert!(
                retry_after.is_some(),
                "Retry-After read from the early answer"
            );
        }
        other => panic!("expected the 429, got {other:?}"),
    }
    assert_eq!(count(RATE_LIMITED, None).await, 1);
}

#[wasm_bindgen_test]
async fn an_early_request_that_hangs_is_held_to_the_clients_time_limit() {
    reset_mock().await;
    clear();
    fetch_early(API, SLOW, None);
    let entry = js_sys::Reflect::get(&js_sys::global(), &"__datasetMonitorEarly".into())
        .expect("registry")
        .unchecked_into::<js_sys::Map>()
        .get(&dataset_url(SLOW).into());
    let controller: web_sys::AbortController = js_sys::Reflect::get(&entry, &"controller".into())
        .expect("controller")
        .unchecked_into();
    let error = ApiClient::new(API)
        .expect("client")
        .with_timeout_ms(300)
        .dataset(&DatasetId::parse(SLOW).expect("id"))
        .await
        .expect_err("too slow");
    assert_eq!(error, ClientError::Timeout { after_ms: 300 });
    assert!(
        controller.signal().aborted(),
        "the early request is aborted, not left hanging"
    );
}

#[wasm_bindgen_test]
async fn the_widget_asks_for_the_import_and_the_dataset_at_once() {
    reset_mock().await;
    clear();
    // The dataset answers after 20 s; the import (unknown to the mock) at once. Asked one
    // after the other, the import would wait for the dataset.
    let unknown_import = "6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2bff";
    let config = MonitorConfig::from_pairs([
        ("dataset_id", SLOW),
        ("import_id", unknown_import),
        ("proxy_url", API),
    ]);
    let mut widget = mount(move || view! { <App config=config/> });
    until_counted(SLOW, Some(unknown_import), 1).await;
    assert_eq!(
        count(SLOW, None).await,
        1,
        "the dataset's request is in flight too"
    );
    until("the import's error while the dataset loads", || {
        widget.has("[role='alert']")
    })
    .await;
    assert!(
        widget.text("[role='alert']").contains("404"),
        "{}",
        widget.root.inner_html()
    );
    widget.unmount();
}
