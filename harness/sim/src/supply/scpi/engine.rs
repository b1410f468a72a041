//! Runs a program message on an [`Instrument`] from its model's table: the IEEE 488.2 common
//! commands and `SYST:ERR?` every model has, then the model's [`Entry`]s.
//!
//! Like a real instrument (SCPI-99 Vol. 1 §6, IEEE 488.2 §6.1): a unit it does not know, or
//! whose parameters are wrong, puts its error in the queue and, if it was a query, is not
//! answered; the answers of the units of one line are joined with `;` into one reply line.

use super::instrument::{
    DATA_TYPE, ILLEGAL_VALUE, Instrument, MISSING_PARAMETER, NOT_ALLOWED, OUT_OF_RANGE, Outcome,
    Panel, SETTINGS_CONFLICT, SYNTAX, TOO_MUCH_DATA, UNDEFINED_HEADER,
};
use super::parse::{self, Command};
use super::spec::{Chan, Entry, Form, Op};
use super::status::ESR_OPC;

/// Executes one received line; the reply line (without terminator) if any unit answered.
pub(crate) fn execute(inst: &mut Instrument, line: &str) -> Option<String> {
    let mut replies = Vec::new();
    for unit in parse::message(line) {
        let mut out = run(inst, &unit.relative);
        if out == UNDEFINED_HEADER && unit.relative != unit.root {
            out = run(inst, &unit.root);
        }
        match out {
            Outcome::Done => {}
            Outcome::Reply(r) => replies.push(r),
            Outcome::Error(code, text) => inst.status.push_error(code, text),
        }
    }
    tick(inst);
    (!replies.is_empty()).then(|| replies.join(";"))
}

/// Time passes: protection latches trip where armed and exceeded.
pub(crate) fn tick(inst: &mut Instrument) {
    let separate = inst.spec.has(Op::OcpLevel);
    inst.check_protection(separate);
}

fn run(inst: &mut Instrument, cmd: &Command) -> Outcome {
    if cmd.malformed {
        return SYNTAX;
    }
    if let Some(out) = common(inst, cmd) {
        return out;
    }
    let Some((prefix, header)) = split_prefix(inst, &cmd.header) else {
        return UNDEFINED_HEADER;
    };
    let form = if cmd.query { Form::Query } else { Form::Set };
    let Some(entry) = inst.spec.find(header, form) else {
        return UNDEFINED_HEADER;
    };
    let panel_op = matches!(entry.op, Op::Remote | Op::Local | Op::RemoteLock);
    if inst.serial && inst.spec.remote_on_serial && inst.panel == Panel::Local && !panel_op {
        // E3631A over RS-232: "unpredictable" before SYST:REM (reference §1.2); here: refused.
        return SETTINGS_CONFLICT;
    }
    match channel_and_values(inst, entry, prefix, &cmd.args) {
        Ok((ch, values)) => perform(inst, entry, ch, &values, cmd.query),
        Err(e) => e,
    }
}

/// IEEE 488.2 common commands and the SCPI-mandated `SYST:ERR?` and `SYST:VERS?`.
fn common(inst: &mut Instrument, cmd: &Command) -> Option<Outcome> {
    let h = cmd.header.as_str();
    if !h.starts_with('*') && !matches!(h, "SYST:ERR" | "SYST:ERR:NEXT" | "SYST:VERS") {
        return None;
    }
    let no_args = |out: Outcome| {
        if cmd.args.is_empty() {
            out
        } else {
            NOT_ALLOWED
        }
    };
    let status = &mut inst.status;
    Some(match (h, cmd.query) {
        ("*IDN", true) => no_args(Outcome::Reply(inst.spec.idn.into())),
        ("*RST", false) => {
            inst.reset();
            Outcome::Done
        }
        ("*CLS", false) => {
            status.clear();
            Outcome::Done
        }
        ("*OPC", false) => {
            status.set_event(ESR_OPC);
            Outcome::Done
        }
        ("*OPC", true) => Outcome::Reply("1".into()),
        ("*WAI", false) => Outcome::Done,
        ("*TST", true) => Outcome::Reply("0".into()),
        ("*ESR", true) => Outcome::Reply(status.take_esr().to_string()),
        ("*STB", true) => Outcome::Reply(status.stb().to_string()),
        ("*ESE", true) => Outcome::Reply(status.ese().to_string()),
        ("*SRE", true) => Outcome::Reply(status.sre().to_string()),
        ("*ESE", false) => match mask(&cmd.args) {
            Ok(m) => {
                status.set_ese(m);
                Outcome::Done
            }
            Err(e) => e,
        },
        ("*SRE", false) => match mask(&cmd.args) {
            Ok(m) => {
                status.set_sre(m);
                Outcome::Done
            }
            Err(e) => e,
        },
        ("SYST:ERR" | "SYST:ERR:NEXT", true) => no_args(Outcome::Reply(status.pop_error())),
        ("SYST:VERS", true) => Outcome::Reply(inst.spec.scpi_version.into()),
        _ => UNDEFINED_HEADER,
    })
}

