//! How model values are shown: words, tones and icons for statuses, one-line meanings
//! for field types, the headline of every failure. Plain Rust, so the wording is tested
//! natively.

use crate::api::{
    ApiError, ClientError, DatasetStatus, FieldType, ImportJob, ImportStatus, Unreadable,
};

/// The first line of an error message, for people: what happened and what to do. For
/// an HTTP error, what the status (and, where it changes the meaning, the body) says,
/// with the status; the body's own words are shown below it.
pub fn error_headline(error: &ClientError) -> String {
    match error {
        ClientError::InvalidConfig(why) => format!("Configuration error: {why}"),
        ClientError::Network(why) => format!(
            "The request to the proxy failed ({why}). Check that the proxy is running, reachable from this page, and allows this page's origin."
        ),
        ClientError::Timeout { after_ms } => format!(
            "The proxy did not answer within {} s.",
            after_ms.div_ceil(1000)
        ),
        ClientError::Http { status, body, .. } => http_headline(*status, body.as_deref()),
        ClientError::Decode { path, message } => {
            format!("The response could not be read at `{path}`: {message}")
        }
    }
}

/// What an HTTP status means for the person looking, and what to do, with the status.
fn http_headline(status: u16, body: Option<&ApiError>) -> String {
    let what = match status {
        // Prolific answers a workspace without the feature with a 404 (or a 403) whose
        // body says so; "check the id" would send people the wrong way.
        403 | 404 if body.is_some_and(ApiError::denies_feature) => {
            "This workspace does not have access to AI Task Builder datasets; ask Prolific to enable them for the account whose token the proxy uses"
        }
        400 => "The request was refused as malformed",
        401 => {
            "The proxy's Prolific token was rejected; whoever runs the proxy should check its PROLIFIC_TOKEN"
        }
        403 => "The account of the proxy's Prolific token may not read this dataset",
        404 => "Not found: check the dataset id and import id",
        429 => "Too many requests; waiting before the next try",
        500..=599 => "The proxy or Prolific failed to answer",
        _ => "The request failed",
    };
    format!("{what} (HTTP {status})")
}

/// The colour family of a badge (always paired with an icon and words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Nothing has happened yet.
    Neutral,
    /// Work is under way.
    Active,
    /// Done, all good.
    Success,
    /// Done, with something to look at.
    Warning,
    /// Failed.
    Error,
    /// Waiting for a person.
    Waiting,
    /// A value this version does not know.
    Unknown,
}

impl Tone {
    /// The CSS class suffix (`pdm-tone-…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Neutral => "neutral",
            Tone::Active => "active",
            Tone::Success => "success",
            Tone::Warning => "warning",
            Tone::Error => "error",
            Tone::Waiting => "waiting",
            Tone::Unknown => "unknown",
        }
    }
}

/// Everything a badge shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeLook {
    /// Colour family.
    pub tone: Tone,
    /// A symbol (decorative: the words carry the meaning), for text such as the tab's title.
    pub icon: &'static str,
    /// The same symbol drawn as SVG path data in a 16 × 16 box, stroked in the badge's
    /// colour: the badge and the favicon draw it, so no font needs the glyph (Debian's
    /// fonts have no ⏸).
    pub path: &'static str,
    /// Short words.
    pub label: String,
    /// Whether the badge animates (in-progress states).
    pub animated: bool,
}

fn look(tone: Tone, icon: &'static str, label: &str, animated: bool) -> BadgeLook {
    BadgeLook {
        tone,
        icon,
        path: icon_path(icon),
        label: label.to_owned(),
        animated,
    }
}

/// The SVG path data of each status symbol (16 × 16, stroked 2 wide with round caps, so a
/// zero-length segment is a dot).
fn icon_path(icon: &str) -> &'static str {
    match icon {
        "○" => "M8 3a5 5 0 1 0 0 10a5 5 0 1 0 0-10z",
        "⋯" => "M3 8h.01M8 8h.01M13 8h.01",
        "↻" => "M13 8a5 5 0 1 1-1.5-3.5M12 1.5v3h-3",
        "✓" => "M3 8.5l3 3 7-7",
        "!" => "M8 2.5v7M8 13h.01",
        "✕" => "M4 4l8 8M12 4l-8 8",
        "⏸" => "M5.5 3.5v9M10.5 3.5v9",
        _ => "M5.5 6a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5v.4M8 13h.01",
    }
}

/// The CSS that draws an icon: its path as an SVG image in `--pdm-icon`, which the
/// stylesheet uses as the mask of a box filled with the badge's colour (so the icon takes
/// the tone, and no SVG element is built).
pub fn icon_style(path: &str) -> String {
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><path d='{path}' fill='none' stroke='black' stroke-width='2' stroke-linecap='round' stroke-linejoin='round'/></svg>"
    );
    format!(
        "--pdm-icon:url(\"data:image/svg+xml,{}\")",
        crate::config::query::escape_component(&svg)
    )
}

