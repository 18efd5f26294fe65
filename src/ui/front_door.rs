//! The front door of the standalone page: a form for a dataset id and an optional import
//! id (checked as they are typed, the reason next to the field; a pasted Prolific URL
//! fills both), the datasets recently watched on this device, and the demo scenarios
//! when a mock serves the page.

use leptos::prelude::*;

use super::id_text::IdText;
use super::page_context::PageContext;
use crate::api::ApiClient;
use crate::config::input::{IdField, IdProblem, check_id, read_url};
use crate::view::recent::{DemoScenario, groups, open_query, read_scenarios};

/// The form, the recent list and the demo list; `proxy_url` is where the demo list is
/// asked for.
#[component]
pub fn FrontDoor(proxy_url: String) -> impl IntoView {
    let Some(page) = use_context::<PageContext>() else {
        return ().into_any();
    };
    let (dataset_text, import_text) = page.prefill.get_untracked();
    let dataset = RwSignal::new(dataset_text);
    let import = RwSignal::new(import_text);
    let tried = RwSignal::new(false);
    let dataset_input = NodeRef::<leptos::html::Input>::new();
    let import_input = NodeRef::<leptos::html::Input>::new();

    // A pasted URL fills whichever fields it has an id for.
    let on_input = move |is_dataset: bool, text: String| {
        let field = if is_dataset { dataset } else { import };
        let found = read_url(&text).unwrap_or_default();
        if found.dataset_id.is_none() && found.import_id.is_none() {
            field.set(text);
            return;
        }
        // A URL without an id for the field it was pasted into stays there, to be
        // explained by its hint.
        match (found.dataset_id, is_dataset) {
            (Some(d), _) => dataset.set(d),
            (None, true) => dataset.set(text.clone()),
            (None, false) => {}
        }
        match (found.import_id, is_dataset) {
            (Some(i), _) => import.set(i),
            (None, false) => import.set(text),
            (None, true) => {}
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let d = dataset.with_untracked(|t| check_id(t, IdField::Dataset));
        let i = import.with_untracked(|t| check_id(t, IdField::Import));
        match (d, i) {
            (Ok(Some(d)), Ok(i)) => {
                let search = page.search.get_untracked();
                page.navigate(open_query(&search, Some(&d), i.as_deref()));
            }
            (d, _) => {
                let first = if d.is_err() {
                    dataset_input
                } else {
                    import_input
                };
                if let Some(input) = first.get_untracked() {
                    let _ = input.focus();
                }
            }
        }
    };

    let scenarios = RwSignal::new(Vec::<DemoScenario>::new());
    if let Ok(client) = ApiClient::new(&proxy_url) {
        leptos::task::spawn_local(async move {
            let found = read_scenarios(client.demo_scenarios().await);
            let _ = scenarios.try_set(found);
        });
    }
    let link = move |dataset_id: &str, import_id: Option<&str>| {
        page.search
            .with_untracked(|s| open_query(s, Some(dataset_id), import_id))
    };
    let recent_view = move || {
        let entries = page.recent.with(|r| r.entries.clone());
        (!entries.is_empty()).then(|| {
            view! {
                <section class="pdm-door-list" aria-labelledby="pdm-recent-title">
                    <h3 id="pdm-recent-title">"Recently watched on this device"</h3>
                    <ul data-recent="">
                        {entries.into_iter().map(|r| {
                            let label = r.name.clone().unwrap_or_else(|| "Unnamed dataset".to_owned());
                            let id = r.dataset_id.clone();
                            let href = link(&r.dataset_id, r.import_id.as_deref());
                            view! {
                                <li data-recent-id=r.dataset_id.clone()>
                                    <a href=href>{label.clone()}</a>
                                    " " <code><IdText id=r.dataset_id.clone()/></code>
                                    {r.import_id.map(|i| view! { " import " <code><IdText id=i/></code> })}
                                    " "
                                    <button type="button" class="pdm-link" aria-label=format!("Forget {label}")
                                        on:click=move |_| page.remember(|list| list.forget(&id))>
                                        "Forget"
                                    </button>
                                </li>
                            }
                            .into_any()
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    };
    let demo_view = move || {
        let list = scenarios.get();
        (!list.is_empty()).then(|| {
            view! {
                <section class="pdm-door-list" aria-labelledby="pdm-demo-title" data-demo-scenarios="">
                    <h3 id="pdm-demo-title">"Demo scenarios"</h3>
                    <p class="pdm-note">"This page is served by the mock API: each scenario plays recorded answers."</p>
                    {groups(list).into_iter().enumerate().map(|(n, (group, list))| view! {
                        <details open={n == 0}>
                            <summary>{group}</summary>
                            <ul>
                                {list.into_iter().map(|s| view! {
                                    <li>
                                        <a href=link(&s.dataset_id, s.import_id.as_deref())>{s.title}</a>
                                        ": " {s.shows}
                                    </li>
                                }.into_any()).collect_view()}
                            </ul>
                        </details>
                    }.into_any()).collect_view()}
                </section>
            }
        })
    };

    view! {
        <form class="pdm-door" data-front-door="" on:submit=submit>
            <h2>"Watch a dataset"</h2>
            <p class="pdm-note">
                "Paste a dataset id, or a Prolific URL that contains one; add an import id to follow one upload."
            </p>
            {field(FieldSpec {
                id: "pdm-door-dataset",
                label: "Dataset id",
                kind: IdField::Dataset,
                idle: "Required: paste the id or a Prolific URL that contains it.",
                text: dataset,
                tried,
                node: dataset_input,
                on_input: Callback::new(move |t| on_input(true, t)),
            })}
            {field(FieldSpec {
                id: "pdm-door-import",
                label: "Import id (optional)",
                kind: IdField::Import,
                idle: "Optional: follow one upload of this dataset.",
                text: import,
                tried,
                node: import_input,
                on_input: Callback::new(move |t| on_input(false, t)),
            })}
            <button type="submit" class="pdm-watch">"Watch"</button>
        </form>
        {recent_view}
        {demo_view}
    }
    .into_any()
}

/// One id field: label, input and the hint that says what is wrong with it.
struct FieldSpec {
    id: &'static str,
    label: &'static str,
    kind: IdField,
    idle: &'static str,
    text: RwSignal<String>,
    tried: RwSignal<bool>,
    node: NodeRef<leptos::html::Input>,
    on_input: Callback<String>,
}

fn field(spec: FieldSpec) -> impl IntoView {
    let FieldSpec {
        id,
        label,
        kind,
        idle,
        text,
        tried,
        node,
        on_input,
    } = spec;
    let hint_id = format!("{id}-hint");
    // (invalid, hint): an empty required field is an error only once "Watch" was pressed.
    let state = move || match text.with(|t| check_id(t, kind)) {
        Ok(Some(found)) => (false, format!("✓ {found}")),
        Ok(None) => (false, idle.to_owned()),
        Err(IdProblem::Empty) if !tried.get() => (false, idle.to_owned()),
        Err(problem) => (true, problem.hint().to_owned()),
    };
    view! {
        <div class="pdm-field">
            <label for=id>{label}</label>
            <input id=id type="text" node_ref=node autocomplete="off" spellcheck="false"
                aria-describedby=hint_id.clone()
                aria-invalid=move || state().0.to_string()
                prop:value=move || text.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))/>
            <p id=hint_id class="pdm-hint" class:pdm-invalid=move || state().0>{move || state().1}</p>
        </div>
    }
}
