//! Native tests of the uploaded-file join: the record indexer (JSONL and CSV, read in
//! chunks of every size), the join's checks, each record's fields, and the export.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::api::RecordError;
use dataset_monitor::upload::export::{
    is_field_presence_error, rejected_file, rejected_file_name, schema_diff,
};
use dataset_monitor::upload::join::{self, Expected, Fields};
use dataset_monitor::upload::{Format, Indexed, Indexer, Kept};

fn index(format: Format, bytes: &[u8], wanted: &[u64]) -> Indexed {
    let mut indexer = Indexer::new(format, wanted.iter().copied(), usize::MAX);
    indexer.push(bytes);
    indexer.finish()
}

/// The same file in chunks of `size` bytes (every split point is a chunk boundary once).
fn chunked(format: Format, bytes: &[u8], wanted: &[u64], size: usize) -> Indexed {
    let mut indexer = Indexer::new(format, wanted.iter().copied(), usize::MAX);
    for chunk in bytes.chunks(size) {
        indexer.push(chunk);
    }
    indexer.finish()
}

/// Indexes `bytes` whole and in chunks of 1 to 7 bytes, checks all agree, returns it.
fn index_all_ways(format: Format, bytes: &[u8], wanted: &[u64]) -> Indexed {
    let whole = index(format, bytes, wanted);
    for size in 1..=7 {
        assert_eq!(
            chunked(format, bytes, wanted, size),
            whole,
            "chunks of {size}"
        );
    }
    whole
}

fn kept(index: u64, line: u64, bytes: &str) -> Kept {
    Kept {
        index,
        line,
        bytes: bytes.as_bytes().to_vec(),
    }
}

fn err(index: Option<u64>, field: Option<&str>, reason: &str) -> RecordError {
    RecordError {
        record_index: index,
        field: field.map(str::to_owned),
        reason: Some(reason.to_owned()),
    }
}

fn plain(n: u64) -> String {
    n.to_string()
}

#[test]
fn jsonl_blank_and_crlf_lines_are_skipped_and_lines_counted_as_an_editor_does() {
    let file = b"{\"a\":0}\r\n\r\n   \n{\"a\":1}\n\n{\"a\":2}\r\n{\"a\":3}";
    let got = index_all_ways(Format::Jsonl, file, &[1, 3, 2]);
    assert_eq!(got.records, 4);
    assert_eq!(got.header, None);
    assert_eq!(
        got.kept,
        vec![
            kept(1, 4, "{\"a\":1}"),
            kept(2, 6, "{\"a\":2}"),
            kept(3, 7, "{\"a\":3}")
        ]
    );
    assert_eq!(got.bytes, file.len() as u64);
}

#[test]
fn jsonl_trailing_line_without_newline_and_trailing_blank_lines() {
    assert_eq!(index_all_ways(Format::Jsonl, b"{}\n{}", &[]).records, 2);
    assert_eq!(index_all_ways(Format::Jsonl, b"{}\n{}\n", &[]).records, 2);
    assert_eq!(
        index_all_ways(Format::Jsonl, b"{}\n{}\n \r\n\n", &[]).records,
        2
    );
    assert_eq!(index_all_ways(Format::Jsonl, b"", &[0]).records, 0);
    let got = index_all_ways(Format::Jsonl, b"\n\n{\"last\": true}", &[0]);
    assert_eq!(got.kept, vec![kept(0, 3, "{\"last\": true}")]);
}

#[test]
fn jsonl_byte_order_mark_is_not_part_of_the_first_record() {
    let got = index_all_ways(Format::Jsonl, b"\xef\xbb\xbf{\"a\":0}\n{\"a\":1}\n", &[0]);
    assert_eq!(got.records, 2);
    assert_eq!(got.kept, vec![kept(0, 1, "{\"a\":0}")]);
    // A BOM alone is an empty file; two bytes of one are kept as they are.
    assert_eq!(
        index_all_ways(Format::Jsonl, b"\xef\xbb\xbf", &[]).records,
        0
    );
    assert_eq!(
        index_all_ways(Format::Jsonl, b"\xef\xbb", &[0]).kept[0].bytes,
        b"\xef\xbb"
    );
}