/// An unknown value: shown as it came, with its own tone and icon.
fn unknown(raw: &str) -> BadgeLook {
    look(Tone::Unknown, "?", raw, false)
}

/// How an import status looks.
pub fn import_status(status: &ImportStatus) -> BadgeLook {
    match status {
        ImportStatus::Uninitialised => look(Tone::Neutral, "○", "Not uploaded yet", false),
        ImportStatus::Queued => look(Tone::Active, "⋯", "Queued", true),
        ImportStatus::Processing => look(Tone::Active, "↻", "Processing", true),
        ImportStatus::Complete => look(Tone::Success, "✓", "Complete", false),
        ImportStatus::Partial => look(Tone::Warning, "!", "Partial: some records rejected", false),
        ImportStatus::Failed => look(Tone::Error, "✕", "Failed", false),
        ImportStatus::PendingSchema => look(Tone::Waiting, "⏸", "Waiting for a schema", false),
        ImportStatus::Other(raw) => unknown(raw),
    }
}

/// How a V3 dataset status looks.
pub fn dataset_status(status: &DatasetStatus) -> BadgeLook {
    match status {
        DatasetStatus::Uninitialised => look(Tone::Neutral, "○", "Not uploaded yet", false),
        DatasetStatus::Processing => look(Tone::Active, "↻", "Processing", true),
        DatasetStatus::Ready => look(Tone::Success, "✓", "Ready", false),
        DatasetStatus::Error => look(Tone::Error, "✕", "Error", false),
        DatasetStatus::Other(raw) => unknown(raw),
    }
}

/// One line on what a field type means.
pub fn field_type_meaning(field_type: &FieldType) -> &'static str {
    match field_type {
        FieldType::Text => "Text shown to participants",
        FieldType::ImageUrl => "URL of an image shown to participants",
        FieldType::AudioUrl => "URL of an audio clip played to participants",
        FieldType::VideoUrl => "URL of a video shown to participants",
        FieldType::Metadata => "Kept in exports, never shown to participants",
        FieldType::TaskGroupId => "Rows with the same value go to the same participant",
        FieldType::Other(raw) if raw.is_empty() => "No type was given",
        FieldType::Other(_) => "A field type this widget does not know yet",
    }
}

/// One line on what schema strictness means (`None`: the API did not say).
pub fn strictness_meaning(strict: Option<bool>) -> &'static str {
    match strict {
        Some(true) => "Strict: records missing any schema field are rejected.",
        Some(false) => "Lenient: missing fields are allowed and treated as absent.",
        None => "Strictness not stated by the API.",
    }
}

/// The one quiet line saying what could not be read (`None` when everything was):
/// "1 field could not be read: `total_datapoint_count` = "abc"". At most three are
/// named; the developer console has them all.
pub fn unreadable_line(unreadable: &[Unreadable]) -> Option<String> {
    let n = unreadable.len();
    if n == 0 {
        return None;
    }
    let mut line = format!(
        "{n} field{} could not be read: ",
        if n == 1 { "" } else { "s" }
    );
    for (i, u) in unreadable.iter().take(3).enumerate() {
        if i > 0 {
            line.push_str(", ");
        }
        line.push_str(&u.to_string());
    }
    if n > 3 {
        line.push_str(", …");
    }
    Some(line)
}

/// A part of an import's count bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarPart {
    /// Accepted records that were new.
    New,
    /// Accepted records, when how many were duplicates is not known.
    Accepted,
    /// Accepted records that were duplicates.
    Duplicates,
    /// Rejected records.
    Rejected,
}

impl BarPart {
    /// The word for the part, and its CSS class suffix (`pdm-bar-…`).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            BarPart::New => ("new", "new"),
            BarPart::Accepted => ("accepted", "new"),
            BarPart::Duplicates => ("duplicates", "dup"),
            BarPart::Rejected => ("rejected", "rej"),
        }
    }
}

/// The parts of an import's count bar, from what is known only: an absent count is
/// unknown, not zero. With duplicates unknown the accepted records are one part.
pub fn bar_parts(job: &ImportJob) -> Vec<(BarPart, u64)> {
    let mut parts = Vec::with_capacity(3);
    match (job.accepted_count, job.duplicates()) {
        (Some(accepted), None) => parts.push((BarPart::Accepted, accepted)),
        (accepted, duplicates) => {
            if let Some(new) = job.newly_written().or(accepted) {
                parts.push((BarPart::New, new));
            }
            if let Some(duplicates) = duplicates {
                parts.push((BarPart::Duplicates, duplicates));
            }
        }
    }
    if let Some(rejected) = job.rejected() {
        parts.push((BarPart::Rejected, rejected));
    }
    parts
}

