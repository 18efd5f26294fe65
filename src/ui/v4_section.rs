//! What a V4 dataset has: a field schema and a list of imports.

use leptos::prelude::*;

use super::badge::ImportBadge;
use super::intl::number;
use super::timestamp::Timestamp;
use crate::api::{DatasetSchema, ImportJob};
use crate::view::present::{field_type_meaning, strictness_meaning};

/// The V4 part of a dataset (`data-dataset-version="4"`): its schema and its imports
/// (a signal, so a poll re-renders only the rows that changed); choosing an import sets
/// `selected` to its id.
#[component]
pub fn V4Section(
    schema: Option<DatasetSchema>,
    #[prop(into)] imports: Signal<Vec<ImportJob>>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <section class="pdm-section" data-dataset-version="4" aria-label="Dataset details (version 4)">
            {match schema {
                Some(schema) => view! { <SchemaView schema=schema/> }.into_any(),
                None => view! {
                    <p class="pdm-note" data-no-schema="">
                        "No schema yet: uploads wait in " <code>"pending_schema"</code>
                        " until one is set."
                    </p>
                }
                .into_any(),
            }}
            <ImportList imports=imports selected=selected/>
        </section>
    }
}

#[component]
fn SchemaView(schema: DatasetSchema) -> impl IntoView {
    let count = schema.fields.len();
    view! {
        <div class="pdm-schema">
            <h3>"Schema"</h3>
            <p class="pdm-strictness">{strictness_meaning(schema.strict)}</p>
            // Focusable: on a phone the table scrolls sideways, and nothing in it takes focus
            // for a keyboard to scroll it by (axe: scrollable-region-focusable).
            <div class="pdm-scroll" tabindex="0" role="region" aria-label="Schema fields">
                <table class="pdm-table" part="schema-table" data-schema-table="">
                    <caption>{format!("{count} field{}", if count == 1 { "" } else { "s" })}</caption>
                    <thead>
                        <tr><th scope="col">"Key"</th><th scope="col">"Type"</th><th scope="col">"Label"</th></tr>
                    </thead>
                    <tbody>
                        {schema.fields.into_iter().map(|field| {
                            let known = field.field_type.is_known();
                            view! {
                                <tr>
                                    <td><code>{field.key}</code></td>
                                    <td>
                                        <span class="pdm-field-type" data-known=known.to_string()>
                                            {match field.field_type.as_str() {
                                                "" => "—".to_owned(),
                                                t => t.to_owned(),
                                            }}
                                        </span>
                                        <span class="pdm-meaning">{field_type_meaning(&field.field_type)}</span>
                                    </td>
                                    <td>{field.label.unwrap_or_else(|| "—".to_owned())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

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
