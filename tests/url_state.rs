//! Native tests of the standalone page's view state in its URL (`view::url_state`):
//! the selected import, filter, sort and page it carries.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::view::record_query::{RecordQuery, SortKey};
use dataset_monitor::view::url_state::ViewState;
use dataset_wire::demo;

const D: &str = demo::V4_MAIN;
const I: &str = demo::FAILED_IMPORT;

#[test]
fn the_view_state_is_read_from_the_url() {
    let search = format!("?dataset_id={D}&selected={I}&filter=whole+record&sort=-field&page=3");
    let view = ViewState::from_query(&search);
    assert_eq!(
        view,
        ViewState {
            selected: Some(I.to_owned()),
            filter: "whole record".to_owned(),
            sort: SortKey::Field,
            descending: true,
            page: 2,
        }
    );
    assert_eq!(
        view.table_query(),
        RecordQuery {
            text: "whole record".to_owned(),
            chip: None,
            sort: SortKey::Field,
            descending: true,
        }
    );
}

#[test]
fn unreadable_view_values_are_the_defaults() {
    let view = ViewState::from_query("?selected=../../x&sort=size&page=-2&filter=");
    assert_eq!(view, ViewState::default());
    assert_eq!(ViewState::from_query("?page=0").page, 0);
    assert_eq!(ViewState::from_query("?page=abc").page, 0);
    assert_eq!(
        ViewState::from_query("?page=99999999999999999999999").page,
        0
    );
    assert_eq!(
        ViewState::from_query("?page=5000000").page,
        99_999,
        "clamped"
    );
    assert_eq!(
        ViewState::from_query(&format!("?filter={}", "x".repeat(500)))
            .filter
            .len(),
        200
    );
    let record_desc = ViewState::from_query("?sort=-record");
    assert_eq!(
        (record_desc.sort, record_desc.descending),
        (SortKey::RecordIndex, true)
    );
    let field = ViewState::from_query("?sort=field");
    assert_eq!((field.sort, field.descending), (SortKey::Field, false));
}

#[test]
fn writing_replaces_the_view_keys_and_keeps_the_rest() {
    let current = format!("?dataset_id={D}&filter=old&theme=dark&page=9&utm=keep");
    let mut view = ViewState::default();
    assert_eq!(
        view.write(&current),
        format!("?dataset_id={D}&theme=dark&utm=keep"),
        "defaults are left out"
    );
    view.selected = Some(I.to_owned());
    view.set_table(
        &RecordQuery {
            text: "Malformed, JSON".to_owned(),
            chip: None,
            sort: SortKey::RecordIndex,
            descending: true,
        },
        1,
    );
    let written = view.write(&current);
    assert_eq!(
        written,
        format!(
            "?dataset_id={D}&theme=dark&utm=keep&selected={I}&filter=Malformed%2C%20JSON&sort=-record&page=2"
        )
    );
    assert_eq!(ViewState::from_query(&written), view, "round trip");
    for (sort, descending) in [
        (SortKey::Field, false),
        (SortKey::Field, true),
        (SortKey::RecordIndex, false),
    ] {
        let v = ViewState {
            sort,
            descending,
            ..ViewState::default()
        };
        assert_eq!(ViewState::from_query(&v.write("")), v);
    }
}
