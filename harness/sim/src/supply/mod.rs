//! Simulated bench supplies, reached exactly as hardware is.
//!
//! SCPI models listen on `127.0.0.1:<ephemeral>` and speak their own dialect (one file per
//! dialect under [`scpi`]); the Korad/Tenma KA3005P and the Nordic PPK2 sit behind a
//! pseudo-terminal. Every supply drives a [`SupplyRail`]: a set point, output switch and current
//! limit on the wired channel go to the rail, `MEAS` reads it back, so slew and settling come
//! from the rail (fast timing: [`Slew::FAST`]; realistic timing: the model's own slew, see
//! [`realistic_slew`]). The models are the harness's shared [`SupplyModel`] vocabulary.
//!
//! Every command an instrument receives is recorded in its [`CommandLog`] (tests assert that a
//! refused set point never reached it), and [`Faults`] injects misbehaviour for driver tests:
//! stop answering, drop commands that arrive too fast (judged by [`arrival`], so a simulator
//! thread scheduled late does not drop commands a real instrument would take), answer slowly.

pub(crate) mod arrival;
mod faults;
mod korad;
mod log;
pub mod ppk2;
pub mod scpi;
#[cfg(test)]
mod tests;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use hil_model::ScpiModel;

use crate::rail::{Slew, SupplyRail};
use crate::timing::Timing;

pub use faults::Faults;
pub use hil_model::SupplyModel;
pub use log::{CommandLog, LoggedCommand};

/// Output slew of `model` in realistic timing. Rises are fast; with the µA load of an idle
/// nRF91 the output can only fall through the supply's bleed path, so falls are slow. The numbers
/// are INFERRED orders of magnitude (E3631A: ~8 V/ms up, τ ≈ 0.4 s bleed down), not datasheet
/// values for each model.
pub fn realistic_slew(model: SupplyModel) -> Slew {
    let (up, down) = match model {
        SupplyModel::Scpi(scpi) => match scpi {
            ScpiModel::Generic => (500.0, 10.0),
            ScpiModel::KeysightE36300 => (1000.0, 10.0),
            ScpiModel::KeysightE3631a => (8000.0, 2.0),
            ScpiModel::RigolDp800 => (500.0, 8.0),
            ScpiModel::SiglentSpd3303x => (300.0, 5.0),
            ScpiModel::RsHmc804x | ScpiModel::RsNge100 => (500.0, 10.0),
            ScpiModel::Keithley2230 => (500.0, 10.0),
            ScpiModel::Keithley2280 => (1000.0, 50.0),
        },
        SupplyModel::Korad => (200.0, 3.0),
        SupplyModel::Ppk2 => (100.0, 50.0),
    };
    Slew {
        up_v_per_s: up,
        down_v_per_s: down,
    }
}

/// Extra time before a query answer of `model` in realistic timing.
pub fn realistic_reply_delay(model: SupplyModel) -> Duration {
    match model {
        SupplyModel::Scpi(ScpiModel::KeysightE3631a) => Duration::from_millis(40),
        SupplyModel::Korad => Duration::from_millis(10),
        SupplyModel::Ppk2 => Duration::ZERO,
        SupplyModel::Scpi(_) => Duration::from_millis(3),
    }
}

/// How a simulated SCPI supply is reached: a raw SCPI socket on 127.0.0.1 (`Tcp`, what
/// [`start`] uses) or serial SCPI behind a pseudo-terminal (`Serial`, an E3631A or a 2231A on
/// RS-232). The harness's [`ScpiLink`] under the simulator's name.
pub use hil_model::ScpiLink as SimLink;

/// Everything [`start_with`] can be told beyond model, rail and timing.
#[derive(Debug, Clone)]
pub struct SupplyOptions {
    /// The channel wired to the rail (1-based; E3631A: 1 = P6V, 2 = P25V, 3 = N25V).
    pub channel: u8,
    /// Only for SCPI models: TCP (default) or serial behind a pty. Korad and PPK2 are always serial.
    pub link: SimLink,
    /// Only for SCPI models: the error queue's depth instead of the model's
    /// ([`scpi::error_queue_depth`]; OPEN for every model but the E3631A).
    pub error_queue_depth: Option<usize>,
}

impl Default for SupplyOptions {
    fn default() -> Self {
        SupplyOptions {
            channel: 1,
            link: SimLink::Tcp,
            error_queue_depth: None,
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
    /// Which instrument is simulated.
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
            rail.set_slew(realistic_slew(model));
            faults.set_reply_delay(realistic_reply_delay(model));
            if model == SupplyModel::Scpi(ScpiModel::SiglentSpd3303x) {
                // Back-to-back commands are silently dropped by the real unit (pyvisa issue 362).
                faults.set_min_interval(Duration::from_millis(10));
            }
            if model == SupplyModel::Korad {
                // A command arriving < 80 ms after the previous one is not executed (sigrok
                // PR 210; OPEN for the KA3005P itself, see `korad::PROCESSING_TIME`).
                faults.set_min_interval(korad::PROCESSING_TIME);
            }
        }
    }
    let log = Arc::new(CommandLog::default());
    let stop = Arc::new(AtomicBool::new(false));
    let ctx = Ctx {
        rail,
        log: log.clone(),
        faults: faults.clone(),
        stop: stop.clone(),
        channel: options.channel,
        queue_depth: options.error_queue_depth,
    };
    let (address, thread) = match model {
        SupplyModel::Korad => korad::spawn(ctx)?,
        SupplyModel::Ppk2 => ppk2::spawn(ctx)?,
        SupplyModel::Scpi(scpi_model) => match options.link {
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
    /// SCPI error-queue depth override.
    pub queue_depth: Option<usize>,
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
