//! The SCPI supply driver: paced writes, set commands never read, queries with a deadline,
//! `SYST:ERR?` drained after sets so an instrument error becomes a driver error naming the
//! command — and read after a query that got no answer, since an instrument queues an error
//! instead of answering a query it refuses (SCPI-99 Vol. 1 §6, IEEE 488.2 §6.1) — and a cached
//! channel selection that is forgotten after any failure.

use std::time::{Duration, Instant};

use hil_rack::ScpiModel;

use super::dialect;
use super::models::{CommandTable, table};
use crate::error::PowerError;
use crate::pacing::Pacer;
use crate::supply::{PowerSupply, Reading};
use crate::transport::{self, Transport, TransportError};

/// At most this many `SYST:ERR?` per drain (a queue is 20 deep on the E3631A); protects
/// against an instrument that never answers "no error".
const MAX_ERROR_DRAIN: usize = 32;
/// The error-queue query.
const ERROR_QUERY: &str = "SYST:ERR?";

/// Driver settings that are not part of the command table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScpiOptions {
    /// Deadline of one query.
    pub timeout: Duration,
    /// Overrides the model's minimum time between writes.
    pub pacing: Option<Duration>,
    /// The link is serial (sends the model's serial preamble, uses its serial pacing).
    pub serial: bool,
}

impl Default for ScpiOptions {
    fn default() -> Self {
        ScpiOptions {
            timeout: Duration::from_secs(2),
            pacing: None,
            serial: false,
        }
    }
}

/// A SCPI supply output.
pub struct ScpiSupply {
    transport: Box<dyn Transport>,
    table: CommandTable,
    channel: u8,
    pacer: Pacer,
    timeout: Duration,
    label: String,
    selected: Option<u8>,
}

impl ScpiSupply {
    /// Wraps a connected transport and sends the model's preamble (`SYST:REM` on serial for the
    /// models that need it, then `*CLS` so stale errors are not blamed on our first command).
    pub fn new(
        transport: Box<dyn Transport>,
        model: ScpiModel,
        channel: u8,
        options: ScpiOptions,
    ) -> Result<Self, PowerError> {
        let table = table(model);
        let gap = options.pacing.unwrap_or(if options.serial {
            table.serial_gap
        } else {
            table.tcp_gap
        });
        let label = format!(
            "{} ch{} at {}",
            model.as_str(),
            channel,
            transport.describe()
        );
        let mut supply = ScpiSupply {
            transport,
            table,
            channel: channel.max(1),
            pacer: Pacer::new(gap),
            timeout: options.timeout,
            label,
            selected: None,
        };
        if options.serial {
            for cmd in table.serial_init {
                supply.write(cmd)?;
            }
        }
        for cmd in table.init {
            supply.write(cmd)?;
        }
        if table.error_queue {
            supply.write("*CLS")?;
        }
        Ok(supply)
    }

    fn io_error(&self, command: &str, source: std::io::Error) -> PowerError {
        PowerError::Io {
            supply: self.label.clone(),
            command: command.to_owned(),
            source,
        }
    }

    fn transport_error(&mut self, command: &str, e: TransportError) -> PowerError {
        self.selected = None;
        e.into_power_error(&self.label, command)
    }

    /// Writes one command line. Never reads.
    fn write(&mut self, command: &str) -> Result<(), PowerError> {
        self.pacer.wait();
        let line = format!("{command}\n");
        let result = self.transport.write_all(line.as_bytes());
        self.pacer.mark();
        result.map_err(|e| {
            self.selected = None;
            self.io_error(command, e)
        })
    }

    /// Writes a query and reads its one-line answer before `timeout`.
    fn query(&mut self, command: &str) -> Result<String, PowerError> {
        if let Err(e) = self.transport.discard_input() {
            return Err(self.io_error(command, e));
        }
        self.write(command)?;
        let deadline = Instant::now() + self.timeout;
        match transport::read_line(self.transport.as_mut(), deadline) {
            Ok(line) => Ok(line),
            Err(e @ TransportError::Timeout { .. })
                if self.table.error_queue && command != ERROR_QUERY =>
            {
                let timeout = self.transport_error(command, e);
                Err(self.refusal(command).unwrap_or(timeout))
            }
            Err(e) => Err(self.transport_error(command, e)),
        }
    }

