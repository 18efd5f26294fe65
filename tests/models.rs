//! Native tests of the API models: the Prolific examples verbatim and the edge cases
//! real responses bring.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::api::{
    ApiError, ClientError, Dataset, DatasetDetails, DatasetStatus, ErrorDetail, FieldType,
    ImportJob, ImportStatus, ImportType, RetryAfter, SchemaVersion, decode,
};
use serde_json::json;

/// The Prolific reference examples, verbatim, as the demo scenarios serve them.
const SEED_DATASET: &str = "datasets/0192a3b5-e8f9-7a0b-1c2d-3e4f5a6b7c8d.json";
const SEED_IMPORT: &str = "datasets/3fa85f64-5717-4562-b3fc-2c963f66afa6/imports/7c9e6679-7425-40de-944b-e07fc1f90ae7.json";

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/demo/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn dataset(value: serde_json::Value) -> Dataset {
    serde_json::from_value(value).expect("dataset decodes")
}

fn import(value: serde_json::Value) -> ImportJob {
    serde_json::from_value(value).expect("import decodes")
}

fn base_dataset(version: serde_json::Value) -> serde_json::Value {
    json!({
        "id": "0192a3b5-e8f9-7a0b-1c2d-3e4f5a6b7c8d",
        "name": "D",
        "created_at": "2024-01-15T09:30:00Z",
        "created_by": "u",
        "workspace_id": "w",
        "total_datapoint_count": 10,
        "schema_version": version,
    })
}

fn base_import(status: &str) -> serde_json::Value {
    json!({
        "dataset_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "import_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "type": "file_upload",
        "created_at": "2024-01-15T09:30:00Z",
        "updated_at": "2024-01-15T10:00:00Z",
        "status": status,
    })
}

fn v4(details: &Dataset) -> &dataset_monitor::api::V4Details {
    match &details.details {
        DatasetDetails::V4(v4) => v4,
        other => panic!("expected V4, got {other:?}"),
    }
}

fn v3(details: &Dataset) -> &dataset_monitor::api::V3Details {
    match &details.details {
        DatasetDetails::V3(v3) => v3,
        other => panic!("expected V3, got {other:?}"),
    }
}

#[test]
fn seed_dataset_example_decodes_verbatim_as_v3() {
    let d: Dataset = decode(fixture(SEED_DATASET)).expect("decodes");
    assert_eq!(d.id, "0192a3b5-e8f9-7a0b-1c2d-3e4f5a6b7c8d");
    assert_eq!(d.name, "Customer Feedback Dataset");
    assert_eq!(d.total_datapoint_count, Some(1500));
    // The example sends the number 3 although the schema says the string "3".
    assert_eq!(d.schema_version, SchemaVersion::V3);
    let v3 = v3(&d);
    assert_eq!(v3.status, Some(DatasetStatus::Error));
    assert_eq!(
        v3.filename.as_deref(),
        Some("customer_feedback_jan2024.csv")
    );
    assert_eq!(v3.has_predetermined_grouping_id, Some(true));
}

#[test]
fn seed_import_example_decodes_verbatim() {
    let job: ImportJob = decode(fixture(SEED_IMPORT)).expect("decodes");
    assert_eq!(job.import_id, "7c9e6679-7425-40de-944b-e07fc1f90ae7");
    assert_eq!(job.status, ImportStatus::Partial);
    assert!(job.status.is_terminal());
    assert_eq!(job.import_type, Some(ImportType::FileUpload));
    assert_eq!(job.accepted_count, Some(150));
    assert_eq!(job.rejected_count, Some(5));
    assert_eq!(job.errors.len(), 2);
    assert_eq!(job.errors[0].record_index, Some(23));
    assert_eq!(job.errors[0].field.as_deref(), Some("age"));
    assert!(!job.errors[0].is_whole_record());
    assert!(job.errors[1].is_whole_record());
    assert_eq!(job.reason, None);
    assert!(job.errors_truncated(), "5 rejected but 2 listed");
}

