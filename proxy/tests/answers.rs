//! What comes back from Prolific is passed on only as checked: the headers the widget
//! reads, rebuilt from their parsed values; never the token, however it is written; an
//! import only with its own dataset; and, under access rules, one 404 for a dataset that
//! is refused and one that is missing, byte for byte.

mod common;

use std::time::Duration;

use common::*;
use dataset_proxy::connections::ConnectionLimits;
use dataset_proxy::serve::access::Access;

const P: &str = "/api/v1/data-collection/datasets/";
/// A dataset the fake upstream does not have (a test sets its 404).
const MISSING: &str = dataset_wire::demo::UNKNOWN;
/// Prolific's body for a missing dataset, as a test sets it.
const PROLIFIC_404: &str = r#"{"error":{"status":404,"error_code":404,"title":"Not Found","detail":"Dataset does not exist."}}"#;

fn dataset(id: &str) -> String {
    format!("{P}{id}")
}

fn import(id: &str) -> String {
    format!("{P}{id}/imports/{OK_IMPORT}")
}

/// Everything but the `Date` header, which only says when.
fn without_date(response: &RawResponse) -> (u16, Vec<(String, String)>, String) {
    let headers = response
        .headers
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("date"))
        .cloned()
        .collect();
    (response.status, headers, response.body.clone())
}

async fn start(upstream: &FakeUpstream, access: Access) -> std::net::SocketAddr {
    start_proxy_with(config(&upstream.url), access, ConnectionLimits::default()).await
}

