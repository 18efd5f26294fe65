//! The one outbound HTTP client: calls to the upstream carrying only our headers, under
//! a whole-request timeout, with the body read up to a size cap.

use crate::error::StartError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;

use crate::encoding::{self, GunzipError};
use axum::http::uri::{Authority, Scheme};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::body::Body as _;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// The `User-Agent` of every upstream call.
pub const USER_AGENT: &str = concat!("dataset-proxy/", env!("CARGO_PKG_VERSION"));

/// How to reach the upstream and what to send it.
#[derive(Clone)]
pub struct UpstreamConfig {
    /// Base URL: `http` or `https`, a host, and optionally a path (no query).
    pub base: String,
    /// The `Authorization` value added to every call (marked sensitive by `Upstream::new`).
    pub authorization: HeaderValue,
    /// Limit for connecting (TCP, not TLS).
    pub connect_timeout: Duration,
    /// Limit for one whole call, body included.
    pub timeout: Duration,
    /// Largest body read; a larger one is an error.
    pub max_response_bytes: usize,
}

impl fmt::Debug for UpstreamConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamConfig")
            .field("base", &self.base)
            .field("authorization", &"[redacted]")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// A pooled keep-alive client for one upstream.
pub struct Upstream {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    scheme: Scheme,
    authority: Authority,
    base_path: String,
    authorization: HeaderValue,
    timeout: Duration,
    max_response_bytes: usize,
}

/// The parts of an upstream answer the proxy passes on.
#[derive(Debug)]
pub struct UpstreamResponse {
    /// The upstream's status.
    pub status: StatusCode,
    /// The upstream's headers (the caller picks what to pass on).
    pub headers: HeaderMap,
    /// The whole body, decoded, at most `max_response_bytes` long.
    pub body: Bytes,
    /// The body as the upstream sent it, when it sent it gzip-compressed: passed on as it
    /// came to clients that accept gzip.
    pub gzip: Option<Bytes>,
}

/// Why a call gave no usable answer. No variant can hold the token: it is only ever in
/// a request header, which no error message shows.
#[derive(Debug)]
pub enum UpstreamError {
    /// The whole call took longer than the timeout.
    Timeout,
    /// Connecting, sending or reading failed; the error chain as text.
    Unreachable(String),
    /// The body is (or announced itself as) larger than the cap, as sent or decompressed.
    TooLarge,
    /// The body is in a content coding that was not asked for, or is not valid in the one
    /// it names.
    Undecodable(String),
}

impl Upstream {
    /// Checks the base URL and builds the client (rustls with ring and the platform's
    /// certificate verifier for `https`).
    pub fn new(config: UpstreamConfig) -> Result<Self, StartError> {
        let bad = |why: &str| format!("upstream {:?} {why}", config.base);
        let base: Uri = config.base.parse().map_err(|_| bad("is not a URL"))?;
        let scheme = base.scheme().cloned().ok_or_else(|| bad("has no scheme"))?;
        if scheme != Scheme::HTTP && scheme != Scheme::HTTPS {
            return Err(bad("must be http or https").into());
        }
        let authority = base
            .authority()
            .cloned()
            .ok_or_else(|| bad("has no host"))?;
        if base.query().is_some() {
            return Err(bad("must not have a query").into());
        }

        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(config.connect_timeout));
        http.set_nodelay(true);
        http.enforce_http(false);
        let https = HttpsConnectorBuilder::new()
            .with_provider_and_platform_verifier(Arc::new(rustls::crypto::ring::default_provider()))
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(https);
        // Kept out of HTTP/2 header tables and `Debug`, whoever built the value.
        let mut authorization = config.authorization;
        authorization.set_sensitive(true);
        Ok(Self {
            client,
            scheme,
            authority,
            base_path: base.path().trim_end_matches('/').to_owned(),
            authorization,
            timeout: config.timeout,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// The whole-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The body size cap.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// Calls `method` on the upstream's base path followed by `path`, which must be a
    /// valid absolute path (the allow-listed routes are).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let request = self.request(method, path)?;
        tokio::time::timeout(self.timeout, self.send(request))
            .await
            .unwrap_or(Err(UpstreamError::Timeout))
    }

    fn request(&self, method: Method, path: &str) -> Result<Request<Empty<Bytes>>, UpstreamError> {
        let mut full_path = String::with_capacity(self.base_path.len() + path.len());
        full_path.push_str(&self.base_path);
        full_path.push_str(path);
        let uri = Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(full_path)
            .build()
            .map_err(|e| UpstreamError::Unreachable(format!("bad upstream path: {e}")))?;
        let mut request = Request::new(Empty::new());
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(header::AUTHORIZATION, self.authorization.clone());
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        // gzip only: the one coding that is decoded here (to check the answer) and can be
        // passed on as it came.
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
        Ok(request)
    }

    async fn send(
        &self,
        request: Request<Empty<Bytes>>,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| UpstreamError::Unreachable(error_chain(&e)))?;
        let (parts, body) = response.into_parts();
        // The announced length (zero for HEAD) refuses a large body before reading it.
        if body.size_hint().lower() > self.max_response_bytes as u64 {
            return Err(UpstreamError::TooLarge);
        }
        let body = Limited::new(body, self.max_response_bytes)
            .collect()
            .await
            .map_err(|e| {
                if e.downcast_ref::<LengthLimitError>().is_some() {
                    UpstreamError::TooLarge
                } else {
                    UpstreamError::Unreachable(error_chain(&*e))
                }
            })?
            .to_bytes();
        let (body, gzip) = self.decode(&parts.headers, body)?;
        Ok(UpstreamResponse {
            status: parts.status,
            headers: parts.headers,
            body,
            gzip,
        })
    }

    /// The body decoded from its `Content-Encoding` (none, `identity` or `gzip`), with the
    /// gzip form as sent; any other coding is refused.
    fn decode(
        &self,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<(Bytes, Option<Bytes>), UpstreamError> {
        let mut codings = headers
            .get_all(header::CONTENT_ENCODING)
            .iter()
            .flat_map(|value| value.to_str().unwrap_or("\u{fffd}").split(','))
            .map(str::trim)
            .filter(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("identity"));
        match (codings.next(), codings.next()) {
            (None, _) => Ok((body, None)),
            (Some(coding), None) if coding.eq_ignore_ascii_case("gzip") => {
                if body.is_empty() {
                    return Ok((body, None));
                }
                match encoding::gunzip(&body, self.max_response_bytes) {
                    Ok(decoded) => Ok((decoded, Some(body))),
                    Err(GunzipError::TooLarge) => Err(UpstreamError::TooLarge),
                    Err(GunzipError::Invalid(why)) => Err(UpstreamError::Undecodable(format!(
                        "invalid gzip body: {why}"
                    ))),
                }
            }
            _ => Err(UpstreamError::Undecodable(format!(
                "a content coding that was not asked for: {:?}",
                headers.get(header::CONTENT_ENCODING)
            ))),
        }
    }
}

impl fmt::Debug for Upstream {
    // Hand-written so that the `Authorization` value can never be printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upstream")
            .field(
                "base",
                &format_args!("{}://{}{}", self.scheme, self.authority, self.base_path),
            )
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
