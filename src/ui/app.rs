//! The root component and the demo page's mount.

use leptos::prelude::*;

use crate::api::{ApiClient, ClientError, Dataset, DatasetDetails};
use crate::config::{ConfigError, MonitorConfig};

/// The whole widget for one configuration (or the reason it cannot run).
#[component]
pub fn App(config: Result<MonitorConfig, ConfigError>) -> impl IntoView {
    match config {
        Err(e) => view! {
            <div class="pdm" role="alert" data-error="config">
                {format!("Configuration error: {e}.")}
            </div>
        }
        .into_any(),
        Ok(config) => view! { <DatasetView config=config/> }.into_any(),
    }
}

#[component]
fn DatasetView(config: MonitorConfig) -> impl IntoView {
    let client = ApiClient::new(&config.proxy_url);
    let dataset_id = config.dataset_id.clone();
    let dataset = LocalResource::new(move || {
        let client = client.clone();
        let dataset_id = dataset_id.clone();
        async move { client?.dataset(&dataset_id).await }
    });

    view! {
        <div class="pdm">
            {move || match dataset.get() {
                None => view! { <p class="pdm-loading">"Loading dataset…"</p> }.into_any(),
                Some(Ok(d)) => view! { <DatasetSummary dataset=d/> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn DatasetSummary(dataset: Dataset) -> impl IntoView {
    let version = match &dataset.details {
        DatasetDetails::V3(_) => "3",
        DatasetDetails::V4(_) => "4",
    };
    view! {
        <section class="pdm-dataset" data-dataset-version=version>
            <h2>{dataset.name}</h2>
            <p>"Dataset " <code>{dataset.id}</code> " · version " {dataset.schema_version.to_string()}</p>
        </section>
    }
}

#[component]
fn ErrorMessage(error: ClientError) -> impl IntoView {
    view! { <p class="pdm-error" role="alert">{error.to_string()}</p> }
}

/// Mounts the widget on the demo page, configured from the page's query string.
pub fn start_demo() {
    console_error_panic_hook::set_once();
    let search = window().location().search().unwrap_or_default();
    let config = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .map(|params| {
            let get = |key: &str| params.get(key).unwrap_or_default();
            let (d, i, p, n) = (
                get("dataset_id"),
                get("import_id"),
                get("proxy_url"),
                get("poll_interval"),
            );
            MonitorConfig::from_pairs([
                ("dataset_id", d.as_str()),
                ("import_id", i.as_str()),
                ("proxy_url", p.as_str()),
                ("poll_interval", n.as_str()),
            ])
        })
        .unwrap_or_else(|| MonitorConfig::from_pairs([]));
    mount_to_body(move || view! { <App config=config/> });
}
