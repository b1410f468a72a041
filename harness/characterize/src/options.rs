//! What a characterization measures and where it may write.

use std::path::PathBuf;

use hil_sim::profile::Profile;
use hil_sim::timing::Timing;

use crate::error::Error;

/// The sec_tags a characterization may write (inclusive), from `--scratch-tags FIRST-LAST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scratch {
    /// The first scratch sec_tag.
    pub first: u32,
    /// The last scratch sec_tag.
    pub last: u32,
}

/// Default scratch range: far from the suites' tags and below the modem-reserved range.
pub const DEFAULT_SCRATCH: Scratch = Scratch {
    first: 2_000_000_000,
    last: 2_000_000_299,
};

/// Highest user sec_tag (ref §1.1 [D1]).
const MAX_USER_TAG: u32 = 2_147_483_647;

impl Scratch {
    /// Parses `FIRST-LAST` (at least 8 tags, all user tags).
    pub fn parse(text: &str) -> Result<Scratch, Error> {
        let bad = |why: &str| Error::Scratch(format!("--scratch-tags `{text}`: {why}"));
        let (a, b) = text
            .split_once('-')
            .ok_or_else(|| bad("want FIRST-LAST, e.g. 2000000000-2000000299"))?;
        let num = |s: &str| s.trim().parse::<u32>().map_err(|_| bad("not a number"));
        let (first, last) = (num(a)?, num(b)?);
        if first > last {
            return Err(bad("FIRST is above LAST"));
        }
        if last > MAX_USER_TAG {
            return Err(bad(
                "tags above 2147483647 are reserved for the modem (ref §1.1)",
            ));
        }
        if last - first < 7 {
            return Err(bad("need at least 8 tags"));
        }
        Ok(Scratch { first, last })
    }

    /// The `n`-th scratch tag, or an error when `n` is outside the range.
    pub fn tag(&self, n: u32) -> Result<u32, Error> {
        self.first
            .checked_add(n)
            .filter(|t| *t <= self.last)
            .ok_or_else(|| {
                Error::Scratch(format!(
                    "scratch tag #{n} is outside {}-{}",
                    self.first, self.last
                ))
            })
    }

    /// Whether `tag` is in the range.
    pub fn contains(&self, tag: u32) -> bool {
        (self.first..=self.last).contains(&tag)
    }

    /// Number of tags.
    pub fn len(&self) -> u32 {
        self.last - self.first + 1
    }

    /// Never true (at least 8 tags).
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// How to characterize.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where writes may go.
    pub scratch: Scratch,
    /// Measure the store's capacity (writes until 515: wears NVM).
    pub capacity: bool,
    /// Repetitions per command for latency; 0 skips latency.
    pub latency_runs: usize,
    /// The journal file (an interrupted run's record).
    pub journal: PathBuf,
    /// The profile unmeasured fields are carried from, and the candidates it lists.
    pub base: Option<Profile>,
    /// Stop (without restoring) after this step: tests of the journal.
    pub interrupt_after: Option<String>,
    /// Timing of simulated boards (fast: latency is not measured on them).
    pub sim_timing: Timing,
}

impl Options {
    /// Defaults with `journal` as the journal file.
    pub fn new(journal: PathBuf) -> Self {
        Options {
            scratch: DEFAULT_SCRATCH,
            capacity: false,
            latency_runs: 5,
            journal,
            base: None,
            interrupt_after: None,
            sim_timing: Timing::Fast,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_ranges_parse_and_stay_inside() {
        let s = Scratch::parse("100-199").unwrap();
        assert_eq!(s.tag(0).unwrap(), 100);
        assert_eq!(s.tag(99).unwrap(), 199);
        assert!(s.tag(100).is_err());
        assert!(s.contains(150) && !s.contains(200));
        for bad in ["100", "5-1", "1-3", "1-2147483648", "a-b"] {
            assert!(Scratch::parse(bad).is_err(), "{bad}");
        }
    }
}
