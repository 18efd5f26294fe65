//! The components (wasm32 only; `lib.rs` compiles this module for the browser alone),
//! one per file (the two badges share theirs: one markup, two DOM hooks), and the two ways in: the standalone page ([`start_demo`], `page`: the
//! front door or the monitor, its URL, title and storage) and [`embed`] (`mount()`,
//! behind the custom element). What they show is decided in [`crate::view`]; the
//! components read signals and render. Also here: what some components share
//! (`page_context`: the standalone page's context; `table_state`: the rejected-records
//! table's query and page) and the browser helpers: [`intl`] (dates and numbers through
//! the browser's `Intl`), `clock` (one shared "now"), `download` (a file saved from the
//! page) and [`lowercase`] (the browser's `toLowerCase`, which the table gives
//! `view::record_query` for its search). Every
//! failure is shown with `role="alert"`; the DOM hooks documented in docs/embedding.md
//! (`data-dataset-version`, `data-import-status`, …) are a contract.

mod app;
mod badge;
mod clock;
mod count_bar;
mod dataset_header;
mod dataset_skeleton;
mod download;
pub mod embed;
mod error_message;
mod front_door;
mod id_text;
mod import_details;
mod import_list;
pub mod intl;
mod lazy;
mod live_status;
pub mod lowercase;
mod monitor;
mod notify;
mod notify_on_finish;
mod page;
mod page_context;
mod record_chips;
mod record_filter;
mod record_pager;
mod record_row;
mod record_table;
mod schema_view;
mod table_state;
mod timestamp;
mod upload_panel;
mod v3_section;
mod v4_section;

pub use app::App;
pub use badge::{DatasetBadge, ImportBadge};
pub use dataset_header::DatasetHeader;
pub use error_message::ErrorMessage;
pub use import_details::ImportDetails;
pub use monitor::Monitor;
pub use page::start_demo;
pub use record_table::RecordTable;
pub use upload_panel::SchemaKeys;
pub use v3_section::V3Section;
pub use v4_section::V4Section;
