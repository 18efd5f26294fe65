//! One upstream request however many viewers: identical requests in flight share one
//! upstream call, a 200 is reused for the cache TTL, a 429 until its `Retry-After`; and
//! the metrics and health endpoints that show it.

mod common;

use std::time::Duration;

use common::*;
use dataset_proxy::connections::ConnectionLimits;
use dataset_proxy::serve::access::Access;

const P: &str = "/api/v1/data-collection/datasets/";

async fn start(ttl: Duration) -> (FakeUpstream, std::net::SocketAddr) {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.cache_ttl = ttl;
    let limits = ConnectionLimits {
        max_per_client: 1000,
        ..ConnectionLimits::default()
    };
    let addr = start_proxy_with(config, Access::default(), limits).await;
    (upstream, addr)
}

fn import(dataset: &str) -> String {
    format!("{P}{dataset}/imports/{OK_IMPORT}")
}

#[tokio::test]
async fn concurrent_viewers_share_one_upstream_request() {
    let (upstream, addr) = start(Duration::ZERO).await;
    let path = format!("{P}{SLOWISH}");
    let viewers: Vec<_> = (0..50)
        .map(|_| {
            let path = path.clone();
            tokio::spawn(async move { request(addr, "GET", &path, &[]).await })
        })
        .collect();
    let mut bodies = Vec::new();
    for viewer in viewers {
        let response = viewer.await.expect("viewer");
        assert_eq!(response.status, 200);
        assert_eq!(response.header("cache-control"), Some("no-store"));
        bodies.push(response.body);
    }
    assert!(
        bodies
            .iter()
            .all(|b| b == &bodies[0] && b.contains("processing"))
    );
    assert_eq!(upstream.hits(), 1, "50 viewers, one upstream request");
    // With no TTL, the next request is a new upstream request.
    assert_eq!(request(addr, "GET", &path, &[]).await.status, 200);
    assert_eq!(upstream.hits(), 2);
    // HEAD and GET are different requests upstream.
    assert_eq!(request(addr, "HEAD", &path, &[]).await.status, 200);
    assert_eq!(upstream.hits(), 3);
}

#[tokio::test]
async fn a_successful_answer_is_reused_for_the_ttl_only() {
    let (upstream, addr) = start(Duration::from_millis(800)).await;
    let path = import(OK_DATASET);
    for _ in 0..10 {
        let response = request(addr, "GET", &path, &[]).await;
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("cache-control"),
            Some("no-store"),
            "never cached by browsers"
        );
    }
    assert_eq!(
        upstream.hits(),
        1,
        "ten polls within the TTL, one upstream request"
    );
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(request(addr, "GET", &path, &[]).await.status, 200);
    assert_eq!(
        upstream.hits(),
        2,
        "a new upstream request once the TTL is over"
    );
    // Another route is another key.
    assert_eq!(
        request(addr, "GET", &format!("{P}{OK_DATASET}"), &[])
            .await
            .status,
        200
    );
    assert_eq!(upstream.hits(), 3);
}

#[tokio::test]
async fn a_429_is_shared_until_its_retry_after_so_viewers_back_off_together() {
    let (upstream, addr) = start(Duration::from_secs(1)).await;
    let path = format!("{P}{THROTTLED}");
    let first = request(addr, "GET", &path, &[]).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), Some("7"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..5 {
        let again = request(addr, "GET", &path, &[]).await;
        assert_eq!(again.status, 429);
        let left: u64 = again
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .expect("seconds");
        assert!((5..=6).contains(&left), "counts down: {left}");
    }
    assert_eq!(
        upstream.hits(),
        1,
        "the back-off is shared, past the 1 s TTL"
    );
}

#[tokio::test]
async fn errors_are_shared_while_in_flight_but_never_kept() {
    let (upstream, addr) = start(Duration::from_secs(5)).await;
    let path = format!("{P}{REDIRECT}");
    assert_eq!(request(addr, "GET", &path, &[]).await.status, 502);
    assert_eq!(request(addr, "GET", &path, &[]).await.status, 502);
    assert_eq!(upstream.hits(), 2);
}

#[tokio::test]
async fn healthz_answers_without_an_upstream_request() {
    let (upstream, addr) = start(Duration::ZERO).await;
    let health = request(addr, "GET", "/healthz", &[]).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body, "ok\n");
    assert_eq!(request(addr, "POST", "/healthz", &[]).await.status, 405);
    assert_eq!(upstream.hits(), 0);
}

#[tokio::test]
async fn the_admin_listener_serves_metrics_that_count_what_happened() {
    let upstream = FakeUpstream::start().await;
    let admin: std::net::SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let admin_flag = admin.to_string();
    let proxy = ProxyProcess::start(
        &upstream.url,
        None,
        &["--admin-listen", &admin_flag, "--cache-ttl", "5"],
    )
    .await;
    let addr = proxy.addr;
    let mut up = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(admin).await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let path = format!("{P}{OK_DATASET}");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(request(addr, "GET", &path, &[]).await.status);
    }
    statuses.push(
        request(addr, "GET", &path, &["Origin: https://evil.example"])
            .await
            .status,
    );
    statuses.push(request(addr, "GET", "/api/v1/other", &[]).await.status);
    let metrics = request(admin, "GET", "/metrics", &[]).await;
    let health = request(admin, "GET", "/healthz", &[]).await;
    drop(proxy);
    assert!(up, "the admin listener started");
    assert_eq!(statuses, [200, 200, 200, 403, 404]);
    assert_eq!(health.status, 200);
    assert_eq!(metrics.status, 200);
    let text = metrics.body;
    for line in [
        r#"dataset_proxy_requests_total{route="dataset",status="200"} 3"#,
        r#"dataset_proxy_upstream_requests_total{route="dataset",outcome="200"} 1"#,
        r#"dataset_proxy_shared_answers_total{source="cached"} 2"#,
        r#"dataset_proxy_refused_total{reason="origin"} 1"#,
        r#"dataset_proxy_refused_total{reason="route"} 1"#,
        "dataset_proxy_upstream_latency_seconds_count",
        "dataset_proxy_open_connections ",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert_eq!(upstream.hits(), 1);
}
