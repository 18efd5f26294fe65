//! One shared "now" for every relative time, so "3 min ago" stays current.

use leptos::prelude::*;
use std::time::Duration;

/// The current time in milliseconds since the epoch, refreshed every second.
#[derive(Debug, Clone, Copy)]
pub struct Now(pub ReadSignal<f64>);

/// How often relative times are refreshed.
const TICK: Duration = Duration::from_secs(1);

/// Provides [`Now`] to the components below; the timer stops when the owner is cleaned up.
pub fn provide_clock() -> Now {
    let (now, set_now) = signal(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(move || set_now.set(js_sys::Date::now()), TICK) {
        on_cleanup(move || handle.clear());
    }
    let clock = Now(now);
    provide_context(clock);
    clock
}

/// The shared clock, or a still one when none was provided (tests of single components).
pub fn use_clock() -> ReadSignal<f64> {
    use_context::<Now>()
        .map(|n| n.0)
        .unwrap_or_else(|| signal(js_sys::Date::now()).0)
}
