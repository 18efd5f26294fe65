//! Helpers for the proxy's integration tests: a fake upstream that records what reaches
//! it, a proxy on a loopback port, and raw HTTP/1.1 requests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use dataset_proxy::connections::{self, ConnectionLimits, Occupancy};
use dataset_proxy::serve::access::Access;
use dataset_proxy::serve::caller::Callers;
use dataset_proxy::serve::hosts::HostAllowList;
use dataset_proxy::serve::metrics::Metrics;
use dataset_proxy::serve::token::Token;
use dataset_proxy::serve::{self, ServeConfig, Shared};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const TOKEN: &str = "tok_5f0e9c2d-very-secret-7a1b";
pub const OK_DATASET: &str = dataset_wire::demo::REFERENCE_V3;
pub const OK_IMPORT: &str = dataset_wire::demo::REFERENCE_IMPORT;
pub const THROTTLED: &str = dataset_wire::demo::RATE_LIMITED;
pub const SLOW: &str = dataset_wire::demo::SLOW;
pub const BIG: &str = "00000000-0000-4000-8000-0000000000b1";
/// Answers 200 after 300 ms (long enough for requests to pile up).
pub const SLOWISH: &str = "00000000-0000-4000-8000-0000000000d3";
/// Answers with the `Authorization` header it received in the body.
pub const ECHO: &str = "00000000-0000-4000-8000-0000000000ec";
/// Answers 302 (a status the routes never use).
pub const REDIRECT: &str = "00000000-0000-4000-8000-000000000302";
/// Answers 200 with an HTML body.
pub const HTML: &str = "00000000-0000-4000-8000-0000000000a7";
/// A dataset in the workspace `ws-allowed`.
pub const IN_WORKSPACE: &str = "00000000-0000-4000-8000-0000000000a1";
/// A dataset in the workspace `ws-other`.
pub const OTHER_WORKSPACE: &str = "00000000-0000-4000-8000-0000000000a2";

/// A request as the fake upstream saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: HeaderMap,
}

/// An answer a test sets for one path: status, headers, body.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: axum::body::Bytes,
}

/// A local stand-in for api.prolific.com that records every request.
#[derive(Debug, Clone)]
pub struct FakeUpstream {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    canned: Arc<Mutex<std::collections::HashMap<String, Canned>>>,
}

