//! The standalone page (`index.html`, and what `dataset-proxy serve --static` serves):
//! the front door when no `dataset_id` is given, the monitor otherwise. Its URL is its
//! state: the form pushes a history entry (so Back works and the URL can be shared), the
//! view state replaces the current one as it changes, and Back/Forward re-read it. The
//! components learn that they are on this page from the [`PageContext`]; an embedded
//! widget has none, so it never touches its host page's URL, title or storage.

use leptos::prelude::*;

use super::app::{App, STYLE};
use super::intl::number;
use super::lazy;
use super::page_context::{MonitorParts, PageContext, PageHooks, page_config, set_url, storage};
use crate::config::Theme;
use crate::view::recent::{RECENT_KEY, RecentList};
use crate::view::record_query::RecordQuery;
use crate::view::tab_title::{APP_TITLE, dataset_tab, favicon, import_tab, tab_title};
use crate::view::url_state::ViewState;

/// The page's behaviours, handed to its components in the [`PageContext`].
static HOOKS: PageHooks = PageHooks {
    monitor: on_monitor,
    table: follow_table,
    watch_another: PageContext::watch_another,
};

fn location_search() -> String {
    window().location().search().unwrap_or_default()
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
            let front_door = lazy::front_door(raw.proxy_url.unwrap_or_default());
            view! {
                <style>{STYLE}</style>
                <div class="pdm" data-theme=theme.as_str()>{front_door}</div>
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
