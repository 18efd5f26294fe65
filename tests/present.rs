//! Native tests of the words, tones and icons the widget shows (`view::present`):
//! statuses, field types, relative times and the language Intl is given.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::api::{FieldType, ImportStatus};
use dataset_monitor::view::present::{self, Tone, relative_parts};

#[test]
fn every_import_status_has_its_own_tone_icon_and_words() {
    let mut seen = Vec::new();
    let mut paths = std::collections::HashSet::new();
    for status in ImportStatus::KNOWN {
        let look = present::import_status(status);
        assert!(!look.label.is_empty());
        seen.push((look.icon, look.label.clone()));
        paths.insert(look.path);
    }
    assert_eq!(
        paths.len(),
        ImportStatus::KNOWN.len(),
        "each status its own drawn icon"
    );
    let icons: std::collections::HashSet<_> = seen.iter().map(|(i, _)| *i).collect();
    assert_eq!(
        icons.len(),
        ImportStatus::KNOWN.len(),
        "each status its own icon"
    );
    assert_eq!(
        present::import_status(&ImportStatus::Partial).tone,
        Tone::Warning
    );
    assert_eq!(
        present::import_status(&ImportStatus::Failed).tone,
        Tone::Error
    );
    assert_eq!(
        present::import_status(&ImportStatus::Complete).tone,
        Tone::Success
    );
    assert!(present::import_status(&ImportStatus::Processing).animated);
    assert!(!present::import_status(&ImportStatus::Complete).animated);
    assert_eq!(
        present::import_status(&ImportStatus::PendingSchema).label,
        "Waiting for a schema"
    );
    let unknown = present::import_status(&ImportStatus::Other("archived".into()));
    assert_eq!(
        (unknown.tone, unknown.label.as_str()),
        (Tone::Unknown, "archived")
    );
}

#[test]
fn field_types_have_meanings_and_unknown_ones_say_so() {
    for t in FieldType::KNOWN {
        assert!(!present::field_type_meaning(t).contains("does not know"));
    }
    assert!(present::field_type_meaning(&FieldType::Other("x".into())).contains("does not know"));
}

#[test]
fn relative_time_picks_a_readable_unit() {
    assert_eq!(relative_parts(-3_000.0), (-3.0, "second"));
    assert_eq!(relative_parts(-180_000.0), (-3.0, "minute"));
    assert_eq!(relative_parts(7_200_000.0), (2.0, "hour"));
    assert_eq!(relative_parts(-3.0 * 86_400_000.0), (-3.0, "day"));
    assert_eq!(relative_parts(-3.0 * 365.25 * 86_400_000.0), (-3.0, "year"));
}

#[test]
fn the_english_fallback_for_relative_time_reads_naturally() {
    assert_eq!(present::english_relative(0.0, "second"), "now");
    assert_eq!(present::english_relative(-1.0, "minute"), "1 minute ago");
    assert_eq!(present::english_relative(-3.0, "minute"), "3 minutes ago");
    assert_eq!(present::english_relative(5.0, "second"), "in 5 seconds");
}

#[test]
fn browser_languages_become_tags_intl_accepts_or_the_default() {
    // WebKitGTK under LANG=C.UTF-8 reports "C"; Intl rejects it with a RangeError.
    for no_language in [
        "C",
        "c",
        "POSIX",
        "",
        "  ",
        "C.UTF-8",
        "en US",
        "x!y",
        "toolongsubtag-1",
    ] {
        assert_eq!(present::locale_tag(no_language), None, "{no_language:?}");
    }
    assert_eq!(present::locale_tag("en_US.UTF-8").as_deref(), Some("en-US"));
    assert_eq!(present::locale_tag("de_DE@euro").as_deref(), Some("de-DE"));
    assert_eq!(present::locale_tag("fr").as_deref(), Some("fr"));
    assert_eq!(
        present::locale_tag("zh-Hant-TW").as_deref(),
        Some("zh-Hant-TW")
    );
}

#[test]
fn partial_view_note_reads_naturally() {
    let note = present::partial_view_note(2_500, 1_000, |n| n.to_string());
    assert!(note.starts_with("2500 rejected; 1000 listed."), "{note}");
}
