//! The live part of the monitor: the followed import's badge, when the data was last
//! updated, the poller's next step, "Refresh now" and "Notify me".

use leptos::prelude::*;

use super::badge::ImportBadge;
use super::clock::use_clock;
use super::intl::relative_time;
use super::lazy;
use crate::live::driver::{Live, PollState, Slot};
use crate::live::{StopReason, WaitReason};

/// The live badge of the followed import and the poller's state, in a `role="status"`
/// region that exists before its content changes, with "Refresh now".
#[component]
pub fn LiveStatus(live: Live, follows_import: bool, notify: bool) -> impl IntoView {
    let now = use_clock();
    let status = Memo::new(move |_| live.import.with(|s| s.value().map(|j| j.status.clone())));
    let updated = Memo::new(move |_| {
        if follows_import {
            live.import.with(Slot::received_at)
        } else {
            live.dataset.with(Slot::received_at)
        }
    });
    let poll_text = move || poll_words(live.state.get(), now.get());
    view! {
        <div class="pdm-live">
            // Only the badge is announced: the ticking times beside it are not news.
            <div class="pdm-live-badge" part="status" role="status" aria-live="polite">
                {follows_import.then(|| view! {
                    <span class="pdm-live-label">"Import"</span>
                    {move || match status.get() {
                        None => view! { <span class="pdm-muted">"checking…"</span> }.into_any(),
                        Some(s) => view! { <ImportBadge status=s/> }.into_any(),
                    }}
                })}
            </div>
            <span class="pdm-updated">
                {move || updated.get().map(|at| format!("Updated {}", relative_time(at, now.get())))}
            </span>
            <span class="pdm-next" data-poll-state="">{poll_text}</span>
            <button type="button" class="pdm-refresh" part="refresh" on:click=move |_| live.refresh_now()>
                "Refresh now"
            </button>
            {(follows_import && notify).then(|| lazy::notify_toggle(live))}
        </div>
    }
}

/// "next check in 4 s", "retrying in 12 s (attempt 3)", "paused while hidden", …
fn poll_words(state: PollState, now_ms: f64) -> String {
    let secs = |until: f64| ((until - now_ms) / 1000.0).ceil().max(0.0) as u64;
    match state {
        PollState::Starting | PollState::Fetching => "checking now…".to_owned(),
        PollState::Paused => "paused while the page is hidden".to_owned(),
        PollState::Waiting { until_ms, reason } => match reason {
            WaitReason::Running => format!("next check in {} s", secs(until_ms)),
            WaitReason::Waiting => format!("next check in {} s (waiting)", secs(until_ms)),
            WaitReason::Backoff { attempt } | WaitReason::RetryAfter { attempt } => {
                format!("retrying in {} s (attempt {})", secs(until_ms), attempt + 1)
            }
        },
        PollState::Stopped(StopReason::Finished) => "up to date; no more checks".to_owned(),
        PollState::Stopped(StopReason::Refused(status)) => {
            format!("stopped: the API refused the request (HTTP {status})")
        }
        PollState::Stopped(StopReason::InvalidConfig) => "stopped: configuration error".to_owned(),
    }
}
