//! The parts of the page that a visit may never show, each behind a split point.
//!
//! Built with the `split` feature (the demo page's release build, scripts/build-demo),
//! each function of `mod chunks` is moved by `wasm-split-cli` into the wasm chunk that its
//! `wasm_split` module names (`split_<name>.wasm`), fetched the first time one of them is
//! called or the chunk is preloaded. The chunks share the main module's memory and
//! function table: one program, one reactive runtime. A chunk that cannot be fetched puts
//! a `role="alert"` line in its part's place; the rest of the page goes on.
//!
//! Without the feature (`trunk serve`, the tests, the embeddable module and the stable
//! fallback) each part renders at once, with no `Suspend` and no chunk: the same
//! components, called directly.

use leptos::prelude::*;

use super::front_door::FrontDoor;
use super::import_details::ImportDetails;
use super::notify::NotifyToggle;
use crate::api::ImportJob;
use crate::live::driver::Live;

/// An import's details with the rejected records, their export and the uploaded-file join.
pub fn import_details(job: ImportJob, dataset_id: String) -> impl IntoView + use<> {
    #[cfg(feature = "split")]
    return on_arrival(
        "the import's details",
        chunks::import_details(job, dataset_id),
    );
    #[cfg(not(feature = "split"))]
    return view! { <ImportDetails job=job dataset_id=dataset_id/> };
}

/// The front door: the page opened with no `dataset_id`.
///
/// Not a split point in the embeddable module (`embed`), which never shows it: a split
/// point's entry is an export of the wasm, and a cdylib keeps its exports, so the front
/// door would stay in the module's main wasm, unused (about 14 KB brotli). A plain call
/// from the standalone page's code, which the module does not export, is dropped whole.
pub fn front_door(proxy_url: String) -> impl IntoView + use<> {
    #[cfg(all(feature = "split", not(feature = "embed")))]
    return on_arrival("the page", chunks::front_door(proxy_url));
    #[cfg(any(not(feature = "split"), feature = "embed"))]
    return view! { <FrontDoor proxy_url=proxy_url/> };
}

/// "Notify me when it finishes".
pub fn notify_toggle(live: Live) -> impl IntoView + use<> {
    #[cfg(feature = "split")]
    return on_arrival("\"Notify me\"", chunks::notify_toggle(live));
    #[cfg(not(feature = "split"))]
    return view! { <NotifyToggle live=live/> };
}

/// Shows the desktop notification that the followed import ended (in the toggle's chunk;
/// one that cannot be fetched costs only this notification).
pub fn notification(title: String, body: String) {
    #[cfg(feature = "split")]
    leptos::task::spawn_local(async move {
        let _ = chunks::notification(title, body).await;
    });
    #[cfg(not(feature = "split"))]
    super::notify::show(&title, &body);
}

/// Starts fetching the chunks that a page following an import shows at once (its
/// details, and "Notify me" when `notify`), beside its first API requests rather than
/// after the first paint. Without the `split` feature there is nothing to fetch.
pub fn preload_for_import(notify: bool) {
    #[cfg(feature = "split")]
    {
        leptos::task::spawn_local(async {
            let _ = chunks::preload_import_details().await;
        });
        if notify {
            leptos::task::spawn_local(async {
                let _ = chunks::preload_notify().await;
            });
        }
    }
    #[cfg(not(feature = "split"))]
    let _ = notify;
}

/// The part `part` once its chunk is here, or the line saying it could not be fetched. No
/// fallback shows while it loads, and an update keeps the old view until the new one is
/// built (`Suspend`), so a part never blanks.
#[cfg(feature = "split")]
fn on_arrival(
    part: &'static str,
    chunk: impl Future<Output = Result<AnyView, chunks::ChunkError>> + Send + 'static,
) -> AnyView {
    Suspend::new(async move { chunk.await.unwrap_or_else(|_| chunk_failed(part)) }).into_any()
}

/// What shows in place of a part whose chunk could not be fetched.
#[cfg(feature = "split")]
fn chunk_failed(part: &'static str) -> AnyView {
    view! {
        <p class="pdm-error" role="alert" data-chunk-failed="">
            "Could not load " {part} " (the network may be down). Reload the page to try again."
        </p>
    }
    .into_any()
}

/// The split points. Each `wasm_split` module name becomes `split_<name>.wasm`;
/// scripts/assemble-demo.mjs checks that the build wrote exactly these.
#[cfg(feature = "split")]
mod chunks {
    use leptos::prelude::*;
    use leptos::wasm_split::{SplitLoaderError, wasm_split};

    #[cfg(not(feature = "embed"))]
    use super::FrontDoor;
    use super::{ImportDetails, NotifyToggle};
    use crate::api::ImportJob;
    use crate::live::driver::Live;

    /// A chunk that could not be fetched or instantiated.
    #[derive(Debug)]
    pub struct ChunkError;

    impl From<SplitLoaderError> for ChunkError {
        fn from(_: SplitLoaderError) -> Self {
            ChunkError
        }
    }

    /// The import's details (`ImportDetails`), in chunk `split_import_details`.
    #[wasm_split(
        import_details,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(preload_import_details)
    )]
    pub fn import_details(job: ImportJob, dataset_id: String) -> Result<AnyView, ChunkError> {
        Ok(view! { <ImportDetails job=job dataset_id=dataset_id/> }.into_any())
    }

    /// The front door (`FrontDoor`), in chunk `split_front_door` (the standalone page's).
    #[cfg(not(feature = "embed"))]
    #[wasm_split(front_door, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn front_door(proxy_url: String) -> Result<AnyView, ChunkError> {
        Ok(view! { <FrontDoor proxy_url=proxy_url/> }.into_any())
    }

    /// "Notify me when it finishes" (`NotifyToggle`), in chunk `split_notify`.
    #[wasm_split(notify, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_notify))]
    pub fn notify_toggle(live: Live) -> Result<AnyView, ChunkError> {
        Ok(view! { <NotifyToggle live=live/> }.into_any())
    }

    /// The desktop notification that the import ended, in chunk `split_notify`.
    #[wasm_split(notify, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn notification(title: String, body: String) -> Result<(), ChunkError> {
        super::super::notify::show(&title, &body);
        Ok(())
    }
}
