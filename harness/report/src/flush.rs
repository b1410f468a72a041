//! When a reporter puts its output out: after every event ([`Flush::EveryEvent`], for a caller
//! that drives a reporter itself), or when the run's collector is idle ([`Flush::WhenIdle`]),
//! which it is at most about a tenth of the time ([`hil_runner::collector`]). A rack of dozens
//! of boards finishes results faster than a file holding all of them can be rewritten after
//! each one: rewriting after each made the rewrites a backlog that outlasted the run by a
//! minute (issue 11, `hil bench --only rack`). The live progress flushes when idle too, after
//! the files: a result line on the terminal means the result is in `junit.xml`.

/// When a reporter puts its output out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flush {
    /// After every event that changes it.
    #[default]
    EveryEvent,
    /// When every event sent so far has been delivered ([`hil_runner::Reporter::idle`]). The
    /// run's first and last writes are never deferred.
    WhenIdle,
}

impl Flush {
    /// Output changed: true when it is to be put out at once; otherwise it is now `pending`.
    pub fn now(self, pending: &mut bool) -> bool {
        match self {
            Flush::EveryEvent => true,
            Flush::WhenIdle => {
                *pending = true;
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_flushes_at_once_when_idle_defers() {
        let mut pending = false;
        assert!(Flush::EveryEvent.now(&mut pending));
        assert!(!pending);
        assert!(!Flush::WhenIdle.now(&mut pending));
        assert!(pending);
    }
}
