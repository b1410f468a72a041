//! Keithley 2280S: single output, long SCPI tree (`SOUR:VOLT:LEV:IMM:AMPL 3.3`,
//! `SOUR:CURR:LEV:IMM:AMPL 0.5`, `OUTP:STAT ON`). Its measurements come back as a formatted
//! multi-field string, reading first with a unit suffix: `MEAS:VOLT?` →
//! `+3.800000E+00V,+1.000000E-02A,CV` (field layout INFERRED from public scripts).

use super::instrument::{Dialect, Instrument, Outcome, UNDEFINED_HEADER, bit, on_off};
use super::parse::{Command, sci};

pub(crate) struct K2280;

impl Dialect for K2280 {
    fn idn(&self) -> &'static str {
        "KEITHLEY INSTRUMENTS,MODEL 2280S-32-6,12345,01.06"
    }
    fn channels(&self) -> u8 {
        1
    }
    fn volt_range(&self, _: u8) -> (f64, f64) {
        (0.0, 32.0)
    }
    fn max_amps(&self, _: u8) -> f64 {
        6.1
    }
    fn format(&self, v: f64) -> String {
        sci(v, 6)
    }
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome {
        let h = cmd.header.as_str();
        if cmd.query
            && matches!(
                h,
                "MEAS:VOLT" | "MEAS:CURR" | "MEAS:SCAL:VOLT" | "MEAS:SCAL:CURR"
            )
        {
            let v = inst.meas_volts(1);
            let a = inst.meas_amps(1);
            let mode = if a >= inst.amps_limit(1) && a > 0.0 {
                "CC"
            } else {
                "CV"
            };
            let (first, second) = if h.ends_with("VOLT") {
                (format!("{}V", sci(v, 6)), format!("{}A", sci(a, 6)))
            } else {
                (format!("{}A", sci(a, 6)), format!("{}V", sci(v, 6)))
            };
            return Outcome::Reply(format!("{first},{second},{mode}"));
        }
        if let Some(out) = inst.source_command(cmd, |_| None) {
            return out;
        }
        match (h, cmd.query) {
            ("OUTP" | "OUTP:STAT", false) => match on_off(cmd.args.first()) {
                Ok(on) => inst.set_on(1, on),
                Err(e) => e,
            },
            ("OUTP" | "OUTP:STAT", true) => bit(inst.is_on(1)),
            // Measurement configuration is accepted and has no effect in the simulation.
            ("SENS:FUNC" | "SENS:CONC:NPLC" | "FORM:ELEM" | "TRIG:SOUR" | "INIT:CONT", false) => {
                Outcome::Done
            }
            _ => UNDEFINED_HEADER,
        }
    }
}
