//! The browser client: fetches both routes through the proxy with gloo-net, or takes the
//! page's early request for the same URL (`embed/early-data.js`) for the first poll.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortController;

use super::{
    ApiError, ClientError, Dataset, DatasetId, ImportId, ImportJob, RetryAfter, dataset_path,
    decode, import_path,
};

/// Fetches datasets and imports from a proxy base URL.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiClient {
    base: String,
    timeout_ms: u32,
}

impl ApiClient {
    /// A client for the proxy at `base_url` (`http(s)://host[:port][/prefix]`); an empty
    /// string means the page's own origin.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let base = base_url.trim();
        if !base.is_empty() {
            let url = web_sys::Url::new(base).map_err(|_| {
                ClientError::InvalidConfig(format!(
                    "the proxy URL {base:?} is not an absolute URL (expected e.g. https://proxy.example.org)"
                ))
            })?;
            let protocol = url.protocol();
            if protocol != "http:" && protocol != "https:" {
                return Err(ClientError::InvalidConfig(format!(
                    "the proxy URL must use http or https, not {protocol:?}"
                )));
            }
            if !url.search().is_empty() || !url.hash().is_empty() {
                return Err(ClientError::InvalidConfig(
                    "the proxy URL must not have a query string or fragment".to_owned(),
                ));
            }
        }
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            timeout_ms: super::DEFAULT_REQUEST_TIMEOUT_MS,
        })
    }

    /// Sets the client-side time limit for each request (at least 1 ms).
    pub fn with_timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = timeout_ms.max(1);
        self
    }

    /// The base URL requests go to (empty for the page's origin).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET /api/v1/data-collection/datasets/{dataset_id}`.
    pub async fn dataset(&self, dataset: &DatasetId) -> Result<Dataset, ClientError> {
        let mut answer: Dataset = self.get_json(&dataset_path(dataset)).await?;
        if answer.id.is_empty() {
            answer.id = dataset.to_string();
        }
        warn_unreadable("dataset", &answer.unreadable);
        Ok(answer)
    }

    /// `GET /api/v1/data-collection/datasets/{dataset_id}/imports/{import_id}`.
    pub async fn import_job(
        &self,
        dataset: &DatasetId,
        import: &ImportId,
    ) -> Result<ImportJob, ClientError> {
        let mut job: ImportJob = self.get_json(&import_path(dataset, import)).await?;
        job.belongs_to(dataset.as_str(), import.as_str());
        warn_unreadable("import", &job.unreadable);
        Ok(job)
    }

    /// `GET /_mock/scenarios`: the demo scenarios `dataset-proxy mock` offers, each read
    /// as a `T`; empty from `serve` (which has no such route) or on any failure.
    pub async fn demo_scenarios<T: DeserializeOwned>(&self) -> Vec<T> {
        self.get_json("/_mock/scenarios").await.unwrap_or_default()
    }

    /// One GET that decodes a 2xx body into `T` and everything else into a
    /// [`ClientError`]. Dropping the future aborts the request.
    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        decode(&self.get_ok_body(path).await?)
    }

    /// One GET: the body of a 2xx answer, everything else a [`ClientError`]. Not generic,
    /// so that the request code is in the bundle once, whatever the answer's type.
    async fn get_ok_body(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}{path}", self.base);
        let early = take_early(&url);
        let abort = match &early {
            Some(early) => AbortOnDrop {
                controller: Some(early.controller.clone()),
            },
            None => AbortOnDrop::new(),
        };
        let timed_out = Rc::new(Cell::new(false));
        let _deadline = abort.controller.as_ref().map(|controller| {
            let controller = controller.clone();
            let timed_out = Rc::clone(&timed_out);
            Timeout::new(self.timeout_ms, move || {
                timed_out.set(true);
                controller.abort();
            })
        });
        // A transport failure: the time limit's, when it aborted the request.
        let failure = |why: String| {
            if timed_out.get() {
                ClientError::Timeout {
                    after_ms: self.timeout_ms,
                }
            } else {
                ClientError::Network(why)
            }
        };
        let network_error = |e: gloo_net::Error| failure(describe(&e));

        let response = match early {
            // Handled from here on exactly as a request of this client's own.
            Some(early) => wasm_bindgen_futures::JsFuture::from(early.response)
                .await
                .and_then(JsCast::dyn_into::<web_sys::Response>)
                .map(gloo_net::http::Response::from)
                .map_err(|error| failure(describe_js(&error)))?,
            None => Request::get(&url)
                .header("Accept", "application/json")
                .abort_signal(abort.signal().as_ref())
                .send()
                .await
                .map_err(network_error)?,
        };
        let status = response.status();
        let content_type = response.headers().get("content-type");
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| RetryAfter::parse(&v));
        // Bytes, not text: no UTF-16 round trip through a JS string before serde_json.
        let body = response
            .binary()
            .await
            .map_err(|e| match network_error(e) {
                ClientError::Network(why) => ClientError::Network(format!(
                    "the connection closed before the whole answer arrived: {why}"
                )),
                other => other,
            })?;

        if response.ok() {
            Ok(body)
        } else {
            Err(ClientError::Http {
                status,
                body: ApiError::from_body(&body, content_type.as_deref()).map(Box::new),
                retry_after,
            })
        }
    }
}

