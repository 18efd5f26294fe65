//! What may be read: the datasets listed with `--allow-dataset`/`--allow-datasets-file`,
//! and only those in the workspaces listed with `--allow-workspace`. A refused dataset
//! is answered exactly as a missing one.

use crate::error::StartError;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::routes::is_uuid;

/// How long a dataset's workspace verdict is trusted before it is checked again (a
/// dataset is rarely moved, but it can be).
const VERDICT_LIFETIME: Duration = Duration::from_secs(600);
/// Verdicts kept at most; expired ones are dropped first.
const MAX_VERDICTS: usize = 10_000;

/// The access rules, shared by every worker.
#[derive(Debug, Default)]
pub struct Access {
    datasets: Option<DatasetList>,
    workspaces: Option<HashSet<String>>,
    verdicts: Mutex<HashMap<String, (bool, Instant)>>,
}

/// The allowed dataset ids: those given as flags, plus those in a file that is re-read
/// on SIGHUP.
#[derive(Debug)]
struct DatasetList {
    flags: HashSet<String>,
    file: Option<PathBuf>,
    current: RwLock<Arc<HashSet<String>>>,
}

impl Access {
    /// Rules from the flags. With no dataset and no file, every dataset is allowed; with
    /// no workspace, every workspace. Fails on an id that is not a UUID or an unreadable
    /// file.
    pub fn new(
        datasets: Vec<String>,
        datasets_file: Option<PathBuf>,
        workspaces: Vec<String>,
    ) -> Result<Self, StartError> {
        let datasets = if datasets.is_empty() && datasets_file.is_none() {
            None
        } else {
            let flags = datasets
                .iter()
                .map(|id| {
                    dataset_id(id)
                        .ok_or_else(|| format!("--allow-dataset {id:?} is not a hyphenated UUID"))
                })
                .collect::<Result<HashSet<_>, _>>()?;
            let list = DatasetList {
                current: RwLock::new(Arc::new(flags.clone())),
                flags,
                file: datasets_file,
            };
            list.reload()?;
            Some(list)
        };
        let workspaces = if workspaces.is_empty() {
            None
        } else {
            let set = workspaces
                .iter()
                .map(|w| w.trim().to_owned())
                .filter(|w| !w.is_empty())
                .collect::<HashSet<_>>();
            if set.is_empty() {
                return Err("--allow-workspace needs a workspace id".to_owned().into());
            }
            Some(set)
        };
        Ok(Self {
            datasets,
            workspaces,
            verdicts: Mutex::default(),
        })
    }

    /// Re-reads the datasets file (on SIGHUP). On an error the previous list stays.
    /// Returns how many ids are now allowed (`None`: every dataset is).
    pub fn reload(&self) -> Result<Option<usize>, String> {
        match &self.datasets {
            Some(list) => list.reload().map(Some),
            None => Ok(None),
        }
    }

    /// Whether the dataset id is on the allow-list (always, without one).
    pub fn dataset_listed(&self, id: &str) -> bool {
        let Some(list) = &self.datasets else {
            return true;
        };
        let current = Arc::clone(&list.current.read().unwrap_or_else(PoisonError::into_inner));
        current.contains(&id.to_ascii_lowercase())
    }

    /// Whether datasets are limited to some workspaces.
    pub fn restricts_workspaces(&self) -> bool {
        self.workspaces.is_some()
    }

    /// The recent verdict on a dataset's workspace: `Some(true)` allowed, `Some(false)`
    /// refused, `None` not known (or too old): fetch the dataset and [`Access::judge`] it.
    pub fn verdict(&self, dataset_id: &str) -> Option<bool> {
        self.workspaces.as_ref()?;
        let verdicts = self.verdicts.lock().unwrap_or_else(PoisonError::into_inner);
        let (allowed, when) = verdicts.get(&dataset_id.to_ascii_lowercase())?;
        (when.elapsed() < VERDICT_LIFETIME).then_some(*allowed)
    }

