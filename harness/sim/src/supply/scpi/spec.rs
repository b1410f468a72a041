//! What a simulated SCPI model is, as data: identity, channels and ranges, reply styles,
//! policies, and its command table — each entry a header in the model's own spelling, the
//! way it names a channel, and the [`Op`] it performs. The engine ([`super::engine`]) runs
//! any model from its [`ModelSpec`]; the tables live in [`super::models`].

/// How a command argument names a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChanStyle {
    /// `CH1` (Rigol, Siglent, Keithley 2230).
    Ch,
    /// A one-channel list `(@1)` (Keysight E36300).
    List,
    /// `P6V`, `P25V`, `N25V` (E3631A).
    E3631a,
    /// `OUT1`, `OUTP1`, `OUTPUT1` (R&S; answered as `OUTP1`).
    Out,
}

impl ChanStyle {
    /// Reads a channel argument; `None` when it is not one in this style.
    pub fn read(self, arg: &str) -> Option<u8> {
        let a = arg.trim().to_ascii_uppercase();
        match self {
            ChanStyle::Ch => a.strip_prefix("CH")?.parse().ok(),
            ChanStyle::List => a.strip_prefix("(@")?.strip_suffix(')')?.trim().parse().ok(),
            ChanStyle::E3631a => match a.as_str() {
                "P6V" => Some(1),
                "P25V" => Some(2),
                "N25V" => Some(3),
                _ => None,
            },
            ChanStyle::Out => ["OUTPUT", "OUTP", "OUT"]
                .iter()
                .find_map(|p| a.strip_prefix(p)?.parse().ok()),
        }
    }

    /// How the model writes channel `ch` in replies (`INST?`).
    pub fn name(self, ch: u8) -> String {
        match self {
            ChanStyle::Ch => format!("CH{ch}"),
            ChanStyle::List => format!("(@{ch})"),
            ChanStyle::E3631a => ["P6V", "P25V", "N25V"][usize::from(ch.clamp(1, 3) - 1)].into(),
            ChanStyle::Out => format!("OUTP{ch}"),
        }
    }
}

/// Where a command takes its channel from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chan {
    /// The selected channel, or the header's channel prefix (`SOUR2:VOLT`, `CH2:VOLT`) when the
    /// model has one.
    Selected,
    /// Only from the header's channel prefix (Siglent `CH1:VOLT`); without it the header is
    /// undefined.
    Prefix,
    /// An optional first argument before the value (Rigol `:OUTP CH1,ON`); a query's only
    /// argument.
    Lead(ChanStyle),
    /// A required first argument before the value (Siglent `OUTP CH1,ON`).
    Named(ChanStyle),
    /// An optional last argument after the value (Keysight `VOLT 3.3,(@1)`); a query's only
    /// argument.
    Trail(ChanStyle),
    /// Not about a channel.
    None,
}

/// Set command or query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Set,
    Query,
}

/// The forms a table row answers: a parameter usually has both, its set form and its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forms {
    Set,
    Query,
    Both,
}

impl Forms {
    /// Whether a command of `form` is this row's.
    pub const fn has(self, form: Form) -> bool {
        matches!(
            (self, form),
            (Forms::Both, _) | (Forms::Set, Form::Set) | (Forms::Query, Form::Query)
        )
    }
}

impl From<Form> for Forms {
    fn from(form: Form) -> Forms {
        match form {
            Form::Set => Forms::Set,
            Form::Query => Forms::Query,
        }
    }
}

