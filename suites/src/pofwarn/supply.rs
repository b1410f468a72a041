//! Stepping and measuring the supply: set points with the output settled and measured, a set
//! point sent without waiting (a step across a threshold, timed from its command), and the
//! downward search for the warning.

use std::time::{Duration, Instant};

use hil_power::{PowerError, ReadingOrigin};
use hil_runner::Problem;

use super::bench::Bench;

/// Voltage step of the sweeps.
pub(super) const STEP_VOLTS: f64 = 0.020;
/// How long a sweep step waits for the warning before the next step. A deadline, not a sleep:
/// the URC ends the wait when it comes.
pub(super) const STEP_DWELL: Duration = Duration::from_millis(60);
/// How far above and below a threshold the threshold cases put the supply (clear of the
/// supply's settle tolerance, so the measured side of the threshold is certain).
pub(super) const MARGIN_VOLTS: f64 = 0.100;

/// Millivolts as volts.
pub(super) fn volts(mv: u16) -> f64 {
    f64::from(mv) / 1000.0
}

/// A supply problem: the bench, not the modem.
fn power(what: &str, e: PowerError) -> Problem {
    Problem::infra(format!("supply: {what}: {e}"))
}

/// A warning found by stepping the supply down.
#[derive(Debug, Clone)]
pub(super) struct Trip {
    /// Set point of the step on which the warning came.
    pub set: f64,
    /// Volts at the DUT on that step (measured, or the set point when the supply cannot measure).
    pub volts: f64,
    /// Volts of the step before, where the warning had not come (the trip lies in between).
    pub above: Option<f64>,
    /// When the first warning URC was read.
    pub at: Instant,
    /// From that step's set command to the URC.
    pub latency: Duration,
    /// The URC's line.
    pub line: String,
}

impl Bench<'_, '_> {
    /// Sets the supply and waits until its output settles there; returns the volts at the DUT.
    pub fn set_volts(&mut self, volts: f64) -> Result<f64, Problem> {
        self.dirty = true;
        self.supply()?
            .set_voltage(volts)
            .map_err(|e| power(&format!("set {volts:.3} V"), e))?;
        self.sample()
    }

    /// Sends a set point without waiting (a step across a threshold, timed from here).
    pub fn command_volts(&mut self, volts: f64) -> Result<Instant, Problem> {
        self.dirty = true;
        let supply = self.supply()?;
        let sent = Instant::now();
        supply
            .command_voltage(volts)
            .map_err(|e| power(&format!("set {volts:.3} V"), e))?;
        Ok(sent)
    }

    /// Waits until the output reaches the last set point, then measures it.
    pub fn settle(&mut self) -> Result<f64, Problem> {
        self.supply()?
            .wait_settled()
            .map_err(|e| power("settle", e))?;
        self.sample()
    }

    /// After a step to `sent`: waits for the output to settle and checks it measures below
    /// `limit`, so the side of a threshold the case needs is certain; returns the volts.
    pub fn settle_below(&mut self, sent: f64, limit: f64) -> Result<f64, Problem> {
        let below = self.settle()?;
        if below >= limit {
            return Err(Problem::infra(format!(
                "the supply measured {below:.3} V after a set point of {sent:.3} V: not below {limit:.3} V"
            )));
        }
        Ok(below)
    }

    /// One recorded reading: the measured output, or the set point on an instrument that
    /// cannot measure (noted: then nothing about the DUT's voltage was verified).
    pub fn sample(&mut self) -> Result<f64, Problem> {
        let (reading, _) = self.supply()?.sample().map_err(|e| power("measure", e))?;
        if reading.origin != ReadingOrigin::Measured {
            self.observe(
                "supply readback",
                "none: volts are set points, not measurements",
            );
        }
        Ok(reading.value)
    }

    /// Steps the supply down from `start` to `stop` (inclusive) by [`STEP_VOLTS`], waiting up
    /// to [`STEP_DWELL`] after each step for a warning URC.
    pub fn step_down_until_warning(
        &mut self,
        start: f64,
        stop: f64,
    ) -> Result<Option<Trip>, Problem> {
        let mut above = None;
        let mut set = start;
        while set >= stop - 1e-9 {
            let sent = Instant::now();
            let volts = self.set_volts(set)?;
            if let Some(urc) = self.wait_warning(STEP_DWELL)? {
                return Ok(Some(Trip {
                    set,
                    volts,
                    above,
                    at: urc.at,
                    latency: urc.at.saturating_duration_since(sent),
                    line: urc.line,
                }));
            }
            above = Some(volts);
            set -= STEP_VOLTS;
        }
        Ok(None)
    }
}
