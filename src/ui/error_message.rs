//! The one component every failure is shown with (`role="alert"`).

use leptos::prelude::*;

use super::clock::use_clock;
use super::intl::relative_time;
use crate::api::{ApiError, ClientError, ErrorDetail};
use crate::view::present::error_headline;

/// A failure in plain words, with the API's own explanation when it sent one. When
/// `stale_since` is set, the data still on screen is from then.
#[component]
pub fn ErrorMessage(
    error: ClientError,
    #[prop(optional)] stale_since: Option<f64>,
) -> impl IntoView {
    let now = use_clock();
    let body = match &error {
        ClientError::Http {
            body: Some(body), ..
        } => Some(ApiErrorBody((**body).clone())),
        _ => None,
    };
    let summary = error_headline(&error);
    view! {
        <div class="pdm-error" part="alert" role="alert">
            <p class="pdm-error-summary">{summary}</p>
            {body.map(|b| b.into_view())}
            {stale_since.map(|at| view! {
                <p class="pdm-stale-note">
                    "Showing data from " {move || relative_time(at, now.get())} "; it may be out of date."
                </p>
            })}
        </div>
    }
}

struct ApiErrorBody(ApiError);

impl ApiErrorBody {
    fn into_view(self) -> impl IntoView {
        let e = self.0;
        let detail = e.detail.map(|d| match d {
            ErrorDetail::Text(text) => view! { <p class="pdm-error-detail">{text}</p> }.into_any(),
            ErrorDetail::List(items) => view! {
                <ul class="pdm-error-detail">
                    {items.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
            }
            .into_any(),
            ErrorDetail::Fields(fields) => view! {
                <dl class="pdm-error-detail">
                    {fields.into_iter().map(|(field, messages)| view! {
                        <dt><code>{field}</code></dt>
                        {messages.into_iter().map(|m| view! { <dd>{m}</dd> }).collect_view()}
                    }).collect_view()}
                </dl>
            }
            .into_any(),
        });
        view! {
            {e.title.map(|t| view! { <p class="pdm-error-title">{t}</p> })}
            {detail}
            {e.additional_information.map(|info| view! { <p class="pdm-error-info">{info}</p> })}
            {e.traceback.map(|tb| view! {
                <details class="pdm-error-traceback">
                    <summary>"Technical details"</summary>
                    <pre>{tb}</pre>
                </details>
            })}
        }
    }
}
