//! Prolific Dataset Monitor: a browser widget that shows an AI Task Builder dataset and
//! follows its imports, talking to Prolific only through `dataset-proxy`.
//!
//! # Layout
//!
//! Data flows one way, and every `use crate::…` points left along it:
//!
//! ```text
//! config → api → live → ui
//!           api → upload → ui
//! ```
//!
//! - [`config`]: [`config::RawConfig`] (what a query string, the element's attributes or
//!   `mount()`'s options gave) and its `validate()` into [`config::MonitorConfig`];
//!   `config::input` (reading ids typed or pasted into the front door, Prolific URLs
//!   included) and `config::query` (query strings read and written without a browser).
//!   Uses `api` for the id types only.
//! - [`api`]: the wire contract (ids and route paths, shared with the proxy through
//!   `dataset-wire`), the tolerant models of both endpoints, their errors with a plain
//!   technical `Display`, and, on `wasm32`, the gloo-net client. Uses nothing else of
//!   the crate.
//! - [`live`]: the polling policy (with the slower pace of a hidden page that opted in
//!   to be notified) and the rules for the `import-status-change` / `import-finished`
//!   events (plain Rust), and, on `wasm32`, the gloo-timers driver and the
//!   page-visibility listener that run them. Uses `api`.
//! - [`ui`]: the view logic in plain Rust (`view::present`: the words for statuses and
//!   errors; `view::record_query`: the rejected-records table; `view::recent`: the front door's
//!   recent list and demo scenarios; `view::url_state`: the standalone page's view state in
//!   its URL; `view::tab_title`: tab title, favicon and notification words), and, on `wasm32`,
//!   the components, one per file, and the two ways in: `ui::embed` (`mount()`, behind
//!   the custom element in `embed/`; re-exported as `embed`) and `ui::start_demo` (the
//!   standalone page, `ui/page.rs`: the front door without a `dataset_id`, else the
//!   monitor; its URL, tab and `localStorage`), both starting from a `RawConfig`. Uses
//!   `config`, `api` and `live`.
//! - [`upload`]: the uploaded file, opened in the browser beside the rejected records:
//!   the streaming record indexer (JSONL with `memchr`, CSV with `csv-core`), the join
//!   with the import's errors and its checks, each record's fields, and the export in the
//!   file's own format with a comparison against the schema (plain Rust). Uses `api`
//!   (the error type); `ui` uses it (`ui::upload_panel` reads the file with the File API,
//!   in chunks, and `ui::record_table` shows the records).
//! - `panic_notice` (on `wasm32`) shows a notice in every widget if the code panics (a
//!   stable build; the release bundles abort at once and `embed/trap-notice.js` shows it);
//!   it uses nothing of the crate.
//!
//! Everything but the client, the driver, the file reader and the components is compiled
//! and tested natively (`tests/*.rs`); those are tested in headless Chromium.

pub mod api;
pub mod config;
pub mod live;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod upload;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod panic_notice;

#[cfg(target_arch = "wasm32")]
pub use ui::{embed, start_demo};
