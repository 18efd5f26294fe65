//! `dataset-proxy`: the only thing that holds a Prolific token. `serve` forwards two
//! read-only routes to Prolific; `mock` answers the same routes from scenario files.
//!
//! # Layout
//!
//! ```text
//! main.rs ─▶ cli ─┬─▶ serve ─▶ connections   one acceptor, one runtime per core, caps, timeouts
//!                 │     │     upstream        the one outbound client (hyper + rustls)
//!                 │     │     token           the token, never printed
//!                 │     │     rate_limit      per-caller token buckets
//!                 │     ▼
//!                 └─▶ mock ─▶ scenario        scenario files and the embedded demo
//!
//! shared by both modes: gate (which requests are allowed) ─▶ routes (the two paths),
//!                       problem (Prolific-shaped local errors), site (static files),
//!                       request_log (one line per request)
//! ```
//!
//! Arrows point from a module to what it uses; nothing under `mock` is used by `serve`
//! and nothing under `serve` by `mock`.

pub mod cli;
pub mod gate;
pub mod mock;
pub mod problem;
pub mod request_log;
pub mod routes;
pub mod serve;
pub mod site;
