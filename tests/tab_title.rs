//! Native tests of what a person sees without looking at the page: the tab title, the
//! favicon, and the words of the notification when a followed import ends.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::api::{Dataset, ImportJob, ImportStatus, decode};
use dataset_monitor::config::query::parse;
use dataset_monitor::view::tab_title::{
    APP_TITLE, can_notify, dataset_tab, favicon, finished_words, import_tab, just_finished,
    tab_title,
};

/// Digit grouping as `Intl.NumberFormat('en')` does it.
fn en(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn job(json: &str) -> ImportJob {
    decode(json).expect("an import")
}

fn title_of(json: &str, name: &str) -> String {
    tab_title(Some(&import_tab(&job(json), en)), name)
}

#[test]
fn the_title_carries_the_import_state_and_the_name() {
    assert_eq!(
        title_of(
            r#"{"status": "complete", "accepted_count": 12000}"#,
            "Pairs"
        ),
        "✓ complete — Pairs"
    );
    assert_eq!(
        title_of(r#"{"status": "partial", "rejected_count": 3412}"#, "Pairs"),
        "! partial — Pairs"
    );
    assert_eq!(
        title_of(r#"{"status": "failed"}"#, " Pairs "),
        "✕ failed — Pairs"
    );
    assert_eq!(
        title_of(r#"{"status": "queued"}"#, ""),
        format!("⋯ queued — {APP_TITLE}")
    );
    assert_eq!(
        title_of(r#"{"status": "pending_schema"}"#, "P"),
        "⏸ pending_schema — P"
    );
    assert_eq!(title_of(r#"{"status": "archived"}"#, "P"), "? archived — P");
    // Processing: the records seen so far, when the API says.
    assert_eq!(
        title_of(
            r#"{"status": "processing", "written_count": 4082, "rejected_seen_count": 682, "duplicate_seen_count": 36}"#,
            "Pairs"
        ),
        "↻ processing · 4,800 records so far — Pairs"
    );
    assert_eq!(
        title_of(r#"{"status": "processing"}"#, "Pairs"),
        "↻ processing — Pairs"
    );
    // Nothing known yet.
    assert_eq!(tab_title(None, "Pairs"), "Pairs");
    assert_eq!(tab_title(None, "  "), APP_TITLE);
}

#[test]
fn a_dataset_followed_as_a_whole_shows_its_newest_import_or_its_v3_status() {
    let v4: Dataset = decode(
        r#"{"id": "d", "name": "n", "schema_version": "4", "imports": [
            {"import_id": "a", "status": "processing"}, {"import_id": "b", "status": "complete"}]}"#,
    )
    .expect("v4");
    assert_eq!(
        tab_title(dataset_tab(&v4, en).as_ref(), "n"),
        "↻ processing — n"
    );
    let v3: Dataset =
        decode(r#"{"id": "d", "name": "n", "schema_version": "3", "status": "READY"}"#)
            .expect("v3");
    assert_eq!(tab_title(dataset_tab(&v3, en).as_ref(), "n"), "✓ ready — n");
    let empty: Dataset =
        decode(r#"{"id": "d", "name": "n", "schema_version": "4", "imports": []}"#).expect("v4");
    assert_eq!(dataset_tab(&empty, en), None);
}

#[test]
fn the_favicon_is_the_status_icon_in_the_badge_colour() {
    assert_eq!(favicon(None), "data:,");
    let partial = favicon(Some(&import_tab(&job(r#"{"status": "partial"}"#), en)));
    let complete = favicon(Some(&import_tab(&job(r#"{"status": "complete"}"#), en)));
    for (url, colour, status) in [
        (&partial, "#8a5a00", ImportStatus::Partial),
        (&complete, "#1b7a3a", ImportStatus::Complete),
    ] {
        let body = url
            .strip_prefix("data:image/svg+xml,")
            .expect("an SVG data URL");
        assert!(!body.contains(['#', ' ', '<', '"']), "escaped: {body}");
        // Decoded as a URL would be.
        let svg = &parse(&format!("x={body}"))[0].1;
        assert!(
            svg.starts_with("<svg xmlns='http://www.w3.org/2000/svg'"),
            "{svg}"
        );
        assert!(svg.contains(&format!("fill='{colour}'")), "{svg}");
        // Drawn, not a glyph: no font needs to have it.
        let path = dataset_monitor::view::present::import_status(&status).path;
        assert!(svg.contains(&format!(" d='{path}'")), "{svg}");
        assert!(!svg.contains("<text"), "{svg}");
    }
    assert_ne!(partial, complete);
}

#[test]
fn the_notification_says_how_the_import_ended() {
    let words = |json: &str| finished_words(&job(json), en);
    assert_eq!(
        words(r#"{"status": "partial", "accepted_count": 20588, "rejected_count": 3412}"#),
        "partial: 3,412 rejected"
    );
    assert_eq!(
        words(r#"{"status": "complete", "accepted_count": 12000}"#),
        "complete: 12,000 accepted"
    );
    assert_eq!(words(r#"{"status": "complete"}"#), "complete");
    assert_eq!(
        words(r#"{"status": "failed", "reason": " The file could not be parsed "}"#),
        "failed: The file could not be parsed"
    );
    assert_eq!(words(r#"{"status": "failed", "reason": ""}"#), "failed");
    assert_eq!(words(r#"{"status": "failed", "reason": null}"#), "failed");
}

#[test]
fn a_notification_is_due_only_when_a_running_import_ends() {
    let s = |x: &str| ImportStatus::from(x);
    assert!(just_finished(Some(&s("processing")), &s("partial")));
    assert!(just_finished(Some(&s("queued")), &s("complete")));
    assert!(just_finished(Some(&s("pending_schema")), &s("failed")));
    assert!(
        !just_finished(None, &s("partial")),
        "first seen already final"
    );
    assert!(
        !just_finished(Some(&s("partial")), &s("partial")),
        "already final"
    );
    assert!(
        !just_finished(Some(&s("queued")), &s("processing")),
        "still running"
    );
    assert!(
        !just_finished(Some(&s("processing")), &s("pending_schema")),
        "waiting is not the end"
    );
    // The offer stands while the import is not final.
    assert!(can_notify(Some(&s("uninitialised"))));
    assert!(can_notify(Some(&s("pending_schema"))));
    assert!(!can_notify(Some(&s("complete"))));
    assert!(!can_notify(None));
}
