//! Characterizing a board: measure its modem through the console (and the supply, where the
//! rack allows) and describe it as a modem-firmware profile the simulator loads, with the
//! policies of its OPEN facts and the provenance of every field.
//!
//! Module map:
//! - [`options`]: what to measure ([`Options`]) and the scratch sec_tag range ([`Scratch`]);
//! - [`session`]: the board under measurement ([`Session`]): typed answers, scratch-only writes,
//!   the write probe, restoring the board;
//! - [`journal`]: what a run started, on disk, so an interrupted run is cleaned up next time;
//! - [`measure`]: one module per group of facts, each filling [`Findings`];
//! - [`emit`]: findings + a base profile → the profile with its provenance;
//! - [`diff`]: field-by-field differences between two profiles.
//!
//! Care with hardware (issue 15): every write goes to the scratch range, the supply never
//! leaves the rack's limits (the guarded supply refuses), and [`characterize`] restores CFUN,
//! CMEE, `%XPOFWARN` (by a reset when it was touched), the nominal supply and the scratch range
//! on every exit path; a killed run leaves a journal that the next run cleans up first.

#![warn(missing_docs)]

pub mod diff;
pub mod emit;
pub mod error;
pub mod findings;
pub mod journal;
pub mod measure;
pub mod options;
pub mod session;

pub use diff::{Difference, diff_profiles};
pub use emit::{Emitted, emit};
pub use error::Error;
pub use findings::Findings;
pub use journal::Journal;
pub use options::{Options, Scratch};
pub use session::Session;

use hil_lab::Board;

/// Measures `board` with `opts`: cleans up after an interrupted earlier run (journal), measures
/// every group the board allows, restores the board, removes the journal.
pub fn characterize(board: &mut Board, opts: &Options) -> Result<Findings, Error> {
    let mut session = Session::open(board, opts)?;
    let measured = measure::all(&mut session, opts);
    if let Err(Error::Interrupted(step)) = measured {
        // As a kill would: nothing restored, the journal left for the next run.
        return Err(Error::Interrupted(step));
    }
    let restored = session.finish();
    let findings = measured?;
    restored?;
    Ok(findings)
}
