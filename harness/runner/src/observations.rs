//! Two runs' observations of one trial (a characterization case's facts), compared key by key:
//! what `hil diff` lists as changed observations and what the HTML report's "Changes since the
//! previous run" shows, one rule for both. Values that differ only in timing or in measured
//! amounts are not changes (the `timing` module).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// One observation key whose value changed (`None`: not observed in that run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueChange {
    /// The observation key.
    pub key: String,
    /// The value in the earlier run.
    pub before: Option<String>,
    /// The value in the later run.
    pub after: Option<String>,
}

/// The keys whose values differ between `before` and `after` (sorted by key), timing aside.
pub fn changes(before: &[(String, String)], after: &[(String, String)]) -> Vec<ValueChange> {
    let old: BTreeMap<&str, &str> = before
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let new: BTreeMap<&str, &str> = after
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let keys: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    keys.into_iter()
        .filter(|k| match (old.get(k), new.get(k)) {
            (Some(a), Some(b)) => !timing::same_apart_from_timing(k, a, b),
            (a, b) => a != b,
        })
        .map(|k| ValueChange {
            key: k.to_string(),
            before: old.get(k).map(|v| v.to_string()),
            after: new.get(k).map(|v| v.to_string()),
        })
        .collect()
}

mod timing;

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn timing_alone_is_no_change_but_a_new_verdict_is() {
        let before = pairs(&[
            ("notification", "`+CGEV: ME BATTERY LOW` after 10.7 ms"),
            ("ratio", "0.1034 (within its figure)"),
        ]);
        let after = pairs(&[
            ("notification", "`+CGEV: ME BATTERY LOW` after 12.0 ms"),
            ("ratio", "1.2000 (outside its figure)"),
        ]);
        assert_eq!(
            changes(&before, &after),
            [ValueChange {
                key: "ratio".into(),
                before: Some("0.1034 (within its figure)".into()),
                after: Some("1.2000 (outside its figure)".into()),
            }]
        );
        assert!(changes(&before, &before).is_empty());
    }
}
