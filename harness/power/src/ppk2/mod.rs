//! Nordic Power Profiler Kit II: our own implementation of the opcodes the harness needs
//! (GetMetaData, SetPowerMode, RegulatorSet, DeviceRunningSet, AverageStart/AverageStop) and of
//! its 100 kS/s current measurement (ref instruments §2, §8).
//!
//! The PPK2 acknowledges nothing, so there is nothing to read after a set. It has no voltage
//! readback: [`PowerSupply::measure_voltage`] reports the regulator set point with
//! [`ReadingOrigin::SetPoint`](crate::ReadingOrigin::SetPoint). Current comes from the sample
//! stream: [`CurrentRecorder::start_recording`] sends `AverageStart` and a reader thread decodes
//! the stream ([`decoder`]) into an envelope plus the raw samples of marked windows; while it
//! runs, `measure_current` reports the mean of the last 10 ms. Its current limit is fixed in
//! hardware; `set_current_limit` is accepted and ignored. Keep the port open for the whole
//! test: the PPK2 cuts DUT power when the host closes it.
//!
//! Modes ([`Ppk2Mode`]): as a source meter the PPK2 powers the DUT at the regulator voltage; as
//! an ampere meter it sits in series with another supply, so its voltage cannot be set and the
//! calibration uses the VDD of its metadata (as Nordic's app does, which also switches the DUT
//! path on with `DeviceRunningSet 1` when entering ampere-meter mode).

mod capture;
pub mod convert;
pub mod counter;
pub mod decoder;
pub mod metadata;
mod recorder;
pub mod spike;
pub mod word;

use std::time::{Duration, Instant};

use crate::current::{CurrentRecorder, CurrentRecording, RecordOptions};
use crate::error::PowerError;
use crate::supply::{Capabilities, PowerSupply, Reading, ReadingOrigin};
use crate::transport::{self, Transport};

pub use capture::Finished;
pub use decoder::{DecodeStats, SampleSink, StreamDecoder};
pub use metadata::{Calibration, Metadata, MetadataError, RangeCalibration};
pub use recorder::{MarkRequest, Recorder, SAMPLE_PERIOD};

use capture::Capture;

/// PPK2 opcode `GetMetaData`: ask for the calibration text.
pub const GET_METADATA: u8 = 0x19;
/// PPK2 opcode `SetPowerMode`: source meter or ampere meter.
pub const SET_POWER_MODE: u8 = 0x11;
/// PPK2 opcode `RegulatorSet`: set the output voltage (mV).
pub const REGULATOR_SET: u8 = 0x0D;
/// PPK2 opcode `DeviceRunningSet`: switch the DUT power on or off.
pub const DEVICE_RUNNING_SET: u8 = 0x0C;
/// PPK2 opcode `AverageStart`: start the sample stream.
pub const AVERAGE_START: u8 = 0x06;
/// PPK2 opcode `AverageStop`: stop the sample stream.
pub const AVERAGE_STOP: u8 = 0x07;
/// `SetPowerMode` argument for source-meter mode.
pub const SOURCE_METER: u8 = 2;
/// `SetPowerMode` argument for ampere-meter mode.
pub const AMPERE_METER: u8 = 1;
/// The regulator's range in millivolts.
pub const MIN_MV: u16 = 800;
/// The top of the regulator's range in millivolts.
pub const MAX_MV: u16 = 5000;
const MAX_METADATA: usize = 8192;
/// How long `measure_current` waits for the first bucket of a fresh recording.
const FIRST_READING_WAIT: Duration = Duration::from_millis(500);
/// A recording that got no sample at all for this long is an error, not an empty trace.
const NO_SAMPLES_AFTER: Duration = Duration::from_secs(1);

/// What the PPK2 is used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ppk2Mode {
    /// In series with another supply: measures, does not source.
    AmpereMeter,
    /// Powers the DUT from its regulator (800–5000 mV) and measures.
    #[default]
    SourceMeter,
}

impl Ppk2Mode {
    fn opcode_arg(self) -> u8 {
        match self {
            Ppk2Mode::AmpereMeter => AMPERE_METER,
            Ppk2Mode::SourceMeter => SOURCE_METER,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Ppk2Mode::AmpereMeter => "ampere meter",
            Ppk2Mode::SourceMeter => "source meter",
        }
    }
}

/// A Nordic Power Profiler Kit II, as source meter or ampere meter.
pub struct Ppk2Supply {
    transport: Box<dyn Transport>,
    label: String,
    raw_metadata: String,
    metadata: Metadata,
    mode: Ppk2Mode,
    setpoint_mv: Option<u16>,
    capture: Option<Capture>,
    /// Statistics of the last finished recording.
    last_stats: Option<DecodeStats>,
}

