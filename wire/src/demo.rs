//! The ids of the demo scenarios in `fixtures/demo`, typed out here once for Rust: the
//! tests, the benchmarks and the widget's hints take them from here, and
//! `scripts/make-demo-fixtures.py` reads them from this file (every `pub const` below,
//! and [`demo_reference_v3!`](crate::demo_reference_v3)) to write the scenarios.
//! JavaScript takes them from `DEMO` in `tests/support/stack.mjs`. `docs/proxy.md`
//! ("Demo scenarios") says what each one shows.

/// V4 with every field type (`3fa85f64-…`).
pub const V4_MAIN: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
/// Its import walking `uninitialised → queued → processing → partial`, one step per
/// request.
pub const LIFECYCLE_IMPORT: &str = "6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b10";
/// Its import that `failed` with a reason.
pub const FAILED_IMPORT: &str = "6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b11";
/// Prolific's reference import example, verbatim (under [`V4_MAIN`]).
pub const REFERENCE_IMPORT: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
/// V4 followed as a whole: two imports move to `complete` and `partial`.
pub const BUSY: &str = "9d2e4f60-1a3b-4c5d-8e7f-00112233aaaa";
/// Its import that is `complete` (in the dataset's list of imports).
pub const COMPLETE_IMPORT: &str = "6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b12";
/// [`BUSY`]'s import of `morning.jsonl`, moving to `complete`.
pub const BUSY_JSONL_IMPORT: &str = "9d2e4f60-1a3b-4c5d-8e7f-001122334455";
/// [`BUSY`]'s import of `evening.csv`, moving to `partial` (its uploaded file is in
/// `fixtures/demo/uploads`).
pub const BUSY_CSV_IMPORT: &str = "9d2e4f60-1a3b-4c5d-8e7f-001122334456";
/// V4 without a schema.
pub const NO_SCHEMA: &str = "4b0e2d1c-9a8f-4e7d-8c6b-5a4f3e2d1c0b";
/// Its import in `pending_schema`.
pub const PENDING_SCHEMA_IMPORT: &str = "6c1f3a52-7d4e-4b8a-9f21-0a5e7c3d2b13";
/// [`REFERENCE_V3`] as a literal, for `concat!` and format strings: the widget's hints
/// quote it as the example of an id.
#[macro_export]
macro_rules! demo_reference_v3 {
    () => {
        "0192a3b5-e8f9-7a0b-1c2d-3e4f5a6b7c8d"
    };
}
/// Prolific's reference dataset example, verbatim (V3, `ERROR`).
pub const REFERENCE_V3: &str = demo_reference_v3!();
/// V3 `READY`.
pub const V3_READY: &str = "3d7a0c11-2b44-4c55-8d66-7e8f90a1b2c3";
/// V3 `PROCESSING`.
pub const V3_PROCESSING: &str = "3d7a0c11-2b44-4c55-8d66-7e8f90a1b2c4";
/// V3 `UNINITIALISED`.
pub const V3_UNINITIALISED: &str = "3d7a0c11-2b44-4c55-8d66-7e8f90a1b2c5";
/// No scenario: the mock answers 404 in Prolific's error shape.
pub const UNKNOWN: &str = "00000000-0000-4000-8000-000000000404";
/// 429 with `Retry-After: 1`, then the dataset.
pub const RATE_LIMITED: &str = "00000000-0000-4000-8000-000000000429";
/// 502 with an HTML body, then the dataset.
pub const FLAKY: &str = "00000000-0000-4000-8000-000000000502";
/// A 200 body of the wrong shape.
pub const MALFORMED: &str = "00000000-0000-4000-8000-0000000000e1";
/// Answers after 20 s (slower than the client's timeout).
pub const SLOW: &str = "00000000-0000-4000-8000-0000000000d1";
/// The fault drills' ids, each this prefix and three characters: `fa000000-…-000000000503`
/// answers `PROCESSING`, then an HTTP 503, then `READY` (the suffixes are in
/// `scripts/make-demo-fixtures.py`, `faults()`).
pub const FAULT_DRILL_PREFIX: &str = "fa000000-0000-4000-8000-000000000";
/// The error-body scenarios' ids, each this prefix and three characters (`e01` to `e11`):
/// one shape of error body each, on every request.
pub const ERROR_BODY_PREFIX: &str = "e4000000-0000-4000-8000-000000000";
/// Shaped like Prolific's CLI reads it (V4).
pub const CLI_V4: &str = "c1100000-0000-4000-8000-000000000001";
/// V3 with one field that cannot be read.
pub const CLI_V3: &str = "c1100000-0000-4000-8000-000000000002";
/// `partial` without `import_id` (under [`CLI_V4`]).
pub const CLI_PARTIAL: &str = "c1100000-0000-4000-8000-000000000011";
/// `failed` listing 21 record errors of 25 rejected (under [`CLI_V4`]).
pub const CLI_FAILED: &str = "c1100000-0000-4000-8000-000000000012";
/// A bare `{"status": "processing"}`, then `complete` (under [`CLI_V4`]).
pub const CLI_POLLED: &str = "c1100000-0000-4000-8000-000000000013";
/// A dataset whose import never finishes (for soak runs and benchmarks).
pub const ENDLESS: &str = "50a50a50-0000-4000-8000-000000000001";
/// Its import, `processing` for ever.
pub const ENDLESS_IMPORT: &str = "50a50a50-0000-4000-8000-000000000002";

/// Every dataset id above that has a scenario file (`datasets/{id}.json`).
pub const DATASETS: [&str; 11] = [
    V4_MAIN,
    BUSY,
    NO_SCHEMA,
    REFERENCE_V3,
    V3_READY,
    RATE_LIMITED,
    FLAKY,
    MALFORMED,
    SLOW,
    CLI_V4,
    ENDLESS,
];

/// Every (dataset id, import id) above that has a scenario file.
pub const IMPORTS: [(&str, &str); 8] = [
    (V4_MAIN, LIFECYCLE_IMPORT),
    (V4_MAIN, FAILED_IMPORT),
    (V4_MAIN, REFERENCE_IMPORT),
    (NO_SCHEMA, PENDING_SCHEMA_IMPORT),
    (CLI_V4, CLI_PARTIAL),
    (CLI_V4, CLI_FAILED),
    (CLI_V4, CLI_POLLED),
    (ENDLESS, ENDLESS_IMPORT),
];
