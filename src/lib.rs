//! Prolific Dataset Monitor: a browser widget that shows an AI Task Builder dataset and
//! follows its imports, talking to Prolific only through `dataset-proxy`.
//!
//! # Layout
//!
//! The modules depend one way: every `use crate::…` points left along this line.
//!
//! ```text
//! api → config → live → upload → view → ui
//! ```
//!
//! - [`api`]: the wire contract (ids and route paths, shared with the proxy through
//!   `dataset-wire`), the tolerant models of both endpoints (`api::model` the public
//!   types, `api::raw` the wire shapes and their conversion, `api::lenient` reading odd
//!   values), their errors with a plain technical `Display`, and, on `wasm32`, the
//!   gloo-net client. Uses nothing else of the crate.
//! - [`config`]: [`config::RawConfig`] (what a query string, the element's attributes or
//!   `mount()`'s options gave) and its `validate()` into [`config::MonitorConfig`];
//!   `config::input` (reading ids typed or pasted into the front door, Prolific URLs
//!   included) and `config::query` (query strings read and written without a browser).
//!   Uses `api` (the id types and the default timeout).
//! - [`live`]: the polling policy (with the slower pace of a hidden page that opted in
//!   to be notified) and the rules for the `import-status-change` / `import-finished`
//!   events (plain Rust), and, on `wasm32`, the gloo-timers driver and the
//!   page-visibility listener that run them. Uses `api`.
//! - [`upload`]: the uploaded file, opened in the browser beside the rejected records:
//!   the streaming record indexer (JSONL with `memchr`, CSV with `csv-core`), the join
//!   with the import's errors and its checks, each record's fields, and the export in the
//!   file's own format with a comparison against the schema (plain Rust). Uses `api`.
//! - [`view`]: the view logic, plain Rust: the words for statuses and errors
//!   (`view::present`), the rejected-records table's query (`view::record_query`), the
//!   front door's recent list (`view::recent`), the standalone page's URL state
//!   (`view::url_state`), its tab title (`view::tab_title`) and the stylesheet as it
//!   ships (`view::stylesheet`). Uses `api`, `config`
//!   (query strings), `live` (the poller's activity) and `upload` (CSV cells).
//! - `ui` (on `wasm32` only): the components, one per file (the two badges share one),
//!   what some of them share (`page_context`, `table_state`), the browser helpers
//!   (`intl`, `clock`, `lowercase`, `download`), and the two ways in: `ui::embed` (`mount()`, behind the custom element in `embed/`;
//!   re-exported as `embed`) and `ui::start_demo` (the standalone page, `ui/page.rs`,
//!   with what it shares with the components in `ui/page_context.rs`). Uses everything
//!   above.
//! - `panic_notice` (on `wasm32`) shows a notice in every widget if the code panics (a
//!   stable build; the release bundles abort at once and `embed/trap-notice.js` shows it);
//!   it uses nothing of the crate.
//!
//! Everything but `ui`, the client, the driver and the file reader is compiled and
//! tested natively (`tests/*.rs`, each named for the module it tests); the rest is tested in
//! real browsers (`tests/browser/`).

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
