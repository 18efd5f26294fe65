//! What a person types or pastes into the front door's id fields: a bare id (spaces
//! around it are fine) or a URL that holds one (a Prolific app URL with
//! `…/datasets/{id}/imports/{id}`, an API URL, or a shared monitor URL with
//! `?dataset_id=…&import_id=…`). Plain Rust, tested natively.

use super::query;
use dataset_wire::is_uuid;

/// The ids found in one pasted text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pasted {
    /// The dataset id, if one was found.
    pub dataset_id: Option<String>,
    /// The import id, if one was found.
    pub import_id: Option<String>,
}

/// Reads a pasted URL: its `dataset_id`/`import_id` query keys, else the UUID after a
/// `datasets` path segment and the one after `imports`, else (a URL naming neither) its
/// first UUID as the dataset and the second as the import. `None` when `text` is not a
/// URL (no `/`), so that a bare id is left to [`check_id`].
pub fn read_url(text: &str) -> Option<Pasted> {
    let text = text.trim();
    if !text.contains('/') {
        return None;
    }
    let (path, rest) = text.split_once(['?', '#']).unwrap_or((text, ""));
    let query_part = rest.split('#').next().unwrap_or("");
    let pairs = query::parse(query_part);
    let key = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, v)| k == name && is_uuid(v.trim()))
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut found = Pasted {
        dataset_id: key("dataset_id"),
        import_id: key("import_id"),
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let after = |label: &str| {
        segments
            .windows(2)
            .find(|w| w[0].eq_ignore_ascii_case(label) && is_uuid(w[1]))
            .map(|w| w[1].to_owned())
    };
    if found.dataset_id.is_none() {
        found.dataset_id = after("datasets");
        if found.import_id.is_none() {
            found.import_id = after("imports");
        }
    }
    if found.dataset_id.is_none() {
        let mut uuids = segments.iter().filter(|s| is_uuid(s));
        found.dataset_id = uuids.next().map(|s| (*s).to_owned());
        if found.import_id.is_none() {
            found.import_id = uuids.next().map(|s| (*s).to_owned());
        }
    }
    Some(found)
}

/// Why a field's text is not (yet) an id, in words for the hint next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdProblem {
    /// Nothing typed (an error only where the id is required).
    Empty,
    /// A URL with no id of this kind in it.
    NoIdInUrl,
    /// Text that is not a UUID.
    NotUuid,
}

impl IdProblem {
    /// The hint shown next to the field.
    pub fn hint(self) -> &'static str {
        match self {
            IdProblem::Empty => "Required: paste the id or a Prolific URL that contains it.",
            IdProblem::NoIdInUrl => "This URL holds no id of this kind.",
            IdProblem::NotUuid => concat!(
                "Not an id: expected 8-4-4-4-12 hex digits, like ",
                dataset_wire::demo_reference_v3!(),
                "."
            ),
        }
    }
}

/// Which of the two fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdField {
    /// The dataset id (required).
    Dataset,
    /// The import id (optional).
    Import,
}

/// Checks one field's text: `Ok(Some(id))` for an id (trimmed, or found in a pasted
/// URL), `Ok(None)` for an empty optional field, or the problem.
pub fn check_id(text: &str, field: IdField) -> Result<Option<String>, IdProblem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return match field {
            IdField::Dataset => Err(IdProblem::Empty),
            IdField::Import => Ok(None),
        };
    }
    if is_uuid(trimmed) {
        return Ok(Some(trimmed.to_owned()));
    }
    match read_url(trimmed) {
        Some(found) => match field {
            IdField::Dataset => found.dataset_id,
            IdField::Import => found.import_id,
        }
        .map(Some)
        .ok_or(IdProblem::NoIdInUrl),
        None => Err(IdProblem::NotUuid),
    }
}
