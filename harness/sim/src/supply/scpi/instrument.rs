//! The state of a simulated SCPI supply and the commands every model shares.
//!
//! Channels are numbered from 1. The wired channel keeps its set point, current limit and
//! output on the [`SupplyRail`], so slew and load come from there; the other channels are
//! ideal outputs that settle at once. Errors go to a FIFO queue read by `SYST:ERR?`.

use std::collections::VecDeque;
use std::sync::Arc;

use super::parse::{self, Command};
use crate::rail::SupplyRail;

/// Largest error queue a supply keeps (the E3631A's); later errors replace the last entry with
/// `-350,"Queue overflow"` as SCPI prescribes.
const ERROR_QUEUE_LEN: usize = 20;

/// What executing one command produced.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Done,
    Reply(String),
    /// SCPI error number and text for the error queue.
    Error(i32, &'static str),
}

pub(crate) const UNDEFINED_HEADER: Outcome = Outcome::Error(-113, "Undefined header");
pub(crate) const DATA_TYPE: Outcome = Outcome::Error(-104, "Data type error");
pub(crate) const MISSING_PARAMETER: Outcome = Outcome::Error(-109, "Missing parameter");
pub(crate) const OUT_OF_RANGE: Outcome = Outcome::Error(-222, "Data out of range");
pub(crate) const ILLEGAL_VALUE: Outcome = Outcome::Error(-224, "Illegal parameter value");

/// One SCPI model's command forms, ranges and reply style.
pub(crate) trait Dialect: Send + Sync {
    fn idn(&self) -> &'static str;
    fn channels(&self) -> u8;
    /// Allowed set point range of a channel (the E3631A's N25V is negative).
    fn volt_range(&self, ch: u8) -> (f64, f64);
    fn max_amps(&self, ch: u8) -> f64;
    /// Model-specific commands; `UNDEFINED_HEADER` for anything it does not know.
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome;
    /// Number formatting of voltage and current replies.
    fn format(&self, value: f64) -> String {
        format!("{value:.4}")
    }
    /// R&S two-level switch: a channel drives its terminals only when the master is on too.
    fn has_master_switch(&self) -> bool {
        false
    }
    /// Over RS-232 the instrument ignores device commands until `SYST:REM` (E3631A, 2231A).
    fn needs_remote_on_serial(&self) -> bool {
        false
    }
}

#[derive(Debug, Clone, Copy)]
struct Channel {
    volts: f64,
    amps: f64,
    on: bool,
}

/// A simulated SCPI supply.
pub(crate) struct Instrument {
    dialect: &'static dyn Dialect,
    rail: Arc<SupplyRail>,
    wired: u8,
    channels: Vec<Channel>,
    selected: u8,
    master: bool,
    errors: VecDeque<(i32, String)>,
    serial: bool,
    remote: bool,
}

impl Instrument {
    pub fn new(
        dialect: &'static dyn Dialect,
        rail: Arc<SupplyRail>,
        wired: u8,
        serial: bool,
    ) -> Self {
        let n = dialect.channels().max(1);
        let on = rail.output_on();
        let channels = (1..=n)
            .map(|ch| Channel {
                volts: 0.0,
                amps: dialect.max_amps(ch),
                on: false,
            })
            .collect();
        let wired = wired.clamp(1, n);
        let mut inst = Instrument {
            dialect,
            rail,
            wired,
            channels,
            selected: 1,
            master: on,
            errors: VecDeque::new(),
            serial,
            remote: false,
        };
        inst.channels[usize::from(wired - 1)].on = on;
        inst
    }

    /// Executes one line; returns the answer line for a query.
    pub fn execute(&mut self, line: &str) -> Option<String> {
        let cmd = parse::parse(line)?;
        let outcome = self.common(&cmd).unwrap_or_else(|| {
            if self.serial && self.dialect.needs_remote_on_serial() && !self.remote {
                Outcome::Error(-221, "Settings conflict; send SYST:REM first")
            } else {
                let dialect = self.dialect;
                dialect.handle(self, &cmd)
            }
        });
        match outcome {
            Outcome::Done => None,
            Outcome::Reply(r) => Some(r),
            Outcome::Error(code, text) => {
                self.push_error(code, text);
                None
            }
        }
    }

    fn push_error(&mut self, code: i32, text: &str) {
        if self.errors.len() >= ERROR_QUEUE_LEN {
            self.errors.pop_back();
            self.errors.push_back((-350, "Queue overflow".into()));
        } else {
            self.errors.push_back((code, text.into()));
        }
    }

