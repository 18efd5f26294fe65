//! The presentation layer. The view logic is plain Rust, compiled and tested natively:
//! [`present`] (the words, tones and icons for statuses and errors, the count bar),
//! [`records`] (the rejected-records table's filtering, sorting, paging and CSV),
//! [`door`] (the front door's recent list and demo scenarios), [`share`] (the
//! standalone page's view state in its URL) and [`tab`] (tab title, favicon and
//! notification words). The components, one per file, the standalone page (`page`:
//! the front door or the monitor, its URL, title and storage), [`embed`] (`mount()`,
//! behind the custom element) and `lowercase` (the browser's `toLowerCase`, which the
//! table gives `records` for its search) exist only on `wasm32`. Every failure is shown with
//! `role="alert"`; the DOM hooks documented in the README (`data-dataset-version`,
//! `data-import-status`, …) are a contract.

pub mod door;
pub mod present;
pub mod records;
pub mod share;
pub mod tab;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod badge;
#[cfg(target_arch = "wasm32")]
mod clock;
#[cfg(target_arch = "wasm32")]
mod dataset_header;
#[cfg(target_arch = "wasm32")]
mod download;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
mod error_message;
#[cfg(target_arch = "wasm32")]
pub mod format;
#[cfg(target_arch = "wasm32")]
mod front_door;
#[cfg(target_arch = "wasm32")]
mod id_text;
#[cfg(target_arch = "wasm32")]
mod import_details;
#[cfg(target_arch = "wasm32")]
pub mod lowercase;
#[cfg(target_arch = "wasm32")]
mod notify;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod record_table;
#[cfg(target_arch = "wasm32")]
mod time;
#[cfg(target_arch = "wasm32")]
mod upload_panel;
#[cfg(target_arch = "wasm32")]
mod v3_section;
#[cfg(target_arch = "wasm32")]
mod v4_section;

#[cfg(target_arch = "wasm32")]
pub use app::{App, Monitor};
#[cfg(target_arch = "wasm32")]
pub use badge::{DatasetBadge, ImportBadge};
#[cfg(target_arch = "wasm32")]
pub use dataset_header::DatasetHeader;
#[cfg(target_arch = "wasm32")]
pub use error_message::ErrorMessage;
#[cfg(target_arch = "wasm32")]
pub use import_details::ImportDetails;
#[cfg(target_arch = "wasm32")]
pub use page::start_demo;
#[cfg(target_arch = "wasm32")]
pub use record_table::RecordTable;
#[cfg(target_arch = "wasm32")]
pub use upload_panel::SchemaKeys;
#[cfg(target_arch = "wasm32")]
pub use v3_section::V3Section;
#[cfg(target_arch = "wasm32")]
pub use v4_section::V4Section;