#[test]
fn schema_version_as_string_or_number() {
    for (raw, expected) in [
        (json!("3"), SchemaVersion::V3),
        (json!(3), SchemaVersion::V3),
        (json!("4"), SchemaVersion::V4),
        (json!(4), SchemaVersion::V4),
        (json!(4.0), SchemaVersion::V4),
    ] {
        assert_eq!(
            dataset(base_dataset(raw.clone())).schema_version,
            expected,
            "{raw}"
        );
    }
}

#[test]
fn unknown_schema_version_is_kept() {
    let d = dataset(base_dataset(json!("5")));
    assert_eq!(d.schema_version, SchemaVersion::Other("5".into()));
    let d = dataset(base_dataset(json!(3.25)));
    assert_eq!(d.schema_version, SchemaVersion::Other("3.25".into()));
    let d = dataset(base_dataset(json!(-0.5)));
    assert_eq!(d.schema_version, SchemaVersion::Other("-0.5".into()));
    let d = dataset(base_dataset(json!(-1e-7)));
    assert_eq!(d.schema_version, SchemaVersion::Other("0".into()));
    let d = dataset(base_dataset(json!(2e13 + 0.5)));
    assert_eq!(
        d.schema_version,
        SchemaVersion::Other("a number out of range".into())
    );
    let d = dataset(base_dataset(json!(7)));
    assert_eq!(d.schema_version.as_str(), "7");
}

#[test]
fn unknown_version_with_v4_fields_renders_as_v4() {
    let mut body = base_dataset(json!("5"));
    body["imports"] = json!([]);
    assert!(matches!(dataset(body).details, DatasetDetails::V4(_)));
    assert!(matches!(
        dataset(base_dataset(json!("5"))).details,
        DatasetDetails::V3(_)
    ));
}

#[test]
fn missing_schema_version_is_an_unknown_version_not_a_failure() {
    let mut body = base_dataset(json!(3));
    body.as_object_mut()
        .expect("object")
        .remove("schema_version");
    assert!(matches!(
        dataset(body).schema_version,
        SchemaVersion::Other(_)
    ));
}

#[test]
fn every_v3_status_decodes() {
    for (raw, expected) in [
        ("ERROR", DatasetStatus::Error),
        ("PROCESSING", DatasetStatus::Processing),
        ("READY", DatasetStatus::Ready),
        ("UNINITIALISED", DatasetStatus::Uninitialised),
    ] {
        let mut body = base_dataset(json!("3"));
        body["status"] = json!(raw);
        assert_eq!(v3(&dataset(body)).status, Some(expected));
    }
}

#[test]
fn unknown_v3_status_is_kept_as_it_came() {
    let mut body = base_dataset(json!("3"));
    body["status"] = json!("ARCHIVED");
    let d = dataset(body);
    let status = v3(&d).status.clone().expect("status");
    assert_eq!(status, DatasetStatus::Other("ARCHIVED".into()));
    assert_eq!(status.to_string(), "ARCHIVED");
    assert!(!status.is_known());
}

#[test]
fn v3_nullable_fields_may_be_null_or_absent() {
    let mut body = base_dataset(json!("3"));
    body["filename"] = json!(null);
    body["has_predetermined_grouping_id"] = json!(null);
    let d = dataset(body);
    assert_eq!(v3(&d).filename, None);
    assert_eq!(v3(&d).has_predetermined_grouping_id, None);
    let d = dataset(base_dataset(json!("3")));
    assert_eq!(v3(&d).status, None);
}

