//! Locale-aware formatting through the browser's `Intl` (no locale tables in the wasm).

use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use super::present::{as_utc, relative_parts};

fn locale() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en".to_owned())
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let options = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    options
}

thread_local! {
    // One formatter of each kind for the page: `toLocaleString` builds a new one per
    // call, which was a tenth of the time to render a large import (bench/).
    static NUMBER_FORMAT: js_sys::Function =
        Intl::NumberFormat::new(&Array::of1(&locale().into()), &Object::new()).format();
    static DATE_FORMAT: js_sys::Function = Intl::DateTimeFormat::new(
        &Array::of1(&locale().into()),
        &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
    )
    .format();
    static RELATIVE_FORMAT: Intl::RelativeTimeFormat = Intl::RelativeTimeFormat::new(
        &Array::of1(&locale().into()),
        &options(&[("numeric", "auto")]),
    );
}

/// A count with digit grouping (`12,500`).
pub fn number(n: u64) -> String {
    NUMBER_FORMAT.with(|format| {
        format
            .call1(&JsValue::NULL, &JsValue::from_f64(n as f64))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| n.to_string())
    })
}

/// Milliseconds since the epoch for an ISO 8601 timestamp, if it parses (one with no
/// zone is read as UTC, as the API documents).
pub fn parse_time(iso: &str) -> Option<f64> {
    let ms = Date::parse(&as_utc(iso));
    ms.is_finite().then_some(ms)
}

/// The moment in local time, medium date and short time.
pub fn local_time(ms: f64) -> String {
    DATE_FORMAT.with(|format| {
        format
            .call1(&JsValue::NULL, &Date::new(&JsValue::from_f64(ms)))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| utc_time(ms))
    })
}

/// The exact moment in UTC (`2024-01-15 09:30:00 UTC`).
pub fn utc_time(ms: f64) -> String {
    let iso: String = Date::new(&JsValue::from_f64(ms)).to_iso_string().into();
    // `2024-01-15T09:30:00.000Z` → `2024-01-15 09:30:00 UTC`
    match (iso.get(..10), iso.get(11..19)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => iso,
    }
}

/// "3 minutes ago" / "in 5 seconds", relative to `now_ms`.
pub fn relative_time(ms: f64, now_ms: f64) -> String {
    let (value, unit) = relative_parts(ms - now_ms);
    RELATIVE_FORMAT.with(|format| format.format(value, unit).into())
}
