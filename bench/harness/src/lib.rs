//! Entry points for `scripts/bench` (bench/bench.mjs calls them in headless Chromium).
//!
//! `decode_widget` and `render_import` go through the widget's own code; the other
//! decoders are the alternatives it is measured against, so that the faster one can be
//! kept in the widget.
#![cfg(target_arch = "wasm32")]

use dataset_monitor::api::{ImportJob, decode};
use dataset_monitor::ui::ImportDetails;
use leptos::mount::{UnmountHandle, mount_to};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// The widget's path: JSON text → `ImportJob` with the JSON path on failure
/// (`dataset_monitor::api::decode`, which the client uses). Returns the error count.
#[wasm_bindgen]
pub fn decode_widget(text: &str) -> Result<usize, JsError> {
    let job: ImportJob = decode(text).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(job.errors.len())
}

/// serde_json from bytes (the response's `ArrayBuffer`), with the JSON path on failure.
#[wasm_bindgen]
pub fn decode_bytes(bytes: &[u8]) -> Result<usize, JsError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let job: ImportJob =
        serde_path_to_error::deserialize(de).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(job.errors.len())
}

/// serde_json from text without the JSON path (what the path tracking costs).
#[wasm_bindgen]
pub fn decode_text_pathless(text: &str) -> Result<usize, JsError> {
    let job: ImportJob = serde_json::from_str(text).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(job.errors.len())
}

/// `JSON.parse` (done by the caller) + serde-wasm-bindgen, with the JSON path on failure.
#[wasm_bindgen]
pub fn decode_js_value(value: JsValue) -> Result<usize, JsError> {
    let de = serde_wasm_bindgen::Deserializer::from(value);
    let job: ImportJob =
        serde_path_to_error::deserialize(de).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(job.errors.len())
}

/// The import view the widget shows (details, counts and the rejected-records table),
/// mounted into `parent` from JSON text; drop the handle to remove it.
#[wasm_bindgen]
pub fn render_import(parent: web_sys::HtmlElement, text: &str) -> Result<RenderedImport, JsError> {
    let job: ImportJob = decode(text).map_err(|e| JsError::new(&e.to_string()))?;
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
