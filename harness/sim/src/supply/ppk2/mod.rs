//! Simulated Nordic Power Profiler Kit II behind a pseudo-terminal.
//!
//! Single-byte opcodes with fixed-length arguments and no acknowledgement (ref instruments §2):
//! `0x19` GetMetaData (answers `key: value` lines ending `END\n`, with the unit's calibration,
//! see [`encode`]), `0x11` SetPowerMode (1 = ampere meter, 2 = source meter), `0x0D`
//! RegulatorSet (mV, big-endian u16, clamped to 800–5000), `0x0C` DeviceRunningSet (DUT power
//! 0/1), `0x06`/`0x07` AverageStart/Stop (the 100 kS/s sample stream of the DUT's current,
//! [`stream`]), `0x20` Reset. Logged as `RegulatorSet 3300`, `DeviceRunningSet 1`, ...
//!
//! As a source meter the unit drives the rail (set point, output on with DUT power on) and
//! measures what the DUT draws. As an ampere meter it sits in series with another supply, which
//! the simulation represents by leaving the rail as it is; it measures while the DUT path is on
//! (`DeviceRunningSet 1`).

pub mod encode;
pub mod stream;

use std::io;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::arrival::Arrival;
use super::{Ctx, thread_name};
use crate::pty::PtyEndpoint;
use stream::Stream;

const POLL: Duration = Duration::from_millis(10);
/// How often a streaming unit wakes to write samples.
const STREAM_POLL: Duration = Duration::from_millis(1);
/// Half-received arguments older than this are discarded.
const STALE: Duration = Duration::from_millis(200);

pub(crate) const GET_METADATA: u8 = 0x19;
pub(crate) const SET_POWER_MODE: u8 = 0x11;
pub(crate) const REGULATOR_SET: u8 = 0x0D;
pub(crate) const DEVICE_RUNNING_SET: u8 = 0x0C;
pub(crate) const AVERAGE_START: u8 = 0x06;
pub(crate) const AVERAGE_STOP: u8 = 0x07;
pub(crate) const RESET: u8 = 0x20;

/// Name and argument length of an opcode.
fn opcode(op: u8) -> Option<(&'static str, usize)> {
    Some(match op {
        GET_METADATA => ("GetMetaData", 0),
        SET_POWER_MODE => ("SetPowerMode", 1),
        REGULATOR_SET => ("RegulatorSet", 2),
        DEVICE_RUNNING_SET => ("DeviceRunningSet", 1),
        AVERAGE_START => ("AverageStart", 0),
        AVERAGE_STOP => ("AverageStop", 0),
        RESET => ("Reset", 0),
        _ => return None,
    })
}

struct Ppk2 {
    ctx: Ctx,
    source_mode: bool,
    running: bool,
    vdd_mv: u16,
    stream: Option<Stream>,
    /// The rolling counter carries on from one stream to the next.
    counter: u8,
}

impl Ppk2 {
    fn metadata(&self) -> String {
        encode::metadata_reply(self.vdd_mv, self.source_mode)
    }

    /// Drives the rail as a source meter; as an ampere meter the rail is the other supply's.
    fn apply(&mut self) {
        if !self.source_mode {
            return;
        }
        let rail = &self.ctx.rail;
        rail.set_voltage(f64::from(self.vdd_mv) / 1000.0);
        if rail.output_on() != self.running {
            rail.set_output(self.running);
        }
    }

    /// Writes the samples due by `now`.
    fn stream_due(&mut self, now: Instant, pty: &PtyEndpoint) {
        let Some(stream) = &mut self.stream else {
            return;
        };
        let mut drop = self.ctx.faults.take_drop_samples();
        stream.generate(now, &self.ctx.rail, self.running, self.vdd_mv, &mut drop);
        if drop > 0 {
            self.ctx.faults.drop_samples(drop);
        }
        stream.flush(pty);
    }

