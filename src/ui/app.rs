//! The root component: configuration → data → sections.

use leptos::prelude::*;

use super::monitor::Monitor;

use super::clock::provide_clock;
use super::page_context::PageContext;
use crate::config::{ConfigError, MonitorConfig};

/// The stylesheet, carried by every widget so that it works in a shadow root too.
pub(crate) use crate::view::stylesheet::STYLE;

/// The whole widget for one configuration (or the reason it cannot run).
#[component]
pub fn App(config: Result<MonitorConfig, ConfigError>) -> impl IntoView {
    provide_clock();
    let theme = config.as_ref().map(|c| c.theme).unwrap_or_default();
    let host = NodeRef::<leptos::html::Div>::new();
    let another = use_context::<PageContext>().map(|page| {
        view! {
            <button type="button" class="pdm-another" on:click=move |_| (page.hooks.watch_another)(&page)>
                "Watch another"
            </button>
        }
    });
    view! {
        <style>{STYLE}</style>
        <div class="pdm" part="root" data-theme=theme.as_str() node_ref=host>
            {another}
            {match config {
                Err(e) => view! {
                    <div class="pdm-error" part="alert" role="alert" data-error="config">
                        <p class="pdm-error-summary">{format!("Configuration error: {e}.")}</p>
                        <p>"Give a dataset id (and optionally an import id) as hyphenated UUIDs."</p>
                    </div>
                }
                .into_any(),
                Ok(config) => view! { <Monitor config=config host=host/> }.into_any(),
            }}
        </div>
    }
}
