//! "Tell me when it's done": the "Notify me when it finishes" toggle of a followed
//! import that is still running (the browser asks for permission only after the click),
//! and the desktop notification when it ends, which focuses the tab when clicked (shown
//! by `notify_on_finish`). In the split build all of this is one chunk (`lazy`).
//! Without the browser's `Notification` (or with permission refused) it says so quietly
//! and nothing else changes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::live::HIDDEN_MIN_MS;
use crate::live::driver::Live;
use crate::view::tab_title::can_notify;

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
