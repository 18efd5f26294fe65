//! Reading the few fields real answers get wrong without failing the whole answer.
//!
//! A [`Loose`] takes any JSON value where a scalar is expected; the models then turn it
//! into what they meant (a count from `"1500"`, `None` from `""`) or note it as
//! [`Unreadable`]. Only fields that need it are read this way, so the common case stays
//! plain serde.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A field whose value could not be read, and what came instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Where it was (`total_datapoint_count`, `imports[0].accepted_count`).
    pub path: String,
    /// The value as it came, in JSON-like text (`"abc"`, `true`, `{…}`).
    pub raw: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` = {}", self.path, self.raw)
    }
}

/// Any JSON value, kept only as far as a scalar field needs it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Loose {
    /// Absent or `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Int(u64),
    /// A negative integer.
    Neg(i64),
    /// A number with a fraction or an exponent.
    Float(f64),
    /// A string.
    Text(String),
    /// An object or a list (shown as `{…}` or `[…]`).
    Nested(&'static str),
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Loose;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
                Ok(Loose::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Loose, E> {
                Ok(Loose::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
                Ok(Loose::Bool(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
                Ok(Loose::Int(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
                Ok(if v >= 0 {
                    Loose::Int(v as u64)
                } else {
                    Loose::Neg(v)
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
                Ok(Loose::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
                Ok(Loose::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
                Ok(Loose::Text(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose::Nested("[…]"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Loose::Nested("{…}"))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// Collects what could not be read while a model is assembled.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    /// What could not be read so far.
    pub list: Vec<Unreadable>,
}

impl Problems {
    /// Notes that `field` held `raw`.
    pub fn note(&mut self, field: &str, raw: String) {
        self.list.push(Unreadable {
            path: field.to_owned(),
            raw,
        });
    }

    /// Adds the problems of a part (an import, a record), their paths under `prefix`.
    pub fn nest(&mut self, prefix: &str, inner: &[Unreadable]) {
        for u in inner {
            self.list.push(Unreadable {
                path: format!("{prefix}{}", u.path),
                raw: u.raw.clone(),
            });
        }
    }
}

impl Loose {
    /// The value in JSON-like text, as it came.
    pub fn raw(&self) -> String {
        match self {
            Loose::Null => "null".to_owned(),
            Loose::Bool(b) => b.to_string(),
            Loose::Int(n) => n.to_string(),
            Loose::Neg(n) => n.to_string(),
            Loose::Float(v) => decimal(*v),
            Loose::Text(s) => format!("{s:?}"),
            Loose::Nested(shape) => (*shape).to_owned(),
        }
    }

    /// A count: a whole number, or a string of digits (`"1500"`). `null`, absent and
    /// `""` are unknown; anything else is noted and unknown.
    pub fn count(self, field: &str, problems: &mut Problems) -> Option<u64> {
        match self {
            Loose::Null => None,
            Loose::Int(n) => Some(n),
            Loose::Float(v) if v >= 0.0 && v.fract() == 0.0 && v < 9e15 => Some(v as u64),
            Loose::Text(ref s) if s.trim().is_empty() => None,
            Loose::Text(ref s) => match s.trim().parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems.note(field, self.raw());
                    None
                }
            },
            other => {
                problems.note(field, other.raw());
                None
            }
        }
    }

    /// Text: `null`, absent and `""` are `None`; a number or a boolean is shown as it
    /// came; an object or a list is noted.
    pub fn text(self, field: &str, problems: &mut Problems) -> Option<String> {
        match self {
            Loose::Null => None,
            Loose::Text(s) if s.is_empty() => None,
            Loose::Text(s) => Some(s),
            Loose::Nested(_) => {
                problems.note(field, self.raw());
                None
            }
            other => Some(other.raw()),
        }
    }

    /// A yes/no: `true`/`false`, also as the strings `"true"`/`"false"`.
    pub fn flag(self, field: &str, problems: &mut Problems) -> Option<bool> {
        match self {
            Loose::Null => None,
            Loose::Bool(b) => Some(b),
            Loose::Text(ref s) if s.is_empty() => None,
            Loose::Text(ref s) if s.eq_ignore_ascii_case("true") => Some(true),
            Loose::Text(ref s) if s.eq_ignore_ascii_case("false") => Some(false),
            other => {
                problems.note(field, other.raw());
                None
            }
        }
    }
}

/// `v` in decimals (up to six places), without Rust's float formatting, which would
/// cost the bundle ~10 KB for this one rare case.
pub(crate) fn decimal(v: f64) -> String {
    // Beyond 1e13 the millionths would not fit in a u64.
    if !v.is_finite() || v.abs() >= 1e13 {
        return "a number out of range".to_owned();
    }
    let millionths = (v.abs() * 1e6).round() as u64;
    let sign = if v < 0.0 && millionths > 0 { "-" } else { "" };
    let fraction = format!("{:06}", millionths % 1_000_000);
    format!(
        "{sign}{}.{}",
        millionths / 1_000_000,
        fraction.trim_end_matches('0')
    )
    .trim_end_matches('.')
    .to_owned()
}
