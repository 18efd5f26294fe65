//! Every refusal of `dataset-proxy serve` beyond the route gate — framing, Host, origin,
//! caller, access — happens before Prolific is contacted (each test counts the fake
//! upstream's requests), and what comes back from Prolific is checked before it is
//! passed on.

mod common;

use std::net::SocketAddr;
use std::num::NonZeroU32;

use axum::http::{HeaderName, HeaderValue};
use common::*;
use dataset_proxy::connections::ConnectionLimits;
use dataset_proxy::serve::access::Access;
use dataset_proxy::serve::caller::Callers;
use dataset_proxy::serve::hosts::{AllowedHost, HostAllowList};

const P: &str = "/api/v1/data-collection/datasets/";

fn dataset(id: &str) -> String {
    format!("{P}{id}")
}

fn raw(addr: SocketAddr, lines: &[&str]) -> Vec<u8> {
    let mut text = format!("GET {} HTTP/1.1\r\n", dataset(OK_DATASET));
    for line in lines {
        text.push_str(&line.replace("{addr}", &addr.to_string()));
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.into_bytes()
}

#[tokio::test]
async fn bodies_and_bad_host_framing_get_400_and_a_closed_connection() {
    let upstream = FakeUpstream::start().await;
    let addr = start_proxy(config(&upstream.url)).await;
    let cases: [(&str, &[&str]); 6] = [
        (
            "content-length",
            &["Host: {addr}", "Content-Length: 5", "", "hello"],
        ),
        (
            "chunked",
            &["Host: {addr}", "Transfer-Encoding: chunked", "", "0", ""],
        ),
        (
            "transfer-encoding identity",
            &["Host: {addr}", "Transfer-Encoding: identity"],
        ),
        (
            "CL and TE",
            &[
                "Host: {addr}",
                "Content-Length: 4",
                "Transfer-Encoding: chunked",
                "",
                "0",
                "",
            ],
        ),
        ("no Host", &["Connection: keep-alive"]),
        ("two Hosts", &["Host: {addr}", "Host: {addr}"]),
    ];
    for (name, lines) in cases {
        // Keep-alive is asked for; the proxy must close anyway (read_to_end returns).
        let mut request = raw(addr, lines);
        if !name.contains("Host") {
            request.extend_from_slice(b"GET / HTTP/1.1\r\nHost: smuggled\r\n\r\n");
        }
        let started = std::time::Instant::now();
        let response = send_raw(addr, &request).await;
        assert_eq!(response.status, 400, "{name}: {}", response.body);
        // Closed at once although keep-alive was asked for (send_raw reads to the end).
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{name}: left open"
        );
        assert!(!response.text().contains("smuggled"), "{name}");
        // hyper's parser refuses some framings itself, with an empty 400; the others are
        // the proxy's, in Prolific's error shape and saying that the connection closes.
        if !response.body.is_empty() {
            assert!(response.is_prolific_error(400), "{name}");
            assert_eq!(response.header("connection"), Some("close"), "{name}");
            assert_eq!(
                response.body.matches("\"error\"").count(),
                1,
                "{name}: one answer"
            );
        }
    }
    // `Content-Length: 0` is no body: allowed.
    let ok = send_raw(
        addr,
        &raw(
            addr,
            &["Host: {addr}", "Content-Length: 0", "Connection: close"],
        ),
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(upstream.hits(), 1, "only the body-less request went up");
}

#[tokio::test]
async fn a_foreign_host_gets_421_and_allowed_names_pass() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.hosts = HostAllowList::new(
        ([127, 0, 0, 1], 0).into(),
        vec![AllowedHost::parse("monitor.example.org").expect("host")],
    );
    let addr = start_proxy(config).await;
    for host in [
        "rebound.attacker.example",
        "127.0.0.1.nip.io",
        "localhost:1",
    ] {
        let response = send_raw(
            addr,
            &raw(addr, &[&format!("Host: {host}"), "Connection: close"]),
        )
        .await;
        assert_eq!(response.status, 421, "{host}");
        assert!(response.is_prolific_error(421), "{host}");
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    }
    assert_eq!(upstream.hits(), 0, "a rebound page reads nothing");
    for host in ["{addr}", "localhost:PORT", "monitor.example.org"] {
        let host = host.replace("PORT", &addr.port().to_string());
        let response = send_raw(
            addr,
            &raw(addr, &[&format!("Host: {host}"), "Connection: close"]),
        )
        .await;
        assert_eq!(response.status, 200, "{host}");
    }
    assert_eq!(upstream.hits(), 3);
}

