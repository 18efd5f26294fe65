//! Native tests of reading the ids typed or pasted into the front door
//! (`config::input`): bare ids with spaces, Prolific app URLs, shared monitor URLs and
//! unlabelled URLs.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::config::input::{IdField, IdProblem, Pasted, check_id, read_url};
use dataset_wire::demo;

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
