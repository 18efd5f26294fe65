//! Name, id (with a copy button), creation, owner, workspace and size of a dataset.

use leptos::prelude::*;

use super::format::number;
use super::time::Timestamp;
use crate::api::Dataset;

/// The dataset's identity and size.
#[component]
pub fn DatasetHeader(dataset: Dataset) -> impl IntoView {
    let id = dataset.id.clone();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            // Clipboard writes fail silently without a secure context; the id stays selectable.
            let _ = window.navigator().clipboard().write_text(&id);
            copied.set(true);
        }
    };
    let dash = || "—".to_owned();
    view! {
        <header class="pdm-header" part="header">
            <h2 class="pdm-title">{dataset.name}</h2>
            <dl class="pdm-facts">
                <div>
                    <dt>"Dataset id"</dt>
                    <dd>
                        <code class="pdm-id">{dataset.id.clone()}</code>
                        <button type="button" class="pdm-copy" on:click=copy
                            aria-label="Copy the dataset id">
                            {move || if copied.get() { "Copied" } else { "Copy" }}
                        </button>
                    </dd>
                </div>
                <div><dt>"Created"</dt><dd><Timestamp iso=dataset.created_at/></dd></div>
                <div><dt>"Created by"</dt><dd>{dataset.created_by.unwrap_or_else(dash)}</dd></div>
                <div><dt>"Workspace"</dt><dd>{dataset.workspace_id.unwrap_or_else(dash)}</dd></div>
                <div>
                    <dt>"Datapoints"</dt>
                    <dd class="pdm-datapoints">
                        {dataset.total_datapoint_count.map(number).unwrap_or_else(dash)}
                    </dd>
                </div>
                <div><dt>"Version"</dt><dd>{dataset.schema_version.to_string()}</dd></div>
            </dl>
        </header>
    }
}
