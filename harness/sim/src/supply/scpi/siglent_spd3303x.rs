//! Siglent SPD3303X/X-E: `CH1:VOLT 3.3`, `CH1:VOLT?` (set value), `CH1:CURR 0.5`,
//! `OUTP CH1,ON`, `MEAS:VOLT? CH1`, `MEAS:CURR? CH1`, `MEAS:POWE? CH1`, `INST CH1`,
//! `SYST:STAT?` (hex word: bit 4 = CH1 on, bit 5 = CH2 on).

use super::instrument::{
    DATA_TYPE, Dialect, ILLEGAL_VALUE, Instrument, MISSING_PARAMETER, Outcome, UNDEFINED_HEADER,
    on_off,
};
use super::parse::{self, Command, ch_name};

pub(crate) struct Spd3303x;

impl Dialect for Spd3303x {
    fn idn(&self) -> &'static str {
        "Siglent Technologies,SPD3303X,SPD3XGB0000001,1.01.01.02.05,V3.0"
    }
    fn channels(&self) -> u8 {
        3
    }
    fn volt_range(&self, ch: u8) -> (f64, f64) {
        if ch == 3 { (0.0, 5.0) } else { (0.0, 32.0) }
    }
    fn max_amps(&self, _: u8) -> f64 {
        3.2
    }
    fn format(&self, v: f64) -> String {
        format!("{v:.3}")
    }
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome {
        let h = cmd.header.as_str();
        // `CH<n>:VOLT`, `CH<n>:CURR` and their queries.
        if let Some((ch, tail)) = h.split_once(':')
            && let Some(ch) = ch_name(ch)
        {
            if !inst.valid(ch) {
                return ILLEGAL_VALUE;
            }
            return match (tail, cmd.query) {
                ("VOLT", true) => Outcome::Reply(inst.fmt(inst.volts_setpoint(ch))),
                ("CURR", true) => Outcome::Reply(inst.fmt(inst.amps_limit(ch))),
                ("VOLT" | "CURR", false) => match cmd.args.first().map(|a| parse::number(a)) {
                    None => MISSING_PARAMETER,
                    Some(None) => DATA_TYPE,
                    Some(Some(v)) if tail == "VOLT" => inst.set_volts(ch, v),
                    Some(Some(a)) => inst.set_amps(ch, a),
                },
                _ => UNDEFINED_HEADER,
            };
        }
        let chan = |inst: &Instrument| match cmd.args.first() {
            None => Some(inst.selected()),
            Some(a) => ch_name(a).filter(|c| inst.valid(*c)),
        };
        match (h, cmd.query) {
            ("MEAS:VOLT" | "MEAS:CURR" | "MEAS:POW" | "MEAS:POWE", true) => match chan(inst) {
                None => ILLEGAL_VALUE,
                Some(ch) => {
                    let v = inst.meas_volts(ch);
                    let a = inst.meas_amps(ch);
                    Outcome::Reply(match h {
                        "MEAS:VOLT" => inst.fmt(v),
                        "MEAS:CURR" => inst.fmt(a),
                        _ => inst.fmt(v * a),
                    })
                }
            },
            ("INST", false) => match cmd.args.first().and_then(|a| ch_name(a)) {
                Some(ch) => inst.select(ch),
                None => ILLEGAL_VALUE,
            },
            ("INST", true) => Outcome::Reply(format!("CH{}", inst.selected())),
            ("OUTP", false) => match cmd.args.as_slice() {
                [ch, state] => match (ch_name(ch), on_off(Some(state))) {
                    (Some(ch), Ok(on)) => inst.set_on(ch, on),
                    (None, _) => ILLEGAL_VALUE,
                    (_, Err(e)) => e,
                },
                [] => MISSING_PARAMETER,
                _ => ILLEGAL_VALUE,
            },
            ("SYST:STAT", true) => {
                let word = (u32::from(inst.is_on(1)) << 4) | (u32::from(inst.is_on(2)) << 5);
                Outcome::Reply(format!("0x{word:x}"))
            }
            _ => UNDEFINED_HEADER,
        }
    }
}
