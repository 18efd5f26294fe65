//! The wire contract between the widget and `dataset-proxy`, defined once: the two
//! routes' paths (the upstream paths, unchanged) and what an id in them may be. The
//! widget builds its request paths with [`dataset_path`] and [`import_path`]; the
//! proxy's gate (`dataset_proxy::routes`) accepts exactly the paths these build from
//! ids that pass [`is_uuid`]. [`demo`] names the demo scenarios' ids for the tests.
//! No dependencies, so it costs the widget nothing it did not already carry.

pub mod demo;

/// The path prefix of both routes.
pub const PREFIX: &str = "/api/v1/data-collection/datasets/";

/// The segment between the dataset id and the import id of the import route.
pub const IMPORTS_SEGMENT: &str = "imports";

/// Whether `segment` is a hyphenated UUID (8-4-4-4-12 hex digits, either case): the only
/// form an id may take, so that an id is always one safe path segment.
pub fn is_uuid(segment: &str) -> bool {
    segment.len() == 36
        && segment.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `/api/v1/data-collection/datasets/{dataset_id}`: the dataset route.
pub fn dataset_path(dataset_id: &str) -> String {
    format!("{PREFIX}{dataset_id}")
}

/// `/api/v1/data-collection/datasets/{dataset_id}/imports/{import_id}`: the import route.
pub fn import_path(dataset_id: &str, import_id: &str) -> String {
    format!("{PREFIX}{dataset_id}/{IMPORTS_SEGMENT}/{import_id}")
}
