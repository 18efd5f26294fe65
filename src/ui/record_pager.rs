//! The rejected-records table's pager: Previous, Next, and which rows are shown.

use leptos::prelude::*;

use super::intl::number;
use crate::view::record_query::{self, PAGE_SIZE};

/// Previous and Next around "Rows 1–50 of 120 (page 1 of 3)", announced as it changes.
#[component]
pub fn RecordPager(
    /// The rows the query keeps.
    rows: Memo<Vec<usize>>,
    page: RwSignal<usize>,
) -> impl IntoView {
    let page_count = move || rows.with(|r| record_query::page_count(r.len()));
    let status_line = move || {
        let shown = rows.with(Vec::len);
        let p = page.get().min(page_count() - 1);
        if shown == 0 {
            "No rows match.".to_owned()
        } else {
            format!(
                "Rows {}–{} of {} (page {} of {})",
                number((p * PAGE_SIZE + 1) as u64),
                number(((p + 1) * PAGE_SIZE).min(shown) as u64),
                number(shown as u64),
                number(p as u64 + 1),
                number(page_count() as u64)
            )
        }
    };
    view! {
        <nav class="pdm-pager" aria-label="Pages of rejected records">
            <button type="button" prop:disabled={move || page.get() == 0}
                on:click={move |_| page.update(|p| *p = (*p).min(page_count() - 1).saturating_sub(1))}>"Previous"</button>
            <span aria-live="polite" data-page-status="">{status_line}</span>
            <button type="button" prop:disabled={move || page.get() + 1 >= page_count()}
                on:click={move |_| page.update(|p| *p = (*p + 1).min(page_count() - 1))}>"Next"</button>
        </nav>
    }
}
