//! Native tests of the API models: the Prolific examples verbatim and the edge cases
//! real responses bring.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::api::{
    ApiError, ClientError, Dataset, DatasetDetails, DatasetStatus, ErrorDetail, FieldType,
    ImportJob, ImportStatus, ImportType, RetryAfter, SchemaVersion, decode,
};
use dataset_wire::demo;
use serde_json::json;

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/demo/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The scenario file of dataset `id`, for [`fixture`].
fn dataset_file(id: &str) -> String {
    format!("datasets/{id}.json")
}

/// The scenario file of import `import` of dataset `dataset`, for [`fixture`].
fn import_file(dataset: &str, import: &str) -> String {
    format!("datasets/{dataset}/imports/{import}.json")
}

/// The Prolific reference examples, verbatim, as the demo scenarios serve them.
fn seed_dataset() -> String {
    dataset_file(demo::REFERENCE_V3)
}

fn seed_import() -> String {
    import_file(demo::V4_MAIN, demo::REFERENCE_IMPORT)
}

fn dataset(value: serde_json::Value) -> Dataset {
    serde_json::from_value(value).expect("dataset decodes")
}

fn import(value: serde_json::Value) -> ImportJob {
    serde_json::from_value(value).expect("import decodes")
}

fn base_dataset(version: serde_json::Value) -> serde_json::Value {
    json!({
        "id": demo::REFERENCE_V3,
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
        "dataset_id": demo::V4_MAIN,
        "import_id": demo::REFERENCE_IMPORT,
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
    let d: Dataset = decode(fixture(&seed_dataset())).expect("decodes");
    assert_eq!(d.id, demo::REFERENCE_V3);
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
    let job: ImportJob = decode(fixture(&seed_import())).expect("decodes");
    assert_eq!(job.import_id, demo::REFERENCE_IMPORT);
    assert_eq!(job.status, ImportStatus::Partial);
    assert!(job.status.processing_ended());
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
    let text = format!(
        r#"{{
        "id": "{dataset}", "name": "D", "schema_version": "4",
        "schema": {{"strict": true, "fields": {{
            "prompt": {{"type": "text", "label": "Prompt"}},
            "img": {{"type": "image_url"}},
            "clip": {{"type": "audio_url", "label": null}},
            "movie": {{"type": "video_url"}},
            "internal": {{"type": "metadata"}},
            "group": {{"type": "task_group_id"}},
            "future": {{"type": "3d_model_url", "label": "3D"}}
        }}}},
        "imports": [
            {{"import_id": "{import}", "status": "processing"}},
            {{"import_id": "7c9e6679-7425-40de-944b-e07fc1f90ae8", "status": "complete"}}
        ]
    }}"#,
        dataset = demo::REFERENCE_V3,
        import = demo::REFERENCE_IMPORT,
    );
    let d: Dataset = decode(text).expect("decodes");
    let v4 = v4(&d);
    let schema = v4.schema.as_ref().expect("schema");
    assert_eq!(schema.strict, Some(true));
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
    assert_eq!(schema.strict, Some(false));
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
        assert_eq!(job.status.processing_ended(), terminal, "{raw}");
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
        "import_id": demo::REFERENCE_IMPORT,
        "status": "queued",
        "priority": 9,
    }]);
    let d = dataset(body);
    assert_eq!(v4(&d).imports[0].status, ImportStatus::Queued);
}

