//! Name, id (with a copy button), creation, owner, workspace and size of a dataset.

use leptos::prelude::*;

use super::id_text::IdText;
use super::intl::number;
use super::timestamp::Timestamp;
use crate::api::Dataset;
use crate::view::present::unreadable_line;

/// The dataset's identity and size.
#[component]
pub fn DatasetHeader(dataset: Dataset) -> impl IntoView {
    let id = dataset.id.clone();
    let copy_state = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            copy_state.set(Some(copy_text(&id).await));
        });
    };
    let dash = || "—".to_owned();
    let unreadable = unreadable_line(&dataset.unreadable);
    let name = if dataset.name.is_empty() {
        "Unnamed dataset".to_owned()
    } else {
        dataset.name
    };
    let version = match dataset.schema_version.as_str() {
        "" => dash(),
        v => v.to_owned(),
    };
    view! {
        <header class="pdm-header" part="header">
            <h2 class="pdm-title">{name}</h2>
            <dl class="pdm-facts">
                <div>
                    <dt>"Dataset id"</dt>
                    <dd>
                        <code class="pdm-id"><IdText id=dataset.id.clone()/></code>
                        <button type="button" class="pdm-copy" on:click=copy>
                            {move || match copy_state.get() {
                                None => "Copy",
                                Some(true) => "Copied",
                                Some(false) => "Copy failed: select the id instead",
                            }}
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
                <div><dt>"Version"</dt><dd>{version}</dd></div>
            </dl>
            {unreadable.map(|line| view! { <p class="pdm-note" data-unreadable="">{line}</p> })}
        </header>
    }
}

/// Writes `text` to the clipboard; false when the page may not (no secure context, no
/// permission). Reached through `Reflect` because `navigator.clipboard` is undefined
/// outside secure contexts, and calling through it would throw into the wasm.
async fn copy_text(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return false;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return false;
    };
    let Some(write) = write.dyn_ref::<js_sys::Function>() else {
        return false;
    };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else {
        return false;
    };
    match promise.dyn_into::<js_sys::Promise>() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}
