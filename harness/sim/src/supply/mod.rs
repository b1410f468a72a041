//! Simulated bench supplies, reached exactly as hardware is.
//!
//! SCPI models listen on `127.0.0.1:<ephemeral>` and speak their own dialect (one file per
//! dialect under [`scpi`]); the Korad/Tenma KA3005P and the Nordic PPK2 sit behind a
//! pseudo-terminal. Every supply drives a [`SupplyRail`]: a set point, output switch and current
//! limit on the wired channel go to the rail, `MEAS` reads it back, so slew and settling come
//! from the rail (fast timing: [`Slew::FAST`]; realistic timing: the model's own slew, see
//! [`SupplyModel::realistic_slew`]).
//!
//! Every command an instrument receives is recorded in its [`CommandLog`] (tests assert that a
//! refused set point never reached it), and [`Faults`] injects misbehaviour for driver tests:
//! stop answering, drop commands that arrive too fast (judged by [`arrival`], so a simulator
//! thread scheduled late does not drop commands a real instrument would take), answer slowly.

pub(crate) mod arrival;
mod faults;
mod korad;
mod log;
mod ppk2;
pub mod scpi;
#[cfg(test)]
mod tests;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::rail::{Slew, SupplyRail};
use crate::timing::Timing;

pub use faults::Faults;
pub use log::{CommandLog, LoggedCommand};

/// Which instrument to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SupplyModel {
    /// Plain single-channel SCPI: `VOLT`, `CURR`, `OUTP`, `MEAS:VOLT?`, `MEAS:CURR?`.
    #[default]
    GenericScpi,
    KeysightE36300,
    KeysightE3631a,
    RigolDp800,
    SiglentSpd3303x,
    RsHmc804x,
    RsNge100,
    /// Named as in rack files (`keithley-2230`).
    #[serde(rename = "keithley-2230")]
    Keithley2230,
    #[serde(rename = "keithley-2280")]
    Keithley2280,
    /// Korad/Tenma KA3005P serial protocol (behind a pty).
    Korad,
    /// Nordic Power Profiler Kit II in source-meter mode (behind a pty).
    Ppk2,
}

impl SupplyModel {
    /// All models, for table-driven tests.
    pub const ALL: [SupplyModel; 11] = [
        SupplyModel::GenericScpi,
        SupplyModel::KeysightE36300,
        SupplyModel::KeysightE3631a,
        SupplyModel::RigolDp800,
        SupplyModel::SiglentSpd3303x,
        SupplyModel::RsHmc804x,
        SupplyModel::RsNge100,
        SupplyModel::Keithley2230,
        SupplyModel::Keithley2280,
        SupplyModel::Korad,
        SupplyModel::Ppk2,
    ];

    /// True for the models that speak SCPI text (served over TCP by [`start`]).
    pub fn is_scpi(self) -> bool {
        !matches!(self, SupplyModel::Korad | SupplyModel::Ppk2)
    }

    /// Output slew in realistic timing. Rises are fast; with the µA load of an idle nRF91 the
    /// output can only fall through the supply's bleed path, so falls are slow. The numbers are
    /// INFERRED orders of magnitude (E3631A: ~8 V/ms up, τ ≈ 0.4 s bleed down), not datasheet
    /// values for each model.
    pub fn realistic_slew(self) -> Slew {
        let (up, down) = match self {
            SupplyModel::GenericScpi => (500.0, 10.0),
            SupplyModel::KeysightE36300 => (1000.0, 10.0),
            SupplyModel::KeysightE3631a => (8000.0, 2.0),
            SupplyModel::RigolDp800 => (500.0, 8.0),
            SupplyModel::SiglentSpd3303x => (300.0, 5.0),
            SupplyModel::RsHmc804x | SupplyModel::RsNge100 => (500.0, 10.0),
            SupplyModel::Keithley2230 => (500.0, 10.0),
            SupplyModel::Keithley2280 => (1000.0, 50.0),
            SupplyModel::Korad => (200.0, 3.0),
            SupplyModel::Ppk2 => (100.0, 50.0),
        };
        Slew {
            up_v_per_s: up,
            down_v_per_s: down,
        }
    }

    /// Extra time before a query answer in realistic timing.
    pub fn realistic_reply_delay(self) -> Duration {
        match self {
            SupplyModel::KeysightE3631a => Duration::from_millis(40),
            SupplyModel::Korad => Duration::from_millis(10),
            SupplyModel::Ppk2 => Duration::ZERO,
            _ => Duration::from_millis(3),
        }
    }
}

