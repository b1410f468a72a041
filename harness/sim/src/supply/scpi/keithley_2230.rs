//! Keithley 2230/2231A: `SYST:REM` (required over serial), `INST:SEL CH1`, `SOUR:VOLT 3.300V`,
//! `SOUR:CURR 0.5A`, `CHAN:OUTP ON` (selected channel), `OUTP ON` (all channels),
//! `MEAS:VOLT? CH1`, `MEAS:CURR? CH1`, `APPL CH1,3.3,0.5`.

use super::instrument::{Dialect, Instrument, Outcome, UNDEFINED_HEADER, bit, on_off};
use super::parse::{Command, ch_name};

pub(crate) struct K2230;

impl Dialect for K2230 {
    fn idn(&self) -> &'static str {
        "Keithley instruments, 2230-30-1, 9000000,1.16-1.04"
    }
    fn channels(&self) -> u8 {
        3
    }
    fn volt_range(&self, ch: u8) -> (f64, f64) {
        if ch == 3 { (0.0, 6.0) } else { (0.0, 30.0) }
    }
    fn max_amps(&self, ch: u8) -> f64 {
        if ch == 3 { 5.0 } else { 3.0 }
    }
    fn format(&self, v: f64) -> String {
        format!("{v:.4}")
    }
    fn needs_remote_on_serial(&self) -> bool {
        true
    }
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome {
        if let Some(out) = inst.source_command(cmd, ch_name) {
            return out;
        }
        if let Some(out) = inst.select_command(cmd, ch_name, channel_name) {
            return out;
        }
        match (cmd.header.as_str(), cmd.query) {
            ("APPL", false) => inst.apply_command(cmd, ch_name),
            ("CHAN:OUTP" | "CHAN:OUTP:STAT", false) => match on_off(cmd.args.first()) {
                Ok(on) => inst.set_on(inst.selected(), on),
                Err(e) => e,
            },
            ("CHAN:OUTP" | "CHAN:OUTP:STAT", true) => bit(inst.is_on(inst.selected())),
            ("OUTP" | "OUTP:STAT", false) => match on_off(cmd.args.first()) {
                Ok(on) => inst.set_all_on(on),
                Err(e) => e,
            },
            ("OUTP" | "OUTP:STAT", true) => bit((1..=3).any(|ch| inst.is_on(ch))),
            _ => UNDEFINED_HEADER,
        }
    }
}

/// How `INST?` names a channel on this model.
fn channel_name(ch: u8) -> String {
    format!("CH{ch}")
}
