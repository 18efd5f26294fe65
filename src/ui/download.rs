//! Saving text as a file from the browser.

use wasm_bindgen::{JsCast, JsValue};

/// Offers `text` as a download named `name`; does nothing if the browser refuses.
pub fn save_text(name: &str, text: &str, mime: &str) {
    let _ = try_save(name, &JsValue::from_str(text), mime);
}

/// Offers `bytes` as a download named `name` (byte for byte, not re-encoded).
pub fn save_bytes(name: &str, bytes: &[u8], mime: &str) {
    let _ = try_save(name, &js_sys::Uint8Array::from(bytes), mime);
}

fn try_save(name: &str, part: &JsValue, mime: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let document = window.document().ok_or(JsValue::NULL)?;
    let parts = js_sys::Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.set_attribute("data-download", "")?;
    link.click();
    // Some browsers read the blob after `click()` returns: free it a little later.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
