//! "Show the rejected records from your file": a file picker and a drop zone, the File
//! API reader that feeds the file to the indexer in chunks (yielding to the browser
//! between them, with progress and Cancel), and what the join found. The file is read
//! only here, in the browser: nothing of it is sent anywhere.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::intl::number;
use crate::api::RecordError;
use crate::upload::export;
use crate::upload::join::{self, Expected, KEEP_CAP};
use crate::upload::{Format, Indexed, Indexer, Joined};

/// Bytes read per step: one step indexes in well under 50 ms.
const CHUNK: f64 = 2.0 * 1024.0 * 1024.0;

/// The V4 schema's field keys (empty without one), provided by the monitor.
#[derive(Debug, Clone, Copy)]
pub struct SchemaKeys(pub Memo<Vec<String>>);

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Reading(String, u32),
    Cancelled,
    Refused(String),
}

/// The controls; a successful join is put in `joined`.
#[component]
pub fn UploadPanel(
    errors: Arc<[RecordError]>,
    expected: Expected,
    joined: RwSignal<Option<Arc<Joined>>>,
) -> impl IntoView {
    let phase = RwSignal::new(Phase::Idle);
    let over = RwSignal::new(false);
    let cancel = StoredValue::new(Arc::new(AtomicBool::new(false)));
    on_cleanup(move || {
        if let Some(flag) = cancel.try_get_value() {
            flag.store(true, Ordering::Relaxed);
        }
    });
    let schema = use_context::<SchemaKeys>();
    let suggested = expected.filename.clone().filter(|n| !n.is_empty());

    let open = {
        let errors = Arc::clone(&errors);
        move |file: web_sys::File| {
            cancel.get_value().store(true, Ordering::Relaxed);
            let flag = Arc::new(AtomicBool::new(false));
            cancel.set_value(Arc::clone(&flag));
            let name = file.name();
            phase.set(Phase::Reading(name.clone(), 0));
            let errors = Arc::clone(&errors);
            let expected = expected.clone();
            leptos::task::spawn_local(async move {
                let indexer =
                    Indexer::new(Format::from_name(&name), join::wanted(&errors), KEEP_CAP);
                let read = read_file(&file, indexer, &flag, |pct| {
                    phase.set(Phase::Reading(name.clone(), pct))
                })
                .await;
                if flag.load(Ordering::Relaxed) {
                    return;
                }
                match read
                    .and_then(|indexed| join::join(indexed, &name, &errors, &expected, number))
                {
                    Ok(j) => {
                        phase.set(Phase::Idle);
                        joined.set(Some(Arc::new(j)));
                    }
                    Err(message) => phase.set(Phase::Refused(message)),
                }
            });
        }
    };
    let on_pick = {
        let open = open.clone();
        move |ev: leptos::ev::Event| {
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            if let Some(file) = input.files().and_then(|list| list.get(0)) {
                open(file);
            }
            input.set_value("");
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|list| list.get(0))
        {
            open(file);
        }
    };
    let stop = move |_| {
        cancel.get_value().store(true, Ordering::Relaxed);
        phase.set(Phase::Cancelled);
    };

    // Few view shapes (each costs bundle size): an optional progress row, an optional
    // message, the join's lines, an optional download button.
    let reading = move || match phase.get() {
        Phase::Reading(name, pct) => Some(view! {
            <div class="pdm-reading" data-join-state="reading">
                <progress max="100" value=pct.to_string() aria-label=format!("Reading {name}")></progress>
                <span>{format!("Reading “{name}”… {pct}%")}</span>
                <button type="button" on:click=stop>"Cancel"</button>
            </div>
        }),
        _ => None,
    };
    let message = move || {
        let (error, text) = match phase.get() {
            Phase::Cancelled => (false, "Cancelled: nothing was joined.".to_owned()),
            Phase::Refused(text) => (true, text),
            _ => return None,
        };
        Some(view! {
            <p class=if error { "pdm-error" } else { "pdm-note" } role=if error { "alert" } else { "status" }
                data-join-state=if error { "refused" } else { "cancelled" } data-join-error=error.then_some("")>
                {text}
            </p>
        })
    };
    let lines = {
        let errors = Arc::clone(&errors);
        move || {
            joined.get().map_or_else(Vec::new, |j| {
                let keys = schema.map(|s| s.0.get()).unwrap_or_default();
                export::summary(&j, &errors, &keys, number)
            })
        }
    };
    let save = move |_| {
        if let Some(file) = joined.get_untracked() {
            let mime = match file.format {
                Format::Jsonl => "application/jsonl",
                Format::Csv => "text/csv;charset=utf-8",
            };
            super::download::save_bytes(
                &export::rejected_file_name(&file),
                &export::rejected_file(&file),
                mime,
            );
        }
    };
    let export_label = move || {
        joined.with(|j| {
            j.as_ref().map(|j| {
                format!(
                    "Download rejected records ({})",
                    export::format_name(j.format)
                )
            })
        })
    };

    view! {
        <div class="pdm-upload" data-upload="">
            <h5>"Show the rejected records from your file"</h5>
            <div class="pdm-drop" class:pdm-drop-over=move || over.get()
                on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); over.set(true); }
                on:dragleave=move |_| over.set(false)
                on:drop=on_drop>
                <label>
                    {match suggested {
                        Some(name) => format!("Choose “{name}” (the uploaded file) "),
                        None => "Choose the uploaded file (.jsonl, .json or .csv) ".to_owned(),
                    }}
                    <input type="file" accept=".jsonl,.json,.csv,.ndjson,.txt" on:change=on_pick/>
                </label>
                <span>" or drop it here."</span>
            </div>
            <p class="pdm-note">"The file is read only by this browser: it is never uploaded or sent anywhere."</p>
            {reading}
            {message}
            {move || lines().into_iter().map(|(kind, text)| view! { <p class="pdm-note" data-join=kind>{text}</p> }).collect_view()}
            {move || export_label().map(|label| view! { <button type="button" data-export="" on:click=save>{label}</button> })}
        </div>
    }
}

/// Reads `file` in chunks into `indexer`, reporting progress in percent; stops early
/// (with `Err("")` never: `Ok` of what was read) when `cancel` is set.
async fn read_file(
    file: &web_sys::File,
    mut indexer: Indexer,
    cancel: &AtomicBool,
    progress: impl Fn(u32),
) -> Result<Indexed, String> {
    let size = file.size();
    let mut buf = Vec::new();
    let mut offset = 0.0;
    while offset < size && !cancel.load(Ordering::Relaxed) {
        let end = (offset + CHUNK).min(size);
        let chunk = file
            .slice_with_f64_and_f64(offset, end)
            .map_err(|_| could_not_read())?;
        let bytes = JsFuture::from(chunk.array_buffer())
            .await
            .map_err(|_| could_not_read())?;
        let bytes = js_sys::Uint8Array::new(&bytes);
        buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut buf);
        indexer.push(&buf);
        offset = end;
        if !cancel.load(Ordering::Relaxed) {
            progress((offset * 100.0 / size) as u32);
        }
    }
    Ok(indexer.finish())
}

fn could_not_read() -> String {
    "The browser could not read this file (was it moved or changed while reading?). \
     The table is unchanged."
        .to_owned()
}
