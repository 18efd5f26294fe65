//! The allow-list: the only two paths the proxy (and the mock) answer, matched on the
//! raw request path. The paths and the id check are the wire contract the widget builds
//! its requests with (`dataset_wire`), defined there once.

pub use dataset_wire::{IMPORTS_SEGMENT, PREFIX, is_uuid};

/// One of the two allowed routes, with ids known to be hyphenated UUIDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRoute {
    /// `GET /api/v1/data-collection/datasets/{dataset_id}`
    Dataset {
        /// The dataset id.
        dataset_id: String,
    },
    /// `GET /api/v1/data-collection/datasets/{dataset_id}/imports/{import_id}`
    Import {
        /// The dataset id.
        dataset_id: String,
        /// The import id.
        import_id: String,
    },
}

/// Why a path is not an allowed route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteError {
    /// Not one of the two routes at all.
    NotFound,
    /// The shape of a route, but an id that is not a hyphenated UUID.
    BadId(&'static str),
}

impl ApiRoute {
    /// Matches a raw (still percent-encoded) request path. Anything but the exact shape
    /// `PREFIX{uuid}` or `PREFIX{uuid}/imports/{uuid}` is refused: no encoded bytes,
    /// dot segments, empty segments or trailing slash can slip through, because a UUID
    /// segment has only hex digits and hyphens.
    pub fn from_raw_path(path: &str) -> Result<Self, RouteError> {
        let rest = path.strip_prefix(PREFIX).ok_or(RouteError::NotFound)?;
        let mut segments = rest.split('/');
        let dataset = segments.next().unwrap_or_default();
        match (segments.next(), segments.next(), segments.next()) {
            (None, None, None) => {
                let dataset_id = uuid_segment(dataset, "dataset id")?;
                Ok(ApiRoute::Dataset { dataset_id })
            }
            (Some(IMPORTS_SEGMENT), Some(import), None) => {
                let dataset_id = uuid_segment(dataset, "dataset id")?;
                let import_id = uuid_segment(import, "import id")?;
                Ok(ApiRoute::Import {
                    dataset_id,
                    import_id,
                })
            }
            _ => Err(RouteError::NotFound),
        }
    }

    /// The dataset id (both routes have one).
    pub fn dataset_id(&self) -> &str {
        match self {
            ApiRoute::Dataset { dataset_id } | ApiRoute::Import { dataset_id, .. } => dataset_id,
        }
    }

    /// The path of this route (identical to the path it was matched from).
    pub fn path(&self) -> String {
        match self {
            ApiRoute::Dataset { dataset_id } => dataset_wire::dataset_path(dataset_id),
            ApiRoute::Import {
                dataset_id,
                import_id,
            } => dataset_wire::import_path(dataset_id, import_id),
        }
    }
}

fn uuid_segment(segment: &str, what: &'static str) -> Result<String, RouteError> {
    if is_uuid(segment) {
        Ok(segment.to_owned())
    } else {
        Err(RouteError::BadId(what))
    }
}
