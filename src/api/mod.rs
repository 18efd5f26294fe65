//! The API layer: typed models of both endpoints, their errors, and (in the browser)
//! the client that fetches them through the proxy.

mod error;
mod ids;
mod in_order;
mod json_path;
mod lenient;
mod model;
mod open_enum;
mod raw;
mod retry_after;

#[cfg(target_arch = "wasm32")]
mod client;

#[cfg(target_arch = "wasm32")]
pub use client::ApiClient;
pub use error::{ApiError, ClientError, ErrorDetail};
pub use ids::{DatasetId, ImportId, InvalidId, dataset_path, import_path};
pub use in_order::InOrder;
pub use json_path::json_path_at;
pub use lenient::Unreadable;
pub use model::{
    Dataset, DatasetDetails, DatasetSchema, DatasetStatus, FieldType, ImportJob, ImportStatus,
    ImportType, RAW_RECORD_FIELD, RecordError, SchemaField, SchemaVersion, V3Details, V4Details,
};
pub use retry_after::RetryAfter;

/// The client's default limit for one request, in milliseconds (15 s).
pub const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 15_000;

/// Decodes JSON (bytes or text) into `T`, reporting the JSON path where decoding failed.
pub fn decode<T: serde::de::DeserializeOwned>(json: impl AsRef<[u8]>) -> Result<T, ClientError> {
    let json = json.as_ref();
    // `Response.text()` dropped a byte-order mark; bytes keep it, and serde_json refuses it.
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    serde_json::from_slice(json).map_err(|e| ClientError::Decode {
        path: json_path_at(json, json_path::offset_of(json, e.line(), e.column())),
        message: e.to_string(),
    })
}