#[test]
fn v4_with_schema_keeps_field_order_types_and_labels() {
    // Raw text: `json!` would sort the keys, and the order is what is under test.
    let text = r#"{
        "id": "0192a3b5-e8f9-7a0b-1c2d-3e4f5a6b7c8d", "name": "D", "schema_version": "4",
        "schema": {"strict": true, "fields": {
            "prompt": {"type": "text", "label": "Prompt"},
            "img": {"type": "image_url"},
            "clip": {"type": "audio_url", "label": null},
            "movie": {"type": "video_url"},
            "internal": {"type": "metadata"},
            "group": {"type": "task_group_id"},
            "future": {"type": "3d_model_url", "label": "3D"}
        }},
        "imports": [
            {"import_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "processing"},
            {"import_id": "7c9e6679-7425-40de-944b-e07fc1f90ae8", "status": "complete"}
        ]
    }"#;
    let d: Dataset = decode(text).expect("decodes");
    let v4 = v4(&d);
    let schema = v4.schema.as_ref().expect("schema");
    assert!(schema.strict);
    let keys: Vec<_> = schema.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "prompt", "img", "clip", "movie", "internal", "group", "future"
        ]
    );
    let types: Vec<_> = schema.fields.iter().map(|f| f.field_type.clone()).collect();
    assert_eq!(
        types,
        [
            FieldType::Text,
            FieldType::ImageUrl,
            FieldType::AudioUrl,
            FieldType::VideoUrl,
            FieldType::Metadata,
            FieldType::TaskGroupId,
            FieldType::Other("3d_model_url".into())
        ]
    );
    assert_eq!(schema.fields[0].label.as_deref(), Some("Prompt"));
    assert_eq!(schema.fields[2].label, None);
    assert_eq!(v4.imports.len(), 2);
    assert_eq!(v4.imports[0].status, ImportStatus::Processing);
}

#[test]
fn v4_without_schema_and_with_null_imports() {
    let mut body = base_dataset(json!("4"));
    body["schema"] = json!(null);
    body["imports"] = json!(null);
    let d = dataset(body);
    assert_eq!(v4(&d).schema, None);
    assert!(v4(&d).imports.is_empty());
}

#[test]
fn schema_with_200_fields() {
    let fields: serde_json::Map<_, _> = (0..200)
        .map(|i| {
            (
                format!("field_{i:03}"),
                json!({"type": "text", "label": format!("F{i}")}),
            )
        })
        .collect();
    let mut body = base_dataset(json!("4"));
    body["schema"] = json!({"strict": false, "fields": fields});
    let d = dataset(body);
    let schema = v4(&d).schema.clone().expect("schema");
    assert_eq!(schema.fields.len(), 200);
    assert_eq!(schema.fields[199].key, "field_199");
    assert!(!schema.strict);
}

#[test]
fn every_import_status_and_terminality() {
    let cases = [
        ("uninitialised", ImportStatus::Uninitialised, false),
        ("queued", ImportStatus::Queued, false),
        ("processing", ImportStatus::Processing, false),
        ("complete", ImportStatus::Complete, true),
        ("partial", ImportStatus::Partial, true),
        ("failed", ImportStatus::Failed, true),
        ("pending_schema", ImportStatus::PendingSchema, true),
        (
            "validating",
            ImportStatus::Other("validating".into()),
            false,
        ),
    ];
    for (raw, expected, terminal) in cases {
        let job = import(base_import(raw));
        assert_eq!(job.status, expected);
        assert_eq!(job.status.is_terminal(), terminal, "{raw}");
        assert_eq!(job.status.as_str(), raw);
    }
}

#[test]
fn unknown_import_type_is_kept() {
    let mut body = base_import("queued");
    body["type"] = json!("s3_sync");
    assert_eq!(
        import(body).import_type,
        Some(ImportType::Other("s3_sync".into()))
    );
}

#[test]
fn reason_empty_null_or_absent_all_mean_none() {
    for reason in [json!(""), json!(null)] {
        let mut body = base_import("failed");
        body["reason"] = reason;
        assert_eq!(import(body).reason, None);
    }
    assert_eq!(import(base_import("failed")).reason, None);
    let mut body = base_import("failed");
    body["reason"] = json!("File could not be parsed");
    assert_eq!(
        import(body).reason.as_deref(),
        Some("File could not be parsed")
    );
}

