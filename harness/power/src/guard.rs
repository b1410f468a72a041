//! The one place the DUT's supply limits are enforced. Every set point goes through
//! [`GuardedSupply`]; one outside the rack file's window is refused with an error before
//! anything reaches the instrument. The guard also waits for the output to settle after each
//! set and records a time-stamped [`Trace`] of everything it did and read.

use std::time::Instant;

use hil_rack::Limits;

use crate::error::{PowerError, Quantity};
use crate::settle::{self, Goal, SettleConfig, Settled};
use crate::supply::{Capabilities, PowerSupply, Reading, ReadingOrigin};
use crate::trace::{Trace, TraceEvent, TracePoint};

/// A supply wrapped in the DUT's limits.
pub struct GuardedSupply {
    inner: Box<dyn PowerSupply>,
    limits: Limits,
    settle: SettleConfig,
    setpoint: Option<f64>,
    output: Option<bool>,
    recorder: Option<(Instant, Trace)>,
}

impl GuardedSupply {
    /// Wraps `inner`; the limits are checked first (an inverted window is an error).
    pub fn new(inner: Box<dyn PowerSupply>, limits: Limits) -> Result<Self, PowerError> {
        limits.validate().map_err(PowerError::InvalidLimits)?;
        Ok(GuardedSupply {
            inner,
            limits,
            settle: SettleConfig::default(),
            setpoint: None,
            output: None,
            recorder: None,
        })
    }

    /// Uses `settle` to wait for the output.
    pub fn with_settle(mut self, settle: SettleConfig) -> Self {
        self.settle = settle;
        self
    }

    /// How the guard waits for the output to settle.
    pub fn settle_config(&self) -> &SettleConfig {
        &self.settle
    }

    /// The DUT's limits the guard enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The supply's label for logs and errors.
    pub fn describe(&self) -> String {
        self.inner.describe()
    }

    /// What the supply's driver can do.
    pub fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    /// The supply's background current recording, if it has one (see [`PowerSupply::recorder`]).
    pub fn recorder(&mut self) -> Option<&mut dyn crate::CurrentRecorder> {
        self.inner.recorder()
    }

    /// The last voltage set through the guard.
    pub fn setpoint(&self) -> Option<f64> {
        self.setpoint
    }

    /// The output state last set through the guard (`None` until then).
    pub fn output(&self) -> Option<bool> {
        self.output
    }

    /// Refuses a voltage outside the limits (or not a number).
    pub fn check_volts(&self, volts: f64) -> Result<(), PowerError> {
        if volts.is_finite() && self.limits.allows_volts(volts) {
            Ok(())
        } else {
            Err(PowerError::OutOfLimits {
                quantity: Quantity::Voltage,
                requested: volts,
                min: self.limits.min_volts,
                max: self.limits.max_volts,
            })
        }
    }

    /// Refuses a current limit that is not in (0, max_amps].
    pub fn check_amps(&self, amps: f64) -> Result<(), PowerError> {
        if amps.is_finite() && amps > 0.0 && amps <= self.limits.max_amps {
            Ok(())
        } else {
            Err(PowerError::OutOfLimits {
                quantity: Quantity::CurrentLimit,
                requested: amps,
                min: 0.0,
                max: self.limits.max_amps,
            })
        }
    }

    /// The instrument's identity.
    pub fn identify(&mut self) -> Result<String, PowerError> {
        self.inner.identify()
    }

