//! Browser tests of the components in headless Chromium, rendered from typed models
//! (decoded from JSON, as the client would).

use std::sync::Arc;

use dataset_monitor::api::{
    ApiError, ClientError, Dataset, DatasetDetails, ImportJob, ImportStatus, RecordError, decode,
};
use dataset_monitor::config::MonitorConfig;
use dataset_monitor::ui::{
    App, DatasetHeader, ErrorMessage, ImportBadge, ImportDetails, RecordTable, V3Section, V4Section,
};
use dataset_monitor::view::present;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlElement, HtmlInputElement};

use crate::support::{API, mount, settle, until};
use dataset_wire::demo;

fn job(status: &str, extra: &str) -> ImportJob {
    decode(format!(
        r#"{{"import_id": "{import}", "dataset_id": "{dataset}",
            "type": "file_upload", "status": "{status}", "filename": "f.csv",
            "created_at": "2024-01-15T09:30:00Z", "updated_at": "2024-01-15T10:00:00Z" {extra}}}"#,
        import = demo::REFERENCE_IMPORT,
        dataset = demo::V4_MAIN,
    ))
    .expect("import decodes")
}

/// `n` as the page shows counts: grouped as the browser's locale groups digits ("12,000" in
/// en-US, "12000" in WebKitGTK's C locale).
fn grouped(n: u64) -> String {
    dataset_monitor::ui::intl::number(n)
}

fn dataset(json: &str) -> Dataset {
    decode(json).expect("dataset decodes")
}

#[wasm_bindgen_test]
async fn every_import_status_badge_has_hook_icon_and_words() {
    for (raw, words) in [
        ("uninitialised", "Not uploaded yet"),
        ("queued", "Queued"),
        ("processing", "Processing"),
        ("complete", "Complete"),
        ("partial", "Partial"),
        ("failed", "Failed"),
        ("pending_schema", "Waiting for a schema"),
        ("archived_by_admin", "archived_by_admin"),
    ] {
        let status = ImportStatus::from(raw);
        let m = mount(move || view! { <ImportBadge status=status/> });
        settle().await;
        let badge = m.one("[data-import-status]");
        assert_eq!(
            badge.get_attribute("data-import-status").as_deref(),
            Some(raw)
        );
        assert!(m.text(".pdm-badge-label").contains(words), "{raw}");
        // The icon is drawn (an SVG mask), not a glyph a font may lack.
        let drawn = m
            .one(".pdm-badge-icon")
            .get_attribute("style")
            .unwrap_or_default();
        assert!(
            drawn.starts_with("--pdm-icon:url(\"data:image/svg+xml,"),
            "{drawn}"
        );
        let path = present::import_status(&ImportStatus::from(raw)).path;
        assert!(
            drawn.contains(&dataset_monitor::config::query::escape_component(path)),
            "{raw} has its icon: {drawn}"
        );
        assert!(m.text(".pdm-badge-icon").is_empty(), "{raw}: no text glyph");
        assert_eq!(
            m.one(".pdm-badge-icon")
                .get_attribute("aria-hidden")
                .as_deref(),
            Some("true")
        );
        let class = badge.get_attribute("class").unwrap_or_default();
        assert_eq!(
            class.contains("pdm-animated"),
            matches!(raw, "queued" | "processing"),
            "{raw}: {class}"
        );
    }
}

#[wasm_bindgen_test]
async fn v3_section_shows_status_file_and_grouping() {
    let d = dataset(&format!(
        r#"{{"id": "{}", "name": "V3", "schema_version": 3,
            "status": "PROCESSING", "filename": null, "has_predetermined_grouping_id": false}}"#,
        demo::REFERENCE_V3
    ));
    let DatasetDetails::V3(v3) = d.details else {
        panic!("V3")
    };
    let m = mount(
        move || view! { <V3Section details=v3 imports=Signal::stored(Vec::new()) selected=RwSignal::new(None)/> },
    );
    settle().await;
    m.one("[data-dataset-version='3']");
    assert_eq!(
        m.one("[data-dataset-status]")
            .get_attribute("data-dataset-status")
            .as_deref(),
        Some("PROCESSING")
    );
    let text = m.root.text_content().unwrap_or_default();
    assert!(text.contains("File—"), "{text}");
    assert!(text.contains("Predetermined groupingNo"), "{text}");
}

