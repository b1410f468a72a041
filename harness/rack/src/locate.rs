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
    find(text, path, None)
}

/// The 1-based line and column of the second `key` of the mapping at `path` in `text` (a
/// duplicate key, which the deserializer reports at the mapping's start), or of the mapping.
pub(crate) fn locate_duplicate_key(
    text: &str,
    path: &[Step<'_>],
    key: &str,
) -> Option<(usize, usize)> {
    find(text, path, Some(key))
}

fn find(text: &str, path: &[Step<'_>], duplicate: Option<&str>) -> Option<(usize, usize)> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    match (Finder { path, duplicate }).deserialize(de) {
        Ok(()) => None,
        Err(e) => e.location().map(|l| (l.line(), l.column())),
    }
}

/// The steps of a field path as rack-file errors render it (`duts[1].simulated.policy`);
/// `None` when it is not one.
pub(crate) fn steps_of(field: &str) -> Option<Vec<Step<'_>>> {
    let mut steps = Vec::new();
    for part in field.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        {
            return None;
        }
        steps.push(Step::Key(key));
        while let Some(inner) = rest.strip_prefix('[') {
            let (index, after) = inner.split_once(']')?;
            steps.push(Step::Index(index.parse().ok()?));
            rest = after;
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(steps)
}

/// Walks `path`; at its end (or where the text stops matching it) raises an error, which the
/// deserializer locates at the current value — or, with `duplicate`, at the second occurrence
/// of that key in the mapping there.
struct Finder<'p, 'a> {
    path: &'p [Step<'a>],
    duplicate: Option<&'p str>,
}

const FOUND: &str = "found";

impl<'de> DeserializeSeed<'de> for Finder<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match (self.path.first(), self.duplicate) {
            (None, Some(key)) => d.deserialize_map(SecondKey { key }),
            (None, None) => d.deserialize_any(Here),
            (Some(Step::Key(_)), _) => d.deserialize_map(self),
            (Some(Step::Index(_)), _) => d.deserialize_seq(self),
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
                    duplicate: self.duplicate,
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
            duplicate: self.duplicate,
        })? {
            Some(()) => Ok(()),
            None => Err(de::Error::custom(FOUND)),
        }
    }
}

/// Goes through a mapping's keys and raises the locating error at the second `key`.
struct SecondKey<'k> {
    key: &'k str,
}

impl<'de> Visitor<'de> for SecondKey<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = false;
        while let Some(()) = map.next_key_seed(KeyCheck {
            key: self.key,
            seen: &mut seen,
        })? {
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom(FOUND))
    }
}

/// One key of [`SecondKey`]'s mapping: the error at the second `key`.
struct KeyCheck<'k, 's> {
    key: &'k str,
    seen: &'s mut bool,
}

impl<'de> DeserializeSeed<'de> for KeyCheck<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyCheck<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v != self.key {
            return Ok(());
        }
        if *self.seen {
            return Err(E::custom(FOUND));
        }
        *self.seen = true;
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
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
    fn a_duplicate_key_is_found_at_its_second_occurrence() {
        use Step::{Index, Key};
        let text = "name: r\nname: s\nduts:\n  - name: a\n    tags: [x]\n    tags: [y]\n";
        assert_eq!(locate_duplicate_key(text, &[], "name"), Some((2, 1)));
        let dut = [Key("duts"), Index(0)];
        assert_eq!(locate_duplicate_key(text, &dut, "tags"), Some((6, 5)));
    }

    #[test]
    fn field_paths_parse_back_into_steps() {
        use Step::{Index, Key};
        assert_eq!(
            steps_of("duts[1].simulated.policy"),
            Some(vec![Key("duts"), Index(1), Key("simulated"), Key("policy")])
        );
        assert_eq!(
            steps_of("a[1][2]"),
            Some(vec![Key("a"), Index(1), Index(2)])
        );
        for bad in ["", "a..b", "a[x]", "a[1", "a]"] {
            assert_eq!(steps_of(bad), None, "{bad}");
        }
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
