//! Rigol DP800 (DP832): `:APPL CH1,3.3,0.5`, `:OUTP CH1,ON`, `:OUTP? CH1` (answers `ON`/`OFF`),
//! `:MEAS:VOLT? CH1`, the selected-channel forms `:INST:NSEL 1` + `:SOUR:VOLT 3.3`, and
//! `:SOUR1:VOLT 3.3`.

use super::instrument::{Dialect, ILLEGAL_VALUE, Instrument, Outcome, UNDEFINED_HEADER, on_off};
use super::parse::{Command, ch_name};

pub(crate) struct Dp800;

impl Dialect for Dp800 {
    fn idn(&self) -> &'static str {
        "RIGOL TECHNOLOGIES,DP832,DP8C000000001,00.01.16"
    }
    fn channels(&self) -> u8 {
        3
    }
    fn volt_range(&self, ch: u8) -> (f64, f64) {
        if ch == 3 { (0.0, 5.3) } else { (0.0, 32.0) }
    }
    fn max_amps(&self, _: u8) -> f64 {
        3.2
    }
    fn format(&self, v: f64) -> String {
        format!("{v:.4}")
    }
    fn handle(&self, inst: &mut Instrument, cmd: &Command) -> Outcome {
        // `SOUR<n>:VOLT ...` addresses channel n directly.
        if let Some(rest) = cmd.header.strip_prefix("SOUR")
            && let Some((n, tail)) = rest.split_once(':')
            && let Ok(ch) = n.parse::<u8>()
        {
            let inner = Command {
                header: tail.to_owned(),
                query: cmd.query,
                args: cmd.args.clone(),
            };
            let previous = inst.selected();
            if inst.select(ch) != Outcome::Done {
                return ILLEGAL_VALUE;
            }
            let out = inst
                .source_command(&inner, ch_name)
                .unwrap_or(UNDEFINED_HEADER);
            inst.select(previous);
            return out;
        }
        if let Some(out) = inst.source_command(cmd, ch_name) {
            return out;
        }
        if let Some(out) = inst.select_command(cmd, ch_name, channel_name) {
            return out;
        }
        match (cmd.header.as_str(), cmd.query) {
            ("APPL", false) => inst.apply_command(cmd, ch_name),
            // `:OUTP CH1,ON` or `:OUTP ON` (selected channel).
            ("OUTP" | "OUTP:STAT", false) => {
                let (ch, state) = match cmd.args.as_slice() {
                    [state] => (Some(inst.selected()), Some(state)),
                    [ch, state] => (ch_name(ch), Some(state)),
                    _ => (None, None),
                };
                match (ch, on_off(state)) {
                    (Some(ch), Ok(on)) => inst.set_on(ch, on),
                    (None, _) => ILLEGAL_VALUE,
                    (_, Err(e)) => e,
                }
            }
            ("OUTP" | "OUTP:STAT", true) => {
                let ch = match cmd.args.first() {
                    None => Some(inst.selected()),
                    Some(a) => ch_name(a).filter(|c| inst.valid(*c)),
                };
                match ch {
                    Some(ch) => Outcome::Reply(if inst.is_on(ch) { "ON" } else { "OFF" }.into()),
                    None => ILLEGAL_VALUE,
                }
            }
            _ => UNDEFINED_HEADER,
        }
    }
}

/// How `INST?` names a channel on this model.
fn channel_name(ch: u8) -> String {
    format!("CH{ch}")
}