impl std::fmt::Display for SupplyModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        f.write_str(&s)
    }
}

impl std::str::FromStr for SupplyModel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
            let known: Vec<String> = SupplyModel::ALL.iter().map(|m| m.to_string()).collect();
            format!("unknown supply model `{s}` (known: {})", known.join(", "))
        })
    }
}

/// How a simulated SCPI supply is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SimLink {
    /// Raw SCPI socket on 127.0.0.1 (what [`start`] uses for SCPI models).
    #[default]
    Tcp,
    /// Serial SCPI behind a pseudo-terminal (an E3631A or a 2231A on RS-232).
    Serial,
}

/// Everything [`start_with`] can be told beyond model, rail and timing.
#[derive(Debug, Clone)]
pub struct SupplyOptions {
    /// The channel wired to the rail (1-based; E3631A: 1 = P6V, 2 = P25V, 3 = N25V).
    pub channel: u8,
    /// Only for SCPI models: TCP (default) or serial behind a pty. Korad and PPK2 are always serial.
    pub link: SimLink,
}

impl Default for SupplyOptions {
    fn default() -> Self {
        SupplyOptions {
            channel: 1,
            link: SimLink::Tcp,
        }
    }
}

/// A running simulated supply. Dropping it stops its thread(s) and closes its port.
#[derive(Debug)]
pub struct SupplyEndpoint {
    /// `tcp://127.0.0.1:<port>` for SCPI models, the pty path for Korad, PPK2 and serial SCPI.
    pub address: String,
    /// Every command the instrument received, in order.
    pub log: Arc<CommandLog>,
    /// Misbehaviour knobs, changeable while the instrument runs.
    pub faults: Arc<Faults>,
    pub model: SupplyModel,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for SupplyEndpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a simulated supply with its channel 1 wired to `rail`.
pub fn start(
    model: SupplyModel,
    rail: Arc<SupplyRail>,
    timing: Timing,
) -> io::Result<SupplyEndpoint> {
    start_with(model, rail, timing, SupplyOptions::default())
}

/// Starts a simulated supply with explicit options (wired channel, TCP or serial link).
pub fn start_with(
    model: SupplyModel,
    rail: Arc<SupplyRail>,
    timing: Timing,
    options: SupplyOptions,
) -> io::Result<SupplyEndpoint> {
    let faults = Arc::new(Faults::default());
    match timing {
        Timing::Fast => rail.set_slew(Slew::FAST),
        Timing::Realistic => {
            rail.set_slew(model.realistic_slew());
            faults.set_reply_delay(model.realistic_reply_delay());
            if model == SupplyModel::SiglentSpd3303x {
                // Back-to-back commands are silently dropped by the real unit (pyvisa issue 362).
                faults.set_min_interval(Duration::from_millis(10));
            }
        }
    }
    if model == SupplyModel::Korad {
        // A command arriving < 80 ms after the previous one is not executed (sigrok PR 210).
        faults.set_min_interval(korad::PROCESSING_TIME);
    }
    let log = Arc::new(CommandLog::default());
    let stop = Arc::new(AtomicBool::new(false));
    let ctx = Ctx {
        rail,
        log: log.clone(),
        faults: faults.clone(),
        stop: stop.clone(),
        channel: options.channel,
    };
    let (address, thread) = match model {
        SupplyModel::Korad => korad::spawn(ctx)?,
        SupplyModel::Ppk2 => ppk2::spawn(ctx)?,
        scpi_model => match options.link {
            SimLink::Tcp => scpi::server::spawn_tcp(scpi_model, ctx)?,
            SimLink::Serial => scpi::server::spawn_pty(scpi_model, ctx)?,
        },
    };
    Ok(SupplyEndpoint {
        address,
        log,
        faults,
        model,
        stop,
        thread: Some(thread),
    })
}

/// What every simulated instrument thread gets.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub rail: Arc<SupplyRail>,
    pub log: Arc<CommandLog>,
    pub faults: Arc<Faults>,
    pub stop: Arc<AtomicBool>,
    pub channel: u8,
}

impl Ctx {
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Thread name for a simulated instrument.
fn thread_name(what: &str) -> String {
    format!("sim-supply-{what}")
}
