//! Minimum time between two writes to an instrument (per model: Korad 80 ms, Siglent ~20 ms,
//! Rigol ~10 ms), so that no command arrives while the instrument is still busy with the last.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub(crate) struct Pacer {
    gap: Duration,
    last: Option<Instant>,
}

impl Pacer {
    pub fn new(gap: Duration) -> Self {
        Pacer { gap, last: None }
    }

    /// Blocks until the gap since the previous write has passed.
    pub fn wait(&self) {
        if let Some(last) = self.last {
            let ready = last + self.gap;
            let now = Instant::now();
            if ready > now {
                std::thread::sleep(ready - now);
            }
        }
    }

    /// Records that a write just completed.
    pub fn mark(&mut self) {
        self.last = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_out_the_gap() {
        let mut p = Pacer::new(Duration::from_millis(30));
        p.wait();
        p.mark();
        let t = Instant::now();
        p.wait();
        assert!(t.elapsed() >= Duration::from_millis(25));
    }
}
