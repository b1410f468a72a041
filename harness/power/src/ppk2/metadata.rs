//! The PPK2's `GetMetaData` reply: `key: value` lines ending `END` (ref instruments §8), with
//! the calibration of each measurement range.
//!
//! Every calibration key (`R`, `GS`, `GI`, `O`, `S`, `I`, `UG` for ranges 0–4) and `VDD` must be
//! there; a value that is not a number, a duplicate key or a missing `END` is an error naming
//! the line. As Nordic's app does (serialDevice.ts `parseMeta`), a value of `nan`/`-nan` or 0
//! falls back to the app's default for that key; each such fallback is listed in
//! [`Metadata::defaulted`]. Unknown keys are kept in [`Metadata::other`] (newer firmware may
//! add some).

use std::fmt;

/// Calibration of one measurement range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeCalibration {
    /// Shunt resistance, ohms.
    pub r: f64,
    /// Quadratic gain.
    pub gs: f64,
    /// Linear gain.
    pub gi: f64,
    /// ADC offset, in ADC units (of the value multiplied by 4).
    pub o: f64,
    /// Offset per volt of VDD, amperes per volt.
    pub s: f64,
    /// Fixed offset, amperes.
    pub i: f64,
    /// User gain.
    pub ug: f64,
}

/// Calibration of all five ranges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// The calibration of each measurement range, lowest current range first.
    pub ranges: [RangeCalibration; 5],
}

/// Nordic's app defaults (serialDevice.ts `modifiers`).
const DEFAULT_R: [f64; 5] = [1031.64, 101.65, 10.15, 0.94, 0.043];

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            ranges: DEFAULT_R.map(|r| RangeCalibration {
                r,
                gs: 1.0,
                gi: 1.0,
                o: 0.0,
                s: 0.0,
                i: 0.0,
                ug: 1.0,
            }),
        }
    }
}

/// The keys of one range, in the order of a real reply.
const FIELDS: [&str; 7] = ["R", "GS", "GI", "O", "S", "I", "UG"];

impl Calibration {
    fn field_mut(&mut self, field: usize, range: usize) -> &mut f64 {
        let c = &mut self.ranges[range];
        match field {
            0 => &mut c.r,
            1 => &mut c.gs,
            2 => &mut c.gi,
            3 => &mut c.o,
            4 => &mut c.s,
            5 => &mut c.i,
            _ => &mut c.ug,
        }
    }
}

/// A parsed `GetMetaData` reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// `Calibrated:` (absent counts as not calibrated).
    pub calibrated: bool,
    /// The calibration values from the reply.
    pub calibration: Calibration,
    /// The regulator voltage the PPK2 reports, mV.
    pub vdd_mv: u16,
    /// `HW:` as sent.
    pub hw: Option<String>,
    /// `mode:` 1 = ampere meter, 2 = source meter.
    pub mode: Option<u8>,
    /// `IA:` as sent.
    pub ia: Option<String>,
    /// Keys whose value was `nan` or 0 and fell back to the default, e.g. `GS0`.
    pub defaulted: Vec<String>,
    /// Lines with keys this parser does not know, as `(key, value)`.
    pub other: Vec<(String, String)>,
}

/// Why a metadata reply is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataError {
    /// The reply has no `END` line.
    NoEnd,
    /// A line is malformed.
    Line {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A required key is absent.
    Missing(String),
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetadataError::NoEnd => f.write_str("metadata reply has no END line"),
            MetadataError::Line {
                line,
                text,
                problem,
            } => write!(f, "metadata line {line} {text:?}: {problem}"),
            MetadataError::Missing(key) => write!(f, "metadata has no `{key}` line"),
        }
    }
}

impl std::error::Error for MetadataError {}

/// What a key names.
enum Key {
    Cal(usize, usize),
    Vdd,
    Calibrated,
    Hw,
    Mode,
    Ia,
}

fn key_of(key: &str) -> Option<Key> {
    let lower = key.to_ascii_lowercase();
    let named = match lower.as_str() {
        "vdd" => Some(Key::Vdd),
        "calibrated" => Some(Key::Calibrated),
        "hw" => Some(Key::Hw),
        "mode" => Some(Key::Mode),
        "ia" => Some(Key::Ia),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let digit = lower.chars().last()?.to_digit(10)? as usize;
    let field = &lower[..lower.len() - 1];
    let f = FIELDS.iter().position(|k| k.eq_ignore_ascii_case(field))?;
    (digit < 5).then_some(Key::Cal(f, digit))
}

impl Metadata {
    /// Parses a reply (everything up to and including the `END` line).
    pub fn parse(text: &str) -> Result<Metadata, MetadataError> {
        let mut p = Parser::default();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line == "END" {
                return p.finish();
            }
            if !line.is_empty() {
                p.line(n + 1, line)?;
            }
        }
        Err(MetadataError::NoEnd)
    }
}

#[derive(Default)]
struct Parser {
    cal: Calibration,
    seen_cal: [[bool; 5]; 7],
    vdd: Option<u16>,
    calibrated: bool,
    hw: Option<String>,
    mode: Option<u8>,
    ia: Option<String>,
    defaulted: Vec<String>,
    other: Vec<(String, String)>,
    seen: Vec<String>,
}

