//! Voltage profiles: a YAML list of steps, ramps and dips, validated against the DUT's limits
//! before anything runs.
//!
//! ```yaml
//! current_limit: 0.5          # optional, amperes
//! steps:
//!   - {set: 3.8, dwell_ms: 200}                        # set, wait to settle, hold
//!   - {ramp: {to: 2.9, over_ms: 500, step_mv: 50}}     # or slew_v_per_s instead of over_ms
//!   - {dip: {to: 2.5, hold_ms: 20}}                    # down, hold, back, settle
//!   - {set: 3.8, settle: false}                        # don't wait for the output
//! ```
//! A profile starts with a `set` step, so every ramp and dip has a known starting level.

use std::path::Path;

use hil_rack::Limits;
use serde::{Deserialize, Serialize};

/// Default ramp step.
pub const DEFAULT_STEP_MV: f64 = 50.0;

/// What is wrong with a profile.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// Not valid YAML or not the profile's shape (the message has line and column).
    #[error("voltage profile {origin}: {message}")]
    Parse {
        /// Where the profile came from.
        origin: String,
        /// The parser's message.
        message: String,
    },
    /// A step breaks a rule or the limits.
    #[error("voltage profile step {step} ({what}): {reason}")]
    Invalid {
        /// The 1-based step number.
        step: usize,
        /// The step's kind.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A problem with the profile as a whole.
    #[error("voltage profile: {0}")]
    Profile(String),
}

/// A voltage profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The profile's name, for logs and reports.
    pub name: Option<String>,
    /// Current limit programmed before the first step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_limit: Option<f64>,
    /// The steps, run in order.
    pub steps: Vec<Step>,
}

/// How long a ramp takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RampPace {
    /// The ramp takes this many milliseconds.
    OverMs(u64),
    /// The ramp moves at this many volts per second.
    SlewVPerS(f64),
}

