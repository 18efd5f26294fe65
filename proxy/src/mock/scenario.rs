//! Mock scenario files: what the mock answers on each route, one step per request.
//!
//! Layout (a contract, see docs/proxy.md, "Scenario format"): `DIR/datasets/{dataset_id}.json` answers the
//! dataset route and `DIR/datasets/{dataset_id}/imports/{import_id}.json` the import
//! route. A file holding an object with a `steps` array is served one step per request,
//! the last step repeating; any other JSON is a 200 body every time.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::error::StartError;
use crate::routes::ApiRoute;

/// What one request gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The response status.
    pub status: StatusCode,
    /// The response body and its content type.
    pub body: StepBody,
    /// Extra response headers.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// How long to wait before answering.
    pub delay: Duration,
    /// Cut the connection after this many body bytes (the headers announce the whole
    /// length), to play a connection dropped mid-body.
    pub drop_after_bytes: Option<usize>,
}

/// A step's body.
#[derive(Debug, Clone, PartialEq)]
pub enum StepBody {
    /// JSON text (key order as in the file), sent as `application/json`.
    Json(String),
    /// Text as it is, with its content type.
    Raw {
        /// The text.
        text: String,
        /// The `Content-Type` (default `text/plain; charset=utf-8`).
        content_type: HeaderValue,
    },
    /// No body.
    Empty,
}

/// The answers for one route: one step per request, the last repeating.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// At least one step (checked by [`Scenario::parse`]).
    steps: Vec<Step>,
}

impl Scenario {
    /// The step for the `n`th request (0-based): the last step once they run out.
    pub fn step(&self, n: usize) -> &Step {
        // `parse` never builds a scenario without steps, so the index is in range.
        &self.steps[n.min(self.steps.len().saturating_sub(1))]
    }

    /// How many steps it has before the last one repeats.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Always false: a scenario has at least one step.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Parses a scenario file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let steps = match value {
            Value::Object(ref map) if map.get("steps").is_some_and(Value::is_array) => {
                let file: StepsFile =
                    serde_json::from_value(value).map_err(|e| format!("bad scenario: {e}"))?;
                if file.steps.is_empty() {
                    return Err("`steps` is empty: give at least one step".to_owned());
                }
                file.steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, raw)| raw.validate().map_err(|e| format!("steps[{i}]: {e}")))
                    .collect::<Result<_, _>>()?
            }
            _ => vec![Step {
                status: StatusCode::OK,
                body: StepBody::Json(text.trim().to_owned()),
                headers: Vec::new(),
                delay: Duration::ZERO,
                drop_after_bytes: None,
            }],
        };
        Ok(Scenario { steps })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepsFile {
    steps: Vec<RawStep>,
    /// Free text for people reading the file.
    #[serde(default, rename = "description")]
    _description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(default = "default_status")]
    status: u16,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    delay_ms: u64,
    #[serde(default)]
    drop_after_bytes: Option<usize>,
}

fn default_status() -> u16 {
    200
}

/// The longest delay a step may ask for (a typo of extra zeros should not hang tests).
const MAX_DELAY_MS: u64 = 600_000;

impl RawStep {
    fn validate(self) -> Result<Step, String> {
        let status = StatusCode::from_u16(self.status)
            .map_err(|_| format!("status {} is not an HTTP status", self.status))?;
        if self.delay_ms > MAX_DELAY_MS {
            return Err(format!("delay_ms {} is over {MAX_DELAY_MS}", self.delay_ms));
        }
        let body = match (self.body, self.raw) {
            (Some(_), Some(_)) => return Err("give `body` or `raw`, not both".to_owned()),
            (Some(json), None) => {
                if self.content_type.is_some() {
                    return Err("`content_type` goes with `raw`; `body` is always JSON".to_owned());
                }
                StepBody::Json(json.to_string())
            }
            (None, Some(text)) => StepBody::Raw {
                text,
                content_type: HeaderValue::from_str(
                    self.content_type
                        .as_deref()
                        .unwrap_or("text/plain; charset=utf-8"),
                )
                .map_err(|_| "`content_type` is not a valid header value".to_owned())?,
            },
            (None, None) => StepBody::Empty,
        };
        let headers = self
            .headers
            .into_iter()
            .map(|(name, value)| {
                let n = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("header name {name:?} is not valid"))?;
                let v = HeaderValue::from_str(&value)
                    .map_err(|_| format!("header {name:?} has an invalid value"))?;
                Ok((n, v))
            })
            .collect::<Result<_, String>>()?;
        Ok(Step {
            status,
            body,
            headers,
            delay: Duration::from_millis(self.delay_ms),
            drop_after_bytes: self.drop_after_bytes,
        })
    }
}

/// A scenario file that could not be used, with where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file (or directory) at fault.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for ScenarioError {}

// Here rather than in `error`, which sits below every other module and uses none of them.
impl From<ScenarioError> for StartError {
    fn from(error: ScenarioError) -> Self {
        error.to_string().into()
    }
}

/// Every scenario of a fixtures directory, keyed by the route path it answers.
pub type Scenarios = HashMap<String, Scenario>;

