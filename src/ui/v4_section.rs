//! What a V4 dataset has: a field schema and a list of imports.

use leptos::prelude::*;

use super::import_list::ImportList;
use super::schema_view::SchemaView;

use crate::api::{DatasetSchema, ImportJob};

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
