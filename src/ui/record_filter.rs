//! The rejected-records table's toolbar: the text filter, and the CSV downloads of every
//! row or of the rows the filter keeps.

use std::sync::Arc;

use leptos::prelude::*;

use super::intl::number;
use super::table_state::TableState;
use crate::api::RecordError;
use crate::upload::join::Joined;
use crate::view::record_query;

/// The filter box and the two downloads.
#[component]
pub fn RecordFilter(
    errors: Arc<[RecordError]>,
    /// The rows the query keeps, as indexes into `errors`.
    rows: Memo<Vec<usize>>,
    /// The uploaded file, once joined: the filter then searches the records too.
    joined: RwSignal<Option<Arc<Joined>>>,
    /// The CSV files' name.
    file_name: String,
    state: TableState,
) -> impl IntoView {
    let total = errors.len();
    let download = move |filtered: bool| {
        let all: Vec<usize>;
        let text = if filtered {
            rows.with(|r| record_query::csv(&errors, r))
        } else {
            all = (0..errors.len()).collect();
            record_query::csv(&errors, &all)
        };
        super::download::save_text(&file_name, &text, "text/csv;charset=utf-8");
    };
    let download_all = download.clone();
    view! {
        <div class="pdm-toolbar">
            <label>
                "Filter "
                <input type="search" class="pdm-filter"
                    placeholder=move || if joined.with(Option::is_some) { "index, field, reason or record" } else { "index, field or reason" }
                    prop:value=move || state.query.with(|q| q.text.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        state.change(move |q| q.text = text);
                    }/>
            </label>
            <button type="button" on:click=move |_| download_all(false)>
                {format!("Download all {} (CSV)", number(total as u64))}
            </button>
            <button type="button" on:click=move |_| download(true)>"Download filtered (CSV)"</button>
        </div>
    }
}
