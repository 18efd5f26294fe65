//! What the rejected-records table's parts share: its query (text, chip, sort) and its
//! page, as signals.

use leptos::prelude::*;

use crate::view::record_query::RecordQuery;

/// The table's query and page. A change of query goes back to the first page.
#[derive(Debug, Clone, Copy)]
pub struct TableState {
    /// Text filter, chip and sort.
    pub query: RwSignal<RecordQuery>,
    /// The page shown (0-based).
    pub page: RwSignal<usize>,
}

impl TableState {
    /// Changes the query with `change` and goes back to the first page.
    pub fn change(self, change: impl FnOnce(&mut RecordQuery)) {
        self.query.update(change);
        self.page.set(0);
    }
}