    /// Sets the voltage and, if the output is on (switched on through the guard), waits until
    /// it settles. `None` when there was nothing to wait for.
    pub fn set_voltage(&mut self, volts: f64) -> Result<Option<Settled>, PowerError> {
        self.command_voltage(volts)?;
        if self.output == Some(true) {
            self.wait_settled().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Sets the voltage without waiting (ramp steps, dips). Still limit-checked.
    pub fn command_voltage(&mut self, volts: f64) -> Result<(), PowerError> {
        self.check_volts(volts)?;
        self.inner.set_voltage(volts)?;
        self.setpoint = Some(volts);
        self.record(TraceEvent::Set, None, None, None);
        Ok(())
    }

    /// Waits until the output is at the current set point.
    pub fn wait_settled(&mut self) -> Result<Settled, PowerError> {
        let target = self.setpoint.ok_or(PowerError::NoSetPoint)?;
        self.wait(Goal::Near(target))
    }

    fn wait(&mut self, goal: Goal) -> Result<Settled, PowerError> {
        let config = self.settle;
        let mut readings = Vec::new();
        let result = settle::wait_for(self.inner.as_mut(), goal, &config, &mut |r| {
            readings.push((Instant::now(), *r));
        });
        for (at, r) in readings {
            self.record_at(at, TraceEvent::Settle, voltage(&r), None, None);
        }
        result
    }

    /// Sends a current limit (amperes) after checking it against the DUT's limits.
    pub fn set_current_limit(&mut self, amps: f64) -> Result<(), PowerError> {
        self.check_amps(amps)?;
        self.inner.set_current_limit(amps)?;
        self.record(
            TraceEvent::CurrentLimit,
            None,
            None,
            Some(format!("{amps} A")),
        );
        Ok(())
    }

    /// Switches the output. On: refused until a voltage was set through the guard (the
    /// instrument's own set point is unknown), then waits for the set point. Off: waits until
    /// the output is below the off threshold.
    pub fn set_output(&mut self, on: bool) -> Result<Settled, PowerError> {
        if on && self.setpoint.is_none() {
            return Err(PowerError::NoSetPoint);
        }
        self.inner.set_output(on)?;
        self.output = Some(on);
        let event = if on {
            TraceEvent::OutputOn
        } else {
            TraceEvent::OutputOff
        };
        self.record(event, None, None, None);
        if on {
            self.wait_settled()
        } else {
            self.wait(Goal::Below(self.settle.off_below_volts))
        }
    }

    /// Reads the output voltage.
    pub fn measure_voltage(&mut self) -> Result<Reading, PowerError> {
        self.inner.measure_voltage()
    }

    /// Reads the output current.
    pub fn measure_current(&mut self) -> Result<Reading, PowerError> {
        self.inner.measure_current()
    }

    /// Reads voltage and (when the instrument can) current, and records them.
    pub fn sample(&mut self) -> Result<(Reading, Option<Reading>), PowerError> {
        let v = self.inner.measure_voltage()?;
        let a = if self.inner.capabilities().current_readback {
            Some(self.inner.measure_current()?)
        } else {
            None
        };
        self.record(TraceEvent::Sample, voltage(&v), a.map(|a| a.value), None);
        Ok((v, a))
    }

    /// Starts recording a trace with times relative to `epoch` (share it with the AT
    /// transcript to align the two). Replaces any trace being recorded.
    pub fn start_trace(&mut self, epoch: Instant) {
        self.recorder = Some((epoch, Trace::new(self.inner.describe())));
    }

    /// Stops recording and returns the trace.
    pub fn take_trace(&mut self) -> Option<Trace> {
        self.recorder.take().map(|(_, t)| t)
    }

    /// The trace being recorded, if any.
    pub fn trace(&self) -> Option<&Trace> {
        self.recorder.as_ref().map(|(_, t)| t)
    }

    /// Adds a marker to the trace (profile step boundaries).
    pub fn note(&mut self, text: impl Into<String>) {
        self.record(TraceEvent::Note, None, None, Some(text.into()));
    }

    fn record(
        &mut self,
        event: TraceEvent,
        meas_v: Option<f64>,
        meas_a: Option<f64>,
        note: Option<String>,
    ) {
        self.record_at(Instant::now(), event, meas_v, meas_a, note);
    }

    fn record_at(
        &mut self,
        at: Instant,
        event: TraceEvent,
        meas_v: Option<f64>,
        meas_a: Option<f64>,
        note: Option<String>,
    ) {
        let set_v = self.setpoint;
        if let Some((epoch, trace)) = &mut self.recorder {
            trace.points.push(TracePoint {
                t_ms: at.saturating_duration_since(*epoch).as_secs_f64() * 1000.0,
                event,
                set_v,
                meas_v,
                meas_a,
                note,
            });
        }
    }
}

/// A voltage reading worth recording as measured (not a set point echoed back).
fn voltage(r: &Reading) -> Option<f64> {
    (r.origin == ReadingOrigin::Measured).then_some(r.value)
}
