//! `--static`: the build and nothing else, precompressed by `Accept-Encoding`, with a
//! cache policy that survives a redeploy (immutable hashed files, revalidated stable
//! names), in both modes.

mod common;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use common::{FakeUpstream, config, get_bytes, start_proxy};
use dataset_proxy::mock::{self, MockState, scenario};
use dataset_proxy::site::{IMMUTABLE, REVALIDATE, Site};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A path, the `Accept-Encoding` sent, the `Content-Encoding` expected, the body expected.
type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

const WASM: &str = "dataset-monitor-0123456789abcdef_bg.wasm";
const INDEX: &str = "<!doctype html><title>monitor</title>";

/// A built site: index.html with its .br and .gz, a hashed wasm with only a .br, a
/// stable entry module with nothing precompressed.
fn build(dir: &Path) {
    std::fs::write(dir.join("index.html"), INDEX).expect("write");
    std::fs::write(dir.join("index.html.br"), b"br of index").expect("write");
    std::fs::write(dir.join("index.html.gz"), b"gzip of index").expect("write");
    std::fs::write(dir.join(WASM), b"\0asm wasm").expect("write");
    std::fs::write(dir.join(format!("{WASM}.br")), b"br of wasm").expect("write");
    std::fs::write(dir.join("prolific-dataset-monitor.js"), b"export {};").expect("write");
}

fn app(dir: &Path) -> Router {
    let site = Site::new(dir.to_owned()).expect("site");
    let scenarios = scenario::demo().expect("demo");
    mock::app(Arc::new(MockState::new(scenarios)), Some(site))
}

async fn get(app: &Router, path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Bytes) {
    let mut request = Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, headers, body)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().expect("ascii"))
}

#[tokio::test]
async fn precompressed_files_are_chosen_by_accept_encoding() {
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path());
    let app = app(dir.path());
    let wasm = format!("/{WASM}");
    let cases: [Case; 6] = [
        ("/", Some("gzip, deflate, br"), Some("br"), b"br of index"),
        ("/index.html", Some("gzip"), Some("gzip"), b"gzip of index"),
        ("/index.html", None, None, INDEX.as_bytes()),
        ("/index.html", Some("identity"), None, INDEX.as_bytes()),
        // The wasm has a .br and no .gz: gzip falls back to the file itself.
        (&wasm, Some("gzip"), None, b"\0asm wasm"),
        (&wasm, Some("br"), Some("br"), b"br of wasm"),
    ];
    for (path, accept, encoding, body) in cases {
        let asked: Vec<(&str, &str)> = accept.map(|a| ("accept-encoding", a)).into_iter().collect();
        let (status, headers, got) = get(&app, path, &asked).await;
        assert_eq!(status, StatusCode::OK, "{path} {accept:?}");
        assert_eq!(
            header(&headers, "content-encoding"),
            encoding,
            "{path} {accept:?}"
        );
        assert_eq!(&got[..], body, "{path} {accept:?}");
        assert_eq!(
            header(&headers, "vary"),
            Some("accept-encoding"),
            "{path} {accept:?}"
        );
        if path.ends_with(".wasm") {
            assert_eq!(header(&headers, "content-type"), Some("application/wasm"));
        } else {
            assert!(header(&headers, "content-type").is_some_and(|t| t.starts_with("text/html")));
        }
    }
}

#[tokio::test]
async fn hashed_files_are_immutable_and_stable_names_revalidate() {
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path());
    let app = app(dir.path());
    let (_, headers, _) = get(&app, &format!("/{WASM}"), &[("accept-encoding", "br")]).await;
    assert_eq!(header(&headers, "cache-control"), Some(IMMUTABLE));
    for path in ["/", "/index.html", "/prolific-dataset-monitor.js"] {
        let (status, headers, _) = get(&app, path, &[("accept-encoding", "br, gzip")]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(
            header(&headers, "cache-control"),
            Some(REVALIDATE),
            "{path}"
        );
        let etag = header(&headers, "etag").expect("an ETag").to_owned();
        let modified = header(&headers, "last-modified")
            .expect("Last-Modified")
            .to_owned();
        // Revalidation, by either validator, is a 304 with no body and the same policy.
        for validator in [
            ("if-none-match", etag.as_str()),
            ("if-modified-since", modified.as_str()),
        ] {
            let (status, again, body) =
                get(&app, path, &[("accept-encoding", "br, gzip"), validator]).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED, "{path} {validator:?}");
            assert!(body.is_empty());
            assert_eq!(header(&again, "cache-control"), Some(REVALIDATE));
        }
        // A changed file (a redeploy) no longer matches the old ETag.
        let (status, _, _) = get(&app, path, &[("if-none-match", "\"an-old-build\"")]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    // Each encoding has its own ETag: a cached gzip form never revalidates a br one.
    let (_, br, _) = get(&app, "/index.html", &[("accept-encoding", "br")]).await;
    let (_, gz, _) = get(&app, "/index.html", &[("accept-encoding", "gzip")]).await;
    assert_ne!(header(&br, "etag"), header(&gz, "etag"));
    // A missing file has no caching policy of its own.
    let (status, headers, _) = get(&app, "/dataset-monitor-fedcba9876543210_bg.wasm", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&headers, "cache-control"), None);
}