    /// IEEE 488.2 common commands and the SYSTem subsystem, the same on every model.
    fn common(&mut self, cmd: &Command) -> Option<Outcome> {
        Some(match (cmd.header.as_str(), cmd.query) {
            ("*IDN", true) => Outcome::Reply(self.dialect.idn().into()),
            ("*RST", false) => {
                self.reset();
                Outcome::Done
            }
            ("*CLS", false) => {
                self.errors.clear();
                Outcome::Done
            }
            ("*OPC", true) => Outcome::Reply("1".into()),
            ("*OPC" | "*WAI", false) => Outcome::Done,
            ("*ESR" | "*STB", true) => Outcome::Reply("0".into()),
            ("SYST:ERR" | "SYST:ERR:NEXT", true) => Outcome::Reply(match self.errors.pop_front() {
                Some((code, text)) => format!("{code:+},\"{text}\""),
                None => "+0,\"No error\"".into(),
            }),
            ("SYST:REM" | "SYST:RWL", false) => {
                self.remote = true;
                Outcome::Done
            }
            ("SYST:LOC", false) => {
                self.remote = false;
                Outcome::Done
            }
            ("SYST:VERS", true) => Outcome::Reply("1999.0".into()),
            _ => return None,
        })
    }

    fn reset(&mut self) {
        for ch in 1..=self.channel_count() {
            let amps = self.dialect.max_amps(ch);
            let c = &mut self.channels[usize::from(ch - 1)];
            c.volts = 0.0;
            c.amps = amps;
            c.on = false;
        }
        self.master = false;
        self.selected = 1;
        self.rail.set_output(false);
        self.rail.set_voltage(0.0);
        self.rail
            .set_current_limit(self.dialect.max_amps(self.wired));
    }

    pub fn channel_count(&self) -> u8 {
        self.channels.len() as u8
    }

    pub fn valid(&self, ch: u8) -> bool {
        (1..=self.channel_count()).contains(&ch)
    }

    pub fn selected(&self) -> u8 {
        self.selected
    }

    pub fn select(&mut self, ch: u8) -> Outcome {
        if !self.valid(ch) {
            return ILLEGAL_VALUE;
        }
        self.selected = ch;
        Outcome::Done
    }

    pub fn fmt(&self, v: f64) -> String {
        self.dialect.format(v)
    }

    pub fn set_volts(&mut self, ch: u8, v: f64) -> Outcome {
        if !self.valid(ch) {
            return ILLEGAL_VALUE;
        }
        let (lo, hi) = self.dialect.volt_range(ch);
        if !(lo..=hi).contains(&v) {
            return OUT_OF_RANGE;
        }
        if ch == self.wired {
            self.rail.set_voltage(v);
        } else {
            self.channels[usize::from(ch - 1)].volts = v;
        }
        Outcome::Done
    }

    pub fn volts_setpoint(&self, ch: u8) -> f64 {
        if ch == self.wired {
            self.rail.setpoint()
        } else {
            self.channels
                .get(usize::from(ch.max(1) - 1))
                .map_or(0.0, |c| c.volts)
        }
    }

    pub fn set_amps(&mut self, ch: u8, a: f64) -> Outcome {
        if !self.valid(ch) {
            return ILLEGAL_VALUE;
        }
        if !(0.0..=self.dialect.max_amps(ch)).contains(&a) {
            return OUT_OF_RANGE;
        }
        if ch == self.wired {
            self.rail.set_current_limit(a);
        } else {
            self.channels[usize::from(ch - 1)].amps = a;
        }
        Outcome::Done
    }

    pub fn amps_limit(&self, ch: u8) -> f64 {
        if ch == self.wired {
            self.rail.current_limit()
        } else {
            self.channels
                .get(usize::from(ch.max(1) - 1))
                .map_or(0.0, |c| c.amps)
        }
    }

    /// The channel's own output switch.
    pub fn set_on(&mut self, ch: u8, on: bool) -> Outcome {
        if !self.valid(ch) {
            return ILLEGAL_VALUE;
        }
        self.channels[usize::from(ch - 1)].on = on;
        self.apply_output();
        Outcome::Done
    }

    pub fn is_on(&self, ch: u8) -> bool {
        self.channels
            .get(usize::from(ch.max(1) - 1))
            .is_some_and(|c| c.on)
    }

    /// Every channel at once (E3631A `OUTP`, Keithley 2230 `OUTP`).
    pub fn set_all_on(&mut self, on: bool) -> Outcome {
        for c in &mut self.channels {
            c.on = on;
        }
        self.apply_output();
        Outcome::Done
    }

    /// The R&S master switch.
    pub fn set_master(&mut self, on: bool) -> Outcome {
        self.master = on;
        self.apply_output();
        Outcome::Done
    }

    pub fn master(&self) -> bool {
        self.master
    }

    fn drives(&self, ch: u8) -> bool {
        self.is_on(ch) && (!self.dialect.has_master_switch() || self.master)
    }

    fn apply_output(&mut self) {
        let on = self.drives(self.wired);
        if on != self.rail.output_on() {
            self.rail.set_output(on);
        }
    }

    pub fn meas_volts(&self, ch: u8) -> f64 {
        if ch == self.wired {
            self.rail.volts()
        } else if self.drives(ch) {
            self.volts_setpoint(ch)
        } else {
            0.0
        }
    }

    pub fn meas_amps(&self, ch: u8) -> f64 {
        if ch == self.wired {
            self.rail.amps()
        } else {
            0.0
        }
    }

