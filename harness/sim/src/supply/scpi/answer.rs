//! Answers to the queries of a model's table, in the model's reply style.

use super::instrument::{Instrument, Outcome, UNDEFINED_HEADER};
use super::parse::sci;
use super::readings;
use super::spec::Op;

/// The answer to the query form of `op` on channel `ch`.
pub(crate) fn answer(inst: &Instrument, op: Op, ch: u8) -> Outcome {
    let spec = inst.spec;
    let c = *inst.channel(ch);
    let num = |v: f64| Outcome::Reply(spec.fmt(v));
    let flag = |b: bool| Outcome::Reply(spec.boolean.write(b).into());
    let trip = |b: bool| Outcome::Reply(spec.tripped.write(b).into());
    match op {
        Op::Volts => num(inst.volts_setpoint(ch)),
        Op::Amps => num(inst.amps_limit(ch)),
        Op::Output => flag(inst.is_on(ch)),
        Op::AllOutputs => flag((1..=inst.channel_count()).any(|c| inst.is_on(c))),
        Op::Master => flag(inst.master()),
        Op::OvpLevel => num(c.ovp_level),
        Op::OvpEnabled => flag(c.ovp_on),
        Op::OcpLevel => num(c.ocp_level),
        Op::OcpEnabled => flag(c.ocp_on),
        Op::OcpDelay => num(c.ocp_delay),
        Op::VoltLimit => num(c.volt_limit),
        Op::VoltLimitEnabled => flag(c.volt_limit_on),
        Op::Beeper => flag(inst.beeper),
        Op::Tracking => flag(inst.settings.tracking),
        Op::TrackMode => Outcome::Reply(inst.settings.track_mode.to_string()),
        Op::Otp => flag(inst.otp),
        Op::Display => flag(inst.settings.display),
        Op::DisplayText => Outcome::Reply(format!("\"{}\"", inst.settings.display_text)),
        Op::SelectNumber => Outcome::Reply(inst.selected().to_string()),
        Op::SelectName(style) => Outcome::Reply(style.name(inst.selected())),
        Op::MeasVolts => num(inst.meas_volts(ch)),
        Op::MeasAmps => num(inst.meas_amps(ch)),
        Op::MeasPower => num(inst.meas_volts(ch) * inst.meas_amps(ch)),
        Op::MeasAll => {
            let (v, a) = (inst.meas_volts(ch), inst.meas_amps(ch));
            Outcome::Reply(format!(
                "{},{},{}",
                spec.fmt(v),
                spec.fmt(a),
                spec.fmt(v * a)
            ))
        }
        Op::MeasFields { volts_first } => Outcome::Reply(fields(inst, ch, volts_first)),
        Op::Mode => Outcome::Reply(if inst.in_cc(ch) { "CC" } else { "CV" }.into()),
        Op::OvpTripped => trip(c.ovp_tripped),
        Op::OcpTripped => trip(c.ocp_tripped),
        Op::ApplyQuery => Outcome::Reply(apply_reply(inst, ch)),
        Op::SystemStatus => Outcome::Reply(format!("0x{:x}", system_status(inst))),
        Op::ErrorCount => Outcome::Reply(inst.status.error_count().to_string()),
        Op::Nplc => num(inst.settings.nplc),
        Op::LineFrequency => Outcome::Reply(readings::LINE_HZ.to_string()),
        Op::MeasCondition => Outcome::Reply(readings::READING_AVAILABLE.to_string()),
        Op::BufferData => readings::buffer_data(inst, ch, &[]),
        _ => UNDEFINED_HEADER,
    }
}

/// Keithley 2280S: `+3.800000E+00V,+1.000000E-02A,CV` — the asked reading first with its unit,
/// then the other, then the mode (field layout INFERRED from public scripts, reference §1.2).
fn fields(inst: &Instrument, ch: u8, volts_first: bool) -> String {
    let v = format!("{}V", sci(inst.meas_volts(ch), 6));
    let a = format!("{}A", sci(inst.meas_amps(ch), 6));
    let mode = if inst.in_cc(ch) { "CC" } else { "CV" };
    if volts_first {
        format!("{v},{a},{mode}")
    } else {
        format!("{a},{v},{mode}")
    }
}

/// `APPL?`: Rigol answers `CH1:30V/3A,3.300,0.5000` (its rating, then the set points; layout
/// from the DP800 programming guide as quoted by labmcp-bench-psu's driver); a model whose
/// numbers are in scientific notation (E3631A) a quoted pair `"+3.30000E+00,+5.00000E-01"`
/// (INFERRED from the E3631A user guide's description of `APPLy?`).
fn apply_reply(inst: &Instrument, ch: u8) -> String {
    let (v, a) = (inst.volts_setpoint(ch), inst.amps_limit(ch));
    match inst.spec.number {
        super::spec::NumStyle::Sci(d) => format!("\"{},{}\"", sci(v, d), sci(a, d)),
        super::spec::NumStyle::Fixed(_) => {
            let rating = inst.spec.ranges(ch).rating;
            format!("CH{ch}:{rating},{v:.3},{a:.4}")
        }
    }
}

/// Siglent `SYST:STAT?` word: bit 0/1 CH1/CH2 in constant current, bits 2–3 the tracking mode
/// (01 independent, 11 series, 10 parallel — INFERRED from the SPD3303X manual as remembered,
/// not in the reference), bit 4/5 CH1/CH2 output on (bits 0, 1, 4, 5 as labmcp-bench-psu reads
/// them from Siglent's quick start).
fn system_status(inst: &Instrument) -> u32 {
    let track = match inst.settings.track_mode {
        1 => 0b11,
        2 => 0b10,
        _ => 0b01,
    };
    u32::from(inst.in_cc(1))
        | (u32::from(inst.in_cc(2)) << 1)
        | (track << 2)
        | (u32::from(inst.is_on(1)) << 4)
        | (u32::from(inst.is_on(2)) << 5)
}
