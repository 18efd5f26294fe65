//! What may be read: the datasets listed with `--allow-dataset`/`--allow-datasets-file`,
//! and only those in the workspaces listed with `--allow-workspace`. A refused dataset
//! is answered exactly as a missing one.
//!
//! A workspace is judged from the dataset's answer each time: for a dataset, from the
//! very answer passed on; for an import, from its dataset's answer read with it (shared
//! and kept like any answer, so for at most `--cache-ttl`). No verdict outlives the
//! answer it was made from.

use crate::error::StartError;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

use crate::routes::is_uuid;
use crate::serve::answer::Owner;

/// The access rules, shared by every worker.
#[derive(Debug, Default)]
pub struct Access {
    datasets: Option<DatasetList>,
    workspaces: Option<HashSet<String>>,
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
        })
    }

    /// Re-reads the datasets file here and now. On an error the previous list stays.
    /// Returns how many ids are now allowed (`None`: every dataset is).
    pub fn reload(&self) -> Result<Option<usize>, String> {
        match &self.datasets {
            Some(list) => list.reload().map(Some),
            None => Ok(None),
        }
    }

    /// The work of re-reading the datasets file, to run where a read that blocks harms
    /// nothing (its own thread); `None` when there is no file. Its result goes to
    /// [`Access::apply`].
    pub fn datasets_reader(
        &self,
    ) -> Option<impl FnOnce() -> Result<HashSet<String>, String> + Send + 'static> {
        let list = self.datasets.as_ref()?;
        let flags = list.flags.clone();
        let file = list.file.clone()?;
        Some(move || read_datasets(flags, &file))
    }

    /// Puts a list read by [`Access::datasets_reader`]'s work in force; returns its size.
    pub fn apply(&self, ids: HashSet<String>) -> usize {
        match &self.datasets {
            Some(list) => list.apply(ids),
            None => 0,
        }
    }

    /// Whether any rule limits what may be read. Without one nothing is ever refused,
    /// so Prolific's own 404 bodies are passed on; with one, every 404 is the proxy's.
    pub fn has_rules(&self) -> bool {
        self.datasets.is_some() || self.workspaces.is_some()
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

    /// Whether a dataset whose 200 answer names this owner (`workspace_id`) may be read.
    /// Without a workspace list, any; with one, only a listed workspace: a body without a
    /// readable `workspace_id` is refused.
    pub fn allows_workspace(&self, owner: &Owner) -> bool {
        let Some(workspaces) = &self.workspaces else {
            return true;
        };
        matches!(owner, Owner::Named(workspace) if workspaces.contains(&**workspace))
    }
}

impl DatasetList {
    fn reload(&self) -> Result<usize, String> {
        let ids = match &self.file {
            Some(file) => read_datasets(self.flags.clone(), file)?,
            None => self.flags.clone(),
        };
        Ok(self.apply(ids))
    }

    fn apply(&self, ids: HashSet<String>) -> usize {
        let count = ids.len();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(ids);
        count
    }
}

/// The largest datasets file read (about 100,000 ids); a larger one is an error, not a
/// proxy out of memory (`/dev/zero`, a log given by mistake).
const MAX_DATASETS_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The text of the file at `path`, refused when longer than `limit` bytes.
fn read_at_most(path: &std::path::Path, limit: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "longer than {} MiB",
            limit / (1024 * 1024)
        )));
    }
    Ok(text)
}

/// The ids in `flags` and in the datasets file at `path`.
fn read_datasets(
    mut ids: HashSet<String>,
    path: &std::path::Path,
) -> Result<HashSet<String>, String> {
    let text = read_at_most(path, MAX_DATASETS_FILE_BYTES)
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
    Ok(ids)
}

fn dataset_id(text: &str) -> Option<String> {
    let text = text.trim();
    is_uuid(text).then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = dataset_wire::demo::REFERENCE_V3;
    const B: &str = dataset_wire::demo::V4_MAIN;

    #[test]
    fn without_rules_everything_is_allowed() {
        let access = Access::new(vec![], None, vec![]).expect("access");
        assert!(access.dataset_listed(A));
        assert!(!access.restricts_workspaces());
        assert!(!access.has_rules());
        assert!(access.allows_workspace(&Owner::NotRead));
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
        assert!(!access.dataset_listed(dataset_wire::demo::UNKNOWN));
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
    fn workspaces_are_judged_from_the_owner_the_answer_names() {
        let access = Access::new(vec![], None, vec![" ws-1 ".into()]).expect("access");
        assert!(access.has_rules());
        assert!(access.allows_workspace(&Owner::Named("ws-1".into())));
        for refused in [
            Owner::Named("ws-2".into()),
            Owner::Absent,
            Owner::Unreadable,
            Owner::NotRead,
        ] {
            assert!(!access.allows_workspace(&refused), "{refused:?}");
        }
    }

    #[test]
    fn the_datasets_file_can_be_read_apart_and_applied_later() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("datasets.txt");
        std::fs::write(&file, format!("{A}\n")).expect("write");
        let access = Access::new(vec![], Some(file.clone()), vec![]).expect("access");
        std::fs::write(&file, format!("{B}\n")).expect("write");
        let read = access.datasets_reader().expect("a file")().expect("read");
        assert!(access.dataset_listed(A), "not in force until applied");
        assert_eq!(access.apply(read), 1);
        assert!(access.dataset_listed(B) && !access.dataset_listed(A));
        assert!(
            Access::new(vec![A.into()], None, vec![])
                .expect("access")
                .datasets_reader()
                .is_none()
        );
    }
}
