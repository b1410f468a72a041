//! The command tables of the simulated SCPI models, one file per maker, plus blocks several
//! models share. Each table cites where its commands come from; a row marked INFERRED has no
//! source read and is the usual form of that maker's SCPI tree.

mod keithley;
mod keysight;
mod rigol;
mod rs;
mod siglent;

use hil_model::ScpiModel;

use super::spec::{Chan, ChanStyle, Entry, ModelSpec, Op, param, query, set};

pub(crate) use keithley::{K2230, K2280};
pub(crate) use keysight::{E3631A, E36300};
pub(crate) use rigol::DP800;
pub(crate) use rs::{HMC804X, NGE100};
pub(crate) use siglent::SPD3303X;

/// The table of `model`.
pub(crate) fn spec(model: ScpiModel) -> &'static ModelSpec {
    match model {
        ScpiModel::Generic => &GENERIC,
        ScpiModel::KeysightE36300 => &E36300,
        ScpiModel::KeysightE3631a => &E3631A,
        ScpiModel::RigolDp800 => &DP800,
        ScpiModel::SiglentSpd3303x => &SPD3303X,
        ScpiModel::RsHmc804x => &HMC804X,
        ScpiModel::RsNge100 => &NGE100,
        ScpiModel::Keithley2230 => &K2230,
        ScpiModel::Keithley2280 => &K2280,
    }
}

/// `SYST:REM`, `SYST:LOC`, `SYST:RWL` (E3631A guide ch. 4 and reference §1.2; libsigrok's
/// E36300 and BK profiles; INFERRED for the others that carry this block).
pub(crate) const PANEL: &[Entry] = &[
    set(&["SYST:REM"], Chan::None, Op::Remote),
    set(&["SYST:LOC"], Chan::None, Op::Local),
    set(&["SYST:RWL"], Chan::None, Op::RemoteLock),
];

/// `INST:NSEL <n>` and its query (reference §1.2: E36300, E3631A, DP832, HMC804x, NGE100).
pub(crate) const SELECT_NUMBER: &[Entry] = &[param(&["INST:NSEL"], Chan::None, Op::SelectNumber)];

/// `INST[:SEL] <name>` and its query, the channel named in `style` (reference §1.2).
pub(crate) const fn select_name(style: ChanStyle) -> [Entry; 1] {
    [param(
        &["INST", "INST:SEL"],
        Chan::None,
        Op::SelectName(style),
    )]
}

/// `VOLT`, `CURR` on the selected channel and their queries.
pub(crate) const SOURCE_SELECTED: &[Entry] = &[
    param(&["VOLT"], Chan::Selected, Op::Volts),
    param(&["CURR"], Chan::Selected, Op::Amps),
];

/// `MEAS[:SCAL]:VOLT[:DC]?` and `MEAS[:SCAL]:CURR[:DC]?` with the channel taken as `chan` says.
pub(crate) const fn measure(chan: Chan) -> [Entry; 2] {
    [
        query(
            &[
                "MEAS:VOLT",
                "MEAS:SCAL:VOLT",
                "MEAS:VOLT:DC",
                "MEAS:SCAL:VOLT:DC",
            ],
            chan,
            Op::MeasVolts,
        ),
        query(
            &[
                "MEAS:CURR",
                "MEAS:SCAL:CURR",
                "MEAS:CURR:DC",
                "MEAS:SCAL:CURR:DC",
            ],
            chan,
            Op::MeasAmps,
        ),
    ]
}

/// The generic SCPI supply: SCPI-99's standard source tree (Vol. 2: `SOURce:VOLTage`,
/// `:PROTection[:LEVel]`, `:STATe`, `:TRIPped?`, `:CLEar`, `OUTPut[:STATe]`, `MEASure`,
/// `INSTrument:NSELect`, `SYSTem:BEEPer[:IMMediate]`, `SYSTem:BEEPer:STATe`) on up to eight
/// channels, plus the usual `SYST:REM`/`SYST:LOC` (INFERRED). Queue depth OPEN.
pub(crate) static GENERIC: ModelSpec = ModelSpec {
    idn: "HIL-SIM,GENERIC-PSU,SIM0001,1.0",
    channels: &[super::spec::Ranges {
        volts: (0.0, 30.0),
        amps: 5.0,
        rating: "30V/5A",
    }; 8],
    number: super::spec::NumStyle::Fixed(4),
    boolean: super::spec::BoolStyle::OneZero,
    tripped: super::spec::BoolStyle::OneZero,
    prefix: None,
    master_switch: false,
    remote_on_serial: false,
    queue: (20, super::spec::Known::Open),
    track_pair: (1, 2),
    scpi_version: "1999.0",
    commands: &[
        PANEL,
        SELECT_NUMBER,
        SOURCE_SELECTED,
        &measure(Chan::Selected),
        GENERIC_REST,
    ],
    ovp_always: false,
    beeper_default: true,
};

const GENERIC_REST: &[Entry] = &[
    query(
        &["MEAS:POW", "MEAS:SCAL:POW"],
        Chan::Selected,
        Op::MeasPower,
    ),
    param(&["OUTP", "OUTP:STAT"], Chan::Selected, Op::Output),
    param(&["VOLT:PROT"], Chan::Selected, Op::OvpLevel),
    param(&["VOLT:PROT:STAT"], Chan::Selected, Op::OvpEnabled),
    query(&["VOLT:PROT:TRIP"], Chan::Selected, Op::OvpTripped),
    set(&["VOLT:PROT:CLE"], Chan::Selected, Op::OvpClear),
    param(&["CURR:PROT"], Chan::Selected, Op::OcpLevel),
    param(&["CURR:PROT:STAT"], Chan::Selected, Op::OcpEnabled),
    query(&["CURR:PROT:TRIP"], Chan::Selected, Op::OcpTripped),
    set(&["CURR:PROT:CLE"], Chan::Selected, Op::OcpClear),
    set(&["SYST:BEEP"], Chan::None, Op::Beep),
    param(&["SYST:BEEP:STAT"], Chan::None, Op::Beeper),
];
