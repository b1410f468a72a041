//! How a simulated board gets its power: a rail, and the simulated bench supply driving it.
//!
//! Kept in one place so the supply side can change without touching the rack.

use std::io;
use std::sync::Arc;

use crate::rail::{Slew, SupplyRail};
use crate::supply::{self, SupplyEndpoint, SupplyModel};
use crate::timing::Timing;

/// A live rail at `volts` (output on) with a `model` supply wired to it. The supply sets the
/// rail's slew for the timing mode.
pub fn power(
    model: SupplyModel,
    volts: f64,
    timing: Timing,
) -> io::Result<(Arc<SupplyRail>, SupplyEndpoint)> {
    let rail = Arc::new(SupplyRail::new(volts, Slew::FAST));
    let endpoint = supply::start(model, rail.clone(), timing)?;
    Ok((rail, endpoint))
}
