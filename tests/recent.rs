//! Native tests of the front door's logic: ids typed or pasted (Prolific URLs, shared
//! monitor URLs, spaces), the recent list's update rules, the demo scenarios a mock
//! lists, and the query strings the form and the lists open.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::config::input::{IdField, IdProblem, Pasted, check_id, read_url};
use dataset_monitor::view::recent::{
    DemoScenario, RECENT_MAX, Recent, RecentList, groups, open_query, read_scenarios,
};
use dataset_wire::demo;
use serde_json::json;

const D: &str = demo::V4_MAIN;
const I: &str = demo::LIFECYCLE_IMPORT;
const WS: &str = "6278acb09062db3b35bcbeb0";

fn pasted(d: Option<&str>, i: Option<&str>) -> Option<Pasted> {
    Some(Pasted {
        dataset_id: d.map(str::to_owned),
        import_id: i.map(str::to_owned),
    })
}

#[test]
fn a_bare_id_with_spaces_around_it_is_an_id() {
    for text in [D, &format!("  {D}\t"), &format!("\n{D} ")] {
        assert_eq!(
            check_id(text, IdField::Dataset),
            Ok(Some(D.to_owned())),
            "{text:?}"
        );
        assert_eq!(
            check_id(text, IdField::Import),
            Ok(Some(D.to_owned())),
            "{text:?}"
        );
    }
}

#[test]
fn empty_fields_are_required_or_optional() {
    assert_eq!(check_id("  ", IdField::Dataset), Err(IdProblem::Empty));
    assert_eq!(check_id("", IdField::Import), Ok(None));
}

#[test]
fn text_that_is_not_an_id_says_why() {
    for text in [
        "abc",
        &D[..8],
        &D.replace('-', ""),
        &format!("{D}0"),
        &format!("{{{D}}}"),
    ] {
        assert_eq!(
            check_id(text, IdField::Dataset),
            Err(IdProblem::NotUuid),
            "{text}"
        );
        assert_eq!(
            check_id(text, IdField::Import),
            Err(IdProblem::NotUuid),
            "{text}"
        );
    }
    assert!(IdProblem::NotUuid.hint().contains("8-4-4-4-12"));
    assert!(IdProblem::Empty.hint().starts_with("Required"));
    // A URL without an id of that kind.
    let url = format!("https://app.prolific.com/researcher/workspaces/{WS}/studies");
    assert_eq!(check_id(&url, IdField::Dataset), Err(IdProblem::NoIdInUrl));
    let dataset_only = format!("https://app.prolific.com/researcher/datasets/{D}");
    assert_eq!(
        check_id(&dataset_only, IdField::Import),
        Err(IdProblem::NoIdInUrl)
    );
    assert_ne!(IdProblem::NoIdInUrl.hint(), IdProblem::NotUuid.hint());
}

#[test]
fn prolific_app_urls_give_both_ids() {
    let url = format!(
        "https://app.prolific.com/researcher/workspaces/{WS}/ai-task-builder/datasets/{D}/imports/{I}"
    );
    assert_eq!(read_url(&url), pasted(Some(D), Some(I)));
    assert_eq!(check_id(&url, IdField::Dataset), Ok(Some(D.to_owned())));
    assert_eq!(check_id(&url, IdField::Import), Ok(Some(I.to_owned())));
    // A dataset page, with a query and a fragment, pasted with spaces.
    let url = format!(
        " https://app.prolific.com/researcher/workspaces/{WS}/datasets/{D}?tab=imports#top "
    );
    assert_eq!(read_url(&url), pasted(Some(D), None));
    // Labels in any case; an API URL.
    assert_eq!(
        read_url(&format!(
            "https://api.prolific.com/api/v1/data-collection/Datasets/{D}/Imports/{I}"
        )),
        pasted(Some(D), Some(I))
    );
}

#[test]
fn shared_monitor_urls_give_their_query_ids() {
    let url = format!("http://127.0.0.1:8080/?dataset_id={D}&import_id={I}&filter=x");
    assert_eq!(read_url(&url), pasted(Some(D), Some(I)));
    let encoded = format!("http://h/?dataset_id=%20{D}%20");
    assert_eq!(read_url(&encoded), pasted(Some(D), None));
    // A query key that is not a UUID does not count.
    let bad = format!("http://h/datasets/{D}?dataset_id=nope");
    assert_eq!(read_url(&bad), pasted(Some(D), None));
}

#[test]
fn unlabelled_urls_give_their_uuids_in_order() {
    assert_eq!(
        read_url(&format!("https://x.example/{D}/{I}")),
        pasted(Some(D), Some(I))
    );
    assert_eq!(
        read_url(&format!("https://x.example/{D}")),
        pasted(Some(D), None)
    );
    assert_eq!(
        read_url("https://x.example/nothing/here"),
        pasted(None, None)
    );
    // Not a URL at all: left to the id check.
    assert_eq!(read_url(D), None);
    assert_eq!(read_url("abc"), None);
}

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