#[test]
fn record_error_parts_may_each_be_null_or_absent() {
    let mut body = base_import("partial");
    body["errors"] = json!([
        {"record_index": null, "field": null, "reason": null},
        {},
        {"record_index": 3, "field": "_raw", "reason": ""},
    ]);
    let job = import(body);
    assert_eq!(job.errors.len(), 3);
    assert_eq!(job.errors[0].record_index, None);
    assert_eq!(job.errors[0].field, None);
    assert_eq!(job.errors[1].reason, None);
    assert!(job.errors[2].is_whole_record());
    assert_eq!(job.errors[2].reason, None);
}

#[test]
fn null_errors_list_is_empty() {
    let mut body = base_import("complete");
    body["errors"] = json!(null);
    assert!(import(body).errors.is_empty());
}

#[test]
fn progress_fields_from_the_official_cli_are_read() {
    let mut body = base_import("processing");
    body["processing_started_at"] = json!("2024-01-15T09:31:00Z");
    body["processed_offset"] = json!(52_000);
    body["written_count"] = json!(400);
    body["duplicate_count"] = json!(12);
    body["duplicate_seen_count"] = json!(10);
    body["rejected_seen_count"] = json!(3);
    body["accepted_count"] = json!(412);
    let job = import(body);
    assert_eq!(
        job.processing_started_at.as_deref(),
        Some("2024-01-15T09:31:00Z")
    );
    assert_eq!(job.processed_offset, Some(52_000));
    assert_eq!(job.written_count, Some(400));
    assert_eq!(job.duplicate_count, Some(12));
    assert_eq!(job.duplicate_seen_count, Some(10));
    assert_eq!(job.rejected_seen_count, Some(3));
    // accepted − duplicates, since both are known.
    assert_eq!(job.newly_written(), Some(400));
    assert_eq!(job.duplicates(), Some(12));
    assert_eq!(job.rejected(), Some(3));
}

#[test]
fn progress_fields_are_optional() {
    let job = import(base_import("processing"));
    assert_eq!(job.processed_offset, None);
    assert_eq!(job.newly_written(), None);
    assert_eq!((job.duplicates(), job.rejected()), (None, None));
    assert!(!job.errors_truncated());
}

#[test]
fn ten_thousand_errors_decode() {
    let errors: Vec<_> = (0..10_000)
        .map(|i| json!({"record_index": i, "field": if i % 7 == 0 { "_raw" } else { "text" }, "reason": "Too long"}))
        .collect();
    let mut body = base_import("partial");
    body["errors"] = json!(errors);
    body["rejected_count"] = json!(12_500);
    let text = body.to_string();
    let job: ImportJob = decode(&text).expect("decodes");
    assert_eq!(job.errors.len(), 10_000);
    assert_eq!(job.errors[9_999].record_index, Some(9_999));
    assert!(job.errors_truncated());
}

#[test]
fn unknown_extra_fields_are_ignored() {
    let mut body = base_dataset(json!("4"));
    body["brand_new"] = json!({"nested": [1, 2, 3]});
    body["imports"] = json!([{
        "import_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "status": "queued",
        "priority": 9,
    }]);
    let d = dataset(body);
    assert_eq!(v4(&d).imports[0].status, ImportStatus::Queued);
}

