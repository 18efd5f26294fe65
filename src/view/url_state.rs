//! The standalone page's URL is its state: besides the configuration
//! (`dataset_id`, `import_id`, …) it carries the import shown in detail and the
//! rejected-records table's filter, sort and page, so that a pasted URL shows a colleague
//! the same view and a reload keeps it. Plain Rust, tested natively; the embedded widget
//! never writes its host page's URL.

use super::record_query::{RecordQuery, SortKey};
use crate::config::query;
use dataset_wire::is_uuid;

/// The query-string keys of the view state.
pub const VIEW_KEYS: [&str; 4] = ["selected", "filter", "sort", "page"];

/// The longest filter text kept from a URL.
const MAX_FILTER_CHARS: usize = 200;
/// The highest page kept from a URL (the table clamps to its last page anyway).
const MAX_PAGE: usize = 100_000;

/// What the page shows beyond its configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewState {
    /// The import shown in detail, when it is not the followed one.
    pub selected: Option<String>,
    /// The table's text filter.
    pub filter: String,
    /// The table's sort column.
    pub sort: SortKey,
    /// Descending instead of ascending.
    pub descending: bool,
    /// The table's page, 0-based (1-based in the URL).
    pub page: usize,
}

impl ViewState {
    /// Reads `selected` (a UUID), `filter`, `sort` (`record` or `field`, a leading `-`
    /// for descending) and `page` (1-based) from a query string; a value that cannot be
    /// read is the default.
    pub fn from_query(search: &str) -> Self {
        let pairs = query::parse(search);
        let get = |key: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim())
        };
        let (sort, descending) = match get("sort") {
            Some("field") => (SortKey::Field, false),
            Some("-field") => (SortKey::Field, true),
            Some("-record") => (SortKey::RecordIndex, true),
            _ => (SortKey::RecordIndex, false),
        };
        Self {
            selected: get("selected").filter(|s| is_uuid(s)).map(str::to_owned),
            filter: get("filter")
                .unwrap_or("")
                .chars()
                .take(MAX_FILTER_CHARS)
                .collect(),
            sort,
            descending,
            page: get("page")
                .and_then(|p| p.parse::<usize>().ok())
                .map_or(0, |p| p.clamp(1, MAX_PAGE) - 1),
        }
    }

    /// The query string `search` with its view keys replaced by this state (defaults
    /// left out); every other pair is kept, in order.
    pub fn write(&self, search: &str) -> String {
        let mut pairs: Vec<(String, String)> = query::parse(search)
            .into_iter()
            .filter(|(k, _)| !VIEW_KEYS.contains(&k.as_str()))
            .collect();
        let mut add = |key: &str, value: String| pairs.push((key.to_owned(), value));
        if let Some(selected) = &self.selected {
            add("selected", selected.clone());
        }
        if !self.filter.is_empty() {
            add("filter", self.filter.clone());
        }
        let sort = match (self.sort, self.descending) {
            (SortKey::RecordIndex, false) => None,
            (SortKey::RecordIndex, true) => Some("-record"),
            (SortKey::Field, false) => Some("field"),
            (SortKey::Field, true) => Some("-field"),
        };
        if let Some(sort) = sort {
            add("sort", sort.to_owned());
        }
        if self.page > 0 {
            add("page", (self.page + 1).to_string());
        }
        query::encode(&pairs)
    }

    /// The table's settings (no chip: chips are not part of the URL).
    pub fn table_query(&self) -> RecordQuery {
        RecordQuery {
            text: self.filter.clone(),
            chip: None,
            sort: self.sort,
            descending: self.descending,
        }
    }

    /// Takes the table's settings and page from `query` and `page`.
    pub fn set_table(&mut self, query: &RecordQuery, page: usize) {
        self.filter.clone_from(&query.text);
        self.sort = query.sort;
        self.descending = query.descending;
        self.page = page;
    }
}
