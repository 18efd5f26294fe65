#!/usr/bin/env python3
"""Writes fixtures/demo: the mock's embedded demo scenarios (deterministic).

Reads only the repository: the two Prolific reference examples are copied verbatim from
fixtures/reference (the "Response" examples of Prolific's get-dataset and
get-import-status reference pages, taken as they are).
Also writes DIR/uploads/: the files those imports were "uploaded" from, with every
rejected record really showing its error (a missing field is absent, a malformed line is
not JSON, ...), for joining in the widget (scripts/demo prints their paths; the tests open
them). Over-long values are abbreviated to keep the fixtures small.
The scenarios' ids come from wire/src/demo.rs, where they are typed out once.
Run: scripts/make-demo-fixtures.py [OUTPUT_DIR]   (default: fixtures/demo; scripts/test
writes to a temporary folder and checks that it matches the committed fixtures)
"""
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures" / "demo"
OUT = BASE / "datasets"
UPLOADS = BASE / "uploads"
REFERENCE = ROOT / "fixtures" / "reference"


def demo_ids():
    """{NAME: id} for every `pub const NAME: &str` in wire/src/demo.rs: its string literal,
    or the literal of the `name!()` macro it is defined by."""
    source = (ROOT / "wire" / "src" / "demo.rs").read_text()
    macros = dict(re.findall(r'macro_rules! (\w+) \{\s*\(\) => \{\s*"([^"]*)"', source))
    consts = re.findall(r'^pub const (\w+): &str = (?:"([^"]*)"|(\w+)!\(\));$', source, re.M)
    return {name: literal or macros[macro] for name, literal, macro in consts}


DEMO = demo_ids()
V4_MAIN = DEMO["V4_MAIN"]   # dataset of the reference import example
V4_NO_SCHEMA = DEMO["NO_SCHEMA"]
V4_BUSY = DEMO["BUSY"]
SEED_V3 = DEMO["REFERENCE_V3"]   # the reference dataset example (V3, ERROR)
V3 = {
    "READY": DEMO["V3_READY"],
    "PROCESSING": DEMO["V3_PROCESSING"],
    "UNINITIALISED": DEMO["V3_UNINITIALISED"],
}
RATE_LIMITED = DEMO["RATE_LIMITED"]
FLAKY = DEMO["FLAKY"]
MALFORMED = DEMO["MALFORMED"]
SLOW = DEMO["SLOW"]
LIFECYCLE = DEMO["LIFECYCLE_IMPORT"]
FAILED = DEMO["FAILED_IMPORT"]
COMPLETE = DEMO["COMPLETE_IMPORT"]
PENDING = DEMO["PENDING_SCHEMA_IMPORT"]
SEED_IMPORT = DEMO["REFERENCE_IMPORT"]

rng = random.Random(20241115)


def write(rel, value):
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n")


# What `dataset-proxy mock` lists at GET /_mock/scenarios (fixtures/demo/scenarios.json),
# in the order the front door shows them.
CATALOGUE = []


def offer(group, title, shows, dataset_id, import_id=None):
    CATALOGUE.append({"group": group, "title": title, "shows": shows,
                      "dataset_id": dataset_id, "import_id": import_id})


def walkthrough():
    """The scenarios a first visit should see, in the order of a researcher's day."""
    w = "Walkthrough"
    offer(w, "An import from start to partial", "V4 dataset with every field type; the import walks "
          "uninitialised → queued → processing → partial (3,412 rejected, 3,000 listed)", V4_MAIN, LIFECYCLE)
    offer(w, "A dataset followed as a whole", "V4 dataset, no import id: two imports move to complete and "
          "partial as it is polled", V4_BUSY)
    offer(w, "A failed import", "failed, with its reason", V4_MAIN, FAILED)
    offer(w, "Prolific's reference import", "the reference import example, verbatim (partial, 5 rejected, "
          "2 listed)", V4_MAIN, SEED_IMPORT)
    offer(w, "Waiting for a schema", "V4 dataset without a schema; the import waits in pending_schema",
          V4_NO_SCHEMA, PENDING)
    offer(w, "Prolific's reference dataset", "the reference dataset example, verbatim (V3, ERROR)", SEED_V3)
    for status, id_ in V3.items():
        offer(w, f"A V3 dataset, {status}", f"V3 dataset whose status is {status}", id_)
    offer(w, "An import that never ends", "processing for ever: try \"Notify me when it finishes\"",
          DEMO["ENDLESS"], DEMO["ENDLESS_IMPORT"])
    f = "Faults and recoveries"
    offer(f, "Rate limited, then fine", "429 with Retry-After: 1, then the dataset", RATE_LIMITED)
    offer(f, "A gateway error, then fine", "502 with an HTML body, then the dataset", FLAKY)
    offer(f, "No such dataset", "404 in Prolific's error shape", DEMO["UNKNOWN"])
    offer(f, "A body of the wrong shape", "a 200 body of the wrong shape (the dataset in an envelope)", MALFORMED)
    offer(f, "Slower than the timeout", "answers after 20 s, slower than the widget's 15 s request timeout", SLOW)


