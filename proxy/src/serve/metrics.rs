//! Prometheus metrics of the proxy, encoded in the OpenMetrics text format by
//! `prometheus-client` (the Prometheus project's own Rust client: the format, escaping
//! and `# EOF` are its concern, not ours).
//!
//! Every recording method is cheap and callable from any thread: counters are atomics
//! behind a read lock that is only written the first time a label set is seen. The label
//! sets are bounded (a few routes, statuses, fixed reasons), so the series are too.

use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{
    DescriptorEncoder, EncodeLabelSet, EncodeLabelValue, EncodeMetric, LabelValueEncoder,
};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::connections::RefusalCounter;
use crate::routes::ApiRoute;
use crate::serve::coalesce::Source;

/// The `Content-Type` of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds (seconds) of the upstream latency histogram's buckets: 5 ms to 30 s.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Which kind of path a request was for (the `route` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `GET /api/v1/data-collection/datasets/{dataset_id}`
    Dataset,
    /// `GET /api/v1/data-collection/datasets/{dataset_id}/imports/{import_id}`
    Import,
    /// The widget's static files.
    Static,
    /// Anything else (refused).
    Other,
}

impl Route {
    /// The label value: `dataset`, `import`, `static` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Dataset => "dataset",
            Route::Import => "import",
            Route::Static => "static",
            Route::Other => "other",
        }
    }
}

impl From<&ApiRoute> for Route {
    fn from(route: &ApiRoute) -> Self {
        match route {
            ApiRoute::Dataset { .. } => Route::Dataset,
            ApiRoute::Import { .. } => Route::Import,
        }
    }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> fmt::Result {
        encoder.write_str(self.as_str())
    }
}

/// An upstream request's outcome: its status code, or `error` when there was no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Outcome(Option<u16>);