#[tokio::test]
async fn a_reflected_token_in_a_header_is_never_passed_on() {
    let upstream = FakeUpstream::start().await;
    let retry_after = format!("Token {TOKEN}");
    upstream.set(
        &dataset(THROTTLED),
        429,
        &[
            ("retry-after", &retry_after),
            ("content-type", "application/json"),
        ],
        "{}",
    );
    let content_type = format!(r#"application/json; echo="Token {TOKEN}""#);
    upstream.set(
        &dataset(OK_DATASET),
        200,
        &[("content-type", &content_type)],
        r#"{"id":"x"}"#,
    );
    let addr = start_proxy(config(&upstream.url)).await;

    let throttled = request(addr, "GET", &dataset(THROTTLED), &[]).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(
        throttled.header("retry-after"),
        None,
        "not a delay: dropped"
    );
    let echoed = request(addr, "GET", &dataset(OK_DATASET), &[]).await;
    assert_eq!(echoed.status, 200);
    assert_eq!(echoed.header("content-type"), Some("application/json"));
    for response in [&throttled, &echoed] {
        assert!(!response.text().contains(TOKEN), "{}", response.text());
    }
}

#[tokio::test]
async fn retry_after_passes_as_seconds_or_a_date_only() {
    let upstream = FakeUpstream::start().await;
    let addr = start_proxy(config(&upstream.url)).await;
    for (case, (sent, passed)) in [
        ("7", Some("7")),
        (
            "Wed, 21 Oct 2015 07:28:00 GMT",
            Some("Wed, 21 Oct 2015 07:28:00 GMT"),
        ),
        ("soon", None),
        ("7; evil=1", None),
    ]
    .into_iter()
    .enumerate()
    {
        // One dataset per case: a 429 is kept and shared until its Retry-After.
        let id = format!("00000000-0000-4000-8000-00000000042{case}");
        upstream.set(
            &dataset(&id),
            429,
            &[("retry-after", sent), ("content-type", "application/json")],
            "{}",
        );
        let response = request(addr, "GET", &dataset(&id), &[]).await;
        assert_eq!(response.status, 429);
        assert_eq!(response.header("retry-after"), passed, "{sent}");
    }
}

#[tokio::test]
async fn a_json_escaped_token_in_the_body_is_never_passed_on() {
    let upstream = FakeUpstream::start().await;
    // `\u0074` is `t`: a browser's JSON reader gives back the token.
    let escaped = format!(r#"{{"detail":"bad header Token \u0074{}"}}"#, &TOKEN[1..]);
    upstream.set(
        &dataset(ECHO),
        400,
        &[("content-type", "application/json")],
        &escaped,
    );
    let addr = start_proxy(config(&upstream.url)).await;
    let response = request(addr, "GET", &dataset(ECHO), &[]).await;
    assert_eq!(response.status, 502);
    assert!(response.is_prolific_error(502), "{}", response.body);
    assert!(
        !response.text().contains(&TOKEN[1..]),
        "{}",
        response.text()
    );
}

#[tokio::test]
async fn an_import_that_names_another_dataset_is_refused_as_missing() {
    let upstream = FakeUpstream::start().await;
    upstream.set(
        &import(OK_DATASET),
        200,
        &[("content-type", "application/json")],
        &format!(
            r#"{{"dataset_id":"{IN_WORKSPACE}","import_id":"{OK_IMPORT}","status":"complete"}}"#
        ),
    );
    upstream.set(
        &import(IN_WORKSPACE),
        200,
        &[("content-type", "application/json")],
        &format!(
            r#"{{"dataset_id":"{}","import_id":"{OK_IMPORT}","status":"complete"}}"#,
            IN_WORKSPACE.to_uppercase()
        ),
    );
    let addr = start(&upstream, Access::default()).await;
    let foreign = request(addr, "GET", &import(OK_DATASET), &[]).await;
    assert_eq!(foreign.status, 404);
    assert!(!foreign.body.contains("complete"), "{}", foreign.body);
    let head = request(addr, "HEAD", &import(OK_DATASET), &[]).await;
    assert_eq!(head.status, 404, "HEAD reads the body too");
    let own = request(addr, "GET", &import(IN_WORKSPACE), &[]).await;
    assert_eq!(
        own.status, 200,
        "the same id in capitals is the same dataset"
    );
    // Without a dataset_id, as the fake's default import answer: passed on.
    assert_eq!(
        request(addr, "GET", &import(OTHER_WORKSPACE), &[])
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn refused_and_missing_datasets_get_the_same_bytes() {
    let upstream = FakeUpstream::start().await;
    upstream.set(
        &dataset(MISSING),
        404,
        &[
            ("content-type", "application/json"),
            ("x-request-id", "abc"),
        ],
        PROLIFIC_404,
    );
    for missing_import in [import(IN_WORKSPACE), import(MISSING)] {
        upstream.set(
            &missing_import,
            404,
            &[("content-type", "application/json")],
            r#"{"error":{"detail":"Import does not exist."}}"#,
        );
    }
    let rules = [
        (
            "workspace",
            Access::new(vec![], None, vec!["ws-allowed".into()]).expect("access"),
        ),
        (
            "dataset list",
            Access::new(vec![MISSING.into(), IN_WORKSPACE.into()], None, vec![]).expect("access"),
        ),
    ];
    for (rule, access) in rules {
        let addr = start(&upstream, access).await;
        for method in ["GET", "HEAD"] {
            let missing = request(addr, method, &dataset(MISSING), &[]).await;
            let refused = request(addr, method, &dataset(OTHER_WORKSPACE), &[]).await;
            let missing_import = request(addr, method, &import(MISSING), &[]).await;
            let refused_import = request(addr, method, &import(OTHER_WORKSPACE), &[]).await;
            let no_such_import = request(addr, method, &import(IN_WORKSPACE), &[]).await;
            assert_eq!(missing.status, 404, "{rule} {method}");
            for other in [&refused, &missing_import, &refused_import, &no_such_import] {
                assert_eq!(
                    without_date(other),
                    without_date(&missing),
                    "{rule} {method}"
                );
            }
            assert!(
                !missing.body.contains("does not exist"),
                "{rule}: {}",
                missing.body
            );
        }
        assert_eq!(upstream.hits_for(&import(OTHER_WORKSPACE)), 0, "{rule}");
    }
    // Without rules nothing is refused: Prolific's own 404 passes on as it came.
    let addr = start(&upstream, Access::default()).await;
    let missing = request(addr, "GET", &dataset(MISSING), &[]).await;
    assert_eq!((missing.status, missing.body.as_str()), (404, PROLIFIC_404));
}

#[tokio::test]
async fn a_dataset_moved_out_of_an_allowed_workspace_is_refused_at_once() {
    let upstream = FakeUpstream::start().await;
    let in_workspace = |workspace: &str| {
        format!(r#"{{"id":"{OK_DATASET}","name":"Moving","workspace_id":"{workspace}"}}"#)
    };
    let json = [("content-type", "application/json")];
    upstream.set(
        &dataset(OK_DATASET),
        200,
        &json,
        &in_workspace("ws-allowed"),
    );
    let access = Access::new(vec![], None, vec!["ws-allowed".into()]).expect("access");
    let addr = start(&upstream, access).await;
    assert_eq!(
        request(addr, "GET", &dataset(OK_DATASET), &[]).await.status,
        200
    );
    assert_eq!(
        request(addr, "GET", &import(OK_DATASET), &[]).await.status,
        200
    );
    let imports_before = upstream.hits_for(&import(OK_DATASET));

    upstream.set(&dataset(OK_DATASET), 200, &json, &in_workspace("ws-other"));
    let dataset_after = request(addr, "GET", &dataset(OK_DATASET), &[]).await;
    let import_after = request(addr, "GET", &import(OK_DATASET), &[]).await;
    assert_eq!(dataset_after.status, 404, "{}", dataset_after.body);
    assert!(!dataset_after.body.contains("ws-other"));
    assert_eq!(import_after.status, 404);
    assert_eq!(
        upstream.hits_for(&import(OK_DATASET)),
        imports_before,
        "the import was not read once its dataset was refused"
    );
}

#[tokio::test]
async fn with_a_cache_the_dataset_read_for_imports_is_shared() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.cache_ttl = Duration::from_secs(30);
    let access = Access::new(vec![], None, vec!["ws-allowed".into()]).expect("access");
    let addr = start_proxy_with(config, access, ConnectionLimits::default()).await;
    for _ in 0..3 {
        assert_eq!(
            request(addr, "GET", &import(IN_WORKSPACE), &[])
                .await
                .status,
            200
        );
        assert_eq!(
            request(addr, "GET", &dataset(IN_WORKSPACE), &[])
                .await
                .status,
            200
        );
    }
    assert_eq!(upstream.hits_for(&dataset(IN_WORKSPACE)), 1);
    assert_eq!(upstream.hits_for(&import(IN_WORKSPACE)), 1);
}

#[tokio::test]
async fn under_rules_a_missing_dataset_is_kept_as_long_as_a_refused_one() {
    // A refused dataset's 200 is kept for the cache TTL; were a missing one's 404 not,
    // a second request would come back faster for the refused one.
    let upstream = FakeUpstream::start().await;
    upstream.set(
        &dataset(MISSING),
        404,
        &[("content-type", "application/json")],
        PROLIFIC_404,
    );
    let mut config = config(&upstream.url);
    config.cache_ttl = Duration::from_secs(30);
    let access = Access::new(vec![], None, vec!["ws-allowed".into()]).expect("access");
    let addr = start_proxy_with(config, access, ConnectionLimits::default()).await;
    for _ in 0..3 {
        for id in [MISSING, OTHER_WORKSPACE] {
            assert_eq!(request(addr, "GET", &dataset(id), &[]).await.status, 404);
            assert_eq!(request(addr, "GET", &import(id), &[]).await.status, 404);
        }
    }
    assert_eq!(upstream.hits_for(&dataset(MISSING)), 1);
    assert_eq!(upstream.hits_for(&dataset(OTHER_WORKSPACE)), 1);
    assert_eq!(upstream.hits(), 2, "no import was read");
}