    fn stop_stream(&mut self) {
        if let Some(s) = self.stream.take() {
            self.counter = s.counter();
            if s.overflowed > 0 || s.saturated() > 0 {
                tracing::debug!(
                    overflowed = s.overflowed,
                    saturated = s.saturated(),
                    dropped = s.dropped,
                    "simulated PPK2 stream ended with losses"
                );
            }
        }
    }

    /// Executes one complete command; returns the answer, if any.
    fn execute(&mut self, op: u8, args: &[u8], at: Instant) -> Option<Vec<u8>> {
        let (name, _) = opcode(op)?;
        let text = match (op, args) {
            (REGULATOR_SET, [hi, lo]) => format!("{name} {}", u16::from_be_bytes([*hi, *lo])),
            (_, [a]) => format!("{name} {a}"),
            _ => name.to_owned(),
        };
        if self.ctx.faults.hang() {
            self.ctx.log.push(text, Arrival::exact(at), false);
            return None;
        }
        self.ctx.log.push(text, Arrival::exact(at), true);
        match (op, args) {
            (GET_METADATA, _) => return Some(self.metadata().into_bytes()),
            (SET_POWER_MODE, [m]) => {
                self.source_mode = *m == 2;
                self.apply();
            }
            (REGULATOR_SET, [hi, lo]) => {
                self.vdd_mv = u16::from_be_bytes([*hi, *lo]).clamp(800, 5000);
                self.apply();
            }
            (DEVICE_RUNNING_SET, [r]) => {
                self.running = *r == 1;
                self.apply();
            }
            (AVERAGE_START, _) => {
                self.stop_stream();
                self.stream = Some(Stream::new(at, self.counter));
            }
            (AVERAGE_STOP, _) => self.stop_stream(),
            (RESET, _) => {
                self.stop_stream();
                if self.source_mode && self.ctx.rail.output_on() {
                    self.ctx.rail.set_output(false);
                }
                self.running = false;
                self.source_mode = false;
            }
            _ => {}
        }
        None
    }
}

pub(crate) fn spawn(ctx: Ctx) -> io::Result<(String, JoinHandle<()>)> {
    let pty = PtyEndpoint::open()?;
    let address = pty.path().to_string_lossy().into_owned();
    let rail = ctx.rail.clone();
    let mut ppk = Ppk2 {
        ctx,
        source_mode: true,
        running: rail.output_on(),
        vdd_mv: (rail.setpoint() * 1000.0).round().clamp(800.0, 5000.0) as u16,
        stream: None,
        counter: 0,
    };
    let thread = thread::Builder::new()
        .name(thread_name(super::SupplyModel::Ppk2.as_str()))
        .spawn(move || {
            let mut pending: Vec<u8> = Vec::new();
            let mut last_byte = Instant::now();
            let mut buf = [0u8; 256];
            while !ppk.ctx.stopped() {
                let wait = if ppk.stream.is_some() {
                    STREAM_POLL
                } else {
                    POLL
                };
                let n = pty.read_timeout(&mut buf, wait).unwrap_or(0);
                let now = Instant::now();
                ppk.stream_due(now, &pty);
                if n == 0 {
                    if !pending.is_empty() && now.saturating_duration_since(last_byte) > STALE {
                        pending.clear();
                    }
                    continue;
                }
                last_byte = now;
                pending.extend_from_slice(&buf[..n]);
                while let Some(&op) = pending.first() {
                    let Some((_, argc)) = opcode(op) else {
                        ppk.ctx.log.push(
                            format!("unknown opcode 0x{op:02x}"),
                            Arrival::exact(now),
                            false,
                        );
                        pending.remove(0);
                        continue;
                    };
                    if pending.len() < 1 + argc {
                        break;
                    }
                    let cmd: Vec<u8> = pending.drain(..=argc).collect();
                    if let Some(reply) = ppk.execute(op, &cmd[1..], now) {
                        let _ = pty.write_timeout(&reply, Duration::from_secs(1));
                    }
                }
            }
        })?;
    Ok((address, thread))
}
