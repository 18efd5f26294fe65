//! Entry points for `scripts/bench` (bench/bench.mjs calls them in headless Chromium).
//!
//! `decode_widget` and `render_import` go through the widget's own code; the other
//! decoders are the alternatives it was measured against (the faster one is kept).
#![cfg(target_arch = "wasm32")]

use dataset_monitor::api::{ImportJob, decode};
use dataset_monitor::ui::ImportDetails;
use leptos::mount::{UnmountHandle, mount_to};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// The widget's path: the response bytes → `ImportJob` (`dataset_monitor::api::decode`,
/// which the client uses). Returns the error count.
#[wasm_bindgen]
pub fn decode_widget(bytes: &[u8]) -> Result<usize, JsError> {
    let job: ImportJob = decode(bytes).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(job.errors.len())
}

/// serde_json from the response text, tracking the JSON path on the way (the widget's
/// path before the benchmarks).
#[wasm_bindgen]
pub fn decode_text_with_path(text: &str) -> Result<usize, JsError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let job: ImportJob =
        serde_path_to_error::deserialize(de).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(job.errors.len())
}

/// serde_json from the response bytes, tracking the JSON path on the way.
#[wasm_bindgen]
pub fn decode_bytes_with_path(bytes: &[u8]) -> Result<usize, JsError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let job: ImportJob =
        serde_path_to_error::deserialize(de).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(job.errors.len())
}

/// `JSON.parse` (done by the caller) + serde-wasm-bindgen, tracking the JSON path.
#[wasm_bindgen]
pub fn decode_js_value(value: JsValue) -> Result<usize, JsError> {
    let de = serde_wasm_bindgen::Deserializer::from(value);
    let job: ImportJob =
        serde_path_to_error::deserialize(de).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(job.errors.len())
}

/// The import view the widget shows (details, counts and the rejected-records table),
/// mounted into `parent` from the response bytes, as the widget does; `free()` removes it.
#[wasm_bindgen]
pub fn render_import(
    parent: web_sys::HtmlElement,
    bytes: &[u8],
) -> Result<RenderedImport, JsError> {
    let job: ImportJob = decode(bytes).map_err(|e| JsError::new(&e.to_string()))?;
    let dataset_id = job.dataset_id.clone().unwrap_or_default();
    let handle = mount_to(parent, move || {
        view! { <ImportDetails job dataset_id/> }.into_any()
    });
    Ok(RenderedImport { _handle: handle })
}

/// A mounted import view; `free()` unmounts it.
#[wasm_bindgen]
pub struct RenderedImport {
    _handle: UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl std::fmt::Debug for RenderedImport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RenderedImport")
    }
}