/// What a command does, whatever the model calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    // Settable parameters: every one a model sets, it can also query (a table test checks it).
    /// Voltage set point.
    Volts,
    /// Current limit.
    Amps,
    /// The channel's own output switch.
    Output,
    /// R&S master switch (`OUTP:MAST`, `OUTP:GEN`).
    Master,
    /// Over-voltage protection level.
    OvpLevel,
    /// Over-voltage protection on/off.
    OvpEnabled,
    /// Over-current protection level (models without it trip at the current limit).
    OcpLevel,
    /// Over-current protection (R&S: electronic fuse) on/off.
    OcpEnabled,
    /// Over-current protection delay in seconds (R&S `FUSE:DEL`).
    OcpDelay,
    /// Beeper on/off.
    Beeper,
    /// Tracking on/off (the model's tracked pair follows channel [`ModelSpec::track_pair`]).
    Tracking,
    /// Siglent tracking mode: 0 independent, 1 series, 2 parallel (read in `SYST:STAT?`).
    TrackMode,
    /// Over-temperature protection on/off (Rigol `SYST:OTP`).
    Otp,
    /// Front-panel display on/off.
    Display,
    /// Front-panel display text.
    DisplayText,
    /// Software voltage limit (Keithley `VOLT:LIM`).
    VoltLimit,
    /// Software voltage limit on/off.
    VoltLimitEnabled,
    /// Measurement integration time in power-line cycles (Keithley 2280S `SENS:CONC:NPLC`).
    Nplc,
    /// Channel selection by number (`INST:NSEL`).
    SelectNumber,
    /// Channel selection by name (`INST[:SEL] CH1`, `INST OUT1`, `INST:SEL P6V`).
    SelectName(ChanStyle),
    /// Every output at once (E3631A and Keithley 2230 `OUTP`); the query answers 1 if any is on.
    AllOutputs,

    // Actions.
    /// `APPL <ch>,<volts>[,<amps>]` (channel named in `ChanStyle`), or on the selected channel
    /// (`APPL <volts>[,<amps>]`) with `Chan::Selected`.
    Apply,
    /// Clears the OVP latch; the output stays off.
    OvpClear,
    /// Clears the OVP latch and restores the output (Keysight `VOLT:PROT:CLE`).
    OvpClearRestore,
    /// Clears the OCP latch; the output stays off.
    OcpClear,
    /// Clears the OCP latch and restores the output (Keysight `CURR:PROT:CLE`).
    OcpClearRestore,
    /// Clears both latches, output stays off (Keithley 2280 `OUTP:PROT:CLE`).
    ProtClear,
    /// One beep now.
    Beep,
    /// Remote mode (front panel locked out except LOCAL).
    Remote,
    /// Local mode.
    Local,
    /// Remote with the LOCAL key locked too.
    RemoteLock,
    /// Accepted and without effect in the simulation (measurement configuration).
    Accept,

    // Queries.
    MeasVolts,
    MeasAmps,
    MeasPower,
    /// Rigol `MEAS:ALL?`: volts, amps, watts.
    MeasAll,
    /// Keithley 2280 `MEAS:VOLT?`/`MEAS:CURR?`: reading first with unit, then the other, mode.
    MeasFields {
        volts_first: bool,
    },
    /// Regulation mode `CV`/`CC` (Rigol `OUTP:MODE?`, `OUTP:CVCC?`).
    Mode,
    OvpTripped,
    OcpTripped,
    /// Rigol `APPL? CH1` → `CH1:30V/3A,3.300,0.5000`; E3631A `APPL? P6V` →
    /// `"+3.30000E+00,+5.00000E-01"`.
    ApplyQuery,
    /// Siglent `SYST:STAT?` hex word.
    SystemStatus,
    /// Number of queued errors (Keysight `SYST:ERR:COUN?`).
    ErrorCount,
    /// Mains frequency the instrument measured at power-on (Keithley 2280S `SYST:LFR?`).
    LineFrequency,
    /// Keithley 2280S measurement summary condition (`STAT:MEAS:INST:ISUM:COND?`).
    MeasCondition,
    /// Keithley 2280S reading buffer (`DATA:DATA? "READ,SOUR,REL"`): the query takes the
    /// elements to return as its argument.
    BufferData,
}

impl Op {
    /// A setting with a value a client can read back (what item "every settable parameter has
    /// its query" is about).
    #[cfg(test)]
    pub fn is_parameter(self) -> bool {
        use Op::*;
        matches!(
            self,
            Volts
                | Amps
                | Output
                | Master
                | OvpLevel
                | OvpEnabled
                | OcpLevel
                | OcpEnabled
                | OcpDelay
                | Beeper
                | Tracking
                | TrackMode
                | Otp
                | Display
                | DisplayText
                | VoltLimit
                | VoltLimitEnabled
                | Nplc
                | SelectNumber
                | SelectName(_)
                | AllOutputs
        )
    }
}

/// One command of a model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// Normalised headers (short forms, optional `SOUR`/`LEV`/`IMM` nodes dropped) that mean it.
    pub headers: &'static [&'static str],
    pub forms: Forms,
    pub chan: Chan,
    pub op: Op,
}

/// A row of a set command only.
pub(crate) const fn set(headers: &'static [&'static str], chan: Chan, op: Op) -> Entry {
    Entry {
        headers,
        forms: Forms::Set,
        chan,
        op,
    }
}

/// A row of a query only.
pub(crate) const fn query(headers: &'static [&'static str], chan: Chan, op: Op) -> Entry {
    Entry {
        headers,
        forms: Forms::Query,
        chan,
        op,
    }
}

/// A row of a parameter: its set command and its query, under the same headers.
pub(crate) const fn param(headers: &'static [&'static str], chan: Chan, op: Op) -> Entry {
    Entry {
        headers,
        forms: Forms::Both,
        chan,
        op,
    }
}

