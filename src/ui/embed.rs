//! The JS API for embedding: `mount(element, options)` returning a handle with
//! `unmount()` and `update(options)`. The custom element (`embed/`) is built on it.
//! Exported to JS only with the feature `embed` (the embeddable module's build): the demo
//! page's bundle would otherwise carry them unused.

use std::any::Any;
use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use rustc_hash::FxHashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::App;
use crate::api::ClientError;
use crate::config::{ConfigError, MonitorConfig, RawConfig};

thread_local! {
    /// The mounted widgets by handle id. A widget lives here until `unmount()`: the
    /// garbage collector frees a JS handle nobody keeps (wasm-bindgen drops it then),
    /// and that must not stop a widget that is still on the page.
    // FxHash: the keys are this module's own counter, so SipHash's defence against
    // chosen keys (and its code in the bundle) buys nothing.
    static MOUNTED: RefCell<FxHashMap<u32, Box<dyn Any>>> = RefCell::default();
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// A mounted widget. `unmount()` removes it and stops every timer and request;
/// dropping the handle (or the garbage collector freeing it) leaves the widget running.
#[cfg_attr(feature = "embed", wasm_bindgen)]
#[derive(Debug)]
pub struct MonitorHandle {
    element: HtmlElement,
    id: u32,
}

/// Reads the options object; a wrong type or a missing `datasetId` is an error that
/// names the option.
fn read_options(options: JsValue) -> Result<Result<MonitorConfig, ConfigError>, JsError> {
    if !options.is_object() {
        return Err(JsError::new(
            "mount(element, options): options must be an object like { datasetId: '…' }",
        ));
    }
    // Through JSON, so that an error names the option (serde_json knows where it
    // stopped; a JS object has no positions). JSON would turn NaN and ±Infinity into
    // null ("not given"); as text they are refused like any other bad number.
    let replacer = Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(|_key, value: JsValue| {
        match value.as_f64() {
            Some(n) if n.is_nan() => JsValue::from_str("NaN"),
            Some(n) if n.is_infinite() => {
                JsValue::from_str(if n > 0.0 { "Infinity" } else { "-Infinity" })
            }
            _ => value,
        }
    });
    let json: String =
        js_sys::JSON::stringify_with_replacer(&options, replacer.as_ref().unchecked_ref())
            .map_err(|_| JsError::new("mount(): options must be plain data (strings and numbers)"))?
            .into();
    let parsed: RawConfig = crate::api::decode(&json).map_err(|e| {
        let ClientError::Decode { path, message } = e else {
            return JsError::new(&format!("mount(): {e}"));
        };
        // "… at line 1 column 30" points into JSON the caller never wrote.
        let message = message.split(" at line ").next().unwrap_or(&message);
        if path == "." {
            JsError::new(&format!("mount(): {message}"))
        } else {
            JsError::new(&format!("mount(): option `{path}`: {message}"))
        }
    })?;
    Ok(parsed.validate())
}

/// Mounts the widget into `element` (its children are kept; the widget is appended).
#[cfg_attr(feature = "embed", wasm_bindgen)]
pub fn mount(element: HtmlElement, options: JsValue) -> Result<MonitorHandle, JsError> {
    crate::panic_notice::install();
    let config = read_options(options)?;
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    let mut handle = MonitorHandle { element, id };
    handle.render(config);
    Ok(handle)
}

#[cfg_attr(feature = "embed", wasm_bindgen)]
impl MonitorHandle {
    /// Removes the widget; a later `update` mounts it again.
    pub fn unmount(&mut self) {
        // Taken out first: dropping a widget runs its cleanups, which must not find the
        // registry borrowed.
        let widget = MOUNTED.with(|m| m.borrow_mut().remove(&self.id));
        drop(widget);
    }

    /// Re-renders with new options (polling is re-targeted); the old widget is removed
    /// only once the new options are read.
    pub fn update(&mut self, options: JsValue) -> Result<(), JsError> {
        let config = read_options(options)?;
        self.unmount();
        self.render(config);
        Ok(())
    }
}

impl MonitorHandle {
    fn render(&mut self, config: Result<MonitorConfig, ConfigError>) {
        let widget = mount_to(self.element.clone(), move || view! { <App config=config/> });
        let previous = MOUNTED.with(|m| m.borrow_mut().insert(self.id, Box::new(widget)));
        drop(previous);
    }
}
