//! `dataset-proxy`: the only thing that holds a Prolific token. `serve` forwards two
//! read-only routes to Prolific; `mock` answers the same routes from scenario files.
//!
//! # Layout
//!
//! ```text
//! main.rs ─▶ run ─┬─▶ cli          the flags, checked into a plan (ServeArgs ─▶ ServePlan)
//!                 ├─▶ shutdown     SIGINT / SIGTERM
//!                 ├─▶ serve        the request pipeline, in the order its checks run:
//!                 │     framing      no body, one Host
//!                 │     hosts        the Host allow-list (DNS rebinding)
//!                 │     caller       user header / X-Forwarded-For from trusted proxies
//!                 │     rate_limit   per-caller token buckets
//!                 │     cors         CORS preflights answered; an allowed origin's headers
//!                 │     origin       Origin / Sec-Fetch-Site
//!                 │     access       allowed datasets and workspaces (judged on answers)
//!                 │     coalesce     one upstream call per key, a short-lived cache
//!                 │     upstream     the one outbound client (hyper + rustls)
//!                 │     answer       upstream answers checked before they are passed on
//!                 │     token        the token, never printed
//!                 │     metrics      Prometheus counters; admin: /healthz and /metrics
//!                 ├─▶ mock ─▶ scenario   scenario files and the embedded demo
//!                 └─▶ connections  acceptor, a runtime per core, caps, timeouts,
//!                                  graceful shutdown (both modes run on it)
//!
//! cli ─▶ serve, connections        the types a plan is made of
//! serve ─▶ connections             caller (client_key), metrics (RefusalCounter)
//!
//! shared by both modes: gate (which requests are allowed) ─▶ routes (the two paths,
//!                       from the dataset-wire crate), error (StartError: why startup failed),
//!                       problem (Prolific-shaped local errors), site (static files),
//!                       encoding (content codings of API answers),
//!                       request_log (one line per request)
//! ```
//!
//! Arrows point from a module to what it uses; `mock` uses nothing under `serve`,
//! `connections` nothing of either mode, and `error` nothing but `std`.

pub mod cli;
pub mod connections;
pub mod encoding;
pub mod error;
pub(crate) mod gate;
pub mod mock;
pub(crate) mod problem;
pub(crate) mod request_log;
pub mod routes;
pub mod run;
pub mod serve;
pub mod shutdown;
pub mod site;
