//! Settle polling: after a set, read the output until it is within tolerance of the target or a
//! deadline passes. No fixed sleeps — a fast supply returns after one reading, a slowly bleeding
//! one gets the time it needs, and a stuck one produces an error with the set point, the last
//! reading and the elapsed time.

use std::time::{Duration, Instant};

use crate::error::PowerError;
use crate::supply::{PowerSupply, Reading, ReadingOrigin};

/// How settling is judged.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SettleConfig {
    /// Settled when |measured − set point| ≤ this.
    pub tolerance_volts: f64,
    /// Give up after this long.
    pub deadline: Duration,
    /// Time between two readings (the driver's own pacing may make it longer).
    pub poll_interval: Duration,
    /// After switching off, the output counts as off below this.
    pub off_below_volts: f64,
}

impl Default for SettleConfig {
    /// 50 mV, 3 s (a lightly loaded supply bleeds down slowly, 1–2 s for a volt), 10 ms, 0.3 V.
    fn default() -> Self {
        SettleConfig {
            tolerance_volts: 0.05,
            deadline: Duration::from_secs(3),
            poll_interval: Duration::from_millis(10),
            off_below_volts: 0.3,
        }
    }
}

/// What the output was waited for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// Within tolerance of this voltage.
    Near(f64),
    /// Below this voltage (output switched off).
    Below(f64),
}

/// The outcome of a successful wait.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settled {
    /// What was waited for.
    pub goal: Goal,
    /// The reading that satisfied the goal.
    pub reading: f64,
    /// [`ReadingOrigin::SetPoint`] when the instrument cannot measure: then nothing was
    /// verified and the settle is assumed.
    pub origin: ReadingOrigin,
    /// How long the wait took.
    pub elapsed: Duration,
    /// How many readings were taken.
    pub polls: u32,
}

impl Settled {
    /// True when the instrument has no readback and settling was taken on trust.
    pub fn assumed(&self) -> bool {
        self.origin == ReadingOrigin::SetPoint
    }
}

/// Polls `supply` until `goal` holds or the deadline passes; every reading goes to `observe`.
pub fn wait_for(
    supply: &mut dyn PowerSupply,
    goal: Goal,
    config: &SettleConfig,
    observe: &mut dyn FnMut(&Reading),
) -> Result<Settled, PowerError> {
    let start = Instant::now();
    let mut polls = 0u32;
    let last = loop {
        let reading = supply.measure_voltage()?;
        polls += 1;
        observe(&reading);
        let done = match goal {
            Goal::Near(target) => (reading.value - target).abs() <= config.tolerance_volts,
            Goal::Below(limit) => reading.value < limit,
        };
        if done || reading.origin == ReadingOrigin::SetPoint {
            return Ok(Settled {
                goal,
                reading: reading.value,
                origin: reading.origin,
                elapsed: start.elapsed(),
                polls,
            });
        }
        let elapsed = start.elapsed();
        if elapsed >= config.deadline {
            break Some(reading.value);
        }
        std::thread::sleep(config.poll_interval.min(config.deadline - elapsed));
    };
    let elapsed = start.elapsed();
    Err(match goal {
        Goal::Near(setpoint) => PowerError::NotSettled {
            supply: supply.describe(),
            setpoint,
            tolerance: config.tolerance_volts,
            last_reading: last,
            elapsed,
        },
        Goal::Below(below) => PowerError::StillOn {
            supply: supply.describe(),
            below,
            last_reading: last,
            elapsed,
        },
    })
}
