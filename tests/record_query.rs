//! Native tests of the rejected-records table's logic (`view::record_query`): filter,
//! chips, sort, pages, counts, search and CSV.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::api::RecordError;
use dataset_monitor::view::record_query::{
    self, Chip, PAGE_SIZE, RecordQuery, SearchIndex, SortKey, csv, csv_file_name,
};

fn err(index: Option<u64>, field: Option<&str>, reason: Option<&str>) -> RecordError {
    RecordError {
        record_index: index,
        field: field.map(str::to_owned),
        reason: reason.map(str::to_owned),
    }
}

fn sample() -> Vec<RecordError> {
    vec![
        err(Some(7), Some("text"), Some("Too long")),
        err(Some(2), Some("_raw"), Some("Malformed JSON")),
        err(None, Some("image"), None),
        err(Some(5), None, Some("Too long")),
        err(Some(1), Some("text"), Some("Missing")),
    ]
}

fn select(errors: &[RecordError], query: &RecordQuery) -> Vec<usize> {
    record_query::select(errors, &SearchIndex::new(str::to_lowercase), query)
}

#[test]
fn default_sort_is_by_record_index_with_missing_last() {
    let e = sample();
    assert_eq!(select(&e, &RecordQuery::default()), [4, 1, 3, 0, 2]);
    let desc = RecordQuery {
        descending: true,
        ..RecordQuery::default()
    };
    assert_eq!(select(&e, &desc), [0, 3, 1, 4, 2]);
}

#[test]
fn sort_by_field_label_then_index() {
    let e = sample();
    let q = RecordQuery {
        sort: SortKey::Field,
        ..RecordQuery::default()
    };
    // "image", "text"(1), "text"(7), "whole record…", "—"
    assert_eq!(select(&e, &q), [2, 4, 0, 1, 3]);
}

#[test]
fn rows_that_sort_equal_keep_the_order_the_api_sent() {
    // One record with several errors: the same index, and twice the same field too.
    let mut e: Vec<RecordError> = (0..40)
        .map(|i| {
            err(
                Some(3),
                Some(["b", "a"][i % 2]),
                Some(&format!("reason {i}")),
            )
        })
        .collect();
    e.push(err(Some(1), Some("b"), None));
    let by_index = select(&e, &RecordQuery::default());
    let mut expected = vec![40];
    expected.extend(0..40);
    assert_eq!(by_index, expected);
    let by_field = select(
        &e,
        &RecordQuery {
            sort: SortKey::Field,
            ..RecordQuery::default()
        },
    );
    let mut expected: Vec<usize> = (1..40).step_by(2).collect();
    expected.push(40);
    expected.extend((0..40).step_by(2));
    assert_eq!(by_field, expected);
}

/// The order by record index, written out: rows with an index by (index, position), then
/// those without by position; descending reverses the first part only.
fn by_index_reference(errors: &[RecordError], descending: bool) -> Vec<usize> {
    let mut known: Vec<usize> = (0..errors.len())
        .filter(|&i| errors[i].record_index.is_some())
        .collect();
    known.sort_by_key(|&i| (errors[i].record_index, i));
    if descending {
        known.reverse();
    }
    known.extend((0..errors.len()).filter(|&i| errors[i].record_index.is_none()));
    known
}

#[test]
fn record_index_order_is_the_same_for_lists_in_file_order_and_shuffled_ones() {
    // In file order (what the API sends; found without sorting), with repeated indices
    // and rows without one in between; then the same rows shuffled (sorted).
    let in_order: Vec<RecordError> = (0..500u64)
        .map(|i| {
            let index = (i % 7 != 3).then_some(i / 2);
            err(index, Some(["a", "b", "c"][(i % 3) as usize]), Some("r"))
        })
        .collect();
    let mut shuffled = in_order.clone();
    let mut seed = 7u64;
    for k in (1..shuffled.len()).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        shuffled.swap(k, (seed >> 33) as usize % (k + 1));
    }
    for errors in [&in_order, &shuffled] {
        for descending in [false, true] {
            let q = RecordQuery {
                descending,
                ..RecordQuery::default()
            };
            assert_eq!(select(errors, &q), by_index_reference(errors, descending));
        }
    }
    // A filter keeps the order of what is left.
    let chip = RecordQuery {
        chip: Some(Chip::Field("b".to_owned())),
        ..RecordQuery::default()
    };
    let expected: Vec<usize> = by_index_reference(&in_order, false)
        .into_iter()
        .filter(|&i| in_order[i].field.as_deref() == Some("b"))
        .collect();
    assert_eq!(select(&in_order, &chip), expected);
}

#[test]
fn text_filter_is_case_insensitive_over_index_field_and_reason() {
    let e = sample();
    let q = |text: &str| RecordQuery {
        text: text.to_owned(),
        ..RecordQuery::default()
    };
    assert_eq!(select(&e, &q("too LONG")), [3, 0]);
    assert_eq!(select(&e, &q("whole record")), [1]);
    assert_eq!(select(&e, &q("7")), [0]);
    assert_eq!(select(&e, &q("  ")), [4, 1, 3, 0, 2]);
    assert!(select(&e, &q("nothing like this")).is_empty());
}

#[test]
fn chips_filter_by_field_or_reason_and_combine_with_text() {
    let e = sample();
    let field = RecordQuery {
        chip: Some(Chip::Field("text".into())),
        ..RecordQuery::default()
    };
    assert_eq!(select(&e, &field), [4, 0]);
    let reason = RecordQuery {
        chip: Some(Chip::Reason("Too long".into())),
        text: "7".into(),
        ..RecordQuery::default()
    };
    assert_eq!(select(&e, &reason), [0]);
    let dash = RecordQuery {
        chip: Some(Chip::Reason("—".into())),
        ..RecordQuery::default()
    };
    assert_eq!(select(&e, &dash), [2]);
}