/// Builds the scenario table from `(path relative to the fixtures dir, file text)`
/// pairs. Only `.json` files under `datasets/` count; anything else is ignored.
pub fn from_files<'a>(
    root: &Path,
    files: impl IntoIterator<Item = (PathBuf, &'a str)>,
) -> Result<Scenarios, ScenarioError> {
    let mut scenarios = Scenarios::new();
    for (relative, text) in files {
        let err = |reason: String| ScenarioError {
            path: root.join(&relative),
            reason,
        };
        let Some(route) = route_for(&relative).map_err(err)? else {
            continue;
        };
        let scenario = Scenario::parse(text).map_err(err)?;
        scenarios.insert(route.path(), scenario);
    }
    Ok(scenarios)
}

/// Maps `datasets/{id}.json` and `datasets/{id}/imports/{id}.json` to their routes;
/// `None` for files that are not scenarios.
fn route_for(relative: &Path) -> Result<Option<ApiRoute>, String> {
    if relative.extension().and_then(|e| e.to_str()) != Some("json") {
        return Ok(None);
    }
    let stem = relative.with_extension("");
    let parts: Vec<&str> = stem
        .components()
        .map(|c| c.as_os_str().to_str().unwrap_or("\u{fffd}"))
        .collect();
    let path = match parts.as_slice() {
        ["datasets", id] => dataset_wire::dataset_path(id),
        ["datasets", id, "imports", import] => dataset_wire::import_path(id, import),
        ["datasets", ..] => {
            return Err(
                "not where a scenario can be: use datasets/{dataset_id}.json or \
                 datasets/{dataset_id}/imports/{import_id}.json"
                    .to_owned(),
            );
        }
        _ => return Ok(None),
    };
    ApiRoute::from_raw_path(&path).map(Some).map_err(|_| {
        "a scenario file is named by a hyphenated UUID (the id it answers for)".to_owned()
    })
}

/// Reads every scenario under `dir`.
pub fn load_dir(dir: &Path) -> Result<Scenarios, ScenarioError> {
    let datasets = dir.join("datasets");
    if !datasets.is_dir() {
        return Err(ScenarioError {
            path: dir.to_owned(),
            reason: "no datasets/ directory here (expected datasets/{dataset_id}.json)".to_owned(),
        });
    }
    let mut texts = Vec::new();
    collect(dir, &datasets, &mut texts)?;
    from_files(dir, texts.iter().map(|(p, t)| (p.clone(), t.as_str())))
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) -> Result<(), ScenarioError> {
    let io = |path: &Path, e: std::io::Error| ScenarioError {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| io(dir, e))?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            let relative = path.strip_prefix(root).unwrap_or(&path).to_owned();
            out.push((relative, text));
        }
    }
    Ok(())
}

/// The demo scenarios compiled into the binary (`fixtures/demo/datasets`; not the demo
/// upload files beside it in `fixtures/demo/uploads`, which only a browser opens).
static DEMO: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../fixtures/demo/datasets");

/// The embedded demo scenarios.
pub fn demo() -> Result<Scenarios, ScenarioError> {
    let mut files = Vec::new();
    gather_embedded(&DEMO, &mut files);
    from_files(Path::new("<embedded demo>"), files)
}

/// The file beside `datasets/` that lists the scenarios for people (`GET
/// /_mock/scenarios`): a JSON list of `{group, title, shows, dataset_id, import_id}`.
pub const CATALOGUE_FILE: &str = "scenarios.json";

/// Checks a catalogue's text: a JSON list of objects, each with a `dataset_id` string.
pub fn parse_catalogue(text: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Some(list) = value.as_array() else {
        return Err("expected a JSON list of scenarios".to_owned());
    };
    for (i, entry) in list.iter().enumerate() {
        if !entry.get("dataset_id").is_some_and(Value::is_string) {
            return Err(format!("[{i}]: no `dataset_id` string"));
        }
    }
    Ok(value)
}

/// The catalogue of `dir` (`dir/scenarios.json`); an empty list when there is none.
pub fn load_catalogue(dir: &Path) -> Result<Value, ScenarioError> {
    let path = dir.join(CATALOGUE_FILE);
    if !path.is_file() {
        return Ok(Value::Array(Vec::new()));
    }
    let err = |reason: String| ScenarioError {
        path: path.clone(),
        reason,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
    parse_catalogue(&text).map_err(err)
}

/// The embedded demo's catalogue (`fixtures/demo/scenarios.json`, beside `datasets/`).
static DEMO_CATALOGUE: &str = include_str!("../../../fixtures/demo/scenarios.json");

/// The catalogue of the embedded demo scenarios.
pub fn demo_catalogue() -> Result<Value, ScenarioError> {
    parse_catalogue(DEMO_CATALOGUE).map_err(|reason| ScenarioError {
        path: Path::new("<embedded demo>").join(CATALOGUE_FILE),
        reason,
    })
}

fn gather_embedded<'a>(dir: &'a include_dir::Dir<'a>, out: &mut Vec<(PathBuf, &'a str)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((Path::new("datasets").join(file.path()), text));
        }
    }
    for sub in dir.dirs() {
        gather_embedded(sub, out);
    }
}
