//! `Retry-After` parsing and the delay it gives: never a panic, never a wait past the
//! HTTP date it names.
#![no_main]

use dataset_monitor::api::RetryAfter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u64)| {
    let (value, now) = input;
    if let Some(parsed) = RetryAfter::parse(value) {
        let delay = parsed.delay_from(now);
        if let RetryAfter::At { epoch_ms } = parsed {
            assert!(delay.as_millis() <= u128::from(epoch_ms.saturating_sub(now)));
        }
    }
});
