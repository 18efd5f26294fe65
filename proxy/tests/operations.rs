//! `dataset-proxy serve` as an operator runs it: the token kept out of the process's
//! environment and a loosely kept token file pointed out, the admin listener answering
//! only its own names, and a SIGHUP re-read that cannot stall the proxy.

mod common;

use std::time::{Duration, Instant};

use common::*;

const P: &str = "/api/v1/data-collection/datasets/";

/// Waits up to 3 s for `text` in the proxy's log.
async fn logged(proxy: &ProxyProcess, text: &str) -> bool {
    for _ in 0..60 {
        if proxy.log().contains(text) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The status `GET` of dataset `id` gets through the proxy.
async fn status_of(proxy: &ProxyProcess, id: &str) -> u16 {
    request(proxy.addr, "GET", &format!("{P}{id}"), &[])
        .await
        .status
}

fn signal(proxy: &ProxyProcess, name: &str) {
    let status = std::process::Command::new("kill")
        .args([name, &proxy.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

#[tokio::test]
async fn a_token_from_the_environment_is_wiped_from_proc_environ_and_logged() {
    let upstream = FakeUpstream::start().await;
    let proxy = ProxyProcess::start(&upstream.url, None, &[]).await;
    let environ = std::fs::read(format!("/proc/{}/environ", proxy.child.id())).expect("environ");
    let environ = String::from_utf8_lossy(&environ);
    assert!(
        environ.contains("RUST_LOG=info"),
        "the environment is readable"
    );
    assert!(
        !environ.contains(TOKEN),
        "the token is still in /proc/PID/environ"
    );
    assert!(
        logged(&proxy, "token read from PROLIFIC_TOKEN").await,
        "{}",
        proxy.log()
    );
    assert!(proxy.log().contains("--token-file"), "{}", proxy.log());
    // It still works: the token was read before it was wiped.
    let answer = request(proxy.addr, "GET", &format!("{P}{OK_DATASET}"), &[]).await;
    assert_eq!(answer.status, 200);
    assert!(
        upstream.last().headers["authorization"]
            .to_str()
            .expect("text")
            .contains(TOKEN)
    );
}

#[tokio::test]
async fn a_token_file_other_users_can_read_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let upstream = FakeUpstream::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("token");
    std::fs::write(&file, TOKEN).expect("write");
    let flag = file.to_str().expect("utf-8 path");
    for (mode, warned) in [(0o644, true), (0o600, false)] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let proxy = ProxyProcess::start(&upstream.url, None, &["--token-file", flag]).await;
        assert!(logged(&proxy, "proxy listening").await, "{}", proxy.log());
        assert_eq!(
            proxy.log().contains("chmod 600"),
            warned,
            "mode {mode:o}: {}",
            proxy.log()
        );
        if warned {
            assert!(proxy.log().contains("0644"), "{}", proxy.log());
        }
    }
}

#[tokio::test]
async fn the_admin_listener_answers_only_its_own_names() {
    let upstream = FakeUpstream::start().await;
    let admin: std::net::SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let admin_flag = admin.to_string();
    let proxy = ProxyProcess::start(
        &upstream.url,
        None,
        &[
            "--admin-listen",
            &admin_flag,
            "--allow-host",
            "metrics.internal",
        ],
    )
    .await;
    assert!(logged(&proxy, "admin listening").await, "{}", proxy.log());
    let scrape = |host: String| async move {
        send_raw(
            admin,
            format!("GET /metrics HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
    };
    let port = admin.port();
    // A page on a name rebound to 127.0.0.1 sends its own name.
    let rebound = scrape(format!("rebound.example:{port}")).await;
    assert_eq!(rebound.status, 421);
    assert!(!rebound.body.contains("dataset_proxy_"), "{}", rebound.body);
    for host in [
        admin.to_string(),
        format!("localhost:{port}"),
        format!("metrics.internal:{port}"),
    ] {
        let ok = scrape(host.clone()).await;
        assert_eq!(ok.status, 200, "{host}");
        assert!(ok.body.contains("dataset_proxy_"), "{host}");
    }
    assert_eq!(upstream.hits(), 0);
}

#[tokio::test]
async fn a_datasets_file_that_blocks_never_stalls_the_proxy() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("datasets.txt");
    std::fs::write(&file, format!("{OK_DATASET}\n")).expect("write");
    let upstream = FakeUpstream::start().await;
    let flag = file.to_str().expect("utf-8 path");
    let mut proxy =
        ProxyProcess::start(&upstream.url, None, &["--allow-datasets-file", flag]).await;

    // A FIFO with no writer: opening it for reading blocks until one comes, which never
    // happens here.
    std::fs::remove_file(&file).expect("remove");
    let made = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    signal(&proxy, "-HUP");

    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let started = Instant::now();
        let answer = request(proxy.addr, "GET", &format!("{P}{OK_DATASET}"), &[]).await;
        slowest = slowest.max(started.elapsed());
        assert_eq!(answer.status, 200, "the previous list stays in force");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        slowest < Duration::from_secs(1),
        "a request waited {slowest:?}"
    );
    // Given up after 5 s.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(
        logged(&proxy, "did not finish reading in time").await,
        "{}",
        proxy.log()
    );
    assert_eq!(status_of(&proxy, IN_WORKSPACE).await, 404);
    // The file mended, the next SIGHUP reads it, though the first read still hangs.
    std::fs::remove_file(&file).expect("remove");
    std::fs::write(&file, format!("{IN_WORKSPACE}\n")).expect("write");
    signal(&proxy, "-HUP");
    assert!(
        logged(&proxy, "allowed datasets re-read").await,
        "{}",
        proxy.log()
    );
    assert_eq!(status_of(&proxy, IN_WORKSPACE).await, 200);
    // The thread still waiting on the FIFO does not hold up a shutdown.
    signal(&proxy, "-TERM");
    let exited = proxy.exited_within(Duration::from_secs(5)).await;
    assert!(exited.is_some(), "still running 5 s after SIGTERM");
}