#[tokio::test]
async fn cross_site_pages_get_403_before_the_token_is_spent() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.allow_origins = vec![HeaderValue::from_static("https://intranet.example.org")];
    let addr = start_proxy(config).await;
    let get = |headers: Vec<String>| async move {
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        request(addr, "GET", &dataset(OK_DATASET), &headers).await
    };
    for refused in [
        vec!["Origin: https://evil.example".to_owned()],
        vec!["Origin: null".to_owned()],
        vec!["Sec-Fetch-Site: cross-site".to_owned()],
        vec![
            "Origin: https://evil.example".to_owned(),
            "Sec-Fetch-Site: cross-site".to_owned(),
        ],
    ] {
        let response = get(refused.clone()).await;
        assert_eq!(response.status, 403, "{refused:?}");
        assert!(response.is_prolific_error(403));
    }
    assert_eq!(upstream.hits(), 0);
    for allowed in [
        vec![
            "Origin: https://intranet.example.org".to_owned(),
            "Sec-Fetch-Site: cross-site".to_owned(),
        ],
        vec![
            format!("Origin: http://{addr}"),
            "Sec-Fetch-Site: same-origin".to_owned(),
        ],
        vec!["Sec-Fetch-Site: same-origin".to_owned()],
        vec![],
    ] {
        assert_eq!(get(allowed.clone()).await.status, 200, "{allowed:?}");
    }
    assert_eq!(upstream.hits(), 4);
}

#[tokio::test]
async fn upstream_answers_are_checked_before_they_are_passed_on() {
    let upstream = FakeUpstream::start().await;
    let addr = start_proxy(config(&upstream.url)).await;

    let redirect = request(addr, "GET", &dataset(REDIRECT), &[]).await;
    assert_eq!(redirect.status, 502);
    assert!(redirect.is_prolific_error(502));
    assert_eq!(redirect.header("location"), None);

    let echo = request(addr, "GET", &dataset(ECHO), &[]).await;
    assert_eq!(echo.status, 502, "{}", echo.body);
    assert!(!echo.text().contains(TOKEN), "the token is never passed on");

    let html = request(addr, "GET", &dataset(HTML), &[]).await;
    assert_eq!(html.status, 200);
    assert_eq!(
        html.header("content-type"),
        Some("text/plain; charset=utf-8")
    );

    for response in [&redirect, &echo, &html] {
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            response.header("content-security-policy"),
            Some("default-src 'none'")
        );
    }
    let ok = request(addr, "GET", &dataset(OK_DATASET), &[]).await;
    assert_eq!(
        ok.header("content-security-policy"),
        Some("default-src 'none'")
    );
    assert_eq!(ok.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn only_listed_datasets_are_read_and_refusals_look_like_missing_datasets() {
    let upstream = FakeUpstream::start().await;
    let access = Access::new(vec![OK_DATASET.to_owned()], None, vec![]).expect("access");
    let addr = start_proxy_with(config(&upstream.url), access, ConnectionLimits::default()).await;
    let refused = request(addr, "GET", &dataset(IN_WORKSPACE), &[]).await;
    let refused_import = request(
        addr,
        "GET",
        &format!("{}/imports/{OK_IMPORT}", dataset(IN_WORKSPACE)),
        &[],
    )
    .await;
    assert_eq!(upstream.hits(), 0, "refused before Prolific is contacted");
    for response in [&refused, &refused_import] {
        assert_eq!(response.status, 404);
        assert_eq!(response.body, refused.body, "one answer for every refusal");
        assert!(response.is_prolific_error(404));
    }
    assert_eq!(
        request(addr, "GET", &dataset(OK_DATASET), &[]).await.status,
        200
    );
    let import = request(
        addr,
        "GET",
        &format!("{}/imports/{OK_IMPORT}", dataset(OK_DATASET)),
        &[],
    )
    .await;
    assert_eq!(import.status, 200);
    assert_eq!(upstream.hits(), 2);
}

#[tokio::test]
async fn workspaces_are_checked_on_the_dataset_before_any_import_is_forwarded() {
    let upstream = FakeUpstream::start().await;
    let access = Access::new(vec![], None, vec!["ws-allowed".to_owned()]).expect("access");
    let addr = start_proxy_with(config(&upstream.url), access, ConnectionLimits::default()).await;
    let import = |id: &str| format!("{}/imports/{OK_IMPORT}", dataset(id));

    // An import: its dataset is read first, then the import; each time, so that a
    // dataset moved to another workspace is refused at once (the cache, off here, is the
    // only thing that may share a dataset's answer).
    for round in 1..=2 {
        assert_eq!(
            request(addr, "GET", &import(IN_WORKSPACE), &[])
                .await
                .status,
            200
        );
        assert_eq!(upstream.hits_for(IN_WORKSPACE), round);
        assert_eq!(upstream.hits_for(&import(IN_WORKSPACE)), round);
    }

    // Another workspace: the dataset is read to learn that, the import never.
    let refused = request(addr, "GET", &import(OTHER_WORKSPACE), &[]).await;
    assert_eq!(refused.status, 404);
    assert_eq!(
        request(addr, "GET", &dataset(OTHER_WORKSPACE), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        request(addr, "GET", &import(OTHER_WORKSPACE), &[])
            .await
            .status,
        404
    );
    assert_eq!(upstream.hits_for(OTHER_WORKSPACE), 3, "judged each time");
    assert_eq!(
        upstream.hits_for(&import(OTHER_WORKSPACE)),
        0,
        "never forwarded"
    );
    // A dataset answer of the allowed workspace is passed on whole.
    let ok = request(addr, "GET", &dataset(IN_WORKSPACE), &[]).await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("ws-allowed"));
}

#[tokio::test]
async fn the_user_header_is_required_from_a_trusted_proxy_and_limits_per_user() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.callers = Callers {
        trusted: vec!["127.0.0.1/32".parse().expect("cidr")],
        user_header: Some(HeaderName::from_static("x-auth-request-email")),
    };
    config.rate_per_minute = NonZeroU32::new(1).expect("non-zero");
    config.rate_burst = NonZeroU32::new(2).expect("non-zero");
    let addr = start_proxy(config).await;
    let path = dataset(OK_DATASET);
    let missing = request(addr, "GET", &path, &[]).await;
    assert_eq!(missing.status, 401);
    assert!(missing.is_prolific_error(401));
    assert_eq!(upstream.hits(), 0);

    let ada = ["X-Auth-Request-Email: ada@example.org"];
    let bob = ["X-Auth-Request-Email: bob@example.org"];
    let mut codes = Vec::new();
    for headers in [&ada, &ada, &ada, &bob] {
        codes.push(request(addr, "GET", &path, headers).await.status);
    }
    assert_eq!(
        codes,
        [200, 200, 429, 200],
        "one user's burst is not another's"
    );
    assert_eq!(upstream.hits(), 3);
}

