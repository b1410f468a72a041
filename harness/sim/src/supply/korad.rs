//! Simulated Korad/Tenma KA3005P behind a pseudo-terminal.
//!
//! No line terminators either way: commands are recognised by their shape (`VSET1:03.30`,
//! `ISET1:0.500`, `OUT1`, `VOUT1?`, ...), replies are fixed-width (`03.30`, `0.500`), `STATUS?`
//! answers one raw byte, `*IDN?` free text. Quirks of the real unit that the simulation keeps:
//! a command arriving too soon after the previous executed one is silently not executed
//! (sigrok PR 210; the [`super::Faults`] minimum interval, set by [`super::start`] to
//! [`PROCESSING_TIME`] under realistic timing), and `ISET1?` emits a stray sixth byte after its
//! five characters.

use std::io;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::arrival::Arrival;
use super::{Ctx, thread_name};
use crate::pty::PtyEndpoint;

/// sigrok's wait between two commands (`DEVICE_PROCESSING_TIME_MS`). Whether and below what
/// gap a real KA3005P loses a command is OPEN: sigrok's PR 210 saw too-early commands lost on
/// the slower Velleman PS3005D V1.3, while koradctl's hardware test suite, passed on the
/// Tenma 72-2540 V2.1 and V5.8 it lists (same protocol), sends two set commands back to back
/// and needs both executed. So the simulation drops commands closer than this only under
/// realistic timing (or when a test sets [`super::Faults::set_min_interval`]).
pub(crate) const PROCESSING_TIME: Duration = Duration::from_millis(80);
/// An unfinished command with no more bytes for this long is taken as it is (or discarded).
const IDLE_FLUSH: Duration = Duration::from_millis(60);
const POLL: Duration = Duration::from_millis(10);
pub(crate) const IDN: &str = "KORAD KA3005P V5.5 SN:16072670";
const MAX_VOLTS: f64 = 31.0;
const MAX_AMPS: f64 = 5.1;

/// Commands without arguments.
const FIXED: &[&str] = &[
    "*IDN?", "STATUS?", "VSET1?", "ISET1?", "VOUT1?", "IOUT1?", "OUT1", "OUT0", "OCP1", "OCP0",
    "OVP1", "OVP0", "BEEP1", "BEEP0", "SAV1", "SAV2", "SAV3", "SAV4", "SAV5", "RCL1", "RCL2",
    "RCL3", "RCL4", "RCL5",
];
/// Commands followed by a number of up to five characters.
const WITH_VALUE: &[&str] = &["VSET1:", "ISET1:"];

#[derive(Debug, PartialEq)]
enum Parsed {
    /// A command and how many bytes it used.
    Command(String, usize),
    /// Could still become a command.
    Incomplete,
    /// The first byte cannot start a command.
    Junk,
}

fn parse(buf: &[u8], flushing: bool) -> Parsed {
    for cmd in FIXED {
        if buf.starts_with(cmd.as_bytes()) {
            return Parsed::Command((*cmd).to_owned(), cmd.len());
        }
    }
    for prefix in WITH_VALUE {
        if let Some(rest) = buf.strip_prefix(prefix.as_bytes()) {
            let n = rest
                .iter()
                .take(5)
                .take_while(|b| b.is_ascii_digit() || **b == b'.')
                .count();
            let complete = n == 5 || n < rest.len() || (flushing && n > 0);
            if complete {
                let text = String::from_utf8_lossy(&buf[..prefix.len() + n]).into_owned();
                return Parsed::Command(text, prefix.len() + n);
            }
            return if flushing {
                Parsed::Junk
            } else {
                Parsed::Incomplete
            };
        }
    }
    let could_be = FIXED
        .iter()
        .chain(WITH_VALUE)
        .any(|c| c.as_bytes().starts_with(buf));
    if could_be && !flushing {
        Parsed::Incomplete
    } else {
        Parsed::Junk
    }
}

struct Korad {
    ctx: Ctx,
    /// When the last executed command arrived.
    last_executed: Option<Arrival>,
    ocp: bool,
    ovp: bool,
    beep: bool,
    memories: [(f64, f64); 5],
}

impl Korad {
    /// Handles one framed command; returns the bytes to answer.
    fn on_command(&mut self, text: String, arrival: Arrival) -> Option<Vec<u8>> {
        let faults = &self.ctx.faults;
        let too_soon = self
            .last_executed
            .is_some_and(|last| too_soon(last, arrival, faults.min_interval()));
        if faults.hang() || too_soon {
            self.ctx.log.push(text, arrival, false);
            return None;
        }
        self.ctx.log.push(text.clone(), arrival, true);
        self.last_executed = Some(arrival);
        let rail = &self.ctx.rail;
        let reply = match text.as_str() {
            "*IDN?" => IDN.as_bytes().to_vec(),
            "VSET1?" => format!("{:05.2}", rail.setpoint()).into_bytes(),
            // The stray sixth byte of the real unit.
            "ISET1?" => {
                let mut r = format!("{:05.3}", rail.current_limit()).into_bytes();
                r.push(b'\x00');
                r
            }
            "VOUT1?" => format!("{:05.2}", rail.volts()).into_bytes(),
            "IOUT1?" => format!("{:05.3}", rail.amps()).into_bytes(),
            "STATUS?" => {
                let cv = rail.amps() < rail.current_limit();
                let byte = u8::from(cv)
                    | (u8::from(self.beep) << 4)
                    | (u8::from(self.ocp) << 5)
                    | (u8::from(rail.output_on()) << 6)
                    | (u8::from(self.ovp) << 7);
                vec![byte]
            }
            _ => {
                self.set(&text);
                return None;
            }
        };
        let delay = self.ctx.faults.reply_delay();
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        Some(reply)
    }

