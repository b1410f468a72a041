//! The measurements, one module per group of facts, run in order by [`all`]. Each step starts
//! offline with CMEE on and leaves the scratch range empty.

pub mod capacity;
pub mod cmee;
pub mod cmng;
pub mod commands;
pub mod identity;
pub mod latency;
pub mod modes;
pub mod pofwarn;
pub mod supply;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

type Step = fn(&mut Session, &Options, &mut Findings) -> Result<(), Error>;

/// The steps in run order, by name (the names `Options::interrupt_after` takes).
pub const STEPS: [(&str, Step); 10] = [
    ("identity", identity::measure),
    ("cmee", cmee::measure),
    ("modes", modes::measure),
    ("cmng", cmng::measure),
    ("commands", commands::measure),
    ("pofwarn", pofwarn::measure),
    ("supply", supply::measure),
    ("capacity", capacity::measure),
    ("latency", latency::measure),
    ("param", cmee::param_error),
];

/// Every step, in order.
pub fn all(s: &mut Session, opts: &Options) -> Result<Findings, Error> {
    let mut f = Findings::default();
    for (name, step) in STEPS {
        s.offline()?;
        step(s, opts, &mut f)?;
        s.clear_scratch()?;
        s.step_done(name)?;
    }
    Ok(f)
}
