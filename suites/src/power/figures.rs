//! The power figures of `expectations/power-figures.yaml`: per case and modem firmware, bounds
//! with a tolerance and their source, or `open` (then the measurement is only recorded).

use std::collections::BTreeMap;

use hil_model::{MfwRange, MfwVersion};
use serde::Deserialize;

/// The bundled figures file.
pub const FILE: (&str, &str) = (
    "suites/expectations/power-figures.yaml",
    include_str!("../../expectations/power-figures.yaml"),
);

/// One figure: bounds (either may be absent) widened by `tolerance_pct`, or OPEN.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Figure {
    /// A figure with known bounds from a cited source.
    Bounds {
        #[serde(default)]
        /// The lowest value allowed, before widening by the tolerance.
        min: Option<f64>,
        #[serde(default)]
        /// The highest value allowed, before widening by the tolerance.
        max: Option<f64>,
        #[serde(default)]
        /// How far (in percent) the bounds are widened.
        tolerance_pct: f64,
        /// Where the bounds come from (a reference citation).
        source: String,
    },
    /// A figure nobody knows yet; measured values are characterizations.
    Open {
        /// Why the figure is OPEN.
        open: String,
    },
}

/// What a measured value is, against its figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The value is inside the (widened) bounds.
    Within,
    /// Outside the bounds: the text says which and cites the source.
    Outside(String),
    /// No figure: the value is a characterization (the text says why).
    Open(String),
}

impl Figure {
    /// `value` against the bounds, each widened by the tolerance.
    pub fn check(&self, value: f64) -> Verdict {
        match self {
            Figure::Open { open } => Verdict::Open(open.clone()),
            Figure::Bounds {
                min,
                max,
                tolerance_pct,
                source,
            } => {
                let tol = tolerance_pct / 100.0;
                if let Some(lo) = min
                    && value < lo * (1.0 - tol)
                {
                    return Verdict::Outside(format!(
                        "{value:.4} below {lo} (−{tolerance_pct} %; {source})"
                    ));
                }
                if let Some(hi) = max
                    && value > hi * (1.0 + tol)
                {
                    return Verdict::Outside(format!(
                        "{value:.4} above {hi} (+{tolerance_pct} %; {source})"
                    ));
                }
                Verdict::Within
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    range: String,
    figures: BTreeMap<String, Figure>,
}

/// The figures of one firmware range, by name.
type Named = BTreeMap<String, Figure>;

/// Every case's entries, in file order.
#[derive(Debug)]
pub struct Figures {
    cases: BTreeMap<String, Vec<(MfwRange, Named)>>,
}

impl Figures {
    /// Parses a figures file; errors name the origin and what is wrong.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Self, String> {
        let raw: BTreeMap<String, Vec<Entry>> =
            serde_yaml_ng::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        let mut cases = BTreeMap::new();
        for (case, entries) in raw {
            let mut parsed = Vec::new();
            for e in entries {
                let range = MfwRange::parse(&e.range)
                    .map_err(|err| format!("{origin}: {case}: range `{}`: {err}", e.range))?;
                parsed.push((range, e.figures));
            }
            cases.insert(case, parsed);
        }
        Ok(Figures { cases })
    }

    /// The bundled figures.
    pub fn bundled() -> Result<Self, String> {
        Self::from_yaml(FILE.1, FILE.0)
    }

    /// The figure `name` of `case` for firmware `mfw` (the first matching entry); an unknown
    /// firmware matches only `any`.
    pub fn figure(&self, case: &str, mfw: Option<&MfwVersion>, name: &str) -> Option<&Figure> {
        let entries = self.cases.get(case)?;
        let entry = entries.iter().find(|(range, _)| match mfw {
            Some(v) => range.contains(v),
            None => range.as_str() == "any",
        })?;
        entry.1.get(name)
    }

    /// The case ids the file names.
    pub fn case_ids(&self) -> impl Iterator<Item = &str> {
        self.cases.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_file_loads_and_covers_every_bundled_firmware() {
        let f = Figures::bundled().unwrap();
        for mfw in [
            "mfw_nrf9160_1.3.6",
            "mfw_nrf91x1_2.0.2",
            "mfw_nrf9160_0.7.0-29.alpha",
        ] {
            let v = MfwVersion::parse(mfw).unwrap();
            let fig = f
                .figure("power::offline_below_active", Some(&v), "offline_mean_ma")
                .unwrap();
            assert!(matches!(fig, Figure::Bounds { .. }), "{mfw}");
        }
    }

    #[test]
    fn bounds_widen_by_the_tolerance_and_open_figures_say_so() {
        let fig = Figure::Bounds {
            min: Some(1.0),
            max: Some(10.0),
            tolerance_pct: 10.0,
            source: "ref".into(),
        };
        assert_eq!(fig.check(10.5), Verdict::Within);
        assert_eq!(fig.check(0.95), Verdict::Within);
        assert!(matches!(fig.check(11.5), Verdict::Outside(t) if t.contains("above 10")));
        assert!(matches!(fig.check(0.5), Verdict::Outside(t) if t.contains("below 1")));
        let open = Figure::Open {
            open: "OPEN: none".into(),
        };
        assert_eq!(open.check(3.0), Verdict::Open("OPEN: none".into()));
    }

    #[test]
    fn a_bad_range_names_the_file_and_case() {
        let err = Figures::from_yaml(
            "power::x:\n  - range: \"nrf9999 >=1\"\n    figures: {}\n",
            "f.yaml",
        )
        .unwrap_err();
        assert!(err.contains("f.yaml") && err.contains("power::x"), "{err}");
    }
}