    /// `APPL <ch>,<volts>[,<amps>]`, the one-shot set of the models that have it; `chan` names
    /// the channel argument (`CH1`, `P6V`, …).
    pub fn apply_command(&mut self, cmd: &Command, chan: fn(&str) -> Option<u8>) -> Outcome {
        let Some(ch) = cmd.args.first().and_then(|a| chan(a)) else {
            return if cmd.args.is_empty() {
                MISSING_PARAMETER
            } else {
                ILLEGAL_VALUE
            };
        };
        if let Some(v) = cmd.args.get(1) {
            let Some(v) = parse::number(v) else {
                return DATA_TYPE;
            };
            let out = self.set_volts(ch, v);
            if out != Outcome::Done {
                return out;
            }
        }
        match cmd.args.get(2).map(|a| parse::number(a)) {
            None => Outcome::Done,
            Some(Some(a)) => self.set_amps(ch, a),
            Some(None) => DATA_TYPE,
        }
    }

    /// Channel selection: `INST:NSEL <n>` / `INST:NSEL?` and `INST[:SEL] <name>`, where `chan`
    /// reads the name; `INST[:SEL]?` answers with `name_of` the selected channel. `None` for
    /// any other command.
    pub fn select_command(
        &mut self,
        cmd: &Command,
        chan: fn(&str) -> Option<u8>,
        name_of: fn(u8) -> String,
    ) -> Option<Outcome> {
        Some(match (cmd.header.as_str(), cmd.query) {
            ("INST:NSEL", false) => match cmd.args.first().and_then(|a| a.parse().ok()) {
                Some(ch) => self.select(ch),
                None => DATA_TYPE,
            },
            ("INST:NSEL", true) => Outcome::Reply(self.selected().to_string()),
            ("INST" | "INST:SEL", false) => match cmd.args.first().and_then(|a| chan(a)) {
                Some(ch) => self.select(ch),
                None => ILLEGAL_VALUE,
            },
            ("INST" | "INST:SEL", true) => Outcome::Reply(name_of(self.selected())),
            _ => return None,
        })
    }

    /// The source commands most models share, on the channel given by `chan` (an optional
    /// trailing channel argument such as `(@1)`, `CH1` or `P6V`) or else the selected one:
    /// `VOLT`, `VOLT?`, `CURR`, `CURR?`, `MEAS[:SCAL]:VOLT[:DC]?`, `MEAS[:SCAL]:CURR[:DC]?`.
    pub fn source_command(
        &mut self,
        cmd: &Command,
        chan: fn(&str) -> Option<u8>,
    ) -> Option<Outcome> {
        let pick = |inst: &Instrument, arg: Option<&String>| -> Result<u8, Outcome> {
            match arg {
                None => Ok(inst.selected),
                Some(a) => chan(a).filter(|c| inst.valid(*c)).ok_or(ILLEGAL_VALUE),
            }
        };
        let h = cmd.header.as_str();
        let volt = h == "VOLT";
        let curr = h == "CURR";
        let meas_v = matches!(
            h,
            "MEAS:VOLT" | "MEAS:SCAL:VOLT" | "MEAS:VOLT:DC" | "MEAS:SCAL:VOLT:DC"
        );
        let meas_i = matches!(
            h,
            "MEAS:CURR" | "MEAS:SCAL:CURR" | "MEAS:CURR:DC" | "MEAS:SCAL:CURR:DC"
        );
        if !(volt || curr || meas_v || meas_i) {
            return None;
        }
        let outcome = if cmd.query {
            match pick(self, cmd.args.first()) {
                Err(e) => e,
                Ok(ch) => {
                    let v = if volt {
                        self.volts_setpoint(ch)
                    } else if curr {
                        self.amps_limit(ch)
                    } else if meas_v {
                        self.meas_volts(ch)
                    } else {
                        self.meas_amps(ch)
                    };
                    Outcome::Reply(self.fmt(v))
                }
            }
        } else if meas_v || meas_i {
            UNDEFINED_HEADER
        } else {
            let Some(arg) = cmd.args.first() else {
                return Some(MISSING_PARAMETER);
            };
            let Some(value) = parse::number(arg) else {
                return Some(DATA_TYPE);
            };
            match pick(self, cmd.args.get(1)) {
                Err(e) => e,
                Ok(ch) if volt => self.set_volts(ch, value),
                Ok(ch) => self.set_amps(ch, value),
            }
        };
        Some(outcome)
    }
}

/// `ON`/`OFF` argument of an output command, or the error to queue.
pub(crate) fn on_off(arg: Option<&String>) -> Result<bool, Outcome> {
    match arg {
        None => Err(MISSING_PARAMETER),
        Some(a) => parse::boolean(a).ok_or(DATA_TYPE),
    }
}

/// `1`/`0` reply of a state query.
pub(crate) fn bit(on: bool) -> Outcome {
    Outcome::Reply(if on { "1" } else { "0" }.into())
}
