//! The imports of a dataset, each a row that can be opened to its details.

use leptos::prelude::*;

use super::badge::ImportBadge;
use super::intl::number;
use super::timestamp::Timestamp;
use crate::api::ImportJob;

/// What makes an import row worth re-rendering.
type RowKey = (
    String,
    String,
    Option<String>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
);

fn row_key(job: &ImportJob) -> RowKey {
    (
        job.import_id.clone(),
        job.status.as_str().to_owned(),
        job.updated_at.clone(),
        job.accepted_count,
        job.rejected_count,
        job.duplicate_count,
    )
}

/// The imports of a dataset, most recent first, each with a "Details" button that sets
/// `selected` (V4, and a V3 answer that lists imports anyway); with none, "No imports
/// yet." unless `quiet_when_empty`.
#[component]
pub fn ImportList(
    imports: Signal<Vec<ImportJob>>,
    selected: RwSignal<Option<String>>,
    #[prop(optional)] quiet_when_empty: bool,
) -> impl IntoView {
    let count = |n: Option<u64>| n.map(number).unwrap_or_else(|| "—".to_owned());
    let row = move |job: ImportJob| {
        let id = job.import_id.clone();
        let id_for_click = id.clone();
        let is_selected = move || selected.get().as_deref() == Some(id.as_str());
        let row_selected = is_selected.clone();
        view! {
            <tr data-import-id=job.import_id.clone() class:pdm-selected=row_selected>
                <td><ImportBadge status=job.status/></td>
                <td>{job.filename.unwrap_or_else(|| "—".to_owned())}</td>
                <td><Timestamp iso=job.created_at relative_only=true/></td>
                <td><Timestamp iso=job.updated_at relative_only=true/></td>
                <td class="pdm-num">{count(job.accepted_count)}</td>
                <td class="pdm-num">{count(job.rejected_count)}</td>
                <td class="pdm-num">{count(job.duplicate_count)}</td>
                <td>
                    <button type="button" class="pdm-link"
                        aria-pressed=move || is_selected().to_string()
                        on:click=move |_| selected.set(Some(id_for_click.clone()))>
                        "Details"
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        <Show
            when=move || imports.with(|list| !list.is_empty())
            fallback=move || (!quiet_when_empty).then(|| view! { <p class="pdm-note">"No imports yet."</p> })
        >
            <div class="pdm-imports">
                <h3>"Imports"</h3>
                <div class="pdm-scroll">
                    <table class="pdm-table" part="imports-table" data-imports-table="">
                        <caption>"Most recent first"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Status"</th>
                                <th scope="col">"File"</th>
                                <th scope="col">"Created"</th>
                                <th scope="col">"Updated"</th>
                                <th scope="col" class="pdm-num">"Accepted"</th>
                                <th scope="col" class="pdm-num">"Rejected"</th>
                                <th scope="col" class="pdm-num">"Duplicates"</th>
                                <th scope="col"><span class="pdm-visually-hidden">"Details"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || imports.get() key=row_key children=row/>
                        </tbody>
                    </table>
                </div>
            </div>
        </Show>
    }
}
