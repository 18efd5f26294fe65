//! The per-caller rate limit: a keyed token bucket shared by every worker, answering 429
//! with `Retry-After` once a caller (a user named by a trusted front proxy, or a client
//! address) is over its quota.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::problem::Problem;
use crate::serve::caller::Caller;

/// A rate limit per caller. Clones share one set of buckets.
#[derive(Clone)]
pub struct RateLimit(Arc<DefaultKeyedRateLimiter<Caller>>);

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimit").finish_non_exhaustive()
    }
}

impl RateLimit {
    /// `per_minute` requests per minute per caller, after a burst of `burst`.
    /// Idle clients are dropped now and then (when called inside a Tokio runtime), so
    /// the memory stays bounded.
    pub fn new(per_minute: NonZeroU32, burst: NonZeroU32) -> Self {
        let limiter = Arc::new(RateLimiter::keyed(
            Quota::per_minute(per_minute).allow_burst(burst),
        ));
        spawn_sweeper(Arc::clone(&limiter));
        Self(limiter)
    }

    /// Counts a request against `caller`. Over the quota, returns the answer to give
    /// instead: 429 with `Retry-After`.
    pub fn refusal(&self, caller: &Caller) -> Option<Response> {
        let not_until = self.0.check_key(caller).err()?;
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut response = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many requests from you; retry in {seconds} s."),
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        Some(response)
    }
}

fn spawn_sweeper(limiter: Arc<DefaultKeyedRateLimiter<Caller>>) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        });
    }
}
