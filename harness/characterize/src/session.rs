//! The board under measurement: typed answers to commands, writes confined to the scratch
//! range, the `%CMNG` write probe, the supply within the rack's limits, and putting the board
//! back as it was (also after an interrupted run, from the journal).

use std::time::{Duration, Instant};

use hil_at::{AtClient, AtError, CmngFilter, FinalResult, Response};
use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_power::GuardedSupply;
use hil_suites::fixtures::ROOT_CA;

use crate::error::Error;
use crate::journal::{Entry, Journal};
use crate::options::{Options, Scratch};

/// How long a board may take to boot after a reset or power cycle.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a write probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// `OK` and listed afterwards.
    Stored,
    /// Refused with this result.
    Refused(FinalResult),
    /// `OK` but not listed (the silent drop of 1.3.0/1.3.1, ref §4.3 [C5]).
    Dropped,
}

impl Probe {
    /// Whether the write did not get through.
    pub fn blocked(self) -> bool {
        self != Probe::Stored
    }
}

/// One board being characterized.
pub struct Session<'a> {
    board: &'a mut Board,
    scratch: Scratch,
    journal: Journal,
    entry: Entry,
    interrupt_after: Option<String>,
}

/// The final result of a checked typed helper, whatever it was.
pub fn answer(r: Result<Response, AtError>) -> Result<FinalResult, Error> {
    match r {
        Ok(resp) => Ok(resp.result),
        Err(AtError::Rejected { result, .. }) => Ok(result),
        Err(e) => Err(e.into()),
    }
}

