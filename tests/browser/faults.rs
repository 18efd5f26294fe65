//! The fault corpus in headless Chromium: for each way the network or the API can fail,
//! a clear `role="alert"` message, no panic, the last good data kept on screen marked
//! stale, and recovery without a reload once the API answers normally again.

use dataset_monitor::config::MonitorConfig;
use dataset_monitor::ui::App;
use leptos::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{API, Mounted, count, mount, reset_mock, sleep, until};
use dataset_wire::demo;

fn drill(suffix: &str) -> String {
    format!("{}{suffix}", demo::FAULT_DRILL_PREFIX)
}

fn widget(dataset: &str, proxy: &str) -> Mounted {
    let config = MonitorConfig::from_pairs([
        ("dataset_id", dataset),
        ("proxy_url", proxy),
        ("poll_interval", "500"),
        ("request_timeout", "1000"),
    ]);
    mount(move || view! { <App config=config/> })
}

/// One drill: good data, the fault (with the words the alert must hold), then either
/// recovery on its own or a stop that "Refresh now" recovers from.
async fn run_drill(suffix: &str, alert_says: &str, recovers_alone: bool) {
    reset_mock().await;
    let id = drill(suffix);
    let m = widget(&id, API);
    until("the good data", || {
        m.has("[data-dataset-status='PROCESSING']")
    })
    .await;
    until("the alert", || m.has("[role='alert']")).await;
    let alert = m.text("[role='alert']");
    assert!(alert.contains(alert_says), "{suffix}: {alert:?}");
    assert!(
        m.has("[data-dataset-status='PROCESSING']"),
        "{suffix}: the last good data stays on screen"
    );
    assert!(
        m.text(".pdm-stale-note").contains("Showing data from"),
        "{suffix}: marked stale"
    );
    if !recovers_alone {
        sleep(1_500).await;
        assert!(m.text("[data-poll-state]").contains("stopped"), "{suffix}");
        assert_eq!(
            count(&id, None).await,
            2,
            "{suffix}: no retry after a refusal"
        );
        m.button("Refresh now").click();
    }
    until("the recovery", || m.has("[data-dataset-status='READY']")).await;
    assert!(!m.has("[role='alert']"), "{suffix}: the alert is gone");
    assert!(!m.has(".pdm-stale-note"), "{suffix}: no longer stale");
}

#[wasm_bindgen_test]
async fn a_500_recovers() {
    run_drill("500", "HTTP 500", true).await;
}

#[wasm_bindgen_test]
async fn a_502_with_html_recovers() {
    run_drill("502", "HTTP 502", true).await;
}

#[wasm_bindgen_test]
async fn a_503_with_retry_after_recovers() {
    run_drill("503", "HTTP 503", true).await;
}

#[wasm_bindgen_test]
async fn a_429_with_an_http_date_recovers() {
    run_drill("429", "HTTP 429", true).await;
}

#[wasm_bindgen_test]
async fn an_answer_slower_than_the_timeout_recovers() {
    run_drill("0d1", "did not answer within 1 s", true).await;
}

#[wasm_bindgen_test]
async fn a_connection_dropped_mid_body_recovers() {
    run_drill("0dc", "closed before the whole answer arrived", true).await;
}

#[wasm_bindgen_test]
async fn truncated_json_recovers() {
    run_drill("0e2", "could not be read", true).await;
}

#[wasm_bindgen_test]
async fn an_empty_200_body_recovers() {
    run_drill("0e0", "could not be read", true).await;
}

#[wasm_bindgen_test]
async fn a_200_body_of_the_wrong_shape_recovers() {
    run_drill("0e1", "could not be read", true).await;
}

#[wasm_bindgen_test]
async fn a_401_stops_and_says_why() {
    run_drill("401", "token was rejected", false).await;
}

#[wasm_bindgen_test]
async fn a_403_stops_and_says_why() {
    run_drill("403", "may not read this dataset", false).await;
}

#[wasm_bindgen_test]
async fn a_404_stops_and_says_why() {
    run_drill("404", "Not found", false).await;
}

#[wasm_bindgen_test]
async fn an_unreachable_proxy_is_an_alert_that_keeps_retrying() {
    // Nothing listens on port 9 of loopback.
    let m = widget(&drill("500"), "http://127.0.0.1:9");
    until("the alert", || m.has("[role='alert']")).await;
    assert!(
        m.text("[role='alert']")
            .contains("The request to the proxy failed")
    );
    until("a scheduled retry", || {
        m.text("[data-poll-state]").contains("retrying in")
    })
    .await;
}