/// An 8-bit register mask argument.
fn mask(args: &[String]) -> Result<u8, Outcome> {
    let v = one_number(args)?;
    if v.fract() != 0.0 {
        return Err(DATA_TYPE);
    }
    if !(0.0..=255.0).contains(&v) {
        return Err(OUT_OF_RANGE);
    }
    Ok(v as u8)
}

/// Splits a channel prefix (`SOUR2:`, `CH2:`) off the header, if the model has one. `None`
/// when the prefix names no channel of the instrument.
fn split_prefix<'h>(inst: &Instrument, header: &'h str) -> Option<(Option<u8>, &'h str)> {
    let Some(p) = inst.spec.prefix else {
        return Some((None, header));
    };
    let Some((first, rest)) = header.split_once(':') else {
        return Some((None, header));
    };
    let Some(digits) = first.strip_prefix(p).filter(|d| !d.is_empty()) else {
        return Some((None, header));
    };
    let ch: u8 = digits.parse().ok()?;
    inst.valid(ch).then_some((Some(ch), rest))
}

/// The channel a command addresses and its remaining (value) arguments.
fn channel_and_values(
    inst: &Instrument,
    entry: &Entry,
    prefix: Option<u8>,
    args: &[String],
) -> Result<(u8, Vec<String>), Outcome> {
    let selected = inst.selected();
    let (ch, values): (u8, &[String]) = match entry.chan {
        Chan::None => (selected, args),
        Chan::Selected => (prefix.unwrap_or(selected), args),
        Chan::Prefix => (prefix.ok_or(UNDEFINED_HEADER)?, args),
        Chan::Lead(style) => match args.split_first() {
            Some((first, rest)) if style.read(first).is_some() || looks_like_channel(first) => {
                (style.read(first).ok_or(ILLEGAL_VALUE)?, rest)
            }
            _ => (selected, args),
        },
        Chan::Named(style) => match args.split_first() {
            Some((first, rest)) => (style.read(first).ok_or(ILLEGAL_VALUE)?, rest),
            None => return Err(MISSING_PARAMETER),
        },
        Chan::Trail(style) => match args.split_last() {
            Some((last, rest)) if style.read(last).is_some() || looks_like_channel(last) => {
                (style.read(last).ok_or(ILLEGAL_VALUE)?, rest)
            }
            _ => (selected, args),
        },
    };
    if !inst.valid(ch) {
        return Err(ILLEGAL_VALUE);
    }
    Ok((ch, values.to_vec()))
}

/// A channel argument in some other model's style (`CH1`, `(@1)`, `P6V`, `OUT1`): wrong here.
fn looks_like_channel(arg: &str) -> bool {
    let a = arg.trim().to_ascii_uppercase();
    a.starts_with("(@")
        || a.starts_with("CH")
        || a.starts_with("OUT")
        || matches!(a.as_str(), "P6V" | "P25V" | "N25V")
}

fn one_arg(values: &[String]) -> Result<&str, Outcome> {
    match values {
        [] => Err(MISSING_PARAMETER),
        [v] if v.is_empty() => Err(SYNTAX),
        [v] => Ok(v),
        _ => Err(NOT_ALLOWED),
    }
}

