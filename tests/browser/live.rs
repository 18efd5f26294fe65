//! Browser tests of live updates in headless Chromium against `dataset-proxy mock`:
//! exact request counts per lifecycle, hidden pages, unmounting, recovery and events.

use std::cell::RefCell;
use std::rc::Rc;

use dataset_monitor::config::MonitorConfig;
use dataset_monitor::ui::App;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{API, Mounted, count, mount, reset_mock, sleep, until};
use dataset_wire::demo;

const V4_MAIN: &str = demo::V4_MAIN;
const LIFECYCLE: &str = demo::LIFECYCLE_IMPORT;
const LIFECYCLE_STEPS: u64 = 9;
const BUSY: &str = demo::BUSY;
const RATE_LIMITED: &str = demo::RATE_LIMITED;
const FLAKY: &str = demo::FLAKY;
const INTERVAL_MS: u32 = 500;

fn widget(dataset: &str, import: Option<&str>) -> Mounted {
    let config = MonitorConfig::from_pairs([
        ("dataset_id", dataset),
        ("import_id", import.unwrap_or("")),
        ("proxy_url", API),
        ("poll_interval", &INTERVAL_MS.to_string()),
    ]);
    mount(move || view! { <App config=config/> })
}

fn live_status(m: &Mounted) -> Option<String> {
    m.root
        .query_selector("[role='status'] [data-import-status]")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("data-import-status"))
}

/// Records every `import-status-change` and `import-finished` that reaches `target`.
struct EventLog {
    seen: Rc<RefCell<Vec<(String, serde_json::Value, bool)>>>,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl EventLog {
    fn attach(target: &web_sys::EventTarget) -> Self {
        let seen: Rc<RefCell<Vec<(String, serde_json::Value, bool)>>> = Rc::default();
        let listeners = ["import-status-change", "import-finished"]
            .into_iter()
            .map(|name| {
                let seen = Rc::clone(&seen);
                let listener =
                    Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                        let custom: &web_sys::CustomEvent = event.unchecked_ref();
                        let detail = js_sys::JSON::stringify(&custom.detail())
                            .ok()
                            .and_then(|s| s.as_string())
                            .and_then(|s| serde_json::from_str(&s).ok())
                            .unwrap_or_default();
                        seen.borrow_mut().push((
                            event.type_(),
                            detail,
                            event.bubbles() && event.composed(),
                        ));
                    });
                target
                    .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
                    .expect("listen");
                listener
            })
            .collect();
        Self {
            seen,
            _listeners: listeners,
        }
    }

    fn of(&self, kind: &str) -> Vec<serde_json::Value> {
        self.seen
            .borrow()
            .iter()
            .filter(|(k, _, _)| k == kind)
            .map(|(_, d, _)| d.clone())
            .collect()
    }
}

#[wasm_bindgen_test]
async fn a_lifecycle_shows_each_state_then_stops_with_one_request_per_step() {
    reset_mock().await;
    let m = widget(V4_MAIN, Some(LIFECYCLE));
    // The events bubble from the widget's root to the container.
    let events = EventLog::attach(&m.root);
    let mut states: Vec<String> = Vec::new();
    for _ in 0..400 {
        if let Some(s) = live_status(&m) {
            if states.last() != Some(&s) {
                states.push(s.clone());
            }
            if s == "partial" {
                break;
            }
        }
        sleep(20).await;
    }
    assert_eq!(states, ["uninitialised", "queued", "processing", "partial"]);
    until("the rejected records", || m.has("table[data-error-table]")).await;
    until("the final dataset fetch", || {
        m.all("[data-imports-table] [data-import-status='partial']")
            .len()
            == 2
    })
    .await;

    // Several intervals later: not one more request.
    sleep(INTERVAL_MS * 5).await;
    assert_eq!(count(V4_MAIN, Some(LIFECYCLE)).await, LIFECYCLE_STEPS);
    assert_eq!(
        count(V4_MAIN, None).await,
        2,
        "once at start, once at the end"
    );
    assert!(m.text("[data-poll-state]").contains("no more checks"));

    // The events, with their details.
    let changes: Vec<(serde_json::Value, serde_json::Value)> = events
        .of("import-status-change")
        .into_iter()
        .map(|d| (d["previous"].clone(), d["status"].clone()))
        .collect();
    assert_eq!(
        changes,
        [
            (serde_json::Value::Null, "uninitialised".into()),
            ("uninitialised".into(), "queued".into()),
            ("queued".into(), "processing".into()),
            ("processing".into(), "partial".into()),
        ]
    );
    let finished = events.of("import-finished");
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0]["dataset_id"], V4_MAIN);
    assert_eq!(finished[0]["import_id"], LIFECYCLE);
    assert_eq!(finished[0]["status"], "partial");
    assert!(
        events.seen.borrow().iter().all(|(_, _, flags)| *flags),
        "bubbling and composed"
    );

    // "Refresh now" polls at once even after the end.
    m.button("Refresh now").click();
    sleep(300).await;
    assert_eq!(count(V4_MAIN, Some(LIFECYCLE)).await, LIFECYCLE_STEPS + 1);
}

