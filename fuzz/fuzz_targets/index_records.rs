//! The record indexer and the join from arbitrary bytes: never a panic, the same result
//! whatever the chunk sizes, kept records in file order with growing line numbers, and
//! fields, findings and the export of any record.
#![no_main]

use dataset_monitor::api::RecordError;
use dataset_monitor::upload::export::{rejected_file, schema_diff};
use dataset_monitor::upload::join::{self, Expected};
use dataset_monitor::upload::{Format, Indexer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&control, file)) = data.split_first() else {
        return;
    };
    let format = if control & 1 == 0 { Format::Jsonl } else { Format::Csv };
    let chunk = usize::from(control >> 1) + 1;
    let cap = if control & 0x80 != 0 { 64 } else { usize::MAX };
    let wanted: Vec<u64> = file.iter().take(8).map(|&b| u64::from(b % 16)).collect();

    let mut whole = Indexer::new(format, wanted.iter().copied(), cap);
    whole.push(file);
    let whole = whole.finish();
    let mut parts = Indexer::new(format, wanted.iter().copied(), cap);
    for piece in file.chunks(chunk) {
        parts.push(piece);
    }
    assert_eq!(parts.finish(), whole);
    assert_eq!(whole.bytes, file.len() as u64);
    // Lines count `\n`: a lone `\r` ends a CSV record but not a line, so two records may
    // share one.
    for pair in whole.kept.windows(2) {
        assert!(pair[0].index < pair[1].index && pair[0].line <= pair[1].line);
    }
    assert!(whole.kept.iter().all(|k| k.index < whole.records && wanted.contains(&k.index)));

    let errors: Vec<RecordError> = wanted
        .iter()
        .map(|&i| RecordError { record_index: Some(i), field: Some("a".into()), reason: Some("missing".into()) })
        .collect();
    if let Ok(joined) = join::join(whole, "f", &errors, &Expected::default(), |n| n.to_string()) {
        for (kept, error) in joined.kept.iter().zip(&errors) {
            let fields = join::fields(&joined, kept);
            let _ = join::finding(error, &fields);
        }
        let _ = rejected_file(&joined);
        let _ = schema_diff(&joined, &errors, &["a".to_owned()]);
    }
});
