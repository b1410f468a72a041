//! The Keithley 2280S measurement side that clients read besides `MEAS:…?`: the mains
//! frequency, the integration time's range, the measurement summary condition and the
//! reading buffer (`DATA:DATA?`).
//!
//! Sources: the 2281S reference manual (sister model, 077114601, §7 `DATA:DATA?`: elements
//! `READ`, `SOUR`, `MODE`, `REL`, …, default `READ`) and PyMeasure's `Keithley2281S`, whose
//! docstring says its common and power-supply commands also serve the 2280S (`SYST:LFR?` at
//! connect, `SENS:CONC:NPLC` 0.002–12 PLC at 50 Hz, `STAT:MEAS:INST:ISUM:COND?` bit 64 =
//! reading available, `DATA:DATA? "READ,SOUR,REL"` read as current, voltage, time).
//! INFERRED: the simulated bench runs on 50 Hz mains; the instrument measures continuously
//! (`INIT:CONT ON`), so a reading is always available and the buffer holds one reading, taken
//! when asked, time-stamped from power-on or `*RST`; `REL` is a plain number of seconds (the
//! manual's example shows `+4.430876E+00s`, but PyMeasure parses it as a float).

use super::instrument::{ILLEGAL_VALUE, Instrument, NOT_ALLOWED, Outcome};
use super::parse::sci;

/// The simulated bench's mains frequency, Hz (INFERRED).
pub(crate) const LINE_HZ: u32 = 50;

/// `SENS:CONC:NPLC` range at [`LINE_HZ`] (PyMeasure `Keithley2281S`: 0.002–12, 15 at 60 Hz).
pub(crate) const NPLC_RANGE: (f64, f64) = (0.002, 12.0);

/// `STAT:MEAS:INST:ISUM:COND?` with a reading available (bit 6).
pub(crate) const READING_AVAILABLE: u32 = 64;

/// `DATA:DATA? ["<elements>"]`: the buffer's reading with the asked elements, comma-separated.
pub(crate) fn buffer_data(inst: &Instrument, ch: u8, values: &[String]) -> Outcome {
    let list = match values {
        [] => "READ".to_owned(),
        [one] => one.trim().trim_matches(['"', '\'']).to_owned(),
        _ => return NOT_ALLOWED,
    };
    let mut fields = Vec::new();
    for element in list.split(',').map(|e| e.trim().to_ascii_uppercase()) {
        let field = match short(&element) {
            Some("READ") => sci(inst.meas_amps(ch), 6),
            Some("SOUR") => sci(inst.meas_volts(ch), 6),
            Some("REL") => sci(inst.readings_since.elapsed().as_secs_f64(), 6),
            Some("MODE") => mode(inst, ch).to_owned(),
            _ => return ILLEGAL_VALUE,
        };
        fields.push(field);
    }
    Outcome::Reply(fields.join(","))
}

/// An element name in its short form, long form or anything between (as the manual allows).
fn short(element: &str) -> Option<&'static str> {
    [
        ("READ", "READING"),
        ("SOUR", "SOURCE"),
        ("REL", "RELATIVE"),
        ("MODE", "MODE"),
    ]
    .into_iter()
    .find(|(s, l)| element.starts_with(s) && l.starts_with(element))
    .map(|(s, _)| s)
}

fn mode(inst: &Instrument, ch: u8) -> &'static str {
    if !inst.is_on(ch) {
        "OFF"
    } else if inst.in_cc(ch) {
        "CC"
    } else {
        "CV"
    }
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn elements_in_short_long_and_between_forms() {
        assert_eq!(short("READ"), Some("READ"));
        assert_eq!(short("READING"), Some("READ"));
        assert_eq!(short("SOURC"), Some("SOUR"));
        assert_eq!(short("RE"), None);
        assert_eq!(short("TIME"), None);
    }
}
