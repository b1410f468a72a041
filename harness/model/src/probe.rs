//! How a simulated board's debug probe is named: the rack file's probe selectors
//! (`hil-rack`) and the simulator that serves the probe endpoints (`hil-sim`) share it.

/// The text prefix of a simulated probe's selector: `sim@HOST:PORT`.
pub const SIM_PROBE_PREFIX: &str = "sim@";
