//! What a person sees of an import without looking at the page: the tab title and the
//! favicon of the standalone page, and the words of the desktop notification when a
//! followed import ends. Plain Rust, tested natively.

use super::present::{Tone, dataset_status, import_status};
use crate::api::{Dataset, DatasetDetails, ImportJob, ImportStatus};
use crate::config::query::escape_component;
use crate::live::Activity;

/// The page's title when nothing is known yet.
pub const APP_TITLE: &str = "Prolific Dataset Monitor";

/// The state shown in the tab: an icon, the raw status word, and an optional detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabState {
    /// The status icon (as on the badge): its symbol, for the title.
    pub icon: &'static str,
    /// The same icon as SVG path data, for the favicon.
    pub path: &'static str,
    /// The status as the API sends it, lower-cased.
    pub word: String,
    /// More words (records so far while processing).
    pub detail: Option<String>,
    /// The badge's tone (the favicon's colour).
    pub tone: Tone,
}

/// The state of a followed import: `↻ processing · 4,800 records so far`.
pub fn import_tab(job: &ImportJob, format: impl Fn(u64) -> String) -> TabState {
    let look = import_status(&job.status);
    let so_far = [
        job.written_count,
        job.rejected_seen_count,
        job.duplicate_seen_count,
    ]
    .into_iter()
    .flatten()
    .reduce(u64::saturating_add);
    TabState {
        icon: look.icon,
        path: look.path,
        word: job.status.as_str().to_ascii_lowercase(),
        detail: so_far
            .filter(|_| job.status == ImportStatus::Processing)
            .map(|n| format!("{} records so far", format(n))),
        tone: look.tone,
    }
}

/// The state of a dataset followed as a whole: its newest import (V4), or its own status
/// (V3); `None` when it has neither.
pub fn dataset_tab(dataset: &Dataset, format: impl Fn(u64) -> String) -> Option<TabState> {
    match &dataset.details {
        DatasetDetails::V3(v3) if dataset.imports().is_empty() => v3.status.as_ref().map(|s| {
            let look = dataset_status(s);
            TabState {
                icon: look.icon,
                path: look.path,
                word: s.as_str().to_ascii_lowercase(),
                detail: None,
                tone: look.tone,
            }
        }),
        _ => dataset.imports().first().map(|job| import_tab(job, format)),
    }
}

/// `✓ complete — name`, `↻ processing · 4,800 records so far — name`, `! partial — name`;
/// without a state just the name, and without a name [`APP_TITLE`].
pub fn tab_title(state: Option<&TabState>, name: &str) -> String {
    let name = match name.trim() {
        "" => APP_TITLE,
        n => n,
    };
    match state {
        None => name.to_owned(),
        Some(s) => match &s.detail {
            Some(detail) => format!("{} {} · {detail} — {name}", s.icon, s.word),
            None => format!("{} {} — {name}", s.icon, s.word),
        },
    }
}

/// The favicon for a state: a circle in the badge's colour with its icon drawn in white, as a
/// `data:image/svg+xml` URL; `data:,` (no icon) without a state.
pub fn favicon(state: Option<&TabState>) -> String {
    let Some(s) = state else {
        return "data:,".to_owned();
    };
    let colour = match s.tone {
        Tone::Neutral => "#5a6270",
        Tone::Active => "#1d5fd1",
        Tone::Success => "#1b7a3a",
        Tone::Warning => "#8a5a00",
        Tone::Error => "#b3261e",
        Tone::Waiting => "#6a3fb5",
        Tone::Unknown => "#4a4f57",
    };
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><circle cx='8' cy='8' r='8' fill='{colour}'/><path transform='translate(2.4 2.4) scale(.7)' d='{}' fill='none' stroke='#fff' stroke-width='2.6' stroke-linecap='round' stroke-linejoin='round'/></svg>",
        s.path
    );
    format!("data:image/svg+xml,{}", escape_component(&svg))
}

/// How a finished import ended, for the notification: `partial: 3,412 rejected`,
/// `complete: 20,588 accepted`, `failed: the reason`; the status alone when there is no
/// more to say.
pub fn finished_words(job: &ImportJob, format: impl Fn(u64) -> String) -> String {
    let status = job.status.as_str();
    let more = match job.status {
        ImportStatus::Partial => job.rejected().map(|n| format!("{} rejected", format(n))),
        ImportStatus::Complete => job
            .accepted_count
            .map(|n| format!("{} accepted", format(n))),
        ImportStatus::Failed => job
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
        _ => None,
    };
    match more {
        Some(more) => format!("{status}: {more}"),
        None => status.to_owned(),
    }
}

/// Whether an import seen with `previous` and now `current` has just ended, so that a
/// person who asked to be notified is: it was seen running or waiting, and is now final.
pub fn just_finished(previous: Option<&ImportStatus>, current: &ImportStatus) -> bool {
    previous.is_some_and(|p| Activity::of_import(p) != Activity::Finished)
        && Activity::of_import(current) == Activity::Finished
}

/// Whether the "Notify me when it finishes" offer applies: the import is not final.
pub fn can_notify(status: Option<&ImportStatus>) -> bool {
    status.is_some_and(|s| Activity::of_import(s) != Activity::Finished)
}
