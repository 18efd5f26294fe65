//! The rejected-records table: chips, text filter, sorting, pages and CSV download,
//! and, once the uploaded file is opened (`upload_panel`), each record beside its error:
//! its line, a preview, and a row that expands to its fields. Only one page of rows is
//! ever in the DOM.

use std::sync::Arc;

use leptos::prelude::*;

use super::intl::number;
use super::lowercase::lowercase;
use super::page::PageContext;
use super::upload_panel::UploadPanel;
use crate::api::RecordError;
use crate::upload::join::{self, Expected, Fields, Joined};
use crate::view::record_query::{
    self, Chip, PAGE_SIZE, RecordQuery, SearchIndex, SortKey, field_label, reason_label,
};

/// How many chips of each kind are offered.
const CHIPS: usize = 8;

/// A table of `errors` (kept in full; rendered one page at a time).
#[component]
pub fn RecordTable(
    errors: Arc<[RecordError]>,
    dataset_id: String,
    import_id: String,
    /// What the import says about its file (for checking an opened file).
    #[prop(optional)]
    expected: Expected,
) -> impl IntoView {
    let joined = RwSignal::new(None::<Arc<Joined>>);
    let expanded = RwSignal::new(Vec::<usize>::new());
    // A new search index whenever a file is joined: it then searches the records too.
    let index = {
        let errors = Arc::clone(&errors);
        Memo::new(move |_| {
            ByPtr(Arc::new(joined.with(|j| {
                match j {
                    None => SearchIndex::new(lowercase),
                    Some(j) => SearchIndex::with_extra(
                        errors
                            .iter()
                            .map(|e| {
                                e.record_index
                                    .and_then(|i| j.record(i))
                                    .map(|k| join::text(&k.bytes))
                                    .unwrap_or_default()
                            })
                            .collect(),
                        lowercase,
                    ),
                }
            })))
        })
    };
    let query = RwSignal::new(RecordQuery::default());
    let page = RwSignal::new(0usize);
    // On the standalone page the URL holds the filter, sort and page.
    if let Some(shared) = use_context::<PageContext>() {
        (shared.hooks.table)(shared, import_id.clone(), query, page);
    }
    let rows = {
        let errors = Arc::clone(&errors);
        Memo::new(move |_| {
            index.with(|idx| query.with(|q| record_query::select(&errors, &idx.0, q)))
        })
    };
    let page_count = move || rows.with(|r| record_query::page_count(r.len()));
    let by_field = record_query::counts(&errors, field_label, CHIPS);
    let by_reason = record_query::counts(&errors, reason_label, CHIPS);

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
        let name = record_query::csv_file_name(&dataset_id, &import_id);
        move |filtered: bool| {
            let all: Vec<usize>;
            let text = if filtered {
                rows.with(|r| record_query::csv(&errors, r))
            } else {
                all = (0..errors.len()).collect();
                record_query::csv(&errors, &all)
            };
            super::download::save_text(&name, &text, "text/csv;charset=utf-8");
        }
    };
    let download_all = download.clone();
    let visible = {
        let errors = Arc::clone(&errors);
        move || {
            let file = joined.get();
            rows.with(|r| {
                record_query::page(r, page.get())
                    .iter()
                    .filter_map(|&i| errors.get(i).map(|e| (i, e.clone(), file.clone())))
                    .collect::<Vec<_>>()
            })
        }
    };
    let row = move |(i, e, file): (usize, RecordError, Option<Arc<Joined>>)| {
        let open = move || expanded.with(|x| x.contains(&i));
        let toggle = move |_| {
            expanded.update(|x| match x.iter().position(|&r| r == i) {
                Some(p) => {
                    x.remove(p);
                }
                None => x.push(i),
            })
        };
        let kept = file.as_ref().and_then(|f| {
            e.record_index
                .and_then(|n| f.record(n))
                .map(|k| (Arc::clone(f), k.clone()))
        });
        let cells = file.is_some().then(|| {
            let line = kept.as_ref().map_or_else(|| "—".to_owned(), |(_, k)| number(k.line));
            let preview = kept.as_ref().map(|(_, k)| preview(&k.bytes));
            let absent = kept.is_none().then_some("not in the file");
            view! {
                <td class="pdm-num" data-line="" data-label="Line" role="cell">{line}</td>
                <td data-record="" data-label="Record in your file" role="cell">
                    {preview.map(|p| view! {
                        <button type="button" class="pdm-link pdm-rec" aria-expanded=move || open().to_string() on:click=toggle>
                            {p}
                        </button>
                    })}
                    {absent}
                </td>
            }
        });
        let detail = kept.map(|(f, k)| {
            let e = e.clone();
            move || open().then(|| record_detail(&f, &k, &e))
        });
        view! {
            <tr data-row=i.to_string() role="row">
                <td class="pdm-num" data-label="Record" role="cell">{e.record_index.map(|n| n.to_string()).unwrap_or_else(|| "—".to_owned())}</td>
                {cells}
                <td class:pdm-raw=e.is_whole_record() data-label="Field" role="cell">{field_label(&e).to_owned()}</td>
                <td data-label="Reason" role="cell">{reason_label(&e).to_owned()}</td>
            </tr>
            {detail}
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
            <UploadPanel errors=Arc::clone(&errors) expected=expected joined=joined/>
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
                    <input type="search" class="pdm-filter"
                        placeholder=move || if joined.with(Option::is_some) { "index, field, reason or record" } else { "index, field or reason" }
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
            // The roles keep the table a table for screen readers where the cards of a narrow
            // widget make its parts blocks (WebKit drops the semantics of a restyled table).
            <div class="pdm-scroll pdm-records-scroll">
                <table class="pdm-table" part="error-table" data-error-table="" role="table">
                    <caption>
                        "Rejected records. Record numbers are 0-based, as the API sends them (0 is the first record in the file); lines are 1-based, as an editor shows them."
                    </caption>
                    <thead role="rowgroup">
                        <tr role="row">
                            <th scope="col" role="columnheader" aria-sort=move || aria_sort(SortKey::RecordIndex)>
                                <button type="button" class="pdm-sort" on:click=move |_| sort_by(SortKey::RecordIndex)>
                                    "Record (0-based)"
                                </button>
                            </th>
                            {move || joined.with(Option::is_some).then(|| view! {
                                <th scope="col" role="columnheader" class="pdm-num">"Line"</th>
                                <th scope="col" role="columnheader">"Record in your file"</th>
                            })}
                            <th scope="col" role="columnheader" aria-sort=move || aria_sort(SortKey::Field)>
                                <button type="button" class="pdm-sort" on:click=move |_| sort_by(SortKey::Field)>
                                    "Field"
                                </button>
                            </th>
                            <th scope="col" role="columnheader">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody role="rowgroup">
                        <For each=visible key=|(i, _, f)| (*i, f.as_ref().map(|f| Arc::as_ptr(f) as usize)) children=row/>
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

/// Compares by pointer: a new value is a change, without comparing the contents.
#[derive(Debug, Clone)]
struct ByPtr<T>(Arc<T>);

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The start of a record, on one line.
fn preview(bytes: &[u8]) -> String {
    let text = join::text(&bytes[..bytes.len().min(240)]);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(60)
        .collect();
    if out.len() < text.len() || bytes.len() > 240 {
        out.push('…');
    }
    out
}

/// The expanded row: the record's fields (the error's field highlighted) or its raw
/// text, and what the record shows about its error.
fn record_detail(
    file: &Joined,
    kept: &crate::upload::Kept,
    error: &RecordError,
) -> impl IntoView + use<> {
    let fields = join::fields(file, kept);
    let finding = join::finding(error, &fields);
    let field = error.field.clone().unwrap_or_default();
    let caption = format!(
        "Record {} (line {}) of {}",
        kept.index,
        number(kept.line),
        file.file_name
    );
    // One shape: a line that could not be read is one highlighted row of raw text.
    let rows = match fields {
        Fields::Pairs(pairs) => pairs
            .into_iter()
            .map(|(k, v)| {
                let hit = k == field;
                (k, v, hit)
            })
            .collect(),
        Fields::Raw(text) => vec![("whole line (could not be parsed)".to_owned(), text, true)],
    };
    view! {
        <tr class="pdm-detail" data-detail=kept.index.to_string() role="row">
            <td colspan="5" role="cell">
                {finding.map(|f| view! { <p class="pdm-finding" data-finding="">{f}</p> })}
                <table class="pdm-kv">
                    <caption>{caption}</caption>
                    <tbody>
                        {rows.into_iter().map(|(k, v, hit)| view! {
                            <tr class:pdm-hl=hit data-highlight=hit.then_some("")>
                                <th scope="row">{k}{hit.then_some(view! { <span class="pdm-visually-hidden">" (the rejected field)"</span> })}</th>
                                <td>{v}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </td>
        </tr>
    }
}
