//! A JSON object's members in the order they were sent (serde's maps do not keep it).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

/// A JSON object's members, key and value, in file order; the values are read as `V`.
/// The schema's `fields` map and an uploaded JSONL record are both shown in the order
/// they were written.
#[derive(Debug, Clone, PartialEq)]
pub struct InOrder<V>(pub Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for InOrder<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Members<V> {
            type Value = InOrder<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InOrder<V>, A::Error> {
                // A hint from the input is not trusted past a small bound.
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(InOrder(members))
            }
        }
        d.deserialize_map(Members(PhantomData))
    }
}
