//! The polling policy: given what the last poll saw and the history so far, when to
//! poll next, or why to stop. Plain Rust with an injected clock and randomness, so it
//! is tested natively.

use crate::api::{ClientError, Dataset, DatasetDetails, DatasetStatus, ImportStatus};

/// The pacing of polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    /// Between polls while something is running (`uninitialised`, `queued`, `processing`).
    pub running_ms: u32,
    /// Between polls of something that waits for a person (`pending_schema`) or that
    /// this version does not understand (an unknown status).
    pub slow_ms: u32,
    /// The first back-off after a failure.
    pub backoff_min_ms: u32,
    /// The longest back-off.
    pub backoff_max_ms: u32,
    /// The longest `Retry-After` honoured (a larger one is clamped to this; one shorter
    /// than `backoff_min_ms` is raised to that).
    pub retry_after_max_ms: u32,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            running_ms: 2_000,
            slow_ms: 30_000,
            backoff_min_ms: 1_000,
            backoff_max_ms: 60_000,
            retry_after_max_ms: 3_600_000,
        }
    }
}

/// The slowest a hidden page that opted in to be notified is polled: its pace is never
/// faster than one poll in this many milliseconds.
pub const HIDDEN_MIN_MS: u32 = 15_000;

/// What one poll saw.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// A successful answer whose state is summed up by this activity.
    Answer(Activity),
    /// A failed request.
    Failure(ClientError),
}

/// How lively the thing followed is, which decides how often it is polled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// It changes on its own soon: poll at the running rate.
    Running,
    /// It waits for a person (`pending_schema`: the docs call it terminal, yet a schema
    /// being added moves it on) or is not understood: poll at the slow rate.
    Waiting,
    /// It will not change any more (`complete`, `partial`, `failed`): stop polling.
    Finished,
}

impl Activity {
    /// The activity of an import with this status.
    pub fn of_import(status: &ImportStatus) -> Self {
        match status {
            ImportStatus::Uninitialised | ImportStatus::Queued | ImportStatus::Processing => {
                Activity::Running
            }
            ImportStatus::PendingSchema | ImportStatus::Other(_) => Activity::Waiting,
            ImportStatus::Complete | ImportStatus::Partial | ImportStatus::Failed => {
                Activity::Finished
            }
        }
    }

    /// The activity of a dataset: the liveliest of its imports (V4), or its own status
    /// (V3: `PROCESSING` is running, an unknown status waits, the rest are finished).
    pub fn of_dataset(dataset: &Dataset) -> Self {
        match &dataset.details {
            DatasetDetails::V4(v4) => v4
                .imports
                .iter()
                .map(|job| Activity::of_import(&job.status))
                .min_by_key(Activity::rank)
                .unwrap_or(Activity::Finished),
            DatasetDetails::V3(v3) => match &v3.status {
                Some(DatasetStatus::Processing) => Activity::Running,
                Some(DatasetStatus::Other(_)) => Activity::Waiting,
                _ => Activity::Finished,
            },
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Activity::Running => 0,
            Activity::Waiting => 1,
            Activity::Finished => 2,
        }
    }
}

/// Why the next poll waits as long as it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// The normal pace while something runs.
    Running,
    /// The slow pace while something waits for a person.
    Waiting,
    /// Backing off after `attempt` failures in a row.
    Backoff {
        /// Failures in a row so far (1 after the first).
        attempt: u32,
    },
    /// The server asked to wait (`Retry-After`).
    RetryAfter {
        /// Failures in a row so far.
        attempt: u32,
    },
}

/// Why polling stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The thing followed reached a final state.
    Finished,
    /// An answer that retrying cannot change (401, 403, 404, 400, …), with its status.
    Refused(u16),
    /// The configuration cannot produce a valid request.
    InvalidConfig,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Poll again after `delay_ms`.
    PollAfter {
        /// How long to wait, in milliseconds.
        delay_ms: u32,
        /// Why that long.
        reason: WaitReason,
    },
    /// Do not poll again (until a person asks).
    Stop(StopReason),
}

/// The history the policy keeps between polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PollHistory {
    /// Failures in a row since the last success.
    pub failures: u32,
}

impl PollPolicy {
    /// Decides the next step after `observation`, updating `history`. `now_epoch_ms` turns
    /// an HTTP-date `Retry-After` into a delay; `random` in `[0, 1)` draws the jitter.
    pub fn decide(
        &self,
        history: &mut PollHistory,
        observation: &Observation,
        now_epoch_ms: u64,
        random: f64,
    ) -> Decision {
        match observation {
            Observation::Answer(activity) => {
                history.failures = 0;
                match activity {
                    Activity::Running => Decision::PollAfter {
                        delay_ms: self.running_ms,
                        reason: WaitReason::Running,
                    },
                    Activity::Waiting => Decision::PollAfter {
                        delay_ms: self.slow_ms,
                        reason: WaitReason::Waiting,
                    },
                    Activity::Finished => Decision::Stop(StopReason::Finished),
                }
            }
            Observation::Failure(error) => {
                history.failures = history.failures.saturating_add(1);
                let attempt = history.failures;
                match error {
                    ClientError::InvalidConfig(_) => Decision::Stop(StopReason::InvalidConfig),
                    ClientError::Http {
                        status,
                        retry_after,
                        ..
                    } => match *status {
                        429 | 503 if retry_after.is_some() => {
                            let wait = retry_after
                                .map(|r| r.delay_from(now_epoch_ms))
                                .unwrap_or_default();
                            // At least the minimum back-off: a date in the past (clock skew)
                            // or `0` would otherwise mean an instant retry.
                            let ms = u32::try_from(wait.as_millis())
                                .unwrap_or(u32::MAX)
                                .min(self.retry_after_max_ms)
                                .max(self.backoff_min_ms);
                            Decision::PollAfter {
                                delay_ms: ms,
                                reason: WaitReason::RetryAfter { attempt },
                            }
                        }
                        400 | 401 | 403 | 404 | 405 | 410 | 422 => {
                            Decision::Stop(StopReason::Refused(*status))
                        }
                        _ => self.backoff(attempt, random),
                    },
                    ClientError::Network(_)
                    | ClientError::Timeout { .. }
                    | ClientError::Decode { .. } => self.backoff(attempt, random),
                }
            }
        }
    }

    /// The delay before the next poll of a hidden page that opted in to be notified
    /// (a page that did not opt in makes no request while hidden): what [`Self::decide`]
    /// chose (so back-off and `Retry-After` still hold), but never less than
    /// [`HIDDEN_MIN_MS`] nor less than the configured running pace.
    pub fn hidden_delay(&self, delay_ms: u32) -> u32 {
        delay_ms.max(HIDDEN_MIN_MS).max(self.running_ms)
    }

    /// Exponential back-off with full jitter: a uniform draw below
    /// `min(max, min_ms · 2^(attempt−1))`, never shorter than `backoff_min_ms`.
    fn backoff(&self, attempt: u32, random: f64) -> Decision {
        let exponent = attempt.saturating_sub(1).min(31);
        let cap = (u64::from(self.backoff_min_ms) << exponent).min(u64::from(self.backoff_max_ms));
        let random = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let drawn = (cap as f64 * random) as u64;
        let delay = drawn.clamp(
            u64::from(self.backoff_min_ms),
            cap.max(u64::from(self.backoff_min_ms)),
        );
        Decision::PollAfter {
            delay_ms: u32::try_from(delay).unwrap_or(self.backoff_max_ms),
            reason: WaitReason::Backoff { attempt },
        }
    }
}
