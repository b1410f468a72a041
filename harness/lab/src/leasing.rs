//! Holding the boards' leases for as long as the lab is up: every rack-file board's hardware
//! (probe, console port, supply output) is leased before anything opens it, all or nothing;
//! boards the lab simulates in-process need none.

use hil_lease::{BoardClaim, LeaseRequest, Leases};
use hil_rack::DutSpec;

use crate::error::LabError;

/// Whether bring-up takes board leases.
#[derive(Debug, Clone, Default)]
pub enum Leasing {
    /// No leases: for tests and benchmarks whose boards nothing else can reach. The app layer
    /// always turns leases on.
    #[default]
    Off,
    /// Lease every rack-file board before touching it.
    On(LeaseRequest),
}

impl Leasing {
    /// Lets `interrupt` (the command's stop request) end a wait for boards, local or labgrid.
    pub fn interrupt_waits_on(&mut self, interrupt: hil_lease::Interrupt) {
        if let Leasing::On(request) = self {
            request.interrupt = interrupt;
        }
    }
}

/// Leases the boards of `specs` (none when leasing is off or every board is simulated), with
/// a note naming what is held.
pub(crate) fn lease_boards(
    specs: &[DutSpec],
    leasing: &Leasing,
) -> Result<(Leases, Option<String>), LabError> {
    let Leasing::On(request) = leasing else {
        return Ok((Leases::default(), None));
    };
    let claims: Vec<BoardClaim> = specs.iter().map(BoardClaim::of).collect();
    let leases = request.acquire(&claims)?;
    let note = leases.dir().map(|dir| {
        let boards: Vec<&str> = claims
            .iter()
            .filter(|c| !c.keys.is_empty())
            .filter_map(|c| c.board.as_deref())
            .collect();
        format!(
            "leased {} ({} hardware leases in {})",
            boards.join(", "),
            leases.keys().count(),
            dir.display()
        )
    });
    Ok((leases, note))
}
