//! API answers compressed by `Accept-Encoding`, in both modes: brotli, gzip or as they are,
//! with `Vary`; Prolific's own gzip passed on as it came, checked first (the token, the
//! size cap, a body that is not gzip); one compression for many viewers of a shared answer.

mod common;

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request};
use common::{FakeUpstream, TOKEN, config, get_bytes, start_proxy};
use dataset_proxy::encoding::{MIN_COMPRESSED_BYTES, gzip};
use dataset_proxy::mock::{self, MockState, scenario};
use dataset_wire::demo;
use http_body_util::BodyExt;
use tower::ServiceExt;

const DATASET: &str = "00000000-0000-4000-8000-00000000c0de";

/// A dataset answer of about 60 KB: many imports, each with listed errors.
fn big_dataset() -> String {
    let errors: Vec<String> = (0..600)
        .map(|i| {
            format!(
                r#"{{"record_index": {i}, "field": "text", "reason": "Missing required field"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"id": "{DATASET}", "name": "big", "schema_version": "4", "imports": [{{"id": "x", "status": "partial", "errors": [{}]}}]}}"#,
        errors.join(", ")
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().expect("ascii"))
}

fn unbrotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(body, 4096)
        .read_to_end(&mut out)
        .expect("valid brotli");
    out
}

fn ungzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

/// The body decoded from the coding its headers name.
fn decoded(headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
    match header(headers, "content-encoding") {
        Some("br") => unbrotli(body),
        Some("gzip") => ungzip(body),
        None => body.to_vec(),
        Some(other) => panic!("unexpected coding {other}"),
    }
}

#[tokio::test]
async fn the_mock_compresses_a_large_answer_by_accept_encoding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(format!("datasets/{DATASET}.json"));
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    let body = big_dataset();
    std::fs::write(&file, &body).expect("write");
    let app = mock::app(
        Arc::new(MockState::new(
            scenario::load_dir(dir.path()).expect("fixtures"),
        )),
        None,
    );
    let expected: serde_json::Value = serde_json::from_str(&body).expect("json");
    for (accept, coding) in [
        (Some("gzip, deflate, br, zstd"), Some("br")),
        (Some("gzip, deflate"), Some("gzip")),
        (Some("identity"), None),
        (None, None),
    ] {
        let mut request =
            Request::builder().uri(format!("/api/v1/data-collection/datasets/{DATASET}"));
        if let Some(accept) = accept {
            request = request.header("accept-encoding", accept);
        }
        let response = app
            .clone()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        assert_eq!(header(&headers, "content-encoding"), coding, "{accept:?}");
        assert_eq!(
            header(&headers, "vary"),
            Some("accept-encoding"),
            "{accept:?}"
        );
        assert_eq!(header(&headers, "content-type"), Some("application/json"));
        let plain = decoded(&headers, &bytes);
        let got: serde_json::Value = serde_json::from_slice(&plain).expect("json");
        assert_eq!(got, expected, "{accept:?}");
        if coding.is_some() {
            assert!(
                bytes.len() * 10 < plain.len(),
                "{accept:?}: {} of {}",
                bytes.len(),
                plain.len()
            );
        }
    }
}

#[tokio::test]
async fn the_mock_sends_a_small_answer_and_a_cut_body_as_they_are() {
    let app = mock::app(
        Arc::new(MockState::new(scenario::demo().expect("demo"))),
        None,
    );
    let request = Request::builder()
        .uri(format!(
            "/api/v1/data-collection/datasets/{}",
            demo::V3_READY
        ))
        .header("accept-encoding", "br, gzip")
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), 200);
    assert_eq!(header(response.headers(), "content-encoding"), None);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert!(bytes.len() < MIN_COMPRESSED_BYTES);
    assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
}

#[tokio::test]
async fn serve_compresses_prolifics_plain_answer_and_asks_it_for_gzip() {
    let upstream = FakeUpstream::start().await;
    let path = format!("/api/v1/data-collection/datasets/{DATASET}");
    let body = big_dataset();
    upstream.set(&path, 200, &[("content-type", "application/json")], &body);
    let addr = start_proxy(config(&upstream.url)).await;
    for (accept, coding) in [
        ("Accept-Encoding: gzip, deflate, br", Some("br")),
        ("Accept-Encoding: gzip", Some("gzip")),
        ("Accept-Encoding: identity", None),
    ] {
        let (status, headers, bytes) = get_bytes(addr, &path, &[accept]).await;
        assert_eq!(status, 200, "{accept}");
        assert_eq!(header(&headers, "content-encoding"), coding, "{accept}");
        assert_eq!(header(&headers, "vary"), Some("accept-encoding"));
        assert_eq!(header(&headers, "cache-control"), Some("no-store"));
        assert_eq!(
            header(&headers, "content-length"),
            Some(bytes.len().to_string().as_str())
        );
        assert_eq!(decoded(&headers, &bytes), body.as_bytes(), "{accept}");
    }
    assert_eq!(
        header(&upstream.last().headers, "accept-encoding"),
        Some("gzip"),
        "gzip is the one coding asked of Prolific"
    );
}

