//! A `Write` whose bytes the test reads afterwards (for reporters that print to a terminal).

use std::io::Write;
use std::sync::{Arc, Mutex};

/// An in-memory output; clones share the bytes.
#[derive(Clone, Default)]
pub struct SharedBuf(pub Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    /// Everything written so far, as text.
    ///
    /// # Panics
    /// If the bytes are not UTF-8 (the reporter wrote something a terminal would garble).
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
