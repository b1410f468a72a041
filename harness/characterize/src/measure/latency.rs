//! Per-command processing time: median and spread over repeated runs.
//!
//! The model (shared with the simulator, whose profiles hold these figures): a profile's
//! latency is the modem's processing time — from the command's last byte arriving at the board
//! to its answer starting back. What the AT client times ([`hil_at::Response::latency`], first
//! byte written to final result read) adds the UART wire time of the command with its
//! terminator on the way in and of the answer (information lines and final result) on the way
//! out, 10 bits per byte at the console's baud rate; a real UART takes that time and the
//! simulated one adds it in realistic timing. So the processing time is the client's latency
//! minus both wire times ([`processing_time`]). Not measured on a simulated board in fast
//! timing (it adds nothing).

use std::collections::BTreeMap;
use std::time::Duration;

use hil_at::{FinalResult, Response};
use hil_model::CredentialType;
use hil_sim::timing::Timing;
use hil_suites::fixtures::ROOT_CA;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// Median and spread of every command the profile's latency table names.
pub fn measure(s: &mut Session, opts: &Options, f: &mut Findings) -> Result<(), Error> {
    let why = if opts.latency_runs == 0 {
        Some("latency runs set to 0")
    } else if s.board().sim.is_some() && !opts.sim_timing.is_realistic() {
        Some("simulated board in fast timing: the simulator adds no latency")
    } else {
        None
    };
    if let Some(why) = why {
        f.skip("latency", why);
        return Ok(());
    }
    let baud = s
        .board()
        .spec
        .serial
        .as_ref()
        .map_or(115_200, |x| x.baud)
        .max(1);
    f.observe(
        "latency model",
        format!("processing time: the client's timing minus the wire time of command and answer at {baud} baud (8N1)"),
    );
    let mut samples: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for _ in 0..opts.latency_runs {
        run_once(s, f, baud, &mut samples)?;
    }
    for (key, mut v) in samples {
        v.sort_unstable();
        let median = v[v.len() / 2];
        let spread = v[v.len() - 1] - v[0];
        f.latency_floor.insert(key.clone(), v[0]);
        f.observe(
            format!("latency {key}"),
            format!(
                "median {median} ms, spread {spread} ms over {} runs",
                v.len()
            ),
        );
        if key == "default" {
            f.latency_default_ms = Some(median);
        } else {
            f.latency.insert(key, median);
        }
    }
    Ok(())
}

/// Wire time of `bytes` UART bytes at `baud` (8N1: start bit, 8 data bits, stop bit), as the
/// simulator's realistic timing spends it ([`Timing::wire_time`]: one model on both sides).
pub fn wire_time(bytes: usize, baud: u32) -> Duration {
    Timing::Realistic.wire_time(bytes, baud.max(1))
}

/// The modem's processing time in an exchange the client timed at `latency`: `sent` bytes in
/// (command and terminator) and `answered` bytes out (information lines and final result, with
/// their line endings) at `baud`.
pub fn processing_time(latency: Duration, sent: usize, answered: usize, baud: u32) -> Duration {
    latency.saturating_sub(wire_time(sent + answered, baud))
}

/// [`processing_time`] of one response, in whole milliseconds (rounded).
fn processing_ms(r: &Response, terminator: usize, baud: u32) -> u64 {
    let sent = r.command.len() + terminator;
    let answered = r.raw.len() + r.result.to_string().len() + "\r\n".len();
    let t = processing_time(r.latency, sent, answered, baud);
    (t.as_micros() as u64 + 500) / 1000
}

fn run_once(
    s: &mut Session,
    f: &Findings,
    baud: u32,
    out: &mut BTreeMap<String, Vec<u64>>,
) -> Result<(), Error> {
    let mut time = |s: &mut Session, key: &str, cmd: &str| -> Result<FinalResult, Error> {
        // Any final result: `%XPMNG=2` on an empty slot answers 513 after the same work.
        let terminator = s.at()?.terminator().len();
        let r = s.exchange(cmd)?;
        if r.result != FinalResult::Error {
            out.entry(key.to_string())
                .or_default()
                .push(processing_ms(&r, terminator, baud));
        }
        Ok(r.result)
    };
    time(s, "default", "AT+CGMI")?;
    let tag = s.tag(8)?;
    let write = hil_at::commands::cmng::write_command(tag, CredentialType::ROOT_CA, ROOT_CA, None)?;
    time(s, "%CMNG=0", &write)?;
    time(s, "%CMNG=1", &format!("AT%CMNG=1,{tag}"))?;
    time(s, "%CMNG=2", &format!("AT%CMNG=2,{tag},0"))?;
    time(s, "%CMNG=3", &format!("AT%CMNG=3,{tag},0"))?;
    if f.xpmng == Some(true) {
        time(s, "%XPMNG", "AT%XPMNG=2")?;
    }
    if f.keygen == Some(true) {
        time(s, "%KEYGEN", &format!("AT%KEYGEN={tag},2,1"))?;
        s.delete(tag, CredentialType::CLIENT_KEY)?;
    }
    if f.attesttoken == Some(true) {
        time(s, "%ATTESTTOKEN", "AT%ATTESTTOKEN")?;
    }
    time(s, "+CFUN=0", "AT+CFUN=0")?;
    time(s, "+CFUN=4", "AT+CFUN=4")?;
    if f.cfun_modes.as_ref().is_some_and(|m| m.contains(&1)) {
        time(s, "+CFUN=1", "AT+CFUN=1")?;
        s.at()?.set_cfun(4)?;
    }
    s.at()?.set_cmee(1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_time_of_command_and_answer_is_taken_off() {
        // A 620-byte `%CMNG=0` write and its `OK\r\n` take 54.2 ms at 115200 baud: a client
        // timing 174.2 ms saw a modem that worked 120 ms.
        assert_eq!(wire_time(11_520, 115_200), Duration::from_secs(1));
        let wire = wire_time(620 + 1 + 4, 115_200);
        assert_eq!(wire.as_micros(), 54_253);
        let seen = Duration::from_millis(120) + wire;
        assert_eq!(
            processing_time(seen, 621, 4, 115_200),
            Duration::from_millis(120)
        );
        // At 9600 baud the same write is 651 ms on the wire alone.
        assert_eq!(wire_time(625, 9600).as_millis(), 651);
        assert_eq!(
            processing_time(Duration::from_millis(10), 621, 4, 9600),
            Duration::ZERO,
            "never negative"
        );
    }
}
