//! The power-off warning (POFWARN), driven by the supply (ref §4).
//!
//! Every case runs on a [`bench::Bench`]: the case context with the supply trace recorded and
//! attached (CSV and SVG), and the board power-cycled back to its boot state afterwards. Its
//! jobs: [`supply`] (stepping and measuring), [`warning`] (arming, URCs), [`probe`] (`%CMNG`
//! write with read-back, the suite's signatures). Outcomes come from what the console says and
//! what the supply measures — never from the simulator.
//!
//! - [`threshold`]: `threshold_3000` … `threshold_3300` — the reference behaviour at each
//!   `%XPOFWARN` threshold: URCs, offline, 528 on `%CMNG` write and delete, nothing stored;
//! - [`builtin`]: `builtin_check_3000` — the fixed 3.0 V check every firmware has;
//! - [`factory_jig`]: `factory_jig_report` — the field report of 528 on a factory jig;
//! - [`clear_policy`]: what clears the warning once the supply recovers (OPEN, ref §4.4);
//! - [`sweep`]: `threshold_sweep` — each threshold's trip voltage, plotted.
//!
//! What differs per firmware (no `%XPOFWARN` before MFW 1.3.1, no 528 before 1.3.2) is data:
//! `expectations/pofwarn.yaml`.

mod bench;
mod builtin;
mod clear_policy;
mod draw;
mod factory_jig;
mod probe;
mod supply;
mod sweep;
mod threshold;
mod warning;

use std::sync::Arc;

use hil_lab::Board;
use hil_runner::Case;

use crate::support::boxed;

/// Suite name: case ids are `pofwarn::<case>`.
pub const SUITE: &str = "pofwarn";

/// The `%XPOFWARN` thresholds, mV (`AT%XPOFWARN=1,30..33`, ref §4.1 [D6]).
pub const THRESHOLDS_MV: [u16; 4] = [3000, 3100, 3200, 3300];

/// The power suite's case that runs on this suite's bench (`power::pofwarn_draw`).
pub(crate) fn power_cases() -> Vec<hil_runner::FnCase<Board>> {
    draw::cases()
}

/// The suite's cases in run order: the reference behaviour first, then the field report,
/// then the characterizations.
pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    let mut all = threshold::cases();
    all.extend(builtin::cases());
    all.extend(factory_jig::cases());
    all.extend(clear_policy::cases());
    all.extend(sweep::cases());
    boxed(all)
}
