//! Per-command processing time: median and spread over repeated runs, from the AT client's
//! timing of each exchange ([`hil_at::Response::latency`]) minus the UART wire time of the
//! command and its answer. Not measured on a simulated board in fast mode (it adds none).

use std::collections::BTreeMap;
use std::time::Duration;

use hil_at::{FinalResult, Response};
use hil_model::CredentialType;
use hil_suites::fixtures::ROOT_CA;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// Bits per UART byte (8N1).
const BITS_PER_BYTE: u64 = 10;

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
    let mut samples: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for _ in 0..opts.latency_runs {
        run_once(s, f, baud, &mut samples)?;
    }
    for (key, mut v) in samples {
        v.sort_unstable();
        let median = v[v.len() / 2];
        let spread = v[v.len() - 1] - v[0];
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

/// Processing time of one exchange, ms: the client's latency minus the wire time.
fn processing_ms(r: &Response, baud: u32) -> u64 {
    let bytes = (r.command.len() + 1 + r.raw.len()) as u64;
    let wire = Duration::from_nanos(bytes * BITS_PER_BYTE * 1_000_000_000 / u64::from(baud));
    r.latency.saturating_sub(wire).as_millis() as u64
}

fn run_once(
    s: &mut Session,
    f: &Findings,
    baud: u32,
    out: &mut BTreeMap<String, Vec<u64>>,
) -> Result<(), Error> {
    let mut time = |s: &mut Session, key: &str, cmd: &str| -> Result<FinalResult, Error> {
        // Any final result: `%XPMNG=2` on an empty slot answers 513 after the same work.
        let r = s.exchange(cmd)?;
        if r.result != FinalResult::Error {
            out.entry(key.to_string())
                .or_default()
                .push(processing_ms(&r, baud));
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
