//! What the standalone page shares with its components: the [`PageContext`] they find
//! with `use_context` (an embedded widget has none, so it never touches its host page's
//! URL, title or storage), the [`PageHooks`] it reaches its page code through, and the
//! URL and storage helpers both use. Its own file, so that the page (which mounts the
//! components) and the components (which read the context) do not use each other.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::api::Dataset;
use crate::config::{Flag, RawConfig, query};
use crate::live::driver::Live;
use crate::view::recent::{RECENT_KEY, RecentList, open_query};
use crate::view::record_query::RecordQuery;
use crate::view::url_state::ViewState;

/// What the standalone page adds to the widget's components, reached through function
/// pointers: the embeddable module never provides a [`PageContext`], so none of this
/// code (nor the effects it creates) is in its bundle.
#[derive(Debug)]
pub struct PageHooks {
    /// Called by each monitor: URL, recent list, tab title and favicon.
    pub monitor: fn(PageContext, MonitorParts),
    /// Called by each rejected-records table: starts it from the URL and keeps the URL
    /// up to date with its filter, sort and page.
    pub table: fn(PageContext, String, RwSignal<RecordQuery>, RwSignal<usize>),
    /// "Watch another".
    pub watch_another: fn(&PageContext),
}

/// What a monitor hands to [`PageHooks::monitor`].
#[derive(Debug)]
pub struct MonitorParts {
    /// Its live data.
    pub live: Live,
    /// The dataset shown.
    pub dataset_id: String,
    /// The import followed, if any.
    pub followed: Option<String>,
    /// The import shown in detail.
    pub selected: RwSignal<Option<String>>,
    /// The dataset, once loaded.
    pub dataset: Memo<Option<Dataset>>,
    /// The dataset's name ("" until loaded).
    pub name: Signal<String>,
}

/// What the standalone page shares with its components.
#[derive(Debug, Clone, Copy)]
pub struct PageContext {
    /// The page's behaviours.
    pub hooks: &'static PageHooks,
    /// The query string as of the last navigation (the form, "Watch another", Back).
    pub search: RwSignal<String>,
    /// The view state, written into the URL as it changes.
    pub view: RwSignal<ViewState>,
    /// The ids the form is filled with when "Watch another" returns to it.
    pub prefill: RwSignal<(String, String)>,
    /// The datasets watched on this device.
    pub recent: RwSignal<RecentList>,
}

impl PageContext {
    /// Goes to `search` with a new history entry.
    pub fn navigate(&self, search: String) {
        set_url(&search, true);
        self.view.set(ViewState::from_query(&search));
        self.search.set(search);
    }

    /// Back to the form, filled with the ids being watched.
    pub fn watch_another(&self) {
        let search = self.search.get_untracked();
        let raw = page_config(&search);
        self.prefill
            .set((raw.dataset_id, raw.import_id.unwrap_or_default()));
        self.navigate(open_query(&search, None, None));
    }

    /// The table settings and page in the URL, if they are those of `import_id`'s
    /// table (the import shown in detail: the selected one, else the followed one).
    pub(super) fn table_state(&self, import_id: &str) -> Option<(RecordQuery, usize)> {
        let followed = page_config(&self.search.get_untracked()).import_id;
        self.view.with_untracked(|v| {
            let shown = v.selected.as_deref().or(followed.as_deref().map(str::trim));
            (shown == Some(import_id)).then(|| (v.table_query(), v.page))
        })
    }

    /// Puts `import_id`'s table settings into the URL, if its table is the one shown.
    pub(super) fn set_table_state(&self, import_id: &str, query: &RecordQuery, page: usize) {
        if self
            .table_state(import_id)
            .is_some_and(|(q, p)| q != *query || p != page)
        {
            self.view.update(|v| v.set_table(query, page));
        }
    }

    /// Changes the recent list with `change` and stores it when `change` says it changed;
    /// where storage is unavailable the device remembers nothing (and says nothing).
    pub fn remember(&self, change: impl FnOnce(&mut RecentList) -> bool) {
        let Some(storage) = storage() else {
            return;
        };
        let mut changed = false;
        self.recent.update(|list| changed = change(list));
        if changed {
            let _ = storage.set_item(RECENT_KEY, &self.recent.with_untracked(RecentList::to_text));
        }
    }
}

pub(super) fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Sets the address bar to `search` (the path kept), adding a history entry if `push`.
pub(super) fn set_url(search: &str, push: bool) {
    let url = if search.is_empty() {
        window()
            .location()
            .pathname()
            .unwrap_or_else(|_| "/".to_owned())
    } else {
        search.to_owned()
    };
    if let Ok(history) = window().history() {
        let _ = if push {
            history.push_state_with_url(&JsValue::NULL, "", Some(&url))
        } else {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        };
    }
}

/// The page's configuration from its query string; on this page, "Notify me when it
/// finishes" is offered unless `notify=false`.
pub(super) fn page_config(search: &str) -> RawConfig {
    let pairs = query::parse(search);
    let mut raw = RawConfig::from_query(|key| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    });
    raw.notify.get_or_insert(Flag::Bool(true));
    raw
}