fn one_number(values: &[String]) -> Result<f64, Outcome> {
    parse::number(one_arg(values)?).ok_or(DATA_TYPE)
}

/// A number that may also be `MIN`/`MAX` (SCPI-99 Vol. 1 §7.2.1.1), checked against `range`.
fn number_in(values: &[String], range: (f64, f64)) -> Result<f64, Outcome> {
    let arg = one_arg(values)?;
    let v = match arg.trim().to_ascii_uppercase().as_str() {
        "MIN" | "MINIMUM" => range.0,
        "MAX" | "MAXIMUM" => range.1,
        _ => parse::number(arg).ok_or(DATA_TYPE)?,
    };
    if (range.0..=range.1).contains(&v) {
        Ok(v)
    } else {
        Err(OUT_OF_RANGE)
    }
}

fn one_bool(values: &[String]) -> Result<bool, Outcome> {
    parse::boolean(one_arg(values)?).ok_or(DATA_TYPE)
}

fn done_if<T>(r: Result<T, Outcome>, apply: impl FnOnce(T) -> Outcome) -> Outcome {
    match r {
        Ok(v) => apply(v),
        Err(e) => e,
    }
}

fn perform(inst: &mut Instrument, entry: &Entry, ch: u8, values: &[String], q: bool) -> Outcome {
    if q {
        if entry.op == Op::BufferData {
            return super::readings::buffer_data(inst, ch, values);
        }
        if !values.is_empty() {
            return NOT_ALLOWED;
        }
        return super::answer::answer(inst, entry.op, ch);
    }
    let spec = inst.spec;
    let bool_setting = |inst: &mut Instrument, f: fn(&mut Instrument, u8, bool)| {
        done_if(one_bool(values), |b| {
            f(inst, ch, b);
            Outcome::Done
        })
    };
    match entry.op {
        Op::Volts => done_if(number_in(values, spec.ranges(ch).volts), |v| {
            inst.set_volts(ch, v)
        }),
        Op::Amps => done_if(number_in(values, (0.0, spec.ranges(ch).amps)), |a| {
            inst.set_amps(ch, a)
        }),
        Op::Output => done_if(one_bool(values), |b| {
            rearm(inst, ch, b);
            inst.set_on(ch, b)
        }),
        Op::AllOutputs => done_if(one_bool(values), |b| {
            (1..=inst.channel_count()).for_each(|c| rearm(inst, c, b));
            inst.set_all_on(b)
        }),
        Op::Master => done_if(one_bool(values), |b| inst.set_master(b)),
        Op::OvpLevel => done_if(number_in(values, (0.0, spec.ovp_max(ch))), |v| {
            inst.channel_mut(ch).ovp_level = v;
            Outcome::Done
        }),
        Op::OcpLevel => done_if(number_in(values, (0.0, spec.ocp_max(ch))), |v| {
            inst.channel_mut(ch).ocp_level = v;
            Outcome::Done
        }),
        // INFERRED range: up to 10 s.
        Op::OcpDelay => done_if(number_in(values, (0.0, 10.0)), |v| {
            inst.channel_mut(ch).ocp_delay = v;
            Outcome::Done
        }),
        Op::VoltLimit => done_if(number_in(values, spec.ranges(ch).volts), |v| {
            inst.channel_mut(ch).volt_limit = v;
            Outcome::Done
        }),
        Op::OvpEnabled => bool_setting(inst, |i, ch, b| i.channel_mut(ch).ovp_on = b),
        Op::OcpEnabled => bool_setting(inst, |i, ch, b| i.channel_mut(ch).ocp_on = b),
        Op::VoltLimitEnabled => bool_setting(inst, |i, ch, b| i.channel_mut(ch).volt_limit_on = b),
        Op::Nplc => done_if(number_in(values, super::readings::NPLC_RANGE), |n| {
            inst.settings.nplc = n;
            Outcome::Done
        }),
        Op::Beeper => bool_setting(inst, |i, _, b| i.beeper = b),
        Op::Tracking => bool_setting(inst, |i, _, b| i.settings.tracking = b),
        Op::Otp => bool_setting(inst, |i, _, b| i.otp = b),
        Op::Display => bool_setting(inst, |i, _, b| i.settings.display = b),
        Op::DisplayText => done_if(one_arg(values), |t| {
            let text = t.trim().trim_matches(['"', '\'']);
            if text.chars().count() > 32 {
                return TOO_MUCH_DATA;
            }
            inst.settings.display_text = text.to_owned();
            Outcome::Done
        }),
        Op::TrackMode => done_if(one_number(values), |m| match m {
            0.0 | 1.0 | 2.0 => {
                inst.settings.track_mode = m as u8;
                Outcome::Done
            }
            _ => ILLEGAL_VALUE,
        }),
        Op::SelectNumber => done_if(one_arg(values), |a| match a.trim().parse::<u8>() {
            Ok(n) => inst.select(n),
            Err(_) => DATA_TYPE,
        }),
        Op::SelectName(style) => done_if(one_arg(values), |a| match style.read(a) {
            Some(n) => inst.select(n),
            None => ILLEGAL_VALUE,
        }),
        Op::Apply => apply(inst, ch, values),
        Op::OvpClear => no_values(values, || inst.clear_trip(ch, true, false, false)),
        Op::OvpClearRestore => no_values(values, || inst.clear_trip(ch, true, false, true)),
        Op::OcpClear => no_values(values, || inst.clear_trip(ch, false, true, false)),
        Op::OcpClearRestore => no_values(values, || inst.clear_trip(ch, false, true, true)),
        Op::ProtClear => no_values(values, || inst.clear_trip(ch, true, true, false)),
        Op::Beep => no_values(values, || Outcome::Done),
        Op::Remote => no_values(values, || panel(inst, Panel::Remote)),
        Op::Local => no_values(values, || panel(inst, Panel::Local)),
        Op::RemoteLock => no_values(values, || panel(inst, Panel::RemoteLocked)),
        Op::Accept => Outcome::Done,
        // Query-only operations listed as set commands would be a table error; refuse them.
        _ => UNDEFINED_HEADER,
    }
}

