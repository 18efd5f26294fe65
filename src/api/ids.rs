//! Dataset and import ids, checked before they go into a URL, and the two route paths
//! built from them (the wire contract itself is `dataset_wire`, shared with the proxy).

use std::fmt;

/// Why an id was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidId {
    /// Which id (`dataset id`, `import id`).
    pub what: &'static str,
    /// The value as given.
    pub value: String,
}

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.trim().is_empty() {
            write!(f, "the {} is missing", self.what)
        } else {
            write!(
                f,
                concat!(
                    "the {} {:?} is not a UUID (expected 8-4-4-4-12 hex digits, like ",
                    dataset_wire::demo_reference_v3!(),
                    ")"
                ),
                self.what, self.value
            )
        }
    }
}

impl std::error::Error for InvalidId {}

/// Accepts only the hyphenated 36-character UUID form ([`dataset_wire::is_uuid`], the
/// check the proxy's gate makes), so an id is always one safe path segment.
fn parse_uuid(what: &'static str, value: &str) -> Result<String, InvalidId> {
    let trimmed = value.trim();
    if dataset_wire::is_uuid(trimmed) {
        Ok(trimmed.to_owned())
    } else {
        Err(InvalidId {
            what,
            value: value.to_owned(),
        })
    }
}

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Parses a hyphenated UUID, ignoring surrounding whitespace.
            pub fn parse(value: &str) -> Result<Self, InvalidId> {
                parse_uuid($what, value).map(Self)
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

uuid_id!(
    /// The id of an AI Task Builder dataset (a UUID).
    DatasetId,
    "dataset id"
);
uuid_id!(
    /// The id of an import job (a UUID).
    ImportId,
    "import id"
);

/// The path of the dataset route, relative to the proxy base URL.
pub fn dataset_path(dataset: &DatasetId) -> String {
    dataset_wire::dataset_path(dataset.as_str())
}

/// The path of the import route, relative to the proxy base URL.
pub fn import_path(dataset: &DatasetId, import: &ImportId) -> String {
    dataset_wire::import_path(dataset.as_str(), import.as_str())
}
