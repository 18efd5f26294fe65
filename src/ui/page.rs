//! The standalone page (`index.html`, and what `dataset-proxy serve --static` serves):
//! the front door when no `dataset_id` is given, the monitor otherwise. Its URL is its
//! state: the form pushes a history entry (so Back works and the URL can be shared), the
//! view state replaces the current one as it changes, and Back/Forward re-read it. The
//! components learn that they are on this page from the [`PageContext`]; an embedded
//! widget has none, so it never touches its host page's URL, title or storage.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::app::{App, STYLE};
use super::door::{RECENT_KEY, RecentList, open_query};
use super::front_door::FrontDoor;
use super::records::RecordQuery;
use super::share::ViewState;
use super::tab::APP_TITLE;
use crate::config::{Flag, RawConfig, Theme, query};

/// What the standalone page shares with its components.
#[derive(Debug, Clone, Copy)]
pub struct PageContext {
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
    pub fn table_state(&self, import_id: &str) -> Option<(RecordQuery, usize)> {
        let followed = page_config(&self.search.get_untracked()).import_id;
        self.view.with_untracked(|v| {
            let shown = v.selected.as_deref().or(followed.as_deref().map(str::trim));
            (shown == Some(import_id)).then(|| (v.table_query(), v.page))
        })
    }

    /// Puts `import_id`'s table settings into the URL, if its table is the one shown.
    pub fn set_table_state(&self, import_id: &str, query: &RecordQuery, page: usize) {
        if self
            .table_state(import_id)
            .is_some_and(|(q, p)| q != *query || p != page)
        {
            self.view.update(|v| v.set_table(query, page));
        }
    }

    /// Changes the recent list with `change` and stores it when `change` says it changed
    /// (nothing is stored, and nothing said, where storage is unavailable).
    pub fn remember(&self, change: impl FnOnce(&mut RecentList) -> bool) {
        let mut changed = false;
        self.recent.update(|list| changed = change(list));
        if changed && let Some(storage) = storage() {
            let _ = storage.set_item(RECENT_KEY, &self.recent.with_untracked(RecentList::to_json));
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn location_search() -> String {
    window().location().search().unwrap_or_default()
}

/// Sets the address bar to `search` (the path kept), adding a history entry if `push`.
fn set_url(search: &str, push: bool) {
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
fn page_config(search: &str) -> RawConfig {
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

/// Sets the tab's title and favicon (`link[rel=icon]`).
pub fn set_tab(title: &str, icon: &str) {
    let document = document();
    document.set_title(title);
    if let Ok(Some(link)) = document.query_selector("link[rel=icon]") {
        let _ = link.set_attribute("href", icon);
    }
}

/// Mounts the standalone page.
pub fn start_demo() {
    crate::panic_notice::install();
    mount_to_body(Page);
}

#[component]
fn Page() -> impl IntoView {
    let search = RwSignal::new(location_search());
    let recent = storage()
        .and_then(|s| s.get_item(RECENT_KEY).ok().flatten())
        .map(|text| RecentList::from_json(Some(&text)))
        .unwrap_or_default();
    let page = PageContext {
        search,
        view: RwSignal::new(ViewState::from_query(&search.get_untracked())),
        prefill: RwSignal::new(Default::default()),
        recent: RwSignal::new(recent),
    };
    provide_context(page);
    let listener = window_event_listener(leptos::ev::popstate, move |_| {
        let now = location_search();
        page.view.set(ViewState::from_query(&now));
        search.set(now);
    });
    on_cleanup(move || listener.remove());
    // The view state → the address bar, without a history entry per keystroke.
    Effect::new(move |_| {
        let current = location_search();
        let next = page.view.with(|v| v.write(&current));
        if next != current {
            set_url(&next, false);
        }
    });
    let config = Memo::new(move |_| search.with(|s| page_config(s)));
    move || {
        let raw = config.get();
        if raw.dataset_id.trim().is_empty() {
            set_tab(APP_TITLE, "data:,");
            let theme = Theme::parse(raw.theme.as_deref().unwrap_or(""));
            view! {
                <style>{STYLE}</style>
                <div class="pdm" data-theme=theme.as_str()>
                    <FrontDoor proxy_url=raw.proxy_url.unwrap_or_default()/>
                </div>
            }
            .into_any()
        } else {
            view! { <App config=raw.validate()/> }.into_any()
        }
    }
}
