//! Typed models of the two responses the widget reads.
//!
//! Written to survive a changing API: unknown enum values are kept as `Other`, optional
//! and nullable fields are `Option`, and unknown extra fields are ignored. Only what the
//! widget cannot work without is required (`id` and `name` of a dataset, `import_id` and
//! `status` of an import), so a body of the wrong shape is still a decode error.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

use super::open_enum::open_enum;

open_enum! {
    /// Processing status of a V3 dataset (V4 datasets track status per import).
    pub enum DatasetStatus {
        /// Processing failed.
        Error = "ERROR",
        /// The uploaded file is being processed.
        Processing = "PROCESSING",
        /// The dataset is ready for use.
        Ready = "READY",
        /// No file has been uploaded yet.
        Uninitialised = "UNINITIALISED",
    }
}

open_enum! {
    /// The type of a field in a V4 dataset schema.
    pub enum FieldType {
        /// A text value shown to participants.
        Text = "text",
        /// A URL of an image shown to participants.
        ImageUrl = "image_url",
        /// A URL of an audio clip shown to participants (listed by newer Prolific docs).
        AudioUrl = "audio_url",
        /// A URL of a video shown to participants (listed by newer Prolific docs).
        VideoUrl = "video_url",
        /// An internal value kept in exports but never shown to participants.
        Metadata = "metadata",
        /// Groups datapoints: rows with the same value go to the same participant.
        TaskGroupId = "task_group_id",
    }
}

open_enum! {
    /// How an import job gets its data.
    pub enum ImportType {
        /// A file uploaded through a presigned URL (the only type documented today).
        FileUpload = "file_upload",
    }
}

open_enum! {
    /// The lifecycle status of a V4 import job.
    pub enum ImportStatus {
        /// The upload URL was requested but no file has arrived yet.
        Uninitialised = "uninitialised",
        /// The file arrived and waits for an earlier import to finish.
        Queued = "queued",
        /// Records are being extracted.
        Processing = "processing",
        /// Every record was accepted.
        Complete = "complete",
        /// Some records were accepted and some rejected (see `errors`).
        Partial = "partial",
        /// Extraction failed entirely (see `reason`).
        Failed = "failed",
        /// The dataset has no schema; the upload waits until one is set.
        PendingSchema = "pending_schema",
    }
}

impl ImportStatus {
    /// Terminal per the Prolific docs: `complete`, `partial`, `failed` and
    /// `pending_schema`. An unknown status is not terminal: it may still move.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Complete | Self::Partial | Self::Failed | Self::PendingSchema
        )
    }
}

/// The dataset's internal version, sent as the string `"3"`/`"4"` by the schema and as
/// the number `3` by the documented example; both are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SchemaVersion {
    /// Legacy CSV/ZIP dataset.
    V3,
    /// Structured schema with import tracking.
    V4,
    /// A version this crate does not know, as it came (numbers are kept as digits).
    Other(String),
}

impl SchemaVersion {
    /// The version as text (`"3"`, `"4"` or the unknown value).
    pub fn as_str(&self) -> &str {
        match self {
            Self::V3 => "3",
            Self::V4 => "4",
            Self::Other(raw) => raw,
        }
    }
}

