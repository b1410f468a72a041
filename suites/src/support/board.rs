//! Bringing the board through a boot on purpose: a reset (`AT#XRESET`), a power cycle through
//! the supply, and the wait for the new boot that follows both — the same wait the lab uses
//! after a flash or a hang recovery ([`hil_at::AtClient::wait_boot`]). Each is marked in the
//! transcript (and the supply trace) as what it is, so a deliberate power cycle never reads
//! as a hang recovery.

use std::time::{Duration, Instant};

use hil_at::BootError;
use hil_runner::Problem;

use super::problems::at_problem;
use super::{CaseResult, Ctx};

/// How long a board may take to print `READY` after a reset or a power cycle.
pub const BOOT_TIMEOUT: Duration = hil_lab::recover::BOOT_TIMEOUT;

impl Ctx<'_> {
    /// A marker in the AT transcript and, when the board has a supply, in its trace.
    pub fn mark(&mut self, text: impl Into<String>) {
        let text = text.into();
        if let Ok(at) = self.at() {
            at.note(text.clone());
        }
        if let Ok(supply) = self.supply() {
            supply.note(text);
        }
    }

    /// `AT#XRESET`: the firmware-under-test resets the SoC, modem included; then the boot
    /// wait. Volatile modem state is gone afterwards (CFUN 0, CMEE 0, no subscriptions).
    pub fn reset(&mut self) -> CaseResult {
        self.mark("reset (AT#XRESET)");
        let name = self.board_name().to_string();
        match self.at()?.reset_and_wait(BOOT_TIMEOUT) {
            Ok(()) => Ok(()),
            Err(BootError::Reset(e)) => Err(at_problem(e)),
            Err(e) => Err(Problem::infra(format!("after AT#XRESET, `{name}` {e}"))),
        }
    }

    /// A power cycle at the nominal voltage; `why` labels it in the transcript.
    pub fn power_cycle(&mut self, why: &str) -> CaseResult {
        let nominal = self.nominal_volts();
        self.power_cycle_at(nominal, why)
    }

    /// Output off (until it measures off), `volts` set, output on, then the boot wait. Not
    /// applicable without a supply. URCs still queued from the previous boot are dropped
    /// first, so they cannot pass for this boot's. Volatile modem state is gone afterwards,
    /// the power-off warning back at its boot default (ref §4.1).
    pub fn power_cycle_at(&mut self, volts: f64, why: &str) -> CaseResult {
        self.mark(format!(
            "power cycle ({why}): output off, back on at {volts:.3} V"
        ));
        self.at()?.take_urcs().map_err(at_problem)?;
        let since = hil_lab::recover::power_cycle(self.supply()?, volts)
            .map_err(|e| Problem::infra(format!("supply: power cycle to {volts:.3} V: {e}")))?;
        self.wait_boot(since, &format!("the power cycle ({why})"))
    }

    /// Waits for a boot that began at `since`: the `READY` banner read after it, then `AT`
    /// answered. `after` names what started the boot in the problem. A board that does not
    /// come back is infrastructure (the runner recovers it).
    pub fn wait_boot(&mut self, since: Instant, after: &str) -> CaseResult {
        let name = self.board_name().to_string();
        self.at()?
            .wait_boot(since, BOOT_TIMEOUT)
            .map_err(|e| Problem::infra(format!("after {after}, `{name}` {e}")))
    }
}
