//! The check sequence every NVM update passes, in `Policy::check_order` (ref §9, OPEN).
//!
//! Common to `%CMNG` write/delete, `%XPMNG` write and `%KEYGEN`: 518 in the active CFUN modes
//! (ref §3 [D1][D4][D9]), the power-off warning (528, or the silent drop of 1.3.0/1.3.1, ref §4.3)
//! and 515 when a new item does not fit (ref §2.1). Each command adds its own 527/519 rules.

use hil_model::CmeCode;

use super::policy::WriteCheck;
use super::{AtError, Modem};
use crate::profile::WarningNvm;

/// What the gate decided.
pub(super) enum Verdict {
    Pass,
    Fail(AtError),
    /// `OK` without effect (1.3.0/1.3.1 during a warning, ref §4.3 [C5]).
    DropOk,
}

impl Modem {
    /// Runs the checks in policy order. `specific` answers the checks a command owns
    /// (`Some`); otherwise the common rule applies (518, 528, 515 for a `new_slot`, else pass).
    pub(super) fn nvm_gate(
        &self,
        new_slot: bool,
        specific: impl Fn(WriteCheck) -> Option<Verdict>,
    ) -> Verdict {
        for &check in &self.policy.check_order {
            let verdict = specific(check).unwrap_or_else(|| match check {
                WriteCheck::ActiveMode518 => self.mode_check(),
                WriteCheck::PowerOffWarning528 => self.warning_check(),
                WriteCheck::MemoryFull515
                    if new_slot && self.nvm.user_count() >= self.policy.max_credentials =>
                {
                    Verdict::Fail(AtError::Cme(CmeCode::MEMORY_FULL))
                }
                _ => Verdict::Pass,
            });
            if !matches!(verdict, Verdict::Pass) {
                return verdict;
            }
        }
        Verdict::Pass
    }

    /// ref §3 [D1]: updates → 518 in CFUN 1, 2, 21 (the profile's `active_cfun`).
    fn mode_check(&self) -> Verdict {
        if self.profile.cmng.active_cfun.contains(&self.vol.cfun) {
            Verdict::Fail(AtError::Cme(CmeCode::NOT_ALLOWED_ACTIVE))
        } else {
            Verdict::Pass
        }
    }

    /// ref §4.3: 528 (nRF9160 ≥ 1.3.2, nRF91x1) or OK-without-effect (1.3.0/1.3.1).
    fn warning_check(&self) -> Verdict {
        match self.warning_blocks_nvm() {
            Some(WarningNvm::Refuse528) => Verdict::Fail(AtError::Cme(CmeCode::POWER_OFF_WARNING)),
            Some(WarningNvm::SilentDrop) => Verdict::DropOk,
            None => Verdict::Pass,
        }
    }
}
