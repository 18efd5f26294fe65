//! The front door's logic: the list of datasets recently watched on this device (kept in
//! `localStorage` by the page), the demo scenarios a mock offers, and the query string
//! each of them opens. Plain Rust, tested natively.

use serde::Deserialize;

use super::url_state::VIEW_KEYS;
use crate::config::query;
use dataset_wire::is_uuid;

/// How many datasets the recent list remembers.
pub const RECENT_MAX: usize = 10;

/// The `localStorage` key of the recent list.
pub const RECENT_KEY: &str = "prolific-dataset-monitor:recent";

/// One dataset watched on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recent {
    /// The dataset id.
    pub dataset_id: String,
    /// The import followed the last time, if any.
    pub import_id: Option<String>,
    /// The dataset's name, once it has loaded.
    pub name: Option<String>,
}

/// The datasets watched on this device, most recent first, at most [`RECENT_MAX`], one
/// entry per dataset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecentList {
    /// The entries, most recent first.
    pub entries: Vec<Recent>,
}

impl RecentList {
    /// Reads what [`Self::to_text`] stored: one line per dataset, `dataset_id`, import id
    /// (or nothing) and name (or nothing) separated by tabs. Nothing stored is an empty
    /// list; lines with ids that are not UUIDs, repeated datasets and those beyond
    /// [`RECENT_MAX`] are left out.
    pub fn from_text(text: Option<&str>) -> Self {
        let entries = text.unwrap_or("").lines().map(|line| {
            let mut parts = line.splitn(3, '\t');
            let mut next = || {
                parts
                    .next()
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
            };
            Recent {
                dataset_id: next().unwrap_or_default(),
                import_id: next(),
                name: next(),
            }
        });
        let mut list = Self::default();
        for recent in entries {
            let import_ok = recent.import_id.as_deref().is_none_or(is_uuid);
            let seen = list.position(&recent.dataset_id).is_some();
            if is_uuid(&recent.dataset_id) && import_ok && !seen {
                list.entries.push(recent);
            }
        }
        list.entries.truncate(RECENT_MAX);
        list
    }

    /// The text to store (a line format rather than JSON: serde's serializer would be
    /// code in the bundle for ten short lines).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for r in &self.entries {
            out.push_str(&r.dataset_id);
            out.push('\t');
            out.push_str(r.import_id.as_deref().unwrap_or(""));
            out.push('\t');
            // A name is one line without tabs.
            let name = r.name.as_deref().unwrap_or("");
            out.extend(name.chars().map(|c| if c.is_control() { ' ' } else { c }));
            out.push('\n');
        }
        out
    }

    fn position(&self, dataset_id: &str) -> Option<usize> {
        self.entries.iter().position(|r| r.dataset_id == dataset_id)
    }

    /// Records that `dataset_id` (following `import_id`) was opened: it moves to the
    /// front, keeping its name, and the oldest entry beyond [`RECENT_MAX`] is dropped.
    pub fn watched(&mut self, dataset_id: &str, import_id: Option<&str>) {
        let name = self
            .position(dataset_id)
            .and_then(|i| self.entries.remove(i).name);
        self.entries.insert(
            0,
            Recent {
                dataset_id: dataset_id.to_owned(),
                import_id: import_id.map(str::to_owned),
                name,
            },
        );
        self.entries.truncate(RECENT_MAX);
    }

    /// Records the name of a dataset in the list; false (nothing to store) when it is
    /// not in the list, the name is empty or already known.
    pub fn named(&mut self, dataset_id: &str, name: &str) -> bool {
        let name = name.trim();
        match self.position(dataset_id) {
            Some(i) if !name.is_empty() && self.entries[i].name.as_deref() != Some(name) => {
                self.entries[i].name = Some(name.to_owned());
                true
            }
            _ => false,
        }
    }

    /// Forgets a dataset; false when it was not in the list.
    pub fn forget(&mut self, dataset_id: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|r| r.dataset_id != dataset_id);
        self.entries.len() != before
    }
}

/// A demo scenario as `GET /_mock/scenarios` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DemoScenario {
    /// The group it is listed under (`Walkthrough`, `Faults and recoveries`, …).
    #[serde(default)]
    pub group: String,
    /// The dataset to open.
    pub dataset_id: String,
    /// The import to follow, if any.
    #[serde(default)]
    pub import_id: Option<String>,
    /// A few words naming it.
    pub title: String,
    /// What it shows.
    #[serde(default)]
    pub shows: String,
}

/// The scenarios of a `GET /_mock/scenarios` answer that can be opened: those whose ids
/// are UUIDs.
pub fn read_scenarios(list: Vec<DemoScenario>) -> Vec<DemoScenario> {
    list.into_iter()
        .filter(|s| is_uuid(&s.dataset_id) && s.import_id.as_deref().is_none_or(is_uuid))
        .collect()
}

/// The scenarios in groups, each run of the same `group` one group, in order.
pub fn groups(scenarios: Vec<DemoScenario>) -> Vec<(String, Vec<DemoScenario>)> {
    let mut out: Vec<(String, Vec<DemoScenario>)> = Vec::new();
    for s in scenarios {
        match out.last_mut() {
            Some((group, list)) if *group == s.group => list.push(s),
            _ => out.push((s.group.clone(), vec![s])),
        }
    }
    out
}

/// The query string that opens `dataset_id` (following `import_id`), or the front door
/// when `dataset_id` is `None`, from the current one: the other settings
/// (`proxy_url`, `theme`, …) are kept, the ids and the view state
/// ([`VIEW_KEYS`]) are not.
pub fn open_query(current: &str, dataset_id: Option<&str>, import_id: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(d) = dataset_id {
        pairs.push(("dataset_id".to_owned(), d.to_owned()));
        if let Some(i) = import_id {
            pairs.push(("import_id".to_owned(), i.to_owned()));
        }
    }
    pairs.extend(query::parse(current).into_iter().filter(|(k, _)| {
        k != "dataset_id" && k != "import_id" && !VIEW_KEYS.contains(&k.as_str())
    }));
    query::encode(&pairs)
}
