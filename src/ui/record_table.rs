//! The rejected-records table: chips, text filter, sorting, pages and CSV download,
//! and, once the uploaded file is opened (`upload_panel`), each record beside its error:
//! its line, a preview, and a row that expands to its fields. Only one page of rows is
//! ever in the DOM.

use std::sync::Arc;

use leptos::prelude::*;

use super::lowercase::lowercase;
use super::page_context::PageContext;
use super::record_chips::RecordChips;
use super::record_filter::RecordFilter;
use super::record_pager::RecordPager;
use super::record_row::RecordRow;
use super::table_state::TableState;
use super::upload_panel::UploadPanel;
use crate::api::RecordError;
use crate::upload::join::{self, Expected, Joined};
use crate::view::record_query::{
    self, Chip, RecordQuery, SearchIndex, SortKey, field_label, reason_label,
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
    let file_name = record_query::csv_file_name(&dataset_id, &import_id);
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
    let by_field = record_query::counts(&errors, field_label, CHIPS)
        .into_iter()
        .map(|(f, n)| (Chip::Field(f.clone()), f, n))
        .collect();
    let by_reason = record_query::counts(&errors, reason_label, CHIPS)
        .into_iter()
        .map(|(r, n)| (Chip::Reason(r.clone()), r, n))
        .collect();

    let state = TableState { query, page };
    let sort_by = move |key: SortKey| {
        state.change(|q| {
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
    view! {
        <div class="pdm-records">
            <h4>"Rejected records"</h4>
            <UploadPanel errors=Arc::clone(&errors) expected=expected joined=joined/>
            <RecordChips label="By field:" group="Filter by field" chips=by_field state=state/>
            <RecordChips label="By reason:" group="Filter by reason" chips=by_reason state=state/>
            <RecordFilter errors=Arc::clone(&errors) rows=rows joined=joined file_name=file_name state=state/>
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
                        <For each=visible key=|(i, _, f)| (*i, f.as_ref().map(|f| Arc::as_ptr(f) as usize)) children=move |(i, e, file)| view! { <RecordRow i=i e=e file=file expanded=expanded/> }/>
                    </tbody>
                </table>
            </div>
            <RecordPager rows=rows page=page/>
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
