//! The polling driver: runs the [`PollPolicy`] on gloo-timers, one request at a time,
//! paused while the page is hidden (unless the person opted in to be notified: then at
//! the slower [`PollPolicy::hidden_delay`]), and feeds the components through signals. Dropping
//! the task (when the widget is removed) drops every timer, listener and request.

use futures::StreamExt;
use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use futures::future::{AbortHandle, Either, abortable, select};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use serde::Serialize;

use super::events::SeenImports;
use super::policy::{
    Activity, Decision, Observation, PollHistory, PollPolicy, StopReason, WaitReason,
};
use super::visibility::{VisibilityListener, page_hidden};
use crate::api::{
    ApiClient, ClientError, Dataset, DatasetDetails, DatasetId, ImportId, ImportJob, ImportStatus,
};

/// The latest answer for one route: the last good value (and when it came), and the
/// error of the latest poll if it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot<T> {
    /// The last value received.
    pub last_good: Option<Received<T>>,
    /// The failure of the latest poll, if it failed.
    pub error: Option<ClientError>,
}

/// A value as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Received<T> {
    /// The value.
    pub value: T,
    /// When it arrived (ms since the epoch).
    pub at_ms: f64,
}

impl<T> Slot<T> {
    /// The last value received, if any.
    pub fn value(&self) -> Option<&T> {
        self.last_good.as_ref().map(|r| &r.value)
    }

    /// When the last value arrived (ms since the epoch), if one did.
    pub fn received_at(&self) -> Option<f64> {
        self.last_good.as_ref().map(|r| r.at_ms)
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Self {
            last_good: None,
            error: None,
        }
    }
}

/// Where the poller is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PollState {
    /// Nothing asked yet.
    Starting,
    /// A request is on its way.
    Fetching,
    /// Waiting until `until_ms` (ms since the epoch).
    Waiting {
        /// When the next request goes.
        until_ms: f64,
        /// Why it waits.
        reason: WaitReason,
    },
    /// The page is hidden; polling resumes when it is visible.
    Paused,
    /// No more polls until someone presses "Refresh now".
    Stopped(StopReason),
}

/// What the components read, and the "Refresh now" control.
#[derive(Debug, Clone, Copy)]
pub struct Live {
    /// The dataset.
    pub dataset: RwSignal<Slot<Dataset>>,
    /// The followed import, if an import id was given.
    pub import: RwSignal<Slot<ImportJob>>,
    /// The poller's state.
    pub state: RwSignal<PollState>,
    /// Whether the person opted in to be notified when the import ends: polling then
    /// goes on, more slowly, while the page is hidden.
    pub notify: RwSignal<bool>,
    wake: StoredValue<UnboundedSender<Wake>>,
}

impl Live {
    /// Polls at once and resets the back-off (also restarts a stopped poller).
    pub fn refresh_now(&self) {
        self.wake.with_value(|tx| {
            let _ = tx.unbounded_send(Wake::Refresh);
        });
    }
}

/// Why a wait ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    Refresh,
    Visible,
}

/// What the driver needs.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// The client requests go through.
    pub client: ApiClient,
    /// The dataset shown.
    pub dataset_id: DatasetId,
    /// The import followed, if any.
    pub import_id: Option<ImportId>,
    /// The pacing.
    pub policy: PollPolicy,
}

/// Starts polling in the current reactive owner; it stops (and drops every timer,
/// listener and in-flight request) when the owner is cleaned up. Events are dispatched
/// on `host` (bubbling and composed).
pub fn start(config: LiveConfig, host: NodeRef<leptos::html::Div>) -> Live {
    let (tx, rx) = unbounded();
    let live = Live {
        dataset: RwSignal::new(Slot::default()),
        import: RwSignal::new(Slot::default()),
        state: RwSignal::new(PollState::Starting),
        notify: RwSignal::new(false),
        wake: StoredValue::new(tx.clone()),
    };
    let (task, handle): (_, AbortHandle) = abortable(run(config, live, host, tx, rx));
    leptos::task::spawn_local(async move {
        let _ = task.await;
    });
    on_cleanup(move || handle.abort());
    live
}

struct Driver {
    config: LiveConfig,
    live: Live,
    host: NodeRef<leptos::html::Div>,
    rx: UnboundedReceiver<Wake>,
    /// Last status seen per import id, to report changes.
    seen: SeenImports,
    /// Whether the followed import was seen in a non-final state this round.
    import_moved: bool,
}

