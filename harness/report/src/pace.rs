//! When a report file is rewritten: after every change ([`Rewrite::EveryChange`], for a caller
//! that drives a reporter itself), or when the run's collector is idle, paced so rewriting
//! takes at most about a tenth of the reporter thread ([`Rewrite::WhenIdle`]). A rack of
//! dozens of boards finishes results faster than a file holding all of them can be rewritten
//! after each one; rewriting after each made the rewrites a backlog that outlasted the run by
//! minutes (issue 11, `hil bench --only rack`).

use std::time::{Duration, Instant};

/// When a reporter rewrites its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rewrite {
    /// After every event that changes it.
    #[default]
    EveryChange,
    /// When every event sent so far has been delivered ([`hil_runner::Reporter::idle`]), and
    /// not sooner after the last rewrite than [`PAUSE_FACTOR`] times as long as it took. The
    /// run's first and last writes are never deferred.
    WhenIdle,
}

/// The pause after a paced rewrite, as a multiple of how long the rewrite took.
pub const PAUSE_FACTOR: u32 = 9;

/// The longest pause after a paced rewrite.
pub const MAX_PAUSE: Duration = Duration::from_secs(5);

/// What an idle collector means for a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// Nothing changed since the last rewrite.
    UpToDate,
    /// Rewrite it now.
    Rewrite,
    /// Changed, but the pause after the last rewrite lasts until then.
    Later(Instant),
}

/// The rewrites of one file.
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    rewrite: Rewrite,
    pending: bool,
    pause_until: Option<Instant>,
}

impl Pacer {
    /// Rewrites as `rewrite` says.
    pub fn new(rewrite: Rewrite) -> Self {
        Pacer {
            rewrite,
            ..Pacer::default()
        }
    }

    /// The file's content changed; true when it is to be rewritten at once.
    pub fn changed(&mut self) -> bool {
        match self.rewrite {
            Rewrite::EveryChange => true,
            Rewrite::WhenIdle => {
                self.pending = true;
                false
            }
        }
    }

    /// The collector is idle at `now`.
    pub fn idle(&self, now: Instant) -> Idle {
        match self.pause_until {
            _ if !self.pending => Idle::UpToDate,
            Some(until) if until > now => Idle::Later(until),
            _ => Idle::Rewrite,
        }
    }

    /// A rewrite ran from `start` to `end` (whether or not it succeeded: a failing one is
    /// paced too).
    pub fn rewrote(&mut self, start: Instant, end: Instant) {
        self.pending = false;
        let pause = end.saturating_duration_since(start) * PAUSE_FACTOR;
        self.pause_until = Some(end + pause.min(MAX_PAUSE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_rewrites_at_once_and_leaves_nothing_for_idle() {
        let mut pacer = Pacer::new(Rewrite::EveryChange);
        assert!(pacer.changed());
        assert_eq!(pacer.idle(Instant::now()), Idle::UpToDate);
    }

    #[test]
    fn when_idle_defers_and_paces_by_the_cost_of_the_last_rewrite() {
        let mut pacer = Pacer::new(Rewrite::WhenIdle);
        let t0 = Instant::now();
        assert_eq!(pacer.idle(t0), Idle::UpToDate);
        assert!(!pacer.changed());
        assert_eq!(
            pacer.idle(t0),
            Idle::Rewrite,
            "the first rewrite is not paced"
        );
        let end = t0 + Duration::from_millis(10);
        pacer.rewrote(t0, end);
        assert_eq!(pacer.idle(end), Idle::UpToDate);
        assert!(!pacer.changed());
        let until = end + Duration::from_millis(90);
        assert_eq!(pacer.idle(end), Idle::Later(until));
        assert_eq!(pacer.idle(until), Idle::Rewrite);
    }

    #[test]
    fn the_pause_is_bounded() {
        let mut pacer = Pacer::new(Rewrite::WhenIdle);
        let t0 = Instant::now();
        let end = t0 + Duration::from_secs(60);
        pacer.rewrote(t0, end);
        pacer.changed();
        assert_eq!(pacer.idle(end), Idle::Later(end + MAX_PAUSE));
    }
}
