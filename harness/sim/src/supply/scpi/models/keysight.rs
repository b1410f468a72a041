//! Keysight E36300 (E36312A) and Agilent/Keysight E3631A.
//!
//! E36300 sources: reference §1.2 (channel-list forms `VOLT 3.3,(@1)`, `OUTP ON,(@1)`,
//! `MEAS:VOLT? (@1)`; selected-channel forms after `INST:NSEL`); libsigrok
//! `keysight_e36300a_cmd` (`SYST:REM`/`LOC`, `:VOLT:PROT`, `:VOLT:PROT:TRIP?`,
//! `:CURR:PROT:STAT`, `:CURR:PROT:TRIP?`: OCP has no level of its own, it trips when the output
//! reaches the current limit); pymeasure `KeysightE36312A` (`VOLT? (@1)`, `OUTPut? (@1)`).
//! INFERRED: OVP always armed, `VOLT:PROT:CLE`/`CURR:PROT:CLE` restore the output, tracking
//! `OUTP:TRAC` (CH2/CH3), `SYST:BEEP`, `SYST:ERR:COUN?`. Error-queue depth OPEN.
//!
//! E3631A sources: reference §1.1–1.2 (`P6V`/`P25V`/`N25V`, `APPL P6V,3.3,0.5`,
//! `INST:SEL P6V`, `MEAS:VOLT? P6V`, `OUTP` switches all three outputs, `SYST:REM` first over
//! RS-232, error queue of 20); pymeasure `KeysightE3631A` (`OUTP:TRAC`, `INST:NSEL 1;:VOLT?`).
//! It has no OVP/OCP. `APPL?` (quoted pair) and `SYST:BEEP`: INFERRED from its user guide.

use super::{PANEL, SELECT_NUMBER, SOURCE_SELECTED, measure, select_name};
use crate::supply::scpi::spec::{
    BoolStyle, Chan, ChanStyle, Entry, Known, ModelSpec, NumStyle, Op, Ranges, param, query, set,
};

const LIST: Chan = Chan::Trail(ChanStyle::List);

pub(crate) static E36300: ModelSpec = ModelSpec {
    idn: "Keysight Technologies,E36312A,MY00000001,2.1.0-1.0.4-1.12",
    channels: &[
        Ranges {
            volts: (0.0, 6.18),
            amps: 5.15,
            rating: "6V/5A",
        },
        Ranges {
            volts: (0.0, 25.75),
            amps: 1.03,
            rating: "25V/1A",
        },
        Ranges {
            volts: (0.0, 25.75),
            amps: 1.03,
            rating: "25V/1A",
        },
    ],
    number: NumStyle::Sci(8),
    boolean: BoolStyle::OneZero,
    tripped: BoolStyle::OneZero,
    prefix: None,
    master_switch: false,
    remote_on_serial: false,
    queue: (20, Known::Open),
    track_pair: (2, 3),
    scpi_version: "1999.0",
    commands: &[
        PANEL,
        SELECT_NUMBER,
        &measure(LIST),
        &select_name(ChanStyle::Ch),
        E36300_COMMANDS,
    ],
    ovp_always: true,
    beeper_default: true,
};

const E36300_COMMANDS: &[Entry] = &[
    param(&["VOLT"], LIST, Op::Volts),
    param(&["CURR"], LIST, Op::Amps),
    param(&["OUTP", "OUTP:STAT"], LIST, Op::Output),
    param(&["VOLT:PROT"], LIST, Op::OvpLevel),
    query(&["VOLT:PROT:TRIP"], LIST, Op::OvpTripped),
    set(&["VOLT:PROT:CLE"], LIST, Op::OvpClearRestore),
    param(&["CURR:PROT:STAT"], LIST, Op::OcpEnabled),
    query(&["CURR:PROT:TRIP"], LIST, Op::OcpTripped),
    set(&["CURR:PROT:CLE"], LIST, Op::OcpClearRestore),
    param(&["OUTP:TRAC", "OUTP:TRAC:STAT"], Chan::None, Op::Tracking),
    set(&["SYST:BEEP"], Chan::None, Op::Beep),
    query(&["SYST:ERR:COUN"], Chan::None, Op::ErrorCount),
];

const E3631: Chan = Chan::Lead(ChanStyle::E3631a);

pub(crate) static E3631A: ModelSpec = ModelSpec {
    idn: "HEWLETT-PACKARD,E3631A,0,2.1-5.0-1.0",
    channels: &[
        Ranges {
            volts: (0.0, 6.18),
            amps: 5.15,
            rating: "6V/5A",
        },
        Ranges {
            volts: (0.0, 25.75),
            amps: 1.03,
            rating: "25V/1A",
        },
        Ranges {
            volts: (-25.75, 0.0),
            amps: 1.03,
            rating: "-25V/1A",
        },
    ],
    number: NumStyle::Sci(5),
    boolean: BoolStyle::OneZero,
    tripped: BoolStyle::OneZero,
    prefix: None,
    master_switch: false,
    remote_on_serial: true,
    queue: (20, Known::Sourced),
    track_pair: (2, 3),
    scpi_version: "1995.0",
    commands: &[
        PANEL,
        SELECT_NUMBER,
        SOURCE_SELECTED,
        &measure(E3631),
        &select_name(ChanStyle::E3631a),
        E3631A_COMMANDS,
    ],
    ovp_always: false,
    beeper_default: true,
};

const E3631A_COMMANDS: &[Entry] = &[
    set(&["APPL"], E3631, Op::Apply),
    query(&["APPL"], E3631, Op::ApplyQuery),
    param(&["OUTP", "OUTP:STAT"], Chan::None, Op::AllOutputs),
    param(&["OUTP:TRAC", "OUTP:TRAC:STAT"], Chan::None, Op::Tracking),
    set(&["SYST:BEEP"], Chan::None, Op::Beep),
];
