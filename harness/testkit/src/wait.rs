//! Polling with a deadline, for state another thread changes (a simulated board noticing its
//! rail, an instrument applying a command a moment after the driver returns). Never waits
//! forever; the deadline is a ceiling, not a measurement, so keep it generous.

use std::time::{Duration, Instant};

/// Polls `cond` every 2 ms until it holds (`true`) or `limit` passes (`false`, after one last
/// look).
pub fn poll_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    cond()
}

/// [`poll_until`], failing the test with "timed out waiting for `what`" past `limit`.
pub fn wait_for(what: &str, limit: Duration, cond: impl FnMut() -> bool) {
    assert!(poll_until(limit, cond), "timed out waiting for {what}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_condition_that_turns_true_is_seen_and_one_that_never_does_is_not() {
        let mut n = 0;
        assert!(poll_until(Duration::from_secs(10), || {
            n += 1;
            n >= 3
        }));
        assert!(!poll_until(Duration::from_millis(10), || false));
    }

    #[test]
    #[should_panic(expected = "timed out waiting for the rail")]
    fn wait_for_names_what_it_waited_for() {
        wait_for("the rail", Duration::from_millis(5), || false);
    }
}
