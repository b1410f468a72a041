//! Field-by-field differences between two profiles: both flattened to dotted paths (YAML
//! values), compared path by path. Text-only fields (`description`, `cite`) and the provenance
//! are left out: a reviewer wants what the hardware said that the base did not.

use std::collections::BTreeMap;

use hil_sim::profile::Profile;
use serde_json::Value;

/// One differing field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Dotted path, e.g. `pofwarn.default_mv`.
    pub path: String,
    /// In the base (`None`: absent there).
    pub base: Option<String>,
    /// In the characterized profile.
    pub measured: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
        write!(
            f,
            "{}: {} -> {}",
            self.path,
            show(&self.base),
            show(&self.measured)
        )
    }
}

/// The fields of `measured` that differ from `base`, sorted by path.
pub fn diff_profiles(base: &Profile, measured: &Profile) -> Vec<Difference> {
    let (a, b) = (flatten_profile(base), flatten_profile(measured));
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| Difference {
            path: p.clone(),
            base: a.get(p).cloned(),
            measured: b.get(p).cloned(),
        })
        .collect()
}

/// A profile as `path → value` (leaves only), without text and provenance. A missing
/// `policy` block is the default policy.
pub fn flatten_profile(p: &Profile) -> BTreeMap<String, String> {
    let mut p = p.clone();
    p.provenance = None;
    p.policy = Some(p.policy.unwrap_or_default());
    let value = serde_json::to_value(&p).unwrap_or(Value::Null);
    let mut out = BTreeMap::new();
    flatten(&value, String::new(), &mut out);
    out.retain(|k, _| !(k == "description" || k == "cite" || k.ends_with(".cite")));
    out
}

fn flatten(v: &Value, path: String, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(v, p, out);
            }
        }
        other => {
            out.insert(path, other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_field_is_named_with_both_values() {
        let base = hil_sim::profile::bundled_profile("mfw_nrf9160_1.3.6").unwrap();
        let mut other = base.clone();
        assert!(diff_profiles(&base, &other).is_empty());
        other.pofwarn.default_mv = Some(3000);
        other.description = "changed text is not a difference".into();
        let d = diff_profiles(&base, &other);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].to_string(), "pofwarn.default_mv: null -> 3000");
    }
}
