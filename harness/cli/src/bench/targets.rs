//! The benchmark's targets (from the issues, for a 2-core machine): full suite on the default
//! simulated rack in fast mode within 20 s and 100 MB peak RSS; with realistic timing, 8 DUTs
//! take at most 1.25× the wall time of 1 DUT; on a rack host (boards served by a `hil sim`
//! process of their own, issue 11), the harness takes at most 1.25× the wall time of one
//! board at 64 boards and at most 1 MB of peak RSS per board.

use serde::Serialize;

pub const MAX_FULL_WALL_S: f64 = 20.0;
/// Megabytes of 10^6 bytes.
pub const MAX_FULL_RSS_MB: f64 = 100.0;
pub const MAX_PARALLEL_RATIO: f64 = 1.25;
/// Harness wall time at the largest rack-host size over one board's.
pub const MAX_RACK_RATIO: f64 = 1.25;
/// Harness peak RSS at the largest rack-host size, per board (MB of 10^6 bytes).
pub const MAX_RSS_PER_BOARD_MB: f64 = 1.0;
/// The rack-host sizes measured by default.
pub const RACK_SIZES: [u16; 4] = [1, 8, 32, 64];

/// One target and how the measurement did against it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub target: &'static str,
    pub limit: f64,
    pub unit: &'static str,
    /// `None` when the run it needs was skipped or invalid.
    pub measured: Option<f64>,
    pub pass: Option<bool>,
}

impl Verdict {
    pub fn at_most(
        target: &'static str,
        limit: f64,
        unit: &'static str,
        measured: Option<f64>,
    ) -> Self {
        Verdict {
            target,
            limit,
            unit,
            measured,
            pass: measured.map(|m| m <= limit),
        }
    }

    pub fn label(&self) -> &'static str {
        match self.pass {
            Some(true) => "PASS",
            Some(false) => "MISS",
            None => "n/a",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_is_inclusive_and_unknown_is_not_a_miss() {
        assert_eq!(Verdict::at_most("t", 1.25, "x", Some(1.25)).label(), "PASS");
        assert_eq!(Verdict::at_most("t", 1.25, "x", Some(1.26)).label(), "MISS");
        assert_eq!(Verdict::at_most("t", 1.25, "x", None).label(), "n/a");
    }
}
