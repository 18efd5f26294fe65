//! Components, one per file. Every failure is shown with `role="alert"`; the DOM hooks
//! documented in the README (`data-dataset-version`, `data-import-status`, …) are a
//! contract.

mod app;
mod badge;
mod clock;
mod dataset_header;
mod download;
mod error_message;
mod format;
mod import_details;
mod record_table;
mod time;
mod v3_section;
mod v4_section;

pub use app::{App, Monitor, start_demo};
pub use badge::{DatasetBadge, ImportBadge};
pub use dataset_header::DatasetHeader;
pub use error_message::ErrorMessage;
pub use import_details::ImportDetails;
pub use record_table::RecordTable;
pub use v3_section::V3Section;
pub use v4_section::V4Section;
