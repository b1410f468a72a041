//! Taking the leases a command needs. Every key of every board is tried in sorted order; if one
//! is held by someone else, everything taken so far is let go again (all or nothing, so no
//! board is ever half leased and two waiting commands cannot deadlock), and the command fails
//! at once — or, when asked to wait, tries again until the boards are free or its time is up,
//! saying whom it waits for every few seconds.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hil_rack::DutSpec;

use crate::error::LeaseError;
use crate::holder::{Holder, LockRecord};
use crate::interrupt::Interrupt;
use crate::key::LeaseKey;
use crate::lock::{self, Attempt, KeyLock};
use crate::state_dir::{StateDirError, leases_dir};

/// How often a waiting command tries again.
const POLL: Duration = Duration::from_millis(250);
/// How often a waiting command says whom it waits for.
pub const REPORT_EVERY: Duration = Duration::from_secs(5);

/// One board a command wants: the name it uses for it and the hardware it is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardClaim {
    /// The board's name in the command's rack file; `None` for hardware named ad hoc on the
    /// command line (`hil at --port`, `hil psu --address`).
    pub board: Option<String>,
    /// Its hardware keys (none for a board simulated in-process).
    pub keys: Vec<LeaseKey>,
}

impl BoardClaim {
    /// The claim of a rack-file board.
    pub fn of(spec: &DutSpec) -> BoardClaim {
        BoardClaim {
            board: Some(spec.name.clone()),
            keys: LeaseKey::of_board(spec),
        }
    }

    /// An ad hoc claim of one piece of hardware.
    pub fn hardware(key: LeaseKey) -> BoardClaim {
        BoardClaim {
            board: None,
            keys: vec![key],
        }
    }

    /// How messages name it: ``board `dk-1` `` or the hardware itself.
    pub fn label(&self) -> String {
        match (&self.board, self.keys.first()) {
            (Some(name), _) => format!("board `{name}`"),
            (None, Some(key)) => key.to_string(),
            (None, None) => "nothing".to_string(),
        }
    }
}

/// `label (key)`, or just the key when the label is the key.
pub(crate) fn naming(label: &str, key: &LeaseKey) -> String {
    let key = key.to_string();
    if label == key {
        key
    } else {
        format!("{label} ({key})")
    }
}

/// Whether a command waits for leased boards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Wait {
    /// Fail at once.
    #[default]
    Never,
    /// Try again until this much time has passed (`--wait-for-boards SECS`).
    For(Duration),
}

/// What a waiting command is waiting for, handed to [`OnWait`].
#[derive(Debug, Clone, Copy)]
pub struct Waiting<'a> {
    /// The board that is leased, as the waiting command names it (see [`BoardClaim::label`]).
    pub board: &'a str,
    /// Its hardware that is leased.
    pub key: &'a LeaseKey,
    /// Who holds it, when recorded.
    pub holder: Option<&'a LockRecord>,
    /// How long the command has waited.
    pub waited: Duration,
    /// How long it will wait at most.
    pub limit: Duration,
}

impl fmt::Display for Waiting<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "waiting for {}: leased by ",
            naming(self.board, self.key)
        )?;
        match self.holder {
            Some(record) => write!(f, "{record}")?,
            None => f.write_str("another process")?,
        }
        write!(
            f,
            "; waited {} s of {} s",
            self.waited.as_secs(),
            self.limit.as_secs()
        )
    }
}

