//! The widget's floor for `scripts/bench` ("Where the bytes go"): its data layer with next
//! to no view, built with the demo's toolchain, profile and wasm-opt settings. What the
//! whole widget weighs above this is what its views, the front door, the rejected records
//! and the uploaded file cost; under a size goal, it is what they have left.
//!
//! The proxy URL and the ids are constants (the build is measured, never run against
//! data), so the optimiser may drop what the client does with a configured URL, and the
//! configuration layer is not in it either: a floor, below any real build.

#[cfg(target_arch = "wasm32")]
use dataset_monitor::api::{ApiClient, DatasetId, ImportId};

#[cfg(target_arch = "wasm32")]
const ID: &str = dataset_wire::demo::REFERENCE_V3;

/// Both routes fetched once through the widget's client, their outcome in one line.
#[cfg(all(target_arch = "wasm32", not(feature = "live")))]
async fn fetch_once() -> String {
    let (Ok(client), Ok(dataset), Ok(import)) = (
        ApiClient::new(""),
        DatasetId::parse(ID),
        ImportId::parse(ID),
    ) else {
        return String::new();
    };
    match (
        client.dataset(&dataset).await,
        client.import_job(&dataset, &import).await,
    ) {
        (Ok(d), Ok(job)) => format!("{} {} {}", d.name, d.imports().len(), job.status.as_str()),
        (Err(e), _) | (_, Err(e)) => e.to_string(),
    }
}

#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
fn main() {
    wasm_bindgen_futures::spawn_local(async {
        web_sys::console::log_1(&fetch_once().await.into());
    });
}

#[cfg(all(target_arch = "wasm32", feature = "view", not(feature = "live")))]
fn main() {
    use leptos::prelude::*;

    let outcome = RwSignal::new(String::new());
    leptos::task::spawn_local(async move { outcome.set(fetch_once().await) });
    mount_to_body(move || view! { <p>{move || outcome.get()}</p> });
}

#[cfg(all(target_arch = "wasm32", feature = "live"))]
fn main() {
    use dataset_monitor::live::driver::{self, LiveConfig};
    use leptos::prelude::*;

    let (Ok(client), Ok(dataset_id)) = (ApiClient::new(""), DatasetId::parse(ID)) else {
        return;
    };
    mount_to_body(move || {
        let host = NodeRef::<leptos::html::Div>::new();
        let live = driver::start(
            LiveConfig {
                client,
                dataset_id,
                import_id: ImportId::parse(ID).ok(),
                policy: Default::default(),
            },
            host,
        );
        view! {
            <div node_ref=host>
                <p>{move || live.import.with(|s| s.value().map(|j| j.status.as_str().to_owned()))}</p>
                <p>{move || live.dataset.with(|s| s.value().map(|d| format!("{} {}", d.name, d.imports().len())))}</p>
                <p>{move || live.dataset.with(|s| s.error.as_ref().map(ToString::to_string))}</p>
            </div>
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
