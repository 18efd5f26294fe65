//! The standalone page (`index.html`, and what `dataset-proxy serve --static` serves):
//! the front door when no `dataset_id` is given, the monitor otherwise. Its URL is its
//! state: the form pushes a history entry (so Back works and the URL can be shared), the
//! view state replaces the current one as it changes, and Back/Forward re-read it. The
//! components learn that they are on this page from the [`PageContext`]; an embedded
//! widget has none, so it never touches its host page's URL, title or storage.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::app::{App, STYLE};
use super::front_door::FrontDoor;
use super::intl::number;
use crate::api::Dataset;
use crate::config::{Flag, RawConfig, Theme, query};
use crate::live::driver::Live;
use crate::view::recent::{RECENT_KEY, RecentList, open_query};
use crate::view::record_query::RecordQuery;
use crate::view::tab_title::{APP_TITLE, dataset_tab, favicon, import_tab, tab_title};
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

static HOOKS: PageHooks = PageHooks {
    monitor: on_monitor,
    table: follow_table,
    watch_another: PageContext::watch_another,
};

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
    fn table_state(&self, import_id: &str) -> Option<(RecordQuery, usize)> {
        let followed = page_config(&self.search.get_untracked()).import_id;
        self.view.with_untracked(|v| {
            let shown = v.selected.as_deref().or(followed.as_deref().map(str::trim));
            (shown == Some(import_id)).then(|| (v.table_query(), v.page))
        })
    }

    /// Puts `import_id`'s table settings into the URL, if its table is the one shown.
    fn set_table_state(&self, import_id: &str, query: &RecordQuery, page: usize) {
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
        .map(|text| RecentList::from_text(Some(&text)))
        .unwrap_or_default();
    let page = PageContext {
        hooks: &HOOKS,
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

/// What only the standalone page does: the selected import goes into the URL (a new
/// selection starts its table afresh), the dataset joins the recent list (with its name
/// once loaded), and the tab's title and favicon carry the state.
fn on_monitor(page: PageContext, parts: MonitorParts) {
    let MonitorParts {
        live,
        dataset_id,
        followed,
        selected,
        dataset,
        name,
    } = parts;
    let follows_import = followed.is_some();
    page.remember(|list| {
        list.watched(&dataset_id, followed.as_deref());
        true
    });
    // One effect for the three (each effect is code in the bundle).
    Effect::new(move |previous: Option<Option<String>>| {
        let now = selected.get();
        if previous.is_some_and(|p| p != now) {
            page.view.update(|v| {
                *v = Default::default();
                v.selected = now.clone().filter(|s| Some(s) != followed.as_ref());
            });
        }
        let name = name.get();
        if !name.is_empty() {
            page.remember(|list| list.named(&dataset_id, &name));
        }
        let state = if follows_import {
            live.import
                .with(|s| s.value().map(|j| import_tab(j, number)))
        } else {
            dataset.with(|d| d.as_ref().and_then(|d| dataset_tab(d, number)))
        };
        set_tab(&tab_title(state.as_ref(), &name), &favicon(state.as_ref()));
        now
    });
    on_cleanup(|| set_tab(APP_TITLE, "data:,"));
}

/// Starts a table from the URL (when the URL describes its import's table) and keeps the
/// URL up to date with it.
fn follow_table(
    page: PageContext,
    import_id: String,
    query: RwSignal<RecordQuery>,
    table_page: RwSignal<usize>,
) {
    if let Some((q, p)) = page.table_state(&import_id) {
        query.set(q);
        table_page.set(p);
    }
    Effect::new(move |_| {
        query.with(|q| page.set_table_state(&import_id, q, table_page.get()));
    });
}