    /// Judges a dataset from its answer's body (`workspace_id`), remembers the verdict
    /// and returns it. A body without a readable `workspace_id` is refused.
    pub fn judge(&self, dataset_id: &str, body: &[u8]) -> bool {
        let Some(workspaces) = &self.workspaces else {
            return true;
        };
        #[derive(serde::Deserialize)]
        struct Owner {
            workspace_id: Option<String>,
        }
        let allowed = serde_json::from_slice::<Owner>(body)
            .ok()
            .and_then(|owner| owner.workspace_id)
            .is_some_and(|workspace| workspaces.contains(workspace.trim()));
        let mut verdicts = self.verdicts.lock().unwrap_or_else(PoisonError::into_inner);
        if verdicts.len() >= MAX_VERDICTS {
            verdicts.retain(|_, (_, when)| when.elapsed() < VERDICT_LIFETIME);
            if verdicts.len() >= MAX_VERDICTS {
                verdicts.clear();
            }
        }
        verdicts.insert(dataset_id.to_ascii_lowercase(), (allowed, Instant::now()));
        allowed
    }
}

impl DatasetList {
    fn reload(&self) -> Result<usize, String> {
        let mut ids = self.flags.clone();
        if let Some(path) = &self.file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--allow-datasets-file {}: {e}", path.display()))?;
            for (number, line) in text.lines().enumerate() {
                let line = line.split('#').next().unwrap_or_default().trim();
                if line.is_empty() {
                    continue;
                }
                let id = dataset_id(line).ok_or_else(|| {
                    format!(
                        "--allow-datasets-file {} line {}: {line:?} is not a hyphenated UUID",
                        path.display(),
                        number + 1
                    )
                })?;
                ids.insert(id);
            }
        }
        let count = ids.len();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(ids);
        Ok(count)
    }
}

fn dataset_id(text: &str) -> Option<String> {
    let text = text.trim();
    is_uuid(text).then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0192a3b5-e8f9-7a0b-1c2d-3e4f5a6b7c8d";
    const B: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

    #[test]
    fn without_rules_everything_is_allowed() {
        let access = Access::new(vec![], None, vec![]).expect("access");
        assert!(access.dataset_listed(A));
        assert!(!access.restricts_workspaces());
        assert_eq!(access.verdict(A), None);
        assert!(access.judge(A, b"{}"));
    }

    #[test]
    fn listed_datasets_from_flags_and_a_file_that_reloads() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("datasets.txt");
        std::fs::write(&file, format!("# allowed\n\n{B}  # the demo\n")).expect("write");
        let access =
            Access::new(vec![A.to_uppercase()], Some(file.clone()), vec![]).expect("access");
        assert!(access.dataset_listed(A));
        assert!(access.dataset_listed(B));
        assert!(!access.dataset_listed("00000000-0000-4000-8000-000000000404"));
        std::fs::write(&file, "").expect("write");
        assert_eq!(access.reload(), Ok(Some(1)));
        assert!(!access.dataset_listed(B));
        // A bad file keeps the previous list.
        std::fs::write(&file, format!("{B}\nnot-an-id\n")).expect("write");
        let error = access.reload().expect_err("bad line");
        assert!(error.contains("line 2"), "{error}");
        assert!(!access.dataset_listed(B));
        assert!(Access::new(vec!["x".into()], None, vec![]).is_err());
        assert!(Access::new(vec![], Some(dir.path().join("missing")), vec![]).is_err());
    }

    #[test]
    fn workspace_verdicts_come_from_the_dataset_body() {
        let access = Access::new(vec![], None, vec!["ws-1".into()]).expect("access");
        assert_eq!(access.verdict(A), None);
        assert!(access.judge(A, br#"{"id":"x","workspace_id":"ws-1"}"#));
        assert_eq!(access.verdict(A), Some(true));
        assert!(!access.judge(B, br#"{"workspace_id":"ws-2"}"#));
        assert_eq!(access.verdict(B), Some(false));
        assert!(!access.judge(B, br#"{"workspace_id":null}"#));
        assert!(!access.judge(B, b"not json"));
    }
}