#[wasm_bindgen_test]
async fn a_hidden_page_makes_no_requests_and_resumes_when_visible() {
    reset_mock().await;
    set_hidden(true);
    let m = widget(V4_MAIN, Some(LIFECYCLE));
    sleep(INTERVAL_MS * 4).await;
    let hidden_counts = crate::support::mock_counts().await;
    assert!(
        hidden_counts.is_empty(),
        "requests while hidden: {hidden_counts:?}"
    );
    assert!(m.text("[data-poll-state]").contains("paused"));

    set_hidden(false);
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    document
        .dispatch_event(&web_sys::Event::new("visibilitychange").expect("event"))
        .expect("dispatch");
    until("the dataset", || m.has("[data-dataset-version='4']")).await;
    sleep(INTERVAL_MS).await;
    assert!(count(V4_MAIN, Some(LIFECYCLE)).await >= 1);
}

#[wasm_bindgen_test]
async fn removing_the_widget_stops_every_request() {
    reset_mock().await;
    let mut m = widget(V4_MAIN, Some(LIFECYCLE));
    for _ in 0..200 {
        if count(V4_MAIN, Some(LIFECYCLE)).await >= 2 {
            break;
        }
        sleep(50).await;
    }
    m.unmount();
    let at_unmount = count(V4_MAIN, Some(LIFECYCLE)).await;
    assert!(at_unmount < LIFECYCLE_STEPS, "still polling when removed");
    sleep(INTERVAL_MS * 4).await;
    assert_eq!(count(V4_MAIN, Some(LIFECYCLE)).await, at_unmount);
    assert!(m.root.inner_html().is_empty(), "unmounted");
}

#[wasm_bindgen_test]
async fn a_mount_handle_nobody_keeps_does_not_stop_the_widget() {
    reset_mock().await;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let root: web_sys::HtmlElement = document
        .create_element("div")
        .expect("div")
        .dyn_into()
        .expect("an HtmlElement");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let options = js_sys::JSON::parse(&format!(
        r#"{{"datasetId":"{V4_MAIN}","importId":"{LIFECYCLE}","proxyUrl":"{API}","pollInterval":{INTERVAL_MS}}}"#
    ))
    .expect("options");
    let handle = dataset_monitor::embed::mount(root.clone(), options).expect("mount");
    // What the garbage collector does to a JS handle that the page did not keep.
    drop(handle);
    for _ in 0..300 {
        if count(V4_MAIN, Some(LIFECYCLE)).await >= LIFECYCLE_STEPS {
            break;
        }
        sleep(50).await;
    }
    assert_eq!(
        count(V4_MAIN, Some(LIFECYCLE)).await,
        LIFECYCLE_STEPS,
        "the widget followed the import to its end"
    );
    until("the final status", || {
        root.query_selector("[data-import-status='partial']")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_502_then_200_recovers_on_its_own() {
    reset_mock().await;
    let m = widget(FLAKY, None);
    until("the error", || m.has("[role='alert']")).await;
    assert!(m.text("[role='alert']").contains("HTTP 502"));
    until("the dataset", || m.has("[data-dataset-version='3']")).await;
    assert!(!m.has("[role='alert']"), "the error is gone after recovery");
    sleep(INTERVAL_MS * 3).await;
    assert_eq!(
        count(FLAKY, None).await,
        2,
        "a V3 READY dataset is not polled again"
    );
}

#[wasm_bindgen_test]
async fn a_429_with_retry_after_waits_then_recovers() {
    reset_mock().await;
    let m = widget(RATE_LIMITED, None);
    until("the 429", || m.has("[role='alert']")).await;
    assert!(m.text("[data-poll-state]").contains("retrying in"));
    let started = js_sys::Date::now();
    until("the dataset", || m.has("[data-dataset-version='3']")).await;
    let waited = js_sys::Date::now() - started;
    assert!(waited >= 800.0, "Retry-After: 1 was honoured ({waited} ms)");
    assert_eq!(count(RATE_LIMITED, None).await, 2);
}

#[wasm_bindgen_test]
async fn without_an_import_id_the_dataset_is_followed_until_its_imports_end() {
    reset_mock().await;
    let m = widget(BUSY, None);
    let events = EventLog::attach(&m.root);
    until("both imports final", || {
        m.all("[data-imports-table] [data-import-status='complete']")
            .len()
            == 1
            && m.all("[data-imports-table] [data-import-status='partial']")
                .len()
                == 1
    })
    .await;
    sleep(INTERVAL_MS * 4).await;
    assert_eq!(
        count(BUSY, None).await,
        4,
        "one request per step, none after"
    );
    let finished: Vec<_> = events
        .of("import-finished")
        .into_iter()
        .map(|d| d["status"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(finished, ["complete", "partial"]);
}

/// Makes `document.hidden` read `hidden` (headless Chromium is always visible).
fn set_hidden(hidden: bool) {
    let script = if hidden {
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})"
    } else {
        "delete document.hidden"
    };
    js_sys::Function::new_no_args(script)
        .call0(&wasm_bindgen::JsValue::NULL)
        .expect("script");
}
