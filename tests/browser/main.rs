//! The browser tests: one wasm-bindgen-test binary (one link step), run in Chromium,
//! Firefox ESR and WebKitGTK by `scripts/test` against `dataset-proxy mock` (its URL is
//! baked in at build time from `DATASET_MONITOR_TEST_API`; [`support::API`]). Each module
//! is one suite; [`support`] holds what they share.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod support;

mod client;
mod early;
mod faults;
mod live;
mod tolerance;
mod ui;
