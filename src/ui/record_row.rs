//! One row of the rejected-records table: the record's number, field and reason, and,
//! once the uploaded file is joined, its line and a preview that expands to its fields.

use std::sync::Arc;

use leptos::prelude::*;

use super::intl::number;
use crate::api::RecordError;
use crate::upload::join::{self, Fields, Joined};
use crate::view::record_query::{field_label, reason_label};

/// The row of error `i`, with its record from `file` when one is joined; `expanded`
/// lists the rows opened to their fields.
#[component]
pub fn RecordRow(
    i: usize,
    e: RecordError,
    file: Option<Arc<Joined>>,
    expanded: RwSignal<Vec<usize>>,
) -> impl IntoView {
    let open = move || expanded.with(|x| x.contains(&i));
    let toggle = move |_| {
        expanded.update(|x| match x.iter().position(|&r| r == i) {
            Some(p) => {
                x.remove(p);
            }
            None => x.push(i),
        })
    };
    let kept = file.as_ref().and_then(|f| {
        e.record_index
            .and_then(|n| f.record(n))
            .map(|k| (Arc::clone(f), k.clone()))
    });
    let cells = file.is_some().then(|| {
        let line = kept.as_ref().map_or_else(|| "—".to_owned(), |(_, k)| number(k.line));
        let preview = kept.as_ref().map(|(_, k)| preview(&k.bytes));
        let absent = kept.is_none().then_some("not in the file");
        view! {
            <td class="pdm-num" data-line="" data-label="Line" role="cell">{line}</td>
            <td data-record="" data-label="Record in your file" role="cell">
                {preview.map(|p| view! {
                    <button type="button" class="pdm-link pdm-rec" aria-expanded=move || open().to_string() on:click=toggle>
                        {p}
                    </button>
                })}
                {absent}
            </td>
        }
    });
    let detail = kept.map(|(f, k)| {
        let e = e.clone();
        move || open().then(|| record_detail(&f, &k, &e))
    });
    view! {
        <tr data-row=i.to_string() role="row">
            <td class="pdm-num" data-label="Record" role="cell">{e.record_index.map(|n| n.to_string()).unwrap_or_else(|| "—".to_owned())}</td>
            {cells}
            <td class:pdm-raw=e.is_whole_record() data-label="Field" role="cell">{field_label(&e).to_owned()}</td>
            <td data-label="Reason" role="cell">{reason_label(&e).to_owned()}</td>
        </tr>
        {detail}
    }
}

/// The start of a record, on one line.
fn preview(bytes: &[u8]) -> String {
    let text = join::text(&bytes[..bytes.len().min(240)]);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(60)
        .collect();
    if out.len() < text.len() || bytes.len() > 240 {
        out.push('…');
    }
    out
}

/// The expanded row: the record's fields (the error's field highlighted) or its raw
/// text, and what the record shows about its error.
fn record_detail(
    file: &Joined,
    kept: &crate::upload::Kept,
    error: &RecordError,
) -> impl IntoView + use<> {
    let fields = join::fields(file, kept);
    let finding = join::finding(error, &fields);
    let field = error.field.clone().unwrap_or_default();
    let caption = format!(
        "Record {} (line {}) of {}",
        kept.index,
        number(kept.line),
        file.file_name
    );
    // One shape: a line that could not be read is one highlighted row of raw text.
    let rows = match fields {
        Fields::Pairs(pairs) => pairs
            .into_iter()
            .map(|(k, v)| {
                let hit = k == field;
                (k, v, hit)
            })
            .collect(),
        Fields::Raw(text) => vec![("whole line (could not be parsed)".to_owned(), text, true)],
    };
    view! {
        <tr class="pdm-detail" data-detail=kept.index.to_string() role="row">
            <td colspan="5" role="cell">
                {finding.map(|f| view! { <p class="pdm-finding" data-finding="">{f}</p> })}
                <table class="pdm-kv">
                    <caption>{caption}</caption>
                    <tbody>
                        {rows.into_iter().map(|(k, v, hit)| view! {
                            <tr class:pdm-hl=hit data-highlight=hit.then_some("")>
                                <th scope="row">{k}{hit.then_some(view! { <span class="pdm-visually-hidden">" (the rejected field)"</span> })}</th>
                                <td>{v}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </td>
        </tr>
    }
}
