//! The IEEE 488.2 status model of a simulated SCPI supply: the error/event queue read by
//! `SYST:ERR?`, the Standard Event Status Register (`*ESR?`, enabled by `*ESE`) and the Status
//! Byte (`*STB?`, service requests enabled by `*SRE`).
//!
//! Queue semantics are SCPI-99's (Vol. 2 §21.8): first in, first out; when full, the newest
//! entry is replaced by `-350,"Queue overflow"` and later errors are lost until it is read;
//! empty, it answers `+0,"No error"`. The queue's depth is the model's (E3631A: 20, reference
//! §1.1) or, where no source gives it, an OPEN default a rack can override
//! ([`super::QueueDepth`]).

use std::collections::VecDeque;

/// ESR bit 0: operation complete (`*OPC`).
pub(crate) const ESR_OPC: u8 = 1 << 0;
/// ESR bit 2: query error (-400 … -499).
pub(crate) const ESR_QYE: u8 = 1 << 2;
/// ESR bit 3: device-specific error (-300 … -399 and positive codes).
pub(crate) const ESR_DDE: u8 = 1 << 3;
/// ESR bit 4: execution error (-200 … -299).
pub(crate) const ESR_EXE: u8 = 1 << 4;
/// ESR bit 5: command error (-100 … -199).
pub(crate) const ESR_CME: u8 = 1 << 5;

/// STB bit 2: the error/event queue is not empty (SCPI-99 Vol. 1 §9.1).
const STB_EAV: u8 = 1 << 2;
/// STB bit 5: an enabled ESR bit is set.
const STB_ESB: u8 = 1 << 5;
/// STB bit 6: master summary / request service.
const STB_MSS: u8 = 1 << 6;

/// The ESR bit an error number sets (IEEE 488.2 §11.5.1, SCPI-99 Vol. 2 §21.8.3).
pub(crate) fn esr_bit(code: i32) -> u8 {
    match code {
        -199..=-100 => ESR_CME,
        -299..=-200 => ESR_EXE,
        -499..=-400 => ESR_QYE,
        _ => ESR_DDE,
    }
}

/// Error queue plus the status registers.
#[derive(Debug)]
pub(crate) struct Status {
    depth: usize,
    errors: VecDeque<(i32, String)>,
    esr: u8,
    ese: u8,
    sre: u8,
}

impl Status {
    /// An empty status model whose queue holds `depth` entries (at least one).
    pub fn new(depth: usize) -> Self {
        Status {
            depth: depth.max(1),
            errors: VecDeque::new(),
            esr: 0,
            ese: 0,
            sre: 0,
        }
    }

    /// Queues an error and sets its ESR bit; a full queue gets `-350` as its newest entry.
    pub fn push_error(&mut self, code: i32, text: &str) {
        self.esr |= esr_bit(code);
        if self.errors.len() < self.depth {
            self.errors.push_back((code, text.into()));
        } else if self.errors.back().is_none_or(|(c, _)| *c != -350) {
            self.errors.pop_back();
            self.errors.push_back((-350, "Queue overflow".into()));
            self.esr |= ESR_DDE;
        }
    }

    /// The oldest error in SCPI form (`-113,"Undefined header"`), or `+0,"No error"`.
    pub fn pop_error(&mut self) -> String {
        match self.errors.pop_front() {
            Some((code, text)) => format!("{code:+},\"{text}\""),
            None => "+0,\"No error\"".into(),
        }
    }

    /// Number of queued errors.
    pub fn error_count(&self) -> usize {
        self.errors.len()
    }

    /// `*CLS`: empties the queue and the event register (the enable masks stay).
    pub fn clear(&mut self) {
        self.errors.clear();
        self.esr = 0;
    }

    /// Sets ESR bits (e.g. [`ESR_OPC`] for `*OPC`).
    pub fn set_event(&mut self, bits: u8) {
        self.esr |= bits;
    }

    /// `*ESR?`: reads and clears the event register.
    pub fn take_esr(&mut self) -> u8 {
        std::mem::take(&mut self.esr)
    }

    pub fn set_ese(&mut self, mask: u8) {
        self.ese = mask;
    }

    pub fn ese(&self) -> u8 {
        self.ese
    }

    /// `*SRE`: bit 6 cannot be enabled (IEEE 488.2 §11.3.2.3).
    pub fn set_sre(&mut self, mask: u8) {
        self.sre = mask & !STB_MSS;
    }

    pub fn sre(&self) -> u8 {
        self.sre
    }

    /// `*STB?`: the status byte with its summary bits (reading does not clear it).
    pub fn stb(&self) -> u8 {
        let mut stb = 0;
        if !self.errors.is_empty() {
            stb |= STB_EAV;
        }
        if self.esr & self.ese != 0 {
            stb |= STB_ESB;
        }
        if stb & self.sre != 0 {
            stb |= STB_MSS;
        }
        stb
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_replaces_the_newest_entry() {
        let mut s = Status::new(3);
        for code in [-113, -222, -109, -102, -104] {
            s.push_error(code, "x");
        }
        assert_eq!(s.error_count(), 3);
        assert_eq!(s.pop_error(), "-113,\"x\"");
        assert_eq!(s.pop_error(), "-222,\"x\"");
        assert_eq!(s.pop_error(), "-350,\"Queue overflow\"");
        assert_eq!(s.pop_error(), "+0,\"No error\"");
    }

    #[test]
    fn error_classes_set_their_esr_bits() {
        let mut s = Status::new(10);
        s.push_error(-113, "Undefined header");
        s.push_error(-222, "Data out of range");
        assert_eq!(s.take_esr(), ESR_CME | ESR_EXE);
        assert_eq!(s.take_esr(), 0, "reading clears");
        s.push_error(-410, "Query INTERRUPTED");
        s.push_error(-310, "System error");
        assert_eq!(s.take_esr(), ESR_QYE | ESR_DDE);
    }

    #[test]
    fn status_byte_summaries() {
        let mut s = Status::new(10);
        assert_eq!(s.stb(), 0);
        s.push_error(-113, "Undefined header");
        assert_eq!(s.stb(), STB_EAV);
        s.set_ese(ESR_CME);
        assert_eq!(s.stb(), STB_EAV | STB_ESB);
        s.set_sre(STB_ESB | STB_MSS);
        assert_eq!(s.sre(), STB_ESB, "bit 6 is not enableable");
        assert_eq!(s.stb(), STB_EAV | STB_ESB | STB_MSS);
        s.clear();
        assert_eq!(s.stb(), 0);
        assert_eq!(s.ese(), ESR_CME, "*CLS keeps the enable masks");
    }
}
