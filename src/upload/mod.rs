//! Rejected records beside their errors: the file the researcher uploaded, opened in the
//! browser (it never leaves it), cut into records and joined with the import's errors.
//! Plain Rust, compiled and tested natively; only `ui::upload_panel` touches the browser
//! (the File API reader and the controls).
//!
//! - [`index`]: the streaming record indexer (JSONL lines with `memchr`, CSV with
//!   `csv-core`): record count, physical line numbers, the bytes of wanted records only,
//!   under a memory cap.
//! - [`join`]: the checks (a file too short to be the upload is refused; another name or
//!   record count is said in one line), each record's fields, its search text.
//! - [`export`]: the rejected records in the file's own format, and which fields were
//!   missing or extra compared with the schema.

pub mod export;
pub mod index;
pub mod join;

pub use index::{Format, Indexed, Indexer, Kept};
pub use join::{Fields, Joined};