    /// After `query` got no answer: the instrument's error for it, if one is queued (the rest
    /// of the queue is drained so a later setting is not blamed for it). `None` when the queue
    /// is empty or its query fails too (a hung or merely slow instrument): the timeout stands.
    fn refusal(&mut self, query: &str) -> Option<PowerError> {
        match self.drain_errors(query) {
            Err(e @ PowerError::Instrument { .. }) => Some(e),
            _ => None,
        }
    }

    /// Reads the error queue until it is empty; the first error found becomes the result.
    fn drain_errors(&mut self, after: &str) -> Result<(), PowerError> {
        if !self.table.error_queue {
            return Ok(());
        }
        let mut first: Option<(i32, String)> = None;
        for _ in 0..MAX_ERROR_DRAIN {
            let reply = self.query(ERROR_QUERY)?;
            let Some((code, message)) = dialect::error_entry(&reply) else {
                return Err(PowerError::BadReply {
                    supply: self.label.clone(),
                    command: ERROR_QUERY.into(),
                    reply,
                });
            };
            if code == 0 {
                break;
            }
            first.get_or_insert((code, message));
        }
        match first {
            None => Ok(()),
            Some((code, message)) => {
                self.selected = None;
                Err(PowerError::Instrument {
                    supply: self.label.clone(),
                    command: after.to_owned(),
                    code,
                    message,
                })
            }
        }
    }

    /// Selects the channel if the model addresses it by selection and it is not selected yet.
    /// Returns the command sent, if any.
    fn select(&mut self) -> Result<Option<String>, PowerError> {
        let Some(template) = self.table.select else {
            return Ok(None);
        };
        if self.channel == 1 && !self.table.select_channel_1 {
            return Ok(None);
        }
        if self.selected == Some(self.channel) {
            return Ok(None);
        }
        let cmd = dialect::render(template, &self.table, self.channel, None);
        self.write(&cmd)?;
        self.selected = Some(self.channel);
        Ok(Some(cmd))
    }

    /// Sends set commands (after any selection), then drains the error queue naming them.
    fn set(&mut self, templates: &[&str], value: Option<f64>) -> Result<(), PowerError> {
        let mut sent = Vec::new();
        if let Some(select) = self.select()? {
            sent.push(select);
        }
        for t in templates {
            let cmd = dialect::render(t, &self.table, self.channel, value);
            self.write(&cmd)?;
            sent.push(cmd);
        }
        self.drain_errors(&sent.join("; "))
    }

    fn measure(&mut self, template: &str) -> Result<f64, PowerError> {
        self.select()?;
        let cmd = dialect::render(template, &self.table, self.channel, None);
        let reply = self.query(&cmd)?;
        match dialect::number(&reply, self.table.reply) {
            Some(v) => Ok(v),
            None => {
                // An unparsable answer may come with an instrument error that explains it.
                self.drain_errors(&cmd)?;
                Err(PowerError::BadReply {
                    supply: self.label.clone(),
                    command: cmd,
                    reply,
                })
            }
        }
    }
}

impl PowerSupply for ScpiSupply {
    fn identify(&mut self) -> Result<String, PowerError> {
        self.query("*IDN?")
    }

    fn set_voltage(&mut self, volts: f64) -> Result<(), PowerError> {
        let t = self.table.set_volts;
        self.set(&[t], Some(volts))
    }

    fn set_current_limit(&mut self, amps: f64) -> Result<(), PowerError> {
        let t = self.table.set_amps;
        self.set(&[t], Some(amps))
    }

    fn set_output(&mut self, on: bool) -> Result<(), PowerError> {
        if let Some(note) = self.table.output_note {
            tracing::info!(supply = %self.label, "{note}");
        }
        let cmds = if on {
            self.table.output_on
        } else {
            self.table.output_off
        };
        self.set(cmds, None)
    }

    fn measure_voltage(&mut self) -> Result<Reading, PowerError> {
        let t = self.table.meas_volts;
        self.measure(t).map(Reading::measured)
    }

    fn measure_current(&mut self) -> Result<Reading, PowerError> {
        let t = self.table.meas_amps;
        self.measure(t).map(Reading::measured)
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}
