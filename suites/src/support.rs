//! The case-writing API: the context a case body works with ([`Ctx`]) and the frame every case
//! runs in ([`case`]). The guide is `docs/writing-cases.md` (module [`crate::guide`]).
//!
//! One job per file:
//! - this file: [`Ctx`] itself — the console, the supply, the case's sec_tags, what it records;
//! - [`frame`]: building a case ([`case`], [`boxed`]) and what runs around its body (a fresh
//!   transcript slice, the supply restored, the case's sec_tags deleted afterwards:
//!   credentials survive reflash and reboot, firmware.md §1.3);
//! - [`reply`]: [`Reply`], a modem's answer to a typed helper, and the checks on it;
//! - [`problems`]: console errors as [`Problem`]s, and every fixed signature ([`signatures`]);
//! - [`board`]: reset, power cycle on purpose, the boot wait, markers;
//! - [`modem`]: functional mode and error reporting (`+CFUN`, `+CMEE`), other commands;
//! - [`credentials`]: `%CMNG`, `%XPMNG` and `%KEYGEN` through hil-at's typed helpers;
//! - [`checks`]: the shared checks on what the credential list shows;
//! - [`findings`]: several deviations in one case, the first one its result;
//! - [`artifacts`]: files attached to the result;
//! - [`power`]: current on the AT timeline (recording, measured windows, the timeline plot).

pub mod artifacts;
pub mod board;
pub mod checks;
pub mod credentials;
pub mod findings;
pub mod frame;
pub mod modem;
pub mod power;
pub mod problems;
pub mod reply;

use hil_at::AtClient;
use hil_lab::Board;
use hil_model::CredentialType;
use hil_power::GuardedSupply;
use hil_runner::{CaseLog, Problem};

pub use credentials::Listed;
pub use findings::Findings;
pub use frame::{TAG_BASE, boxed, case};
pub use problems::{at_problem, deviation, ok, signature, signatures};
pub use reply::Reply;

/// A case's result: `Ok(())` when the DUT showed the reference behaviour.
pub type CaseResult = Result<(), Problem>;

/// What a case body works with: one board, the case's log, and the sec_tags it used.
///
/// Built by the frame of [`case`]; a body never constructs one. Every method that talks to the
/// modem turns a missing answer into [`Problem::Hang`] and port trouble into
/// [`Problem::Infra`], so a body only decides what the answers mean.
pub struct Ctx<'a> {
    board: &'a mut Board,
    log: &'a mut CaseLog,
    used: Vec<(u32, CredentialType)>,
    tag_base: u32,
    power: power::PowerCapture,
}

impl<'a> Ctx<'a> {
    /// A context on `board` recording into `log`, with the sec_tags from `tag_base` on.
    pub(crate) fn new(board: &'a mut Board, log: &'a mut CaseLog, tag_base: u32) -> Self {
        Ctx {
            board,
            log,
            used: Vec::new(),
            tag_base,
            power: power::PowerCapture::default(),
        }
    }
}

impl Ctx<'_> {
    /// The console, or an infrastructure problem.
    pub fn at(&mut self) -> Result<&mut AtClient, Problem> {
        self.board.console().map_err(|e| board_problem(&e))
    }

    /// The supply, or not-applicable when the rack declares none (infrastructure when it
    /// declares one that does not work).
    pub fn supply(&mut self) -> Result<&mut GuardedSupply, Problem> {
        match self.board.power() {
            Ok(Some(supply)) => Ok(supply),
            Ok(None) => Err(Problem::not_applicable(
                "the rack declares no programmable supply for this DUT",
            )),
            Err(e) => Err(board_problem(&e)),
        }
    }

    /// The board, read-only: its rack entry, identity, simulator handles (tests). Cases talk to
    /// it through the methods of the context.
    pub fn board(&self) -> &Board {
        self.board
    }

    /// The DUT's name in the rack.
    pub fn board_name(&self) -> &str {
        self.board.name()
    }

    /// The supply voltage the board runs at between cases.
    pub fn nominal_volts(&self) -> f64 {
        self.board.nominal_volts
    }

    /// The console's baud rate (115200 when the rack gives none, e.g. a simulated DUT).
    pub fn console_baud(&self) -> u32 {
        self.board
            .spec
            .serial
            .as_ref()
            .map_or(115_200, |s| s.baud)
            .max(1)
    }

    /// A sec_tag for this case, deleted after it. `n` < 10 stays in the case's own range;
    /// a larger `n` reaches into other cases' ranges, which is harmless because cases on a
    /// DUT run one at a time and each deletes what it wrote.
    pub fn tag(&mut self, n: u32, kind: CredentialType) -> u32 {
        let tag = self.tag_base + n;
        if !self.used.contains(&(tag, kind)) {
            self.used.push((tag, kind));
        }
        tag
    }

    /// Records a fact the case measured (shown in reports; the point of characterization).
    /// A later value for the same key replaces the earlier one.
    pub fn observe(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.log.observe(key, value);
    }

    /// Records a property of the result (e.g. the modem's `+CGMR`), shown with it in reports.
    pub fn property(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.log.property(key, value);
    }

    /// A note for humans in the reports (never on the terminal).
    pub fn note(&mut self, text: impl Into<String>) {
        self.log.note(text);
    }
}

/// A board's console or supply failure as a problem: infrastructure, never the modem.
fn board_problem(e: &impl std::fmt::Display) -> Problem {
    Problem::infra(e.to_string())
}
