//! `dataset-proxy serve` against a fake upstream on loopback: the allow-list, the
//! token, timeouts, CORS and the rate limit.

mod common;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::http::HeaderValue;
use common::*;
use dataset_proxy::connections::{self, ConnectionLimits, Occupancy};
use dataset_proxy::serve::access::Access;
use dataset_proxy::serve::hosts::{AllowedHost, HostAllowList};
use dataset_proxy::serve::{self, Shared};
use std::num::NonZeroU32;

const P: &str = "/api/v1/data-collection/datasets/";

/// Every log line of this test binary, to check the token never appears in one.
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer: Arc<Mutex<Vec<u8>>> = Arc::default();
        let writer = Arc::clone(&buffer);
        tracing_subscriber::fmt()
            .with_env_filter("trace")
            .with_ansi(false)
            .with_writer(move || LogWriter(Arc::clone(&writer)))
            .init();
        buffer
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How a hostile request must be answered.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// By the proxy, with this status and a Prolific-shaped JSON body.
    Local(u16),
    /// By the HTTP parser (hyper), before the proxy's code runs: this status, no body,
    /// no forwarding.
    Parser(u16),
}

fn hostile_requests() -> Vec<(String, Vec<u8>, Expect)> {
    let d = OK_DATASET;
    let i = OK_IMPORT;
    let get = |target: String| {
        format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes()
    };
    let with_method = |method: &str, target: String| {
        format!("{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").into_bytes()
    };
    let mut cases: Vec<(String, Vec<u8>, Expect)> = Vec::new();
    let mut add =
        |name: &str, bytes: Vec<u8>, expect: Expect| cases.push((name.to_owned(), bytes, expect));

    // Other paths.
    for (name, target, status) in [
        ("root", "/".to_owned(), 404),
        // The mock's own routes do not exist in `serve` (the front door asks for the
        // demo list and gets a local 404).
        ("mock scenarios", "/_mock/scenarios".to_owned(), 404),
        ("mock requests", "/_mock/requests".to_owned(), 404),
        ("api", "/api".to_owned(), 404),
        ("api slash", "/api/".to_owned(), 404),
        ("api v1", "/api/v1/".to_owned(), 404),
        (
            "datasets list",
            "/api/v1/data-collection/datasets".to_owned(),
            404,
        ),
        ("empty dataset id", P.to_owned(), 400),
        ("trailing slash", format!("{P}{d}/"), 404),
        ("imports list", format!("{P}{d}/imports"), 404),
        ("empty import id", format!("{P}{d}/imports/"), 400),
        ("import trailing slash", format!("{P}{d}/imports/{i}/"), 404),
        (
            "import sub-resource",
            format!("{P}{d}/imports/{i}/errors"),
            404,
        ),
        ("upload url", format!("{P}{d}/upload-url/file.csv"), 404),
        ("studies", "/api/v1/studies/".to_owned(), 404),
        ("users me", "/api/v1/users/me/".to_owned(), 404),
        (
            "upper-case prefix",
            format!("/API/V1/DATA-COLLECTION/DATASETS/{d}"),
            404,
        ),
        ("not a uuid", format!("{P}not-a-uuid"), 400),
        ("uuid plus a char", format!("{P}{d}0"), 400),
        (
            "uuid without hyphens",
            format!("{P}{}", d.replace('-', "")),
            400,
        ),
        ("overlong id", format!("{P}{}", "a".repeat(5_000)), 400),
        ("path parameter", format!("{P}{d};jsessionid=1"), 400),
        ("encoded dot-dot", format!("{P}%2e%2e"), 400),
        (
            "encoded traversal in import",
            format!("{P}{d}/imports/%2e%2e%2f%2e%2e"),
            400,
        ),
        ("encoded slash", format!("{P}{d}%2Fimports%2F{i}"), 400),
        ("encoded backslash", format!("{P}{d}%5C..%5C"), 400),
        ("encoded dot-dot-slash", format!("{P}..%2F..%2Fusers"), 400),
        ("encoded CRLF", format!("{P}{d}%0d%0aX-Injected:%201"), 400),
        ("encoded NUL", format!("{P}{d}%00"), 400),
        (
            "dot-dot segment",
            format!("/api/v1/data-collection/datasets/../datasets/{d}"),
            404,
        ),
        (
            "dot segment",
            format!("/api/v1/data-collection/./datasets/{d}"),
            404,
        ),
        (
            "double leading slash",
            format!("//api/v1/data-collection/datasets/{d}"),
            404,
        ),
        (
            "double slash inside",
            format!("/api//v1/data-collection/datasets/{d}"),
            404,
        ),
        ("double slash before id", format!("{P}/{d}"), 404),
        (
            "double slash before imports",
            format!("{P}{d}//imports/{i}"),
            404,
        ),
        ("query string", format!("{P}{d}?x=1"), 400),
        ("empty query string", format!("{P}{d}?"), 400),
        ("query on import", format!("{P}{d}/imports/{i}?page=2"), 400),
        (
            "absolute-form, other host",
            format!("http://evil.example{P}{d}"),
            400,
        ),
        (
            "absolute-form, loopback",
            format!("http://127.0.0.1{P}{d}"),
            400,
        ),
    ] {
        add(name, get(target), Expect::Local(status));
    }
    // Other methods on allowed routes.
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "get"] {
        add(
            &format!("method {method}"),
            with_method(method, format!("{P}{d}")),
            Expect::Local(405),
        );
    }
    add(
        "DELETE import",
        with_method("DELETE", format!("{P}{d}/imports/{i}")),
        Expect::Local(405),
    );
    // Refused by the Host check, which comes before the route gate.
    add("CONNECT", b"CONNECT api.prolific.com:443 HTTP/1.1\r\nHost: api.prolific.com:443\r\nConnection: close\r\n\r\n".to_vec(), Expect::Local(421));
    // Huge headers on an allowed route.
    let huge = format!(
        "GET {P}{d} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    add("huge header", huge.into_bytes(), Expect::Local(431));
    let many: String = (0..200)
        .map(|n| format!("X-H{n}: {}\r\n", "b".repeat(100)))
        .collect();
    add(
        "many headers",
        format!("GET {P}{d} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{many}\r\n").into_bytes(),
        Expect::Parser(431),
    );
    let forty: String = (0..40)
        .map(|n| format!("X-H{n}: {}\r\n", "b".repeat(500)))
        .collect();
    add(
        "large headers",
        format!("GET {P}{d} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{forty}\r\n").into_bytes(),
        Expect::Local(431),
    );
    // Bytes the HTTP parser itself refuses.
    add(
        "raw CR in path",
        format!("GET {P}{d}\rX HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes(),
        Expect::Parser(400),
    );
    add(
        "raw LF in path",
        format!("GET {P}{d}\nX-Injected: 1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .into_bytes(),
        Expect::Parser(400),
    );
    add(
        "raw NUL in path",
        format!("GET {P}{d}\0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes(),
        Expect::Parser(400),
    );
    add(
        "space in path",
        format!("GET {P}{d} x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes(),
        Expect::Parser(400),
    );
    add(
        "raw backslashes",
        get(format!("/api\\v1\\data-collection\\datasets\\{d}")),
        Expect::Local(404),
    );
    add(
        "non-ASCII path",
        format!("GET {P}é HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes(),
        Expect::Parser(400),
    );
    cases
}

#[tokio::test]
async fn hostile_requests_are_answered_locally_and_never_forwarded() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    // The raw requests below name the host `x`.
    config.hosts = HostAllowList::new(
        ([127, 0, 0, 1], 0).into(),
        vec![AllowedHost::parse("x").expect("host")],
    );
    let addr = start_proxy(config).await;
    let cases = hostile_requests();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    println!("{} hostile requests", cases.len());
    for (name, bytes, expect) in &cases {
        let started = std::time::Instant::now();
        let response = send_raw(addr, bytes).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name}: the connection hung"
        );
        match *expect {
            Expect::Local(status) => {
                assert_eq!(response.status, status, "{name}: {}", response.body);
                assert!(
                    response.is_prolific_error(status),
                    "{name}: body {:?}",
                    response.body
                );
                assert_eq!(
                    response.header("content-type"),
                    Some("application/json"),
                    "{name}"
                );
                if status == 405 {
                    assert_eq!(response.header("allow"), Some("GET, HEAD"), "{name}");
                }
            }
            Expect::Parser(status) => assert_eq!(response.status, status, "{name}"),
        }
        assert!(!response.text().contains(TOKEN), "{name}");
    }
    assert_eq!(upstream.hits(), 0, "nothing may reach the upstream");
}

#[tokio::test]
async fn allowed_requests_carry_the_token_and_nothing_of_the_client() {
    let logs = logs();
    let upstream = FakeUpstream::start().await;
    let addr = start_proxy(config(&upstream.url)).await;
    let response = request(
        addr,
        "GET",
        &format!("{P}{OK_DATASET}"),
        &[
            "Cookie: session=browser",
            "Authorization: Bearer client-supplied",
            "Proxy-Authorization: Basic eA==",
            "X-Forwarded-For: 10.0.0.1",
            "TE: trailers",
            "Upgrade: h2c",
            // Same-origin (the page served beside the API): allowed, and no CORS needed.
            &format!("Origin: http://{addr}"),
        ],
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        response.body,
        format!(r#"{{"id":"{OK_DATASET}","name":"Upstream dataset","schema_version":"3"}}"#)
    );
    assert_eq!(
        response.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(response.header("set-cookie"), None, "cookies are never set");
    assert_eq!(
        response.header("x-upstream-internal"),
        None,
        "only listed headers pass"
    );
    assert_eq!(
        response.header("access-control-allow-origin"),
        None,
        "no CORS configured"
    );

    let seen = upstream.last();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.uri, format!("{P}{OK_DATASET}"));
    assert_eq!(
        seen.headers
            .get("authorization")
            .map(|v| v.to_str().expect("ascii")),
        Some(format!("Token {TOKEN}").as_str())
    );
    for name in [
        "cookie",
        "proxy-authorization",
        "x-forwarded-for",
        "te",
        "upgrade",
        "origin",
    ] {
        assert!(seen.headers.get(name).is_none(), "{name} was forwarded");
    }
    assert_eq!(seen.headers.get_all("authorization").iter().count(), 1);

    let import = request(
        addr,
        "GET",
        &format!("{P}{OK_DATASET}/imports/{OK_IMPORT}"),
        &[],
    )
    .await;
    assert_eq!(import.status, 200);
    assert_eq!(
        upstream.last().uri,
        format!("{P}{OK_DATASET}/imports/{OK_IMPORT}")
    );

    let head = request(addr, "HEAD", &format!("{P}{OK_DATASET}"), &[]).await;
    assert_eq!(head.status, 200);
    assert_eq!(upstream.last().method, "HEAD");

    let log_text = String::from_utf8_lossy(&logs.lock().expect("lock")).into_owned();
    assert!(
        log_text.contains(&format!("path={P}{OK_DATASET}")),
        "requests are logged"
    );
    assert!(log_text.contains("status=200"), "statuses are logged");
    assert!(!log_text.contains(TOKEN), "the token is in a log line");
    assert!(!response.text().contains(TOKEN));
}

#[tokio::test]
async fn upstream_429_passes_retry_after_through() {
    let upstream = FakeUpstream::start().await;
    let addr = start_proxy(config(&upstream.url)).await;
    let response = request(addr, "GET", &format!("{P}{THROTTLED}"), &[]).await;
    assert_eq!(response.status, 429);
    assert_eq!(response.header("retry-after"), Some("7"));
    assert!(response.is_prolific_error(429));
}

#[tokio::test]
async fn a_slow_upstream_gives_504() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.upstream_timeout = Duration::from_millis(300);
    let addr = start_proxy(config).await;
    let response = request(addr, "GET", &format!("{P}{SLOW}"), &[]).await;
    assert_eq!(response.status, 504);
    assert!(response.is_prolific_error(504), "{}", response.body);
}

#[tokio::test]
async fn an_unreachable_upstream_gives_502() {
    // Bind then drop: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let addr = start_proxy(config(&format!("http://127.0.0.1:{port}"))).await;
    let response = request(addr, "GET", &format!("{P}{OK_DATASET}"), &[]).await;
    assert_eq!(response.status, 502);
    assert!(response.is_prolific_error(502), "{}", response.body);
    assert!(!response.text().contains(TOKEN));
}

#[tokio::test]
async fn an_oversized_upstream_body_gives_502() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.max_response_bytes = 1_000_000;
    let addr = start_proxy(config).await;
    let response = request(addr, "GET", &format!("{P}{BIG}"), &[]).await;
    assert_eq!(response.status, 502);
    assert!(response.body.contains("limit"), "{}", response.body);
}

#[tokio::test]
async fn cors_answers_only_allowed_origins() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.allow_origins = vec![HeaderValue::from_static("https://intranet.example.org")];
    let addr = start_proxy(config).await;
    let preflight = |origin: &'static str| {
        let target = format!("{P}{OK_DATASET}");
        async move {
            request(
                addr,
                "OPTIONS",
                &target,
                &[
                    &format!("Origin: {origin}"),
                    "Access-Control-Request-Method: GET",
                ],
            )
            .await
        }
    };
    let allowed = preflight("https://intranet.example.org").await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://intranet.example.org")
    );
    assert!(
        allowed
            .header("access-control-allow-methods")
            .is_some_and(|m| m.contains("GET"))
    );
    let refused = preflight("https://evil.example").await;
    assert_eq!(refused.header("access-control-allow-origin"), None);

    let get = request(
        addr,
        "GET",
        &format!("{P}{OK_DATASET}"),
        &["Origin: https://intranet.example.org"],
    )
    .await;
    assert_eq!(
        get.header("access-control-allow-origin"),
        Some("https://intranet.example.org")
    );
    assert!(
        get.header("access-control-expose-headers")
            .is_some_and(|h| h.contains("retry-after"))
    );
    let other = request(
        addr,
        "GET",
        &format!("{P}{OK_DATASET}"),
        &["Origin: https://evil.example"],
    )
    .await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    assert_eq!(
        other.status, 403,
        "another site's page may not spend the token"
    );
    assert!(other.is_prolific_error(403), "{}", other.body);
    assert_eq!(
        upstream.hits(),
        1,
        "preflights and refused origins are answered locally"
    );
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.rate_per_minute = NonZeroU32::new(2).expect("non-zero");
    config.rate_burst = NonZeroU32::new(3).expect("non-zero");
    let addr = start_proxy(config).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(request(addr, "GET", &format!("{P}{OK_DATASET}"), &[]).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status).collect();
    assert_eq!(codes, [200, 200, 200, 429, 429]);
    let limited = &statuses[3];
    assert!(limited.is_prolific_error(429));
    let wait: u64 = limited
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=30).contains(&wait), "retry after {wait} s");
    assert_eq!(upstream.hits(), 3, "limited requests are not forwarded");
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let text = format!("{:?}", config("http://127.0.0.1:1"));
    assert!(!text.contains(TOKEN), "{text}");
    assert!(text.contains("redacted"));
}

