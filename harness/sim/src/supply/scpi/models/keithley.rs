//! Keithley 2230/2231A and 2280S.
//!
//! 2230 sources: reference §1.2 (`SYST:REM`, required on the serial 2231A, `INST:SEL CH1`,
//! `SOUR:VOLT 3.300V`, `SOUR:CURR 0.5A`, `CHAN:OUTP ON`, `CHAN:OUTP?`, `MEAS:VOLT? CH1`,
//! `MEAS:CURR? CH1`); pymeasure `Keithley2200` (`INST:SEL CH1;VOLT?`, `SOUR:OUTP:ENAB`,
//! `MEAS:POW?`, `VOLT:LIM`, `VOLT:LIM:STAT`, `DISP`, `DISP:TEXT:DATA`). INFERRED: `OUTP`
//! switches all channels, `APPL CH1,3.3,0.5`, `SYST:LOC`/`RWL`, `SYST:BEEP`. Queue depth OPEN.
//!
//! 2280S sources: reference §1.2 (long source tree, `OUTP:STAT`, measurement configuration
//! `SENS:FUNC "CONC"`, `SENS:CONC:NPLC`, `FORM:ELEM "READ,SOUR,MODE"`, `TRIG:SOUR IMM`,
//! `INIT:CONT ON`, and `MEAS:CURR?` answering a multi-field string); pymeasure `Keithley2281S`
//! (sister model, whose docstring says its common and power-supply commands serve the 2280S:
//! `VOLT:LIM`, `SENS:CONC:NPLC[?]`, `SYST:LFR?`, `DISP:USER:TEXT`, `STAT:MEAS:INST:ISUM:COND?`,
//! `DATA:DATA?`; see [`crate::supply::scpi::readings`]). INFERRED: OVP always armed with
//! `VOLT:PROT[:LEV]`, `VOLT:PROT:TRIP?`, `OUTP:PROT:CLE`; the `DISP:USER:TEXT?` query. Queue
//! depth OPEN.

use super::{PANEL, SELECT_NUMBER, SOURCE_SELECTED, measure, select_name};
use crate::supply::scpi::spec::{
    BoolStyle, Chan, ChanStyle, Entry, Known, ModelSpec, NumStyle, Op, Ranges, param, query, set,
};

const CH: Chan = Chan::Lead(ChanStyle::Ch);

pub(crate) static K2230: ModelSpec = ModelSpec {
    idn: "Keithley instruments, 2230-30-1, 9000000,1.16-1.04",
    channels: &[
        Ranges {
            volts: (0.0, 30.0),
            amps: 3.0,
            rating: "30V/3A",
        },
        Ranges {
            volts: (0.0, 30.0),
            amps: 3.0,
            rating: "30V/3A",
        },
        Ranges {
            volts: (0.0, 6.0),
            amps: 5.0,
            rating: "6V/5A",
        },
    ],
    number: NumStyle::Fixed(4),
    boolean: BoolStyle::OneZero,
    tripped: BoolStyle::OneZero,
    prefix: None,
    master_switch: false,
    remote_on_serial: true,
    queue: (20, Known::Open),
    track_pair: (1, 2),
    scpi_version: "1999.0",
    commands: &[
        PANEL,
        SELECT_NUMBER,
        SOURCE_SELECTED,
        &measure(CH),
        &select_name(ChanStyle::Ch),
        K2230_COMMANDS,
    ],
    ovp_always: false,
    beeper_default: true,
};

const K2230_COMMANDS: &[Entry] = &[
    set(&["APPL"], CH, Op::Apply),
    param(
        &["CHAN:OUTP", "CHAN:OUTP:STAT", "OUTP:ENAB"],
        Chan::Selected,
        Op::Output,
    ),
    param(&["OUTP", "OUTP:STAT"], Chan::None, Op::AllOutputs),
    query(&["MEAS:POW"], CH, Op::MeasPower),
    param(&["VOLT:LIM"], Chan::Selected, Op::VoltLimit),
    param(&["VOLT:LIM:STAT"], Chan::Selected, Op::VoltLimitEnabled),
    param(&["DISP", "DISP:STAT"], Chan::None, Op::Display),
    param(
        &["DISP:TEXT", "DISP:TEXT:DATA"],
        Chan::None,
        Op::DisplayText,
    ),
    set(&["SYST:BEEP"], Chan::None, Op::Beep),
];

pub(crate) static K2280: ModelSpec = ModelSpec {
    idn: "KEITHLEY INSTRUMENTS,MODEL 2280S-32-6,12345,01.06",
    channels: &[Ranges {
        volts: (0.0, 32.0),
        amps: 6.1,
        rating: "32V/6A",
    }],
    number: NumStyle::Sci(6),
    boolean: BoolStyle::OneZero,
    tripped: BoolStyle::OneZero,
    prefix: None,
    master_switch: false,
    remote_on_serial: false,
    queue: (20, Known::Open),
    track_pair: (1, 1),
    scpi_version: "1999.0",
    commands: &[SOURCE_SELECTED, K2280_COMMANDS],
    ovp_always: true,
    beeper_default: true,
};

const K2280_COMMANDS: &[Entry] = &[
    query(
        &["MEAS:VOLT", "MEAS:SCAL:VOLT"],
        Chan::None,
        Op::MeasFields { volts_first: true },
    ),
    query(
        &["MEAS:CURR", "MEAS:SCAL:CURR"],
        Chan::None,
        Op::MeasFields { volts_first: false },
    ),
    param(&["OUTP", "OUTP:STAT"], Chan::None, Op::Output),
    param(&["VOLT:LIM"], Chan::None, Op::VoltLimit),
    param(&["VOLT:PROT"], Chan::None, Op::OvpLevel),
    query(&["VOLT:PROT:TRIP"], Chan::None, Op::OvpTripped),
    set(&["OUTP:PROT:CLE"], Chan::None, Op::ProtClear),
    set(
        &["SENS:FUNC", "FORM:ELEM", "TRIG:SOUR", "INIT:CONT"],
        Chan::None,
        Op::Accept,
    ),
    param(&["SENS:CONC:NPLC"], Chan::None, Op::Nplc),
    query(&["SYST:LFR"], Chan::None, Op::LineFrequency),
    query(&["STAT:MEAS:INST:ISUM:COND"], Chan::None, Op::MeasCondition),
    query(&["DATA:DATA"], Chan::None, Op::BufferData),
    param(
        &["DISP:USER:TEXT", "DISP:USER:TEXT:DATA"],
        Chan::None,
        Op::DisplayText,
    ),
];
