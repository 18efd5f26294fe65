//! Live updates: the polling policy (plain Rust) and, in the browser, the driver that
//! runs it on gloo-timers and feeds the components.

pub mod policy;

#[cfg(target_arch = "wasm32")]
pub mod driver;

pub use policy::{
    Activity, Decision, Observation, PollHistory, PollPolicy, StopReason, WaitReason,
};