#[test]
fn counts_are_most_frequent_first_and_limited() {
    let e = sample();
    let by_field = record_query::counts(&e, record_query::field_label, 3);
    assert_eq!(
        by_field,
        [
            ("text".to_owned(), 2),
            ("image".to_owned(), 1),
            ("whole record (could not be parsed)".to_owned(), 1)
        ]
    );
    let by_reason = record_query::counts(&e, record_query::reason_label, 10);
    assert_eq!(by_reason[0], ("Too long".to_owned(), 2));
    assert_eq!(by_reason.len(), 4);
}

#[test]
fn counts_tell_apart_labels_that_differ_anywhere() {
    // Labels alike up to their last byte, alike but for their middle, by one byte of a
    // multi-byte character, or by length alone; ties ordered alphabetically.
    let reasons = [
        "abcdefgh1",
        "abcdefgh2",
        "abcdefgh2",
        "abcdefghXbcdefgh",
        "abcdefghYbcdefgh",
        "abcdefghYbcdefgh",
        "abcdefghYbcdefgh",
        "résumé à",
        "résumé á",
        "",
        "abcdefgh",
        "abcdefgh",
        "abcdefgh",
        "abcdefgh",
    ];
    let e: Vec<RecordError> = reasons
        .iter()
        .map(|r| err(Some(1), Some("f"), Some(r)))
        .collect();
    assert_eq!(
        record_query::counts(&e, record_query::reason_label, 20),
        [
            ("abcdefgh".to_owned(), 4),
            ("abcdefghYbcdefgh".to_owned(), 3),
            ("abcdefgh2".to_owned(), 2),
            ("".to_owned(), 1),
            ("abcdefgh1".to_owned(), 1),
            ("abcdefghXbcdefgh".to_owned(), 1),
            ("résumé à".to_owned(), 1),
            ("résumé á".to_owned(), 1),
        ]
    );
}

#[test]
fn ten_thousand_rows_page_into_bounded_windows() {
    let e: Vec<_> = (0..10_000u64)
        .map(|i| err(Some(i), Some(if i % 3 == 0 { "a" } else { "b" }), Some("r")))
        .collect();
    let rows = select(&e, &RecordQuery::default());
    assert_eq!(rows.len(), 10_000);
    assert_eq!(record_query::page_count(rows.len()), 10_000 / PAGE_SIZE);
    assert_eq!(record_query::page(&rows, 0).len(), PAGE_SIZE);
    assert_eq!(record_query::page(&rows, 3)[0], 3 * PAGE_SIZE);
    assert_eq!(
        record_query::page(&rows, 10_000),
        record_query::page(&rows, 199),
        "clamped"
    );
    assert_eq!(record_query::page_count(0), 1);
    assert!(record_query::page(&[], 0).is_empty());
}

#[test]
fn csv_is_rfc_4180_and_neutralises_formulas_byte_for_byte() {
    let e = vec![
        err(Some(0), Some("text"), Some("He said \"hi\", then left")),
        err(Some(1), Some("_raw"), Some("line one\nline two")),
        err(None, None, None),
        err(Some(3), Some("=cmd|' /C calc'!A0"), Some("+1")),
        err(Some(4), Some("@SUM(A1)"), Some("-2, maybe")),
        err(Some(5), Some("plain"), Some("\tTabbed")),
    ];
    let all: Vec<usize> = (0..e.len()).collect();
    let expected = "record_index,field,reason\r\n\
        0,text,\"He said \"\"hi\"\", then left\"\r\n\
        1,_raw,\"line one\nline two\"\r\n\
        ,,\r\n\
        3,'=cmd|' /C calc'!A0,'+1\r\n\
        4,'@SUM(A1),\"'-2, maybe\"\r\n\
        5,plain,'\tTabbed\r\n";
    assert_eq!(csv(&e, &all), expected);
    assert_eq!(csv(&e, &[2]), "record_index,field,reason\r\n,,\r\n");
}

#[test]
fn csv_file_names_carry_the_ids_and_nothing_unsafe() {
    assert_eq!(
        csv_file_name("3fa85f64-5717", "7c9e/../x"),
        "rejected-records-3fa85f64-5717-7c9ex.csv"
    );
}

#[test]
fn lowercase_all_keeps_one_text_per_text_whatever_they_hold() {
    let lower = |texts: &[&str]| {
        record_query::lowercase_all(texts.iter().map(|t| t.to_string()), str::to_lowercase)
    };
    assert!(lower(&[]).is_empty());
    assert_eq!(lower(&[""]), [""]);
    assert_eq!(
        lower(&["A\u{1e}B", "", "ΣΑΣ", "x"]),
        ["a b", "", "σας", "x"]
    );
}

#[test]
fn search_is_case_insensitive_beyond_ascii() {
    let e = vec![
        err(Some(1), Some("Überschrift"), Some("ΤΙΤΛΟΣ missing")),
        err(Some(2), Some("body"), Some("ok")),
    ];
    let q = |text: &str| RecordQuery {
        text: text.to_owned(),
        ..RecordQuery::default()
    };
    assert_eq!(select(&e, &q("ÜBERSCHRIFT")), [0]);
    assert_eq!(select(&e, &q("τιτλος")), [0]);
    assert_eq!(select(&e, &q("ΤΊΤΛΟΣ")), Vec::<usize>::new());
}
