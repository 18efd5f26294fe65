//! Helpers shared by the browser tests: mounting into a fresh container, querying it,
//! waiting, and the mock API's counters.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The mock API the test command starts.
pub const API: &str = match option_env!("DATASET_MONITOR_TEST_API") {
    Some(url) => url,
    None => "http://127.0.0.1:18931",
};

/// A fresh container in the page, with the widget's mount kept alive while it is used.
pub struct Mounted {
    pub root: HtmlElement,
    handle: Option<Box<dyn std::any::Any>>,
}

pub fn mount<F, V>(f: F) -> Mounted
where
    F: FnOnce() -> V + 'static,
    V: IntoView + 'static,
{
    let document = web_sys::window()
        .expect("window")
        .document()
        .expect("document");
    let root: HtmlElement = document
        .create_element("div")
        .expect("div")
        .dyn_into()
        .expect("html element");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let handle = mount_to(root.clone(), f);
    Mounted {
        root,
        handle: Some(Box::new(handle)),
    }
}

impl Mounted {
    /// Removes the widget (its reactive owner is cleaned up), keeping the container.
    pub fn unmount(&mut self) {
        self.handle = None;
    }

    /// Whether `selector` matches anything now.
    pub fn has(&self, selector: &str) -> bool {
        self.root.query_selector(selector).ok().flatten().is_some()
    }

    pub fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).expect("selector");
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    pub fn one(&self, selector: &str) -> Element {
        self.root
            .query_selector(selector)
            .expect("selector")
            .unwrap_or_else(|| panic!("no {selector} in {}", self.root.inner_html()))
    }

    pub fn text(&self, selector: &str) -> String {
        self.one(selector).text_content().unwrap_or_default()
    }

    pub fn button(&self, label: &str) -> HtmlElement {
        self.all("button")
            .into_iter()
            .find(|b| b.text_content().unwrap_or_default().contains(label))
            .unwrap_or_else(|| panic!("no button {label:?}"))
            .dyn_into()
            .expect("html element")
    }
}

pub async fn settle() {
    TimeoutFuture::new(0).await;
}

pub async fn until(what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..200 {
        if ready() {
            return;
        }
        TimeoutFuture::new(25).await;
    }
    panic!("timed out waiting for {what}");
}

/// Sleeps `ms` milliseconds.
pub async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}

/// Rewinds every mock scenario and zeroes its counters.
pub async fn reset_mock() {
    let response = gloo_net::http::Request::post(&format!("{API}/_mock/reset"))
        .send()
        .await
        .expect("mock reachable");
    assert_eq!(response.status(), 204);
}

/// Requests per route path so far, from the mock.
pub async fn mock_counts() -> std::collections::BTreeMap<String, u64> {
    let text = gloo_net::http::Request::get(&format!("{API}/_mock/requests"))
        .send()
        .await
        .expect("mock reachable")
        .text()
        .await
        .expect("body");
    serde_json::from_str(&text).expect("counts")
}

/// Requests so far to the dataset route, or to the import route when `import` is given.
pub async fn count(dataset: &str, import: Option<&str>) -> u64 {
    let path = match import {
        Some(i) => format!("/api/v1/data-collection/datasets/{dataset}/imports/{i}"),
        None => format!("/api/v1/data-collection/datasets/{dataset}"),
    };
    mock_counts().await.get(&path).copied().unwrap_or(0)
}