/// How booleans are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoolStyle {
    /// `1`/`0` (SCPI).
    OneZero,
    /// `ON`/`OFF` (Rigol).
    OnOff,
    /// `YES`/`NO` (Rigol protection `QUES?`).
    YesNo,
}

impl BoolStyle {
    pub fn write(self, b: bool) -> &'static str {
        match (self, b) {
            (BoolStyle::OneZero, true) => "1",
            (BoolStyle::OneZero, false) => "0",
            (BoolStyle::OnOff, true) => "ON",
            (BoolStyle::OnOff, false) => "OFF",
            (BoolStyle::YesNo, true) => "YES",
            (BoolStyle::YesNo, false) => "NO",
        }
    }
}

/// How numbers are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumStyle {
    /// Fixed decimals: `3.3000`.
    Fixed(usize),
    /// Keysight scientific notation with this many mantissa decimals: `+3.30000000E+00`.
    Sci(usize),
}

/// Where a model's error-queue depth comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// Stated by a source the model file cites.
    Sourced,
    /// OPEN: no source read; the value is a default a rack can override.
    Open,
}

/// One channel's ranges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ranges {
    /// Settable voltage (the E3631A's N25V is negative).
    pub volts: (f64, f64),
    /// Highest current limit.
    pub amps: f64,
    /// Rated output in `APPL?` answers (Rigol `30V/3A`).
    pub rating: &'static str,
}

/// A simulated SCPI model.
#[derive(Debug)]
pub(crate) struct ModelSpec {
    pub idn: &'static str,
    /// Ranges of channels 1, 2, …; its length is the channel count.
    pub channels: &'static [Ranges],
    pub number: NumStyle,
    /// Answers of set-state queries (`OUTP?`, `OUTP:OVP?`, `SYST:BEEP:STAT?`).
    pub boolean: BoolStyle,
    /// Answers of protection-tripped queries.
    pub tripped: BoolStyle,
    /// Header channel prefix (`SOUR` for `SOUR2:VOLT`, `CH` for `CH2:VOLT`).
    pub prefix: Option<&'static str>,
    /// Two-level output switch: a channel drives its terminals only while the master is on.
    pub master_switch: bool,
    /// Over RS-232, device commands are ignored (with an error) until `SYST:REM`.
    pub remote_on_serial: bool,
    /// Error queue depth and whether a source states it.
    pub queue: (usize, Known),
    /// With tracking on, this channel follows the first one's voltage (`(leader, follower)`).
    pub track_pair: (u8, u8),
    /// `SYST:VERS?` answer.
    pub scpi_version: &'static str,
    /// Every command the model knows beyond the IEEE 488.2 common ones, `SYST:ERR?` and
    /// `SYST:VERS?`, in blocks (several models share a block).
    pub commands: &'static [&'static [Entry]],
    /// OVP is always armed (no on/off command; only its level is set).
    pub ovp_always: bool,
    /// Beeper state at power-on (INFERRED: on, as shipped; not changed by `*RST`).
    pub beeper_default: bool,
}

impl ModelSpec {
    pub fn channel_count(&self) -> u8 {
        self.channels.len().clamp(1, 8) as u8
    }

    /// Ranges of `ch` (the last channel's for anything beyond).
    pub fn ranges(&self, ch: u8) -> Ranges {
        let i = usize::from(ch.max(1) - 1).min(self.channels.len() - 1);
        self.channels[i]
    }

    /// Highest OVP level: INFERRED 10 % above the highest set point (no model's OVP range is in
    /// the reference).
    pub fn ovp_max(&self, ch: u8) -> f64 {
        let (lo, hi) = self.ranges(ch).volts;
        hi.abs().max(lo.abs()) * 1.1
    }

    /// Highest OCP level: INFERRED 10 % above the highest current limit.
    pub fn ocp_max(&self, ch: u8) -> f64 {
        self.ranges(ch).amps * 1.1
    }

    pub fn fmt(&self, v: f64) -> String {
        match self.number {
            NumStyle::Fixed(d) => format!("{v:.d$}"),
            NumStyle::Sci(d) => super::parse::sci(v, d),
        }
    }

    /// The entry for `header` in `form`, if the model has one.
    pub fn find(&self, header: &str, form: Form) -> Option<&'static Entry> {
        self.entries()
            .find(|e| e.forms.has(form) && e.headers.contains(&header))
    }

    /// Every entry of every block.
    pub fn entries(&self) -> impl Iterator<Item = &'static Entry> + use<> {
        let blocks: &'static [&'static [Entry]] = self.commands;
        blocks.iter().flat_map(|b| b.iter())
    }

    /// Whether the model has a command performing `op`.
    pub fn has(&self, op: Op) -> bool {
        self.entries().any(|e| e.op == op)
    }
}
