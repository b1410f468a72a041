//! Rohde & Schwarz HMC804x and NGE100: `INST:NSEL n` (or `INST OUTn`), then `VOLT`, `CURR`,
//! `MEAS:VOLT?`, `MEAS:CURR?` on the selected channel. Two-level output switch: a channel drives
//! its terminals only when its own switch (`OUTP:CHAN`, `OUTP:SEL`, `OUTP[:STAT]`) *and* the
//! master (HMC804x `OUTP:MAST`, NGE100 `OUTP:GEN`) are on.

use super::instrument::{
    DATA_TYPE, Dialect, ILLEGAL_VALUE, Instrument, MISSING_PARAMETER, Outcome, UNDEFINED_HEADER,
    bit, on_off,
};
use super::parse::{self, Command};

pub(crate) struct RsSupply {
    idn: &'static str,
    /// Normalised header of the master switch.
    master: &'static str,
}

impl RsSupply {
    pub const HMC804X: RsSupply = RsSupply {
        idn: "Rohde&Schwarz,HMC8043,000000001,HW50020001/SW02.100",
        master: "OUTP:MAST",
    };
    pub const NGE100: RsSupply = RsSupply {
        idn: "Rohde&Schwarz,NGE103B,5601.3800k03/000001,1.54",
        master: "OUTP:GEN",
    };
}

fn out_name(arg: &str) -> Option<u8> {
    arg.trim()
        .to_ascii_uppercase()
        .strip_prefix("OUT")?
        .parse()
        .ok()
}

impl Dialect for RsSupply {
    fn idn(&self) -> &'static str {
        self.idn
    }
    fn channels(&self) -> u8 {
        3
    }
    fn volt_range(&self, _: u8) -> (f64, f64) {
        (0.0, 32.05)
    }
    fn max_amps(&self, _: u8) -> f64 {
        3.0
    }
    fn format(&self, v: f64) -> String {
        format!("{v:.4}")
    }
    fn has_master_switch(&self) -> bool {
        true
    }
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome {
        if let Some(out) = inst.source_command(cmd, |_| None) {
            return out;
        }
        let h = cmd.header.as_str();
        if h == self.master || h == format!("{}:STAT", self.master) {
            return if cmd.query {
                bit(inst.master())
            } else {
                match on_off(cmd.args.first()) {
                    Ok(on) => inst.set_master(on),
                    Err(e) => e,
                }
            };
        }
        match (h, cmd.query) {
            ("INST:NSEL", false) => match cmd.args.first().and_then(|a| a.parse().ok()) {
                Some(ch) => inst.select(ch),
                None => DATA_TYPE,
            },
            ("INST:NSEL", true) => Outcome::Reply(inst.selected().to_string()),
            ("INST" | "INST:SEL", false) => match cmd.args.first().and_then(|a| out_name(a)) {
                Some(ch) => inst.select(ch),
                None => ILLEGAL_VALUE,
            },
            ("INST" | "INST:SEL", true) => Outcome::Reply(format!("OUTP{}", inst.selected())),
            ("APPL", false) => match cmd.args.as_slice() {
                [v, rest @ ..] => {
                    let Some(v) = parse::number(v) else {
                        return DATA_TYPE;
                    };
                    let ch = inst.selected();
                    let out = inst.set_volts(ch, v);
                    match (out, rest.first().map(|a| parse::number(a))) {
                        (Outcome::Done, Some(Some(a))) => inst.set_amps(ch, a),
                        (Outcome::Done, Some(None)) => DATA_TYPE,
                        (out, _) => out,
                    }
                }
                [] => MISSING_PARAMETER,
            },
            ("OUTP:CHAN" | "OUTP:CHAN:STAT" | "OUTP:SEL" | "OUTP" | "OUTP:STAT", false) => {
                match on_off(cmd.args.first()) {
                    Ok(on) => inst.set_on(inst.selected(), on),
                    Err(e) => e,
                }
            }
            ("OUTP:CHAN" | "OUTP:CHAN:STAT" | "OUTP:SEL" | "OUTP" | "OUTP:STAT", true) => {
                bit(inst.is_on(inst.selected()))
            }
            _ => UNDEFINED_HEADER,
        }
    }
}
