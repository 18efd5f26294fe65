//! The watch that notifies when the followed import ends, if the person opted in with
//! "Notify me when it finishes" (`notify`, whose chunk shows the notification).

use leptos::prelude::*;

use super::intl::number;
use super::lazy;
use crate::api::ImportStatus;
use crate::live::driver::Live;
use crate::view::tab_title::{finished_words, just_finished};

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
            lazy::notification(words, name.get_untracked());
        }
        status
    });
}
