//! Status badges: colour, icon and words together, never colour alone.

use leptos::prelude::*;

use crate::api::{DatasetStatus, ImportStatus};
use crate::view::present::{self, BadgeLook};

/// Which DOM hook carries the raw value.
enum Hook {
    Import,
    Dataset,
}

fn badge(look: BadgeLook, raw: String, hook: Hook) -> impl IntoView {
    let class = format!(
        "pdm-badge pdm-tone-{}{}",
        look.tone.as_str(),
        if look.animated { " pdm-animated" } else { "" }
    );
    let title = format!("Status: {raw}");
    let (import_hook, dataset_hook) = match hook {
        Hook::Import => (Some(raw), None),
        Hook::Dataset => (None, Some(raw)),
    };
    view! {
        <span class=class part="badge" title=title data-import-status=import_hook data-dataset-status=dataset_hook>
            <span class="pdm-badge-icon" aria-hidden="true" style=present::icon_style(look.path)></span>
            <span class="pdm-badge-label">{look.label}</span>
        </span>
    }
}

/// The badge of an import status; `data-import-status` holds the raw status.
#[component]
pub fn ImportBadge(status: ImportStatus) -> impl IntoView {
    badge(
        present::import_status(&status),
        status.as_str().to_owned(),
        Hook::Import,
    )
}

/// The badge of a V3 dataset status; `data-dataset-status` holds the raw status.
#[component]
pub fn DatasetBadge(status: DatasetStatus) -> impl IntoView {
    badge(
        present::dataset_status(&status),
        status.as_str().to_owned(),
        Hook::Dataset,
    )
}