#[test]
fn jsonl_keeps_malformed_and_invalid_utf8_lines_as_they_are() {
    let file = b"{\"a\":\n{\"b\":\"\xff\"}\nnot json\n";
    let got = index_all_ways(Format::Jsonl, file, &[0, 1, 2]);
    assert_eq!(got.kept.len(), 3);
    assert_eq!(got.kept[1].bytes, b"{\"b\":\"\xff\"}");
}

const CSV: &str = "id,text,score\r\n\
                   1,\"hello, world\",3\r\n\
                   2,\"she said \"\"hi\"\"\",4\r\n\
                   \r\n\
                   3,\"two\nlines\r\nthree\",5\r\n\
                   4,plain,6";

#[test]
fn csv_header_is_not_a_record_and_quoted_commas_quotes_and_newlines_stay_in_one() {
    let got = index_all_ways(Format::Csv, CSV.as_bytes(), &[0, 1, 2, 3]);
    assert_eq!(got.records, 4);
    assert_eq!(got.header.as_deref(), Some(&b"id,text,score"[..]));
    assert_eq!(
        got.kept,
        vec![
            kept(0, 2, "1,\"hello, world\",3"),
            kept(1, 3, "2,\"she said \"\"hi\"\"\",4"),
            // Line 4 is blank; record 2 spans lines 5 to 7.
            kept(2, 5, "3,\"two\nlines\r\nthree\",5"),
            kept(3, 8, "4,plain,6"),
        ]
    );
}

#[test]
fn csv_with_lf_line_ends_a_bom_and_a_trailing_newline() {
    let file = "\u{feff}a,b\n\"x\n\",1\ny,2\n";
    let got = index_all_ways(Format::Csv, file.as_bytes(), &[1]);
    assert_eq!(got.records, 2);
    assert_eq!(got.header.as_deref(), Some(&b"a,b"[..]));
    assert_eq!(got.kept, vec![kept(1, 4, "y,2")]);
}

#[test]
fn csv_header_only_file_has_no_records() {
    for file in ["a,b,c", "a,b,c\n", "a,b,c\r\n\r\n"] {
        let got = index_all_ways(Format::Csv, file.as_bytes(), &[0]);
        assert_eq!(got.records, 0, "{file:?}");
        assert_eq!(got.header.as_deref(), Some(&b"a,b,c"[..]));
        assert!(got.kept.is_empty());
    }
    let empty = index_all_ways(Format::Csv, b"", &[0]);
    assert_eq!((empty.records, empty.header), (0, None));
}

#[test]
fn the_memory_cap_keeps_the_first_records_and_counts_the_rest() {
    let file = b"{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n";
    let mut indexer = Indexer::new(Format::Jsonl, [0, 1, 2, 3], 15);
    indexer.push(file);
    let got = indexer.finish();
    assert_eq!(got.records, 4);
    assert_eq!(
        got.kept,
        vec![kept(0, 1, "{\"n\":0}"), kept(1, 2, "{\"n\":1}")]
    );
    assert_eq!(got.over_cap, 2);
    let joined = join::join(
        got,
        "f.jsonl",
        &[err(Some(3), Some("n"), "x")],
        &Expected::default(),
        plain,
    )
    .expect("joined");
    assert!(
        joined.notes[0].starts_with("Memory limit reached: 2 rejected records"),
        "{:?}",
        joined.notes
    );
}

#[test]
fn a_file_shorter_than_the_highest_record_index_is_refused() {
    let errors = [
        err(Some(1), Some("a"), "x"),
        err(Some(5), Some("a"), "x"),
        err(None, Some("a"), "x"),
    ];
    let short = index(Format::Jsonl, b"{}\n{}\n{}\n{}\n{}\n", &[1, 5]);
    let refused =
        join::join(short, "f.jsonl", &errors, &Expected::default(), plain).expect_err("too short");
    assert_eq!(
        refused,
        "“f.jsonl” has 5 records, but the import rejected record 5 (0-based): it cannot be the \
         file that was uploaded. The table is unchanged."
    );
    let enough = index(Format::Jsonl, b"{}\n{}\n{}\n{}\n{}\n{}\n", &[1, 5]);
    assert!(join::join(enough, "f.jsonl", &errors, &Expected::default(), plain).is_ok());
}

