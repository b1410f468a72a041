//! Holding places: selecting them, healing what a dead harness on this host left acquired,
//! reserving them (refreshed while waiting, with progress), acquiring them on the session, and
//! releasing them when done — on drop, so every way out of a command releases them.
//!
//! - [`selection`]: which places (`--place`, `--place-tag`);
//! - [`records`]: this host's record of each place it holds (pid, token), with a lock;
//! - [`attempt`]: one try at every place: heal, claim, reserve, check;
//! - [`held`]: [`HeldPlaces`], acquired places, their boards, and release;
//! - [`on_exit`]: the places still held when a signal ends the process, released then.

pub mod attempt;
pub mod held;
pub mod on_exit;
pub mod records;
pub mod selection;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hil_lease::{Holder, Interrupt};

use crate::client::Coordinator;
use crate::error::LabgridError;
pub use held::HeldPlaces;
pub use selection::PlaceSelection;

/// How often a waiting command polls its reservations (which refreshes them).
const POLL: Duration = Duration::from_secs(1);
/// How often a waiting command says what it waits for.
pub const REPORT_EVERY: Duration = Duration::from_secs(5);

/// One place another holder has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    /// The place.
    pub place: String,
    /// Who holds it, e.g. ``acquired by rack-7/ci (`hil run` (pid 4 on rack-7, since …))``.
    pub holder: String,
}

impl fmt::Display for Busy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "place `{}` {}", self.place, self.holder)
    }
}

/// Why places could not be held.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AcquireError {
    /// The coordinator failed.
    #[error(transparent)]
    Labgrid(#[from] LabgridError),
    /// The selection is empty or names unknown places.
    #[error("labgrid coordinator {coordinator}: {problem}")]
    Selection {
        /// The coordinator.
        coordinator: String,
        /// What is wrong.
        problem: String,
    },
    /// Places are held by others (and the command does not wait, or waited long enough).
    #[error("{}{}; wait for them with --wait-for-boards SECS", busy_list(.busy), waited_note(*.waited))]
    Busy {
        /// What is held, by whom.
        busy: Vec<Busy>,
        /// How long the command waited.
        waited: Option<Duration>,
    },
    /// A stop was requested (Ctrl-C, SIGTERM) while the command waited; its reservations
    /// were cancelled and it holds nothing.
    #[error("stopped while waiting for {} (waited {} s); reservations cancelled, nothing acquired", busy_list(.busy), .waited.as_secs())]
    Interrupted {
        /// What was still held by others.
        busy: Vec<Busy>,
        /// How long the command waited.
        waited: Duration,
    },
    /// The state directory (for the place records) is missing or not writable.
    #[error("labgrid place records in {dir}: {source}")]
    Records {
        /// Where.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn busy_list(busy: &[Busy]) -> String {
    let list: Vec<String> = busy.iter().map(ToString::to_string).collect();
    list.join("; ")
}

fn waited_note(waited: Option<Duration>) -> String {
    waited.map_or(String::new(), |w| {
        format!(" (still, after waiting {} s)", w.as_secs())
    })
}

/// Who takes the places, where it records them, and whether it waits.
#[derive(Clone)]
pub struct AcquireOptions {
    /// The state directory (records go in its `labgrid/` folder).
    pub state_dir: PathBuf,
    /// This process.
    pub holder: Holder,
    /// `None`: fail at once when a place is busy.
    pub wait: Option<Duration>,
    /// Told what the command waits for, every [`REPORT_EVERY`].
    pub on_wait: Arc<dyn Fn(&str) + Send + Sync>,
    /// Told what was healed (places a dead harness left acquired).
    pub on_note: Arc<dyn Fn(&str) + Send + Sync>,
    /// A stop request that ends a wait at once ([`AcquireError::Interrupted`]).
    pub interrupt: Interrupt,
}

/// Holds every place `selection` names on `client`'s session: all of them or none.
pub fn acquire(
    client: Coordinator,
    selection: &PlaceSelection,
    opts: &AcquireOptions,
) -> Result<HeldPlaces, AcquireError> {
    let start = Instant::now();
    let mut state = attempt::Attempt::new(&client, selection, opts)?;
    let mut last_report: Option<Instant> = None;
    loop {
        let busy = match state.try_all(&client, opts) {
            Ok(busy) => busy,
            Err(e) => {
                state.give_up(&client);
                return Err(e);
            }
        };
        if busy.is_empty() {
            return state.acquire(client, opts);
        }
        let waited = start.elapsed();
        match opts.wait {
            Some(limit) if waited < limit => {
                if last_report.is_none_or(|t| t.elapsed() >= REPORT_EVERY) {
                    (opts.on_wait)(&format!(
                        "waiting for {}; waited {} s of {} s",
                        busy_list(&busy),
                        waited.as_secs(),
                        limit.as_secs()
                    ));
                    last_report = Some(Instant::now());
                }
                if opts.interrupt.sleep(POLL) {
                    state.give_up(&client);
                    return Err(AcquireError::Interrupted {
                        busy,
                        waited: start.elapsed(),
                    });
                }
            }
            limit => {
                state.give_up(&client);
                return Err(AcquireError::Busy {
                    busy,
                    waited: limit.map(|_| waited),
                });
            }
        }
    }
}