impl FakeUpstream {
    pub async fn start() -> Self {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let record = Arc::clone(&seen);
        let canned: Arc<Mutex<std::collections::HashMap<String, Canned>>> = Arc::default();
        let answers = Arc::clone(&canned);
        let app = Router::new().fallback(move |request: Request| {
            let record = Arc::clone(&record);
            let answers = Arc::clone(&answers);
            async move {
                record.lock().expect("lock").push(Seen {
                    method: request.method().to_string(),
                    uri: request.uri().to_string(),
                    headers: request.headers().clone(),
                });
                let set = answers
                    .lock()
                    .expect("lock")
                    .get(request.uri().path())
                    .cloned();
                if let Some(canned) = set {
                    let mut response = Response::new(axum::body::Body::from(canned.body));
                    *response.status_mut() = StatusCode::from_u16(canned.status).expect("status");
                    for (name, value) in canned.headers {
                        response.headers_mut().append(
                            axum::http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                            axum::http::HeaderValue::from_str(&value).expect("value"),
                        );
                    }
                    return response;
                }
                let authorization = request
                    .headers()
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                upstream_answer(request.uri().path(), &authorization).await
            }
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, seen, canned }
    }

    /// From now on, answers `path` (without the query) with this status, these headers
    /// and this body.
    pub fn set(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &str) {
        self.set_bytes(path, status, headers, body.as_bytes());
    }

    /// As [`FakeUpstream::set`], with a body of any bytes.
    pub fn set_bytes(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        self.canned.lock().expect("lock").insert(
            path.to_owned(),
            Canned {
                status,
                headers: headers
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                    .collect(),
                body: axum::body::Bytes::copy_from_slice(body),
            },
        );
    }

    pub fn hits(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }

    /// Requests whose path ends with `suffix`.
    pub fn hits_for(&self, suffix: &str) -> usize {
        self.seen
            .lock()
            .expect("lock")
            .iter()
            .filter(|seen| seen.uri.ends_with(suffix))
            .count()
    }

    pub fn last(&self) -> Seen {
        self.seen
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("a request")
    }
}

async fn upstream_answer(path: &str, authorization: &str) -> Response {
    let id = path
        .rsplit('/')
        .nth(if path.contains("/imports/") { 2 } else { 0 })
        .unwrap_or("");
    match id {
        THROTTLED => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "7"), ("content-type", "application/json")],
            r#"{"error":{"status":429,"error_code":429,"title":"Too Many Requests","detail":"slow down"}}"#,
        )
            .into_response(),
        SLOW => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::OK, "{}").into_response()
        }
        BIG => (StatusCode::OK, "x".repeat(2_000_000)).into_response(),
        SLOWISH => {
            tokio::time::sleep(Duration::from_millis(300)).await;
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                format!(r#"{{"status":"processing","path":"{path}"}}"#),
            )
                .into_response()
        }
        ECHO => (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            format!(r#"{{"error":{{"detail":"bad header {authorization}"}}}}"#),
        )
            .into_response(),
        REDIRECT => (StatusCode::FOUND, [("location", "https://evil.example/")], "").into_response(),
        HTML => (
            StatusCode::OK,
            [("content-type", "text/html")],
            "<script>alert(1)</script>",
        )
            .into_response(),
        IN_WORKSPACE | OTHER_WORKSPACE if !path.contains("/imports/") => {
            let workspace = if id == IN_WORKSPACE { "ws-allowed" } else { "ws-other" };
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                format!(r#"{{"id":"{id}","name":"In a workspace","workspace_id":"{workspace}"}}"#),
            )
                .into_response()
        }
        _ if path.contains("/imports/") => (
            StatusCode::OK,
            [("content-type", "application/json")],
            format!(r#"{{"import_id":"{OK_IMPORT}","status":"queued"}}"#),
        )
            .into_response(),
        _ => (
            StatusCode::OK,
            [
                ("content-type", "application/json; charset=utf-8"),
                ("set-cookie", "session=upstream; HttpOnly"),
                ("x-upstream-internal", "leak"),
            ],
            format!(r#"{{"id":"{OK_DATASET}","name":"Upstream dataset","schema_version":"3"}}"#),
        )
            .into_response(),
    }
}

/// A `serve` configuration pointing at `upstream`, with generous limits.
pub fn config(upstream: &str) -> ServeConfig {
    ServeConfig {
        upstream: upstream.to_owned(),
        token: Token::new(TOKEN.to_owned()).expect("token"),
        // Set to the proxy's own address by `start_proxy`.
        hosts: HostAllowList::new(([127, 0, 0, 1], 0).into(), Vec::new()),
        allow_origins: Vec::new(),
        callers: Callers::default(),
        upstream_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        max_response_bytes: 4 * 1024 * 1024,
        rate_per_minute: NonZeroU32::new(100_000).expect("non-zero"),
        rate_burst: NonZeroU32::new(10_000).expect("non-zero"),
        // Tests count upstream requests one by one; the cache has tests of its own.
        cache_ttl: Duration::ZERO,
        site: None,
    }
}

/// Metrics for a test proxy (no open-connection count).
pub fn metrics() -> Arc<Metrics> {
    Arc::new(Metrics::new(Arc::new(|| 0)))
}

/// Starts the proxy on a loopback port, serving every dataset, with the default
/// connection limits.
pub async fn start_proxy(config: ServeConfig) -> SocketAddr {
    start_proxy_with(config, Access::default(), ConnectionLimits::default()).await
}

/// Starts the proxy on a loopback port with these access rules and limits (two workers,
/// as on the 2-core machines this runs on). It runs until the test ends.
pub async fn start_proxy_with(
    mut config: ServeConfig,
    access: Access,
    limits: ConnectionLimits,
) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    config.hosts = config.hosts.with_listen(addr);
    let shared = Shared::new(&config, Arc::new(access), metrics());
    let routers = (0..2)
        .map(|_| serve::app(&config, &shared).expect("app"))
        .collect();
    tokio::spawn(connections::serve(
        listener,
        routers,
        limits,
        Arc::new(Occupancy::default()),
        std::future::pending(),
    ));
    addr
}