#[test]
fn another_name_or_record_count_is_joined_anyway_and_said_in_one_line_each() {
    let errors = [err(Some(0), Some("a"), "x")];
    let file = || index(Format::Jsonl, b"{\"a\":1}\n{}\n", &[0]);
    let same = Expected {
        filename: Some("up.jsonl".into()),
        records: Some(2),
    };
    assert!(
        join::join(file(), "up.jsonl", &errors, &same, plain)
            .expect("joined")
            .notes
            .is_empty()
    );
    let other = Expected {
        filename: Some("up.jsonl".into()),
        records: Some(3),
    };
    let joined = join::join(file(), "renamed.jsonl", &errors, &other, plain).expect("joined");
    assert_eq!(
        joined.notes,
        vec![
            "This file is named “renamed.jsonl”, the uploaded one “up.jsonl”: joined anyway.".to_owned(),
            "This file has 2 records; the import read 3 (accepted + rejected): joined anyway, check \
             that the rows match."
                .to_owned(),
        ]
    );
    // Unknown counts or name: nothing to compare.
    let unknown = Expected {
        filename: Some(String::new()),
        records: None,
    };
    assert!(
        join::join(file(), "x.jsonl", &errors, &unknown, plain)
            .expect("joined")
            .notes
            .is_empty()
    );
}

#[test]
fn fields_of_a_json_record_in_file_order_and_a_malformed_one_as_raw_text() {
    let errors = [
        err(Some(0), Some("b"), "x"),
        err(Some(1), Some("_raw"), "Malformed JSON"),
    ];
    let indexed = index(
        Format::Jsonl,
        b"{\"b\": \"two\\n\", \"a\": 1, \"c\": [1, 2]}\n{\"a\": \n",
        &[0, 1],
    );
    let joined =
        join::join(indexed, "f.jsonl", &errors, &Expected::default(), plain).expect("joined");
    let first = join::fields(&joined, joined.record(0).expect("kept"));
    assert_eq!(
        first,
        Fields::Pairs(vec![
            ("b".into(), "two\n".into()),
            ("a".into(), "1".into()),
            ("c".into(), "[1, 2]".into())
        ])
    );
    assert_eq!(
        join::fields(&joined, joined.record(1).expect("kept")),
        Fields::Raw("{\"a\": ".into())
    );
    assert_eq!(joined.record(2), None);
}

#[test]
fn a_missing_field_is_the_finding_not_a_mismatch() {
    let errors = [err(Some(0), Some("prompt"), "Required field is missing")];
    let indexed = index(Format::Jsonl, b"{\"response\": \"r\"}\n", &[0]);
    let joined =
        join::join(indexed, "f.jsonl", &errors, &Expected::default(), plain).expect("joined");
    let fields = join::fields(&joined, joined.record(0).expect("kept"));
    assert_eq!(
        join::finding(&errors[0], &fields).as_deref(),
        Some("This record has no “prompt” field.")
    );
    let present = err(Some(0), Some("response"), "Too long");
    assert_eq!(join::finding(&present, &fields), None);
    assert_eq!(
        join::finding(&err(Some(0), Some("_raw"), "x"), &fields),
        None
    );
}

#[test]
fn csv_fields_are_named_by_the_header() {
    let errors = [err(Some(2), Some("text"), "x")];
    let indexed = index(Format::Csv, CSV.as_bytes(), &[2]);
    let joined =
        join::join(indexed, "f.csv", &errors, &Expected::default(), plain).expect("joined");
    assert_eq!(joined.columns, ["id", "text", "score"]);
    assert_eq!(
        join::fields(&joined, joined.record(2).expect("kept")),
        Fields::Pairs(vec![
            ("id".into(), "3".into()),
            ("text".into(), "two\nlines\r\nthree".into()),
            ("score".into(), "5".into())
        ])
    );
}

