//! Runs a [`Profile`] on a [`GuardedSupply`] and returns the [`Trace`] it recorded. The profile
//! is validated against the guard's limits first; nothing is sent if it does not pass. Holds
//! (dwell, dip hold, time between ramp steps) sample voltage and current at a fixed interval.

use std::time::{Duration, Instant};

use crate::error::PowerError;
use crate::guard::GuardedSupply;
use crate::profile::{Profile, RampPace, Step};
use crate::trace::Trace;

/// Runner settings.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Trace times are relative to this (share it with the AT transcript).
    pub epoch: Instant,
    /// Time between readings while holding.
    pub sample_every: Duration,
}

impl RunOptions {
    /// Options with times relative to `epoch`, sampling every 20 ms.
    pub fn new(epoch: Instant) -> Self {
        RunOptions {
            epoch,
            sample_every: Duration::from_millis(20),
        }
    }
}

/// A profile that failed part way, with what was recorded up to the failure.
#[derive(Debug, thiserror::Error)]
#[error("{}{error}", step.map(|s| format!("profile step {s}: ")).unwrap_or_default())]
pub struct ProfileRunError {
    /// 1-based step that failed; `None` for validation or setup.
    pub step: Option<usize>,
    #[source]
    /// What failed.
    pub error: Box<PowerError>,
    /// What was recorded up to the failure.
    pub trace: Trace,
}

/// Validates and runs `profile`.
pub fn run_profile(
    profile: &Profile,
    supply: &mut GuardedSupply,
    options: RunOptions,
) -> Result<Trace, ProfileRunError> {
    let fail = |supply: &mut GuardedSupply, step, error: PowerError| ProfileRunError {
        step,
        error: Box::new(error),
        trace: supply.take_trace().unwrap_or_default(),
    };
    if let Err(e) = profile.validate(supply.limits()) {
        return Err(ProfileRunError {
            step: None,
            error: Box::new(e.into()),
            trace: Trace::new(supply.describe()),
        });
    }
    supply.start_trace(options.epoch);
    if let Some(amps) = profile.current_limit
        && let Err(e) = supply.set_current_limit(amps)
    {
        return Err(fail(supply, None, e));
    }
    for (i, step) in profile.steps.iter().enumerate() {
        supply.note(format!("step {}: {}", i + 1, step.describe()));
        if let Err(e) = run_step(step, supply, &options) {
            return Err(fail(supply, Some(i + 1), e));
        }
    }
    Ok(supply.take_trace().unwrap_or_default())
}

fn run_step(
    step: &Step,
    supply: &mut GuardedSupply,
    options: &RunOptions,
) -> Result<(), PowerError> {
    match *step {
        Step::Set {
            volts,
            dwell_ms,
            settle,
        } => {
            if settle {
                supply.set_voltage(volts)?;
            } else {
                supply.command_voltage(volts)?;
            }
            hold_for(supply, Duration::from_millis(dwell_ms), options)
        }
        Step::Ramp {
            to,
            pace,
            step_mv,
            dwell_ms,
        } => {
            let from = supply.setpoint().ok_or(PowerError::NoSetPoint)?;
            let span = to - from;
            let n = ((span.abs() * 1000.0 / step_mv).ceil() as u64).max(1);
            let total = match pace {
                RampPace::OverMs(ms) => Duration::from_millis(ms),
                RampPace::SlewVPerS(s) => Duration::from_secs_f64(span.abs() / s),
            };
            let start = Instant::now();
            for k in 1..=n {
                let at = start + total.mul_f64(k as f64 / n as f64);
                hold_until(supply, at, options)?;
                let v = if k == n {
                    to
                } else {
                    from + span * k as f64 / n as f64
                };
                supply.command_voltage(v)?;
            }
            if supply.output() == Some(true) {
                supply.wait_settled()?;
            }
            hold_for(supply, Duration::from_millis(dwell_ms), options)
        }
        Step::Dip {
            to,
            hold_ms,
            dwell_ms,
        } => {
            let back = supply.setpoint().ok_or(PowerError::NoSetPoint)?;
            supply.command_voltage(to)?;
            hold_for(supply, Duration::from_millis(hold_ms), options)?;
            supply.set_voltage(back)?;
            hold_for(supply, Duration::from_millis(dwell_ms), options)
        }
    }
}

fn hold_for(
    supply: &mut GuardedSupply,
    d: Duration,
    options: &RunOptions,
) -> Result<(), PowerError> {
    if d.is_zero() {
        return Ok(());
    }
    hold_until(supply, Instant::now() + d, options)
}

/// Samples every `sample_every` until `end` (at least one sample when there is time).
fn hold_until(
    supply: &mut GuardedSupply,
    end: Instant,
    options: &RunOptions,
) -> Result<(), PowerError> {
    loop {
        let now = Instant::now();
        if now >= end {
            return Ok(());
        }
        supply.sample()?;
        let now = Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep(options.sample_every.min(end - now));
    }
}