#[tokio::test]
async fn a_request_naming_two_users_is_refused_before_prolific_is_contacted() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.callers = Callers {
        trusted: vec!["127.0.0.1/32".parse().expect("cidr")],
        user_header: Some(HeaderName::from_static("x-auth-request-email")),
    };
    let addr = start_proxy(config).await;
    let path = dataset(OK_DATASET);
    // A front proxy that appends its header to the client's, rather than replacing it.
    let two_lines = request(
        addr,
        "GET",
        &path,
        &[
            "X-Auth-Request-Email: mallory@example.org",
            "X-Auth-Request-Email: frank@example.org",
        ],
    )
    .await;
    let joined = request(
        addr,
        "GET",
        &path,
        &["X-Auth-Request-Email: mallory@example.org, frank@example.org"],
    )
    .await;
    for response in [&two_lines, &joined] {
        assert_eq!(response.status, 400, "{}", response.body);
        assert!(response.is_prolific_error(400));
        assert!(!response.body.contains("mallory"));
    }
    assert_eq!(upstream.hits(), 0, "refused before Prolific is contacted");
    let one = request(
        addr,
        "GET",
        &path,
        &["X-Auth-Request-Email: frank@example.org"],
    )
    .await;
    assert_eq!(one.status, 200);
}

#[tokio::test]
async fn forwarded_for_is_read_right_to_left_across_header_lines() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.callers = Callers {
        trusted: vec!["127.0.0.1/32".parse().expect("cidr")],
        user_header: None,
    };
    config.rate_per_minute = NonZeroU32::new(1).expect("non-zero");
    config.rate_burst = NonZeroU32::new(1).expect("non-zero");
    let addr = start_proxy(config).await;
    let path = dataset(OK_DATASET);
    let first = request(
        addr,
        "GET",
        &path,
        &["X-Forwarded-For: 6.6.6.6, 198.51.100.7"],
    )
    .await;
    // The client forged other left-hand entries; the right-most is what the front proxy
    // saw, and it is the same client: its one request this minute is spent.
    let forged = request(
        addr,
        "GET",
        &path,
        &[
            "X-Forwarded-For: 7.7.7.7",
            "X-Forwarded-For: 8.8.8.8, 198.51.100.7",
        ],
    )
    .await;
    let other = request(
        addr,
        "GET",
        &path,
        &["X-Forwarded-For: 6.6.6.6, 198.51.100.8"],
    )
    .await;
    assert_eq!((first.status, forged.status, other.status), (200, 429, 200));
    assert_eq!(upstream.hits(), 2, "the limited request was not forwarded");
}