#[wasm_bindgen_test]
async fn v4_section_with_200_fields_and_an_unknown_type() {
    let fields: Vec<String> = (0..199)
        .map(|i| format!(r#""f{i:03}": {{"type": "text", "label": "L{i}"}}"#))
        .chain([r#""hologram": {"type": "hologram_url"}"#.to_owned()])
        .collect();
    let json = format!(
        r#"{{"id": "{}", "name": "V4", "schema_version": "4",
            "schema": {{"strict": false, "fields": {{{}}}}}, "imports": []}}"#,
        demo::V4_MAIN,
        fields.join(",")
    );
    let DatasetDetails::V4(v4) = dataset(&json).details else {
        panic!("V4")
    };
    let selected = RwSignal::new(None);
    let m = mount(
        move || view! { <V4Section schema=v4.schema imports=Signal::stored(v4.imports) selected=selected/> },
    );
    settle().await;
    m.one("[data-dataset-version='4']");
    assert_eq!(m.all("[data-schema-table] tbody tr").len(), 200);
    assert!(m.text(".pdm-strictness").starts_with("Lenient"));
    let unknown = m.one("[data-known='false']");
    assert_eq!(unknown.text_content().as_deref(), Some("hologram_url"));
    assert!(
        m.root
            .text_content()
            .unwrap_or_default()
            .contains("No imports yet")
    );
}

#[wasm_bindgen_test]
async fn v4_without_schema_explains_pending_schema_and_lists_imports() {
    let d = dataset(&format!(
        r#"{{"id": "{}", "name": "No schema", "schema_version": "4",
            "schema": null, "imports": [
              {{"import_id": "a1", "status": "pending_schema", "filename": "one.jsonl"}},
              {{"import_id": "a2", "status": "complete", "accepted_count": 12000, "duplicate_count": 3}}
            ]}}"#,
        demo::NO_SCHEMA
    ));
    let DatasetDetails::V4(v4) = d.details else {
        panic!("V4")
    };
    let selected = RwSignal::new(None);
    let m = mount(
        move || view! { <V4Section schema=v4.schema imports=Signal::stored(v4.imports) selected=selected/> },
    );
    settle().await;
    assert!(m.text("[data-no-schema]").contains("pending_schema"));
    let rows = m.all("[data-imports-table] tbody tr");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].get_attribute("data-import-id").as_deref(),
        Some("a1")
    );
    assert!(
        rows[1]
            .text_content()
            .unwrap_or_default()
            .contains(&grouped(12_000))
    );
    m.all("[data-imports-table] tbody tr button")[1]
        .clone()
        .dyn_into::<HtmlElement>()
        .expect("button")
        .click();
    settle().await;
    assert_eq!(selected.get_untracked().as_deref(), Some("a2"));
    assert_eq!(
        m.all("[data-imports-table] tbody tr button")[1]
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn an_id_may_break_after_each_hyphen_and_reads_unchanged() {
    for id in [demo::V4_MAIN, "<b>a-b</b>", "no_hyphen"] {
        let d = dataset(&format!(
            r#"{{"id": {id:?}, "name": "n", "schema_version": "3"}}"#
        ));
        let m = mount(move || view! { <DatasetHeader dataset=d/> });
        settle().await;
        // A <wbr> after each group (a line may not break after a hyphen that a digit
        // follows, as most of a UUID's are): after each hyphen, and at the end.
        let breaks = m.all(".pdm-id wbr");
        assert_eq!(breaks.len(), id.split('-').count(), "{id}");
        for wbr in &breaks[..breaks.len() - 1] {
            let before = wbr
                .previous_sibling()
                .and_then(|n| n.text_content())
                .unwrap_or_default();
            assert!(before.ends_with('-'), "{id}: a break after {before:?}");
        }
        // The text, copied or read aloud, is the id, and never markup.
        assert_eq!(m.text(".pdm-id"), id);
        assert!(m.all(".pdm-id b").is_empty(), "{id}");
    }
}

#[wasm_bindgen_test]
async fn hostile_strings_render_as_text_never_markup() {
    let d = dataset(
        r#"{"id": "<b>id</b>", "name": "<img src=x onerror=\"window.__pwned=1\">", "schema_version": "3",
            "created_by": "<script>window.__pwned=2</script>", "filename": "<b>bold</b>"}"#,
    );
    let name = d.name.clone();
    let DatasetDetails::V3(v3) = d.details.clone() else {
        panic!("V3")
    };
    let m = mount(
        move || view! { <DatasetHeader dataset=d/> <V3Section details=v3 imports=Signal::stored(Vec::new()) selected=RwSignal::new(None)/> },
    );
    settle().await;
    assert!(
        m.all("img, script, b").is_empty(),
        "{}",
        m.root.inner_html()
    );
    assert_eq!(m.text(".pdm-title"), name);
    assert!(
        m.root
            .text_content()
            .unwrap_or_default()
            .contains("<b>bold</b>")
    );
    let pwned = js_sys::Reflect::get(&js_sys::global(), &"__pwned".into()).expect("get");
    assert!(pwned.is_undefined());

    let errors: Arc<[RecordError]> = vec![RecordError {
        record_index: Some(1),
        field: Some("<i>f</i>".into()),
        reason: Some("<img src=y>".into()),
    }]
    .into();
    let t = mount(
        move || view! { <RecordTable errors=errors dataset_id="d".to_owned() import_id="i".to_owned()/> },
    );
    settle().await;
    assert!(t.all("img, i").is_empty(), "{}", t.root.inner_html());
    assert!(t.text("[data-error-table] tbody").contains("<img src=y>"));
}

