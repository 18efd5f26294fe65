//! Locale-aware formatting through the browser's `Intl` (no locale tables in the wasm).
//!
//! Every `Intl` call is made so that a throw comes back as an `Err`: a language tag that
//! `Intl` rejects (WebKitGTK's `"C"` under a C locale) falls back to the browser's default
//! locale, and a missing or throwing `Intl` to plain English and digits, never a trap.

use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::view::present::{as_utc, english_relative, locale_tag, relative_parts};

/// The page's three formatters, each absent where the browser would not make it.
#[derive(Debug)]
pub struct Formatters {
    number: Option<Function>,
    date: Option<Function>,
    relative: Option<(Object, Function)>,
}

impl Formatters {
    /// The formatters for `language` (a `navigator.language` string, tidied by
    /// [`locale_tag`]), or for the browser's default locale where `Intl` rejects it.
    pub fn new(language: &str) -> Self {
        // The tag first; the browser's default (no locales) where `Intl` rejects it.
        let locales: Vec<Array> = locale_tag(language)
            .map(|tag| Array::of1(&tag.into()))
            .into_iter()
            .chain([Array::new()])
            .collect();
        let number =
            construct("NumberFormat", &locales, &Object::new()).and_then(|f| bound(&f, "format"));
        let date = construct(
            "DateTimeFormat",
            &locales,
            &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
        )
        .and_then(|f| bound(&f, "format"));
        let relative = construct(
            "RelativeTimeFormat",
            &locales,
            &options(&[("numeric", "auto")]),
        )
        .and_then(|f| Some((f.clone(), bound(&f, "format")?)));
        Self {
            number,
            date,
            relative,
        }
    }

    /// The language the formatters resolved to (`en-US`), if `Intl` made one.
    pub fn resolved_locale(&self) -> Option<String> {
        let (format, _) = self.relative.as_ref()?;
        let resolved = Reflect::get(format, &"resolvedOptions".into()).ok()?;
        let options = resolved.dyn_ref::<Function>()?.call0(format).ok()?;
        Reflect::get(&options, &"locale".into()).ok()?.as_string()
    }

    /// A count with digit grouping (`12,500`).
    pub fn number(&self, n: u64) -> String {
        self.number
            .as_ref()
            .and_then(|format| {
                format
                    .call1(&JsValue::NULL, &JsValue::from_f64(n as f64))
                    .ok()
            })
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| n.to_string())
    }

    /// The moment in local time, medium date and short time (UTC where `Intl` fails).
    pub fn local_time(&self, ms: f64) -> String {
        self.date
            .as_ref()
            .and_then(|format| {
                format
                    .call1(&JsValue::NULL, &Date::new(&JsValue::from_f64(ms)))
                    .ok()
            })
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| utc_time(ms))
    }

    /// "3 minutes ago" / "in 5 seconds", relative to `now_ms`.
    pub fn relative_time(&self, ms: f64, now_ms: f64) -> String {
        let (value, unit) = relative_parts(ms - now_ms);
        self.relative
            .as_ref()
            .and_then(|(this, format)| format.call2(this, &value.into(), &unit.into()).ok())
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| english_relative(value, unit))
    }
}

/// `new Intl[name](locales, options)` with the first of `candidates` that does not throw,
/// or `None` where `Intl` lacks the constructor or every attempt throws.
fn construct(name: &str, candidates: &[Array], options: &Object) -> Option<Object> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor = Reflect::get(&intl, &name.into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    candidates.iter().find_map(|locales| {
        Reflect::construct(&constructor, &Array::of2(locales, options))
            .ok()?
            .dyn_into()
            .ok()
    })
}

/// The method `name` of `object`, bound to it (`format` of `NumberFormat` and
/// `DateTimeFormat` is a getter that already returns a bound function).
fn bound(object: &Object, name: &str) -> Option<Function> {
    Reflect::get(object, &name.into()).ok()?.dyn_into().ok()
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let options = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    options
}

fn language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

thread_local! {
    // One set for the page: `toLocaleString` builds a new formatter per call, which was a
    // tenth of the time to render a large import (bench/).
    static FORMATTERS: Formatters = Formatters::new(&language());
}

/// A count with digit grouping (`12,500`).
pub fn number(n: u64) -> String {
    FORMATTERS.with(|f| f.number(n))
}

/// Milliseconds since the epoch for an ISO 8601 timestamp, if it parses (one with no
/// zone is read as UTC, as the API documents).
pub fn parse_time(iso: &str) -> Option<f64> {
    let ms = Date::parse(&as_utc(iso));
    ms.is_finite().then_some(ms)
}

/// The moment in local time, medium date and short time.
pub fn local_time(ms: f64) -> String {
    FORMATTERS.with(|f| f.local_time(ms))
}

/// The exact moment in UTC (`2024-01-15 09:30:00 UTC`).
pub fn utc_time(ms: f64) -> String {
    let date = Date::new(&JsValue::from_f64(ms));
    // `toISOString` throws a RangeError for an invalid date.
    let iso = Reflect::get(&date, &"toISOString".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(&date).ok())
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    // `2024-01-15T09:30:00.000Z` → `2024-01-15 09:30:00 UTC`
    match (iso.get(..10), iso.get(11..19)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => iso,
    }
}

/// "3 minutes ago" / "in 5 seconds", relative to `now_ms`.
pub fn relative_time(ms: f64, now_ms: f64) -> String {
    FORMATTERS.with(|f| f.relative_time(ms, now_ms))
}
