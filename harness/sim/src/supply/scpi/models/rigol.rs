//! Rigol DP800 (DP832). Sources: reference §1.2 (`:APPL CH1,3.3,0.5`, `:OUTP CH1,ON`,
//! `:OUTP? CH1` → `ON`/`OFF`, `:MEAS:VOLT? CH1`, `:INST:NSEL`, `:SOUR:VOLT`, `:MEAS:POWE?`,
//! `:OUTP:OVP:VAL`); libsigrok `rigol_dp800_cmd` (`SYST:REMOTE`/`LOCAL`, `SYST:BEEP:STAT`,
//! `:OUTP:MODE?`, `:SYST:OTP`, `:OUTP:OVP[:STAT]`, `:OUTP:OVP:QUES?`, `:OUTP:OCP…`); the
//! labmcp-bench-psu driver, which cites the DP800 programming guide's pages (`:APPL? CH1`,
//! `:MEAS:ALL? CH1`, `:OUTP:OVP:CLEAR CH1` — flag only, the output stays off — and the
//! `CH<n>,` argument of the protection commands); pydp832 (`:SOUR<n>:VOLT?`, `:OUTP:CVCC?`).
//! Tracking (`:OUTP:TRAC [CH1,]ON`, CH1/CH2) and `SYST:RWL`: INFERRED. Error-queue depth OPEN.

use super::{PANEL, SELECT_NUMBER, SOURCE_SELECTED, measure, select_name};
use crate::supply::scpi::spec::{
    BoolStyle, Chan, ChanStyle, Entry, Known, ModelSpec, NumStyle, Op, Ranges, param, query, set,
};

const CH: Chan = Chan::Lead(ChanStyle::Ch);

pub(crate) static DP800: ModelSpec = ModelSpec {
    idn: "RIGOL TECHNOLOGIES,DP832,DP8C000000001,00.01.16",
    // Settable ranges of the DP832 (DP800 programming guide table 2-1, via labmcp-bench-psu).
    channels: &[
        Ranges {
            volts: (0.0, 32.0),
            amps: 3.2,
            rating: "30V/3A",
        },
        Ranges {
            volts: (0.0, 32.0),
            amps: 3.2,
            rating: "30V/3A",
        },
        Ranges {
            volts: (0.0, 5.3),
            amps: 3.2,
            rating: "5V/3A",
        },
    ],
    number: NumStyle::Fixed(4),
    boolean: BoolStyle::OnOff,
    tripped: BoolStyle::YesNo,
    prefix: Some("SOUR"),
    master_switch: false,
    remote_on_serial: false,
    queue: (20, Known::Open),
    track_pair: (1, 2),
    scpi_version: "1999.0",
    commands: &[
        PANEL,
        SELECT_NUMBER,
        SOURCE_SELECTED,
        &measure(CH),
        &select_name(ChanStyle::Ch),
        COMMANDS,
    ],
    ovp_always: false,
    beeper_default: true,
};

const COMMANDS: &[Entry] = &[
    set(&["APPL"], CH, Op::Apply),
    query(&["APPL"], CH, Op::ApplyQuery),
    param(&["OUTP", "OUTP:STAT"], CH, Op::Output),
    query(&["OUTP:MODE", "OUTP:CVCC"], CH, Op::Mode),
    param(&["OUTP:TRAC"], CH, Op::Tracking),
    query(&["MEAS:POW", "MEAS:POWE"], CH, Op::MeasPower),
    query(&["MEAS:ALL"], CH, Op::MeasAll),
    param(&["OUTP:OVP", "OUTP:OVP:STAT"], CH, Op::OvpEnabled),
    param(&["OUTP:OVP:VAL"], CH, Op::OvpLevel),
    query(&["OUTP:OVP:QUES"], CH, Op::OvpTripped),
    set(&["OUTP:OVP:CLE"], CH, Op::OvpClear),
    param(&["OUTP:OCP", "OUTP:OCP:STAT"], CH, Op::OcpEnabled),
    param(&["OUTP:OCP:VAL"], CH, Op::OcpLevel),
    query(&["OUTP:OCP:QUES"], CH, Op::OcpTripped),
    set(&["OUTP:OCP:CLE"], CH, Op::OcpClear),
    set(&["SYST:BEEP"], Chan::None, Op::Beep),
    param(&["SYST:BEEP:STAT"], Chan::None, Op::Beeper),
    param(&["SYST:OTP"], Chan::None, Op::Otp),
];
