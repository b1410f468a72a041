//! General commands: identification, `+CMEE`, `+CFUN`, `%XVBAT`, event subscriptions.

use super::parse::{Command, Form};
use super::{AtError, Modem, Res};

/// `+CMEE` values (ref §2.2 [D19]).
const CMEE_MAX: u64 = 2;

impl Modem {
    /// `AT+CMEE=<n>` / `AT+CMEE?` (ref §2.2; default 0 at boot, INFERRED).
    pub(super) fn cmd_cmee(&mut self, cmd: &Command) -> Res {
        match &cmd.form {
            Form::Set(_) if cmd.count() == 1 => {
                self.vol.cmee = cmd.uint_in(0, 0, CMEE_MAX)? as u8;
                Ok(vec![])
            }
            Form::Read => Ok(vec![format!("+CMEE: {}", self.vol.cmee)]),
            Form::Test => Ok(vec!["+CMEE: (0-2)".into()]),
            Form::Set(_) => Err(AtError::Param),
            Form::Action => Err(AtError::Syntax),
        }
    }

    /// `AT+CFUN=<n>` / `AT+CFUN?` over the profile's modes (ref §3, §10.4).
    pub(super) fn cmd_cfun(&mut self, cmd: &Command) -> Res {
        match &cmd.form {
            Form::Set(_) if cmd.count() == 1 => {
                let n = cmd.uint_in(0, 0, 255)? as u8;
                if !self.profile.cfun_modes.contains(&n) {
                    return Err(AtError::Param);
                }
                // ref §2.2: whether CMEE survives a modem power-down is OPEN (policy).
                if n == 0 && !self.policy.cmee_survives_cfun {
                    self.vol.cmee = 0;
                }
                self.warn_on_cfun();
                self.vol.cfun = n;
                // ref §4.2 [F3]: the supply is checked at the next RX/TX start.
                self.evaluate_supply();
                Ok(vec![])
            }
            Form::Read => Ok(vec![format!("+CFUN: {}", self.vol.cfun)]),
            Form::Test => {
                let modes: Vec<String> =
                    self.profile.cfun_modes.iter().map(u8::to_string).collect();
                Ok(vec![format!("+CFUN: ({})", modes.join(","))])
            }
            Form::Set(_) => Err(AtError::Param),
            Form::Action => Err(AtError::Syntax),
        }
    }

    /// Commands answering one bare line: `+CGMR`, `+CGMM`, `+CGMI` (ref §6 [D15]).
    pub(super) fn cmd_bare(&self, cmd: &Command, value: &str) -> Res {
        match cmd.form {
            Form::Action => Ok(vec![value.to_string()]),
            Form::Test => Ok(vec![]),
            _ => Err(AtError::Syntax),
        }
    }

    /// Commands answering `<prefix>: <value>`: `%SHORTSWVER`, `%HWVERSION` (ref §6).
    pub(super) fn cmd_prefixed(&self, cmd: &Command, prefix: &str, value: &str) -> Res {
        match cmd.form {
            Form::Action => Ok(vec![format!("{prefix}: {value}")]),
            _ => Err(AtError::Syntax),
        }
    }

    /// `AT+CGSN` → bare IMEI; `AT+CGSN=1` → `+CGSN: "<imei>"` (ref §6 [D15]).
    pub(super) fn cmd_cgsn(&self, cmd: &Command) -> Res {
        let imei = &self.identity.imei;
        match &cmd.form {
            Form::Action => Ok(vec![imei.clone()]),
            Form::Set(_) if cmd.count() == 1 => match cmd.uint_in(0, 0, 3)? {
                0 => Ok(vec![imei.clone()]),
                1 => Ok(vec![format!("+CGSN: \"{imei}\"")]),
                _ => Err(AtError::Param),
            },
            Form::Test => Ok(vec!["+CGSN: (0,1)".into()]),
            _ => Err(AtError::Param),
        }
    }

    /// `AT%XVBAT` → `%XVBAT: <mV>` from the supply (ref §4.2: the recovery recipe polls it).
    pub(super) fn cmd_xvbat(&self, cmd: &Command) -> Res {
        match cmd.form {
            Form::Action => Ok(vec![format!("%XVBAT: {}", self.vdd_mv)]),
            _ => Err(AtError::Syntax),
        }
    }

    /// `AT+CGEREP=<mode>[,<bfr>]` / `AT+CGEREP?`: `+CGEV` reporting (ref §4.2 [D6]).
    pub(super) fn cmd_cgerep(&mut self, cmd: &Command) -> Res {
        match &cmd.form {
            Form::Set(_) if (1..=2).contains(&cmd.count()) => {
                let mode = cmd.uint_in(0, 0, 1)? as u8;
                if cmd.uint(1)?.is_some_and(|b| b != 0) {
                    return Err(AtError::Param);
                }
                self.vol.cgerep = mode;
                Ok(vec![])
            }
            Form::Read => Ok(vec![format!("+CGEREP: {},0", self.vol.cgerep)]),
            Form::Test => Ok(vec!["+CGEREP: (0,1),(0)".into()]),
            Form::Set(_) => Err(AtError::Param),
            Form::Action => Err(AtError::Syntax),
        }
    }

    /// `AT%MDMEV=<n>` / `AT%MDMEV?`: modem domain events (ref §4.2 [D6], §4.5 [C5]).
    pub(super) fn cmd_mdmev(&mut self, cmd: &Command) -> Res {
        match &cmd.form {
            Form::Set(_) if cmd.count() == 1 => {
                self.vol.mdmev = cmd.uint_in(0, 0, 1)? as u8;
                Ok(vec![])
            }
            Form::Read => Ok(vec![format!("%MDMEV: {}", self.vol.mdmev)]),
            Form::Test => Ok(vec!["%MDMEV: (0,1)".into()]),
            Form::Set(_) => Err(AtError::Param),
            Form::Action => Err(AtError::Syntax),
        }
    }
}
