//! The wire shapes of the two answers and their conversion into the models: every field
//! the API may get wrong is a `Loose`, read by `deserialize_any`; the conversions decide
//! what it means and note what they could not read. Absent and `null` are the same
//! `Loose::Null`. `Dataset`'s and `ImportJob`'s `Deserialize` impls are here; `model`
//! keeps the public types with the small impls of their own (`SchemaVersion`'s, the
//! open enums').

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;

use super::in_order::InOrder;
use super::lenient::{Loose, Problems, Unreadable, decimal};
use super::model::{
    Dataset, DatasetDetails, DatasetSchema, FieldType, ImportJob, RecordError, SchemaField,
    SchemaVersion, V3Details, V4Details,
};

#[derive(Deserialize)]
struct RawDataset {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    #[serde(default)]
    id: Loose,
    #[serde(default)]
    name: Loose,
    #[serde(default)]
    created_at: Loose,
    #[serde(default)]
    created_by: Loose,
    #[serde(default)]
    workspace_id: Loose,
    #[serde(default)]
    total_datapoint_count: Loose,
    #[serde(default)]
    schema_version: Loose,
    #[serde(default)]
    status: Loose,
    #[serde(default)]
    filename: Loose,
    #[serde(default)]
    has_predetermined_grouping_id: Loose,
    // `Some` when the key is present, even as `null`: a `schema` or `imports` key is
    // what tells a V4 answer that does not state its version.
    #[serde(default, deserialize_with = "present")]
    schema: Option<Option<RawSchema>>,
    #[serde(default, deserialize_with = "present")]
    imports: Option<Option<Vec<RawImport>>>,
}

#[derive(Deserialize)]
struct RawSchema {
    #[serde(default)]
    strict: Loose,
    #[serde(default)]
    /// The `fields` map, in the order sent (a field sent as `null` has no type).
    fields: Option<InOrder<Option<RawField>>>,
}

#[derive(Deserialize)]
struct RawField {
    #[serde(default, rename = "type")]
    field_type: Loose,
    #[serde(default)]
    label: Loose,
}

#[derive(Deserialize, Default)]
struct RawImport {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    #[serde(default)]
    dataset_id: Loose,
    #[serde(default)]
    import_id: Loose,
    #[serde(default, rename = "type")]
    import_type: Loose,
    #[serde(default)]
    filename: Loose,
    #[serde(default)]
    created_at: Loose,
    #[serde(default)]
    updated_at: Loose,
    #[serde(default)]
    status: Loose,
    #[serde(default)]
    accepted_count: Loose,
    #[serde(default)]
    rejected_count: Loose,
    #[serde(default)]
    errors: RawRecordErrors,
    #[serde(default)]
    reason: Loose,
    #[serde(default)]
    processing_started_at: Loose,
    #[serde(default)]
    processed_offset: Loose,
    #[serde(default)]
    written_count: Loose,
    #[serde(default)]
    duplicate_count: Loose,
    #[serde(default)]
    duplicate_seen_count: Loose,
    #[serde(default)]
    rejected_seen_count: Loose,
}

#[derive(Deserialize)]
struct RawRecordError {
    #[serde(default)]
    record_index: Loose,
    #[serde(default)]
    field: Loose,
    #[serde(default)]
    reason: Loose,
}

/// The `errors` list, read straight into [`RecordError`]s (it can hold thousands: no
/// intermediate list), with what could not be read; `null` is an empty list.
#[derive(Default)]
struct RawRecordErrors(Vec<RecordError>, Vec<Unreadable>);

impl<'de> Deserialize<'de> for RawRecordErrors {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = RawRecordErrors;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of record errors")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                let mut p = Problems::default();
                while let Some(raw) = seq.next_element::<RawRecordError>()? {
                    let mut inner = Problems::default();
                    list.push(RecordError {
                        record_index: raw.record_index.count("record_index", &mut inner),
                        field: raw.field.text("field", &mut inner),
                        reason: raw.reason.text("reason", &mut inner),
                    });
                    if !inner.list.is_empty() {
                        p.nest(&format!("errors[{}].", list.len() - 1), &inner.list);
                    }
                }
                Ok(RawRecordErrors(list, p.list))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(RawRecordErrors::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_seq(self)
            }
        }
        d.deserialize_option(Visit)
    }
}

/// Refuses a list where an object is expected: serde's derive reads a struct from a
/// list too (positionally), and this field, first in order, fails whatever the first
/// element is. In an object its key (a NUL character) is never sent, so it is absent.
#[derive(Default)]
struct ObjectOnly;

impl<'de> Deserialize<'de> for ObjectOnly {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(de::Error::custom("expected a JSON object, not a list"))
    }
}

/// Reads a present key as `Some`, even when its value is `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl<'de> Deserialize<'de> for Dataset {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawDataset::deserialize(d)?;
        let mut problems = Problems::default();
        let dataset = raw.into_dataset(&mut problems);
        if dataset.id.is_empty() && dataset.name.is_empty() {
            return Err(de::Error::custom(
                "not a dataset: it has neither an `id` nor a `name`",
            ));
        }
        Ok(Dataset {
            unreadable: problems.list,
            ..dataset
        })
    }
}

impl<'de> Deserialize<'de> for ImportJob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawImport::deserialize(d)?;
        let mut problems = Problems::default();
        let job = raw
            .into_job(&mut problems)
            .ok_or_else(|| de::Error::custom("not an import: it has no `status`"))?;
        Ok(ImportJob {
            unreadable: problems.list,
            ..job
        })
    }
}

