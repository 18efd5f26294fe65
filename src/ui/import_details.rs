//! One import in detail: counts with a proportional bar, live progress, the failure
//! reason, what to do, and the rejected records.

use std::sync::Arc;

use leptos::prelude::*;

use super::count_bar::CountBar;

use super::badge::ImportBadge;
use super::id_text::IdText;
use super::intl::number;
use super::record_table::RecordTable;
use super::timestamp::Timestamp;
use crate::api::{ImportJob, ImportStatus};
use crate::upload::join::Expected;
use crate::view::present::{import_advice, partial_view_note, unreadable_line};

/// Details of `job`, which belongs to `dataset_id`.
#[component]
pub fn ImportDetails(mut job: ImportJob, dataset_id: String) -> impl IntoView {
    let dash = || "—".to_owned();
    let fmt = |n: Option<u64>| n.map(number).unwrap_or_else(dash);
    let duplicates = job.duplicates();
    let truncated = job
        .errors_truncated()
        .then(|| partial_view_note(job.rejected_count.unwrap_or(0), job.errors.len(), number));
    // Moved, not cloned: the list can hold 10,000 records, and the rest of the view
    // needs only the counts (taken above).
    let errors: Arc<[crate::api::RecordError]> = std::mem::take(&mut job.errors).into();
    let progress = (job.status == ImportStatus::Processing).then(|| progress_line(&job));
    let advice = import_advice(&job.status);
    let reason = job.reason.clone();
    let show_table = !errors.is_empty();
    let unreadable = unreadable_line(&job.unreadable);
    let expected = Expected {
        filename: job.filename.clone(),
        records: job
            .accepted_count
            .zip(job.rejected_count)
            .map(|(a, r)| a.saturating_add(r)),
    };
    view! {
        <section class="pdm-import" data-import-id=job.import_id.clone() aria-label="Import details">
            <h3>
                "Import " <code><IdText id=job.import_id.clone()/></code> " "
                <ImportBadge status=job.status.clone()/>
            </h3>
            <dl class="pdm-facts">
                <div><dt>"File"</dt><dd>{job.filename.clone().unwrap_or_else(dash)}</dd></div>
                <div><dt>"Created"</dt><dd><Timestamp iso=job.created_at.clone()/></dd></div>
                <div><dt>"Updated"</dt><dd><Timestamp iso=job.updated_at.clone()/></dd></div>
                <div><dt>"Accepted"</dt><dd data-count="accepted">{fmt(job.accepted_count)}</dd></div>
                <div><dt>"Rejected"</dt><dd data-count="rejected">{fmt(job.rejected())}</dd></div>
                <div><dt>"Duplicates"</dt><dd data-count="duplicates">{fmt(duplicates)}</dd></div>
                <div><dt>"Newly written"</dt><dd data-count="new">{fmt(job.newly_written())}</dd></div>
            </dl>
            <CountBar job=job.clone()/>
            {progress.map(|line| view! { <p class="pdm-progress" data-progress="">{line}</p> })}
            {reason.map(|r| view! { <p class="pdm-reason"><strong>"Reason: "</strong>{r}</p> })}
            {advice.map(|a| view! { <p class="pdm-note">{a}</p> })}
            {truncated.map(|note| view! { <p class="pdm-note" data-partial-view="">{note}</p> })}
            {unreadable.map(|line| view! { <p class="pdm-note" data-unreadable="">{line}</p> })}
            {show_table.then(|| view! {
                <RecordTable errors=errors.clone() dataset_id=dataset_id.clone() import_id=job.import_id.clone() expected=expected.clone()/>
            })}
        </section>
    }
}

fn progress_line(job: &ImportJob) -> String {
    let mut parts = Vec::new();
    if let Some(n) = job.written_count {
        parts.push(format!("{} written", number(n)));
    }
    if let Some(n) = job.rejected_seen_count {
        parts.push(format!("{} rejected", number(n)));
    }
    if let Some(n) = job.duplicate_seen_count {
        parts.push(format!("{} duplicates", number(n)));
    }
    if let Some(n) = job.processed_offset {
        parts.push(format!("offset {}", number(n)));
    }
    if parts.is_empty() {
        "Processing…".to_owned()
    } else {
        format!("So far: {}.", parts.join(", "))
    }
}