impl Parser {
    fn line(&mut self, n: usize, line: &str) -> Result<(), MetadataError> {
        let bad = |problem: &str| MetadataError::Line {
            line: n,
            text: line.to_owned(),
            problem: problem.to_owned(),
        };
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| bad("not a `key: value` line"))?;
        let (key, value) = (key.trim(), value.trim());
        if self.seen.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            return Err(bad("key appears twice"));
        }
        self.seen.push(key.to_owned());
        match key_of(key) {
            Some(Key::Cal(f, r)) => {
                let v: f64 = value.parse().map_err(|_| bad("value is not a number"))?;
                self.seen_cal[f][r] = true;
                let zero_defaults = f != 3 && f != 4 && f != 5; // R, GS, GI, UG
                if !v.is_finite() || (v == 0.0 && zero_defaults) {
                    self.defaulted.push(format!("{}{r}", FIELDS[f]));
                } else {
                    *self.cal.field_mut(f, r) = v;
                }
            }
            Some(Key::Vdd) => {
                let mv = value
                    .parse()
                    .map_err(|_| bad("VDD is not a whole number of millivolts"))?;
                self.vdd = Some(mv);
            }
            Some(Key::Calibrated) => self.calibrated = value != "0",
            Some(Key::Hw) => self.hw = Some(value.to_owned()),
            Some(Key::Mode) => {
                let m = value.parse().map_err(|_| bad("mode is not 1 or 2"))?;
                if !(1..=2).contains(&m) {
                    return Err(bad("mode is not 1 or 2"));
                }
                self.mode = Some(m);
            }
            Some(Key::Ia) => self.ia = Some(value.to_owned()),
            None => self.other.push((key.to_owned(), value.to_owned())),
        }
        Ok(())
    }

    fn finish(self) -> Result<Metadata, MetadataError> {
        for (f, name) in FIELDS.iter().enumerate() {
            if let Some(r) = (0..5).find(|&r| !self.seen_cal[f][r]) {
                return Err(MetadataError::Missing(format!("{name}{r}")));
            }
        }
        Ok(Metadata {
            calibrated: self.calibrated,
            calibration: self.cal,
            vdd_mv: self
                .vdd
                .ok_or_else(|| MetadataError::Missing("VDD".into()))?,
            hw: self.hw,
            mode: self.mode,
            ia: self.ia,
            defaulted: self.defaulted,
            other: self.other,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A reply in the layout of a real PPK2 (field order and figures as in the `ppk2` crate's
    /// documented example).
    pub(crate) const REAL: &str = "Calibrated: 0\nR0: 1003.3506\nR1: 101.5865\nR2: 10.3027\nR3: 0.9636\nR4: 0.0564\nGS0: 0.0000\nGS1: 112.7890\nGS2: 18.0115\nGS3: 2.4217\nGS4: 0.0729\nGI0: 1.0000\nGI1: 0.9695\nGI2: 0.9609\nGI3: 0.9519\nGI4: 0.9582\nO0: 112.9420\nO1: 75.4627\nO2: 64.6020\nO3: 50.4983\nO4: 87.2177\nVDD: 3000\nHW: 9173\nmode: 2\nS0: 0.000000048\nS1: 0.000000596\nS2: 0.000005281\nS3: 0.000062577\nS4: 0.002940743\nI0: -0.000000104\nI1: -0.000001443\nI2: 0.000036439\nI3: -0.000374119\nI4: -0.009388455\nUG0: 1.00\nUG1: 1.00\nUG2: 1.00\nUG3: 1.00\nUG4: 1.00\nIA: 56\nEND\n";

    #[test]
    fn a_real_reply_parses() {
        let m = Metadata::parse(REAL).unwrap();
        assert_eq!(m.vdd_mv, 3000);
        assert_eq!(m.mode, Some(2));
        assert_eq!(m.hw.as_deref(), Some("9173"));
        assert!(!m.calibrated);
        let r1 = m.calibration.ranges[1];
        assert_eq!(
            (r1.r, r1.gs, r1.gi, r1.o),
            (101.5865, 112.789, 0.9695, 75.4627)
        );
        assert_eq!((r1.s, r1.i, r1.ug), (0.000000596, -0.000001443, 1.0));
        assert_eq!(
            m.defaulted,
            ["GS0"],
            "GS0: 0 takes the app default, as Nordic's app does"
        );
        assert_eq!(m.calibration.ranges[0].gs, 1.0);
    }

    #[test]
    fn nan_falls_back_and_unknown_keys_are_kept() {
        let text = REAL
            .replace("GI2: 0.9609", "GI2: -nan")
            .replace("IA: 56", "IA: 56\nXY: 7");
        let m = Metadata::parse(&text).unwrap();
        assert_eq!(m.calibration.ranges[2].gi, 1.0);
        assert!(m.defaulted.contains(&"GI2".to_string()));
        assert_eq!(m.other, [("XY".to_string(), "7".to_string())]);
    }

    #[test]
    fn bad_replies_name_the_problem() {
        let err = |text: String| Metadata::parse(&text).unwrap_err().to_string();
        assert_eq!(
            err(REAL.replace("END\n", "")),
            "metadata reply has no END line"
        );
        assert_eq!(
            err(REAL.replace("R2: 10.3027", "R2: ten")),
            "metadata line 4 \"R2: ten\": value is not a number"
        );
        assert_eq!(
            err(REAL.replace("UG3: 1.00\n", "")),
            "metadata has no `UG3` line"
        );
        assert_eq!(
            err(REAL.replace("VDD: 3000\n", "")),
            "metadata has no `VDD` line"
        );
        assert!(err(REAL.replace("VDD: 3000", "VDD: 3.0")).contains("millivolts"));
        assert!(err(REAL.replace("HW: 9173", "HW 9173")).contains("not a `key: value` line"));
        assert!(err(REAL.replace("IA: 56", "IA: 56\nR0: 1")).contains("twice"));
        assert!(err(REAL.replace("mode: 2", "mode: 7")).contains("mode is not 1 or 2"));
        assert!(err("\u{1}\u{2}garbage".into()).starts_with("metadata line 1"));
        assert_eq!(err("R0: 1\n".into()), "metadata reply has no END line");
    }
}
