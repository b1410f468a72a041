//! [`Interrupt`]: how a command's stop request (Ctrl-C, SIGTERM) reaches a wait for boards, so
//! a command waiting with `--wait-for-boards` stops waiting at once, gives back what it holds,
//! and says so, instead of sitting out its wait or dying holding a reservation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A stop request a wait polls; the default is never requested.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Option<Arc<AtomicBool>>);

impl Interrupt {
    /// Requested when `flag` is set (the command's signal flag).
    pub fn on(flag: Arc<AtomicBool>) -> Interrupt {
        Interrupt(Some(flag))
    }

    /// Whether a stop was requested.
    pub fn requested(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f.load(Ordering::SeqCst))
    }

    /// Sleeps up to `total`, in short steps, returning early (true) once a stop is requested.
    pub fn sleep(&self, total: std::time::Duration) -> bool {
        const STEP: std::time::Duration = std::time::Duration::from_millis(50);
        let until = std::time::Instant::now() + total;
        loop {
            if self.requested() {
                return true;
            }
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            std::thread::sleep(left.min(STEP));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn the_default_is_never_requested_and_sleeps_its_time() {
        let i = Interrupt::default();
        assert!(!i.requested());
        assert!(!i.sleep(Duration::from_millis(20)));
    }

    #[test]
    fn a_set_flag_cuts_the_sleep_short() {
        let flag = Arc::new(AtomicBool::new(false));
        let i = Interrupt::on(flag.clone());
        assert!(!i.requested());
        flag.store(true, Ordering::SeqCst);
        let t = Instant::now();
        assert!(i.sleep(Duration::from_secs(600)));
        assert!(t.elapsed() < Duration::from_secs(600));
    }
}
