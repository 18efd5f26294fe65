//! One row of the rejected-records table's chips: the most common fields (or reasons),
//! each a toggle that filters the table to it, with its count.

use leptos::prelude::*;

use super::intl::number;
use super::table_state::TableState;
use crate::view::record_query::Chip;

/// A labelled group of chip toggles; one pressed at most, across the groups.
#[component]
pub fn RecordChips(
    /// The group's visible label ("By field:").
    label: &'static str,
    /// The group's accessible name.
    group: &'static str,
    /// Each chip with its text and count.
    chips: Vec<(Chip, String, usize)>,
    state: TableState,
) -> impl IntoView {
    view! {
        <div class="pdm-chips" role="group" aria-label=group>
            <span class="pdm-chips-label">{label}</span>
            {chips.into_iter().map(|(chip, text, n)| chip_button(state, chip, text, n)).collect_view()}
        </div>
    }
}

fn chip_button(state: TableState, chip: Chip, text: String, n: usize) -> impl IntoView {
    let pressed = {
        let chip = chip.clone();
        move || state.query.with(|q| q.chip.as_ref() == Some(&chip))
    };
    let toggle = move |_| {
        let chip = chip.clone();
        state.change(move |q| {
            q.chip = if q.chip.as_ref() == Some(&chip) {
                None
            } else {
                Some(chip)
            };
        })
    };
    view! {
        <button type="button" class="pdm-chip" aria-pressed=move || pressed().to_string() on:click=toggle>
            <span class="pdm-chip-text">{text}</span>
            <span class="pdm-chip-count">{number(n as u64)}</span>
        </button>
    }
}
