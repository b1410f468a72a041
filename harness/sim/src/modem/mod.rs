//! A stateful nRF91 modem behind the AT interface.
//!
//! [`Modem::execute`] takes one complete command (no terminator, as libmodem passes it, ref §7.1)
//! and answers with the information lines and final result, each CRLF-terminated, exactly as
//! `nrf_modem_at_cmd()` would put them in the caller's buffer (an empty list is just `OK\r\n`).
//! What the modem does depends on its firmware [`Profile`] (CONFIRMED facts, as data) and on a
//! [`Policy`] (OPEN facts, as knobs). Facts cite `shared/reference/nrf91-modem-keymgmt.md`
//! ("ref §n [source]").
//!
//! Module map: [`parse`] (argument grammar), `general` (identity, CFUN, CMEE, subscriptions),
//! `cmng` + `pem` (credential commands and 527 validation), `gate` (the
//! policy-ordered update checks shared by every NVM write), `store` (NVM), `xpmng`, `pofwarn`
//! (power-off warning state machine and `%XPOFWARN`), `keygen` + `cose` (`%KEYGEN`,
//! `%ATTESTTOKEN`), `babble` (the endless-output fault), [`identity`], [`policy`].

mod babble;
mod cmng;
mod cose;
mod gate;
mod general;
pub mod identity;
mod keygen;
pub(crate) mod parse;
mod pem;
mod pofwarn;
pub mod policy;
mod store;
mod xpmng;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use hil_model::CmeCode;

use crate::profile::Profile;
use babble::Babble;
pub use identity::ModemIdentity;
use parse::{BadParam, Command};
use pofwarn::WarnState;
pub use policy::{
    ClearPolicy, OverwritePolicy, ParamErrorStyle, PofwarnBoot, Policy, SecretReadPolicy,
    WriteCheck,
};
use store::Store;

/// The modem's answer to one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Information lines then the final result code, each ending in CRLF.
    Answer(Vec<u8>),
    /// No answer at all (fault injection only: ref §7.3 waiting for a closing quote, or the
    /// alpha store hang; and a modem without power).
    Silent,
}

impl Reply {
    /// The answer as text (lossy), `None` when silent.
    pub fn text(&self) -> Option<String> {
        match self {
            Reply::Answer(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Reply::Silent => None,
        }
    }
}

/// Why a command failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AtError {
    /// Unknown or malformed command: always plain `ERROR`.
    Syntax,
    /// Bad parameter value of a known command: 50 or `ERROR` (policy `param_error`).
    Param,
    /// A modem error code: `+CME ERROR: <n>` when CMEE is on, `ERROR` otherwise (ref §2.2).
    Cme(CmeCode),
}

impl From<BadParam> for AtError {
    fn from(_: BadParam) -> Self {
        AtError::Param
    }
}

/// Information lines of a successful command, or why it failed.
pub(crate) type Res = Result<Vec<String>, AtError>;

/// What a handler produced.
pub(crate) enum Outcome {
    Done(Res),
    Silent,
}

impl From<Res> for Outcome {
    fn from(r: Res) -> Self {
        Outcome::Done(r)
    }
}

/// State that a reset or power loss returns to boot defaults.
#[derive(Debug, Clone, Default)]
pub(crate) struct Volatile {
    pub cfun: u8,
    pub cmee: u8,
    pub cgerep: u8,
    pub mdmev: u8,
}

/// A simulated nRF91 modem.
#[derive(Debug)]
pub struct Modem {
    profile: Arc<Profile>,
    identity: ModemIdentity,
    policy: Policy,
    nvm: Store,
    vol: Volatile,
    warn: WarnState,
    vdd_mv: u32,
    powered: bool,
    urcs: Vec<String>,
    /// Fault mode `modem_waits_for_quote`: the command still waiting for its closing quote.
    pending_quote: Option<Vec<u8>>,
    /// `%KEYGEN` key generations so far (for the board's current model).
    keygens: u64,
    /// Fault mode `babble_after_commands` (survives resets).
    babble: Babble,
}

/// Supply assumed until the first [`Modem::supply_changed`], mV (nominal 3.7 V).
const INITIAL_VDD_MV: u32 = 3700;

