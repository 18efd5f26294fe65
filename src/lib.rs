//! Prolific Dataset Monitor: a browser widget that shows an AI Task Builder dataset and
//! follows its imports, talking to Prolific only through `dataset-proxy`.
//!
//! Data flows one way: [`config`] → [`api`] (typed models and client) → `ui`. The
//! models and configuration are plain Rust and tested natively; the client and the
//! components exist only on `wasm32`.

pub mod api;
pub mod config;
pub mod live;
pub mod present;
pub mod records;

#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod panic_notice;
#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub use ui::start_demo;
