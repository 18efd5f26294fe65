//! The rules for the widget's events, in plain Rust: which of `import-status-change`
//! and `import-finished` one sighting of an import's status fires. The driver only
//! dispatches what [`SeenImports::observe`] decides.

use super::policy::Activity;
use crate::api::ImportStatus;

/// What one sighting of an import fires: always `import-status-change`, and
/// `import-finished` too when `finished`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The status seen before (`None` the first time the import is seen).
    pub previous: Option<ImportStatus>,
    /// Whether the import has just finished (moved into `complete`, `partial` or
    /// `failed`), so that `import-finished` fires as well.
    pub finished: bool,
}

/// The last status seen of every import reported so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenImports {
    seen: Vec<(String, ImportStatus)>,
}

impl SeenImports {
    /// Records that `import_id` was seen with `status` and says which events that fires:
    /// none when the status has not changed; a change when it is first seen or moved;
    /// finished when it moves into a final state (`complete`, `partial`, `failed`;
    /// `pending_schema` waits for a person and is not finished). An import first seen
    /// already final counts as finishing only if it is the followed one (`followed`),
    /// so that a dataset's old imports do not announce themselves as news.
    pub fn observe(
        &mut self,
        import_id: &str,
        status: &ImportStatus,
        followed: bool,
    ) -> Option<StatusChange> {
        let previous = match self.seen.iter_mut().find(|(id, _)| id == import_id) {
            Some((_, seen)) if seen == status => return None,
            Some((_, seen)) => Some(std::mem::replace(seen, status.clone())),
            None => {
                self.seen.push((import_id.to_owned(), status.clone()));
                None
            }
        };
        let was_final = previous
            .as_ref()
            .map_or(!followed, |p| Activity::of_import(p) == Activity::Finished);
        let finished = Activity::of_import(status) == Activity::Finished && !was_final;
        Some(StatusChange { previous, finished })
    }
}
