//! `dataset-proxy serve` as a process under attack from one client on loopback: slow and
//! idle connections, a flood of sockets, unfinished heads, and shutdown while they hang
//! on. Each test runs the real binary (debug build) in front of a fake upstream, and
//! every loop is bounded.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const P: &str = "/api/v1/data-collection/datasets/";

/// Reads until the peer closes (Ok(elapsed)) or `limit` passes (Err).
async fn closed_within(
    stream: &mut (impl tokio::io::AsyncRead + Unpin),
    limit: Duration,
) -> Result<Duration, ()> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.checked_sub(started.elapsed()).ok_or(())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return Err(()),
            Ok(Ok(0) | Err(_)) => return Ok(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

fn get(addr: SocketAddr, path: &str, keep_alive: bool) -> String {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: {connection}\r\n\r\n")
}

/// Before: all three connections were still open after 65 s (no header-read timer).
#[tokio::test]
async fn silent_trickling_and_idle_connections_are_closed_by_the_header_timeout() {
    let upstream = FakeUpstream::start().await;
    let proxy = ProxyProcess::start(&upstream.url, None, &[]).await;
    let addr = proxy.addr;

    let started = Instant::now();
    let mut silent = TcpStream::connect(addr).await.expect("connect");
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    idle.write_all(get(addr, &format!("{P}{OK_DATASET}"), true).as_bytes())
        .await
        .expect("write");
    let mut first = [0u8; 1024];
    let n = idle.read(&mut first).await.expect("answer");
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    let trickle = tokio::spawn(async move {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let (mut read, mut write) = stream.into_split();
        let head = get(addr, &format!("{P}{OK_DATASET}"), true);
        // One byte every 2 s, 7 bytes at most (14 s).
        let writer = tokio::spawn(async move {
            for byte in head.as_bytes().iter().take(7) {
                if write.write_all(&[*byte]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
        let closed = closed_within(&mut read, Duration::from_secs(14)).await;
        writer.abort();
        closed.map(|_| started.elapsed())
    });

    // All three are watched at once, from the same start.
    let limit = Duration::from_secs(14);
    let (silent, idle) = tokio::join!(
        closed_within(&mut silent, limit),
        closed_within(&mut idle, limit)
    );
    let (silent, idle) = (
        silent.map(|_| started.elapsed()),
        idle.map(|_| started.elapsed()),
    );
    let trickle = trickle.await.expect("trickle task");
    println!("closed after: silent {silent:?}, idle keep-alive {idle:?}, trickle {trickle:?}");
    for (what, closed) in [("silent", silent), ("idle keep-alive", idle)] {
        let after = closed.unwrap_or_else(|()| panic!("{what}: still open after {limit:?}"));
        assert!(
            after >= Duration::from_secs(8),
            "{what}: closed too early ({after:?})"
        );
    }
    assert!(trickle.is_ok(), "trickle: still open");
    assert_eq!(
        upstream.hits(),
        1,
        "only the idle connection's request went up"
    );
}

/// Before: with 1,024 open files, ~1,020 idle sockets from one address made every other
/// client's request time out.
#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let _ = rlimit::increase_nofile_limit(8192);
    let upstream = FakeUpstream::start().await;
    let proxy = ProxyProcess::start(&upstream.url, Some("1024:1024"), &[]).await;
    let addr = proxy.addr;

    let mut flood = Vec::new();
    for _ in 0..1020 {
        match TcpStream::connect(addr).await {
            Ok(stream) => flood.push(stream),
            Err(_) => break,
        }
    }
    // Let the acceptor sort them all out.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut still_open = 0;
    for stream in &mut flood {
        let mut byte = [0u8; 1];
        if tokio::time::timeout(Duration::from_millis(2), stream.read(&mut byte))
            .await
            .is_err()
        {
            still_open += 1;
        }
    }
    println!("{} flood sockets, {still_open} still open", flood.len());
    assert_eq!(still_open, 128, "the per-client cap (default 128) holds");

    // Another client (127.0.0.2) is served at once.
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.2:0".parse().expect("addr"))
        .expect("bind");
    let started = Instant::now();
    let mut other = socket.connect(addr).await.expect("connect");
    other
        .write_all(get(addr, &format!("{P}{OK_DATASET}"), false).as_bytes())
        .await
        .expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), other.read_to_end(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    println!("another client's request took {:?}", started.elapsed());
    let log = proxy.log();
    assert!(
        log.contains("per-client connection cap reached"),
        "a clear log line: {log}"
    );
    assert!(
        log.contains("connection cap lowered to fit it") || log.contains("max_connections=960"),
        "{log}"
    );
}

#[tokio::test]
async fn the_open_file_limit_is_raised_to_the_hard_limit() {
    let upstream = FakeUpstream::start().await;
    let proxy = ProxyProcess::start(&upstream.url, Some("256:4096"), &[]).await;
    let limits =
        std::fs::read_to_string(format!("/proc/{}/limits", proxy.child.id())).expect("limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("line");
    let numbers: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    assert_eq!(numbers, ["4096", "4096"], "{line}");
}

/// Before: each unfinished request head held about 664 KiB.
#[tokio::test]
async fn unfinished_heads_are_bounded_in_size_and_memory() {
    let _ = rlimit::increase_nofile_limit(8192);
    let upstream = FakeUpstream::start().await;
    let proxy = ProxyProcess::start(
        &upstream.url,
        None,
        &["--max-connections-per-client", "1000"],
    )
    .await;
    let addr = proxy.addr;

    // A head over the buffer is refused with 431, and never forwarded.
    let mut big = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "GET {P}{OK_DATASET} HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\n",
        "a".repeat(30 * 1024)
    );
    let _ = big.write_all(head.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), big.read_to_end(&mut answer)).await;
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 431"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // 400 connections each holding an unfinished 15 KiB head.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = proxy.rss_kib();
    let count = 400;
    let mut held = Vec::with_capacity(count);
    let partial = format!(
        "GET {P}{OK_DATASET} HTTP/1.1\r\nHost: {addr}\r\nX-Pad: {}",
        "p".repeat(15 * 1024)
    );
    for _ in 0..count {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(partial.as_bytes()).await.expect("write");
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let after = proxy.rss_kib();
    let per_connection = after.saturating_sub(before) as f64 / count as f64;
    println!("RSS {before} KiB → {after} KiB: {per_connection:.1} KiB per unfinished head");
    assert!(
        per_connection <= 64.0,
        "{per_connection:.1} KiB per unfinished connection"
    );
    assert_eq!(upstream.hits(), 0);
}

/// Before: SIGTERM did not end the process while one client held a half-sent request.
/// Now a connection with nothing being answered closes at once, and the process ends when
/// the requests in flight are done (the grace bounds them).
#[tokio::test]
async fn sigterm_finishes_in_flight_requests_and_closes_the_rest_within_the_grace() {
    let upstream = FakeUpstream::start().await;
    let mut proxy = ProxyProcess::start(
        &upstream.url,
        None,
        &["--shutdown-grace", "5", "--header-timeout", "60"],
    )
    .await;
    let addr = proxy.addr;

    let mut half = TcpStream::connect(addr).await.expect("connect");
    half.write_all(format!("GET {P}{OK_DATASET} HTTP/1.1\r\nHost: {addr}\r\n").as_bytes())
        .await
        .expect("write");
    // The fake upstream answers this one after 3 s.
    let slow = tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(get(addr, &format!("{P}{SLOW}"), false).as_bytes())
            .await
            .expect("write");
        let mut answer = Vec::new();
        let _ =
            tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
        String::from_utf8_lossy(&answer).into_owned()
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let terminated = Instant::now();
    proxy.terminate();
    // The half-sent request is not being answered: its connection closes at once, while
    // the request in flight is still running.
    assert!(
        closed_within(&mut half, Duration::from_secs(1))
            .await
            .is_ok(),
        "the half-sent request's connection is closed at once"
    );
    let slow = slow.await.expect("slow task");
    assert!(
        slow.starts_with("HTTP/1.1 200"),
        "in flight, finished: {slow}"
    );
    let exited = proxy.exited_within(Duration::from_secs(8)).await;
    let after = terminated.elapsed();
    println!("exited {after:?} after SIGTERM (grace 5 s), a request in flight for 2.5 s of it");
    assert!(exited.is_some(), "the process ends within the grace period");
    assert!(after <= Duration::from_secs(4), "{after:?}");
    assert!(TcpStream::connect(addr).await.is_err(), "nothing listens");
}

#[tokio::test]
async fn the_grace_period_bounds_a_request_that_takes_too_long() {
    let upstream = FakeUpstream::start().await;
    let mut proxy = ProxyProcess::start(&upstream.url, None, &["--shutdown-grace", "1"]).await;
    let addr = proxy.addr;
    // The fake upstream answers this one after 3 s: longer than the grace.
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(get(addr, &format!("{P}{SLOW}"), false).as_bytes())
        .await
        .expect("write");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let terminated = Instant::now();
    proxy.terminate();
    let exited = proxy.exited_within(Duration::from_secs(5)).await;
    let after = terminated.elapsed();
    println!("exited {after:?} after SIGTERM (grace 1 s), a 3 s request cut");
    assert!(exited.is_some());
    assert!(
        after >= Duration::from_millis(900) && after <= Duration::from_millis(2500),
        "{after:?}"
    );
    assert!(
        closed_within(&mut slow, Duration::from_secs(1))
            .await
            .is_ok()
    );
}
