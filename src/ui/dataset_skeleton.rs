//! The placeholder shown while the first answer is awaited.

use leptos::prelude::*;

/// Placeholder blocks while the first answer is awaited, sized like the content.
#[component]
pub fn DatasetSkeleton() -> impl IntoView {
    view! {
        <div class="pdm-skeleton" aria-busy="true">
            <span class="pdm-visually-hidden">"Loading the dataset…"</span>
            <div class="pdm-skeleton-title"></div>
            <div class="pdm-skeleton-line"></div>
            <div class="pdm-skeleton-line"></div>
            <div class="pdm-skeleton-line pdm-short"></div>
        </div>
    }
}
