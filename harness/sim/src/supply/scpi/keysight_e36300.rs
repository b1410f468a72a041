//! Keysight E36300 (E36311A/E36312A/E36313A): channel-list forms `VOLT 3.3,(@1)`,
//! `OUTP ON,(@1)`, `MEAS:VOLT? (@1)`, and the selected-channel forms `INST:NSEL 1` + `VOLT 3.3`.
//! Numbers are answered in Keysight's `+3.30000000E+00` notation.

use super::instrument::{
    DATA_TYPE, Dialect, ILLEGAL_VALUE, Instrument, Outcome, UNDEFINED_HEADER, bit, on_off,
};
use super::parse::{self, Command, channel_list, sci};

pub(crate) struct E36300;

impl Dialect for E36300 {
    fn idn(&self) -> &'static str {
        "Keysight Technologies,E36312A,MY00000001,2.1.0-1.0.4-1.12"
    }
    fn channels(&self) -> u8 {
        3
    }
    fn volt_range(&self, ch: u8) -> (f64, f64) {
        if ch == 1 { (0.0, 6.18) } else { (0.0, 25.75) }
    }
    fn max_amps(&self, ch: u8) -> f64 {
        if ch == 1 { 5.15 } else { 1.03 }
    }
    fn format(&self, v: f64) -> String {
        sci(v, 8)
    }
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome {
        if let Some(out) = inst.source_command(cmd, channel_list) {
            return out;
        }
        let list = |i: usize| cmd.args.get(i).map(|a| channel_list(a));
        match (cmd.header.as_str(), cmd.query) {
            ("INST:NSEL", false) => match cmd.args.first().and_then(|a| a.parse().ok()) {
                Some(ch) => inst.select(ch),
                None => DATA_TYPE,
            },
            ("INST:NSEL", true) => Outcome::Reply(inst.selected().to_string()),
            ("INST" | "INST:SEL", false) => {
                match cmd.args.first().and_then(|a| parse::ch_name(a)) {
                    Some(ch) => inst.select(ch),
                    None => ILLEGAL_VALUE,
                }
            }
            ("OUTP" | "OUTP:STAT", false) => {
                let on = match on_off(cmd.args.first()) {
                    Ok(on) => on,
                    Err(e) => return e,
                };
                match list(1) {
                    None => inst.set_on(inst.selected(), on),
                    Some(Some(ch)) => inst.set_on(ch, on),
                    Some(None) => ILLEGAL_VALUE,
                }
            }
            ("OUTP" | "OUTP:STAT", true) => match list(0) {
                None => bit(inst.is_on(inst.selected())),
                Some(Some(ch)) if inst.valid(ch) => bit(inst.is_on(ch)),
                Some(_) => ILLEGAL_VALUE,
            },
            _ => UNDEFINED_HEADER,
        }
    }
}