async fn run(
    config: LiveConfig,
    live: Live,
    host: NodeRef<leptos::html::Div>,
    tx: UnboundedSender<Wake>,
    rx: UnboundedReceiver<Wake>,
) {
    let _visibility = VisibilityListener::new(move || {
        let _ = tx.unbounded_send(Wake::Visible);
    });
    let mut driver = Driver {
        config,
        live,
        host,
        rx,
        seen: SeenImports::default(),
        import_moved: false,
    };
    loop {
        let reason = driver.follow_all().await;
        driver.live.state.set(PollState::Stopped(reason));
        // Stopped: only a person pressing "Refresh now" starts again.
        loop {
            match driver.rx.next().await {
                Some(Wake::Refresh) => break,
                Some(Wake::Visible) => continue,
                None => return,
            }
        }
    }
}

/// What one polling loop follows.
enum Target {
    /// The dataset; `keep_following` polls it while its imports run (no import id),
    /// otherwise it is fetched until one answer arrives.
    Dataset { keep_following: bool },
    /// The followed import (and, until it has loaded once, the dataset too).
    Import(ImportId),
}

impl Driver {
    /// Without an import id: the dataset, while its imports run. With one: the import
    /// until it ends, then the dataset once more if the import changed meanwhile.
    async fn follow_all(&mut self) -> StopReason {
        let Some(import_id) = self.config.import_id.clone() else {
            return self
                .follow(&Target::Dataset {
                    keep_following: true,
                })
                .await;
        };
        self.import_moved = false;
        let reason = self.follow(&Target::Import(import_id)).await;
        let dataset_missing = self.live.dataset.with_untracked(|s| s.last_good.is_none());
        if reason == StopReason::Finished && (self.import_moved || dataset_missing) {
            // Its counts and import list have changed.
            self.follow(&Target::Dataset {
                keep_following: false,
            })
            .await;
        }
        reason
    }

    /// One loop for every target: fetch, decide, sleep; one request at a time.
    async fn follow(&mut self, target: &Target) -> StopReason {
        let mut history = PollHistory::default();
        loop {
            self.wait_until_visible().await;
            self.live.state.set(PollState::Fetching);
            let observation = match target {
                Target::Dataset { keep_following } => self.poll_dataset(*keep_following).await,
                Target::Import(import_id) => {
                    // Until the dataset has loaded once, ask for it too, at the same
                    // time: a failing dataset must not keep the import from being
                    // followed, nor a slow one the badge from being painted.
                    if self.live.dataset.with_untracked(|s| s.last_good.is_none()) {
                        self.poll_import_and_dataset(import_id).await
                    } else {
                        self.poll_import(import_id).await
                    }
                }
            };
            match self.decide(&mut history, &observation) {
                Decision::Stop(reason) => return reason,
                Decision::PollAfter { delay_ms, reason } => {
                    if self.sleep(delay_ms, reason).await == Some(Wake::Refresh) {
                        history = PollHistory::default();
                    }
                }
            }
        }
    }

    async fn poll_dataset(&mut self, keep_following: bool) -> Observation {
        let result = self.config.client.dataset(&self.config.dataset_id).await;
        self.take_dataset(result, keep_following)
    }

    async fn poll_import(&mut self, import_id: &ImportId) -> Observation {
        let result = self
            .config
            .client
            .import_job(&self.config.dataset_id, import_id)
            .await;
        self.take_import(import_id, result)
    }

    /// The import and the dataset at once (the import's request leaves first), each
    /// shown as soon as it arrives; the import's answer decides what comes next.
    async fn poll_import_and_dataset(&mut self, import_id: &ImportId) -> Observation {
        let (client, dataset_id) = (self.config.client.clone(), self.config.dataset_id.clone());
        let import = Box::pin(async { client.import_job(&dataset_id, import_id).await });
        let dataset = Box::pin(async { client.dataset(&dataset_id).await });
        match select(import, dataset).await {
            Either::Left((job, dataset)) => {
                let observation = self.take_import(import_id, job);
                let dataset = dataset.await;
                self.take_dataset(dataset, false);
                observation
            }
            Either::Right((dataset, job)) => {
                self.take_dataset(dataset, false);
                let job = job.await;
                self.take_import(import_id, job)
            }
        }
    }

    fn take_dataset(
        &mut self,
        result: Result<Dataset, ClientError>,
        keep_following: bool,
    ) -> Observation {
        match result {
            Ok(dataset) => {
                let activity = if keep_following {
                    Activity::of_dataset(&dataset)
                } else {
                    Activity::Finished
                };
                // Without a followed import, every import of the dataset is followed.
                if let (true, DatasetDetails::V4(v4)) = (keep_following, &dataset.details) {
                    for job in &v4.imports {
                        self.report(&job.import_id, &job.status, false);
                    }
                }
                store_ok(self.live.dataset, dataset);
                Observation::Answer(activity)
            }
            Err(error) => {
                store_err(self.live.dataset, error.clone());
                Observation::Failure(error)
            }
        }
    }