#[tokio::test]
async fn serve_passes_prolifics_gzip_on_as_it_came() {
    let upstream = FakeUpstream::start().await;
    let path = format!("/api/v1/data-collection/datasets/{DATASET}");
    let body = big_dataset();
    // A level no one would pick, so that a recompression could not give the same bytes.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
    std::io::Write::write_all(&mut encoder, body.as_bytes()).expect("write");
    let sent = encoder.finish().expect("gzip");
    assert_ne!(Bytes::from(sent.clone()), gzip(body.as_bytes()));
    upstream.set_bytes(
        &path,
        200,
        &[
            ("content-type", "application/json"),
            ("content-encoding", "gzip"),
        ],
        &sent,
    );
    let addr = start_proxy(config(&upstream.url)).await;
    // Also to a browser that would prefer brotli: Prolific's gzip costs nothing to send.
    for accept in [
        "Accept-Encoding: gzip",
        "Accept-Encoding: gzip, deflate, br, zstd",
    ] {
        let (status, headers, bytes) = get_bytes(addr, &path, &[accept]).await;
        assert_eq!(status, 200);
        assert_eq!(
            header(&headers, "content-encoding"),
            Some("gzip"),
            "{accept}"
        );
        assert_eq!(
            &bytes[..],
            &sent[..],
            "{accept}: Prolific's own gzip, byte for byte"
        );
    }
    let (_, headers, bytes) = get_bytes(addr, &path, &["Accept-Encoding: br"]).await;
    assert_eq!(header(&headers, "content-encoding"), Some("br"));
    assert_eq!(unbrotli(&bytes), body.as_bytes());
    let (_, headers, bytes) = get_bytes(addr, &path, &[]).await;
    assert_eq!(header(&headers, "content-encoding"), None);
    assert_eq!(&bytes[..], body.as_bytes());
}

#[tokio::test]
async fn serve_refuses_gzip_it_cannot_pass_on_safely() {
    let upstream = FakeUpstream::start().await;
    let path = |n: u8| {
        format!("/api/v1/data-collection/datasets/00000000-0000-4000-8000-0000000000{n:02x}")
    };
    let json = [
        ("content-type", "application/json"),
        ("content-encoding", "gzip"),
    ];
    // Over the size cap once decompressed (the cap is 4 MiB in the test config).
    let bomb = gzip(&vec![b' '; 5 * 1024 * 1024]);
    upstream.set_bytes(&path(1), 200, &json, &bomb);
    upstream.set_bytes(&path(2), 200, &json, b"this is not gzip");
    // The token in the gzip header's file name, not in the body.
    let mut named = flate2::GzBuilder::new()
        .filename(TOKEN)
        .write(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut named, b"{\"id\": \"x\"}").expect("write");
    upstream.set_bytes(&path(3), 200, &json, &named.finish().expect("gzip"));
    // The token in the decompressed body.
    upstream.set_bytes(
        &path(4),
        200,
        &json,
        &gzip(format!("{{\"id\": \"{TOKEN}\"}}").as_bytes()),
    );
    // A coding that was not asked for.
    upstream.set_bytes(
        &path(5),
        200,
        &[
            ("content-type", "application/json"),
            ("content-encoding", "br"),
        ],
        b"x",
    );
    let addr = start_proxy(config(&upstream.url)).await;
    for n in 1..=5 {
        let (status, headers, bytes) =
            get_bytes(addr, &path(n), &["Accept-Encoding: gzip, br"]).await;
        assert_eq!(status, 502, "case {n}");
        let text = String::from_utf8_lossy(&decoded(&headers, &bytes)).into_owned();
        assert!(!text.contains(TOKEN), "case {n}");
        assert!(
            text.contains("\"status\":502") || text.contains("\"status\": 502"),
            "case {n}: {text}"
        );
    }
}

#[tokio::test]
async fn a_cached_answer_is_served_compressed_to_every_viewer() {
    let upstream = FakeUpstream::start().await;
    let path = format!("/api/v1/data-collection/datasets/{DATASET}");
    upstream.set(
        &path,
        200,
        &[("content-type", "application/json")],
        &big_dataset(),
    );
    let mut config = config(&upstream.url);
    config.cache_ttl = Duration::from_secs(60);
    let addr = start_proxy(config).await;
    let mut bodies = Vec::new();
    for _ in 0..20 {
        let (status, headers, bytes) = get_bytes(addr, &path, &["Accept-Encoding: br"]).await;
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "content-encoding"), Some("br"));
        bodies.push(bytes);
    }
    assert_eq!(upstream.hits(), 1);
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]));
}