def cli_catalogue():
    c = "Shapes from Prolific's CLI"
    offer(c, "A V4 dataset as the CLI reads it", "schema_version null, a count as text, strict null, "
          "labels null and empty, a timestamp with no zone", CLI_V4)
    offer(c, "partial without an import id", "2 duplicates, a record index as text, an empty field, offset "
          "and fractional timestamps", CLI_V4, CLI_PARTIAL)
    offer(c, "failed, 21 of 25 errors listed", "type and updated_at empty, created_at with no zone",
          CLI_V4, CLI_FAILED)
    offer(c, "A bare status, then complete", "{\"status\": \"processing\"} with counts as text, then "
          "complete with only duplicates", CLI_V4, CLI_POLLED)
    offer(c, "V3 with a field that cannot be read", "total_datapoint_count \"abc\": the quiet line", CLI_V3)


def catalogue():
    path = OUT.parent / "scenarios.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(CATALOGUE, indent=1, ensure_ascii=False) + "\n")


def reference_example(name):
    return (REFERENCE / name).read_text()


def dataset(id_, name, version, total, **extra):
    d = {
        "id": id_,
        "name": name,
        "created_at": "2026-11-02T08:15:00Z",
        "created_by": "65786062db3b35bcbeb07bcc",
        "workspace_id": "6278acb09062db3b35bcbeb0",
        "total_datapoint_count": total,
        "schema_version": version,
    }
    d.update(extra)
    return d


def job(import_id, dataset_id, status, filename, created, updated, **extra):
    j = {
        "dataset_id": dataset_id,
        "import_id": import_id,
        "type": "file_upload",
        "filename": filename,
        "created_at": created,
        "updated_at": updated,
        "status": status,
    }
    j.update(extra)
    return j


FIELDS = ["prompt", "response_a", "response_b", "image", "clip", "video", "annotator_note", "group"]
REASONS = {
    "prompt": ["Required field is missing", "Text field exceeds maximum length (10000)", "Value must be a string"],
    "response_a": ["Required field is missing", "Text field exceeds maximum length (10000)"],
    "response_b": ["Required field is missing", "Value must be a string"],
    "image": ["Not a valid URL", "URL must use https"],
    "clip": ["Not a valid URL"],
    "video": ["URL must use https"],
    "annotator_note": ["Value must be a string"],
    "group": ["Value must be a string or an integer"],
}


def errors(n, file_records):
    picked = sorted(rng.sample(range(file_records), n))
    out = []
    for i, index in enumerate(picked):
        roll = rng.random()
        if roll < 0.08:
            out.append({"record_index": index, "field": "_raw", "reason": rng.choice(
                ["Malformed JSON in record", "Unexpected end of line", "Invalid UTF-8 sequence"])})
        elif roll < 0.11:
            out.append({"record_index": index, "field": None, "reason": "Record has unknown keys: \"extra\""})
        elif roll < 0.13:
            out.append({"record_index": None, "field": rng.choice(FIELDS), "reason": None})
        elif roll < 0.14:
            out.append({"record_index": index, "field": rng.choice(FIELDS), "reason": ""})
        else:
            field = rng.choice(FIELDS)
            out.append({"record_index": index, "field": field, "reason": rng.choice(REASONS[field])})
    return out