#[test]
fn wrong_shape_reports_the_json_path() {
    let mut body = base_dataset(json!("4"));
    body["imports"] = json!([base_import("queued"), {"import_id": "x", "status": 42}]);
    let err = decode::<Dataset>(&body.to_string()).expect_err("must fail");
    match err {
        ClientError::Decode { path, .. } => assert_eq!(path, "imports[1].status"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    let err = decode::<ImportJob>("[1, 2]").expect_err("must fail");
    assert!(matches!(err, ClientError::Decode { .. }));
    assert!(
        decode::<Dataset>("").is_err(),
        "an empty body is not a dataset"
    );
    assert!(
        decode::<Dataset>("{\"id\": \"x\"").is_err(),
        "truncated JSON"
    );
}

#[test]
fn required_fields_are_required() {
    assert!(decode::<Dataset>("{}").is_err());
    assert!(decode::<ImportJob>(r#"{"import_id": "x"}"#).is_err());
}

#[test]
fn error_body_with_string_detail() {
    let e: ApiError = serde_json::from_value(json!({"error": {
        "status": 404, "error_code": 140_100, "title": "Not found",
        "detail": "Dataset not found", "interactive": false
    }}))
    .expect("decodes");
    assert_eq!(e.status, Some(404));
    assert_eq!(e.error_code, Some(140_100));
    assert_eq!(
        e.detail,
        Some(ErrorDetail::Text("Dataset not found".into()))
    );
    assert_eq!(e.summary(), "Not found — Dataset not found");
    assert_eq!(e.interactive, Some(false));
}

#[test]
fn error_body_with_list_detail() {
    let e: ApiError = serde_json::from_value(json!({"error": {
        "status": 400, "error_code": 1, "title": "Bad request", "detail": ["a", "b"],
        "additional_information": "/docs", "traceback": "tb"
    }}))
    .expect("decodes");
    assert_eq!(
        e.detail,
        Some(ErrorDetail::List(vec!["a".into(), "b".into()]))
    );
    assert_eq!(e.additional_information.as_deref(), Some("/docs"));
    assert_eq!(e.traceback.as_deref(), Some("tb"));
    assert_eq!(e.summary(), "Bad request — a — b");
}

#[test]
fn error_body_with_field_map_detail() {
    let e: ApiError = serde_json::from_value(json!({"error": {
        "status": 400, "error_code": 1, "title": "Invalid",
        "detail": {"dataset_id": ["Must be a UUID."], "name": "Required."}
    }}))
    .expect("decodes");
    assert_eq!(
        e.detail,
        Some(ErrorDetail::Fields(vec![
            ("dataset_id".into(), vec!["Must be a UUID.".into()]),
            ("name".into(), vec!["Required.".into()]),
        ]))
    );
    assert_eq!(
        e.summary(),
        "Invalid — dataset_id: Must be a UUID. — name: Required."
    );
}

#[test]
fn flat_error_body() {
    let e: ApiError =
        serde_json::from_value(json!({"message": "Rate limited", "detail": "Slow down"}))
            .expect("decodes");
    assert_eq!(e.title.as_deref(), Some("Rate limited"));
    assert_eq!(e.detail, Some(ErrorDetail::Text("Slow down".into())));
    assert_eq!(e.status, None);
    let e: ApiError =
        serde_json::from_value(json!({"detail": "Authentication credentials were not provided."}))
            .expect("decodes");
    assert_eq!(e.summary(), "Authentication credentials were not provided.");
}

#[test]
fn error_body_with_odd_detail_keeps_the_rest() {
    let e: ApiError = serde_json::from_value(json!({"error": {
        "status": 500, "error_code": 1, "title": "Oops", "detail": 42
    }}))
    .expect("decodes");
    assert_eq!(e.detail, None);
    assert_eq!(e.summary(), "Oops");
}

#[test]
fn a_body_that_is_no_error_shape_is_refused() {
    assert!(serde_json::from_value::<ApiError>(json!({"id": "x"})).is_err());
    assert!(serde_json::from_value::<ApiError>(json!([1])).is_err());
}

#[test]
fn retry_after_seconds_and_http_date() {
    assert_eq!(RetryAfter::parse("120"), Some(RetryAfter::Seconds(120)));
    assert_eq!(RetryAfter::parse(" 0 "), Some(RetryAfter::Seconds(0)));
    let at = RetryAfter::parse("Wed, 21 Oct 2015 07:28:00 GMT").expect("date");
    assert_eq!(
        at,
        RetryAfter::At {
            epoch_ms: 1_445_412_480_000
        }
    );
    assert_eq!(
        at.delay_from(1_445_412_470_000),
        std::time::Duration::from_secs(10)
    );
    assert_eq!(at.delay_from(1_445_412_490_000), std::time::Duration::ZERO);
    assert_eq!(RetryAfter::parse("soon"), None);
    assert_eq!(RetryAfter::parse("-5"), None);
    assert_eq!(RetryAfter::parse(""), None);
    assert_eq!(
        RetryAfter::parse("99999999999999999999999"),
        Some(RetryAfter::Seconds(u64::MAX))
    );
}

/// The path of a decode failure, wherever it is: nested, missing, in a pretty-printed
/// body, after strings holding quotes, commas and brackets.
#[test]
fn decode_errors_name_the_json_path() {
    let path_of = |json: &str| match decode::<ImportJob>(json) {
        Err(ClientError::Decode { path, .. }) => path,
        other => panic!("expected a decode error for {json}, got {other:?}"),
    };
    let job = |extra: &str| {
        format!(
            r#"{{"import_id": "i", "dataset_id": "d", "status": "partial", "filename": "a \"b\", [c]{{",
                "created_at": "2024-01-15T09:30:00Z", "updated_at": "2024-01-15T10:00:00Z"{extra}}}"#
        )
    };
    assert_eq!(
        path_of(&job(
            r#", "errors": [{"record_index": 1}, {"record_index": "x"}]"#
        )),
        "errors[1].record_index"
    );
    assert_eq!(
        path_of(&job(
            r#", "errors": [{"field": "a,b", "reason": "]}"}, {"reason": 7}]"#
        )),
        "errors[1].reason"
    );
    assert_eq!(path_of(&job(r#", "accepted_count": -1"#)), "accepted_count");
    assert_eq!(
        path_of(r#"{"import_id": "i"}"#),
        ".",
        "missing fields: the object itself"
    );
    // serde reads a struct from a list too: the first element is the first field.
    assert_eq!(path_of("[1, 2]"), "[0]");
    assert_eq!(
        path_of(&job(r#", "errors": {"a": 1}"#)),
        "errors",
        "a map for a list"
    );
    let pretty = serde_json::to_string_pretty(&serde_json::json!({
        "import_id": "i", "status": "queued", "created_at": "t", "updated_at": "t",
        "errors": [{"record_index": 0}, {"record_index": 1, "field": ["not", "a", "string"]}],
    }))
    .expect("json");
    assert_eq!(path_of(&pretty), "errors[1].field");

    // A container of the wrong type is the element's fault, first in its list or not.
    let path_in = |json: &str| match decode::<Vec<Vec<String>>>(json) {
        Err(ClientError::Decode { path, .. }) => path,
        other => panic!("expected a decode error for {json}, got {other:?}"),
    };
    assert_eq!(path_in(r#"[[{}]]"#), "[0][0]");
    assert_eq!(path_in(r#"[["a", {}]]"#), "[0][1]");
    assert_eq!(path_in(r#"[["a"], [{}]]"#), "[1][0]");
    assert_eq!(path_in(r#"[{}]"#), "[0]");
    // A byte-order mark (which `Response.text()` used to drop) is not an error.
    assert!(decode::<Vec<Vec<String>>>(b"\xEF\xBB\xBF[[\"a\"]]").is_ok());
}

#[test]
fn json_path_scanner_never_panics_on_odd_input() {
    use dataset_monitor::api::json_path_at;
    for json in [
        "",
        "\"",
        "\"\\",
        "{\"a",
        "[[[[",
        "]]]}}}",
        "{\"a\":[1,{\"b\":\"\\\"",
        "\u{feff}{}",
    ] {
        for offset in 0..=json.len() + 2 {
            let _ = json_path_at(json.as_bytes(), offset);
        }
    }
    assert_eq!(json_path_at(br#"{"a": [1, {"b": 2}]}"#, 16), "a[1].b");
    assert_eq!(json_path_at(br#"{"a": [1, {"b": 2}]}"#, 0), ".");
}
