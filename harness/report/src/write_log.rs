//! Logging a report's write failures once: when a report starts failing to be written and
//! when it is written again, not at every rewrite (a full disk would otherwise log one line
//! per result, hundreds per run). What stays incomplete is said by the run's summary
//! ([`hil_runner::Reporter::incomplete`]).

use std::io;
use std::path::Path;

/// Whether a report's writes are failing, and how many failed since they started to.
#[derive(Debug, Default)]
pub(crate) struct FailureLog {
    failed: usize,
}

impl FailureLog {
    /// A write of `report` (e.g. `JUnit`) to `path` failed: logged when it is the first since
    /// the last success.
    pub(crate) fn failed(&mut self, report: &str, path: &Path, error: &io::Error) {
        if self.failed == 0 {
            tracing::error!(
                path = %path.display(),
                "cannot write {report}: {error} (said once; the run's summary says what stays incomplete)"
            );
        }
        self.failed += 1;
    }

    /// A write of `report` succeeded: logged when writes had been failing.
    pub(crate) fn succeeded(&mut self, report: &str, path: &Path) {
        if self.failed > 0 {
            tracing::warn!(
                path = %path.display(),
                "{report} written again after {} failed write{}",
                self.failed,
                if self.failed == 1 { "" } else { "s" }
            );
        }
        self.failed = 0;
    }

    /// Whether the last write failed.
    #[cfg(test)]
    pub(crate) fn failing(&self) -> bool {
        self.failed > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_failures_is_one_episode() {
        let mut log = FailureLog::default();
        let e = io::Error::other("No space left on device");
        for _ in 0..3 {
            log.failed("JUnit", Path::new("junit.xml"), &e);
        }
        assert!(log.failing());
        assert_eq!(log.failed, 3);
        log.succeeded("JUnit", Path::new("junit.xml"));
        assert!(!log.failing());
        log.succeeded("JUnit", Path::new("junit.xml"));
        assert_eq!(log.failed, 0);
    }
}
