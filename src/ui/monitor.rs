//! One dataset watched: its data and its followed import polled, and every section
//! shown from them, each failure beside the data it concerns.

use leptos::prelude::*;

use super::dataset_skeleton::DatasetSkeleton;
use super::live_status::LiveStatus;

use super::dataset_header::DatasetHeader;
use super::error_message::ErrorMessage;
use super::lazy;
use super::notify_on_finish::notify_when_finished;
use super::page_context::{MonitorParts, PageContext};
use super::v3_section::V3Section;
use super::v4_section::V4Section;
use crate::api::{ApiClient, ClientError, Dataset, DatasetDetails, DatasetSchema, V3Details};
use crate::config::MonitorConfig;
use crate::live::PollPolicy;
use crate::live::driver::{self, LiveConfig, Slot};

/// The data and the live import for a valid configuration; events go to `host`.
#[component]
pub fn Monitor(config: MonitorConfig, host: NodeRef<leptos::html::Div>) -> impl IntoView {
    let client = match ApiClient::new(&config.proxy_url) {
        Ok(client) => client.with_timeout_ms(config.request_timeout_ms),
        Err(e) => return view! { <ErrorMessage error=e/> }.into_any(),
    };
    let policy = PollPolicy {
        running_ms: config.poll_interval_ms,
        ..PollPolicy::default()
    };
    let live = driver::start(
        LiveConfig {
            client,
            dataset_id: config.dataset_id.clone(),
            import_id: config.import_id.clone(),
            policy,
        },
        host,
    );
    let followed = config.import_id.as_ref().map(ToString::to_string);
    let page = use_context::<PageContext>();
    let shared_selection = page.and_then(|p| p.view.with_untracked(|v| v.selected.clone()));
    let selected = RwSignal::new(shared_selection.or_else(|| followed.clone()));
    let dataset_id = config.dataset_id.to_string();

    // Memos: a poll that brings the same data re-renders nothing.
    let dataset = Memo::new(move |_| live.dataset.with(|s| s.value().cloned()));
    let dataset_error = failure(live.dataset);
    let import_error = failure(live.import);
    let chosen_job = {
        let followed = followed.clone();
        Memo::new(move |_| {
            let chosen = selected.get()?;
            if followed.as_deref() == Some(chosen.as_str()) {
                return live.import.with(|s| s.value().cloned());
            }
            dataset.with(|d| {
                d.as_ref()?
                    .imports()
                    .iter()
                    .find(|j| j.import_id == chosen)
                    .cloned()
            })
        })
    };

    // The parts of the dataset, each re-rendered only when it changes: a poll that moves
    // one import re-renders that import's row, not the header, schema or focus.
    let header = Memo::new(move |_| {
        dataset.with(|d| {
            d.as_ref().map(|d| Dataset {
                details: DatasetDetails::V3(V3Details::default()),
                ..d.clone()
            })
        })
    });
    let section = Memo::new(move |_| {
        dataset.with(|d| {
            d.as_ref().map(|d| match &d.details {
                DatasetDetails::V3(v3) => Section::V3(V3Details {
                    imports: Vec::new(),
                    ..v3.clone()
                }),
                DatasetDetails::V4(v4) => Section::V4(v4.schema.clone()),
            })
        })
    });
    provide_context(super::SchemaKeys(Memo::new(move |_| {
        section.with(|s| match s {
            Some(Section::V4(Some(schema))) => {
                schema.fields.iter().map(|f| f.key.clone()).collect()
            }
            _ => Vec::new(),
        })
    })));
    let imports = Memo::new(move |_| {
        dataset.with(|d| d.as_ref().map(|d| d.imports().to_vec()).unwrap_or_default())
    });
    let dataset_view = move || match header.get() {
        None => (dataset_error.get().is_none()).then(|| view! { <DatasetSkeleton/> }.into_any()),
        Some(d) => Some(
            view! {
                <DatasetHeader dataset=d/>
                {move || section.get().map(|s| match s {
                    Section::V3(v3) => view! {
                        <V3Section details=v3 imports=imports selected=selected/>
                    }
                    .into_any(),
                    Section::V4(schema) => view! {
                        <V4Section schema=schema imports=imports selected=selected/>
                    }
                    .into_any(),
                })}
            }
            .into_any(),
        ),
    };
    let error_view = move |failure: Memo<Option<Failure>>| {
        move || {
            failure.get().map(|f| match f.stale_since {
                Some(at) => view! { <ErrorMessage error=f.error stale_since=at/> }.into_any(),
                None => view! { <ErrorMessage error=f.error/> }.into_any(),
            })
        }
    };
    let name = Signal::derive(move || {
        header.with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default())
    });
    notify_when_finished(live, name);
    if let Some(page) = page {
        (page.hooks.monitor)(
            page,
            MonitorParts {
                live,
                dataset_id: config.dataset_id.to_string(),
                followed: followed.clone(),
                selected,
                dataset,
                name,
            },
        );
    }
    if followed.is_some() {
        // A shared import's details are shown as soon as it answers: their chunk is
        // fetched beside the first requests, not after the first paint.
        lazy::preload_for_import(config.notify);
    }
    let details_view = move || {
        chosen_job
            .get()
            .map(|job| lazy::import_details(job, dataset_id.clone()))
    };

    view! {
        <LiveStatus live=live follows_import=followed.is_some() notify=config.notify/>
        {error_view(dataset_error)}
        {followed.is_some().then(|| error_view(import_error))}
        {dataset_view}
        {details_view}
    }
    .into_any()
}

/// The failure of a route's latest poll, and since when the data still shown is old.
#[derive(Debug, Clone, PartialEq)]
struct Failure {
    error: ClientError,
    stale_since: Option<f64>,
}

/// The slot's failure, re-rendered only when it changes.
fn failure<T: Send + Sync + 'static>(slot: RwSignal<Slot<T>>) -> Memo<Option<Failure>> {
    Memo::new(move |_| {
        slot.with(|s| {
            s.error.clone().map(|error| Failure {
                error,
                stale_since: s.received_at(),
            })
        })
    })
}

/// The version-specific part of a dataset, without its (separately rendered) imports.
#[derive(Debug, Clone, PartialEq)]
enum Section {
    V3(V3Details),
    V4(Option<DatasetSchema>),
}