impl EncodeLabelValue for Outcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> fmt::Result {
        match self.0 {
            Some(status) => write!(encoder, "{status}"),
            None => encoder.write_str("error"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    route: Route,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct UpstreamLabels {
    route: Route,
    outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabel {
    route: Route,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct SourceLabel {
    source: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

/// The refusal reasons whose counters exist (at zero) from the start; [`Metrics::refused`]
/// accepts others too.
pub const REFUSAL_REASONS: [&str; 9] = [
    "host",
    "origin",
    "framing",
    "rate",
    "caller",
    "access",
    "route",
    "method",
    "connection_cap",
];

/// Reads the number of open connections at scrape time.
pub type ConnectionCount = Arc<dyn Fn() -> usize + Send + Sync>;

/// The `dataset_proxy_open_connections` gauge, read from a closure on each scrape.
struct OpenConnections(ConnectionCount);

impl fmt::Debug for OpenConnections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OpenConnections")
    }
}

impl Collector for OpenConnections {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        let open = i64::try_from((self.0)()).unwrap_or(i64::MAX);
        let gauge = ConstGauge::new(open);
        let metric = encoder.encode_descriptor(
            "dataset_proxy_open_connections",
            "Client connections open now.",
            None,
            gauge.metric_type(),
        )?;
        gauge.encode(metric)
    }
}

/// The proxy's metrics. `Send + Sync`: hold it in an `Arc` shared by every worker.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    upstream: Family<UpstreamLabels, Counter>,
    upstream_latency: Family<RouteLabel, Histogram>,
    shared: Family<SourceLabel, Counter>,
    refused: Family<ReasonLabel, Counter>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Metrics at zero; `open_connections` is called on each scrape for the
    /// `dataset_proxy_open_connections` gauge.
    pub fn new(open_connections: ConnectionCount) -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let upstream = Family::<UpstreamLabels, Counter>::default();
        let upstream_latency =
            Family::<RouteLabel, Histogram>::new_with_constructor(latency_histogram as fn() -> _);
        let shared = Family::<SourceLabel, Counter>::default();
        let refused = Family::<ReasonLabel, Counter>::default();

        let mut registry = Registry::default();
        // The registry ends each help text with a full stop. Counters are registered without `_total`: the encoder appends it.
        registry.register(
            "dataset_proxy_requests",
            "Requests answered, by route and status",
            requests.clone(),
        );
        registry.register(
            "dataset_proxy_upstream_requests",
            "Requests sent upstream, by route and outcome (status code, or error when there was no answer)",
            upstream.clone(),
        );
        registry.register_with_unit(
            "dataset_proxy_upstream_latency",
            "Time from sending an upstream request to its answer's head, by route",
            Unit::Seconds,
            upstream_latency.clone(),
        );
        registry.register(
            "dataset_proxy_shared_answers",
            "Answers served without an upstream request of their own: joined to one in flight (coalesced) or kept (cached)",
            shared.clone(),
        );
        registry.register(
            "dataset_proxy_refused",
            "Requests refused before any upstream request, by reason",
            refused.clone(),
        );
        registry.register_collector(Box::new(OpenConnections(open_connections)));
        // A family is only written once it has a series, and a counter's first increment
        // is invisible to `rate()` unless the series existed at zero before: so the fixed
        // label sets start at zero.
        for source in ["coalesced", "cached"] {
            let _ = shared.get_or_create(&SourceLabel { source });
        }
        for reason in REFUSAL_REASONS {
            let _ = refused.get_or_create(&ReasonLabel { reason });
        }
        Self {
            registry,
            requests,
            upstream,
            upstream_latency,
            shared,
            refused,
        }
    }

    /// Counts a request answered with `status` (`dataset_proxy_requests_total`).
    pub fn request(&self, route: Route, status: u16) {
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
    }

    /// Counts an upstream request, `status` `None` when it got no answer, and records its
    /// latency (`dataset_proxy_upstream_requests_total`,
    /// `dataset_proxy_upstream_latency_seconds`).
    pub fn upstream(&self, route: Route, status: Option<u16>, latency: Duration) {
        self.upstream
            .get_or_create(&UpstreamLabels {
                route,
                outcome: Outcome(status),
            })
            .inc();
        self.upstream_latency
            .get_or_create(&RouteLabel { route })
            .observe(latency.as_secs_f64());
    }

    /// Counts an answer by where it came from (`dataset_proxy_shared_answers_total`,
    /// `source` `coalesced` or `cached`); [`Source::Fetched`] is not counted here, it is
    /// an upstream request.
    pub fn served_from(&self, source: Source) {
        let source = match source {
            Source::Fetched => return,
            Source::Joined => "coalesced",
            Source::Cached => "cached",
        };
        self.shared.get_or_create(&SourceLabel { source }).inc();
    }

    /// Counts a refused request (`dataset_proxy_refused_total`); `reason` is one of a
    /// fixed set, such as `host`, `origin`, `framing`, `rate`, `caller`, `access`,
    /// `route`, `method`, `connection_cap`.
    pub fn refused(&self, reason: &'static str) {
        self.refused.get_or_create(&ReasonLabel { reason }).inc();
    }

    /// The metrics in the OpenMetrics text format ([`CONTENT_TYPE`]), ending `# EOF`.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            // Writing to a String cannot fail; a label that cannot be encoded could.
            tracing::error!(%error, "cannot encode the metrics");
        }
        text
    }
}

