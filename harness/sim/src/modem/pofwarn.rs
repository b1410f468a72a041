//! The power-off warning (POFWARN) state machine and `AT%XPOFWARN` (ref §4).
//!
//! Driven by the supply ([`Modem::supply_changed`]): below the threshold the warning fires —
//! the modem goes offline (CFUN 4), sends `+CGEV: ME BATTERY LOW` (if `+CGEREP=1`) and
//! `%MDMEV: ME BATTERY LOW` (if `%MDMEV=1`) (ref §4.2 [D6]), and while it is active NVM updates
//! are refused with 528 or silently dropped, per profile (ref §4.3). One-shot firmware
//! (nRF91x1) disarms after firing until `AT%XPOFWARN=1,<v>` (ref §4.1 [D7]). What clears the
//! warning is OPEN (ref §4.4) and follows [`ClearPolicy`]. Separately, the built-in fixed
//! 3000 mV check at RX/TX start takes an active radio offline (ref §4.2 [F3]).

use super::parse::{Command, Form};
use super::policy::{ClearPolicy, PofwarnBoot};
use super::{AtError, Modem, Res};
use crate::profile::WarningNvm;

/// URC text of the warning (ref §7.1 [D6][C5]).
const BATTERY_LOW: &str = "ME BATTERY LOW";

/// Volatile warning state (plus the `active` latch, whose lifetime the clear policy decides).
#[derive(Debug, Clone, Default)]
pub(crate) struct WarnState {
    pub enabled: bool,
    pub threshold_mv: u32,
    /// One-shot firmware: false after firing until re-armed.
    pub armed: bool,
    pub active: bool,
}

impl Modem {
    /// The warning's effect on an NVM update right now (ref §4.3), `None` when none.
    pub(super) fn warning_blocks_nvm(&self) -> Option<WarningNvm> {
        if self.warn.active {
            self.profile.pofwarn.nvm
        } else {
            None
        }
    }

    /// Whether an active warning blocks a read/list too (policy, ref §4.3 CONFLICT → OPEN).
    pub(super) fn warning_blocks_read(&self) -> bool {
        self.policy.pofwarn_blocks_read && self.warning_blocks_nvm() == Some(WarningNvm::Refuse528)
    }

    /// Boot-time warning setup: `%XPOFWARN` per profile/policy (ref §4.1).
    pub(super) fn warn_boot(&mut self) {
        let default_mv = match self.policy.pofwarn_boot {
            PofwarnBoot::Profile => self.profile.pofwarn.default_mv,
            PofwarnBoot::Disabled => None,
            PofwarnBoot::Enabled if self.profile.pofwarn.command => {
                Some(self.policy.pofwarn_boot_mv)
            }
            PofwarnBoot::Enabled => None,
        };
        // ref §4.4: only the power-cycle policy keeps an active warning across a reset.
        let keep_active = self.warn.active && self.policy.pofwarn_clear == ClearPolicy::PowerCycle;
        self.warn = WarnState {
            enabled: default_mv.is_some(),
            threshold_mv: default_mv.unwrap_or(0),
            armed: default_mv.is_some(),
            active: keep_active,
        };
    }

    /// Power lost: the PMIC and the modem are off, so the warning goes with them.
    pub(super) fn warn_power_lost(&mut self) {
        self.warn = WarnState::default();
    }

    /// `AT+CFUN=` received: the cfun-cycle policy clears a warning once VDD has recovered.
    pub(super) fn warn_on_cfun(&mut self) {
        if self.policy.pofwarn_clear == ClearPolicy::CfunCycle && self.supply_recovered() {
            self.warn.active = false;
        }
    }

    fn supply_recovered(&self) -> bool {
        self.vdd_mv
            >= self
                .warn
                .threshold_mv
                .saturating_add(self.policy.hysteresis_mv)
    }

    fn radio_active(&self) -> bool {
        self.profile.cmng.active_cfun.contains(&self.vol.cfun)
    }

    /// Re-evaluates the warning and the built-in check against the current supply.
    pub(super) fn evaluate_supply(&mut self) {
        if self.warn.active
            && self.policy.pofwarn_clear == ClearPolicy::Level
            && self.supply_recovered()
        {
            self.warn.active = false;
        }
        let below = self.vdd_mv < self.warn.threshold_mv;
        if self.warn.enabled && self.warn.armed && !self.warn.active && below {
            self.fire();
        } else if self.warn.active && below && self.radio_active() {
            // [D8]: POFWARN keeps the LTE modem offline while VDD stays low.
            self.vol.cfun = 4;
        }
        if let Some(fixed) = self.profile.pofwarn.builtin_check_mv
            && self.radio_active()
            && self.vdd_mv < fixed
        {
            // ref §4.2 [F3]: disconnect, offline, notify; stays offline until CFUN=1.
            self.vol.cfun = 4;
            self.notify_battery_low();
            if self.policy.builtin_check_sets_warning {
                self.warn.active = true;
                self.warn.threshold_mv = self.warn.threshold_mv.max(fixed);
            }
        }
    }

    fn fire(&mut self) {
        self.warn.active = true;
        if self.profile.pofwarn.one_shot {
            self.warn.armed = false;
        }
        // ref §4.2 [D6]: the modem switches itself offline (CFUN 0 is already offline).
        if self.vol.cfun != 0 {
            self.vol.cfun = 4;
        }
        self.notify_battery_low();
    }

    fn notify_battery_low(&mut self) {
        if self.vol.cgerep == 1 {
            self.urcs.push(format!("+CGEV: {BATTERY_LOW}"));
        }
        if self.vol.mdmev == 1 && self.profile.commands.mdmev {
            self.urcs.push(format!("%MDMEV: {BATTERY_LOW}"));
        }
    }

    /// `AT%XPOFWARN=<state>[,<voltage>]` (ref §4.1 [D6][D7]); read form per policy (OPEN).
    pub(super) fn cmd_xpofwarn(&mut self, cmd: &Command) -> Res {
        match &cmd.form {
            Form::Set(_) if (1..=2).contains(&cmd.count()) => {
                let state = cmd.uint_in(0, 0, 1)?;
                let level = match cmd.uint(1)? {
                    Some(code) => Some(
                        *self
                            .profile
                            .pofwarn
                            .levels
                            .get(&u32::try_from(code).map_err(|_| AtError::Param)?)
                            .ok_or(AtError::Param)?,
                    ),
                    None => None,
                };
                if self.policy.pofwarn_clear == ClearPolicy::ReArm && self.supply_recovered() {
                    self.warn.active = false;
                }
                if state == 1 {
                    // ref §4.1: <voltage> is mandatory when enabling.
                    let mv = level.ok_or(AtError::Param)?;
                    self.warn.enabled = true;
                    self.warn.threshold_mv = mv;
                    self.warn.armed = true;
                } else {
                    self.warn.enabled = false;
                    self.warn.armed = false;
                }
                self.evaluate_supply();
                Ok(vec![])
            }
            Form::Read if self.policy.xpofwarn_read_form => {
                let code = self
                    .profile
                    .pofwarn
                    .levels
                    .iter()
                    .find(|(_, mv)| **mv == self.warn.threshold_mv)
                    .map(|(c, _)| c.to_string())
                    .unwrap_or_default();
                Ok(vec![format!(
                    "%XPOFWARN: {},{code}",
                    u8::from(self.warn.enabled)
                )])
            }
            Form::Set(_) => Err(AtError::Param),
            _ => Err(AtError::Syntax),
        }
    }
}