#[test]
fn export_jsonl_is_the_rejected_lines_in_file_order() {
    let errors = [
        err(Some(2), Some("a"), "x"),
        err(Some(0), Some("a"), "x"),
        err(Some(2), Some("b"), "y"),
    ];
    let indexed = index(
        Format::Jsonl,
        b"{\"a\":0}\r\n{\"a\":1}\n\n{\"a\":2}",
        &[2, 0],
    );
    let joined = join::join(
        indexed,
        "my file.jsonl",
        &errors,
        &Expected::default(),
        plain,
    )
    .expect("joined");
    assert_eq!(rejected_file(&joined), b"{\"a\":0}\n{\"a\":2}\n");
    assert_eq!(rejected_file_name(&joined), "my_file.rejected.jsonl");
}

#[test]
fn export_csv_keeps_the_header_and_neutralises_formulas() {
    let file = "name,formula\r\nok,1\r\n\"a, b\",=SUM(A1)\r\n\"x\ny\",@cmd\n\"as\",\"it was\"\r\n";
    let errors = [
        err(Some(1), Some("formula"), "x"),
        err(Some(2), Some("formula"), "x"),
        err(Some(3), Some("formula"), "x"),
    ];
    let indexed = index(Format::Csv, file.as_bytes(), &[1, 2, 3]);
    let joined =
        join::join(indexed, "s.csv", &errors, &Expected::default(), plain).expect("joined");
    // Rows with a formula-like cell are written again; the others are copied as they are.
    assert_eq!(
        String::from_utf8(rejected_file(&joined)).expect("utf-8"),
        "name,formula\r\n\"a, b\",'=SUM(A1)\r\n\"x\ny\",'@cmd\r\n\"as\",\"it was\"\r\n"
    );
    assert_eq!(rejected_file_name(&joined), "s.rejected.csv");
}

#[test]
fn missing_and_unknown_fields_are_recognised_in_any_case() {
    for reason in [
        "Required field is missing",
        "MISSING FIELD",
        "Missing: prompt",
        "Record has unknown keys: \"extra\"",
        "Unknown key",
        "UNKNOWN",
    ] {
        assert!(
            is_field_presence_error(&err(Some(0), None, reason)),
            "{reason}"
        );
    }
    for reason in ["Too long", "Value must be a string", ""] {
        assert!(
            !is_field_presence_error(&err(Some(0), None, reason)),
            "{reason}"
        );
    }
}

#[test]
fn schema_diff_counts_missing_and_extra_fields_of_records_rejected_for_them() {
    let errors = [
        err(Some(0), Some("prompt"), "Required field is missing"),
        err(Some(1), None, "Record has unknown keys: \"extra\""),
        // Not about presence: not compared.
        err(Some(2), Some("prompt"), "Too long"),
    ];
    let file =
        b"{\"response\":\"r\"}\n{\"prompt\":\"p\",\"response\":\"r\",\"extra\":1}\n{\"extra\":2}\n";
    let joined = join::join(
        index(Format::Jsonl, file, &[0, 1, 2]),
        "f.jsonl",
        &errors,
        &Expected::default(),
        plain,
    )
    .expect("joined");
    let diff = schema_diff(
        &joined,
        &errors,
        &["prompt".to_owned(), "response".to_owned()],
    );
    assert_eq!(diff.records, 2);
    assert_eq!(diff.missing, vec![("prompt".to_owned(), 1)]);
    assert_eq!(diff.extra, vec![("extra".to_owned(), 1)]);
}

#[test]
fn format_from_the_file_name() {
    assert_eq!(Format::from_name("x.CSV"), Format::Csv);
    assert_eq!(Format::from_name("x.jsonl"), Format::Jsonl);
    assert_eq!(Format::from_name("x.json"), Format::Jsonl);
}

#[test]
fn csv_lone_carriage_returns_end_records_but_not_lines() {
    // Old Mac line ends: csv-core ends a record at a lone `\r`; lines count `\n` only.
    let got = index_all_ways(Format::Csv, b"h\rx\ry\nz", &[0, 1, 2]);
    assert_eq!(got.header.as_deref(), Some(&b"h"[..]));
    assert_eq!(
        got.kept,
        vec![kept(0, 1, "x"), kept(1, 1, "y"), kept(2, 2, "z")]
    );
}
