//! Components. Every failure is shown with `role="alert"`; the DOM hooks documented in
//! the README (`data-dataset-version`, …) are a contract.

mod app;

pub use app::{App, start_demo};
