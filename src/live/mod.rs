//! Live updates: what to do next, in plain Rust ([`policy`]: when to poll;
//! [`events`]: which events a status fires), and, in the browser, the driver that runs
//! them on gloo-timers and feeds the components, with its page-visibility listener.

pub mod events;
pub mod policy;

#[cfg(target_arch = "wasm32")]
pub mod driver;
#[cfg(target_arch = "wasm32")]
mod visibility;

pub use events::{SeenImports, StatusChange};
pub use policy::{
    Activity, Decision, HIDDEN_MIN_MS, Observation, PollHistory, PollPolicy, StopReason, WaitReason,
};