#[test]
fn serve_refuses_to_start_without_a_token() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dataset-proxy"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("PROLIFIC_TOKEN")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no token: export PROLIFIC_TOKEN="),
        "{stderr}"
    );
}

#[test]
fn help_never_shows_the_token() {
    for args in [&["--help"][..], &["serve", "--help"], &["mock", "--help"]] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_dataset-proxy"))
            .args(args)
            .env("PROLIFIC_TOKEN", TOKEN)
            .output()
            .expect("runs");
        assert!(output.status.success());
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(!text.contains(TOKEN), "{args:?}");
        assert!(text.contains("Usage"), "{args:?}");
    }
}

#[tokio::test]
async fn workers_share_one_rate_limit_and_finish_requests_on_shutdown() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.rate_per_minute = NonZeroU32::new(2).expect("non-zero");
    config.rate_burst = NonZeroU32::new(5).expect("non-zero");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    config.hosts = HostAllowList::new(addr, Vec::new());
    let shared = Shared::new(&config, Arc::new(Access::default()), metrics());
    let routers = (0..2)
        .map(|_| serve::app(&config, &shared).expect("app"))
        .collect();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(connections::serve(
        listener,
        routers,
        ConnectionLimits::default(),
        Arc::new(Occupancy::default()),
        async {
            let _ = stopped.await;
        },
    ));

    // One connection per request, handed to the two workers in turn.
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(
            request(addr, "GET", &format!("{P}{OK_DATASET}"), &[])
                .await
                .status,
        );
    }
    let slow = tokio::spawn(async move { request(addr, "GET", &format!("{P}{SLOW}"), &[]).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    codes.push(
        request(addr, "GET", &format!("{P}{OK_DATASET}"), &[])
            .await
            .status,
    );
    assert_eq!(
        codes,
        [200, 200, 200, 200, 429],
        "one limit for all workers"
    );
    assert_eq!(upstream.hits(), 5);

    stop.send(()).expect("server running");
    let slow = slow.await.expect("slow request");
    assert_eq!(slow.status, 200, "a request in flight is finished");
    let result = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops")
        .expect("joins");
    assert_eq!(result, Ok(()));
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after shutdown"
    );
}
