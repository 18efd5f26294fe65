//! The view logic: everything the components show, decided in plain Rust, compiled and
//! tested natively (`tests/present.rs`, `tests/record_query.rs`, `tests/recent.rs`,
//! `tests/url_state.rs`, `tests/tab_title.rs`, `tests/stylesheet.rs`). Nothing here
//! touches the browser; the components in `ui` (wasm32 only) call it.
//!
//! - [`present`]: the words, tones and icons for statuses and errors, the count bar.
//! - [`record_query`]: the rejected-records table's filtering, sorting, paging, chip
//!   counts and CSV.
//! - [`recent`]: the front door's list of datasets recently watched, and the demo
//!   scenarios it offers.
//! - [`url_state`]: the standalone page's view state in its URL.
//! - [`tab_title`]: the tab's title and favicon, and the notification's words.
//! - [`stylesheet`]: the widget's stylesheet, its comments and spare whitespace dropped
//!   at compile time.

pub mod present;
pub mod recent;
pub mod record_query;
pub mod stylesheet;
pub mod tab_title;
pub mod url_state;
