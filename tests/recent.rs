//! Native tests of the front door's lists (`view::recent`): the recent list's update
//! rules and storage, the demo scenarios a mock lists, and the query strings the form and
//! the lists open.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::view::recent::{
    DemoScenario, RECENT_MAX, Recent, RecentList, groups, open_query, read_scenarios,
};
use dataset_wire::demo;
use serde_json::json;

const D: &str = demo::V4_MAIN;
const I: &str = demo::LIFECYCLE_IMPORT;

fn list_of(ids: &[&str]) -> RecentList {
    let mut list = RecentList::default();
    for id in ids.iter().rev() {
        list.watched(id, None);
    }
    list
}

fn uuid(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

#[test]
fn watching_moves_a_dataset_to_the_front_once_keeping_its_name() {
    let mut list = RecentList::default();
    list.watched(D, Some(I));
    assert!(list.named(D, " Preference pairs "));
    list.watched(&uuid(1), None);
    list.watched(D, None);
    assert_eq!(list.entries.len(), 2, "one entry per dataset");
    assert_eq!(
        list.entries[0],
        Recent {
            dataset_id: D.to_owned(),
            import_id: None,
            name: Some("Preference pairs".to_owned()),
        }
    );
    assert_eq!(list.entries[1].dataset_id, uuid(1));
}

#[test]
fn the_list_keeps_the_last_ten() {
    let mut list = RecentList::default();
    for n in 0..15 {
        list.watched(&uuid(n), None);
    }
    assert_eq!(RECENT_MAX, 10);
    assert_eq!(list.entries.len(), 10);
    assert_eq!(list.entries[0].dataset_id, uuid(14));
    assert_eq!(list.entries[9].dataset_id, uuid(5));
}

#[test]
fn naming_and_forgetting_report_whether_anything_changed() {
    let mut list = list_of(&[D]);
    assert!(list.named(D, "A"));
    assert!(!list.named(D, "A"), "same name");
    assert!(!list.named(D, "  "), "empty name");
    assert!(!list.named(&uuid(3), "B"), "not in the list");
    assert!(list.forget(D));
    assert!(!list.forget(D));
    assert!(list.entries.is_empty());
}

#[test]
fn stored_lists_round_trip_and_bad_storage_is_an_empty_list() {
    let mut list = list_of(&[D, &uuid(1)]);
    list.watched(D, Some(I));
    list.named(D, "Quoted \"name\"\twith a tab\nand a line — ünïcode");
    let text = list.to_text();
    assert_eq!(text.lines().count(), 2, "{text}");
    let read = RecentList::from_text(Some(&text));
    assert_eq!(read.entries[0].dataset_id, D);
    assert_eq!(read.entries[0].import_id.as_deref(), Some(I));
    assert_eq!(
        read.entries[0].name.as_deref(),
        Some("Quoted \"name\" with a tab and a line — ünïcode")
    );
    assert_eq!(read.entries[1], list.entries[1]);
    assert_eq!(RecentList::from_text(Some(&read.to_text())), read, "stable");
    for bad in [
        None,
        Some(""),
        Some("not a list"),
        Some("[1, 2]"),
        Some("\t\tname only"),
    ] {
        assert_eq!(RecentList::from_text(bad), RecentList::default(), "{bad:?}");
    }
    // Bad lines are dropped, repeated datasets and the excess too.
    let mut stored =
        format!("../../admin\t\tx\n{D}\tnot-an-import\tbad\n{D}\t\tkept\n{D}\t\tduplicate\n");
    for n in 0..20 {
        stored.push_str(&uuid(n));
        stored.push('\n');
    }
    let read = RecentList::from_text(Some(&stored));
    assert_eq!(read.entries.len(), 10);
    assert_eq!(read.entries[0].name.as_deref(), Some("kept"));
    assert_eq!(read.entries[0].import_id, None);
    assert_eq!(read.entries[1].dataset_id, uuid(0));
}

#[test]
fn demo_scenarios_with_bad_ids_are_left_out_and_the_rest_grouped_in_order() {
    let values = json!([
        {"group": "A", "title": "one", "shows": "x", "dataset_id": D, "import_id": I},
        {"group": "A", "title": "two", "dataset_id": D, "import_id": null},
        {"title": "bad id", "dataset_id": "nope"},
        {"title": "bad import", "dataset_id": D, "import_id": "nope"},
        {"group": "B", "title": "three", "dataset_id": D},
        {"group": "A", "title": "four", "dataset_id": D, "extra": [1, 2]}
    ]);
    let list: Vec<DemoScenario> = serde_json::from_value(values).expect("the mock's shape");
    let read = read_scenarios(list);
    let titles: Vec<&str> = read.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["one", "two", "three", "four"]);
    assert_eq!(read[0].import_id.as_deref(), Some(I));
    assert_eq!(read[1].shows, "");
    let grouped: Vec<(String, usize)> = groups(read)
        .into_iter()
        .map(|(g, l)| (g, l.len()))
        .collect();
    assert_eq!(
        grouped,
        [
            ("A".to_owned(), 2),
            ("B".to_owned(), 1),
            ("A".to_owned(), 1)
        ]
    );
    assert!(groups(Vec::new()).is_empty());
}

#[test]
fn opening_keeps_the_settings_and_drops_ids_and_view_state() {
    let current = format!(
        "?dataset_id={D}&import_id={I}&proxy_url=http%3A%2F%2Fp.example&theme=dark&filter=x&sort=field&page=3&selected={I}"
    );
    assert_eq!(
        open_query(&current, Some(&uuid(1)), None),
        format!(
            "?dataset_id={}&proxy_url=http%3A%2F%2Fp.example&theme=dark",
            uuid(1)
        )
    );
    assert_eq!(
        open_query(&current, Some(D), Some(I)),
        format!("?dataset_id={D}&import_id={I}&proxy_url=http%3A%2F%2Fp.example&theme=dark")
    );
    assert_eq!(
        open_query(&current, None, Some(I)),
        "?proxy_url=http%3A%2F%2Fp.example&theme=dark",
        "the front door"
    );
    assert_eq!(open_query("", None, None), "");
}
