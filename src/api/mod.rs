//! The API layer: typed models of both endpoints, their errors, and (in the browser)
//! the client that fetches them through the proxy.

mod error;
mod ids;
mod model;
mod open_enum;
mod retry_after;

#[cfg(target_arch = "wasm32")]
mod client;

#[cfg(target_arch = "wasm32")]
pub use client::ApiClient;
pub use error::{ApiError, ClientError, ErrorDetail};
pub use ids::{DatasetId, ImportId, InvalidId, dataset_path, import_path};
pub use model::{
    Dataset, DatasetDetails, DatasetSchema, DatasetStatus, FieldType, ImportJob, ImportStatus,
    ImportType, RAW_RECORD_FIELD, RecordError, SchemaField, SchemaVersion, V3Details, V4Details,
};
pub use retry_after::RetryAfter;

/// Decodes JSON text into `T`, reporting the JSON path where decoding failed.
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ClientError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| ClientError::Decode {
        path: e.path().to_string(),
        message: e.into_inner().to_string(),
    })
}