/// One step of a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawStep", into = "RawStep")]
pub enum Step {
    /// Set a voltage, wait for it (unless `settle` is false), then hold for `dwell_ms`.
    Set {
        /// The voltage, V.
        volts: f64,
        /// How long to hold after the step, ms.
        dwell_ms: u64,
        /// Whether to wait for the output to settle.
        settle: bool,
    },
    /// Walk from the current set point to `to` in `step_mv` steps.
    Ramp {
        /// The target voltage, V.
        to: f64,
        /// How long the ramp takes.
        pace: RampPace,
        /// The size of each step, mV.
        step_mv: f64,
        /// How long to hold after the step, ms.
        dwell_ms: u64,
    },
    /// Drop to `to`, hold `hold_ms`, return to the previous set point and wait for it.
    Dip {
        /// The target voltage, V.
        to: f64,
        /// How long to hold at `to`, ms.
        hold_ms: u64,
        /// How long to hold after the step, ms.
        dwell_ms: u64,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    set: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ramp: Option<RawRamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dip: Option<RawDip>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How long to hold after the step, ms.
    dwell_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Whether to wait for the output to settle.
    settle: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRamp {
    /// The target voltage, V.
    to: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    over_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    slew_v_per_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The size of each step, mV.
    step_mv: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDip {
    /// The target voltage, V.
    to: f64,
    /// How long to hold at `to`, ms.
    hold_ms: u64,
}

impl TryFrom<RawStep> for Step {
    type Error = String;
    fn try_from(raw: RawStep) -> Result<Self, String> {
        let dwell_ms = raw.dwell_ms.unwrap_or(0);
        match (raw.set, raw.ramp, raw.dip) {
            (Some(volts), None, None) => Ok(Step::Set {
                volts,
                dwell_ms,
                settle: raw.settle.unwrap_or(true),
            }),
            (None, Some(r), None) => {
                if raw.settle.is_some() {
                    return Err("`settle` applies to set steps only".into());
                }
                let pace = match (r.over_ms, r.slew_v_per_s) {
                    (Some(ms), None) => RampPace::OverMs(ms),
                    (None, Some(s)) => RampPace::SlewVPerS(s),
                    (Some(_), Some(_)) => {
                        return Err("a ramp takes over_ms or slew_v_per_s, not both".into());
                    }
                    (None, None) => return Err("a ramp needs over_ms or slew_v_per_s".into()),
                };
                Ok(Step::Ramp {
                    to: r.to,
                    pace,
                    step_mv: r.step_mv.unwrap_or(DEFAULT_STEP_MV),
                    dwell_ms,
                })
            }
            (None, None, Some(d)) => {
                if raw.settle.is_some() {
                    return Err("`settle` applies to set steps only".into());
                }
                Ok(Step::Dip {
                    to: d.to,
                    hold_ms: d.hold_ms,
                    dwell_ms,
                })
            }
            _ => Err("a step has exactly one of `set`, `ramp`, `dip`".into()),
        }
    }
}

impl From<Step> for RawStep {
    fn from(step: Step) -> Self {
        let dwell = |d: u64| (d != 0).then_some(d);
        match step {
            Step::Set {
                volts,
                dwell_ms,
                settle,
            } => RawStep {
                set: Some(volts),
                ramp: None,
                dip: None,
                dwell_ms: dwell(dwell_ms),
                settle: (!settle).then_some(false),
            },
            Step::Ramp {
                to,
                pace,
                step_mv,
                dwell_ms,
            } => RawStep {
                set: None,
                ramp: Some(RawRamp {
                    to,
                    over_ms: match pace {
                        RampPace::OverMs(ms) => Some(ms),
                        RampPace::SlewVPerS(_) => None,
                    },
                    slew_v_per_s: match pace {
                        RampPace::SlewVPerS(s) => Some(s),
                        RampPace::OverMs(_) => None,
                    },
                    step_mv: Some(step_mv),
                }),
                dip: None,
                dwell_ms: dwell(dwell_ms),
                settle: None,
            },
            Step::Dip {
                to,
                hold_ms,
                dwell_ms,
            } => RawStep {
                set: None,
                ramp: None,
                dip: Some(RawDip { to, hold_ms }),
                dwell_ms: dwell(dwell_ms),
                settle: None,
            },
        }
    }
}

impl Step {
    /// Short description for errors and trace markers: `set 3.8 V`, `ramp to 2.9 V`.
    pub fn describe(&self) -> String {
        match self {
            Step::Set { volts, .. } => format!("set {volts} V"),
            Step::Ramp { to, .. } => format!("ramp to {to} V"),
            Step::Dip { to, hold_ms, .. } => format!("dip to {to} V for {hold_ms} ms"),
        }
    }

    /// The voltage the step commands (a dip's bottom).
    pub fn target(&self) -> f64 {
        match self {
            Step::Set { volts, .. } => *volts,
            Step::Ramp { to, .. } | Step::Dip { to, .. } => *to,
        }
    }
}

/// A profile step longer than this is almost certainly a unit mistake.
const MAX_STEP_MS: u64 = 24 * 3600 * 1000;

impl Profile {
    /// Parses YAML; `origin` (a file name) goes into error messages.
    pub fn from_yaml(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        serde_yaml_ng::from_str(text).map_err(|e| ProfileError::Parse {
            origin: origin.to_owned(),
            message: e.to_string(),
        })
    }

    /// Reads and validates a profile file.
    pub fn load(path: impl AsRef<Path>) -> Result<Profile, ProfileError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Parse {
            origin: origin.clone(),
            message: e.to_string(),
        })?;
        Profile::from_yaml(&text, &origin)
    }

    /// Checks every step against the rules and the DUT's limits. Steps are numbered from 1.
    pub fn validate(&self, limits: &Limits) -> Result<(), ProfileError> {
        if self.steps.is_empty() {
            return Err(ProfileError::Profile("no steps".into()));
        }
        if let Some(a) = self.current_limit
            && !(a.is_finite() && a > 0.0 && a <= limits.max_amps)
        {
            return Err(ProfileError::Profile(format!(
                "current_limit {a} A is outside the DUT's limit (0, {}] A",
                limits.max_amps
            )));
        }
        for (i, step) in self.steps.iter().enumerate() {
            let invalid = |reason: String| ProfileError::Invalid {
                step: i + 1,
                what: step.describe(),
                reason,
            };
            if i == 0 && !matches!(step, Step::Set { .. }) {
                return Err(invalid(
                    "a profile starts with a `set` step, so ramps and dips have a known start"
                        .into(),
                ));
            }
            let v = step.target();
            if !v.is_finite() || !limits.allows_volts(v) {
                return Err(invalid(format!(
                    "{v} V is outside the DUT's limits [{}, {}] V",
                    limits.min_volts, limits.max_volts
                )));
            }
            let (dwell, other_ms) = match step {
                Step::Set { dwell_ms, .. } => (*dwell_ms, 0),
                Step::Ramp {
                    pace,
                    step_mv,
                    dwell_ms,
                    ..
                } => {
                    if !(step_mv.is_finite() && *step_mv >= 1.0 && *step_mv <= 1000.0) {
                        return Err(invalid(format!(
                            "step_mv {step_mv} must be between 1 and 1000"
                        )));
                    }
                    let ms = match pace {
                        RampPace::OverMs(0) => {
                            return Err(invalid("over_ms must be above 0".into()));
                        }
                        RampPace::OverMs(ms) => *ms,
                        RampPace::SlewVPerS(s) if !(s.is_finite() && *s > 0.0) => {
                            return Err(invalid(format!("slew_v_per_s {s} must be above 0")));
                        }
                        RampPace::SlewVPerS(_) => 0,
                    };
                    (*dwell_ms, ms)
                }
                Step::Dip {
                    hold_ms, dwell_ms, ..
                } => {
                    if *hold_ms == 0 {
                        return Err(invalid("hold_ms must be above 0".into()));
                    }
                    (*dwell_ms, *hold_ms)
                }
            };
            if dwell > MAX_STEP_MS || other_ms > MAX_STEP_MS {
                return Err(invalid(
                    "a duration above 24 h is almost certainly a unit mistake".into(),
                ));
            }
        }
        Ok(())
    }
}
