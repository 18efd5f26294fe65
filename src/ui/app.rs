//! The root component: configuration → data → sections, and the demo page's mount.

use leptos::prelude::*;

use super::badge::ImportBadge;
use super::clock::{provide_clock, use_clock};
use super::dataset_header::DatasetHeader;
use super::error_message::ErrorMessage;
use super::format::relative_time;
use super::import_details::ImportDetails;
use super::v3_section::V3Section;
use super::v4_section::V4Section;
use crate::api::{ApiClient, ClientError, Dataset, DatasetDetails, ImportJob};
use crate::config::{ConfigError, MonitorConfig};

/// A result and when it arrived (ms since the epoch).
type Fetched<T> = (Result<T, ClientError>, f64);

/// The whole widget for one configuration (or the reason it cannot run).
#[component]
pub fn App(config: Result<MonitorConfig, ConfigError>) -> impl IntoView {
    provide_clock();
    let theme = config.as_ref().map(|c| c.theme).unwrap_or_default();
    view! {
        <div class="pdm" data-theme=theme.as_str()>
            {match config {
                Err(e) => view! {
                    <div class="pdm-error" role="alert" data-error="config">
                        <p class="pdm-error-summary">{format!("Configuration error: {e}.")}</p>
                        <p>"Give a dataset id (and optionally an import id) as hyphenated UUIDs."</p>
                    </div>
                }
                .into_any(),
                Ok(config) => view! { <Monitor config=config/> }.into_any(),
            }}
        </div>
    }
}

/// Views of the data and the live import for a valid configuration.
#[component]
pub fn Monitor(config: MonitorConfig) -> impl IntoView {
    let client = ApiClient::new(&config.proxy_url);
    let dataset_id = config.dataset_id.clone();
    let dataset: LocalResource<Fetched<Dataset>> = LocalResource::new({
        let client = client.clone();
        move || {
            let client = client.clone();
            let dataset_id = dataset_id.clone();
            async move {
                (
                    async { client?.dataset(&dataset_id).await }.await,
                    js_sys::Date::now(),
                )
            }
        }
    });
    let followed = config.import_id.clone();
    let import: Option<LocalResource<Fetched<ImportJob>>> = followed.clone().map(|import_id| {
        let dataset_id = config.dataset_id.clone();
        LocalResource::new(move || {
            let client = client.clone();
            let dataset_id = dataset_id.clone();
            let import_id = import_id.clone();
            async move {
                (
                    async { client?.import_job(&dataset_id, &import_id).await }.await,
                    js_sys::Date::now(),
                )
            }
        })
    });
    let selected = RwSignal::new(followed.as_ref().map(ToString::to_string));
    let dataset_id = config.dataset_id.to_string();

    let dataset_view = move || match dataset.get() {
        None => view! { <DatasetSkeleton/> }.into_any(),
        Some((Err(e), _)) => view! { <ErrorMessage error=e/> }.into_any(),
        Some((Ok(d), _)) => {
            let details = match d.details.clone() {
                DatasetDetails::V3(v3) => view! { <V3Section details=v3/> }.into_any(),
                DatasetDetails::V4(v4) => {
                    view! { <V4Section details=v4 selected=selected/> }.into_any()
                }
            };
            view! { <DatasetHeader dataset=d/> {details} }.into_any()
        }
    };

    // The import whose details are open: the followed one as fetched, else one from the list.
    let details_view = {
        let dataset_id = dataset_id.clone();
        let followed = followed.as_ref().map(ToString::to_string);
        move || {
            let chosen = selected.get()?;
            let job = match (&followed, import) {
                (Some(f), Some(resource)) if *f == chosen => match resource.get()? {
                    (Ok(job), _) => job,
                    (Err(e), _) => return Some(view! { <ErrorMessage error=e/> }.into_any()),
                },
                _ => dataset.get().and_then(|(d, _)| match d.ok()?.details {
                    DatasetDetails::V4(v4) => {
                        v4.imports.into_iter().find(|j| j.import_id == chosen)
                    }
                    DatasetDetails::V3(_) => None,
                })?,
            };
            Some(view! { <ImportDetails job=job dataset_id=dataset_id.clone()/> }.into_any())
        }
    };

    view! {
        {import.map(|resource| view! { <LiveStatus import=resource/> })}
        {dataset_view}
        {details_view}
    }
}

/// The live badge of the followed import, in a `role="status"` region that exists
/// before its content changes.
#[component]
fn LiveStatus(import: LocalResource<Fetched<ImportJob>>) -> impl IntoView {
    let now = use_clock();
    view! {
        <div class="pdm-live" role="status" aria-live="polite">
            {move || match import.get() {
                None => view! { <span class="pdm-muted">"Checking the import…"</span> }.into_any(),
                Some((Err(_), _)) => view! { <span class="pdm-muted">"Import status unavailable"</span> }.into_any(),
                Some((Ok(job), at)) => view! {
                    <span class="pdm-live-label">"Import"</span>
                    <ImportBadge status=job.status/>
                    <span class="pdm-updated">"Updated " {move || relative_time(at, now.get())}</span>
                }
                .into_any(),
            }}
        </div>
    }
}

/// Placeholder blocks while the first answer is awaited, sized like the content.
#[component]
fn DatasetSkeleton() -> impl IntoView {
    view! {
        <div class="pdm-skeleton" aria-busy="true" aria-label="Loading the dataset">
            <div class="pdm-skeleton-title"></div>
            <div class="pdm-skeleton-line"></div>
            <div class="pdm-skeleton-line"></div>
            <div class="pdm-skeleton-line pdm-short"></div>
        </div>
    }
}

/// Mounts the widget on the demo page, configured from the page's query string.
pub fn start_demo() {
    console_error_panic_hook::set_once();
    let search = window().location().search().unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let get = |key: &str| params.as_ref().and_then(|p| p.get(key)).unwrap_or_default();
    let values = [
        "dataset_id",
        "import_id",
        "proxy_url",
        "poll_interval",
        "theme",
    ]
    .map(|key| (key, get(key)));
    let config = MonitorConfig::from_pairs(values.iter().map(|(k, v)| (*k, v.as_str())));
    mount_to_body(move || view! { <App config=config/> });
}
