//! "Tell me when it's done": the "Notify me when it finishes" toggle of a followed
//! import that is still running (the browser asks for permission only after the click),
//! and the desktop notification when it ends, which focuses the tab when clicked.
//! Without the browser's `Notification` (or with permission refused) it says so quietly
//! and nothing else changes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::intl::number;
use crate::api::ImportStatus;
use crate::live::HIDDEN_MIN_MS;
use crate::live::driver::Live;
use crate::view::tab_title::{can_notify, finished_words, just_finished};

/// The toggle, shown while the followed import is not final.
#[component]
pub fn NotifyToggle(live: Live) -> impl IntoView {
    let note = RwSignal::new(None::<String>);
    let running = Memo::new(move |_| {
        live.import
            .with(|s| can_notify(s.value().map(|j| &j.status)))
    });
    let click = move |_| {
        if live.notify.get_untracked() {
            live.notify.set(false);
            note.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            let answer = ask_permission().await;
            let on = answer.is_ok();
            let text = answer.err().map_or_else(
                || {
                    format!(
                        "On: a desktop notification when it ends; checks go on every {} s or slower while this tab is hidden.",
                        HIDDEN_MIN_MS / 1000
                    )
                },
                str::to_owned,
            );
            let _ = live.notify.try_set(on);
            let _ = note.try_set(Some(text));
        });
    };
    move || {
        running.get().then(|| {
            view! {
                <span class="pdm-notify">
                    <button type="button" aria-pressed=move || live.notify.get().to_string() on:click=click>
                        "Notify me when it finishes"
                    </button>
                    " "
                    <span class="pdm-muted" data-notify-note="">{move || note.get()}</span>
                </span>
            }
        })
    }
}

/// Asks for permission to notify; the reason, in words, when there is none.
async fn ask_permission() -> Result<(), &'static str> {
    if !notifications_exist() {
        return Err("This browser cannot show notifications here.");
    }
    let blocked = "Notifications are blocked for this page in the browser's settings.";
    let promise = web_sys::Notification::request_permission().map_err(|_| blocked)?;
    let answer = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| blocked)?;
    if answer.as_string().as_deref() == Some("granted") {
        Ok(())
    } else {
        Err(blocked)
    }
}

fn notifications_exist() -> bool {
    js_sys::Reflect::has(&window(), &"Notification".into()).unwrap_or(false)
}

/// Shows a desktop notification when the followed import ends while the person opted
/// in (then the opt-in is spent); `name` is the dataset's name.
pub fn notify_when_finished(live: Live, name: Signal<String>) {
    Effect::new(move |previous: Option<Option<ImportStatus>>| {
        let status = live.import.with(|s| s.value().map(|j| j.status.clone()));
        if let (Some(now), Some(previous)) = (&status, previous)
            && live.notify.get_untracked()
            && just_finished(previous.as_ref(), now)
        {
            live.notify.set(false);
            let words = live
                .import
                .with_untracked(|s| s.value().map(|j| finished_words(j, number)))
                .unwrap_or_default();
            super::lazy::notification(words, name.get_untracked());
        }
        status
    });
}

/// A desktop notification; clicking it focuses this tab.
pub(super) fn show(title: &str, body: &str) {
    if !notifications_exist() {
        return;
    }
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    if let Ok(notification) = web_sys::Notification::new_with_options(title, &options) {
        let focus = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = window().focus();
        });
        notification.set_onclick(Some(focus.unchecked_ref()));
    }
}
