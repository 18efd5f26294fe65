//! An id (a UUID, as the API sends it) as text that may break after each hyphen.

use leptos::prelude::*;

/// `id` with a `<wbr>` after each group (after each hyphen, and one at the end: cheaper in
/// the wasm than leaving it out): on a narrow screen it breaks between its groups, never
/// inside one (a line may not break after a hyphen that a digit follows, as most of
/// a UUID's do). The text, copied or read by a screen reader, is unchanged.
#[component]
pub fn IdText(#[prop(into)] id: String) -> impl IntoView {
    id.split_inclusive('-')
        .map(|part| view! { {part.to_owned()}<wbr/> })
        .collect_view()
}