/// Switching a channel on clears the latches its model has no clear command for (R&S fuse;
/// INFERRED).
fn rearm(inst: &mut Instrument, ch: u8, on: bool) {
    let spec = inst.spec;
    let clears = |ops: &[Op]| ops.iter().any(|op| spec.has(*op));
    if !on {
        return;
    }
    let c = inst.channel_mut(ch);
    if !clears(&[Op::OvpClear, Op::OvpClearRestore, Op::ProtClear]) {
        c.ovp_tripped = false;
    }
    if !clears(&[Op::OcpClear, Op::OcpClearRestore, Op::ProtClear]) {
        c.ocp_tripped = false;
    }
}

fn no_values(values: &[String], f: impl FnOnce() -> Outcome) -> Outcome {
    if values.is_empty() { f() } else { NOT_ALLOWED }
}

fn panel(inst: &mut Instrument, p: Panel) -> Outcome {
    inst.panel = p;
    Outcome::Done
}

/// `APPL [<ch>,]<volts>[,<amps>]`: the voltage, then the current limit; nothing changes when
/// either is out of range.
fn apply(inst: &mut Instrument, ch: u8, values: &[String]) -> Outcome {
    let (v, a) = match values {
        [] => return MISSING_PARAMETER,
        [v] => (v, None),
        [v, a] => (v, Some(a)),
        _ => return NOT_ALLOWED,
    };
    let Some(v) = parse::number(v) else {
        return DATA_TYPE;
    };
    let a = match a.map(|a| parse::number(a)) {
        None => None,
        Some(Some(a)) => Some(a),
        Some(None) => return DATA_TYPE,
    };
    let (lo, hi) = inst.spec.ranges(ch).volts;
    let amps_ok = a.is_none_or(|a| (0.0..=inst.spec.ranges(ch).amps).contains(&a));
    if !(lo..=hi).contains(&v) || !amps_ok {
        return OUT_OF_RANGE;
    }
    let out = inst.set_volts(ch, v);
    match a {
        Some(a) if out == Outcome::Done => inst.set_amps(ch, a),
        _ => out,
    }
}
