//! The rejected-records table's logic, kept free of the browser: filtering by text and
//! by summary chip, sorting, paging, the chip counts, and the CSV export.

use crate::api::{RAW_RECORD_FIELD, RecordError};
use crate::upload::export::push_cell;

/// Rows per page: the most rows ever in the DOM, whatever the number of errors.
pub const PAGE_SIZE: usize = 50;

/// What the column cells say for a field.
pub fn field_label(error: &RecordError) -> &str {
    match error.field.as_deref() {
        Some(RAW_RECORD_FIELD) => "whole record (could not be parsed)",
        Some(field) => field,
        None => "—",
    }
}

/// The reason, or a dash.
pub fn reason_label(error: &RecordError) -> &str {
    error.reason.as_deref().unwrap_or("—")
}

/// Which column orders the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// The record's position in the uploaded file (missing indices last).
    #[default]
    RecordIndex,
    /// The field, then the record index.
    Field,
}

/// A chip that narrows the rows to one field or one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chip {
    /// Rows whose field label is this.
    Field(String),
    /// Rows whose reason label is this.
    Reason(String),
}

/// The table's view settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordQuery {
    /// Case-insensitive text that must appear in the index, field or reason.
    pub text: String,
    /// An optional chip filter.
    pub chip: Option<Chip>,
    /// The sort column.
    pub sort: SortKey,
    /// Descending instead of ascending.
    pub descending: bool,
}

/// How the search lower-cases text: Unicode's default case mapping. The widget passes the
/// browser's `toLowerCase` (`ui::lowercase`), whose tables are the browser's own (Rust's
/// `str::to_lowercase` would carry its case tables into the bundle: 3.0 KB brotli, issue
/// #17); the native tests pass `str::to_lowercase`.
pub type Lowercase = fn(&str) -> String;

/// Lower-cased search text per row, built on the first text search (most tables are
/// never searched, and building it is a large part of showing 10,000 rows).
#[derive(Debug, Clone)]
pub struct SearchIndex {
    haystacks: std::sync::OnceLock<Vec<String>>,
    /// More text per row (the record itself, once a file is joined), in row order.
    extra: Vec<String>,
    lowercase: Lowercase,
}

impl SearchIndex {
    /// An index that lower-cases with `lowercase`.
    pub fn new(lowercase: Lowercase) -> SearchIndex {
        SearchIndex::with_extra(Vec::new(), lowercase)
    }

    /// An index that also searches `extra[i]` for row `i` (e.g. the record's content).
    pub fn with_extra(extra: Vec<String>, lowercase: Lowercase) -> SearchIndex {
        SearchIndex {
            haystacks: Default::default(),
            extra,
            lowercase,
        }
    }

    /// The search text of every row of `errors` (always the same list for one index).
    fn haystacks(&self, errors: &[RecordError]) -> &[String] {
        self.haystacks.get_or_init(|| {
            let rows = errors.iter().enumerate().map(|(i, e)| {
                let index = e.record_index.map(|i| i.to_string()).unwrap_or_default();
                let extra = self.extra.get(i).map_or("", String::as_str);
                format!(
                    "{index}\u{1f}{}\u{1f}{}\u{1f}{extra}",
                    field_label(e),
                    reason_label(e)
                )
            });
            lowercase_all(rows, self.lowercase)
        })
    }
}

/// Separates the texts of [`lowercase_all`] in its one call of `lowercase`.
const TEXT_END: char = '\u{1e}';

/// Each text lower-cased, in one call of `lowercase` for all of them: in the browser,
/// 10,000 calls would each copy a string into JS and back. A record separator (U+001E)
/// inside a text becomes a space: it has no case, and nobody searches for it.
pub fn lowercase_all(texts: impl IntoIterator<Item = String>, lowercase: Lowercase) -> Vec<String> {
    let mut joined = String::new();
    let mut count = 0;
    for text in texts {
        if count > 0 {
            joined.push(TEXT_END);
        }
        if text.contains(TEXT_END) {
            joined.push_str(&text.replace(TEXT_END, " "));
        } else {
            joined.push_str(&text);
        }
        count += 1;
    }
    if count == 0 {
        return Vec::new();
    }
    lowercase(&joined)
        .split(TEXT_END)
        .map(str::to_owned)
        .collect()
}

