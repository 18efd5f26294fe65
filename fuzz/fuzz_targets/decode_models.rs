//! Model decoding from arbitrary bytes: never a panic, whatever arrives.
#![no_main]

use dataset_monitor::api::{ApiError, Dataset, ImportJob, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(dataset) = decode::<Dataset>(text) {
        let _ = dataset_monitor::live::Activity::of_dataset(&dataset);
    }
    if let Ok(job) = decode::<ImportJob>(text) {
        let _ = (job.errors_truncated(), job.newly_written(), job.status.is_terminal());
    }
    if let Ok(error) = serde_json::from_str::<ApiError>(text) {
        let _ = error.summary();
    }
});