#[wasm_bindgen_test]
async fn each_error_body_shape_is_shown() {
    let cases = [
        (
            r#"{"error": {"status": 404, "error_code": 1, "title": "Not found", "detail": "No such dataset"}}"#,
            vec!["Not found", "No such dataset"],
        ),
        (
            r#"{"error": {"status": 400, "error_code": 1, "title": "Bad", "detail": ["one", "two"], "additional_information": "See docs", "traceback": "Traceback: boom"}}"#,
            vec!["one", "two", "See docs", "Technical details"],
        ),
        (
            r#"{"error": {"status": 400, "error_code": 1, "title": "Invalid", "detail": {"name": ["Required."], "id": ["Bad id."]}}}"#,
            vec!["name", "Required.", "id", "Bad id."],
        ),
        (
            r#"{"message": "Flat message", "detail": "Flat detail"}"#,
            vec!["Flat message", "Flat detail"],
        ),
    ];
    for (body, expected) in cases {
        let body: ApiError = serde_json::from_str(body).expect("error body");
        let error = ClientError::Http {
            status: body.status.unwrap_or(500),
            body: Some(Box::new(body)),
            retry_after: None,
        };
        let m = mount(move || view! { <ErrorMessage error=error/> });
        settle().await;
        let alert = m.one("[role='alert']");
        let text = alert.text_content().unwrap_or_default();
        for e in expected {
            assert!(text.contains(e), "{e:?} missing from {text:?}");
        }
        for details in m.all("details.pdm-error-traceback") {
            assert!(
                details.get_attribute("open").is_none(),
                "the traceback is folded away"
            );
        }
    }
    let m =
        mount(|| view! { <ErrorMessage error=ClientError::Network("Failed to fetch".into())/> });
    settle().await;
    assert!(
        m.text("[role='alert']")
            .contains("The request to the proxy failed")
    );
    let m = mount(
        || view! { <ErrorMessage error=ClientError::Decode { path: "imports[0].status".into(), message: "bad".into() } stale_since=js_sys::Date::now()/> },
    );
    settle().await;
    assert!(m.text("[role='alert']").contains("imports[0].status"));
    assert!(m.text(".pdm-stale-note").contains("Showing data from"));
}