impl Ppk2Supply {
    /// Reads the metadata (proves a PPK2 is there) and switches to source-meter mode.
    pub fn new(transport: Box<dyn Transport>, timeout: Duration) -> Result<Self, PowerError> {
        Ppk2Supply::with_mode(transport, Ppk2Mode::SourceMeter, timeout)
    }

    /// Reads the metadata and switches to `mode` (ampere meter: also `DeviceRunningSet 1`).
    pub fn with_mode(
        mut transport: Box<dyn Transport>,
        mode: Ppk2Mode,
        timeout: Duration,
    ) -> Result<Self, PowerError> {
        let label = format!("ppk2 at {}", transport.describe());
        let (raw_metadata, metadata) = read_metadata(transport.as_mut(), &label, timeout)?;
        if !metadata.defaulted.is_empty() {
            tracing::debug!(supply = %label, keys = ?metadata.defaulted, "PPK2 calibration values defaulted");
        }
        let mut ppk = Ppk2Supply {
            transport,
            label,
            raw_metadata,
            metadata,
            mode,
            setpoint_mv: None,
            capture: None,
            last_stats: None,
        };
        let arg = mode.opcode_arg();
        ppk.send(&format!("SetPowerMode {arg}"), &[SET_POWER_MODE, arg])?;
        match mode {
            Ppk2Mode::SourceMeter => ppk.setpoint_mv = Some(ppk.metadata.vdd_mv),
            Ppk2Mode::AmpereMeter => {
                ppk.send("DeviceRunningSet 1", &[DEVICE_RUNNING_SET, 1])?;
            }
        }
        Ok(ppk)
    }

    /// A metadata value as sent (`VDD`, `HW`, `mode`, ...).
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.raw_metadata.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == key).then(|| v.trim())
        })
    }

    /// The parsed metadata, calibration included.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// Whether the PPK2 sources the DUT's power or only measures it.
    pub fn mode(&self) -> Ppk2Mode {
        self.mode
    }

    /// Decoder statistics of the last finished recording (range switches, samples per range).
    pub fn last_decode_stats(&self) -> Option<DecodeStats> {
        self.last_stats
    }

    /// The VDD the calibration uses: the set point as a source meter, the metadata's VDD as an
    /// ampere meter.
    fn decode_vdd(&self) -> u16 {
        self.setpoint_mv.unwrap_or(self.metadata.vdd_mv)
    }

    fn send(&mut self, name: &str, bytes: &[u8]) -> Result<(), PowerError> {
        self.transport.write_all(bytes).map_err(|e| PowerError::Io {
            supply: self.label.clone(),
            command: name.to_owned(),
            source: e,
        })
    }

    fn unsupported(&self, what: impl Into<String>) -> PowerError {
        PowerError::Unsupported {
            supply: self.label.clone(),
            what: what.into(),
        }
    }

    fn stream_err(&self, what: impl Into<String>) -> PowerError {
        PowerError::Stream {
            supply: self.label.clone(),
            what: what.into(),
        }
    }
}

/// Sends `GetMetaData` and parses the reply.
fn read_metadata(
    t: &mut dyn Transport,
    label: &str,
    timeout: Duration,
) -> Result<(String, Metadata), PowerError> {
    t.write_all(&[GET_METADATA]).map_err(|e| PowerError::Io {
        supply: label.to_owned(),
        command: "GetMetaData".into(),
        source: e,
    })?;
    let deadline = Instant::now() + timeout;
    let bytes = transport::read_until(t, b"END\n", MAX_METADATA, deadline)
        .map_err(|e| e.into_power_error(label, "GetMetaData"))?;
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    let parsed = Metadata::parse(&raw).map_err(|problem| PowerError::BadMetadata {
        supply: label.to_owned(),
        problem,
    })?;
    Ok((raw, parsed))
}

impl CurrentRecorder for Ppk2Supply {
    fn start_recording(&mut self, options: RecordOptions) -> Result<(), PowerError> {
        if self.capture.is_some() {
            return Err(self.stream_err("a recording is already running"));
        }
        let reader = self
            .transport
            .try_clone()
            .map_err(|e| self.stream_err(format!("cannot open a reader on the port: {e}")))?;
        self.transport
            .discard_input()
            .map_err(|e| self.stream_err(format!("cannot flush the port: {e}")))?;
        self.send("AverageStart", &[AVERAGE_START])?;
        let start = Instant::now();
        let capture = Capture::spawn(
            reader,
            &self.label,
            self.metadata.calibration,
            self.decode_vdd(),
            options,
            start,
        )
        .map_err(|e| self.stream_err(format!("cannot start the reader thread: {e}")))?;
        self.capture = Some(capture);
        Ok(())
    }

    fn mark(&mut self, label: &str, from: Instant, to: Instant) -> Result<(), PowerError> {
        let Some(c) = &self.capture else {
            return Err(
                self.stream_err(format!("window `{label}` marked with no recording running"))
            );
        };
        c.mark(MarkRequest {
            label: label.to_owned(),
            from,
            to,
        });
        Ok(())
    }

