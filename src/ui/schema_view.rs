//! A V4 dataset's schema: each field, its type and what it means, and how strictly
//! uploads are checked against it.

use leptos::prelude::*;

use crate::api::DatasetSchema;
use crate::view::present::{field_type_meaning, strictness_meaning};

/// The schema's fields in a table that scrolls sideways on a narrow screen.
#[component]
pub fn SchemaView(schema: DatasetSchema) -> impl IntoView {
    let count = schema.fields.len();
    view! {
        <div class="pdm-schema">
            <h3>"Schema"</h3>
            <p class="pdm-strictness">{strictness_meaning(schema.strict)}</p>
            // Focusable: on a phone the table scrolls sideways, and nothing in it takes focus
            // for a keyboard to scroll it by (axe: scrollable-region-focusable).
            <div class="pdm-scroll" tabindex="0" role="region" aria-label="Schema fields">
                <table class="pdm-table" part="schema-table" data-schema-table="">
                    <caption>{format!("{count} field{}", if count == 1 { "" } else { "s" })}</caption>
                    <thead>
                        <tr><th scope="col">"Key"</th><th scope="col">"Type"</th><th scope="col">"Label"</th></tr>
                    </thead>
                    <tbody>
                        {schema.fields.into_iter().map(|field| {
                            let known = field.field_type.is_known();
                            view! {
                                <tr>
                                    <td><code>{field.key}</code></td>
                                    <td>
                                        <span class="pdm-field-type" data-known=known.to_string()>
                                            {match field.field_type.as_str() {
                                                "" => "—".to_owned(),
                                                t => t.to_owned(),
                                            }}
                                        </span>
                                        <span class="pdm-meaning">{field_type_meaning(&field.field_type)}</span>
                                    </td>
                                    <td>{field.label.unwrap_or_else(|| "—".to_owned())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
