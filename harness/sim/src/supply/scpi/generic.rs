//! Generic single-channel SCPI supply: `VOLT`, `CURR`, `OUTP`, `MEAS:VOLT?`, `MEAS:CURR?`.

use super::instrument::{Dialect, Instrument, Outcome, UNDEFINED_HEADER, bit, on_off};
use super::parse::Command;

pub(crate) struct Generic;

impl Dialect for Generic {
    fn idn(&self) -> &'static str {
        "HIL-SIM,GENERIC-PSU,SIM0001,1.0"
    }
    fn channels(&self) -> u8 {
        1
    }
    fn volt_range(&self, _: u8) -> (f64, f64) {
        (0.0, 30.0)
    }
    fn max_amps(&self, _: u8) -> f64 {
        5.0
    }
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome {
        if let Some(out) = inst.source_command(cmd, |_| None) {
            return out;
        }
        match (cmd.header.as_str(), cmd.query) {
            ("OUTP" | "OUTP:STAT", false) => match on_off(cmd.args.first()) {
                Ok(on) => inst.set_on(1, on),
                Err(e) => e,
            },
            ("OUTP" | "OUTP:STAT", true) => bit(inst.is_on(1)),
            _ => UNDEFINED_HEADER,
        }
    }
}