    fn set(&mut self, text: &str) {
        let rail = &self.ctx.rail;
        if let Some(v) = text
            .strip_prefix("VSET1:")
            .and_then(|v| v.parse::<f64>().ok())
        {
            if (0.0..=MAX_VOLTS).contains(&v) {
                rail.set_voltage(v);
            }
        } else if let Some(a) = text
            .strip_prefix("ISET1:")
            .and_then(|a| a.parse::<f64>().ok())
        {
            if (0.0..=MAX_AMPS).contains(&a) {
                rail.set_current_limit(a);
            }
        } else if let Some(n) = text
            .strip_prefix("SAV")
            .and_then(|n| n.parse::<usize>().ok())
        {
            if let Some(m) = self.memories.get_mut(n.wrapping_sub(1)) {
                *m = (rail.setpoint(), rail.current_limit());
            }
        } else if let Some(n) = text
            .strip_prefix("RCL")
            .and_then(|n| n.parse::<usize>().ok())
        {
            if let Some((v, a)) = self.memories.get(n.wrapping_sub(1)) {
                rail.set_voltage(*v);
                rail.set_current_limit(*a);
            }
        } else {
            match text {
                "OUT1" => rail.set_output(true),
                "OUT0" => rail.set_output(false),
                "OCP1" | "OCP0" => self.ocp = text == "OCP1",
                "OVP1" | "OVP0" => self.ovp = text == "OVP1",
                "BEEP1" | "BEEP0" => self.beep = text == "BEEP1",
                _ => {}
            }
        }
    }
}

/// Whether a command certainly came less than `min` after the last executed one. A pty carries
/// no arrival stamps: a command came at most its read time minus the earliest the other could
/// have arrived. Two commands read together are back to back only when that read window is
/// shorter than `min`: a reader thread that ran late on a loaded host finds paced commands
/// queued together, and a real unit would have taken both.
fn too_soon(last: Arrival, this: Arrival, min: Duration) -> bool {
    !min.is_zero() && this.at.saturating_duration_since(last.earliest) < min
}

pub(crate) fn spawn(ctx: Ctx) -> io::Result<(String, JoinHandle<()>)> {
    let pty = PtyEndpoint::open()?;
    let address = pty.path().to_string_lossy().into_owned();
    let mut korad = Korad {
        ctx,
        last_executed: None,
        ocp: false,
        ovp: false,
        beep: true,
        memories: [(0.0, 0.0); 5],
    };
    let thread = thread::Builder::new()
        .name(thread_name(super::SupplyModel::Korad.as_str()))
        .spawn(move || {
            let mut pending: Vec<u8> = Vec::new();
            let mut pending_since = Instant::now();
            // Bytes read now arrived after the previous read returned (it took all there was);
            // how long after, a thread that may have run late cannot tell.
            let mut previous_read = Instant::now();
            let mut pending_earliest = previous_read;
            let mut buf = [0u8; 256];
            while !korad.ctx.stopped() {
                let n = pty.read_timeout(&mut buf, POLL).unwrap_or(0);
                let now = Instant::now();
                if n > 0 {
                    if pending.is_empty() {
                        pending_since = now;
                        pending_earliest = previous_read;
                    }
                    pending.extend_from_slice(&buf[..n]);
                }
                previous_read = now;
                let flushing = n == 0 && now.saturating_duration_since(pending_since) >= IDLE_FLUSH;
                while !pending.is_empty() {
                    match parse(&pending, flushing) {
                        Parsed::Command(text, used) => {
                            pending.drain(..used);
                            let arrival = Arrival {
                                at: pending_since,
                                earliest: pending_earliest.min(pending_since),
                            };
                            if let Some(reply) = korad.on_command(text, arrival) {
                                let _ = pty.write_timeout(&reply, Duration::from_secs(1));
                            }
                            pending_since = now;
                        }
                        Parsed::Junk => {
                            pending.remove(0);
                        }
                        Parsed::Incomplete => break,
                    }
                }
            }
        })?;
    Ok((address, thread))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_commands_certainly_too_close_are_too_soon() {
        let t0 = Instant::now();
        let t = |ms| t0 + Duration::from_millis(ms);
        let min = PROCESSING_TIME;
        let a = Arrival {
            at: t(40),
            earliest: t(0),
        };
        // Read together with `a` within 40 ms of the previous read: back to back.
        assert!(too_soon(a, a, min));
        // Read together after the reader slept 150 ms: they may have come 100 ms apart.
        let late = Arrival {
            at: t(150),
            earliest: t(0),
        };
        assert!(!too_soon(late, late, min));
        // Read 60 ms after `a` was, but `a` may have arrived up to 40 ms before its read.
        let b = Arrival {
            at: t(100),
            earliest: t(40),
        };
        assert!(!too_soon(a, b, min));
        let c = Arrival {
            at: t(70),
            earliest: t(40),
        };
        assert!(too_soon(a, c, min));
        assert!(!too_soon(a, c, Duration::ZERO));
    }

    #[test]
    fn frames_commands_without_terminators() {
        assert_eq!(
            parse(b"VSET1:03.30OUT1", false),
            Parsed::Command("VSET1:03.30".into(), 11)
        );
        assert_eq!(parse(b"OUT1", false), Parsed::Command("OUT1".into(), 4));
        assert_eq!(parse(b"VSET1:03", false), Parsed::Incomplete);
        assert_eq!(
            parse(b"VSET1:03", true),
            Parsed::Command("VSET1:03".into(), 8)
        );
        assert_eq!(parse(b"VSE", false), Parsed::Incomplete);
        assert_eq!(parse(b"XYZ", false), Parsed::Junk);
        assert_eq!(
            parse(b"STATUS?", false),
            Parsed::Command("STATUS?".into(), 7)
        );
    }
}
