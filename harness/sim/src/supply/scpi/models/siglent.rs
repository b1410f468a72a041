//! Siglent SPD3303X/X-E. Sources: reference §1.2 (`CH1:VOLT 3.3`, `CH1:VOLT?`, `CH1:CURR`,
//! `OUTP CH1,ON`, `MEAS:VOLT? CH1`, `MEAS:CURR? CH1`, `MEAS:POWE? CH1`, `INST CH1`,
//! `SYST:STAT?`); the labmcp-bench-psu driver from Siglent's quick start (`SYST:STAT?` bits,
//! no programmable OVP/OCP on the SPD3303X); the spd3303x package. `OUTP:TRAC 0|1|2`
//! (independent/series/parallel, read back in `SYST:STAT?`): INFERRED. No beeper or
//! remote/local command is documented in those sources. Error-queue depth OPEN.
//!
//! Not modelled: `*SAV`/`*RCL`, `OUTP:WAVE`, timers. Siglent's quick start shows `SYST:ERR?`
//! answering `0 No Error` rather than SCPI's `+0,"No error"` (as labmcp-bench-psu reads it); the
//! simulation answers the SCPI form and the driver reads both.

use super::measure;
use crate::supply::scpi::spec::{
    BoolStyle, Chan, ChanStyle, Entry, Known, ModelSpec, NumStyle, Op, Ranges, param, query, set,
};

const CH: Chan = Chan::Lead(ChanStyle::Ch);

pub(crate) static SPD3303X: ModelSpec = ModelSpec {
    idn: "Siglent Technologies,SPD3303X,SPD3XGB0000001,1.01.01.02.05,V3.0",
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
            volts: (0.0, 5.0),
            amps: 3.2,
            rating: "5V/3A",
        },
    ],
    number: NumStyle::Fixed(3),
    boolean: BoolStyle::OneZero,
    tripped: BoolStyle::OneZero,
    prefix: Some("CH"),
    master_switch: false,
    remote_on_serial: false,
    queue: (20, Known::Open),
    track_pair: (1, 2),
    scpi_version: "1999.0",
    commands: &[&measure(CH), COMMANDS],
    ovp_always: false,
    beeper_default: true,
};

const COMMANDS: &[Entry] = &[
    param(&["VOLT"], Chan::Prefix, Op::Volts),
    param(&["CURR"], Chan::Prefix, Op::Amps),
    query(&["MEAS:POW", "MEAS:POWE"], CH, Op::MeasPower),
    param(&["INST"], Chan::None, Op::SelectName(ChanStyle::Ch)),
    set(&["OUTP"], Chan::Named(ChanStyle::Ch), Op::Output),
    set(&["OUTP:TRAC"], Chan::None, Op::TrackMode),
    query(&["SYST:STAT"], Chan::None, Op::SystemStatus),
];