/// A parsed HTTP/1.1 response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The whole response as text, for "does the token appear anywhere" checks.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n", self.status);
        for (n, v) in &self.headers {
            out.push_str(&format!("{n}: {v}\n"));
        }
        out + &self.body
    }

    /// Whether the body is a Prolific-shaped error with this status.
    pub fn is_prolific_error(&self, status: u16) -> bool {
        serde_json::from_str::<serde_json::Value>(&self.body)
            .is_ok_and(|v| v["error"]["status"] == status && v["error"]["detail"].is_string())
    }
}

/// `GET target` with these extra header lines, the response read as bytes (status,
/// headers, body exactly as sent: not chunked, not decoded).
pub async fn get_bytes(
    addr: SocketAddr,
    target: &str,
    headers: &[&str],
) -> (u16, HeaderMap, axum::body::Bytes) {
    let mut text = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in headers {
        text.push_str(h);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(text.as_bytes()).await.expect("write");
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut bytes)).await;
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let body = axum::body::Bytes::copy_from_slice(&bytes[split + 4..]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut map = HeaderMap::new();
    for (name, value) in lines.filter_map(|l| l.split_once(':')) {
        map.append(
            axum::http::HeaderName::from_bytes(name.trim().as_bytes()).expect("name"),
            axum::http::HeaderValue::from_str(value.trim()).expect("value"),
        );
    }
    assert!(
        map.get("transfer-encoding").is_none(),
        "a body with a known length"
    );
    (status, map, body)
}

/// Sends raw bytes and reads the whole response (the request should ask to close).
pub async fn send_raw(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut bytes)).await;
    parse_response(&bytes)
}

/// `GET`-style request with the given method, target and extra header lines.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[&str],
) -> RawResponse {
    let mut text = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in headers {
        text.push_str(h);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    send_raw(addr, text.as_bytes()).await
}

fn parse_response(bytes: &[u8]) -> RawResponse {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    RawResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].strip_prefix("\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// `dataset-proxy serve` as a process (debug build), running until dropped; its log
/// lines are collected.
pub struct ProxyProcess {
    pub child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl ProxyProcess {
    /// Starts `dataset-proxy serve` on a free loopback port in front of `upstream`,
    /// under `prlimit` when `files` is given (`SOFT:HARD` open files), with extra flags;
    /// returns once it accepts connections.
    pub async fn start(upstream: &str, files: Option<&str>, flags: &[&str]) -> Self {
        let port = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        // DATASET_PROXY_TEST_BIN runs these tests against another build, e.g. an older
        // commit's, to show that they fail there.
        let bin = std::env::var("DATASET_PROXY_TEST_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_dataset-proxy").to_owned());
        let mut command = match files {
            Some(limit) => {
                let mut c = Command::new("prlimit");
                c.arg(format!("--nofile={limit}")).arg(&bin);
                c
            }
            None => Command::new(&bin),
        };
        command
            .args([
                "serve",
                "--listen",
                &addr.to_string(),
                "--upstream",
                upstream,
            ])
            .args(flags)
            .env("PROLIFIC_TOKEN", TOKEN)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = command.spawn().expect("proxy starts");
        let log = Arc::new(Mutex::new(String::new()));
        // The log goes to standard output.
        let stdout = child.stdout.take().expect("stdout");
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().expect("log").push_str(&(line + "\n"));
            }
        });
        // Dropping `Proxy` kills and waits for the child, whatever happens next.
        let proxy = Self { child, addr, log };
        for _ in 0..100 {
            if TcpStream::connect(addr).await.is_ok() {
                return proxy;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the proxy did not start: {}", proxy.log());
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// Resident memory in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits up to `limit` for the process to exit; returns how long it took.
    pub async fn exited_within(&mut self, limit: Duration) -> Option<Duration> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.child.try_wait().expect("wait").is_some() {
                return Some(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (free when asked; good enough for tests).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}