    fn samples_so_far(&self) -> u64 {
        self.capture.as_ref().map_or(0, Capture::samples)
    }

    fn lost_so_far(&self) -> u64 {
        self.capture.as_ref().map_or(0, Capture::lost)
    }

    fn stop_recording(&mut self) -> Result<CurrentRecording, PowerError> {
        let Some(capture) = self.capture.take() else {
            return Err(self.stream_err("stop asked with no recording running"));
        };
        let elapsed = capture.elapsed();
        capture.catch_up(Instant::now());
        let sent = self.send("AverageStop", &[AVERAGE_STOP]);
        let finished = capture.finish();
        let _ = self.transport.discard_input();
        sent?;
        self.last_stats = Some(finished.stats);
        if let Some(e) = finished.error {
            return Err(PowerError::Io {
                supply: self.label.clone(),
                command: "reading the sample stream".into(),
                source: e,
            });
        }
        if finished.recording.samples == 0 && elapsed >= NO_SAMPLES_AFTER {
            return Err(self.stream_err(format!(
                "no sample arrived in {:.1} s after AverageStart",
                elapsed.as_secs_f64()
            )));
        }
        Ok(finished.recording)
    }
}

impl Drop for Ppk2Supply {
    fn drop(&mut self) {
        if self.capture.is_some() {
            let _ = self.stop_recording();
        }
    }
}

impl PowerSupply for Ppk2Supply {
    fn identify(&mut self) -> Result<String, PowerError> {
        let hw = self.metadata.hw.as_deref().unwrap_or("?");
        Ok(format!(
            "Nordic Semiconductor,PPK2,HW {hw},{}",
            self.mode.name()
        ))
    }

    fn set_voltage(&mut self, volts: f64) -> Result<(), PowerError> {
        if self.mode == Ppk2Mode::AmpereMeter {
            return Err(self.unsupported(
                "an ampere meter does not set the voltage (the supply in series with it does)",
            ));
        }
        let mv = (volts * 1000.0).round();
        if !(f64::from(MIN_MV)..=f64::from(MAX_MV)).contains(&mv) {
            return Err(self.unsupported(format!(
                "{volts} V is outside the PPK2 regulator range 0.8–5.0 V"
            )));
        }
        let mv = mv as u16;
        let [hi, lo] = mv.to_be_bytes();
        self.send(&format!("RegulatorSet {mv}"), &[REGULATOR_SET, hi, lo])?;
        self.setpoint_mv = Some(mv);
        if let Some(c) = &self.capture {
            c.set_vdd(mv);
        }
        Ok(())
    }

    fn set_current_limit(&mut self, amps: f64) -> Result<(), PowerError> {
        tracing::debug!(supply = %self.label, amps, "the PPK2 has no programmable current limit; ignored");
        Ok(())
    }

    fn set_output(&mut self, on: bool) -> Result<(), PowerError> {
        self.send(
            &format!("DeviceRunningSet {}", u8::from(on)),
            &[DEVICE_RUNNING_SET, u8::from(on)],
        )
    }

    /// The regulator set point: the PPK2 cannot measure its output voltage.
    fn measure_voltage(&mut self) -> Result<Reading, PowerError> {
        match (self.mode, self.setpoint_mv) {
            (Ppk2Mode::SourceMeter, Some(mv)) => Ok(Reading {
                value: f64::from(mv) / 1000.0,
                origin: ReadingOrigin::SetPoint,
            }),
            (Ppk2Mode::SourceMeter, None) => {
                Err(self.unsupported("no voltage readback, and no set point known yet"))
            }
            (Ppk2Mode::AmpereMeter, _) => {
                Err(self.unsupported("no voltage readback in ampere-meter mode"))
            }
        }
    }

    /// The mean of the last 10 ms of the running recording.
    fn measure_current(&mut self) -> Result<Reading, PowerError> {
        let Some(c) = &self.capture else {
            return Err(
                self.unsupported("current comes from the sample stream: start a recording first")
            );
        };
        // Just after the start no bucket is closed yet: give the stream a moment.
        let deadline = Instant::now() + FIRST_READING_WAIT;
        let mut reading = c.recent_microamps();
        while reading.is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
            reading = c.recent_microamps();
        }
        match reading {
            Some(ua) => Ok(Reading::measured(ua / 1e6)),
            None => Err(PowerError::Timeout {
                supply: self.label.clone(),
                command: "current from the sample stream".into(),
                waited: c.elapsed(),
                partial: String::new(),
            }),
        }
    }

    fn describe(&self) -> String {
        self.label.clone()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            voltage_readback: false,
            current_readback: self.capture.is_some(),
            current_limit: false,
        }
    }

    fn recorder(&mut self) -> Option<&mut dyn CurrentRecorder> {
        Some(self)
    }
}
