//! Generic SCPI supply: `VOLT`, `CURR`, `OUTP`, `MEAS:VOLT?`, `MEAS:CURR?` on the selected
//! channel, `INST:NSEL n` to select one of up to eight channels (channel 1 after power-on).

use super::instrument::{DATA_TYPE, Dialect, Instrument, Outcome, UNDEFINED_HEADER, bit, on_off};
use super::parse::Command;

pub(crate) struct Generic;

impl Dialect for Generic {
    fn idn(&self) -> &'static str {
        "HIL-SIM,GENERIC-PSU,SIM0001,1.0"
    }
    fn channels(&self) -> u8 {
        8
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
            ("INST:NSEL", false) => match cmd.args.first().and_then(|a| a.parse().ok()) {
                Some(ch) => inst.select(ch),
                None => DATA_TYPE,
            },
            ("INST:NSEL", true) => Outcome::Reply(inst.selected().to_string()),
            ("OUTP" | "OUTP:STAT", false) => match on_off(cmd.args.first()) {
                Ok(on) => inst.set_on(inst.selected(), on),
                Err(e) => e,
            },
            ("OUTP" | "OUTP:STAT", true) => bit(inst.is_on(inst.selected())),
            _ => UNDEFINED_HEADER,
        }
    }
}
