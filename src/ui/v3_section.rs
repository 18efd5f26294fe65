//! What a legacy (V3) dataset has: one status, a file, a grouping flag.

use leptos::prelude::*;

use super::badge::DatasetBadge;
use super::import_list::ImportList;
use crate::api::{ImportJob, V3Details};

/// The V3 part of a dataset (`data-dataset-version="3"`), with the imports when the
/// answer lists some anyway (Prolific's reference example does).
#[component]
pub fn V3Section(
    details: V3Details,
    #[prop(into)] imports: Signal<Vec<ImportJob>>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let grouping = match details.has_predetermined_grouping_id {
        Some(true) => "Yes (META_TASK_GROUP_ID column)",
        Some(false) => "No",
        None => "Unknown",
    };
    view! {
        <section class="pdm-section" data-dataset-version="3" aria-label="Dataset details (version 3)">
            <dl class="pdm-facts">
                <div>
                    <dt>"Status"</dt>
                    <dd>{match details.status {
                        Some(status) => view! { <DatasetBadge status=status/> }.into_any(),
                        None => view! { <span class="pdm-muted">"—"</span> }.into_any(),
                    }}</dd>
                </div>
                <div><dt>"File"</dt><dd>{details.filename.unwrap_or_else(|| "—".to_owned())}</dd></div>
                <div><dt>"Predetermined grouping"</dt><dd>{grouping}</dd></div>
            </dl>
            <ImportList imports=imports selected=selected quiet_when_empty=true/>
        </section>
    }
}
