//! `dataset-proxy`: the only thing that holds a Prolific token. `serve` forwards two
//! read-only routes to Prolific; `mock` answers the same routes from scenario files.

pub mod admin;
pub mod cli;
pub mod coalesce;
pub mod gate;
pub mod metrics;
pub mod mock;
pub mod problem;
pub mod rate_limit;
pub mod request_log;
pub mod routes;
pub mod scenario;
pub mod serve;
pub mod site;
pub mod token;
pub mod upstream;
pub mod workers;
