//! The rejected-records search's lower-casing in the widget ([`crate::view::record_query::Lowercase`]):
//! the browser's own `String.prototype.toLowerCase`, so that the bundle does not carry
//! Rust's Unicode case tables (3.0 KB brotli off the demo, 2.6 KB off the embeddable
//! module; issue #17).

/// `text` lower-cased by the browser: Unicode's default case mapping (final sigma
/// included), as `str::to_lowercase` does; `tests/browser/ui.rs` checks that they agree.
pub fn lowercase(text: &str) -> String {
    String::from(js_sys::JsString::from(text).to_lower_case())
}