#[wasm_bindgen_test]
async fn import_details_show_counts_reason_advice_and_partial_view() {
    let failed = job("failed", r#", "reason": "Line 3 is not valid JSON""#);
    let m = mount(move || view! { <ImportDetails job=failed dataset_id="d".to_owned()/> });
    settle().await;
    assert!(m.text(".pdm-reason").contains("Line 3 is not valid JSON"));

    let pending = job("pending_schema", "");
    let m = mount(move || view! { <ImportDetails job=pending dataset_id="d".to_owned()/> });
    settle().await;
    assert!(
        m.root
            .text_content()
            .unwrap_or_default()
            .contains("Set one")
    );

    let partial = job(
        "partial",
        r#", "accepted_count": 9000, "rejected_count": 2500, "duplicate_count": 100,
           "errors": [{"record_index": 1, "field": "a", "reason": "r"}]"#,
    );
    let m = mount(move || view! { <ImportDetails job=partial dataset_id="d".to_owned()/> });
    settle().await;
    assert_eq!(m.text("[data-count='accepted']"), grouped(9_000));
    assert_eq!(m.text("[data-count='new']"), grouped(8_900));
    assert!(
        m.text("[data-partial-view]")
            .starts_with(&format!("{} rejected; 1 listed", grouped(2_500)))
    );
    m.one(".pdm-bar[role='img']");
    m.one("table[data-error-table]");

    let processing = job(
        "processing",
        r#", "written_count": 400, "rejected_seen_count": 3, "duplicate_seen_count": 2"#,
    );
    let m = mount(move || view! { <ImportDetails job=processing dataset_id="d".to_owned()/> });
    settle().await;
    assert!(m.text("[data-progress]").contains("400 written"));
}

/// Texts whose lower case is more than ASCII: accents, a dotted capital I (two code
/// points in lower case), Greek with a final sigma, German sharp s, Cyrillic.
const UNICODE_TEXTS: [&str; 5] = [
    "ÉCOLE Ünïcode",
    "İSTANBUL",
    "ΟΔΥΣΣΕΥΣ ΣΑΣ",
    "Straße GROSS",
    "ПОЛЕ Missing",
];

#[wasm_bindgen_test]
fn the_browser_lowercases_as_rust_does() {
    use dataset_monitor::ui::lowercase::lowercase;
    use dataset_monitor::view::record_query::lowercase_all;
    for text in UNICODE_TEXTS {
        assert_eq!(lowercase(text), text.to_lowercase(), "{text}");
    }
    assert_eq!(
        lowercase_all(UNICODE_TEXTS.map(String::from), lowercase),
        UNICODE_TEXTS.map(str::to_lowercase)
    );
}

#[wasm_bindgen_test]
async fn the_search_finds_rows_whatever_their_case_in_any_script() {
    let errors: Arc<[RecordError]> = UNICODE_TEXTS
        .iter()
        .enumerate()
        .map(|(i, reason)| RecordError {
            record_index: Some(i as u64),
            field: Some("text".into()),
            reason: Some((*reason).into()),
        })
        .collect::<Vec<_>>()
        .into();
    let m = mount(
        move || view! { <RecordTable errors=errors dataset_id="d".to_owned() import_id="i".to_owned()/> },
    );
    settle().await;
    let input: HtmlInputElement = m.one("input.pdm-filter").dyn_into().expect("input");
    for (needle, row) in [
        ("école", "0"),
        ("i̇stanbul", "1"),
        ("ὀδυσσευς", ""),
        ("οδυσσευς σας", "2"),
        ("STRASSE", ""),
        ("straße", "3"),
        ("поле", "4"),
    ] {
        input.set_value(needle);
        input
            .dispatch_event(&web_sys::Event::new("input").expect("event"))
            .expect("dispatch");
        settle().await;
        let rows: Vec<String> = m
            .all("table[data-error-table] tbody tr")
            .iter()
            .filter_map(|r| r.get_attribute("data-row"))
            .collect();
        let expected: Vec<&str> = Some(row).filter(|r| !r.is_empty()).into_iter().collect();
        assert_eq!(rows, expected, "{needle}");
    }
}

#[wasm_bindgen_test]
async fn ten_thousand_errors_keep_the_dom_bounded_and_filter_sort_chips_and_pages_work() {
    let errors: Arc<[RecordError]> = (0..10_000u64)
        .map(|i| RecordError {
            record_index: Some(i),
            field: Some(if i % 10 == 0 {
                "_raw".into()
            } else {
                format!("field_{}", i % 3)
            }),
            reason: Some(if i % 2 == 0 {
                "Too long".into()
            } else {
                "Missing".into()
            }),
        })
        .collect::<Vec<_>>()
        .into();
    let m = mount(
        move || view! { <RecordTable errors=errors dataset_id="d".to_owned() import_id="i".to_owned()/> },
    );
    settle().await;
    let rows = || m.all("table[data-error-table] tbody tr");
    assert_eq!(rows().len(), 50);
    assert!(m.all("tr").len() <= 100, "DOM rows bounded");
    assert!(
        m.text("[data-page-status]")
            .contains(&format!("of {}", grouped(10_000)))
    );
    assert!(
        m.one("table[data-error-table] caption")
            .text_content()
            .unwrap_or_default()
            .contains("0-based")
    );
    assert_eq!(m.all("th[scope='col']").len(), 3);

    // Next page.
    m.button("Next").click();
    settle().await;
    assert_eq!(rows()[0].get_attribute("data-row").as_deref(), Some("50"));

    // Sort by record index, descending (second click on the same header).
    m.button("Record (0-based)").click();
    settle().await;
    assert_eq!(
        m.all("th[aria-sort='descending']").len(),
        1,
        "aria-sort follows the sort"
    );
    assert_eq!(rows()[0].get_attribute("data-row").as_deref(), Some("9999"));

    // Text filter (page resets to the first).
    let input: HtmlInputElement = m.one("input.pdm-filter").dyn_into().expect("input");
    input.set_value("whole record");
    input
        .dispatch_event(&web_sys::Event::new("input").expect("event"))
        .expect("dispatch");
    settle().await;
    assert!(
        m.text("[data-page-status]")
            .contains(&format!("of {}", grouped(1_000))),
        "{}",
        m.text("[data-page-status]")
    );
    assert!(rows().iter().all(|r| {
        r.text_content()
            .unwrap_or_default()
            .contains("whole record")
    }));

    // Clear the text, then a reason chip.
    input.set_value("");
    input
        .dispatch_event(&web_sys::Event::new("input").expect("event"))
        .expect("dispatch");
    settle().await;
    let chip = m
        .all(".pdm-chip")
        .into_iter()
        .find(|c| c.text_content().unwrap_or_default().starts_with("Missing"))
        .expect("a Missing chip")
        .dyn_into::<HtmlElement>()
        .expect("html");
    chip.click();
    settle().await;
    assert_eq!(chip.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert!(
        m.text("[data-page-status]")
            .contains(&format!("of {}", grouped(5_000))),
        "{}",
        m.text("[data-page-status]")
    );
    assert!(
        rows()
            .iter()
            .all(|r| r.text_content().unwrap_or_default().contains("Missing"))
    );
    chip.click();
    settle().await;
    assert!(
        m.text("[data-page-status]")
            .contains(&format!("of {}", grouped(10_000)))
    );

    // Sort by field: `_raw` rows read "whole record…" and sort after "field_…".
    m.button("Field").click();
    settle().await;
    assert!(
        rows()[0]
            .text_content()
            .unwrap_or_default()
            .contains("field_0")
    );
}

#[wasm_bindgen_test]
async fn the_whole_widget_renders_the_demo_dataset_and_followed_import() {
    let config = MonitorConfig::from_pairs([
        ("dataset_id", demo::V4_MAIN),
        ("import_id", demo::REFERENCE_IMPORT),
        ("proxy_url", API),
    ]);
    let m = mount(move || view! { <App config=config/> });
    m.one("[role='status']");
    until("the dataset", || {
        m.root
            .query_selector("[data-dataset-version='4']")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    until("the import", || {
        m.root
            .query_selector("[role='status'] [data-import-status]")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    assert_eq!(
        m.one("[role='status'] [data-import-status]")
            .get_attribute("data-import-status")
            .as_deref(),
        Some("partial")
    );
    until("the error table", || {
        m.root
            .query_selector("table[data-error-table]")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    assert_eq!(m.all("table[data-error-table] tbody tr").len(), 2);
    assert_eq!(
        m.one(".pdm").get_attribute("data-theme").as_deref(),
        Some("auto")
    );
}

#[wasm_bindgen_test]
async fn a_configuration_error_is_an_alert() {
    let config = MonitorConfig::from_pairs([("dataset_id", "nope"), ("theme", "dark")]);
    let m = mount(move || view! { <App config=config/> });
    settle().await;
    assert!(m.text("[role='alert']").contains("not a UUID"));
}

#[wasm_bindgen_test]
async fn a_dangerous_or_malformed_proxy_url_is_an_alert_and_no_request() {
    for bad in ["javascript:alert(1)", "not a url", "ftp://example.org/"] {
        let config =
            MonitorConfig::from_pairs([("dataset_id", demo::V3_READY), ("proxy_url", bad)]);
        let m = mount(move || view! { <App config=config/> });
        settle().await;
        assert!(
            m.text("[role='alert']").contains("Configuration error"),
            "{bad}: {}",
            m.root.inner_html()
        );
        assert!(!m.has("[data-dataset-version]"));
    }
}

#[wasm_bindgen_test]
async fn the_panic_notice_reaches_every_widget_root() {
    let config = MonitorConfig::from_pairs([("dataset_id", "nope")]);
    let m = mount(move || view! { <App config=config/> });
    settle().await;
    dataset_monitor::panic_notice::show_notice();
    let notice = m.one(".pdm-panic");
    assert_eq!(notice.get_attribute("role").as_deref(), Some("alert"));
    assert!(
        notice
            .text_content()
            .unwrap_or_default()
            .contains("Reload the page")
    );
    for n in m.all(".pdm-panic") {
        n.remove();
    }
}

#[wasm_bindgen_test]
async fn an_api_error_is_an_alert() {
    let config = MonitorConfig::from_pairs([("dataset_id", demo::UNKNOWN), ("proxy_url", API)]);
    let m = mount(move || view! { <App config=config/> });
    until("the alert", || {
        m.root
            .query_selector("[role='alert']")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    assert!(m.text("[role='alert']").contains("HTTP 404"));
}

#[wasm_bindgen_test]
fn a_language_intl_rejects_falls_back_to_the_default_locale() {
    use dataset_monitor::ui::intl::Formatters;
    // "C" is what WebKitGTK reports under LANG=C.UTF-8; Intl throws a RangeError for it.
    for language in [
        "C",
        "",
        "en_US.UTF-8",
        "qq-Made-Up",
        "a-b",
        "x!y",
        "de_DE@euro",
    ] {
        let formatters = Formatters::new(language);
        let resolved = formatters.resolved_locale();
        assert!(resolved.is_some(), "{language:?}: Intl made no formatter");
        let digits: String = formatters
            .number(12_500)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        assert_eq!(digits, "12500", "{language:?}");
        assert!(
            !formatters.relative_time(0.0, 180_000.0).is_empty(),
            "{language:?}"
        );
        assert!(
            formatters.local_time(0.0).contains("19") || formatters.local_time(0.0).contains("70")
        );
    }
    assert_eq!(
        Formatters::new("en_US.UTF-8").resolved_locale().as_deref(),
        Some("en-US")
    );
    assert_eq!(Formatters::new("en_US.UTF-8").number(12_500), "12,500");
    assert_eq!(
        Formatters::new("de_DE@euro").resolved_locale().as_deref(),
        Some("de-DE")
    );
}

/// Runs `script` in the page (the browser calls replaced for a test, and put back).
fn run_js(script: &str) {
    js_sys::Function::new_no_args(script)
        .call0(&wasm_bindgen::JsValue::NULL)
        .expect("the script runs");
}

const BREAK_BROWSER_CALLS: &str = r#"
    const boom = function () { throw new Error('stubbed to throw'); };
    const saved = (globalThis.__pdmSaved = {
        intl: { ...Object.fromEntries(['NumberFormat', 'DateTimeFormat', 'RelativeTimeFormat'].map((k) => [k, Intl[k]])) },
        storage: Object.getOwnPropertyDescriptor(window, 'localStorage'),
        notification: Object.getOwnPropertyDescriptor(window, 'Notification'),
        pushState: history.pushState, replaceState: history.replaceState,
        clipboard: Object.getOwnPropertyDescriptor(navigator, 'clipboard'),
        blob: window.Blob, createObjectURL: URL.createObjectURL, matchMedia: window.matchMedia,
    });
    for (const k of Object.keys(saved.intl)) Intl[k] = boom;
    Object.defineProperty(window, 'localStorage', { configurable: true, get: boom });
    const notification = function () { throw new Error('stubbed to throw'); };
    notification.requestPermission = boom;
    Object.defineProperty(notification, 'permission', { get: boom });
    Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: notification });
    history.pushState = boom; history.replaceState = boom;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: boom } });
    window.Blob = boom; URL.createObjectURL = boom; window.matchMedia = boom;
"#;

const RESTORE_BROWSER_CALLS: &str = r#"
    const saved = globalThis.__pdmSaved;
    Object.assign(Intl, saved.intl);
    if (saved.storage) Object.defineProperty(window, 'localStorage', saved.storage); else delete window.localStorage;
    if (saved.notification) Object.defineProperty(window, 'Notification', saved.notification); else delete window.Notification;
    history.pushState = saved.pushState; history.replaceState = saved.replaceState;
    if (saved.clipboard) Object.defineProperty(navigator, 'clipboard', saved.clipboard); else delete navigator.clipboard;
    window.Blob = saved.blob; URL.createObjectURL = saved.createObjectURL; window.matchMedia = saved.matchMedia;
"#;

#[wasm_bindgen_test]
async fn every_browser_call_that_throws_leaves_the_widget_working() {
    use dataset_monitor::ui::intl::Formatters;
    /// Puts the browser calls back however the test ends, so that no later test of this
    /// page runs with them broken.
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            run_js(RESTORE_BROWSER_CALLS);
        }
    }
    // The page's formatters are made on first use: made now, with Intl working, so that
    // the other tests of this page see grouped numbers whichever runs first.
    dataset_monitor::ui::intl::number(0);
    run_js(BREAK_BROWSER_CALLS);
    let _restore = Restore;
    // Intl gone: plain digits, English and UTC.
    let formatters = Formatters::new("en-US");
    assert_eq!(formatters.resolved_locale(), None);
    assert_eq!(formatters.number(12_500), "12500");
    assert_eq!(formatters.relative_time(0.0, 180_000.0), "3 minutes ago");
    assert_eq!(formatters.local_time(0.0), "1970-01-01 00:00:00 UTC");

    let config = MonitorConfig::from_pairs([
        ("dataset_id", demo::V4_MAIN),
        ("import_id", demo::REFERENCE_IMPORT),
        ("proxy_url", API),
    ]);
    let m = mount(move || view! { <App config=config/> });
    until("the error table", || m.has("table[data-error-table]")).await;
    // The dataset is asked for beside the import, and may answer after it.
    until("the dataset header", || m.has(".pdm-copy")).await;
    // The copy button (clipboard) and both downloads (Blob, object URL) throw inside.
    m.one(".pdm-copy").unchecked_into::<HtmlElement>().click();
    m.button("Download filtered (CSV)").click();
    settle().await;
    assert_eq!(
        m.one("[role='status'] [data-import-status]")
            .get_attribute("data-import-status")
            .as_deref(),
        Some("partial")
    );
    assert_eq!(m.all("table[data-error-table] tbody tr").len(), 2);
    assert!(!m.has(".pdm-panic"), "{}", m.root.inner_html());
}
