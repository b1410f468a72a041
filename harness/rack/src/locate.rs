//! Finding where a value sits in rack-file text, for problems found after the file was read
//! (a simulator profile or policy knob the lab does not know): the deserializer is walked down
//! a field path and raises an error at the value, and `serde_yaml_ng` attaches that value's
//! line and column to it.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step of a path into the rack file: a mapping key or a sequence index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// The value under this key.
    Key(&'a str),
    /// The entry at this 0-based index.
    Index(usize),
}

/// Renders a path the way rack-file errors name fields: `duts[1].simulated.policy`.
pub fn field_path(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The 1-based line and column of the value at `path` in `text`, or of the deepest
/// enclosing value the text holds.
pub(crate) fn locate(text: &str, path: &[Step<'_>]) -> Option<(usize, usize)> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    match (Finder { path }).deserialize(de) {
        Ok(()) => None,
        Err(e) => e.location().map(|l| (l.line(), l.column())),
    }
}

/// Walks `path`; at its end (or where the text stops matching it) raises an error, which the
/// deserializer locates at the current value.
struct Finder<'p, 'a> {
    path: &'p [Step<'a>],
}

const FOUND: &str = "found";

impl<'de> DeserializeSeed<'de> for Finder<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.path.first() {
            None => d.deserialize_any(Here),
            Some(Step::Key(_)) => d.deserialize_map(self),
            Some(Step::Index(_)) => d.deserialize_seq(self),
        }
    }
}

impl<'de> Visitor<'de> for Finder<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value on the path")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(Step::Key(want)) = self.path.first() else {
            return Err(de::Error::custom(FOUND));
        };
        while let Some(key) = map.next_key::<Option<String>>()? {
            if key.as_deref() == Some(*want) {
                return map.next_value_seed(Finder {
                    path: &self.path[1..],
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom(FOUND))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some(Step::Index(want)) = self.path.first() else {
            return Err(de::Error::custom(FOUND));
        };
        for _ in 0..*want {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom(FOUND));
            }
        }
        match seq.next_element_seed(Finder {
            path: &self.path[1..],
        })? {
            Some(()) => Ok(()),
            None => Err(de::Error::custom(FOUND)),
        }
    }
}

/// Raises the locating error at whatever value it is given.
struct Here;

impl<'de> Visitor<'de> for Here {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
name: r
duts:
  - name: a
    serial: /dev/x
  - name: b
    simulated:
      profile: mfw_nrf9160_9.9.9
      policy:
        no_such_knob: 3
        other: { x: 1 }
";

    #[test]
    fn finds_values_at_their_line() {
        let at = |p: &[Step]| locate(TEXT, p).map(|(l, _)| l);
        use Step::{Index, Key};
        assert_eq!(at(&[Key("name")]), Some(1));
        assert_eq!(at(&[Key("duts"), Index(1)]), Some(5));
        assert_eq!(at(&[Key("duts"), Index(1), Key("simulated")]), Some(7));
        let profile = [Key("duts"), Index(1), Key("simulated"), Key("profile")];
        assert_eq!(locate(TEXT, &profile), Some((7, 16)));
        let knob = [
            Key("duts"),
            Index(1),
            Key("simulated"),
            Key("policy"),
            Key("no_such_knob"),
        ];
        assert_eq!(at(&knob), Some(9));
        let nested = [
            Key("duts"),
            Index(1),
            Key("simulated"),
            Key("policy"),
            Key("other"),
        ];
        assert_eq!(at(&nested), Some(10));
    }

    #[test]
    fn a_path_the_text_lacks_stops_at_the_deepest_value_it_has() {
        use Step::{Index, Key};
        let at = |p: &[Step]| locate(TEXT, p).map(|(l, _)| l);
        assert_eq!(at(&[Key("duts"), Index(0), Key("simulated")]), Some(3));
        assert_eq!(at(&[Key("duts"), Index(7)]), Some(3));
    }

    #[test]
    fn paths_render_like_error_fields() {
        use Step::{Index, Key};
        assert_eq!(
            field_path(&[Key("duts"), Index(1), Key("simulated"), Key("policy")]),
            "duts[1].simulated.policy"
        );
    }
}
