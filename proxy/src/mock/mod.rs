//! `dataset-proxy mock`: answers the two routes from scenarios, counts requests, can be
//! rewound, and lists its scenarios for the front door (`GET /_mock/scenarios`), so the
//! demo and the browser tests need no network and no token.

pub mod scenario;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::cors::{Any, CorsLayer};

use crate::encoding::{self, Accepted, Encoded};
use crate::gate::{self, Gate};
use crate::problem::Problem;
use crate::site::{self, Site};
use scenario::{Scenarios, StepBody};

/// The mock's shared state: scenarios, how far each has advanced, request counts.
#[derive(Debug, Default)]
pub struct MockState {
    scenarios: Scenarios,
    /// What `GET /_mock/scenarios` answers (a JSON list).
    catalogue: serde_json::Value,
    progress: Mutex<Progress>,
    /// Each step's body as sent, by scenario path and step.
    bodies: Mutex<HashMap<(String, usize), Encoded>>,
}

#[derive(Debug, Default)]
struct Progress {
    /// Requests per route path since start or the last reset.
    counts: BTreeMap<String, u64>,
    /// The next step per scenario path.
    cursors: HashMap<String, usize>,
}

impl MockState {
    /// State serving `scenarios`, every one at its first step.
    pub fn new(scenarios: Scenarios) -> Self {
        Self {
            scenarios,
            catalogue: serde_json::Value::Array(Vec::new()),
            progress: Mutex::default(),
            bodies: Mutex::default(),
        }
    }

    /// The same state, listing `catalogue` at `GET /_mock/scenarios`.
    pub fn with_catalogue(mut self, catalogue: serde_json::Value) -> Self {
        self.catalogue = catalogue;
        self
    }

    /// The body of step `index` of the scenario at `path`, with its compressed forms made
    /// once for every request that gets that step.
    fn encoded(&self, path: &str, index: usize, text: String) -> Encoded {
        let mut bodies = self.bodies.lock().unwrap_or_else(PoisonError::into_inner);
        bodies
            .entry((path.to_owned(), index))
            .or_insert_with(|| Encoded::new(text.into()))
            .clone()
    }

    fn progress(&self) -> std::sync::MutexGuard<'_, Progress> {
        // The counters stay meaningful even if a holder panicked.
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The mock's router; `site` serves the built widget beside the API when given.
pub fn app(state: Arc<MockState>, site: Option<Site>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers(Any)
        .expose_headers(Any);
    let router = Router::new()
        .route("/_mock/requests", get(requests))
        .route("/_mock/reset", post(reset))
        .route("/_mock/scenarios", get(catalogue))
        .fallback(
            move |State(state): State<Arc<MockState>>, request: Request| {
                let site = site.clone();
                async move { dispatch(state, site, request).await }
            },
        )
        .with_state(state)
        .layer(cors);
    crate::request_log::with_request_log(router)
}

async fn requests(State(state): State<Arc<MockState>>) -> impl IntoResponse {
    Json(state.progress().counts.clone())
}

async fn catalogue(State(state): State<Arc<MockState>>) -> impl IntoResponse {
    Json(state.catalogue.clone())
}

async fn reset(State(state): State<Arc<MockState>>) -> StatusCode {
    let mut progress = state.progress();
    progress.counts.clear();
    progress.cursors.clear();
    StatusCode::NO_CONTENT
}

async fn dispatch(state: Arc<MockState>, site: Option<Site>, request: Request) -> Response {
    match gate::check(&request) {
        Gate::Api(route) => {
            let accepted = Accepted::from_headers(request.headers());
            let mut response = answer(&state, &route.path()).await;
            encoding::negotiate(&mut response, accepted).await;
            response
        }
        Gate::Static => site::serve_optional(site, request).await,
        Gate::Refuse(response) => response,
    }
}

/// Serves the next step of the scenario at `path`, or a Prolific-style 404.
async fn answer(state: &MockState, path: &str) -> Response {
    let (step, index) = {
        let mut progress = state.progress();
        *progress.counts.entry(path.to_owned()).or_default() += 1;
        let Some(scenario) = state.scenarios.get(path) else {
            return Problem::new(
                StatusCode::NOT_FOUND,
                "No scenario for this id in the mock's fixtures.",
            )
            .into_response();
        };
        let cursor = progress.cursors.entry(path.to_owned()).or_default();
        let step = scenario.step(*cursor).clone();
        let index = (*cursor).min(scenario.len().saturating_sub(1));
        *cursor = cursor.saturating_add(1);
        (step, index)
    };
    if !step.delay.is_zero() {
        tokio::time::sleep(step.delay).await;
    }
    let (content_type, text) = match step.body {
        StepBody::Json(json) => (Some(HeaderValue::from_static("application/json")), json),
        StepBody::Raw { text, content_type } => (Some(content_type), text),
        StepBody::Empty => (None, String::new()),
    };
    let mut response = match step.drop_after_bytes {
        None => {
            let encoded = state.encoded(path, index, text);
            let mut response = Body::from(encoded.identity().clone()).into_response();
            response.extensions_mut().insert(encoded);
            response
        }
        Some(keep) => {
            // Announce the whole body, send part of it, then fail the stream: hyper
            // closes the connection mid-body.
            let total = text.len();
            let mut bytes = text.into_bytes();
            bytes.truncate(keep.min(total));
            // The pause lets the head and the first bytes go out before the failure.
            let first = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
            let failure = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err(std::io::Error::other(
                    "scenario: connection dropped mid-body",
                ))
            });
            let mut response =
                Body::from_stream(futures_util::StreamExt::chain(first, failure)).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
            response
        }
    };
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    *response.status_mut() = step.status;
    for (name, value) in step.headers {
        response.headers_mut().insert(name, value);
    }
    response
}