/// An open enum from a loose value: text as it came; `null` and `""` are `None`.
fn open<T: for<'a> From<&'a str>>(value: Loose, field: &str, problems: &mut Problems) -> Option<T> {
    match value {
        Loose::Text(s) if !s.is_empty() => Some(T::from(s.as_str())),
        Loose::Null | Loose::Text(_) => None,
        Loose::Nested(_) => {
            problems.note(field, value.raw());
            None
        }
        other => Some(T::from(other.raw().as_str())),
    }
}

fn schema_version(value: Loose, problems: &mut Problems) -> Option<SchemaVersion> {
    match value {
        Loose::Null => None,
        Loose::Text(s) if s.trim().is_empty() => None,
        Loose::Text(s) => Some(SchemaVersion::from(s.as_str())),
        Loose::Int(n) => Some(SchemaVersion::from(n.to_string().as_str())),
        // `3.0` is still version 3; anything fractional is kept as written.
        Loose::Float(v) if v.fract() == 0.0 && v.abs() < 1e15 => {
            Some(SchemaVersion::from(format!("{}", v as i64).as_str()))
        }
        Loose::Float(v) => Some(SchemaVersion::Other(decimal(v))),
        Loose::Neg(n) => Some(SchemaVersion::Other(n.to_string())),
        other => {
            problems.note("schema_version", other.raw());
            None
        }
    }
}

impl RawDataset {
    fn into_dataset(self, p: &mut Problems) -> Dataset {
        let version = schema_version(self.schema_version, p);
        let v4 = match &version {
            Some(SchemaVersion::V3) => false,
            Some(SchemaVersion::V4) => true,
            // No version, or one this crate does not know: V4-only keys decide.
            _ => self.schema.is_some() || self.imports.is_some(),
        };
        let imports = imports(self.imports.flatten().unwrap_or_default(), p);
        let details = if v4 {
            let schema = self.schema.flatten().map(|schema| schema.into_schema(p));
            DatasetDetails::V4(V4Details { schema, imports })
        } else {
            DatasetDetails::V3(V3Details {
                status: open(self.status, "status", p),
                filename: self.filename.text("filename", p),
                has_predetermined_grouping_id: self
                    .has_predetermined_grouping_id
                    .flag("has_predetermined_grouping_id", p),
                imports,
            })
        };
        Dataset {
            id: self.id.text("id", p).unwrap_or_default(),
            name: self.name.text("name", p).unwrap_or_default(),
            created_at: self.created_at.text("created_at", p),
            created_by: self.created_by.text("created_by", p),
            workspace_id: self.workspace_id.text("workspace_id", p),
            total_datapoint_count: self.total_datapoint_count.count("total_datapoint_count", p),
            schema_version: version.unwrap_or_else(|| SchemaVersion::Other(String::new())),
            details,
            unreadable: Vec::new(),
        }
    }
}

/// The imports a dataset lists; one without a status is left out and noted.
fn imports(list: Vec<RawImport>, p: &mut Problems) -> Vec<ImportJob> {
    let mut out = Vec::with_capacity(list.len());
    for (i, raw) in list.into_iter().enumerate() {
        let mut inner = Problems::default();
        let status = raw.status.raw();
        match raw.into_job(&mut inner) {
            Some(mut job) => {
                p.nest(&format!("imports[{i}]."), &inner.list);
                job.unreadable = inner.list;
                out.push(job);
            }
            None => p.note(&format!("imports[{i}].status"), status),
        }
    }
    out
}

impl RawSchema {
    fn into_schema(self, p: &mut Problems) -> DatasetSchema {
        let fields = self.fields.map_or_else(Vec::new, |InOrder(fields)| {
            fields
                .into_iter()
                .map(|(key, field)| {
                    let (field_type, label) = match field {
                        Some(field) => {
                            let path = |name: &str| format!("schema.fields.{key}.{name}");
                            let field_type = open(field.field_type, &path("type"), p);
                            (field_type, field.label.text(&path("label"), p))
                        }
                        None => (None, None),
                    };
                    SchemaField {
                        key,
                        field_type: field_type.unwrap_or_else(|| FieldType::Other(String::new())),
                        label,
                    }
                })
                .collect()
        });
        DatasetSchema {
            strict: self.strict.flag("schema.strict", p),
            fields,
        }
    }
}

impl RawImport {
    /// The import, or `None` when it has no status to show.
    fn into_job(self, p: &mut Problems) -> Option<ImportJob> {
        let status = match self.status {
            Loose::Null | Loose::Nested(_) => return None,
            Loose::Text(s) if s.is_empty() => return None,
            other => open(other, "status", p)?,
        };
        let RawRecordErrors(errors, problems) = self.errors;
        p.list.extend(problems);
        Some(ImportJob {
            import_id: self.import_id.text("import_id", p).unwrap_or_default(),
            dataset_id: self.dataset_id.text("dataset_id", p),
            import_type: open(self.import_type, "type", p),
            filename: self.filename.text("filename", p),
            created_at: self.created_at.text("created_at", p),
            updated_at: self.updated_at.text("updated_at", p),
            status,
            accepted_count: self.accepted_count.count("accepted_count", p),
            rejected_count: self.rejected_count.count("rejected_count", p),
            errors,
            reason: self.reason.text("reason", p),
            processing_started_at: self.processing_started_at.text("processing_started_at", p),
            processed_offset: self.processed_offset.count("processed_offset", p),
            written_count: self.written_count.count("written_count", p),
            duplicate_count: self.duplicate_count.count("duplicate_count", p),
            duplicate_seen_count: self.duplicate_seen_count.count("duplicate_seen_count", p),
            rejected_seen_count: self.rejected_seen_count.count("rejected_seen_count", p),
            unreadable: Vec::new(),
        })
    }
}
