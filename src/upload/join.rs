//! The join of an indexed file with the import's rejected records.

use serde_json::value::RawValue;

use super::index::{Format, Indexed, Kept};
use crate::api::{InOrder, RAW_RECORD_FIELD, RecordError};

/// The most bytes of rejected records kept in memory (the rest are counted, not kept).
pub const KEEP_CAP: usize = 16 * 1024 * 1024;

/// What the import says about the file it read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// The uploaded file's name, if the API sent one.
    pub filename: Option<String>,
    /// `accepted_count + rejected_count`, when both are known.
    pub records: Option<u64>,
}

/// A file joined with the rejected records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The opened file's name.
    pub file_name: String,
    /// How it was read.
    pub format: Format,
    /// CSV: the header row's names (the column names); empty for JSONL.
    pub columns: Vec<String>,
    /// CSV: the header row as it is in the file.
    pub header: Option<Vec<u8>>,
    /// Records in the file.
    pub records: u64,
    /// The rejected records found in the file, in file order (so by record number).
    pub kept: Vec<Kept>,
    /// Rejected records not kept because of the memory cap.
    pub over_cap: u64,
    /// One line per thing that differs from what the import says (joined anyway).
    pub notes: Vec<String>,
}

impl Joined {
    /// The record numbered `index`, if it is in the file and was kept.
    pub fn record(&self, index: u64) -> Option<&Kept> {
        let at = self.kept.binary_search_by_key(&index, |k| k.index).ok()?;
        self.kept.get(at)
    }
}

/// The record numbers the errors name.
pub fn wanted(errors: &[RecordError]) -> impl Iterator<Item = u64> + '_ {
    errors.iter().filter_map(|e| e.record_index)
}

/// Joins `indexed` (read from `file_name`) with `errors`; refuses (with the words to
/// show) a file with fewer records than the highest `record_index` + 1. `number`
/// formats a count.
pub fn join(
    indexed: Indexed,
    file_name: &str,
    errors: &[RecordError],
    expected: &Expected,
    number: impl Fn(u64) -> String,
) -> Result<Joined, String> {
    if let Some(highest) = wanted(errors).max()
        && indexed.records <= highest
    {
        return Err(format!(
            "“{file_name}” has {} record{}, but the import rejected record {} (0-based): it \
                 cannot be the file that was uploaded. The table is unchanged.",
            number(indexed.records),
            if indexed.records == 1 { "" } else { "s" },
            number(highest),
        ));
    }
    let mut notes = Vec::new();
    if let Some(name) = expected.filename.as_deref().filter(|n| !n.is_empty())
        && name != file_name
    {
        notes.push(format!(
            "This file is named “{file_name}”, the uploaded one “{name}”: joined anyway."
        ));
    }
    if let Some(records) = expected.records
        && records != indexed.records
    {
        notes.push(format!(
            "This file has {} records; the import read {} (accepted + rejected): joined \
                 anyway, check that the rows match.",
            number(indexed.records),
            number(records)
        ));
    }
    if indexed.over_cap > 0 {
        notes.push(format!(
            "Memory limit reached: {} rejected records were found but not kept (only the first {} MB \
             of rejected records are). Fix these, then open the file again to see the rest.",
            number(indexed.over_cap),
            KEEP_CAP >> 20
        ));
    }
    let columns = match (&indexed.format, &indexed.header) {
        (Format::Csv, Some(header)) => csv_fields(header),
        _ => Vec::new(),
    };
    Ok(Joined {
        file_name: file_name.to_owned(),
        format: indexed.format,
        columns,
        header: indexed.header,
        records: indexed.records,
        kept: indexed.kept,
        over_cap: indexed.over_cap,
        notes,
    })
}

/// A record's contents: named fields, or its raw text when it cannot be read as fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fields {
    /// Field name and value (a JSON string unquoted; any other JSON value as written).
    Pairs(Vec<(String, String)>),
    /// The record's text (invalid UTF-8 replaced), e.g. a line that is not JSON.
    Raw(String),
}

impl Fields {
    /// The value of `name`, if the record has that field.
    pub fn get(&self, name: &str) -> Option<&str> {
        match self {
            Fields::Pairs(pairs) => pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            Fields::Raw(_) => None,
        }
    }
}

/// The fields of `kept`, read as the joined file's format.
pub fn fields(joined: &Joined, kept: &Kept) -> Fields {
    match joined.format {
        Format::Jsonl => match serde_json::from_slice::<InOrder<Box<RawValue>>>(&kept.bytes) {
            Ok(InOrder(pairs)) => Fields::Pairs(
                pairs
                    .into_iter()
                    .map(|(k, v)| {
                        let text = serde_json::from_slice::<String>(v.get().as_bytes())
                            .unwrap_or_else(|_| v.get().to_owned());
                        (k, text)
                    })
                    .collect(),
            ),
            Err(_) => Fields::Raw(text(&kept.bytes)),
        },
        Format::Csv => {
            let values = csv_fields(&kept.bytes);
            let n = values.len().max(joined.columns.len());
            Fields::Pairs(
                (0..n)
                    .filter_map(|i| {
                        let value = values.get(i)?.clone();
                        let name = joined
                            .columns
                            .get(i)
                            .cloned()
                            .unwrap_or_else(|| format!("(column {})", i + 1));
                        Some((name, value))
                    })
                    .collect(),
            )
        }
    }
}

/// What the record shows about its error, when that is not simply the highlighted field:
/// a field the error names that the record does not have (the finding for a missing
/// field), or an empty CSV cell.
pub fn finding(error: &RecordError, fields: &Fields) -> Option<String> {
    let field = error.field.as_deref().filter(|f| !f.is_empty())?;
    if field == RAW_RECORD_FIELD {
        return None;
    }
    match fields.get(field) {
        None if matches!(fields, Fields::Pairs(_)) => {
            Some(format!("This record has no “{field}” field."))
        }
        Some("") => Some(format!("“{field}” is empty in this record.")),
        _ => None,
    }
}

/// The text the table's filter searches for a record (its bytes as text).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The fields of one CSV record (csv-core; quotes removed, doubled quotes undone).
pub fn csv_fields(record: &[u8]) -> Vec<String> {
    let mut reader = csv_core::Reader::new();
    let mut out = vec![0u8; record.len() + 1];
    let mut ends = vec![0usize; record.len() + 2];
    let (_, _, nout, nends) = reader.read_record(record, &mut out, &mut ends);
    let (_, _, _, last) = reader.read_record(&[], &mut out[nout..], &mut ends[nends..]);
    let mut start = 0;
    ends[..nends + last]
        .iter()
        .map(|&end| {
            let field = String::from_utf8_lossy(out.get(start..end).unwrap_or_default());
            start = end;
            field.into_owned()
        })
        .collect()
}