def main():
    schema = {
        "strict": True,
        "fields": {
            "prompt": {"type": "text", "label": "Prompt shown to the participant"},
            "response_a": {"type": "text", "label": "Response A"},
            "response_b": {"type": "text", "label": "Response B"},
            "image": {"type": "image_url", "label": "Reference image"},
            "clip": {"type": "audio_url", "label": "Audio clip"},
            "video": {"type": "video_url", "label": "Video"},
            "annotator_note": {"type": "metadata", "label": "Internal note"},
            "group": {"type": "task_group_id", "label": "Task group"},
        },
    }
    file_records = 24_000
    t0 = "2026-11-24T09:00:00Z"
    lifecycle_steps = [
        job(LIFECYCLE, V4_MAIN, "uninitialised", "responses_batch_7.jsonl", t0, t0),
        job(LIFECYCLE, V4_MAIN, "uninitialised", "responses_batch_7.jsonl", t0, t0),
        job(LIFECYCLE, V4_MAIN, "queued", "responses_batch_7.jsonl", t0, "2026-11-24T09:00:04Z"),
        job(LIFECYCLE, V4_MAIN, "queued", "responses_batch_7.jsonl", t0, "2026-11-24T09:00:04Z"),
    ]
    processed = 0
    for k in range(1, 5):
        processed = file_records * k // 5
        rejected = 3_412 * k // 5
        dups = 180 * k // 5
        lifecycle_steps.append(job(
            LIFECYCLE, V4_MAIN, "processing", "responses_batch_7.jsonl", t0, f"2026-11-24T09:00:{10 + 2 * k:02d}Z",
            processing_started_at="2026-11-24T09:00:08Z",
            processed_offset=processed * 410,
            written_count=processed - rejected - dups,
            duplicate_seen_count=dups,
            rejected_seen_count=rejected,
        ))
    final = job(
        LIFECYCLE, V4_MAIN, "partial", "responses_batch_7.jsonl", t0, "2026-11-24T09:00:20Z",
        processing_started_at="2026-11-24T09:00:08Z",
        processed_offset=file_records * 410,
        accepted_count=file_records - 3_412,
        rejected_count=3_412,
        duplicate_count=180,
        written_count=file_records - 3_412 - 180,
        errors=errors(3_000, file_records),
        reason="",
    )
    lifecycle_steps.append(final)
    write(f"{V4_MAIN}/imports/{LIFECYCLE}.json", {
        "description": "uninitialised -> queued -> processing (with progress) -> partial; 3,412 rejected, 3,000 listed",
        "steps": [{"status": 200, "body": s} for s in lifecycle_steps],
    })

    failed = job(FAILED, V4_MAIN, "failed", "responses_batch_6.csv", "2026-11-23T16:40:00Z", "2026-11-23T16:40:09Z",
                 reason="The file could not be parsed: line 1 is not valid CSV (unterminated quoted field)")
    write(f"{V4_MAIN}/imports/{FAILED}.json", failed)
    complete = job(COMPLETE, V4_MAIN, "complete", "responses_batch_5.jsonl", "2026-11-20T11:02:00Z",
                   "2026-11-20T11:03:31Z", accepted_count=12_000, rejected_count=0, errors=[], reason=None,
                   duplicate_count=0)
    write(f"{V4_MAIN}/imports/{COMPLETE}.json", complete)
    (OUT / V4_MAIN / "imports" / f"{SEED_IMPORT}.json").write_text(reference_example("get-import-status.json"))
    (OUT / f"{SEED_V3}.json").write_text(reference_example("get-dataset.json"))

    seed_import = json.loads((OUT / V4_MAIN / "imports" / f"{SEED_IMPORT}.json").read_text())
    summary = lambda j: {k: v for k, v in j.items() if k != "errors"}
    history = [summary(failed), summary(seed_import), summary(complete)]
    # Fetched once when the widget starts and once when the followed import ends.
    dataset_steps = []
    for s in [lifecycle_steps[0], final]:
        dataset_steps.append({"status": 200, "body": dataset(
            V4_MAIN, "Preference pairs — November", "4",
            12_000 + 150 + (s.get("accepted_count") or 0), schema=schema,
            imports=[summary(s)] + history)})
    write(f"{V4_MAIN}.json", {
        "description": "V4 with every field type; its newest import is uninitialised, then partial",
        "steps": dataset_steps,
    })

    # A dataset followed as a whole: two imports move on their own, polled through it.
    a, b = DEMO["BUSY_JSONL_IMPORT"], DEMO["BUSY_CSV_IMPORT"]
    moving = []
    for sa, sb in [("queued", "processing"), ("processing", "processing"),
                   ("complete", "processing"), ("complete", "partial")]:
        ja = job(a, V4_BUSY, sa, "morning.jsonl", "2026-11-24T07:00:00Z", "2026-11-24T07:00:30Z",
                 **({"accepted_count": 5_000, "rejected_count": 0, "duplicate_count": 0} if sa == "complete" else {}))
        jb = job(b, V4_BUSY, sb, "evening.csv", "2026-11-24T06:50:00Z", "2026-11-24T07:00:30Z",
                 **({"accepted_count": 1_940, "rejected_count": 60, "duplicate_count": 5,
                     "errors": errors(60, 2_000)} if sb == "partial" else {}))
        moving.append({"status": 200, "body": dataset(
            V4_BUSY, "Chatbot transcripts (two uploads running)", "4",
            (ja.get("accepted_count") or 0) + (jb.get("accepted_count") or 0),
            schema={"strict": False, "fields": {"transcript": {"type": "text", "label": "Transcript"},
                                                "source": {"type": "metadata"}}},
            imports=[ja, jb])})
    write(f"{V4_BUSY}.json", {
        "description": "two imports move to complete and partial as the dataset is polled",
        "steps": moving,
    })

    write(f"{V4_NO_SCHEMA}.json", dataset(
        V4_NO_SCHEMA, "Image captions (no schema yet)", "4", 0, schema=None,
        imports=[job(PENDING, V4_NO_SCHEMA, "pending_schema", "captions.jsonl",
                     "2026-11-24T08:00:00Z", "2026-11-24T08:00:03Z")]))
    write(f"{V4_NO_SCHEMA}/imports/{PENDING}.json", job(
        PENDING, V4_NO_SCHEMA, "pending_schema", "captions.jsonl", "2026-11-24T08:00:00Z", "2026-11-24T08:00:03Z"))

    for status, id_ in V3.items():
        write(f"{id_}.json", dataset(
            id_, f"Sentiment labels ({status.lower()})", "3", 1_500 if status == "READY" else 0,
            status=status,
            filename=None if status == "UNINITIALISED" else "sentiment_labels.csv",
            has_predetermined_grouping_id=None if status == "UNINITIALISED" else (status == "READY")))

    write(f"{RATE_LIMITED}.json", {
        "description": "429 with Retry-After: 1 on the first request, then the dataset",
        "steps": [
            {"status": 429, "headers": {"Retry-After": "1"},
             "body": {"error": {"status": 429, "error_code": 429, "title": "Too Many Requests",
                                "detail": "Request was throttled. Expected available in 1 second."}}},
            {"status": 200, "body": dataset(RATE_LIMITED, "Rate-limited then fine", "3", 10,
                                            status="READY", filename="small.csv",
                                            has_predetermined_grouping_id=False)},
        ],
    })
    write(f"{FLAKY}.json", {
        "description": "502 with an HTML body from a gateway, then the dataset",
        "steps": [
            {"status": 502, "content_type": "text/html",
             "raw": "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"},
            {"status": 200, "body": dataset(FLAKY, "Recovered after a 502", "3", 42, status="READY",
                                            filename="recovered.csv", has_predetermined_grouping_id=False)},
        ],
    })
    write(f"{SLOW}.json", {
        "description": "answers after 20 s: slower than the widget's 15 s request timeout",
        "steps": [{"status": 200, "delay_ms": 20_000, "body": dataset(
            SLOW, "Slow answer", "3", 1, status="READY", filename="slow.csv",
            has_predetermined_grouping_id=False)}],
    })
    # Wrapped in an envelope: neither `id` nor `name` at the top, so not a dataset.
    write(f"{MALFORMED}.json", {"dataset": {"id": MALFORMED, "name": "Wrong shape", "schema_version": "4",
                                            "imports": [{"import_id": "x", "status": 7}]}})