    fn take_import(
        &mut self,
        import_id: &ImportId,
        result: Result<ImportJob, ClientError>,
    ) -> Observation {
        match result {
            Ok(job) => {
                self.report(import_id.as_str(), &job.status, true);
                let activity = Activity::of_import(&job.status);
                if activity != Activity::Finished {
                    self.import_moved = true;
                }
                store_ok(self.live.import, job);
                Observation::Answer(activity)
            }
            Err(error) => {
                store_err(self.live.import, error.clone());
                Observation::Failure(error)
            }
        }
    }

    fn decide(&self, history: &mut PollHistory, observation: &Observation) -> Decision {
        self.config.policy.decide(
            history,
            observation,
            js_sys::Date::now() as u64,
            js_sys::Math::random(),
        )
    }

    /// Waits `delay_ms` (one timer, re-armed after each response, so polls never
    /// overlap); only "Refresh now" ends it early. A page that was hidden and is visible
    /// again keeps the timer: Retry-After and back-off still hold (a timer that fires
    /// while the page is hidden pauses in `wait_until_visible` instead). A hidden page
    /// that opted in waits [`PollPolicy::hidden_delay`]; visible again, it waits only what
    /// is left of `delay_ms`.
    async fn sleep(&mut self, delay_ms: u32, reason: WaitReason) -> Option<Wake> {
        // Wakes that arrived during the last request are spent: that request was "now".
        while self.rx.try_recv().is_ok() {}
        let started = js_sys::Date::now();
        let hidden = page_hidden() && self.live.notify.get_untracked();
        let wait_ms = if hidden {
            self.config.policy.hidden_delay(delay_ms)
        } else {
            delay_ms
        };
        self.live.state.set(PollState::Waiting {
            until_ms: started + f64::from(wait_ms),
            reason,
        });
        let mut timer = TimeoutFuture::new(wait_ms);
        loop {
            match select(&mut timer, self.rx.next()).await {
                Either::Left(((), _)) => return None,
                Either::Right((Some(Wake::Refresh), _)) => return Some(Wake::Refresh),
                Either::Right((Some(Wake::Visible), _)) if hidden && wait_ms > delay_ms => {
                    let until = started + f64::from(delay_ms);
                    let left = until - js_sys::Date::now();
                    if left <= 0.0 {
                        return None;
                    }
                    self.live.state.set(PollState::Waiting {
                        until_ms: until,
                        reason,
                    });
                    timer = TimeoutFuture::new(left as u32);
                }
                Either::Right((Some(Wake::Visible), _)) => {}
                Either::Right((None, _)) => {
                    timer.await;
                    return None;
                }
            }
        }
    }

    /// Returns at once on a visible page, or a hidden one that opted in to be notified;
    /// on another hidden one, waits until it is visible (or someone presses "Refresh now").
    async fn wait_until_visible(&mut self) {
        while page_hidden() && !self.live.notify.get_untracked() {
            self.live.state.set(PollState::Paused);
            match self.rx.next().await {
                Some(Wake::Refresh) | None => return,
                Some(Wake::Visible) => {}
            }
        }
    }

    /// Dispatches the events [`SeenImports::observe`] decides on (`followed`: this is
    /// the import the widget follows).
    fn report(&mut self, import_id: &str, status: &ImportStatus, followed: bool) {
        let Some(change) = self.seen.observe(import_id, status, followed) else {
            return;
        };
        let detail = StatusDetail {
            dataset_id: self.config.dataset_id.as_str(),
            import_id,
            previous: change.previous.as_ref().map(ImportStatus::as_str),
            status: status.as_str(),
        };
        self.dispatch("import-status-change", &detail);
        if change.finished {
            self.dispatch("import-finished", &detail);
        }
    }

    fn dispatch(&self, name: &str, detail: &StatusDetail<'_>) {
        let Some(host) = self.host.get_untracked() else {
            return;
        };
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let Ok(detail) = detail.serialize(&serializer) else {
            return;
        };
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
            let _ = host.dispatch_event(&event);
        }
    }
}

/// The `detail` of both events.
#[derive(Serialize)]
struct StatusDetail<'a> {
    dataset_id: &'a str,
    import_id: &'a str,
    previous: Option<&'a str>,
    status: &'a str,
}

fn store_ok<T: Send + Sync + 'static>(slot: RwSignal<Slot<T>>, value: T) {
    slot.set(Slot {
        last_good: Some(Received {
            value,
            at_ms: js_sys::Date::now(),
        }),
        error: None,
    });
}

fn store_err<T: Send + Sync + 'static>(slot: RwSignal<Slot<T>>, error: ClientError) {
    slot.update(|s| s.error = Some(error));
}