impl From<&str> for SchemaVersion {
    fn from(raw: &str) -> Self {
        match raw.trim() {
            "3" => Self::V3,
            "4" => Self::V4,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for SchemaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SchemaVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl Visitor<'_> for Visit {
            type Value = SchemaVersion;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a schema version as a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SchemaVersion, E> {
                Ok(SchemaVersion::from(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SchemaVersion, E> {
                Ok(SchemaVersion::from(v.to_string().as_str()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SchemaVersion, E> {
                Ok(SchemaVersion::from(v.to_string().as_str()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<SchemaVersion, E> {
                // `3.0` is still version 3; anything fractional is kept as written.
                if v.fract() == 0.0 && v.abs() < 1e15 {
                    Ok(SchemaVersion::from(format!("{}", v as i64).as_str()))
                } else {
                    Ok(SchemaVersion::Other(decimal(v)))
                }
            }
        }
        d.deserialize_any(Visit)
    }
}

/// An AI Task Builder dataset, as `GET /datasets/{dataset_id}` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "RawDataset")]
pub struct Dataset {
    /// The dataset id.
    pub id: String,
    /// The dataset's name.
    pub name: String,
    /// When it was created (ISO 8601, as sent).
    pub created_at: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// The workspace it belongs to.
    pub workspace_id: Option<String>,
    /// How many datapoints it holds.
    pub total_datapoint_count: Option<u64>,
    /// The version the API reported.
    pub schema_version: SchemaVersion,
    /// The version-specific part: what the widget renders differs between V3 and V4.
    pub details: DatasetDetails,
}

/// The version-specific part of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub enum DatasetDetails {
    /// A legacy CSV/ZIP dataset with one processing status.
    V3(V3Details),
    /// A dataset with a field schema and import jobs.
    V4(V4Details),
}

/// What only a V3 dataset has.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct V3Details {
    /// Processing status, if sent.
    pub status: Option<DatasetStatus>,
    /// Name of the uploaded data file.
    pub filename: Option<String>,
    /// Whether the file has a `META_TASK_GROUP_ID` column; `None` when unknown.
    pub has_predetermined_grouping_id: Option<bool>,
}

/// What only a V4 dataset has.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct V4Details {
    /// The field schema; `None` until a researcher sets one (uploads wait meanwhile).
    pub schema: Option<DatasetSchema>,
    /// Import jobs, most recent first, as the API orders them.
    pub imports: Vec<ImportJob>,
}

/// The researcher-defined field schema of a V4 dataset.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct DatasetSchema {
    /// Whether records missing a schema field are rejected.
    #[serde(default)]
    pub strict: bool,
    /// The fields in the order the API sent them.
    #[serde(default, deserialize_with = "fields_in_order")]
    pub fields: Vec<SchemaField>,
}

/// One field of a dataset schema.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaField {
    /// The key records use for this field.
    pub key: String,
    /// The field's type.
    pub field_type: FieldType,
    /// The human-readable label, if any.
    pub label: Option<String>,
}

/// An import job: one file upload into a V4 dataset.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportJob {
    /// The import's id.
    pub import_id: String,
    /// The dataset it belongs to.
    #[serde(default)]
    pub dataset_id: Option<String>,
    /// How the data arrives.
    #[serde(default, rename = "type")]
    pub import_type: Option<ImportType>,
    /// The original filename.
    #[serde(default)]
    pub filename: Option<String>,
    /// When the job was created (ISO 8601, as sent).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the job last changed (ISO 8601, as sent).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Where the job is in its lifecycle.
    pub status: ImportStatus,
    /// Records ingested (`complete` and `partial`).
    #[serde(default)]
    pub accepted_count: Option<u64>,
    /// Records rejected (`partial`); may exceed the number of `errors` listed.
    #[serde(default)]
    pub rejected_count: Option<u64>,
    /// Record-level errors, possibly fewer than `rejected_count`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub errors: Vec<RecordError>,
    /// Why the import failed; `""` and `null` both read as `None`.
    #[serde(default, deserialize_with = "non_empty_string")]
    pub reason: Option<String>,
    /// When extraction started (progress field read by Prolific's CLI).
    #[serde(default)]
    pub processing_started_at: Option<String>,
    /// How far into the file extraction has got.
    #[serde(default)]
    pub processed_offset: Option<u64>,
    /// Records written so far.
    #[serde(default)]
    pub written_count: Option<u64>,
    /// Duplicate records found.
    #[serde(default)]
    pub duplicate_count: Option<u64>,
    /// Duplicates seen so far while processing.
    #[serde(default)]
    pub duplicate_seen_count: Option<u64>,
    /// Rejections seen so far while processing.
    #[serde(default)]
    pub rejected_seen_count: Option<u64>,
}

impl ImportJob {
    /// Whether more rejections happened than the `errors` list shows.
    pub fn errors_truncated(&self) -> bool {
        self.rejected_count
            .is_some_and(|rejected| rejected > self.errors.len() as u64)
    }

    /// Accepted records that were new: accepted − duplicates when both are known,
    /// else the progress field `written_count` (while processing).
    pub fn newly_written(&self) -> Option<u64> {
        match (self.accepted_count, self.duplicate_count) {
            (Some(accepted), Some(duplicates)) => Some(accepted.saturating_sub(duplicates)),
            _ => self.written_count,
        }
    }

    /// Duplicates: the final count, else the count seen so far.
    pub fn duplicates(&self) -> Option<u64> {
        self.duplicate_count.or(self.duplicate_seen_count)
    }

    /// Rejections: the final count, else the count seen so far.
    pub fn rejected(&self) -> Option<u64> {
        self.rejected_count.or(self.rejected_seen_count)
    }
}

/// The field value that marks a whole-record parse failure.
pub const RAW_RECORD_FIELD: &str = "_raw";

/// Why one record of an upload was rejected; every part may be missing.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct RecordError {
    /// Zero-based index of the record in the uploaded file.
    #[serde(default)]
    pub record_index: Option<u64>,
    /// The schema field at fault; `_raw` for a record that did not parse at all.
    #[serde(default)]
    pub field: Option<String>,
    /// Human-readable reason.
    #[serde(default, deserialize_with = "non_empty_string")]
    pub reason: Option<String>,
}

impl RecordError {
    /// Whether the whole record failed to parse (rather than one field).
    pub fn is_whole_record(&self) -> bool {
        self.field.as_deref() == Some(RAW_RECORD_FIELD)
    }
}

/// Every field the API may send for a dataset, before it is split by version.
#[derive(Deserialize)]
struct RawDataset {
    id: String,
    name: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    workspace_id: Option<String>,
    #[serde(default)]
    total_datapoint_count: Option<u64>,
    #[serde(default = "unknown_version")]
    schema_version: SchemaVersion,
    #[serde(default)]
    status: Option<DatasetStatus>,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    has_predetermined_grouping_id: Option<bool>,
    #[serde(default)]
    schema: Option<DatasetSchema>,
    #[serde(default)]
    imports: Option<Vec<ImportJob>>,
}

fn unknown_version() -> SchemaVersion {
    SchemaVersion::Other(String::new())
}

impl From<RawDataset> for Dataset {
    fn from(raw: RawDataset) -> Self {
        let v4 = match &raw.schema_version {
            SchemaVersion::V3 => false,
            SchemaVersion::V4 => true,
            // An unknown version: V4-only fields decide; otherwise show it as V3.
            SchemaVersion::Other(_) => raw.schema.is_some() || raw.imports.is_some(),
        };
        let details = if v4 {
            DatasetDetails::V4(V4Details {
                schema: raw.schema,
                imports: raw.imports.unwrap_or_default(),
            })
        } else {
            DatasetDetails::V3(V3Details {
                status: raw.status,
                filename: raw.filename,
                has_predetermined_grouping_id: raw.has_predetermined_grouping_id,
            })
        };
        Dataset {
            id: raw.id,
            name: raw.name,
            created_at: raw.created_at,
            created_by: raw.created_by,
            workspace_id: raw.workspace_id,
            total_datapoint_count: raw.total_datapoint_count,
            schema_version: raw.schema_version,
            details,
        }
    }
}

/// `v` in decimals (up to six places), without Rust's float formatting, which would
/// cost the bundle ~10 KB for this one rare case.
fn decimal(v: f64) -> String {
    // Beyond 1e13 the millionths would not fit in a u64.
    if !v.is_finite() || v.abs() >= 1e13 {
        return "a number out of range".to_owned();
    }
    let millionths = (v.abs() * 1e6).round() as u64;
    let sign = if v < 0.0 && millionths > 0 { "-" } else { "" };
    let fraction = format!("{:06}", millionths % 1_000_000);
    format!(
        "{sign}{}.{}",
        millionths / 1_000_000,
        fraction.trim_end_matches('0')
    )
    .trim_end_matches('.')
    .to_owned()
}

/// Reads `null` as the type's default (an empty list, say).
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads `""` and `null` alike as `None`.
pub(crate) fn non_empty_string<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

/// Reads the `fields` map into a list that keeps the order the API sent.
fn fields_in_order<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SchemaField>, D::Error> {
    #[derive(Deserialize)]
    struct FieldBody {
        #[serde(rename = "type")]
        field_type: FieldType,
        #[serde(default)]
        label: Option<String>,
    }

    struct Visit;
    impl<'de> Visitor<'de> for Visit {
        type Value = Vec<SchemaField>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of field key to field descriptor")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some((key, body)) = map.next_entry::<String, FieldBody>()? {
                fields.push(SchemaField {
                    key,
                    field_type: body.field_type,
                    label: body.label,
                });
            }
            Ok(fields)
        }
    }
    d.deserialize_any(Visit)
}
