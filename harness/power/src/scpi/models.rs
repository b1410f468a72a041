//! Per-model command tables, in the spirit of sigrok's scpi-pps profiles: which commands set
//! voltage and current, switch the output and measure, how a channel is named, what must be
//! sent first, and how fast the instrument may be written to.
//!
//! Templates use `{ch}` (the channel's name in the model's convention) and `{v}` (the value).

use std::time::Duration;

use hil_rack::ScpiModel;

/// How a model names channel `n` inside commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelNaming {
    /// `1`, `2`, ...
    Number,
    /// E3631A fixed outputs: `P6V`, `P25V`, `N25V`.
    E3631a,
}

/// How measurement answers are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyFormat {
    /// One number (`3.3000`, `+3.30000000E+00`).
    Number,
    /// Comma-separated fields, reading first with a unit suffix (Keithley 2280S:
    /// `+3.800000E+00V,+1.000000E-02A,CV`).
    FirstField,
}

/// Everything the SCPI driver needs to know about one model.
#[derive(Debug, Clone, Copy)]
pub struct CommandTable {
    /// The model the table is for.
    pub model: ScpiModel,
    /// Sent once after connecting, over any link.
    pub init: &'static [&'static str],
    /// Sent once after opening a serial link, before anything else (`SYST:REM`).
    pub serial_init: &'static [&'static str],
    /// Channel selection before selected-channel commands; `None` when every command names
    /// its channel.
    pub select: Option<&'static str>,
    /// Whether channel 1 needs selecting too (false for single-output generic supplies, which
    /// may not know `INST`).
    pub select_channel_1: bool,
    /// The voltage set command template (`{v}` the value, `{ch}` the channel where named).
    pub set_volts: &'static str,
    /// The current limit command template (`{v}` the value, `{ch}` the channel where named).
    pub set_amps: &'static str,
    /// Commands that make the channel drive its terminals (R&S: channel switch, then master).
    pub output_on: &'static [&'static str],
    /// Commands that disconnect the channel from its terminals.
    pub output_off: &'static [&'static str],
    /// The voltage measurement query.
    pub meas_volts: &'static str,
    /// The current measurement query.
    pub meas_amps: &'static str,
    /// How commands name a channel.
    pub naming: ChannelNaming,
    /// How measurement replies are formatted.
    pub reply: ReplyFormat,
    /// Minimum time between two writes over TCP / over serial.
    pub tcp_gap: Duration,
    /// Minimum time between two writes over serial.
    pub serial_gap: Duration,
    /// The serial baud rate.
    pub serial_baud: u32,
    /// Whether the serial line needs two stop bits.
    pub serial_two_stop_bits: bool,
    /// Whether to drain `SYST:ERR?` after set commands.
    pub error_queue: bool,
    /// A caveat worth a log line when the output is switched (E3631A switches all outputs).
    pub output_note: Option<&'static str>,
}

const BASE: CommandTable = CommandTable {
    model: ScpiModel::Generic,
    init: &[],
    serial_init: &[],
    select: Some("INST:NSEL {ch}"),
    select_channel_1: false,
    set_volts: "VOLT {v}",
    set_amps: "CURR {v}",
    output_on: &["OUTP ON"],
    output_off: &["OUTP OFF"],
    meas_volts: "MEAS:VOLT?",
    meas_amps: "MEAS:CURR?",
    naming: ChannelNaming::Number,
    reply: ReplyFormat::Number,
    tcp_gap: Duration::from_millis(5),
    serial_gap: Duration::from_millis(50),
    serial_baud: 9600,
    serial_two_stop_bits: false,
    error_queue: true,
    output_note: None,
};