/// Called when a command starts waiting and every [`REPORT_EVERY`] while it waits.
pub type OnWait = Arc<dyn Fn(&Waiting<'_>) + Send + Sync>;

/// Everything needed to take leases: where, who, and whether to wait.
#[derive(Clone)]
pub struct LeaseRequest {
    /// The state directory (its error is reported only when a board needs a lease).
    pub state_dir: Result<PathBuf, StateDirError>,
    /// Who takes the leases.
    pub holder: Holder,
    /// Whether to wait for leased boards.
    pub wait: Wait,
    /// Told whom the command waits for.
    pub on_wait: OnWait,
    /// A stop request that ends a wait at once ([`LeaseError::Interrupted`]).
    pub interrupt: Interrupt,
}

impl fmt::Debug for LeaseRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeaseRequest")
            .field("state_dir", &self.state_dir)
            .field("holder", &self.holder)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

/// Leases held by this process; released when dropped, and by the kernel if it dies.
#[derive(Debug, Default)]
pub struct Leases {
    locks: Vec<KeyLock>,
    dir: Option<PathBuf>,
}

impl Leases {
    /// True when nothing is held (no board needed a lease).
    pub fn is_empty(&self) -> bool {
        self.locks.is_empty()
    }

    /// The keys held, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &LeaseKey> {
        self.locks.iter().map(|l| &l.key)
    }

    /// The lease folder, when anything is held.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

/// One key to take, with the boards that need it.
struct Wanted {
    key: LeaseKey,
    boards: Vec<String>,
}

/// Why one pass did not take everything.
enum Pass {
    Busy {
        board: String,
        key: LeaseKey,
        holder: Option<Box<LockRecord>>,
    },
    Failed(LeaseError),
}

impl LeaseRequest {
    /// Takes the leases of every board in `claims`, all or nothing.
    pub fn acquire(&self, claims: &[BoardClaim]) -> Result<Leases, LeaseError> {
        let wanted = wanted(claims);
        let Some(first) = wanted.first() else {
            return Ok(Leases::default());
        };
        let state_dir = self
            .state_dir
            .clone()
            .map_err(|source| LeaseError::NoStateDir {
                board: first.boards.join(", "),
                source,
            })?;
        let dir = leases_dir(&state_dir);
        std::fs::create_dir_all(&dir).map_err(|source| LeaseError::Io {
            path: dir.clone(),
            source,
        })?;
        let started = Instant::now();
        let mut reported: Option<Instant> = None;
        loop {
            let (board, key, holder) = match self.pass(&dir, &wanted) {
                Ok(locks) => {
                    return Ok(Leases {
                        locks,
                        dir: Some(dir),
                    });
                }
                Err(Pass::Failed(e)) => return Err(e),
                Err(Pass::Busy { board, key, holder }) => (board, key, holder),
            };
            let waited = started.elapsed();
            let limit = match self.wait {
                Wait::For(limit) if waited < limit => limit,
                Wait::For(limit) => {
                    return Err(LeaseError::busy(board, key, holder, Some(limit)));
                }
                Wait::Never => return Err(LeaseError::busy(board, key, holder, None)),
            };
            if reported.is_none_or(|at| at.elapsed() >= REPORT_EVERY) {
                reported = Some(Instant::now());
                (self.on_wait)(&Waiting {
                    board: &board,
                    key: &key,
                    holder: holder.as_deref(),
                    waited,
                    limit,
                });
            }
            if self.interrupt.sleep(POLL.min(limit - waited)) {
                return Err(LeaseError::Interrupted {
                    board,
                    waited: started.elapsed(),
                });
            }
        }
    }

    /// One try at every key in order; on a busy key, everything taken is let go.
    fn pass(&self, dir: &Path, wanted: &[Wanted]) -> Result<Vec<KeyLock>, Pass> {
        let mut taken = Vec::with_capacity(wanted.len());
        for w in wanted {
            let record = LockRecord {
                holder: self.holder.clone(),
                board: w.boards.join(", "),
                hardware: w.key.to_string(),
            };
            match lock::try_take(dir, &w.key, &record) {
                Ok(Attempt::Taken(lock)) => taken.push(lock),
                Ok(Attempt::Busy(holder)) => {
                    return Err(Pass::Busy {
                        board: w.boards.join(", "),
                        key: w.key.clone(),
                        holder: holder.map(Box::new),
                    });
                }
                Err(e) => return Err(Pass::Failed(e)),
            }
        }
        Ok(taken)
    }
}

/// Every key of `claims`, sorted, each once with the boards that need it (a process cannot
/// take one lock twice, and two boards may share a supply or a probe).
fn wanted(claims: &[BoardClaim]) -> Vec<Wanted> {
    let mut pairs: Vec<(&LeaseKey, String)> = claims
        .iter()
        .flat_map(|c| c.keys.iter().map(move |k| (k, c.label())))
        .collect();
    pairs.sort();
    let mut wanted: Vec<Wanted> = Vec::new();
    for (key, board) in pairs {
        match wanted.last_mut() {
            Some(last) if &last.key == key => {
                if !last.boards.contains(&board) {
                    last.boards.push(board);
                }
            }
            _ => wanted.push(Wanted {
                key: key.clone(),
                boards: vec![board],
            }),
        }
    }
    wanted
}
