//! Timestamps: local time, exact UTC on hover, and a relative time that stays current.

use leptos::prelude::*;

use super::clock::use_clock;
use super::intl::{local_time, parse_time, relative_time, utc_time};

/// A timestamp from the API shown as local time plus "3 min ago"; a dash when absent,
/// the raw text when it does not parse.
#[component]
pub fn Timestamp(iso: Option<String>, #[prop(optional)] relative_only: bool) -> impl IntoView {
    let now = use_clock();
    match iso.as_deref().map(|s| (s, parse_time(s))) {
        None => view! { <span class="pdm-muted">"—"</span> }.into_any(),
        Some((raw, None)) => view! { <span>{raw.to_owned()}</span> }.into_any(),
        Some((raw, Some(ms))) => {
            let datetime = raw.to_owned();
            let relative = move || relative_time(ms, now.get());
            view! {
                <time datetime=datetime title=utc_time(ms)>
                    {(!relative_only).then(|| format!("{} · ", local_time(ms)))}
                    {relative}
                </time>
            }
            .into_any()
        }
    }
}
