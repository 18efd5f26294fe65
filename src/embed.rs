//! The JS API for embedding: `mount(element, options)` returning a handle with
//! `unmount()` and `update(options)`. The custom element (`embed/`) is built on it.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use crate::config::{ConfigError, MonitorConfig, MountOptions};
use crate::ui::App;

/// A mounted widget. Dropping it (or calling `unmount`) removes the widget and stops
/// every timer and request.
#[wasm_bindgen]
pub struct MonitorHandle {
    element: HtmlElement,
    mounted: Option<Box<dyn std::any::Any>>,
}

impl std::fmt::Debug for MonitorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorHandle")
            .field("mounted", &self.mounted.is_some())
            .finish()
    }
}

/// Reads the options object; a wrong type or a missing `datasetId` is an error that
/// names the option.
fn read_options(options: JsValue) -> Result<Result<MonitorConfig, ConfigError>, JsError> {
    if !options.is_object() {
        return Err(JsError::new(
            "mount(element, options): options must be an object like { datasetId: '…' }",
        ));
    }
    let de = serde_wasm_bindgen::Deserializer::from(options);
    let parsed: MountOptions = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // serde-wasm-bindgen's messages come as JS errors: drop their "Error: " prefix.
        let inner = inner.strip_prefix("Error: ").unwrap_or(&inner).to_owned();
        if path == "." {
            JsError::new(&format!("mount(): {inner}"))
        } else {
            JsError::new(&format!("mount(): option `{path}`: {inner}"))
        }
    })?;
    Ok(parsed.to_config())
}

/// Mounts the widget into `element` (its children are kept; the widget is appended).
#[wasm_bindgen]
pub fn mount(element: HtmlElement, options: JsValue) -> Result<MonitorHandle, JsError> {
    crate::panic_notice::install();
    let config = read_options(options)?;
    let mut handle = MonitorHandle {
        element,
        mounted: None,
    };
    handle.render(config);
    Ok(handle)
}

#[wasm_bindgen]
impl MonitorHandle {
    /// Removes the widget; a later `update` mounts it again.
    pub fn unmount(&mut self) {
        self.mounted = None;
    }

    /// Re-renders with new options (polling is re-targeted); the old widget is removed
    /// only once the new options are read.
    pub fn update(&mut self, options: JsValue) -> Result<(), JsError> {
        let config = read_options(options)?;
        self.mounted = None;
        self.render(config);
        Ok(())
    }
}

impl MonitorHandle {
    fn render(&mut self, config: Result<MonitorConfig, ConfigError>) {
        let handle = mount_to(self.element.clone(), move || view! { <App config=config/> });
        self.mounted = Some(Box::new(handle));
    }
}
