//! The one error type of the crate: every failure names the supply, the command and what was
//! expected, so a lab log line is enough to act on.

use std::io;
use std::time::Duration;

use crate::profile::ProfileError;

/// Which set point a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// The output voltage set point.
    Voltage,
    /// The output current limit.
    CurrentLimit,
}

impl Quantity {
    fn unit(self) -> &'static str {
        match self {
            Quantity::Voltage => "V",
            Quantity::CurrentLimit => "A",
        }
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Quantity::Voltage => "voltage set point",
            Quantity::CurrentLimit => "current limit",
        })
    }
}

/// Everything that can go wrong between the harness and a supply.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PowerError {
    /// The guard refused a set point outside the DUT's limits; nothing reached the instrument.
    #[error(
        "{quantity} {requested} {unit} refused: outside the DUT's limits [{min}, {max}] {unit} (nothing was sent to the supply)",
        unit = quantity.unit()
    )]
    OutOfLimits {
        /// Which set point.
        quantity: Quantity,
        /// The value asked for.
        requested: f64,
        /// The lowest value allowed.
        min: f64,
        /// The highest value allowed.
        max: f64,
    },
    /// The limits themselves are unusable.
    #[error("invalid supply limits: {0}")]
    InvalidLimits(String),
    /// Turning the output on before any set point went through the guard.
    #[error(
        "output on refused: no voltage set point has been set through the limit guard yet, so the instrument's own set point is unknown"
    )]
    NoSetPoint,
    /// The supply could not be opened (bad address, port missing, connection refused).
    #[error("cannot open supply at {address}: {reason}")]
    Open {
        /// The supply address as given.
        address: String,
        /// Why it could not be opened.
        reason: String,
    },
    /// I/O failed while talking to the supply.
    #[error("{supply}: I/O error on `{command}`: {source}")]
    Io {
        /// The supply (its description).
        supply: String,
        /// The command sent.
        command: String,
        #[source]
        /// The I/O error.
        source: io::Error,
    },
    /// The supply did not answer a query in time.
    #[error(
        "{supply}: no answer to `{command}` within {waited:?}{}",
        partial_note(partial)
    )]
    Timeout {
        /// The supply (its description).
        supply: String,
        /// The command sent.
        command: String,
        /// How long was waited.
        waited: Duration,
        /// Bytes that did arrive, if any.
        partial: String,
    },
    /// The instrument's error queue reported an error after a command.
    #[error("{supply}: instrument error {code} \"{message}\" after `{command}`")]
    Instrument {
        /// The supply (its description).
        supply: String,
        /// The command sent.
        command: String,
        /// The instrument's error number.
        code: i32,
        /// The instrument's error text.
        message: String,
    },
    /// The instrument answered something the driver cannot use.
    #[error("{supply}: unexpected answer {reply:?} to `{command}`")]
    BadReply {
        /// The supply (its description).
        supply: String,
        /// The command sent.
        command: String,
        /// The answer received.
        reply: String,
    },
    /// A set command was sent but the instrument's read-back shows it was not applied.
    #[error("{supply}: `{command}` was not applied (read back {readback:?})")]
    NotApplied {
        /// The supply (its description).
        supply: String,
        /// The command sent.
        command: String,
        /// What the instrument reports instead.
        readback: String,
    },
    /// The output did not reach the set point in time.
    #[error(
        "{supply}: output did not settle at {setpoint} V ± {tolerance} V within {elapsed:?}; last reading {}",
        last_reading.map_or("none".to_string(), |v| format!("{v} V"))
    )]
    NotSettled {
        /// The supply (its description).
        supply: String,
        /// The voltage set point, V.
        setpoint: f64,
        /// The allowed deviation, V.
        tolerance: f64,
        /// The last voltage read, if any.
        last_reading: Option<f64>,
        /// How long was waited.
        elapsed: Duration,
    },
    /// The output did not fall below the off threshold in time.
    #[error(
        "{supply}: output still at {} after switching off ({elapsed:?}, expected below {below} V)",
        last_reading.map_or("an unknown voltage".to_string(), |v| format!("{v} V"))
    )]
    StillOn {
        /// The supply (its description).
        supply: String,
        /// The off threshold, V.
        below: f64,
        /// The last voltage read, if any.
        last_reading: Option<f64>,
        /// How long was waited.
        elapsed: Duration,
    },
    /// The instrument cannot do this (PPK2 current readback, a value it cannot encode, ...).
    #[error("{supply}: {what}")]
    Unsupported {
        /// The supply (its description).
        supply: String,
        /// What is wrong.
        what: String,
    },
    /// A voltage profile is malformed or exceeds the limits.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The PPK2's metadata (calibration) reply is unusable.
    #[error("{supply}: unusable GetMetaData reply: {problem}")]
    BadMetadata {
        /// The supply (its description).
        supply: String,
        /// What is wrong with the reply.
        problem: crate::ppk2::MetadataError,
    },
    /// A sample-stream recording could not start, run or stop as asked.
    #[error("{supply}: sample stream: {what}")]
    Stream {
        /// The supply (its description).
        supply: String,
        /// What is wrong.
        what: String,
    },
}

fn partial_note(partial: &str) -> String {
    if partial.is_empty() {
        String::new()
    } else {
        format!(" (partial answer {partial:?})")
    }
}

impl PowerError {
    /// True for errors that mean the instrument did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, PowerError::Timeout { .. })
    }
}
