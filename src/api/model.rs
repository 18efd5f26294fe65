//! Typed models of the two responses the widget reads.
//!
//! Written to survive a changing API and its untidy answers: unknown enum values are kept
//! as `Other`, optional and nullable fields are `Option`, unknown extra fields are
//! ignored, and a field of an unexpected type is noted as [`Unreadable`] instead of
//! failing the answer. Only what the widget cannot work without is required (an `id` or
//! a `name` of a dataset, the `status` of an import), so a body of the wrong shape is
//! still a decode error. The wire shapes they are read through, and the conversions,
//! are in `raw`.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

use super::lenient::{Unreadable, decimal};
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
    /// Whether Prolific has stopped processing the upload: `complete`, `partial`,
    /// `failed` and `pending_schema` (the statuses the docs call terminal). Not the same
    /// as "will not change": `pending_schema` moves on once a schema is added, so
    /// `live::Activity` keeps checking it. An unknown status may still be processing.
    pub fn processing_ended(&self) -> bool {
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
///
/// Read leniently (see docs/models.md): only an answer that is not a JSON object,
/// or that has neither `id` nor `name`, fails to decode; a field of the wrong type is
/// listed in [`Dataset::unreadable`] instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The dataset id (`""` when the answer did not say; the client fills it in).
    pub id: String,
    /// The dataset's name (`""` when the answer did not say).
    pub name: String,
    /// When it was created (ISO 8601, as sent).
    pub created_at: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// The workspace it belongs to.
    pub workspace_id: Option<String>,
    /// How many datapoints it holds.
    pub total_datapoint_count: Option<u64>,
    /// The version the API reported (`Other("")` when it sent none).
    pub schema_version: SchemaVersion,
    /// The version-specific part: what the widget renders differs between V3 and V4.
    pub details: DatasetDetails,
    /// Fields that came with a value the widget could not read, its imports' included.
    pub unreadable: Vec<Unreadable>,
}

impl Dataset {
    /// The imports listed with the dataset: a V4 dataset's, or those a V3 answer
    /// carried anyway.
    pub fn imports(&self) -> &[ImportJob] {
        match &self.details {
            DatasetDetails::V3(v3) => &v3.imports,
            DatasetDetails::V4(v4) => &v4.imports,
        }
    }
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
    /// Imports, when a V3 answer lists them anyway (Prolific's reference example does).
    pub imports: Vec<ImportJob>,
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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DatasetSchema {
    /// Whether records missing a schema field are rejected; `None` when not stated.
    pub strict: Option<bool>,
    /// The fields in the order the API sent them.
    pub fields: Vec<SchemaField>,
}

/// One field of a dataset schema.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaField {
    /// The key records use for this field.
    pub key: String,
    /// The field's type (`Other("")` when none was sent).
    pub field_type: FieldType,
    /// The human-readable label, if any.
    pub label: Option<String>,
}

/// An import job: one file upload into a V4 dataset.
///
/// Read leniently: only an answer that is not a JSON object, or has no `status`, fails
/// to decode; a field of the wrong type is listed in [`ImportJob::unreadable`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportJob {
    /// The import's id (`""` when the answer did not say; see [`ImportJob::belongs_to`]).
    pub import_id: String,
    /// The dataset it belongs to.
    pub dataset_id: Option<String>,
    /// How the data arrives.
    pub import_type: Option<ImportType>,
    /// The original filename.
    pub filename: Option<String>,
    /// When the job was created (ISO 8601, as sent).
    pub created_at: Option<String>,
    /// When the job last changed (ISO 8601, as sent).
    pub updated_at: Option<String>,
    /// Where the job is in its lifecycle.
    pub status: ImportStatus,
    /// Records ingested (`complete` and `partial`).
    pub accepted_count: Option<u64>,
    /// Records rejected (`partial`); may exceed the number of `errors` listed.
    pub rejected_count: Option<u64>,
    /// Record-level errors, possibly fewer than `rejected_count`.
    pub errors: Vec<RecordError>,
    /// Why the import failed; `""` and `null` both read as `None`.
    pub reason: Option<String>,
    /// When extraction started (progress field read by Prolific's CLI).
    pub processing_started_at: Option<String>,
    /// How far into the file extraction has got.
    pub processed_offset: Option<u64>,
    /// Records written so far.
    pub written_count: Option<u64>,
    /// Duplicate records found.
    pub duplicate_count: Option<u64>,
    /// Duplicates seen so far while processing.
    pub duplicate_seen_count: Option<u64>,
    /// Rejections seen so far while processing.
    pub rejected_seen_count: Option<u64>,
    /// Fields that came with a value the widget could not read.
    pub unreadable: Vec<Unreadable>,
}

impl Default for ImportStatus {
    fn default() -> Self {
        ImportStatus::Other(String::new())
    }
}

impl ImportJob {
    /// Fills in the ids the answer left out or sent as `""` with those that were asked
    /// for, as Prolific's CLI does (`normalizeDatasetImportJob`).
    pub fn belongs_to(&mut self, dataset_id: &str, import_id: &str) {
        if self.dataset_id.is_none() {
            self.dataset_id = Some(dataset_id.to_owned());
        }
        if self.import_id.is_empty() {
            self.import_id = import_id.to_owned();
        }
    }

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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordError {
    /// Zero-based index of the record in the uploaded file.
    pub record_index: Option<u64>,
    /// The schema field at fault; `_raw` for a record that did not parse at all.
    pub field: Option<String>,
    /// Human-readable reason.
    pub reason: Option<String>,
}

impl RecordError {
    /// Whether the whole record failed to parse (rather than one field).
    pub fn is_whole_record(&self) -> bool {
        self.field.as_deref() == Some(RAW_RECORD_FIELD)
    }
}
