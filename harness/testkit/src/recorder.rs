//! A reporter that records every run event, for tests that assert on the event sequence.

use std::sync::{Arc, Mutex};

use hil_runner::{Reporter, RunEvent};

/// Records every event it sees; clones share the record.
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<RunEvent>>>);

impl Recorder {
    /// The events so far, in order.
    pub fn events(&self) -> Vec<RunEvent> {
        self.0.lock().unwrap().clone()
    }

    /// This recorder as the reporter list a run takes.
    pub fn boxed(&self) -> Vec<Box<dyn Reporter>> {
        vec![Box::new(self.clone())]
    }
}

impl Reporter for Recorder {
    fn on_event(&mut self, event: &RunEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}