#[tokio::test]
async fn preflights_pass_the_host_caller_and_rate_checks_first() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.allow_origins = vec![HeaderValue::from_static("https://intranet.example.org")];
    config.callers = Callers {
        trusted: vec!["127.0.0.1/32".parse().expect("cidr")],
        user_header: Some(HeaderName::from_static("x-auth-request-email")),
    };
    let addr = start_proxy(config).await;
    let preflight = |host: String, user: Option<&'static str>| {
        let target = dataset(OK_DATASET);
        async move {
            let mut lines = format!(
                "OPTIONS {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
                 Origin: https://intranet.example.org\r\n\
                 Access-Control-Request-Method: GET\r\n"
            );
            if let Some(user) = user {
                lines.push_str(&format!("X-Auth-Request-Email: {user}\r\n"));
            }
            lines.push_str("\r\n");
            send_raw(addr, lines.as_bytes()).await
        }
    };
    let rebound = preflight(
        format!("rebound.example:{}", addr.port()),
        Some("ada@example.org"),
    )
    .await;
    assert_eq!(rebound.status, 421);
    let anonymous = preflight(addr.to_string(), None).await;
    assert_eq!(anonymous.status, 401);
    for refused in [&rebound, &anonymous] {
        assert!(
            refused.is_prolific_error(refused.status),
            "{}",
            refused.body
        );
        assert_eq!(refused.header("access-control-allow-methods"), None);
    }
    let signed_in = preflight(addr.to_string(), Some("ada@example.org")).await;
    assert_eq!(signed_in.status, 200);
    assert_eq!(
        signed_in.header("access-control-allow-origin"),
        Some("https://intranet.example.org")
    );
    assert_eq!(upstream.hits(), 0, "a preflight never reaches Prolific");
}

#[tokio::test]
async fn the_user_header_from_an_untrusted_address_is_not_believed() {
    let upstream = FakeUpstream::start().await;
    let mut config = config(&upstream.url);
    config.callers = Callers {
        trusted: vec!["10.9.9.9/32".parse().expect("cidr")],
        user_header: Some(HeaderName::from_static("x-auth-request-email")),
    };
    let addr = start_proxy(config).await;
    let forged = request(
        addr,
        "GET",
        &dataset(OK_DATASET),
        &[
            "X-Auth-Request-Email: ceo@example.org",
            "X-Forwarded-For: 10.9.9.9",
        ],
    )
    .await;
    assert_eq!(forged.status, 401);
    assert_eq!(upstream.hits(), 0);
}

#[test]
fn plain_http_upstreams_are_refused_unless_on_loopback() {
    let run = |upstream: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dataset-proxy"))
            .args(["serve", "--listen", "127.0.0.1:1", "--upstream", upstream])
            .env("PROLIFIC_TOKEN", TOKEN)
            .output()
            .expect("runs")
    };
    let refused = run("http://api.prolific.com");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("plain http"));
    let refused = run("http://10.0.0.5:8080");
    assert!(!refused.status.success());
}

#[tokio::test]
async fn the_datasets_file_is_re_read_on_sighup() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("datasets.txt");
    std::fs::write(&file, format!("# the team's datasets\n{OK_DATASET}\n")).expect("write");
    let upstream = FakeUpstream::start().await;
    let file_flag = file.to_str().expect("utf-8 path");
    let proxy =
        ProxyProcess::start(&upstream.url, None, &["--allow-datasets-file", file_flag]).await;
    let addr = proxy.addr;
    let before_ok = request(addr, "GET", &dataset(OK_DATASET), &[]).await.status;
    let before_other = request(addr, "GET", &dataset(IN_WORKSPACE), &[])
        .await
        .status;
    std::fs::write(&file, format!("{IN_WORKSPACE}\n")).expect("write");
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &proxy.child.id().to_string()])
        .status()
        .expect("kill");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after_ok = request(addr, "GET", &dataset(OK_DATASET), &[]).await.status;
    let after_other = request(addr, "GET", &dataset(IN_WORKSPACE), &[])
        .await
        .status;
    assert!(hup.success());
    assert_eq!((before_ok, before_other), (200, 404));
    assert_eq!((after_ok, after_other), (404, 200), "the new list applies");
    assert_eq!(upstream.hits(), 2);
}