/// "150 accepted, 5 rejected": what the bar shows, in words.
pub fn bar_label(parts: &[(BarPart, u64)], format: impl Fn(u64) -> String) -> String {
    let mut label = String::new();
    for (part, n) in parts {
        if !label.is_empty() {
            label.push_str(", ");
        }
        label.push_str(&format(*n));
        label.push(' ');
        label.push_str(part.words().0);
    }
    label
}

/// A timestamp as the browser should read it: the docs say every time is UTC, so one
/// with no zone (`2024-01-15T09:30:00`, or with a space for the `T`) gets a `Z`; one
/// with a zone or an offset, and a date alone, are left as they are.
pub fn as_utc(iso: &str) -> String {
    let iso = iso.trim();
    let Some(t) = iso.find(['T', 't', ' ']).filter(|&t| t >= 8) else {
        return iso.to_owned();
    };
    let time = &iso[t + 1..];
    let zoned = time.ends_with(['Z', 'z']) || time.contains(['+', '-']);
    let mut out = String::with_capacity(iso.len() + 1);
    out.push_str(&iso[..t]);
    out.push('T');
    out.push_str(time);
    if !zoned {
        out.push('Z');
    }
    out
}

/// What a person should do about a status, when there is something to do.
pub fn import_advice(status: &ImportStatus) -> Option<&'static str> {
    match status {
        ImportStatus::PendingSchema => Some(
            "This dataset has no schema yet. Set one (fields and their types) and the upload \
             continues on its own.",
        ),
        ImportStatus::Uninitialised => {
            Some("The upload URL was requested but no file has arrived yet.")
        }
        ImportStatus::Failed => Some("No records were ingested. Fix the file and upload it again."),
        _ => None,
    }
}

/// "2,500 rejected; 1,000 listed" when the error list is a partial view.
pub fn partial_view_note(rejected: u64, listed: usize, format: impl Fn(u64) -> String) -> String {
    format!(
        "{} rejected; {} listed. The table shows the errors the API returned, not every rejected record.",
        format(rejected),
        format(listed as u64)
    )
}

/// The value and unit for `Intl.RelativeTimeFormat` of a moment `delta_ms` from now
/// (negative: in the past), in the largest unit that keeps the number at least 1.
pub fn relative_parts(delta_ms: f64) -> (f64, &'static str) {
    let seconds = delta_ms / 1000.0;
    let abs = seconds.abs();
    let (value, unit) = if abs < 45.0 {
        (seconds, "second")
    } else if abs < 45.0 * 60.0 {
        (seconds / 60.0, "minute")
    } else if abs < 22.0 * 3600.0 {
        (seconds / 3600.0, "hour")
    } else if abs < 26.0 * 86_400.0 {
        (seconds / 86_400.0, "day")
    } else if abs < 320.0 * 86_400.0 {
        (seconds / (30.44 * 86_400.0), "month")
    } else {
        (seconds / (365.25 * 86_400.0), "year")
    };
    (value.round(), unit)
}

/// The BCP 47 tag for a browser's language string, or `None` where it names no language
/// and the browser's default should be used. WebKitGTK passes the POSIX locale through:
/// `"C"` under `LANG=C.UTF-8`, and `"en_US.UTF-8"`-style strings are seen too; `Intl`
/// rejects both with a `RangeError`.
pub fn locale_tag(language: &str) -> Option<String> {
    // `en_US.UTF-8@euro` → `en_US`: the codeset and the modifier say nothing of language.
    let tag = language.split(['.', '@']).next().unwrap_or_default().trim();
    let valid = tag.split(['-', '_']).all(|part| {
        !part.is_empty() && part.len() <= 8 && part.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if !valid || tag.eq_ignore_ascii_case("c") || tag.eq_ignore_ascii_case("posix") {
        return None;
    }
    Some(tag.replace('_', "-"))
}

/// "3 minutes ago" / "in 5 seconds" / "now" in English, from [`relative_parts`]: what is
/// shown where the browser's `Intl.RelativeTimeFormat` is missing or throws.
pub fn english_relative(value: f64, unit: &str) -> String {
    // As an integer: formatting an f64 would link float printing into the wasm (≈ 7 KB).
    let count = value.abs().round() as u64;
    if count == 0 {
        return "now".to_owned();
    }
    let plural = if count == 1 { "" } else { "s" };
    if value < 0.0 {
        format!("{count} {unit}{plural} ago")
    } else {
        format!("in {count} {unit}{plural}")
    }
}
