//! Locale-aware formatting through the browser's `Intl` (no locale tables in the wasm).

use js_sys::{Array, Date, Intl, Number, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::present::relative_parts;

fn locale() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en".to_owned())
}

/// A count with digit grouping (`12,500`).
pub fn number(n: u64) -> String {
    Number::from(n as f64).to_locale_string(&locale()).into()
}

/// Milliseconds since the epoch for an ISO 8601 timestamp, if it parses.
pub fn parse_time(iso: &str) -> Option<f64> {
    let ms = Date::parse(iso);
    ms.is_finite().then_some(ms)
}

/// The moment in local time, medium date and short time.
pub fn local_time(ms: f64) -> String {
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    Date::new(&JsValue::from_f64(ms))
        .to_locale_string(&locale(), &options)
        .into()
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
    let locales = Array::of1(&JsValue::from_str(&locale()));
    let options = Object::new();
    let _ = Reflect::set(&options, &"numeric".into(), &"auto".into());
    Intl::RelativeTimeFormat::new(&locales, &options)
        .format(value, unit)
        .into()
}