/// The command table of `model`.
pub fn table(model: ScpiModel) -> CommandTable {
    match model {
        ScpiModel::Generic => BASE,
        // Channel-list form, every command names its channel.
        ScpiModel::KeysightE36300 => CommandTable {
            model,
            select: None,
            set_volts: "VOLT {v},(@{ch})",
            set_amps: "CURR {v},(@{ch})",
            output_on: &["OUTP ON,(@{ch})"],
            output_off: &["OUTP OFF,(@{ch})"],
            meas_volts: "MEAS:VOLT? (@{ch})",
            meas_amps: "MEAS:CURR? (@{ch})",
            ..BASE
        },
        // RS-232: SYST:REM first, 8N2, read every answer before writing again (the driver never
        // has more than one query outstanding); 100 ms between writes (a field driver uses 0.7 s;
        // raise it with the pacing option if an adapter without DTR/DSR loses commands).
        ScpiModel::KeysightE3631a => CommandTable {
            model,
            serial_init: &["SYST:REM"],
            select: Some("INST:SEL {ch}"),
            select_channel_1: true,
            meas_volts: "MEAS:VOLT? {ch}",
            meas_amps: "MEAS:CURR? {ch}",
            naming: ChannelNaming::E3631a,
            tcp_gap: Duration::from_millis(20),
            serial_gap: Duration::from_millis(100),
            serial_two_stop_bits: true,
            output_note: Some("E3631A: OUTP switches all three outputs together"),
            ..BASE
        },
        ScpiModel::RigolDp800 => CommandTable {
            model,
            select: Some(":INST:NSEL {ch}"),
            select_channel_1: true,
            set_volts: ":SOUR:VOLT {v}",
            set_amps: ":SOUR:CURR {v}",
            output_on: &[":OUTP CH{ch},ON"],
            output_off: &[":OUTP CH{ch},OFF"],
            meas_volts: ":MEAS:VOLT? CH{ch}",
            meas_amps: ":MEAS:CURR? CH{ch}",
            tcp_gap: Duration::from_millis(10),
            ..BASE
        },
        // Drops back-to-back commands: ~20 ms + len/6000 s per write (Fixate driver).
        ScpiModel::SiglentSpd3303x => CommandTable {
            model,
            select: None,
            set_volts: "CH{ch}:VOLT {v}",
            set_amps: "CH{ch}:CURR {v}",
            output_on: &["OUTP CH{ch},ON"],
            output_off: &["OUTP CH{ch},OFF"],
            meas_volts: "MEAS:VOLT? CH{ch}",
            meas_amps: "MEAS:CURR? CH{ch}",
            tcp_gap: Duration::from_millis(25),
            ..BASE
        },
        // Two-level switch: channel on, then master on; off only touches the channel.
        ScpiModel::RsHmc804x => CommandTable {
            model,
            select_channel_1: true,
            output_on: &["OUTP:CHAN ON", "OUTP:MAST ON"],
            output_off: &["OUTP:CHAN OFF"],
            tcp_gap: Duration::from_millis(10),
            ..BASE
        },
        ScpiModel::RsNge100 => CommandTable {
            model,
            select_channel_1: true,
            output_on: &["OUTP:SEL ON", "OUTP:GEN ON"],
            output_off: &["OUTP:SEL OFF"],
            tcp_gap: Duration::from_millis(10),
            ..BASE
        },
        ScpiModel::Keithley2230 => CommandTable {
            model,
            serial_init: &["SYST:REM"],
            select: Some("INST:SEL CH{ch}"),
            select_channel_1: true,
            set_volts: "SOUR:VOLT {v}V",
            set_amps: "SOUR:CURR {v}A",
            output_on: &["CHAN:OUTP ON"],
            output_off: &["CHAN:OUTP OFF"],
            meas_volts: "MEAS:VOLT? CH{ch}",
            meas_amps: "MEAS:CURR? CH{ch}",
            tcp_gap: Duration::from_millis(10),
            ..BASE
        },
        ScpiModel::Keithley2280 => CommandTable {
            model,
            select: None,
            set_volts: "SOUR:VOLT:LEV:IMM:AMPL {v}",
            set_amps: "SOUR:CURR:LEV:IMM:AMPL {v}",
            output_on: &["OUTP:STAT ON"],
            output_off: &["OUTP:STAT OFF"],
            reply: ReplyFormat::FirstField,
            tcp_gap: Duration::from_millis(10),
            ..BASE
        },
    }
}