/// Puts the details of what could not be read on the developer console (the view says
/// only how many, in one quiet line).
fn warn_unreadable(what: &str, unreadable: &[crate::api::Unreadable]) {
    if !unreadable.is_empty() {
        let list: Vec<String> = unreadable.iter().map(ToString::to_string).collect();
        leptos::logging::warn!(
            "dataset-monitor: {} field(s) of the {what} could not be read: {}",
            unreadable.len(),
            list.join(", ")
        );
    }
}

/// The name of the page's registry of early requests (`embed/early-data.js`).
const EARLY_REGISTRY: &str = "__datasetMonitorEarly";

/// A request the page started for `url` before the widget's code had loaded.
struct Early {
    /// Resolves to the `Response`.
    response: js_sys::Promise,
    /// Aborts it (the client's time limit, or the widget going away).
    controller: AbortController,
}

/// Takes the page's early request for `url`, if there is one: once, so that only the
/// first poll of that URL is answered by it. Anything unexpected in the registry is
/// ignored (the client then fetches as usual).
fn take_early(url: &str) -> Option<Early> {
    let registry = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(EARLY_REGISTRY))
        .ok()?
        .dyn_into::<js_sys::Map>()
        .ok()?;
    let key = JsValue::from_str(url);
    let entry = registry.get(&key);
    if entry.is_undefined() {
        return None;
    }
    registry.delete(&key);
    let field = |name: &str| js_sys::Reflect::get(&entry, &JsValue::from_str(name)).ok();
    Some(Early {
        response: field("response")?.dyn_into().ok()?,
        controller: field("controller")?.dyn_into().ok()?,
    })
}

/// Aborts the fetch it guards when dropped (a no-op once the body has been read).
struct AbortOnDrop {
    controller: Option<AbortController>,
}

impl AbortOnDrop {
    fn new() -> Self {
        Self {
            controller: AbortController::new().ok(),
        }
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.controller.as_ref().map(AbortController::signal)
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.controller {
            controller.abort();
        }
    }
}

/// A short description of a rejected promise's reason (an early request's), without the JS
/// stack, as [`describe`] gives one of gloo's.
fn describe_js(reason: &JsValue) -> String {
    reason.dyn_ref::<js_sys::Error>().map_or_else(
        || "the request failed".to_owned(),
        |error| String::from(error.message()),
    )
}

/// A short description of a transport failure, without the JS stack.
fn describe(error: &gloo_net::Error) -> String {
    match error {
        gloo_net::Error::JsError(js) => js.message.clone(),
        other => other.to_string(),
    }
}
