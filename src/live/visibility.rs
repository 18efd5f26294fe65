//! The page-visibility listener: polling pauses while the page is hidden and resumes
//! when it is visible again.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Whether the page is hidden (a background tab, a minimised window).
pub(crate) fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Calls `on_visible` whenever the page becomes visible; removes itself when dropped.
pub(crate) struct VisibilityListener {
    document: Option<web_sys::Document>,
    callback: Closure<dyn FnMut()>,
}

impl VisibilityListener {
    pub(crate) fn new(on_visible: impl Fn() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(move || {
            if !page_hidden() {
                on_visible();
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback(
                "visibilitychange",
                callback.as_ref().unchecked_ref(),
            );
        }
        Self { document, callback }
    }
}

impl Drop for VisibilityListener {
    fn drop(&mut self) {
        if let Some(d) = &self.document {
            let _ = d.remove_event_listener_with_callback(
                "visibilitychange",
                self.callback.as_ref().unchecked_ref(),
            );
        }
    }
}