impl<'a> Session<'a> {
    /// Opens `board`: restores it first if a journal says an earlier run was interrupted, then
    /// records what this run will have to restore.
    pub fn open(board: &'a mut Board, opts: &Options) -> Result<Session<'a>, Error> {
        let journal = Journal::at(opts.journal.clone());
        let nominal = match board.power() {
            Ok(Some(_)) => Some(board.nominal_volts),
            _ => None,
        };
        let mut session = Session {
            entry: Entry {
                board: board.name().to_string(),
                scratch: (opts.scratch.first, opts.scratch.last),
                cfun: 0,
                cmee: 0,
                pofwarn_touched: false,
                nominal_volts: nominal,
            },
            board,
            scratch: opts.scratch,
            journal,
            interrupt_after: opts.interrupt_after.clone(),
        };
        if let Some(old) = session.journal.pending()? {
            tracing::info!("journal: an interrupted run left the board changed; restoring it");
            session.entry = Entry {
                nominal_volts: nominal,
                ..old
            };
            session.restore()?;
            session.journal.close()?;
        }
        let at = session.at()?;
        let cfun = at.cfun()?;
        let cmee = at.cmee()?;
        session.entry.cfun = cfun;
        session.entry.cmee = cmee;
        session.entry.scratch = (opts.scratch.first, opts.scratch.last);
        session.entry.pofwarn_touched = false;
        session.journal.record(&session.entry)?;
        Ok(session)
    }

    /// The DUT's name.
    pub fn name(&self) -> &str {
        self.board.name()
    }

    /// The board.
    pub fn board(&self) -> &Board {
        self.board
    }

    /// The console.
    pub fn at(&mut self) -> Result<&mut AtClient, Error> {
        let name = self.board.name().to_string();
        self.board.console().map_err(|e| Error::Board {
            board: name,
            why: e.to_string(),
        })
    }

    /// The supply, `None` when the rack declares none or it is unusable.
    pub fn supply(&mut self) -> Option<&mut GuardedSupply> {
        self.board.power().ok().flatten()
    }

    /// The supply voltage between steps.
    pub fn nominal_volts(&self) -> f64 {
        self.board.nominal_volts
    }

    /// The `n`-th scratch tag.
    pub fn tag(&self, n: u32) -> Result<u32, Error> {
        self.scratch.tag(n)
    }

    /// The scratch range.
    pub fn scratch(&self) -> Scratch {
        self.scratch
    }

    /// Sends `cmd` and returns its final result (never a refusal as an error).
    pub fn exchange(&mut self, cmd: &str) -> Result<Response, Error> {
        Ok(self.at()?.exchange(cmd)?)
    }

    /// The final result of `cmd`.
    pub fn result(&mut self, cmd: &str) -> Result<FinalResult, Error> {
        Ok(self.exchange(cmd)?.result)
    }

    /// Marks `%XPOFWARN` as changed (restored by a reset at the end), in the journal first.
    pub fn touch_pofwarn(&mut self) -> Result<(), Error> {
        if !self.entry.pofwarn_touched {
            self.entry.pofwarn_touched = true;
            self.journal.record(&self.entry)?;
        }
        Ok(())
    }

    /// A test hook: stops the run after `step` without restoring, as a kill would.
    pub fn step_done(&mut self, step: &str) -> Result<(), Error> {
        tracing::debug!("characterize: {step} done");
        if self.interrupt_after.as_deref() == Some(step) {
            return Err(Error::Interrupted(step.to_string()));
        }
        Ok(())
    }

    /// `AT+CMEE=1` and the modem offline (`+CFUN=4`), the state every step starts from.
    pub fn offline(&mut self) -> Result<(), Error> {
        let at = self.at()?;
        at.set_cmee(1)?;
        at.set_cfun(4)?;
        at.set_cmee(1)?;
        Ok(())
    }

    /// Writes `content` as `kind` at scratch tag `tag` (refused outside the range).
    pub fn write(
        &mut self,
        tag: u32,
        kind: CredentialType,
        content: &str,
    ) -> Result<FinalResult, Error> {
        self.check_scratch(tag)?;
        answer(self.at()?.cmng_write(tag, kind, content))
    }

    /// Deletes `kind` at scratch tag `tag`.
    pub fn delete(&mut self, tag: u32, kind: CredentialType) -> Result<FinalResult, Error> {
        self.check_scratch(tag)?;
        answer(self.at()?.cmng_delete(tag, kind))
    }

    fn check_scratch(&self, tag: u32) -> Result<(), Error> {
        if self.scratch.contains(tag) {
            Ok(())
        } else {
            Err(Error::Scratch(format!(
                "refusing to touch sec_tag {tag}: outside the scratch range {}-{}",
                self.scratch.first, self.scratch.last
            )))
        }
    }

    /// Whether `kind` is listed at `tag`, and its digest.
    pub fn listed(&mut self, tag: u32, kind: CredentialType) -> Result<Option<String>, Error> {
        let entries = self.at()?.cmng_list(CmngFilter::TagType(tag, kind))?;
        Ok(entries.into_iter().next().map(|e| e.sha256))
    }

    /// The write probe: a root CA at `tag`, then a list read-back; deleted again when stored.
    pub fn probe(&mut self, tag: u32) -> Result<Probe, Error> {
        let kind = CredentialType::ROOT_CA;
        self.at()?.set_cmee(1)?;
        let result = self.write(tag, kind, ROOT_CA)?;
        if result != FinalResult::Ok {
            return Ok(Probe::Refused(result));
        }
        let stored = self.listed(tag, kind)?.is_some();
        if stored {
            self.delete(tag, kind)?;
            Ok(Probe::Stored)
        } else {
            Ok(Probe::Dropped)
        }
    }

    /// Sets the supply (the guarded supply refuses values outside the rack's limits).
    pub fn set_volts(&mut self, volts: f64) -> Result<(), Error> {
        let Some(supply) = self.supply() else {
            return Err(Error::Unexpected("no supply".into()));
        };
        supply.set_voltage(volts)?;
        Ok(())
    }

    /// Whether the rack's limits allow `volts`.
    pub fn volts_allowed(&mut self, volts: f64) -> bool {
        self.supply().is_some_and(|s| s.check_volts(volts).is_ok())
    }

    /// `AT#XRESET` and the boot wait.
    pub fn reset(&mut self) -> Result<(), Error> {
        let at = self.at()?;
        at.take_urcs()?;
        at.reset_and_wait(BOOT_TIMEOUT)?;
        Ok(())
    }

    /// Output off and on again at the nominal voltage, and the boot wait.
    pub fn power_cycle(&mut self) -> Result<(), Error> {
        let nominal = self.nominal_volts();
        self.at()?.take_urcs()?;
        let Some(supply) = self.supply() else {
            return Err(Error::Unexpected("no supply".into()));
        };
        let since: Instant = hil_lab::recover::power_cycle(supply, nominal)?;
        self.at()?.wait_boot(since, BOOT_TIMEOUT)?;
        Ok(())
    }

    /// Deletes every item in the scratch range (all types the list shows there).
    pub fn clear_scratch(&mut self) -> Result<(), Error> {
        let all = self.at()?.cmng_list(CmngFilter::All);
        let all = match all {
            Ok(all) => all,
            // A list refused (e.g. 528 during a warning): nothing to learn here.
            Err(AtError::Rejected { .. }) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let scratch = self.scratch;
        for e in all.into_iter().filter(|e| scratch.contains(e.tag)) {
            self.delete(e.tag, e.kind)?;
        }
        Ok(())
    }

    /// Puts the board back: nominal supply, `%XPOFWARN` at its boot state (a reset) when it
    /// was touched, the scratch range empty, CFUN and CMEE as before.
    fn restore(&mut self) -> Result<(), Error> {
        if let Some(volts) = self.entry.nominal_volts
            && let Some(supply) = self.supply()
        {
            if supply.output() == Some(false) {
                supply.set_output(true)?;
            }
            supply.set_voltage(volts)?;
        }
        if self.entry.pofwarn_touched {
            self.reset()?;
        }
        let s = self.entry.scratch;
        self.scratch = Scratch {
            first: s.0,
            last: s.1,
        };
        let at = self.at()?;
        at.set_cmee(1)?;
        if at.cfun()? != 0 && at.cfun()? != 4 {
            at.set_cfun(4)?;
        }
        self.clear_scratch()?;
        if self.listed_in_scratch()? {
            // Still blocked (e.g. a warning that only a power cycle clears).
            if self.supply().is_some() {
                self.power_cycle()?;
                self.at()?.set_cmee(1)?;
                self.at()?.set_cfun(4)?;
                self.clear_scratch()?;
            }
        }
        let (cfun, cmee) = (self.entry.cfun, self.entry.cmee);
        let at = self.at()?;
        at.set_cfun(cfun)?;
        at.set_cmee(cmee)?;
        Ok(())
    }

    fn listed_in_scratch(&mut self) -> Result<bool, Error> {
        let scratch = self.scratch;
        Ok(match self.at()?.cmng_list(CmngFilter::All) {
            Ok(all) => all.iter().any(|e| scratch.contains(e.tag)),
            Err(AtError::Rejected { .. }) => true,
            Err(e) => return Err(e.into()),
        })
    }

    /// Restores the board and closes the journal (kept when an interrupt was asked for).
    pub fn finish(mut self) -> Result<(), Error> {
        self.restore()?;
        self.journal.close()
    }

    /// The 513 a delete of a missing scratch item gives, or what came instead.
    pub fn delete_missing(&mut self, n: u32) -> Result<FinalResult, Error> {
        let tag = self.tag(n)?;
        self.delete(tag, CredentialType::ROOT_CA)
    }
}

/// `+CME ERROR: <code>`.
pub fn cme(code: CmeCode) -> FinalResult {
    FinalResult::CmeError(code.0)
}
