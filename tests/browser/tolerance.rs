//! What the page shows for the untidy answers of issue #13, in headless Chromium against
//! `dataset-proxy mock`: bodies modelled on Prolific's CLI (`c1100000-…`), Prolific's
//! own reference examples, and one scenario per error body shape (`e4000000-…`).

use dataset_monitor::config::MonitorConfig;
use dataset_monitor::ui::App;
use leptos::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{API, Mounted, mount, reset_mock, until};
use dataset_wire::demo;

const CLI_V4: &str = demo::CLI_V4;
const CLI_V3: &str = demo::CLI_V3;
const CLI_PARTIAL: &str = demo::CLI_PARTIAL;
const CLI_FAILED: &str = demo::CLI_FAILED;
const CLI_POLLED: &str = demo::CLI_POLLED;
const SEED_V3: &str = demo::REFERENCE_V3;
const V4_MAIN: &str = demo::V4_MAIN;
const SEED_IMPORT: &str = demo::REFERENCE_IMPORT;
const FLAKY: &str = demo::FLAKY;

fn widget(dataset: &str, import: Option<&str>) -> Mounted {
    let mut pairs = vec![
        ("dataset_id", dataset.to_owned()),
        ("proxy_url", API.to_owned()),
        ("poll_interval", "500".to_owned()),
    ];
    if let Some(import) = import {
        pairs.push(("import_id", import.to_owned()));
    }
    let config = MonitorConfig::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    mount(move || view! { <App config=config/> })
}

fn attr(m: &Mounted, selector: &str, name: &str) -> Option<String> {
    m.one(selector).get_attribute(name)
}

#[wasm_bindgen_test]
async fn the_reference_import_example_draws_only_what_is_known() {
    reset_mock().await;
    let m = widget(V4_MAIN, Some(SEED_IMPORT));
    until("the import", || m.has(".pdm-import .pdm-bar")).await;
    // 150 accepted, 5 rejected, duplicates not sent: accepted is one part, not "0 new".
    assert_eq!(
        attr(&m, ".pdm-import .pdm-bar", "aria-label").as_deref(),
        Some("150 accepted, 5 rejected")
    );
    assert!(m.has(".pdm-import [data-part='accepted']"));
    assert!(!m.has(".pdm-import [data-part='duplicates']"));
    assert_eq!(
        attr(&m, ".pdm-import [data-part='accepted']", "style").as_deref(),
        Some("width: 96.77%")
    );
    assert_eq!(m.text(".pdm-import [data-count='duplicates']"), "—");
    assert!(!m.has("[role='alert']"));
}

#[wasm_bindgen_test]
async fn the_reference_dataset_example_shows_its_imports() {
    let m = widget(SEED_V3, None);
    until("the dataset", || m.has("[data-dataset-version='3']")).await;
    until("its imports", || m.has("table[data-imports-table]")).await;
    assert_eq!(m.all("table[data-imports-table] tbody tr").len(), 1);
    assert!(m.has("table[data-imports-table] [data-import-status='partial']"));
    m.button("Details").click();
    until("the import details", || m.has("table[data-error-table]")).await;
    assert_eq!(m.all("table[data-error-table] tbody tr").len(), 2);
    assert!(!m.has("[role='alert']"));
}

#[wasm_bindgen_test]
async fn a_cli_shaped_v4_dataset_shows_everything_it_has() {
    let m = widget(CLI_V4, None);
    until("the dataset", || m.has("[data-dataset-version='4']")).await;
    assert_eq!(m.text(".pdm-title"), "CLI-shaped V4 (no version stated)");
    // "1500" as a string is a number, grouped as the browser's locale groups it ("1,500" in
    // en-US, "1500" in WebKitGTK's C locale, en-US-POSIX).
    assert_eq!(
        m.text(".pdm-datapoints").trim(),
        dataset_monitor::ui::intl::number(1500)
    );
    let digits: String = m
        .text(".pdm-datapoints")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert_eq!(digits, "1500");
    assert!(m.text(".pdm-strictness").contains("not stated"));
    assert_eq!(m.all("table[data-schema-table] tbody tr").len(), 3);
    assert_eq!(m.all("table[data-imports-table] tbody tr").len(), 2);
    // A timestamp with a space and no zone is read as UTC.
    assert_eq!(
        attr(&m, ".pdm-header time", "title").as_deref(),
        Some("2026-11-24 08:00:00 UTC")
    );
    assert!(!m.has("[data-unreadable]"));
    assert!(!m.has("[role='alert']"));
}

#[wasm_bindgen_test]
async fn one_unreadable_field_is_one_quiet_line() {
    let m = widget(CLI_V3, None);
    until("the dataset", || m.has("[data-dataset-version='3']")).await;
    assert_eq!(
        m.text("[data-unreadable]"),
        "1 field could not be read: `total_datapoint_count` = \"abc\""
    );
    assert_eq!(m.text(".pdm-datapoints").trim(), "—");
    assert!(m.has("[data-dataset-status='READY']"));
    assert!(m.text("[data-dataset-version='3']").contains("Yes"));
    assert_eq!(
        attr(&m, ".pdm-header time", "title").as_deref(),
        Some("2026-11-20 08:00:00 UTC"),
        "an offset is honoured"
    );
    assert!(!m.has("[role='alert']"));
}

