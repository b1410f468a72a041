//! Agilent/Keysight E3631A: three fixed outputs `P6V`, `P25V`, `N25V` (channels 1, 2, 3).
//! `APPL P6V,3.3,0.5`, `INST:SEL P6V` / `INST:NSEL 1` + `VOLT`/`CURR`, `MEAS:VOLT? P6V`, and
//! `OUTP ON|OFF`, which switches all three outputs together. Over RS-232 it wants `SYST:REM` first.

use super::instrument::{Dialect, Instrument, Outcome, UNDEFINED_HEADER, bit, on_off};
use super::parse::{Command, sci};

pub(crate) struct E3631a;

/// `P6V` → 1, `P25V` → 2, `N25V` → 3.
pub(crate) fn output_name(arg: &str) -> Option<u8> {
    match arg.trim().to_ascii_uppercase().as_str() {
        "P6V" => Some(1),
        "P25V" => Some(2),
        "N25V" => Some(3),
        _ => None,
    }
}

impl Dialect for E3631a {
    fn idn(&self) -> &'static str {
        "HEWLETT-PACKARD,E3631A,0,2.1-5.0-1.0"
    }
    fn channels(&self) -> u8 {
        3
    }
    fn volt_range(&self, ch: u8) -> (f64, f64) {
        match ch {
            1 => (0.0, 6.18),
            2 => (0.0, 25.75),
            _ => (-25.75, 0.0),
        }
    }
    fn max_amps(&self, ch: u8) -> f64 {
        if ch == 1 { 5.15 } else { 1.03 }
    }
    fn format(&self, v: f64) -> String {
        sci(v, 5)
    }
    fn needs_remote_on_serial(&self) -> bool {
        true
    }
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome {
        if let Some(out) = inst.source_command(cmd, output_name) {
            return out;
        }
        if let Some(out) = inst.select_command(cmd, output_name, channel_name) {
            return out;
        }
        match (cmd.header.as_str(), cmd.query) {
            ("APPL", false) => inst.apply_command(cmd, output_name),
            // OUTP switches all three outputs at once on this model.
            ("OUTP" | "OUTP:STAT", false) => match on_off(cmd.args.first()) {
                Ok(on) => inst.set_all_on(on),
                Err(e) => e,
            },
            ("OUTP" | "OUTP:STAT", true) => bit(inst.is_on(1)),
            _ => UNDEFINED_HEADER,
        }
    }
}

/// How `INST?` names an output on this model.
fn channel_name(ch: u8) -> String {
    ["P6V", "P25V", "N25V"][usize::from(ch.clamp(1, 3) - 1)].into()
}
