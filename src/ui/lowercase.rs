//! Lower-casing for the rejected-records search, Unicode-aware: in the browser by the
//! browser's own `String.prototype.toLowerCase` (Rust's `str::to_lowercase` would carry
//! its case tables into the bundle: 3.2 KB brotli, issue #17), natively by
//! `str::to_lowercase`. Both apply Unicode's default case mapping (final sigma included);
//! `tests/ui.rs` checks that they agree.

/// Separates the texts of [`lowercase_all`] in its one call into the browser.
const TEXT_END: char = '\u{1e}';

/// `text` lower-cased.
pub fn lowercase(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(text).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.to_lowercase()
    }
}

/// Each text lower-cased, in one call into the browser for all of them (10,000 calls
/// would each copy a string both ways). A record separator (U+001E) inside a text
/// becomes a space: it has no case, and nobody searches for it.
pub fn lowercase_all<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut joined = String::new();
    let mut count = 0;
    for text in texts {
        if count > 0 {
            joined.push(TEXT_END);
        }
        if text.contains(TEXT_END) {
            joined.push_str(&text.replace(TEXT_END, " "));
        } else {
            joined.push_str(text);
        }
        count += 1;
    }
    if count == 0 {
        return Vec::new();
    }
    lowercase(&joined)
        .split(TEXT_END)
        .map(str::to_owned)
        .collect()
}