#[cfg(unix)]
#[tokio::test]
async fn links_out_of_the_directory_and_dotfiles_are_missing_files() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("passwd"), "root:x:0:0").expect("write");
    std::fs::create_dir(outside.path().join("etc")).expect("mkdir");
    std::fs::write(outside.path().join("etc/shadow"), "root:secret").expect("write");
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path());
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, dir.path().join(name)).expect("symlink");
    };
    link(&outside.path().join("passwd"), "passwd");
    link(&outside.path().join("etc"), "etc");
    // A precompressed form that leads out: the file itself is inside, its .br is not.
    std::fs::write(dir.path().join("notes.txt"), "inside").expect("write");
    link(&outside.path().join("passwd"), "notes.txt.br");
    // A link that stays inside is served.
    link(&dir.path().join("index.html"), "home.html");
    std::fs::write(dir.path().join(".env"), "PROLIFIC_TOKEN=secret").expect("write");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    std::fs::write(dir.path().join(".git/config"), "[core]").expect("write");
    std::fs::create_dir(dir.path().join("assets")).expect("mkdir");
    std::fs::write(dir.path().join("assets/.htpasswd"), "admin:x").expect("write");

    let app = app(dir.path());
    let (_, _, missing) = get(&app, "/no-such-file.js", &[]).await;
    for path in [
        "/passwd",
        "/etc/shadow",
        "/etc/",
        "/notes.txt",
        "/.env",
        "/%2eenv",
        "/.git/config",
        "/.git/",
        "/assets/.htpasswd",
        "/assets/%2Ehtpasswd",
        "/./.env",
    ] {
        for accept in ["br, gzip", "identity"] {
            let (status, headers, body) = get(&app, path, &[("accept-encoding", accept)]).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path} {accept}");
            assert_eq!(body, missing, "{path}: the same answer as a missing file");
            assert_eq!(header(&headers, "cache-control"), None, "{path}");
            let text = String::from_utf8_lossy(&body);
            assert!(!text.contains("root") && !text.contains("secret") && !text.contains("core"));
        }
    }
    let (status, _, body) = get(&app, "/home.html", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], INDEX.as_bytes());
}

#[tokio::test]
async fn serve_sends_the_same_headers_and_never_calls_prolific_for_a_file() {
    let upstream = FakeUpstream::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    build(dir.path());
    std::fs::write(dir.path().join(".env"), "PROLIFIC_TOKEN=secret").expect("write");
    let mut config = config(&upstream.url);
    config.site = Some(Site::new(dir.path().to_owned()).expect("site"));
    let addr = start_proxy(config).await;

    let (status, headers, body) =
        get_bytes(addr, &format!("/{WASM}"), &["Accept-Encoding: gzip, br"]).await;
    assert_eq!(status, 200);
    assert_eq!(&body[..], b"br of wasm");
    assert_eq!(header(&headers, "content-encoding"), Some("br"));
    assert_eq!(header(&headers, "vary"), Some("accept-encoding"));
    assert_eq!(header(&headers, "cache-control"), Some(IMMUTABLE));
    assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));

    let (status, headers, body) = get_bytes(addr, "/", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(&body[..], INDEX.as_bytes());
    assert_eq!(header(&headers, "content-encoding"), None);
    assert_eq!(header(&headers, "cache-control"), Some(REVALIDATE));
    let etag = header(&headers, "etag").expect("ETag").to_owned();
    let (status, _, body) = get_bytes(addr, "/", &[&format!("If-None-Match: {etag}")]).await;
    assert_eq!(status, 304);
    assert!(body.is_empty());

    let (status, _, body) = get_bytes(addr, "/.env", &[]).await;
    assert_eq!(status, 404);
    assert!(!String::from_utf8_lossy(&body).contains("secret"));
    assert_eq!(upstream.hits(), 0, "no static request reaches Prolific");
}