/// The positions (into `errors`) of the rows to show, filtered and sorted.
pub fn select(errors: &[RecordError], index: &SearchIndex, query: &RecordQuery) -> Vec<usize> {
    let needle = (index.lowercase)(query.text.trim());
    let haystacks = if needle.is_empty() {
        &[][..]
    } else {
        index.haystacks(errors)
    };
    let mut rows: Vec<usize> = (0..errors.len())
        .filter(|&i| {
            let e = &errors[i];
            let chip_ok = match &query.chip {
                None => true,
                Some(Chip::Field(f)) => field_label(e) == f,
                Some(Chip::Reason(r)) => reason_label(e) == r,
            };
            chip_ok && (needle.is_empty() || haystacks.get(i).is_some_and(|h| h.contains(&needle)))
        })
        .collect();
    if query.sort == SortKey::RecordIndex
        && rows
            .iter()
            .filter_map(|&i| errors[i].record_index)
            .is_sorted()
    {
        // The API lists errors in file order: then the sorted order is the rows with an
        // index as they came, then those without: a check and a partition instead of a
        // sort (0.8 ms of showing 10,000 rows in the browser, bench/).
        let (mut known, missing): (Vec<usize>, Vec<usize>) = rows
            .into_iter()
            .partition(|&i| errors[i].record_index.is_some());
        known.extend(missing);
        rows = known;
    } else {
        // One comparator for both keys, ties broken by position: a total order, so the
        // unstable sort (one instantiation, smaller than the stable one) orders equal rows
        // as the API sent them (the descending order below reverses them, as it always did).
        // Missing indices sort after every real one, in either direction.
        let by_index = |e: &RecordError| (e.record_index.is_none(), e.record_index);
        rows.sort_unstable_by(|&i, &j| {
            let (a, b) = (&errors[i], &errors[j]);
            let by_field = match query.sort {
                SortKey::RecordIndex => std::cmp::Ordering::Equal,
                SortKey::Field => field_label(a).cmp(field_label(b)),
            };
            by_field
                .then_with(|| by_index(a).cmp(&by_index(b)))
                .then(i.cmp(&j))
        });
    }
    if query.descending {
        match query.sort {
            SortKey::RecordIndex => {
                let missing = rows
                    .iter()
                    .position(|&i| errors[i].record_index.is_none())
                    .unwrap_or(rows.len());
                rows[..missing].reverse();
            }
            SortKey::Field => rows.reverse(),
        }
    }
    rows
}

/// Counts per label, most frequent first (ties alphabetical), at most `limit` of them.
pub fn counts<'a>(
    errors: &'a [RecordError],
    label: impl Fn(&'a RecordError) -> &'a str,
    limit: usize,
) -> Vec<(String, usize)> {
    let mut out = crate::upload::export::tally(&mut errors.iter().map(label));
    out.truncate(limit);
    out
}

/// How many pages `rows` rows take (at least one).
pub fn page_count(rows: usize) -> usize {
    rows.div_ceil(PAGE_SIZE).max(1)
}

/// The rows of page `page` (0-based, clamped to the last page).
pub fn page(rows: &[usize], page: usize) -> &[usize] {
    let page = page.min(page_count(rows.len()) - 1);
    let start = page * PAGE_SIZE;
    &rows[start.min(rows.len())..(start + PAGE_SIZE).min(rows.len())]
}

/// The CSV of the given rows: a header, then `record_index,field,reason` as the API sent
/// them (empty for null). RFC 4180: CRLF line ends, fields quoted when they hold a comma,
/// quote or line break, quotes doubled. Cells that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or carriage return) get a leading `'`.
pub fn csv(errors: &[RecordError], rows: &[usize]) -> String {
    let mut out = String::from("record_index,field,reason\r\n");
    for &i in rows {
        let Some(e) = errors.get(i) else { continue };
        let index = e.record_index.map(|n| n.to_string()).unwrap_or_default();
        out.push_str(&index);
        out.push(',');
        push_cell(&mut out, e.field.as_deref().unwrap_or(""));
        out.push(',');
        push_cell(&mut out, e.reason.as_deref().unwrap_or(""));
        out.push_str("\r\n");
    }
    out
}

/// A file name for the CSV: `rejected-records-{dataset}-{import}.csv`, safe characters only.
pub fn csv_file_name(dataset_id: &str, import_id: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(64)
            .collect()
    };
    format!(
        "rejected-records-{}-{}.csv",
        clean(dataset_id),
        clean(import_id)
    )
}
