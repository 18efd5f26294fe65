//! Native tests of the event rules: which of `import-status-change` and
//! `import-finished` one sighting of an import's status fires.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::api::ImportStatus;
use dataset_monitor::live::{SeenImports, StatusChange};
use dataset_wire::demo;

const A: &str = demo::LIFECYCLE_IMPORT;
const B: &str = demo::FAILED_IMPORT;

fn change(previous: Option<ImportStatus>, finished: bool) -> Option<StatusChange> {
    Some(StatusChange { previous, finished })
}

#[test]
fn a_followed_import_walking_to_partial_reports_each_step_and_finishes_once() {
    let mut seen = SeenImports::default();
    use ImportStatus::*;
    assert_eq!(seen.observe(A, &Uninitialised, true), change(None, false));
    assert_eq!(
        seen.observe(A, &Uninitialised, true),
        None,
        "no change, no event"
    );
    assert_eq!(
        seen.observe(A, &Queued, true),
        change(Some(Uninitialised), false)
    );
    assert_eq!(
        seen.observe(A, &Processing, true),
        change(Some(Queued), false)
    );
    assert_eq!(seen.observe(A, &Processing, true), None);
    assert_eq!(
        seen.observe(A, &Partial, true),
        change(Some(Processing), true)
    );
    assert_eq!(seen.observe(A, &Partial, true), None, "finished only once");
}

#[test]
fn an_import_first_seen_finished_finishes_only_if_it_is_the_followed_one() {
    let mut followed = SeenImports::default();
    assert_eq!(
        followed.observe(A, &ImportStatus::Complete, true),
        change(None, true)
    );
    let mut dataset = SeenImports::default();
    assert_eq!(
        dataset.observe(A, &ImportStatus::Complete, false),
        change(None, false),
        "a dataset's old import is not news"
    );
    assert_eq!(
        dataset.observe(A, &ImportStatus::Failed, false),
        change(Some(ImportStatus::Complete), false),
        "final to final is a change, not a finish"
    );
}

#[test]
fn pending_schema_and_unknown_statuses_are_changes_not_finishes() {
    let mut seen = SeenImports::default();
    assert_eq!(
        seen.observe(A, &ImportStatus::PendingSchema, true),
        change(None, false)
    );
    assert_eq!(
        seen.observe(A, &ImportStatus::Other("archiving".into()), true),
        change(Some(ImportStatus::PendingSchema), false)
    );
    assert_eq!(
        seen.observe(A, &ImportStatus::Complete, true),
        change(Some(ImportStatus::Other("archiving".into())), true),
        "moving out of a waiting status into a final one finishes"
    );
}

#[test]
fn every_import_is_tracked_on_its_own() {
    let mut seen = SeenImports::default();
    assert_eq!(
        seen.observe(A, &ImportStatus::Processing, false),
        change(None, false)
    );
    assert_eq!(
        seen.observe(B, &ImportStatus::Queued, false),
        change(None, false)
    );
    assert_eq!(seen.observe(A, &ImportStatus::Processing, false), None);
    assert_eq!(
        seen.observe(B, &ImportStatus::Complete, false),
        change(Some(ImportStatus::Queued), true)
    );
    assert_eq!(
        seen.observe(A, &ImportStatus::Partial, false),
        change(Some(ImportStatus::Processing), true)
    );
}
