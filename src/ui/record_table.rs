//! The rejected-records table: chips, text filter, sorting, pages and CSV download.
//! Only one page of rows is ever in the DOM.

use std::sync::Arc;

use leptos::prelude::*;

use super::format::number;
use super::page::PageContext;
use super::records::{
    self, Chip, PAGE_SIZE, RecordQuery, SearchIndex, SortKey, field_label, reason_label,
};
use crate::api::RecordError;

/// How many chips of each kind are offered.
const CHIPS: usize = 8;

/// A table of `errors` (kept in full; rendered one page at a time).
#[component]
pub fn RecordTable(
    errors: Arc<[RecordError]>,
    dataset_id: String,
    import_id: String,
) -> impl IntoView {
    let index = Arc::new(SearchIndex::default());
    let query = RwSignal::new(RecordQuery::default());
    let page = RwSignal::new(0usize);
    // On the standalone page the URL holds the filter, sort and page.
    if let Some(shared) = use_context::<PageContext>() {
        (shared.hooks.table)(shared, import_id.clone(), query, page);
    }
    let rows = {
        let errors = Arc::clone(&errors);
        Memo::new(move |_| query.with(|q| records::select(&errors, &index, q)))
    };
    let page_count = move || rows.with(|r| records::page_count(r.len()));
    let by_field = records::counts(&errors, field_label, CHIPS);
    let by_reason = records::counts(&errors, reason_label, CHIPS);

    let set_query = move |f: &dyn Fn(&mut RecordQuery)| {
        query.update(|q| f(q));
        page.set(0);
    };
    let sort_by = move |key: SortKey| {
        set_query(&|q| {
            q.descending = q.sort == key && !q.descending;
            q.sort = key;
        })
    };
    let aria_sort = move |key: SortKey| {
        query.with(|q| match (q.sort == key, q.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        })
    };
    let chip_button = move |chip: Chip, text: String, n: usize| {
        let pressed = {
            let chip = chip.clone();
            move || query.with(|q| q.chip.as_ref() == Some(&chip))
        };
        let toggle = {
            let chip = chip.clone();
            move |_| {
                let chip = chip.clone();
                set_query(&move |q| {
                    q.chip = if q.chip.as_ref() == Some(&chip) {
                        None
                    } else {
                        Some(chip.clone())
                    };
                })
            }
        };
        view! {
            <button type="button" class="pdm-chip" aria-pressed=move || pressed().to_string() on:click=toggle>
                <span class="pdm-chip-text">{text}</span>
                <span class="pdm-chip-count">{number(n as u64)}</span>
            </button>
        }
    };
    let download = {
        let errors = Arc::clone(&errors);
        let name = records::csv_file_name(&dataset_id, &import_id);
        move |filtered: bool| {
            let all: Vec<usize>;
            let text = if filtered {
                rows.with(|r| records::csv(&errors, r))
            } else {
                all = (0..errors.len()).collect();
                records::csv(&errors, &all)
            };
            super::download::save_text(&name, &text, "text/csv;charset=utf-8");
        }
    };
    let download_all = download.clone();
    let visible = {
        let errors = Arc::clone(&errors);
        move || {
            rows.with(|r| {
                records::page(r, page.get())
                    .iter()
                    .filter_map(|&i| errors.get(i).map(|e| (i, e.clone())))
                    .collect::<Vec<_>>()
            })
        }
    };
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
    let total = errors.len();

    view! {
        <div class="pdm-records">
            <h4>"Rejected records"</h4>
            <div class="pdm-chips" role="group" aria-label="Filter by field">
                <span class="pdm-chips-label">"By field:"</span>
                {by_field.into_iter().map(|(f, n)| chip_button(Chip::Field(f.clone()), f, n)).collect_view()}
            </div>
            <div class="pdm-chips" role="group" aria-label="Filter by reason">
                <span class="pdm-chips-label">"By reason:"</span>
                {by_reason.into_iter().map(|(r, n)| chip_button(Chip::Reason(r.clone()), r, n)).collect_view()}
            </div>
            <div class="pdm-toolbar">
                <label>
                    "Filter "
                    <input type="search" class="pdm-filter" placeholder="index, field or reason"
                        prop:value=move || query.with(|q| q.text.clone())
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            set_query(&move |q| q.text = text.clone());
                        }/>
                </label>
                <button type="button" on:click=move |_| download_all(false)>
                    {format!("Download all {} (CSV)", number(total as u64))}
                </button>
                <button type="button" on:click=move |_| download(true)>"Download filtered (CSV)"</button>
            </div>
            <div class="pdm-scroll">
                <table class="pdm-table" part="error-table" data-error-table="">
                    <caption>
                        "Rejected records. Record numbers are 0-based, as the API sends them (0 is the first record in the file)."
                    </caption>
                    <thead>
                        <tr>
                            <th scope="col" aria-sort=move || aria_sort(SortKey::RecordIndex)>
                                <button type="button" class="pdm-sort" on:click=move |_| sort_by(SortKey::RecordIndex)>
                                    "Record (0-based)"
                                </button>
                            </th>
                            <th scope="col" aria-sort=move || aria_sort(SortKey::Field)>
                                <button type="button" class="pdm-sort" on:click=move |_| sort_by(SortKey::Field)>
                                    "Field"
                                </button>
                            </th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=visible key=|(i, _)| *i let:row>
                            <tr data-row=row.0.to_string()>
                                <td class="pdm-num">{row.1.record_index.map(|n| n.to_string()).unwrap_or_else(|| "—".to_owned())}</td>
                                <td class:pdm-raw=row.1.is_whole_record()>{field_label(&row.1).to_owned()}</td>
                                <td>{reason_label(&row.1).to_owned()}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
            <nav class="pdm-pager" aria-label="Pages of rejected records">
                <button type="button" prop:disabled={move || page.get() == 0}
                    on:click={move |_| page.update(|p| *p = (*p).min(page_count() - 1).saturating_sub(1))}>"Previous"</button>
                <span aria-live="polite" data-page-status="">{status_line}</span>
                <button type="button" prop:disabled={move || page.get() + 1 >= page_count()}
                    on:click={move |_| page.update(|p| *p = (*p + 1).min(page_count() - 1))}>"Next"</button>
            </nav>
        </div>
    }
}
