//! Programmable power supplies for the HIL harness.
//!
//! - [`PowerSupply`]: the interface every driver implements (identify, set voltage, set current
//!   limit, output on/off, measure voltage and current).
//! - [`GuardedSupply`]: the one place the DUT's [`Limits`] are enforced; it refuses an
//!   out-of-range set point before anything reaches the instrument, polls the output until it
//!   settles ([`SettleConfig`]), and records a [`Trace`].
//! - Drivers: [`ScpiSupply`] (per-model command tables for generic SCPI, Keysight E36300 and
//!   E3631A, Rigol DP800, Siglent SPD3303X, R&S HMC804x/NGE100, Keithley 2230/2280) over a
//!   [`transport::Transport`] (raw TCP or serial), [`KoradSupply`] (KA3005P protocol, 80 ms
//!   pacing) and [`Ppk2Supply`] (Nordic PPK2 as a source or ampere meter, with its 100 kS/s
//!   current stream decoded in a reader thread).
//! - [`current`]: [`CurrentTrace`] (min/max/mean current per time bucket on the AT transcript's
//!   clock), raw [`RawWindow`]s and [`DataLoss`], and the [`CurrentRecorder`] a supply offers
//!   through [`PowerSupply::recorder`].
//! - [`open`]: from a rack file's [`SupplySpec`] to a connected driver.
//! - [`Profile`] and [`run_profile`]: YAML voltage profiles (steps, ramps, dips) validated
//!   against the limits, run on a guarded supply into a trace exportable as CSV, JSON and SVG.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let rack = hil_rack::load("rack.yaml")?;
//! # let dut = &rack.duts[0];
//! let supply = hil_power::open(dut.supply.as_ref().unwrap())?;
//! let mut psu = hil_power::GuardedSupply::new(supply, dut.limits.unwrap())?;
//! psu.set_current_limit(0.5)?;
//! psu.set_voltage(3.8)?;
//! psu.set_output(true)?; // waits until the output reads 3.8 V
//! let profile = hil_power::Profile::from_yaml("steps: [{set: 3.8}, {dip: {to: 3.1, hold_ms: 20}}]", "inline")?;
//! let trace = hil_power::run_profile(&profile, &mut psu, hil_power::RunOptions::new(std::time::Instant::now()))?;
//! std::fs::write("supply.svg", trace.to_svg())?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod current;
pub mod error;
pub mod guard;
pub mod korad;
pub mod open;
mod pacing;
pub mod ppk2;
pub mod profile;
pub mod runner;
pub mod scpi;
pub mod settle;
pub mod supply;
mod svg;
pub mod timeline;
pub use svg::{Level, Marker, PlotOptions};
pub use timeline::{EventKind, Timeline, TimelineEvent};
pub mod trace;
pub mod transport;

pub use current::{
    CurrentBucket, CurrentRecorder, CurrentRecording, CurrentTrace, DataLoss, RawWindow,
    RecordOptions, WindowCut, WindowStats,
};
pub use error::{PowerError, Quantity};
pub use guard::GuardedSupply;
pub use hil_rack::{Limits, ScpiModel, SupplyDriver, SupplySpec};
pub use korad::{KoradOptions, KoradSupply};
pub use open::{OpenOptions, open, open_with, poll_interval};
pub use ppk2::{Ppk2Mode, Ppk2Supply};
pub use profile::{Profile, ProfileError, RampPace, Step};
pub use runner::{ProfileRunError, RunOptions, run_profile};
pub use scpi::ScpiSupply;
pub use scpi::driver::ScpiOptions;
pub use settle::{Goal, SettleConfig, Settled};
pub use supply::{Capabilities, PowerSupply, Reading, ReadingOrigin};
pub use trace::{Trace, TraceEvent, TracePoint};
