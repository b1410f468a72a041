//! Several deviations in one case: the first one is the case's result (what expectation data
//! matches), the others are kept as notes — so a case that checks several things reports all
//! it saw (e.g. a 1.3.1 board's silent drop even after another difference).

use hil_runner::Problem;

use super::{CaseResult, Ctx};

/// Deviations seen by a case, first one first.
#[derive(Debug, Default)]
pub struct Findings {
    first: Option<Problem>,
    more: Vec<String>,
}

impl Findings {
    /// Records a deviation: `signature` is what expectation data matches, `detail` is for humans.
    pub fn deviate(&mut self, signature: impl Into<String>, detail: impl Into<String>) {
        let (signature, detail) = (signature.into(), detail.into());
        if self.first.is_none() {
            self.first = Some(Problem::deviation(signature, detail));
        } else {
            self.more.push(format!("{signature}: {detail}"));
        }
    }

    /// The first deviation as the result; every deviation also goes into the notes, so its
    /// detail shows in reports when the outcome is an expected failure.
    pub fn finish(self, ctx: &mut Ctx) -> CaseResult {
        if let Some(Problem::Deviation { signature, detail }) = &self.first {
            ctx.note(format!("deviation {signature}: {detail}"));
        }
        for more in self.more {
            ctx.note(format!("also seen: {more}"));
        }
        self.first.map_or(Ok(()), Err)
    }
}