#[test]
fn wrong_shape_reports_the_json_path() {
    // Broken JSON is still a decode error, named where it breaks.
    let mut body = base_dataset(json!("4"));
    body["imports"] = json!([base_import("queued"), {"import_id": "x", "status": "queued"}]);
    let text = body.to_string();
    let cut = text.rfind("\"queued\"").expect("second status");
    let err = decode::<Dataset>(&text[..cut + 4]).expect_err("must fail");
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
    // A dataset needs an `id` or a `name`; an import needs a `status`.
    assert!(decode::<Dataset>("{}").is_err());
    assert!(decode::<Dataset>(r#"{"id": null, "name": "", "schema_version": "4"}"#).is_err());
    assert!(decode::<Dataset>(r#"{"id": {"a": 1}, "name": [1]}"#).is_err());
    assert!(decode::<ImportJob>(r#"{"import_id": "x"}"#).is_err());
    assert!(decode::<ImportJob>(r#"{"import_id": "x", "status": null}"#).is_err());
    assert!(decode::<ImportJob>(r#"{"import_id": "x", "status": ""}"#).is_err());
    assert!(decode::<ImportJob>(r#"{"import_id": "x", "status": {"a": 1}}"#).is_err());
    // Not an object at all.
    for body in ["[]", "\"text\"", "42", "null", "true"] {
        assert!(decode::<Dataset>(body).is_err(), "{body}");
        assert!(decode::<ImportJob>(body).is_err(), "{body}");
    }
    // Either one is enough for a dataset.
    let d: Dataset = decode(r#"{"name": "Only a name"}"#).expect("name alone");
    assert_eq!((d.id.as_str(), d.name.as_str()), ("", "Only a name"));
    let d: Dataset = decode(r#"{"id": "abc"}"#).expect("id alone");
    assert_eq!((d.id.as_str(), d.name.as_str()), ("abc", ""));
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
    // A number is shown as it came.
    assert_eq!(e.detail, Some(ErrorDetail::Text("42".into())));
    assert_eq!(e.summary(), "Oops — 42");
}

#[test]
fn any_json_is_read_for_its_text() {
    let e: ApiError = serde_json::from_value(json!({"id": "x"})).expect("decodes");
    assert_eq!(e.summary(), "x");
    let e: ApiError = serde_json::from_value(json!([1])).expect("decodes");
    assert_eq!(
        e.summary(),
        "",
        "no text in it: the status line says it all"
    );
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

/// The path of a decode failure, wherever it is: nested, in a pretty-printed body,
/// after strings holding quotes, commas and brackets. Values of the wrong type are no
/// longer failures (see `tolerance_*`), so these are broken documents.
#[test]
fn decode_errors_name_the_json_path() {
    let path_of = |json: &str| match decode::<ImportJob>(json) {
        Err(ClientError::Decode { path, .. }) => path,
        other => panic!("expected a decode error for {json}, got {other:?}"),
    };
    let job = |extra: &str| {
        format!(
            r#"{{"import_id": "i", "dataset_id": "d", "status": "partial", "filename": "a \"b\", [c]{{",
                "created_at": "2024-01-15T09:30:00Z", "updated_at": "2024-01-15T10:00:00Z"{extra}"#
        )
    };
    assert_eq!(
        path_of(&job(
            r#", "errors": [{"record_index": 1}, {"record_index": 2x"#
        )),
        "errors[1].record_index"
    );
    assert_eq!(
        path_of(&job(
            r#", "errors": [{"field": "a,b", "reason": "]}"}, {"reason": tru"#
        )),
        "errors[1].reason"
    );
    assert_eq!(path_of(&job(r#", "accepted_count": -"#)), "accepted_count");
    assert_eq!(
        path_of(r#"{"import_id": "i"}"#),
        ".",
        "no status: the object itself"
    );
    assert_eq!(path_of("[1, 2]"), "[0]", "not an object: its first element");
    let pretty = serde_json::to_string_pretty(&serde_json::json!({
        "import_id": "i", "status": "queued", "created_at": "t", "updated_at": "t",
        "errors": [{"record_index": 0}, {"record_index": 1, "field": ["not", "a", "string"]}],
    }))
    .expect("json");
    let cut = pretty.rfind("\"string\"").expect("cut");
    assert_eq!(path_of(&pretty[..cut + 3]), "errors[1].field[2]");

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

// ---- Tolerance: what real answers bring (modelled on Prolific's CLI, prolific-oss/cli) ----

/// The scenario file of the CLI-shaped import `id` (under [`demo::CLI_V4`]).
fn cli_import(id: &str) -> String {
    import_file(demo::CLI_V4, id)
}

/// The body of step `n` of a scenario file, as JSON text.
fn step(name: &str, n: usize) -> String {
    let scenario: serde_json::Value = serde_json::from_str(&fixture(name)).expect("json");
    scenario["steps"][n]["body"].to_string()
}

#[test]
fn tolerance_numbers_as_strings_are_numbers_and_the_rest_is_noted() {
    let d: Dataset = decode(step(&dataset_file(demo::CLI_V4), 0)).expect("decodes");
    assert_eq!(d.total_datapoint_count, Some(1500));
    assert!(d.unreadable.is_empty(), "{:?}", d.unreadable);

    let d: Dataset = decode(step(&dataset_file(demo::CLI_V3), 0)).expect("decodes");
    assert_eq!(d.total_datapoint_count, None);
    assert_eq!(d.unreadable.len(), 1);
    assert_eq!(d.unreadable[0].path, "total_datapoint_count");
    assert_eq!(d.unreadable[0].raw, "\"abc\"");
    assert_eq!(
        dataset_monitor::view::present::unreadable_line(&d.unreadable).as_deref(),
        Some("1 field could not be read: `total_datapoint_count` = \"abc\"")
    );
    assert_eq!(v3(&d).has_predetermined_grouping_id, Some(true));
    assert_eq!(v3(&d).status, Some(DatasetStatus::Ready));

    for (value, expected, noted) in [
        (json!(1500), Some(1500), false),
        (json!("1500"), Some(1500), false),
        (json!(" 7 "), Some(7), false),
        (json!(1500.0), Some(1500), false),
        (json!(""), None, false),
        (json!(null), None, false),
        (json!("1.5k"), None, true),
        (json!(-3), None, true),
        (json!(2.5), None, true),
        (json!(true), None, true),
        (json!([1]), None, true),
        (json!({"n": 1}), None, true),
    ] {
        let mut body = base_import("partial");
        body["accepted_count"] = value.clone();
        let job = import(body);
        assert_eq!(job.accepted_count, expected, "{value}");
        assert_eq!(!job.unreadable.is_empty(), noted, "{value}");
    }
}

#[test]
fn tolerance_text_fields_take_any_scalar_and_empty_is_absent() {
    let mut body = base_dataset(json!("3"));
    body["created_by"] = json!(12345);
    body["workspace_id"] = json!("");
    body["filename"] = json!(false);
    body["created_at"] = json!("");
    body["status"] = json!(7);
    let d = dataset(body);
    assert_eq!(d.created_by.as_deref(), Some("12345"), "shown as it came");
    assert_eq!(d.workspace_id, None);
    assert_eq!(d.created_at, None, "an empty timestamp shows a dash");
    assert_eq!(v3(&d).filename.as_deref(), Some("false"));
    assert_eq!(v3(&d).status, Some(DatasetStatus::Other("7".into())));
    assert!(d.unreadable.is_empty());

    let mut body = base_dataset(json!("3"));
    body["created_by"] = json!({"id": "x"});
    let d = dataset(body);
    assert_eq!(d.created_by, None);
    assert_eq!(d.unreadable[0].path, "created_by");
    assert_eq!(d.unreadable[0].raw, "{…}");
}

#[test]
fn tolerance_version_from_the_fields_present() {
    // A `schema` key (even null) or an `imports` key means V4, when the version is null,
    // absent or unknown.
    for key in ["schema", "imports"] {
        for version in [json!(null), json!(""), json!("7")] {
            let mut body = base_dataset(version.clone());
            body[key] = json!(null);
            assert!(
                matches!(dataset(body).details, DatasetDetails::V4(_)),
                "{key} with {version}"
            );
        }
    }
    let mut body = base_dataset(json!(null));
    body["status"] = json!("READY");
    let d = dataset(body);
    assert!(matches!(d.details, DatasetDetails::V3(_)));
    assert_eq!(d.schema_version, SchemaVersion::Other(String::new()));

    let d: Dataset = decode(step(&dataset_file(demo::CLI_V4), 0)).expect("decodes");
    let details = v4(&d);
    let schema = details.schema.as_ref().expect("schema");
    assert_eq!(schema.strict, None, "strict: null is not stated");
    // (`step` goes through serde_json::Value, which sorts the keys.)
    let field = |key: &str| {
        schema
            .fields
            .iter()
            .find(|f| f.key == key)
            .expect("field")
            .clone()
    };
    assert_eq!(field("prompt").label, None, "label: null");
    assert_eq!(field("note").label, None, "label: \"\"");
    assert_eq!(field("clip").field_type, FieldType::AudioUrl);
    assert_eq!(field("clip").label.as_deref(), Some("Audio clip"));
    assert_eq!(details.imports.len(), 2);
}

#[test]
fn tolerance_a_v3_answer_with_imports_shows_them() {
    let d: Dataset = decode(fixture(&seed_dataset())).expect("decodes");
    assert!(matches!(d.details, DatasetDetails::V3(_)));
    assert_eq!(d.imports().len(), 1);
    assert_eq!(d.imports()[0].status, ImportStatus::Partial);
    assert_eq!(d.imports()[0].errors.len(), 2);
}

#[test]
fn tolerance_an_import_without_ids_belongs_to_the_ids_asked_for() {
    let mut job: ImportJob = decode(step(&cli_import(demo::CLI_PARTIAL), 0)).expect("decodes");
    assert_eq!(job.import_id, "");
    assert_eq!(job.dataset_id, None, "\"\" is not an id");
    job.belongs_to(demo::CLI_V4, demo::CLI_PARTIAL);
    assert_eq!(job.import_id, demo::CLI_PARTIAL);
    assert_eq!(job.dataset_id.as_deref(), Some(demo::CLI_V4));
    // Ids that came are kept.
    let mut job = import(base_import("queued"));
    job.belongs_to("other", "other");
    assert_eq!(job.import_id, demo::REFERENCE_IMPORT);

    let job: ImportJob = decode(step(&cli_import(demo::CLI_PARTIAL), 0)).expect("decodes");
    assert_eq!(job.filename, None);
    assert_eq!(job.processing_started_at, None);
    assert_eq!(job.errors[2].record_index, Some(2), "\"2\" is 2");
    assert_eq!(job.errors[2].field, None, "field: \"\" reads like null");
    assert_eq!(job.errors[0].field.as_deref(), Some("email"));
    assert_eq!(job.reason.as_deref(), Some("Some rows were rejected."));
    assert!(job.unreadable.is_empty());
}

#[test]
fn tolerance_a_failed_import_keeps_its_record_errors() {
    let job: ImportJob = decode(step(&cli_import(demo::CLI_FAILED), 0)).expect("decodes");
    assert_eq!(job.status, ImportStatus::Failed);
    assert_eq!(job.errors.len(), 21);
    assert!(job.errors_truncated(), "25 rejected, 21 listed");
    assert_eq!(job.import_type, None, "type: \"\"");
    assert_eq!(job.updated_at, None);
    assert_eq!(job.errors[0].field, None);
    assert_eq!(job.errors[1].field.as_deref(), Some("email"));
}

#[test]
fn tolerance_bare_processing_answers_and_counts_as_strings() {
    let job: ImportJob = decode(step(&cli_import(demo::CLI_POLLED), 0)).expect("decodes");
    assert_eq!(job.status, ImportStatus::Processing);
    assert_eq!(job.written_count, Some(120));
    assert_eq!(job.rejected_seen_count, Some(0));
    assert_eq!((job.accepted_count, job.duplicate_count), (None, None));
    let job: ImportJob = decode(step(&cli_import(demo::CLI_POLLED), 2)).expect("decodes");
    assert_eq!(job.newly_written(), Some(0), "all accepted were duplicates");
}

#[test]
fn tolerance_odd_parts_of_a_dataset_are_noted_not_fatal() {
    let mut body = base_dataset(json!("4"));
    body["schema"] = json!({"strict": "yes", "fields": {"a": {"type": "text"}, "c": null, "d": {"type": 5, "label": {"x": 1}}}});
    body["imports"] = json!([
        base_import("queued"),
        {"import_id": "x"},
        {"import_id": "y", "status": "complete", "accepted_count": "many", "errors": null},
    ]);
    let d = dataset(body);
    let details = v4(&d);
    let schema = details.schema.as_ref().expect("schema");
    assert_eq!(schema.strict, None);
    let keys: Vec<_> = schema.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["a", "c", "d"]);
    assert_eq!(schema.fields[1].field_type, FieldType::Other(String::new()));
    assert_eq!(schema.fields[2].field_type, FieldType::Other("5".into()));
    assert_eq!(schema.fields[2].label, None);
    // The import without a status is left out; the other keeps what it could read.
    let ids: Vec<_> = details
        .imports
        .iter()
        .map(|j| j.import_id.as_str())
        .collect();
    assert_eq!(ids, [demo::REFERENCE_IMPORT, "y"]);
    assert_eq!(details.imports[1].unreadable.len(), 1);
    let paths: Vec<_> = d.unreadable.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "imports[1].status",
            "imports[2].accepted_count",
            "schema.fields.d.label",
            "schema.strict",
        ]
    );
}

/// Containers keep their documented shape (an object, a list or `null`): only scalar
/// fields are read leniently, so that the common case stays plain serde. A container of
/// the wrong type is a decode error naming its path.
#[test]
fn tolerance_ends_at_containers_of_the_wrong_type() {
    let path_of = |body: serde_json::Value| match decode::<Dataset>(body.to_string()) {
        Err(ClientError::Decode { path, .. }) => path,
        other => panic!("expected a decode error, got {other:?}"),
    };
    let mut body = base_dataset(json!("4"));
    body["imports"] = json!([base_import("queued"), "not an import"]);
    assert_eq!(path_of(body), "imports[1]");
    let mut body = base_dataset(json!("4"));
    let mut job = base_import("partial");
    job["errors"] = json!([{"record_index": 1}, "Line 4 is not valid JSON"]);
    body["imports"] = json!([job]);
    assert_eq!(path_of(body), "imports[0].errors[1]");
    let mut body = base_dataset(json!("4"));
    body["imports"] = json!("none");
    assert_eq!(path_of(body), "imports");
}

#[test]
fn tolerance_record_errors_of_odd_values() {
    let mut body = base_import("partial");
    body["errors"] = json!([
        {"record_index": "x", "field": 3, "reason": ["a"]},
        {"record_index": 2.0, "field": "", "reason": ""},
    ]);
    let job = import(body);
    assert_eq!(job.errors.len(), 2);
    assert_eq!(job.errors[0].record_index, None);
    assert_eq!(
        job.errors[0].field.as_deref(),
        Some("3"),
        "shown as it came"
    );
    assert_eq!(job.errors[0].reason, None);
    assert_eq!(job.errors[1].record_index, Some(2));
    assert_eq!(
        (&job.errors[1].field, &job.errors[1].reason),
        (&None, &None)
    );
    let paths: Vec<_> = job.unreadable.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(paths, ["errors[0].record_index", "errors[0].reason"]);
}

#[test]
fn tolerance_timestamps_are_read_as_utc() {
    use dataset_monitor::view::present::as_utc;
    assert_eq!(as_utc("2024-01-15T09:30:00Z"), "2024-01-15T09:30:00Z");
    assert_eq!(as_utc("2024-01-15T09:30:00"), "2024-01-15T09:30:00Z");
    assert_eq!(as_utc("2024-01-15 09:30:00"), "2024-01-15T09:30:00Z");
    assert_eq!(
        as_utc("2024-01-15T09:30:00.123456"),
        "2024-01-15T09:30:00.123456Z"
    );
    assert_eq!(
        as_utc("2024-01-15T09:30:00.5+01:00"),
        "2024-01-15T09:30:00.5+01:00"
    );
    assert_eq!(
        as_utc("2024-01-15T09:30:00-0500"),
        "2024-01-15T09:30:00-0500"
    );
    assert_eq!(as_utc("2024-01-15"), "2024-01-15");
    assert_eq!(as_utc("soon"), "soon");
    assert_eq!(as_utc(""), "");
}

#[test]
fn tolerance_absent_counts_are_unknown_not_zero() {
    use dataset_monitor::view::present::{BarPart, bar_label, bar_parts};
    // Prolific's reference import example: 150 accepted, 5 rejected, no duplicate_count.
    let job: ImportJob = decode(fixture(&seed_import())).expect("decodes");
    let parts = bar_parts(&job);
    assert_eq!(parts, [(BarPart::Accepted, 150), (BarPart::Rejected, 5)]);
    assert_eq!(
        bar_label(&parts, |n| n.to_string()),
        "150 accepted, 5 rejected"
    );
    // With duplicates known: new and duplicates.
    let job: ImportJob = decode(step(&cli_import(demo::CLI_PARTIAL), 0)).expect("decodes");
    let parts = bar_parts(&job);
    assert_eq!(
        parts,
        [
            (BarPart::New, 2),
            (BarPart::Duplicates, 2),
            (BarPart::Rejected, 25)
        ]
    );
    // While processing: what is seen so far.
    let job: ImportJob = decode(step(&cli_import(demo::CLI_POLLED), 1)).expect("decodes");
    assert_eq!(
        bar_parts(&job),
        [(BarPart::New, 240), (BarPart::Duplicates, 3)]
    );
    // Nothing known: no bar.
    assert!(bar_parts(&import(base_import("queued"))).is_empty());
}

/// The error-body scenarios ([`demo::ERROR_BODY_PREFIX`]): status, content type and body of the step.
fn error_step(suffix: &str) -> (u16, Option<String>, Vec<u8>) {
    let name = dataset_file(&format!("{}{suffix}", demo::ERROR_BODY_PREFIX));
    let scenario: serde_json::Value = serde_json::from_str(&fixture(&name)).expect("json");
    let step = &scenario["steps"][0];
    let status = step["status"].as_u64().expect("status") as u16;
    let content_type = step["content_type"].as_str().map(str::to_owned);
    let body = match step["raw"].as_str() {
        Some(raw) => raw.as_bytes().to_vec(),
        None => step["body"].to_string().into_bytes(),
    };
    (status, content_type, body)
}

fn http_error(suffix: &str) -> ClientError {
    let (status, content_type, body) = error_step(suffix);
    ClientError::Http {
        status,
        body: ApiError::from_body(&body, content_type.as_deref()).map(Box::new),
        retry_after: None,
    }
}

#[test]
fn every_error_body_is_shown_in_its_own_words() {
    for (suffix, expected) in [
        (
            "e01",
            vec!["Bad Request", "dataset_id: Must be a valid UUID.", "name: "],
        ),
        (
            "e02",
            vec![
                "Invalid schema",
                "The schema is not valid.",
                "schema.fields.clip: Unknown field type",
                "body.name: Field required",
            ],
        ),
        ("e03", vec!["Internal error while reading the dataset"]),
        ("e04", vec!["Bad Request", "study not found"]),
        ("e05", vec!["Not found."]),
        ("e06", vec!["description is required"]),
        (
            "e07",
            vec!["The dataset is being processed; try again shortly"],
        ),
        ("e08", vec!["Storage did not answer in time"]),
        (
            "e09",
            vec!["Service temporarily unavailable <b>maintenance</b> until 18:00 UTC"],
        ),
        ("e10", vec!["permission to access to this feature"]),
    ] {
        let text = http_error(suffix).to_string();
        for e in expected {
            assert!(text.contains(e), "{suffix}: {e:?} missing from {text:?}");
        }
    }
    // Fields with a null value are listed, with no message.
    let ClientError::Http {
        body: Some(body), ..
    } = http_error("e01")
    else {
        panic!("a body");
    };
    assert_eq!(
        body.detail,
        Some(ErrorDetail::Fields(vec![
            ("dataset_id".into(), vec!["Must be a valid UUID.".into()]),
            ("name".into(), vec![]),
        ]))
    );
    let ClientError::Http {
        body: Some(body), ..
    } = http_error("e06")
    else {
        panic!("a body");
    };
    assert_eq!(
        body.additional_information.as_deref(),
        Some("Error type: INVALID_BATCH_ITEMS")
    );
}

#[test]
fn long_error_texts_are_cut_and_the_traceback_kept_apart() {
    let ClientError::Http {
        body: Some(body), ..
    } = http_error("e11")
    else {
        panic!("a body");
    };
    let Some(ErrorDetail::Text(detail)) = &body.detail else {
        panic!("a text detail: {body:?}");
    };
    assert_eq!(
        detail.chars().count(),
        501,
        "500 characters and an ellipsis"
    );
    assert!(detail.ends_with('…'));
    assert!(
        body.traceback
            .as_deref()
            .is_some_and(|t| t.contains("ValueError"))
    );
    assert!(!body.summary().contains("ValueError"));
    // Multi-byte text is cut on a character boundary.
    let long = "é".repeat(900);
    let e = ApiError::from_body(long.as_bytes(), Some("text/plain")).expect("text");
    assert_eq!(e.summary().chars().count(), 501);
}

#[test]
fn html_and_empty_bodies_show_only_the_status_line() {
    let html = b"<html><body><h1>502 Bad Gateway</h1><script>alert(1)</script></body></html>";
    assert_eq!(ApiError::from_body(html, Some("text/html")), None);
    assert_eq!(ApiError::from_body(html, None), None);
    assert_eq!(ApiError::from_body(b"  \n", Some("text/plain")), None);
    assert_eq!(ApiError::from_body(b"", None), None);
    assert_eq!(
        ApiError::from_body(b"[1, 2]", None),
        None,
        "JSON with no text"
    );
    let e = ApiError::from_body(b"\xEF\xBB\xBFUpstream timed out", None).expect("text");
    assert_eq!(e.summary(), "Upstream timed out");
    let e = ApiError::from_body(br#""Upstream says no""#, None).expect("a JSON string");
    assert_eq!(e.summary(), "Upstream says no");
}

#[test]
fn the_headline_says_the_right_thing() {
    use dataset_monitor::view::present::error_headline;
    let headline = |status: u16, body: Option<serde_json::Value>| {
        error_headline(&ClientError::Http {
            status,
            body: body.map(|b| Box::new(serde_json::from_value::<ApiError>(b).expect("body"))),
            retry_after: None,
        })
    };
    assert!(
        error_headline(&http_error("e10"))
            .contains("This workspace does not have access to AI Task Builder datasets")
    );
    assert!(
        headline(
            403,
            Some(json!({"detail": "You do not have permission to access this feature"}))
        )
        .contains("does not have access to AI Task Builder datasets")
    );
    assert!(error_headline(&http_error("e05")).contains("check the dataset id"));
    assert!(
        headline(404, Some(json!({"detail": "You do not have permission"})))
            .contains("check the dataset id"),
        "permission alone is not the feature"
    );
    assert!(headline(401, None).contains("token was rejected"));
    assert!(headline(401, None).contains("runs the proxy"));
    assert!(
        headline(403, None)
            .contains("account of the proxy's Prolific token may not read this dataset")
    );
}