/// A connection closed by a cap counts as refused, reason `connection_cap`.
impl RefusalCounter for Metrics {
    fn connection_refused(&self) {
        self.refused("connection_cap");
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Parses the sample lines (`name{labels} value`) of the text format.
    fn samples(text: &str) -> HashMap<String, f64> {
        text.lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .map(|line| {
                let (name, value) = line.rsplit_once(' ').expect("sample line");
                (name.to_owned(), value.parse().expect("number"))
            })
            .collect()
    }

    fn metrics() -> (Metrics, Arc<AtomicUsize>) {
        let open = Arc::new(AtomicUsize::new(0));
        let reader = Arc::clone(&open);
        let metrics = Metrics::new(Arc::new(move || reader.load(Ordering::Relaxed)));
        (metrics, open)
    }

    #[test]
    fn counts_requests_by_route_and_status() {
        let (metrics, _) = metrics();
        metrics.request(Route::Import, 200);
        metrics.request(Route::Import, 200);
        metrics.request(Route::Dataset, 429);
        metrics.request(Route::Other, 404);
        let s = samples(&metrics.encode());
        assert_eq!(
            s["dataset_proxy_requests_total{route=\"import\",status=\"200\"}"],
            2.0
        );
        assert_eq!(
            s["dataset_proxy_requests_total{route=\"dataset\",status=\"429\"}"],
            1.0
        );
        assert_eq!(
            s["dataset_proxy_requests_total{route=\"other\",status=\"404\"}"],
            1.0
        );
    }

    #[test]
    fn counts_upstream_requests_and_their_latency() {
        let (metrics, _) = metrics();
        metrics.upstream(Route::Import, Some(200), Duration::from_millis(3));
        metrics.upstream(Route::Import, Some(200), Duration::from_millis(40));
        metrics.upstream(Route::Import, None, Duration::from_secs(31));
        let s = samples(&metrics.encode());
        assert_eq!(
            s["dataset_proxy_upstream_requests_total{route=\"import\",outcome=\"200\"}"],
            2.0
        );
        assert_eq!(
            s["dataset_proxy_upstream_requests_total{route=\"import\",outcome=\"error\"}"],
            1.0
        );
        let bucket = |le: &str| {
            s[&format!(
                "dataset_proxy_upstream_latency_seconds_bucket{{le=\"{le}\",route=\"import\"}}"
            )]
        };
        assert_eq!(bucket("0.005"), 1.0);
        assert_eq!(bucket("0.05"), 2.0);
        assert_eq!(bucket("30.0"), 2.0);
        assert_eq!(bucket("+Inf"), 3.0);
        assert_eq!(
            s["dataset_proxy_upstream_latency_seconds_count{route=\"import\"}"],
            3.0
        );
        let sum = s["dataset_proxy_upstream_latency_seconds_sum{route=\"import\"}"];
        assert!((sum - 31.043).abs() < 1e-9, "{sum}");
    }

    #[test]
    fn counts_shared_answers_and_refusals() {
        let (metrics, _) = metrics();
        metrics.served_from(Source::Fetched);
        metrics.served_from(Source::Joined);
        metrics.served_from(Source::Joined);
        metrics.served_from(Source::Cached);
        metrics.refused("origin");
        metrics.refused("connection_cap");
        metrics.refused("origin");
        let s = samples(&metrics.encode());
        assert_eq!(
            s["dataset_proxy_shared_answers_total{source=\"coalesced\"}"],
            2.0
        );
        assert_eq!(
            s["dataset_proxy_shared_answers_total{source=\"cached\"}"],
            1.0
        );
        assert_eq!(s.keys().filter(|k| k.contains("fetched")).count(), 0);
        assert_eq!(s["dataset_proxy_refused_total{reason=\"origin\"}"], 2.0);
        assert_eq!(
            s["dataset_proxy_refused_total{reason=\"connection_cap\"}"],
            1.0
        );
    }

    #[test]
    fn open_connections_are_read_at_scrape_time() {
        let (metrics, open) = metrics();
        assert_eq!(
            samples(&metrics.encode())["dataset_proxy_open_connections"],
            0.0
        );
        open.store(17, Ordering::Relaxed);
        assert_eq!(
            samples(&metrics.encode())["dataset_proxy_open_connections"],
            17.0
        );
    }

    #[test]
    fn text_has_help_type_and_eof() {
        let (metrics, _) = metrics();
        metrics.request(Route::Static, 200);
        metrics.upstream(Route::Dataset, Some(200), Duration::from_millis(1));
        let text = metrics.encode();
        for line in [
            "# HELP dataset_proxy_requests Requests answered, by route and status.",
            "# TYPE dataset_proxy_requests counter",
            "# TYPE dataset_proxy_upstream_latency_seconds histogram",
            "# UNIT dataset_proxy_upstream_latency_seconds seconds",
            "# TYPE dataset_proxy_open_connections gauge",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing in\n{text}"
            );
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn fixed_series_start_at_zero() {
        let (metrics, _) = metrics();
        let s = samples(&metrics.encode());
        assert_eq!(
            s["dataset_proxy_shared_answers_total{source=\"coalesced\"}"],
            0.0
        );
        assert_eq!(
            s["dataset_proxy_shared_answers_total{source=\"cached\"}"],
            0.0
        );
        for reason in REFUSAL_REASONS {
            assert_eq!(
                s[&format!("dataset_proxy_refused_total{{reason=\"{reason}\"}}")],
                0.0
            );
        }
    }

    #[test]
    fn is_shared_between_threads() {
        let (metrics, _) = metrics();
        let metrics = Arc::new(metrics);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let metrics = Arc::clone(&metrics);
                std::thread::spawn(move || {
                    for _ in 0..1_000 {
                        metrics.request(Route::Dataset, 200);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("thread");
        }
        assert_eq!(
            samples(&metrics.encode())["dataset_proxy_requests_total{route=\"dataset\",status=\"200\"}"],
            4_000.0
        );
    }
}
