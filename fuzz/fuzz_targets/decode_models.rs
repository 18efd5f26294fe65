//! Model decoding from arbitrary bytes: never a panic, whatever arrives — datasets,
//! imports (with what could not be read, and the count bar drawn from them) and error
//! bodies of any shape, JSON or not.
#![no_main]

use dataset_monitor::api::{ApiError, Dataset, ImportJob, decode};
use dataset_monitor::view::present::{as_utc, bar_label, bar_parts, unreadable_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Error bodies arrive as bytes, valid UTF-8 or not, JSON or not.
    if let Some(error) = ApiError::from_body(data, Some("text/plain")) {
        let _ = (error.summary(), error.denies_feature());
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(dataset) = decode::<Dataset>(text) {
        let _ = dataset_monitor::live::Activity::of_dataset(&dataset);
        let _ = unreadable_line(&dataset.unreadable);
        let _ = dataset.created_at.as_deref().map(as_utc);
    }
    if let Ok(mut job) = decode::<ImportJob>(text) {
        let _ = (job.errors_truncated(), job.newly_written(), job.status.processing_ended());
        let _ = bar_label(&bar_parts(&job), |n| n.to_string());
        let _ = unreadable_line(&job.unreadable);
        job.belongs_to("d", "i");
    }
    if let Ok(error) = serde_json::from_str::<ApiError>(text) {
        let _ = error.summary();
    }
    let _ = as_utc(text);
});
