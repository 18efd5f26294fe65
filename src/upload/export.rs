//! What goes out of a join: the rejected records as a file in the uploaded file's own
//! format, ready to fix and upload again, and which fields they miss or add compared
//! with the schema.

use rustc_hash::FxHashMap;

use super::index::Format;
use super::join::{self, Fields, Joined};
use crate::api::RecordError;

/// The rejected records in file order, in the file's format: JSONL lines (`\n`), or CSV
/// rows (CRLF) under the file's header. Records are copied byte for byte, except a CSV
/// row with a cell that a spreadsheet would run as a formula: that row is written again
/// by [`push_cell`], which neutralises such cells as the table's CSV download does.
pub fn rejected_file(joined: &Joined) -> Vec<u8> {
    let mut out = Vec::new();
    let (csv, end): (bool, &[u8]) = match joined.format {
        Format::Jsonl => (false, b"\n"),
        Format::Csv => (true, b"\r\n"),
    };
    let header = joined.header.as_deref().filter(|_| csv);
    for record in header
        .into_iter()
        .chain(joined.kept.iter().map(|k| &k.bytes[..]))
    {
        let cells = if csv {
            join::csv_fields(record)
        } else {
            Vec::new()
        };
        if cells.iter().any(|c| c.starts_with(FORMULA)) {
            let mut row = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    row.push(',');
                }
                push_cell(&mut row, cell);
            }
            out.extend_from_slice(row.as_bytes());
        } else {
            out.extend_from_slice(record);
        }
        out.extend_from_slice(end);
    }
    out
}

/// What a cell that a spreadsheet would run as a formula starts with.
const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Writes one CSV cell (RFC 4180): quoted when it holds a comma, quote or line break,
/// quotes doubled. A cell that a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, tab or carriage return) gets a leading `'`.
pub fn push_cell(out: &mut String, value: &str) {
    let neutralised;
    let value = if value.starts_with(FORMULA) {
        neutralised = format!("'{value}");
        neutralised.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The export's name: `{stem}.rejected.{ext}` of the opened file (safe characters only).
pub fn rejected_file_name(joined: &Joined) -> String {
    let clean: String = joined
        .file_name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let ext = match joined.format {
        Format::Jsonl => ".jsonl",
        Format::Csv => ".csv",
    };
    let stem = clean
        .rsplit_once('.')
        .map_or(clean.as_str(), |(stem, _)| stem);
    format!("{stem}.rejected{ext}")
}

/// Which fields the records rejected for a missing or unknown field miss or add,
/// compared with the schema's keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaDiff {
    /// How many such records were compared.
    pub records: usize,
    /// Schema fields absent (in CSV: empty), with how many records lack each.
    pub missing: Vec<(String, usize)>,
    /// Fields not in the schema, with how many records have each.
    pub extra: Vec<(String, usize)>,
}

/// Whether an error is about a missing or an unknown field (by its reason's words, in
/// any case: the API's reasons are English, so ASCII case is enough).
pub fn is_field_presence_error(error: &RecordError) -> bool {
    let reason = error.reason.as_deref().unwrap_or("").to_ascii_lowercase();
    reason.contains("missing") || reason.contains("unknown")
}

/// Compares every kept record rejected for a missing or unknown field with `schema`.
pub fn schema_diff(joined: &Joined, errors: &[RecordError], schema: &[String]) -> SchemaDiff {
    let mut indices: Vec<u64> = errors
        .iter()
        .filter(|e| is_field_presence_error(e))
        .filter_map(|e| e.record_index)
        .collect();
    indices.sort_unstable();
    indices.dedup();
    // A CSV row has every column: there, an empty cell is the missing value.
    let csv = joined.format == Format::Csv;
    let mut missing: Vec<&str> = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    let mut records = 0;
    for kept in indices.iter().filter_map(|&i| joined.record(i)) {
        let Fields::Pairs(pairs) = join::fields(joined, kept) else {
            continue;
        };
        records += 1;
        for key in schema {
            if !pairs
                .iter()
                .any(|(k, v)| k == key && !(csv && v.is_empty()))
            {
                missing.push(key);
            }
        }
        extra.extend(
            pairs
                .into_iter()
                .map(|(k, _)| k)
                .filter(|k| !schema.contains(k)),
        );
    }
    SchemaDiff {
        records,
        missing: tally(&mut missing.into_iter()),
        extra: tally(&mut extra.iter().map(String::as_str)),
    }
}

/// How often each label comes, most frequent first (ties alphabetical).
pub fn tally(labels: &mut dyn Iterator<Item = &str>) -> Vec<(String, usize)> {
    // FxHash: SipHash made counting 10,000 labels a visible part of rendering (bench/);
    // the labels come from the API or the user's own file.
    let mut map: FxHashMap<&str, usize> = FxHashMap::default();
    for label in labels {
        *map.entry(label).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> = map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    // The labels are distinct, so an unstable sort gives the same order.
    out.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// What the join says, one line each: (its kind, for `data-join`, and its words).
/// Kinds: `joined` (what was read and found), `csv-header` (the header assumption),
/// `note` (what differs from the import, or the memory cap), `schema-diff`.
pub fn summary(
    joined: &Joined,
    errors: &[RecordError],
    schema: &[String],
    number: impl Fn(u64) -> String,
) -> Vec<(&'static str, String)> {
    let rejected = join::wanted(errors).count() as u64;
    let mut lines = vec![(
        "joined",
        format!(
            "Showing “{}” ({}, {} records): {} of {} rejected records found.",
            joined.file_name,
            format_name(joined.format),
            number(joined.records),
            number(joined.kept.len() as u64),
            number(rejected)
        ),
    )];
    if joined.format == Format::Csv {
        lines.push((
            "csv-header",
            "The first row is read as the header (the column names), not as a record: record \
             0 is the row after it."
                .to_owned(),
        ));
    }
    lines.extend(joined.notes.iter().map(|n| ("note", n.clone())));
    let diff = schema_diff(joined, errors, schema);
    if diff.records > 0 && !(diff.missing.is_empty() && diff.extra.is_empty()) {
        let list = |items: &[(String, usize)]| {
            items
                .iter()
                .map(|(k, n)| format!("{k} ({})", number(*n as u64)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut text = format!(
            "Compared with the schema, the {} records rejected for a missing or unknown field",
            number(diff.records as u64)
        );
        if !diff.missing.is_empty() {
            text.push_str(&format!(" lack {}", list(&diff.missing)));
            if !diff.extra.is_empty() {
                text.push_str(" and");
            }
        }
        if !diff.extra.is_empty() {
            text.push_str(&format!(" have fields not in it: {}", list(&diff.extra)));
        }
        text.push('.');
        lines.push(("schema-diff", text));
    }
    lines
}

/// `JSONL` or `CSV`.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Jsonl => "JSONL",
        Format::Csv => "CSV",
    }
}
