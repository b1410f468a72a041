//! The warning itself: subscribing to its two URCs, arming it at a threshold, and waiting for
//! or collecting its URCs (ref §4.1, §4.2).

use std::time::Duration;

use hil_at::{AtError, Urc};
use hil_runner::Problem;

use super::bench::Bench;
use crate::support::{CaseResult, Reply, at_problem};

/// Deadline for each warning URC once the supply has been stepped across the threshold. The
/// nRF91x1 doc says the warning has no delay (ref §4.1 [D7]); the deadline only bounds a miss.
pub(super) const URC_DEADLINE: Duration = Duration::from_secs(2);

/// The two URCs of the warning (ref §4.2 [D6]).
pub(super) const CGEV_LOW: &str = "+CGEV: ME BATTERY LOW";
pub(super) const MDMEV_LOW: &str = "%MDMEV: ME BATTERY LOW";

/// Whether a line is one of the warning's URCs.
pub(super) fn is_battery_low(line: &str) -> bool {
    let line = line.trim_end();
    line == CGEV_LOW || line == MDMEV_LOW
}

impl Bench<'_, '_> {
    /// `AT+CGEREP=1` and `AT%MDMEV=1`: the warning's two URCs (ref §4.2 [D6]).
    pub fn subscribe(&mut self) -> CaseResult {
        self.command("AT+CGEREP=1")?.expect_ok("AT+CGEREP=1")?;
        self.command("AT%MDMEV=1")?.expect_ok("AT%MDMEV=1")?;
        Ok(())
    }

    /// `AT%XPOFWARN=1,<30..33>` (ref §4.1 [D6]); must answer `OK`.
    pub fn arm(&mut self, threshold_mv: u16) -> CaseResult {
        self.dirty = true;
        let reply = Reply::from_at(self.at()?.xpofwarn_enable(threshold_mv))?;
        reply.expect_ok(&format!("AT%XPOFWARN=1 at {threshold_mv} mV"))?;
        Ok(())
    }

    /// `AT%XPOFWARN=0`, whatever it answers (absent before MFW 1.3.1, ref §4.1 [D8]).
    pub fn disarm(&mut self) -> Result<Reply<()>, Problem> {
        let reply = Reply::from_at(self.at()?.xpofwarn_disable())?;
        Ok(reply.map(|_| ()))
    }

    /// The next URC starting with `prefix` within `deadline`; `None` when none came.
    pub fn wait_urc(&mut self, prefix: &str, deadline: Duration) -> Result<Option<Urc>, Problem> {
        match self.at()?.wait_urc(prefix, deadline) {
            Ok(urc) => Ok(Some(urc)),
            Err(AtError::UrcTimeout { .. }) => Ok(None),
            Err(e) => Err(at_problem(e)),
        }
    }

    /// Either warning URC within `deadline`; the other one of the pair is left queued.
    pub fn wait_warning(&mut self, deadline: Duration) -> Result<Option<Urc>, Problem> {
        let wanted = format!("`{CGEV_LOW}` or `{MDMEV_LOW}`");
        match self
            .at()?
            .wait_urc_where(&wanted, |u| is_battery_low(&u.line), deadline)
        {
            Ok(urc) => Ok(Some(urc)),
            Err(AtError::UrcTimeout { .. }) => Ok(None),
            Err(e) => Err(at_problem(e)),
        }
    }

    /// The warning URCs received so far (other URCs are dropped: the transcript keeps them).
    pub fn take_warnings(&mut self) -> Result<Vec<Urc>, Problem> {
        let urcs = self.at()?.take_urcs().map_err(at_problem)?;
        Ok(urcs
            .into_iter()
            .filter(|u| is_battery_low(&u.line))
            .collect())
    }
}
