//! The bar of accepted, rejected and pending records of an import.

use leptos::prelude::*;

use super::intl::number;
use crate::api::ImportJob;
use crate::view::present::{BarPart, bar_label, bar_parts};

/// The known counts (new, or accepted when duplicates are unknown; duplicates;
/// rejected) as one bar, widths in proportion.
#[component]
pub fn CountBar(job: ImportJob) -> impl IntoView {
    let parts = bar_parts(&job);
    let total = parts
        .iter()
        .fold(0u64, |sum, (_, n)| sum.saturating_add(*n));
    if total == 0 {
        return ().into_any();
    }
    // Integer hundredths of a percent: float formatting would add ~10 KB to the bundle.
    let pct = |n: u64| {
        let hundredths = n.saturating_mul(10_000) / total;
        format!("width: {}.{:02}%", hundredths / 100, hundredths % 100)
    };
    let label = bar_label(&parts, number);
    // Always three spans (one view shape): new or accepted, duplicates, rejected; a part
    // that is not known has no width and no `data-part`.
    let slot = |wanted: &[BarPart]| {
        parts
            .iter()
            .find(|(part, _)| wanted.contains(part))
            .map_or((None, pct(0)), |(part, n)| (Some(part.words().0), pct(*n)))
    };
    let (first, first_width) = slot(&[BarPart::New, BarPart::Accepted]);
    let (dup, dup_width) = slot(&[BarPart::Duplicates]);
    let (rej, rej_width) = slot(&[BarPart::Rejected]);
    view! {
        <div class="pdm-bar" role="img" aria-label=label.clone() title=label>
            <span class="pdm-bar-new" data-part=first style=first_width></span>
            <span class="pdm-bar-dup" data-part=dup style=dup_width></span>
            <span class="pdm-bar-rej" data-part=rej style=rej_width></span>
        </div>
    }
    .into_any()
}