impl Modem {
    /// A powered modem just out of reset (CFUN 0, CMEE 0), with the profile's factory items.
    pub fn new(profile: Arc<Profile>, identity: ModemIdentity, policy: Policy) -> Self {
        let mut modem = Modem {
            nvm: Store::default(),
            vol: Volatile::default(),
            warn: WarnState::default(),
            vdd_mv: INITIAL_VDD_MV,
            powered: true,
            urcs: Vec::new(),
            pending_quote: None,
            keygens: 0,
            babble: Babble::new(policy.babble_after_commands),
            profile,
            identity,
            policy,
        };
        modem.install_factory_items();
        modem.boot();
        modem
    }

    /// Executes one complete command (no terminator). Never panics, whatever the bytes.
    pub fn execute(&mut self, command: &[u8]) -> Reply {
        if !self.powered || self.babble.count_command() {
            return Reply::Silent;
        }
        let command = match self.pending_quote.take() {
            // ref §7.1/§9: the modem kept waiting; the next line continues the string.
            Some(mut pending) => {
                pending.extend_from_slice(b"\r\n");
                pending.extend_from_slice(command);
                pending
            }
            None => command.to_vec(),
        };
        if parse::quote_count(&command) % 2 == 1 && self.policy.modem_waits_for_quote {
            self.pending_quote = Some(command);
            return Reply::Silent;
        }
        // ref §7.1 [D10]: commands chain with `;`; the first failure ends the chain.
        let mut lines = Vec::new();
        for part in parse::split_chain(&command) {
            let outcome = match parse::parse(&part) {
                Ok(cmd) => self.dispatch(&cmd),
                Err(_) => Outcome::Done(Err(AtError::Syntax)),
            };
            match outcome {
                Outcome::Done(Ok(more)) => lines.extend(more),
                Outcome::Done(Err(e)) => return Reply::Answer(self.render(lines, Some(e))),
                Outcome::Silent => return Reply::Silent,
            }
        }
        Reply::Answer(self.render(lines, None))
    }

    /// Pending unsolicited result codes, oldest first, without CRLF (and, with the
    /// `babble_after_commands` fault active, the next chunk of endless output).
    pub fn take_urcs(&mut self) -> Vec<String> {
        let mut urcs = std::mem::take(&mut self.urcs);
        if self.powered {
            urcs.extend(self.babble.take());
        }
        urcs
    }

    /// The supply at the modem changed to `volts` (call on every change).
    pub fn supply_changed(&mut self, volts: f64) {
        let mv = if volts.is_finite() && volts > 0.0 {
            (volts * 1000.0).round().min(f64::from(u32::MAX)) as u32
        } else {
            0
        };
        self.vdd_mv = mv;
        let below_brownout = volts.is_nan() || volts < self.policy.power_loss_volts;
        match (self.powered, below_brownout) {
            (true, true) => self.power_lost(),
            (false, false) => {
                self.powered = true;
                self.boot();
            }
            (true, false) => self.evaluate_supply(),
            (false, true) => {}
        }
    }

    /// Reset: volatile state to boot defaults (CFUN 0, CMEE 0, subscriptions off, `%XPOFWARN`
    /// per profile/policy); NVM kept.
    pub fn reboot(&mut self) {
        if self.powered {
            self.boot();
        }
    }

    /// Realistic-mode processing time of `command`, from the profile.
    pub fn latency(&self, command: &[u8]) -> Duration {
        self.profile.latency_of(command)
    }

    /// The profile the modem imitates.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The identity strings the modem reports.
    pub fn identity(&self) -> &ModemIdentity {
        &self.identity
    }

    /// The policies for behaviour the reference leaves OPEN.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// NVM snapshot `(tag, type, bytes)`, factory items included.
    pub fn credentials(&self) -> Vec<(u32, u8, Vec<u8>)> {
        self.nvm.snapshot()
    }

    /// The current `+CFUN` mode.
    pub fn cfun(&self) -> u8 {
        self.vol.cfun
    }

    /// The current `+CMEE` setting.
    pub fn cmee(&self) -> u8 {
        self.vol.cmee
    }

    /// Whether a power-off warning is active (blocking NVM updates where the firmware does).
    pub fn pofwarn_active(&self) -> bool {
        self.warn.active
    }

    /// Whether the modem has power (supply at or above `Policy::power_loss_volts`).
    pub fn powered(&self) -> bool {
        self.powered
    }