#[wasm_bindgen_test]
async fn an_import_without_ids_is_the_one_asked_for() {
    let m = widget(CLI_V4, Some(CLI_PARTIAL));
    until("the import", || {
        m.has(&format!(".pdm-import[data-import-id='{CLI_PARTIAL}']"))
    })
    .await;
    until("its records", || m.has("table[data-error-table]")).await;
    assert_eq!(m.all("table[data-error-table] tbody tr").len(), 3);
    assert_eq!(
        attr(&m, ".pdm-import .pdm-bar", "aria-label").as_deref(),
        Some("2 new, 2 duplicates, 25 rejected")
    );
    // Offset and fractional seconds: 09:10:00.123456+01:00 is 08:10:00 UTC.
    assert_eq!(
        attr(&m, ".pdm-import dl time", "title").as_deref(),
        Some("2026-11-24 08:10:00 UTC")
    );
    assert!(m.text(".pdm-reason").contains("Some rows were rejected."));
    assert!(!m.has("[role='alert']"));
}

#[wasm_bindgen_test]
async fn a_failed_import_lists_its_record_errors() {
    let m = widget(CLI_V4, Some(CLI_FAILED));
    until("the import", || {
        m.has(".pdm-import [data-import-status='failed']")
    })
    .await;
    until("its records", || m.has("table[data-error-table]")).await;
    assert_eq!(m.all("table[data-error-table] tbody tr").len(), 21);
    assert!(
        m.text("[data-partial-view]")
            .contains("25 rejected; 21 listed")
    );
    assert!(m.text(".pdm-reason").contains("Schema validation failed."));
    // No zone: UTC, as the docs say; an empty timestamp is a dash.
    assert_eq!(
        attr(&m, ".pdm-import dl time", "title").as_deref(),
        Some("2026-11-24 09:20:00 UTC")
    );
    let facts = m.text(".pdm-import dl");
    assert!(facts.contains("Updated—"), "{facts}");
    assert!(!m.has("[role='alert']"));
}

#[wasm_bindgen_test]
async fn a_bare_processing_answer_is_followed_to_the_end() {
    reset_mock().await;
    let m = widget(CLI_V4, Some(CLI_POLLED));
    until("processing", || m.has("[data-progress]")).await;
    assert!(m.text("[data-progress]").contains("written"));
    until("complete", || {
        m.has("[role='status'] [data-import-status='complete']")
    })
    .await;
    until("the bar", || m.has(".pdm-import .pdm-bar")).await;
    assert_eq!(
        attr(&m, ".pdm-import .pdm-bar", "aria-label").as_deref(),
        Some("0 new, 3 duplicates, 0 rejected")
    );
    assert!(!m.has("[role='alert']"));
}

/// Waits for the alert of error scenario `suffix` and returns its text.
async fn alert_of(dataset: &str) -> (Mounted, String) {
    let m = widget(dataset, None);
    until("the alert", || m.has("[role='alert']")).await;
    let text = m.text("[role='alert']");
    (m, text)
}

#[wasm_bindgen_test]
async fn every_error_body_is_shown_in_its_own_words() {
    for (suffix, expected) in [
        (
            "e01",
            vec![
                "HTTP 400",
                "Bad Request",
                "dataset_id",
                "Must be a valid UUID.",
                "name",
            ],
        ),
        (
            "e02",
            vec![
                "Invalid schema",
                "The schema is not valid.",
                "schema.fields.clip: Unknown field type",
                "body.name: Field required",
            ],
        ),
        (
            "e03",
            vec!["HTTP 500", "Internal error while reading the dataset"],
        ),
        ("e04", vec!["Bad Request", "study not found"]),
        ("e05", vec!["check the dataset id", "Not found."]),
        (
            "e06",
            vec!["description is required", "INVALID_BATCH_ITEMS"],
        ),
        ("e07", vec!["HTTP 409", "The dataset is being processed"]),
        ("e08", vec!["Storage did not answer in time"]),
        (
            "e09",
            vec![
                "HTTP 503",
                "Service temporarily unavailable <b>maintenance</b> until 18:00 UTC",
            ],
        ),
        (
            "e10",
            vec![
                "This workspace does not have access to AI Task Builder datasets",
                "permission to access to this feature",
            ],
        ),
    ] {
        let (m, text) = alert_of(&format!("{}{suffix}", demo::ERROR_BODY_PREFIX)).await;
        for e in expected {
            assert!(text.contains(e), "{suffix}: {e:?} missing from {text:?}");
        }
        // Text, never markup.
        assert!(!m.has("[role='alert'] b"), "{suffix}");
        assert!(!m.text("[role='alert']").contains("check the dataset id") || suffix == "e05");
    }

    let (m, text) = alert_of(&format!("{}e11", demo::ERROR_BODY_PREFIX)).await;
    assert!(text.contains(&format!("{}…", "x".repeat(500))));
    assert!(!text.contains(&"x".repeat(501)), "cut at 500 characters");
    let details = m.one("details.pdm-error-traceback");
    assert!(
        details.get_attribute("open").is_none(),
        "the traceback is folded"
    );

    // An HTML page: the status line only.
    reset_mock().await;
    let (m, text) = alert_of(FLAKY).await;
    assert!(text.contains("HTTP 502"), "{text}");
    assert!(!text.contains("Bad Gateway"), "{text}");
    assert!(!m.has("[role='alert'] h1"));
}