def faults():
    """The fault corpus: V3 datasets that answer well (PROCESSING), then fail one way,
    then answer well again (READY), so a test sees the error, the stale data kept on
    screen, and the recovery."""
    def good(id_, status):
        return {"status": 200, "body": dataset(id_, f"Fault drill {id_[-3:]}", "3", 100, status=status,
                                                filename="drill.csv", has_predetermined_grouping_id=False)}

    def error_body(status, title, detail):
        return {"error": {"status": status, "error_code": status, "title": title, "detail": detail}}

    corpus = {
        "500": ("500 with a JSON error body",
                {"status": 500, "body": error_body(500, "Internal Server Error", "Something went wrong.")}),
        "502": ("502 with an HTML body",
                {"status": 502, "content_type": "text/html", "raw": "<html><body><h1>502 Bad Gateway</h1></body></html>"}),
        "503": ("503 with Retry-After: 1",
                {"status": 503, "headers": {"Retry-After": "1"}, "body": error_body(503, "Service Unavailable", "Maintenance.")}),
        "429": ("429 with Retry-After as an HTTP date (in the past, so: retry now)",
                {"status": 429, "headers": {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
                 "body": error_body(429, "Too Many Requests", "Slow down.")}),
        "0d1": ("an answer slower than a 1 s client timeout",
                {"status": 200, "delay_ms": 3000, "body": dataset("x", "late", "3", 1)}),
        "0dc": ("the connection dropped mid-body",
                {"status": 200, "drop_after_bytes": 20, "body": dataset("x", "cut", "3", 1, status="READY")}),
        "0e2": ("truncated JSON",
                {"status": 200, "content_type": "application/json", "raw": '{"id": "x", "name": "Trunc'}),
        "0e0": ("an empty 200 body", {"status": 200}),
        "0e1": ("a 200 body of the wrong shape", {"status": 200, "body": {"unexpected": True}}),
        "401": ("401", {"status": 401, "body": error_body(401, "Unauthorized", "Invalid token.")}),
        "403": ("403", {"status": 403, "body": error_body(403, "Forbidden", "You do not have access.")}),
        "404": ("404", {"status": 404, "body": error_body(404, "Not Found", "No such dataset.")}),
    }
    for suffix, (what, fault) in corpus.items():
        id_ = DEMO["FAULT_DRILL_PREFIX"] + suffix
        offer("Faults and recoveries", f"Fault drill {suffix}", f"V3: PROCESSING, then {what}, then READY", id_)
        write(f"{id_}.json", {
            "description": f"fault drill: PROCESSING, then {what}, then READY",
            "steps": [good(id_, "PROCESSING"), fault, good(id_, "READY")],
        })


def soak():
    """A dataset whose import never ends (always processing): polled for ever, for soaks."""
    d, i = DEMO["ENDLESS"], DEMO["ENDLESS_IMPORT"]
    write(f"{d}.json", dataset(d, "Soak: an import that never ends", "4", 0,
                               schema={"strict": False, "fields": {"text": {"type": "text"}}},
                               imports=[job(i, d, "processing", "endless.jsonl",
                                            "2026-11-24T07:00:00Z", "2026-11-24T07:00:00Z")]))
    write(f"{d}/imports/{i}.json", job(i, d, "processing", "endless.jsonl", "2026-11-24T07:00:00Z",
                                       "2026-11-24T07:00:00Z", processing_started_at="2026-11-24T07:00:01Z",
                                       written_count=1000, rejected_seen_count=3, duplicate_seen_count=1))


CLI = "prolific-oss/cli"
CLI_V4 = DEMO["CLI_V4"]
CLI_V3 = DEMO["CLI_V3"]
CLI_PARTIAL = DEMO["CLI_PARTIAL"]
CLI_FAILED = DEMO["CLI_FAILED"]
CLI_POLLED = DEMO["CLI_POLLED"]


def cli_shapes():
    """Answers shaped field by field like what Prolific's CLI reads (its Go structs send
    "" for a string they lack, numbers for counts, and leave ids out), with the odd values
    a real answer can bring: a count as a string, a null version, offsets and no zone in
    timestamps. Each scenario's description names the CLI file it is modelled on."""
    partial = {
        # cmd/aitaskbuilder/upload_dataset_test.go, TestDatasetUploadCommandRendersPartialImportSummary:
        # no import_id, dataset_id "" (normalizeDatasetImportJob fills both from the request).
        "dataset_id": "", "type": "file_upload", "filename": "", "created_at": "2026-11-24T09:10:00.123456+01:00",
        "updated_at": "2026-11-24T08:12:30.5Z", "processing_started_at": "", "status": "partial",
        "accepted_count": 4, "duplicate_count": 2, "rejected_count": 25,
        "errors": [{"record_index": 0, "field": "email", "reason": "invalid email"},
                   {"record_index": 1, "field": "name", "reason": "missing value"},
                   {"record_index": "2", "field": "", "reason": "Record has unknown keys"}],
        "reason": "Some rows were rejected.",
    }
    write(f"{CLI_V4}/imports/{CLI_PARTIAL}.json", {
        "description": f"{CLI} cmd/aitaskbuilder/upload_dataset_test.go (partial summary) and model/ai_task_builder.go "
                       "(DatasetImportJob): no import_id, dataset_id \"\", filename \"\", a record index as a string, "
                       "field \"\"; timestamps with an offset and fractional seconds",
        "steps": [{"status": 200, "body": partial}],
    })
    failed = {
        # TestDatasetUploadCommandReturnsFailedImportError: failed, yet 21 record errors of 25 rejected.
        "dataset_id": CLI_V4, "import_id": CLI_FAILED, "type": "", "created_at": "2026-11-24T09:20:00",
        "updated_at": "", "status": "failed", "rejected_count": 25,
        "errors": [{"record_index": i, "field": "email" if i % 5 else "", "reason": "invalid email"} for i in range(21)],
        "reason": "Schema validation failed.",
    }
    write(f"{CLI_V4}/imports/{CLI_FAILED}.json", {
        "description": f"{CLI} cmd/aitaskbuilder/upload_dataset_test.go (failed import error): failed with 21 record "
                       "errors of 25 rejected; type \"\", updated_at \"\", created_at with no zone (UTC)",
        "steps": [{"status": 200, "body": failed}],
    })
    write(f"{CLI_V4}/imports/{CLI_POLLED}.json", {
        "description": f"{CLI} cmd/aitaskbuilder/upload_dataset.go (waitForDatasetImport) and its tests: a bare "
                       "{\"status\": \"processing\"} with counts as strings, then complete with only duplicates",
        "steps": [
            {"status": 200, "body": {"status": "processing", "written_count": "120", "rejected_seen_count": "0"}},
            {"status": 200, "body": {"status": "processing", "written_count": "240", "duplicate_seen_count": 3}},
            # TestDatasetUploadCommandRendersDuplicateOnlySuccess
            {"status": 200, "body": {"dataset_id": CLI_V4, "import_id": CLI_POLLED, "status": "complete",
                                     "accepted_count": 3, "duplicate_count": 3, "rejected_count": 0}},
        ],
    })
    summary = lambda j: {k: v for k, v in j.items() if k != "errors"}
    write(f"{CLI_V4}.json", {
        "description": f"{CLI} client/responses.go (GetAITaskBuilderDatasetResponse) and client/payloads.go "
                       "(DatasetSchema: strict is a pointer, label omitempty): schema_version null (a schema key "
                       "means V4), total_datapoint_count \"1500\", strict null, label null and \"\"",
        "steps": [{"status": 200, "body": {
            "id": CLI_V4, "name": "CLI-shaped V4 (no version stated)", "created_at": "2026-11-24 08:00:00",
            "created_by": "65786062db3b35bcbeb07bcc", "workspace_id": "6278acb09062db3b35bcbeb0",
            "total_datapoint_count": "1500", "schema_version": None, "status": "",
            "schema": {"strict": None, "fields": {"prompt": {"type": "text", "label": None},
                                                  "note": {"type": "metadata", "label": ""},
                                                  "clip": {"type": "audio_url", "label": "Audio clip"}}},
            "imports": [summary(failed), dict(summary(partial), import_id=CLI_PARTIAL, dataset_id=CLI_V4)],
        }}],
    })
    write(f"{CLI_V3}.json", {
        "description": f"{CLI} client/responses.go (GetAITaskBuilderDatasetResponse: status omitempty, filename and "
                       "has_predetermined_grouping_id pointers): one field that cannot be read "
                       "(total_datapoint_count \"abc\"), a flag as a string, a timestamp with an offset",
        "steps": [{"status": 200, "body": {
            "id": CLI_V3, "name": "CLI-shaped V3 with one unreadable field", "created_at": "2026-11-20T10:00:00+02:00",
            "created_by": "65786062db3b35bcbeb07bcc", "workspace_id": "6278acb09062db3b35bcbeb0",
            "total_datapoint_count": "abc", "schema_version": 3, "status": "READY", "filename": None,
            "has_predetermined_grouping_id": "true", "schema": None, "imports": None,
        }}],
    })


ERROR_BODIES = [
    # (suffix, HTTP status, what, step without status)
    ("e01", 400, f"documented error (get-dataset.md, ErrorDetailDetail2; {CLI} client/client.go JSONAPIError reads "
                 "detail as any): detail a field map with a null value",
     {"body": {"error": {"status": 400, "error_code": 140001, "title": "Bad Request",
                         "detail": {"dataset_id": ["Must be a valid UUID."], "name": None}}}}),
    ("e02", 400, f"documented error ({CLI} client/client.go JSONAPIError reads detail as any): detail a list of "
                 "a string and objects",
     {"body": {"error": {"status": 400, "error_code": 140002, "title": "Invalid schema",
                         "detail": ["The schema is not valid.",
                                    {"field": "schema.fields.clip", "message": "Unknown field type"},
                                    {"loc": ["body", "name"], "msg": "Field required"}]}}}),
    ("e03", 500, f"{{\"error\": \"text\"}} ({CLI} client/client.go: neither JSONAPIError nor SimpleAPIError, so "
                 "UnrecognizedAPIError shows the body)",
     {"body": {"error": "Internal error while reading the dataset"}}),
    ("e04", 400, f"{CLI} client/client.go (SimpleAPIError) and client/client_test.go: {{\"message\", \"detail\"}}",
     {"body": {"message": "Bad Request", "detail": "study not found"}}),
    ("e05", 404, f"{CLI} cmd/shared/errors_test.go: {{\"detail\": \"Not found.\"}}",
     {"body": {"detail": "Not found."}}),
    ("e06", 400, f"{CLI} client/client_test.go (INVALID_BATCH_ITEMS): a validation shape with an issues list",
     {"body": {"type": "INVALID_BATCH_ITEMS", "issues": [
         {"page": 0, "row": 0, "column": 0, "item": 0, "type": "free_text", "message": "description is required"}]}}),
    ("e07", 409, f"{{\"type\", \"message\"}} ({CLI} client/client.go UnrecognizedAPIError; the type as in "
                 "client/client_test.go)",
     {"body": {"type": "CONFLICT", "message": "The dataset is being processed; try again shortly"}}),
    ("e08", 500, f"any other JSON ({CLI} client/client.go UnrecognizedAPIError: the body shown as it came)",
     {"body": {"ok": False, "upstream": {"what": "Storage did not answer in time"}}}),
    ("e09", 503, f"{CLI} client/client.go (UnrecognizedAPIError: the body shown as text): plain text",
     {"content_type": "text/plain; charset=utf-8",
      "raw": "Service temporarily unavailable <b>maintenance</b> until 18:00 UTC"}),
    ("e10", 404, f"{CLI} cmd/shared/errors.go and errors_test.go (IsFeatureNotEnabledError): a 403 "
                 "'feature not enabled' turned into a 404",
     {"body": {"error": {"status": 404, "error_code": 140400, "title": "Not Found",
                         "detail": "You do not currently have permission to access to this feature."}}}),
    ("e11", 400, f"{CLI} client/client_test.go (TestExecuteTruncatesOversizedErrorDetail): a 1,500-character "
                 "detail, and a traceback",
     {"body": {"error": {"status": 400, "title": "Bad Request", "detail": "x" * 1500,
                         "traceback": "Traceback (most recent call last):\n  File \"api.py\", line 1\nValueError"}}}),
]


def error_bodies():
    """One dataset per error body shape, answering it on every request."""
    for suffix, status, what, step in ERROR_BODIES:
        id_ = DEMO["ERROR_BODY_PREFIX"] + suffix
        offer("Error bodies", f"Error body {suffix}", f"HTTP {status}: {what}", id_)
        write(f"{id_}.json", {"description": f"HTTP {status}: {what}", "steps": [dict(status=status, **step)]})


def upload_values(i, urls=True):
    return {"prompt": f"Q{i}", "response_a": f"A{i}", "response_b": f"B{i}",
            "image": f"https://e.org/{i}.png", "clip": f"https://e.org/{i}.mp3", "video": f"https://e.org/{i}.mp4",
            "annotator_note": "", "group": f"g{i % 40}"}


def broken(rec, error, i):
    """Makes the record show `error` (a field error; whole-record errors are handled apart)."""
    field, reason = error["field"], error["reason"]
    if field is None:
        rec["extra"] = "?"
    elif reason == "Required field is missing":
        del rec[field]
    elif reason and reason.startswith("Text field exceeds"):
        rec[field] = "Lorem ipsum dolor sit amet. " * 12 + "(abbreviated: the uploaded value had over 10,000 characters)"
    elif reason == "Value must be a string":
        rec[field] = 42
    elif reason == "Not a valid URL":
        rec[field] = "not a url"
    elif reason == "URL must use https":
        rec[field] = f"http://e.org/{i}"
    elif reason == "Value must be a string or an integer":
        rec[field] = [1, 2]
    else:
        rec[field] = None
    return rec


def uploads():
    """The upload files of the V4 partial import (JSONL) and of the busy dataset's partial
    import (CSV, with quoted commas and line breaks, so its lines and records differ)."""
    body = json.loads((OUT / V4_MAIN / "imports" / f"{LIFECYCLE}.json").read_text())["steps"][-1]["body"]
    by_index = {e["record_index"]: e for e in body["errors"] if e["record_index"] is not None}
    lines = []
    for i in range(body["accepted_count"] + body["rejected_count"]):
        e = by_index.get(i)
        rec = upload_values(i)
        if e and e["field"] == "_raw":
            if e["reason"] == "Invalid UTF-8 sequence":
                lines.append(b'{"prompt":"Q' + str(i).encode() + b'\xff\xfe","response_a":"A"}')
            elif e["reason"] == "Unexpected end of line":
                lines.append(json.dumps(rec, separators=(",", ":")).encode()[:40])
            else:
                lines.append(f"{{prompt: 'Q{i}', response_a: 'A{i}'}}".encode())
            continue
        if e:
            broken(rec, e, i)
        lines.append(json.dumps(rec, separators=(",", ":"), ensure_ascii=False).encode())
    UPLOADS.mkdir(parents=True, exist_ok=True)
    (UPLOADS / body["filename"]).write_bytes(b"\n".join(lines) + b"\n")

    busy = json.loads((OUT / f"{V4_BUSY}.json").read_text())["steps"][-1]["body"]["imports"][1]
    by_index = {e["record_index"]: e for e in busy["errors"] if e["record_index"] is not None}
    rows = [",".join(FIELDS).encode()]
    for i in range(busy["accepted_count"] + busy["rejected_count"]):
        e = by_index.get(i)
        rec = upload_values(i)
        if i % 7 == 3:
            rec["prompt"] = f"Q{i}, in two parts:\n\"first\", then second"
        if e and e["field"] == "_raw":
            if e["reason"] == "Invalid UTF-8 sequence":
                rows.append(b"Q" + str(i).encode() + b"\xff,A,B,,,,,g1")
            elif e["reason"] == "Unexpected end of line":
                rows.append(f"Q{i},A{i}".encode())
            else:
                rows.append(f"Q{i},A{i},B{i},,,,,g1,surplus,cells".encode())
            continue
        if e:
            broken(rec, e, i)
            rec.pop("extra", None)
        cells = []
        for f in FIELDS:
            v = rec.get(f, "")
            v = "" if v is None else json.dumps(v) if not isinstance(v, str) else v
            cells.append('"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v)
        rows.append(",".join(cells).encode())
    (UPLOADS / busy["filename"]).write_bytes(b"\r\n".join(rows) + b"\r\n")


if __name__ == "__main__":
    main()
    walkthrough()
    faults()
    soak()
    cli_shapes()
    cli_catalogue()
    error_bodies()
    catalogue()
    uploads()
