//! Rohde & Schwarz HMC804x and NGE100(B). Sources: reference §1.2 (`INST:NSEL n`, `VOLT`,
//! `CURR`, `OUTP ON|OFF` on the selected channel, `MEAS:VOLT?`, `MEAS:CURR?`, the two-level
//! output switch: channel switch `OUTP:CHAN`/`OUTP:SEL`/`OUTP[:STAT]` and master `OUTP:MAST`
//! (HMC804x) or `OUTP:GEN` (NGE100)); libsigrok `rs_hmc8043_cmd`/`rs_nge100b_cmd`
//! (`VOLT:PROT:LEV`, `VOLT:PROT:STAT`, `VOLT:PROT:TRIP?`, electronic fuse `FUSE:STAT`,
//! `FUSE:TRIP?`, `FUSE:DEL`). INFERRED: `INST OUT1`, `APPL <v>,<a>`, `MEAS:POW?`,
//! `VOLT:PROT:CLE`, `SYST:REM`/`LOC`/`RWL`, `SYST:BEEP`; a tripped fuse is cleared by switching
//! the channel on again (no clear command in the sources). Error-queue depth OPEN.

use super::{PANEL, SELECT_NUMBER, SOURCE_SELECTED, measure, select_name};
use crate::supply::scpi::spec::{
    BoolStyle, Chan, ChanStyle, Entry, Known, ModelSpec, NumStyle, Op, Ranges, param, query, set,
};

const RANGES: Ranges = Ranges {
    volts: (0.0, 32.05),
    amps: 3.0,
    rating: "32V/3A",
};

pub(crate) static HMC804X: ModelSpec = ModelSpec {
    idn: "Rohde&Schwarz,HMC8043,000000001,HW50020001/SW02.100",
    commands: &[
        PANEL,
        SELECT_NUMBER,
        SOURCE_SELECTED,
        &measure(Chan::Selected),
        &select_name(ChanStyle::Out),
        COMMANDS,
        &[param(
            &["OUTP:MAST", "OUTP:MAST:STAT"],
            Chan::None,
            Op::Master,
        )],
    ],
    ..NGE
};

pub(crate) static NGE100: ModelSpec = NGE;

const NGE: ModelSpec = ModelSpec {
    idn: "Rohde&Schwarz,NGE103B,5601.3800k03/000001,1.54",
    channels: &[RANGES; 3],
    number: NumStyle::Fixed(4),
    boolean: BoolStyle::OneZero,
    tripped: BoolStyle::OneZero,
    prefix: None,
    master_switch: true,
    remote_on_serial: false,
    queue: (20, Known::Open),
    track_pair: (1, 2),
    scpi_version: "1999.0",
    commands: &[
        PANEL,
        SELECT_NUMBER,
        SOURCE_SELECTED,
        &measure(Chan::Selected),
        &select_name(ChanStyle::Out),
        COMMANDS,
        &[param(
            &["OUTP:GEN", "OUTP:GEN:STAT"],
            Chan::None,
            Op::Master,
        )],
    ],
    ovp_always: false,
    beeper_default: true,
};

const SWITCH: &[&str] = &[
    "OUTP:CHAN",
    "OUTP:CHAN:STAT",
    "OUTP:SEL",
    "OUTP",
    "OUTP:STAT",
];

const COMMANDS: &[Entry] = &[
    set(&["APPL"], Chan::Selected, Op::Apply),
    param(SWITCH, Chan::Selected, Op::Output),
    // `[:SCALar]` optional as in the model's other MEASure queries (RsInstrument users write it).
    query(
        &["MEAS:POW", "MEAS:SCAL:POW"],
        Chan::Selected,
        Op::MeasPower,
    ),
    param(&["VOLT:PROT"], Chan::Selected, Op::OvpLevel),
    param(&["VOLT:PROT:STAT"], Chan::Selected, Op::OvpEnabled),
    query(&["VOLT:PROT:TRIP"], Chan::Selected, Op::OvpTripped),
    set(&["VOLT:PROT:CLE"], Chan::Selected, Op::OvpClear),
    param(&["FUSE:STAT"], Chan::Selected, Op::OcpEnabled),
    query(&["FUSE:TRIP"], Chan::Selected, Op::OcpTripped),
    param(&["FUSE:DEL"], Chan::Selected, Op::OcpDelay),
    set(&["SYST:BEEP"], Chan::None, Op::Beep),
];