    /// Supply voltage last reported, mV.
    pub fn vdd_mv(&self) -> u32 {
        self.vdd_mv
    }

    /// Credential writes and deletes that reached NVM since power-up of the simulation.
    pub fn nvm_writes(&self) -> u64 {
        self.nvm.writes()
    }

    /// Keys generated by `%KEYGEN` so far.
    pub fn keygens(&self) -> u64 {
        self.keygens
    }

    fn boot(&mut self) {
        // ref §2.2: the CMEE default after boot is OPEN (policy `cmee_boot`).
        self.vol = Volatile {
            cmee: self.policy.cmee_boot.min(2),
            ..Volatile::default()
        };
        self.urcs.clear();
        self.pending_quote = None;
        self.warn_boot();
        self.evaluate_supply();
    }

    fn power_lost(&mut self) {
        self.powered = false;
        self.vol = Volatile::default();
        self.urcs.clear();
        self.pending_quote = None;
        self.warn_power_lost();
    }

    fn install_factory_items(&mut self) {
        for p in &self.profile.preinstalled {
            self.nvm.put(
                p.sec_tag,
                p.kind,
                p.content.as_bytes().to_vec(),
                store::Origin::Factory,
            );
        }
        if let Some(x) = &self.profile.xpmng {
            for (tag, pem) in &x.factory_keys {
                self.nvm.put(
                    *tag,
                    xpmng::XPMNG_TYPE,
                    pem.as_bytes().to_vec(),
                    store::Origin::Factory,
                );
            }
        }
    }

    fn dispatch(&mut self, cmd: &Command) -> Outcome {
        let p = Arc::clone(&self.profile);
        match cmd.name.as_str() {
            "" if cmd.form == parse::Form::Action => Ok(vec![]).into(),
            "+CMEE" => self.cmd_cmee(cmd).into(),
            "+CFUN" => self.cmd_cfun(cmd).into(),
            "+CGMR" => self.cmd_bare(cmd, &p.identity.cgmr).into(),
            "+CGMM" => self.cmd_bare(cmd, &p.identity.cgmm).into(),
            "+CGMI" => self.cmd_bare(cmd, &p.identity.cgmi).into(),
            "%SHORTSWVER" => self
                .cmd_prefixed(cmd, "%SHORTSWVER", &p.identity.shortswver)
                .into(),
            "%HWVERSION" => self
                .cmd_prefixed(cmd, "%HWVERSION", &p.identity.hwversion)
                .into(),
            "+CGSN" => self.cmd_cgsn(cmd).into(),
            "%XVBAT" => self.cmd_xvbat(cmd).into(),
            "+CGEREP" => self.cmd_cgerep(cmd).into(),
            "%MDMEV" if p.commands.mdmev => self.cmd_mdmev(cmd).into(),
            "%CMNG" => self.cmd_cmng(cmd),
            "%XPMNG" if p.xpmng.is_some() => self.cmd_xpmng(cmd).into(),
            "%XPOFWARN" if p.pofwarn.command => self.cmd_xpofwarn(cmd).into(),
            "%KEYGEN" if p.commands.keygen => self.cmd_keygen(cmd).into(),
            "%ATTESTTOKEN" if p.commands.attesttoken => self.cmd_attesttoken(cmd).into(),
            _ => Err(AtError::Syntax).into(),
        }
    }

    fn render(&self, lines: Vec<String>, error: Option<AtError>) -> Vec<u8> {
        let mut out = Vec::new();
        for l in lines {
            out.extend_from_slice(l.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        let code = match error {
            None => {
                out.extend_from_slice(b"OK\r\n");
                return out;
            }
            Some(AtError::Syntax) => None,
            Some(AtError::Param) => match self.policy.param_error {
                ParamErrorStyle::Cme50 => Some(CmeCode::INCORRECT_PARAMETERS),
                ParamErrorStyle::PlainError => None,
            },
            Some(AtError::Cme(c)) => Some(c),
        };
        match code {
            // ref §2.2 [F4]: numeric even with CMEE=2.
            Some(c) if self.vol.cmee > 0 => {
                out.extend_from_slice(format!("+CME ERROR: {}\r\n", c.0).as_bytes())
            }
            _ => out.extend_from_slice(b"ERROR\r\n"),
        }
        out
    }
}
