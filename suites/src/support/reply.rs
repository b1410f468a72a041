//! [`Reply`]: what the modem answered a typed helper — its value on `OK`, or the final result
//! it gave instead — and the two checks a case makes on it.
//!
//! A missing answer or port trouble is never a reply: the context's methods return those as
//! [`Problem::Hang`] / [`Problem::Infra`] before a case sees anything.

use std::fmt;

use hil_at::{AtError, FinalResult};
use hil_model::CmeCode;
use hil_runner::Problem;

use super::CaseResult;
use super::problems::{at_problem, described, signature};

/// A modem's answer to one command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a reply is the modem's answer: check it (`expect_ok`, `expect_cme`) or record it"]
pub enum Reply<T> {
    /// Answered `OK`, with what the typed helper made of the answer.
    Ok(T),
    /// Answered with this other final result (`ERROR`, `+CME ERROR: n`, `+CMS ERROR: n`).
    Refused(FinalResult),
}

impl<T> Reply<T> {
    /// A typed helper's result as a reply: a rejection is [`Reply::Refused`]; every other
    /// console error is the problem [`at_problem`] makes of it.
    pub fn from_at(result: Result<T, AtError>) -> Result<Self, Problem> {
        match result {
            Ok(value) => Ok(Reply::Ok(value)),
            Err(err) => match err.final_result() {
                Some(result) => Ok(Reply::Refused(result)),
                None => Err(at_problem(err)),
            },
        }
    }

    /// The final result: `OK` or the one the command was refused with.
    pub fn result(&self) -> FinalResult {
        match self {
            Reply::Ok(_) => FinalResult::Ok,
            Reply::Refused(result) => *result,
        }
    }

    /// The reply with `f` applied to the value of an `OK` answer.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U> {
        match self {
            Reply::Ok(value) => Reply::Ok(f(value)),
            Reply::Refused(result) => Reply::Refused(result),
        }
    }

    /// Whether the modem answered `OK`.
    pub fn is_ok(&self) -> bool {
        matches!(self, Reply::Ok(_))
    }

    /// The value of an `OK` answer; any other final result is a deviation whose signature is
    /// that result (`+CME ERROR: 527`), with `what` (the step) in the detail.
    pub fn expect_ok(self, what: &str) -> Result<T, Problem> {
        match self {
            Reply::Ok(value) => Ok(value),
            Reply::Refused(result) => Err(Problem::deviation(
                signature(result),
                format!("{what}: expected OK, got {}", described(result)),
            )),
        }
    }

    /// The answer must be `+CME ERROR: <code>`; anything else, `OK` included, is a deviation
    /// whose signature is what was seen (`OK`, `+CME ERROR: 518`).
    pub fn expect_cme(self, code: CmeCode, what: &str) -> CaseResult {
        let seen = self.result();
        if seen == FinalResult::CmeError(code.0) {
            return Ok(());
        }
        Err(Problem::deviation(
            signature(seen),
            format!("{what}: expected {code}, got {}", described(seen)),
        ))
    }
}

/// The final result, as observations record it: `OK`, `+CME ERROR: 514`.
impl<T> fmt::Display for Reply<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.result())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature_of(result: Result<(), Problem>) -> String {
        match result {
            Err(Problem::Deviation { signature, .. }) => signature,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_rejection_is_a_reply_and_its_checks_name_what_was_seen() {
        let refused = Reply::<()>::from_at(Err(AtError::Rejected {
            command: "AT%CMNG=0,1,0,\"x\"".into(),
            result: FinalResult::CmeError(527),
            lines: vec![],
        }))
        .unwrap();
        assert_eq!(refused, Reply::Refused(FinalResult::CmeError(527)));
        assert_eq!(refused.to_string(), "+CME ERROR: 527");
        assert_eq!(
            signature_of(refused.clone().expect_ok("write")),
            "+CME ERROR: 527"
        );
        assert_eq!(
            refused.expect_cme(CmeCode::INVALID_CONTENT, "write"),
            Ok(())
        );
        let ok = Reply::Ok(());
        assert_eq!(
            signature_of(ok.clone().expect_cme(CmeCode(527), "write")),
            "OK"
        );
        assert_eq!(ok.expect_ok("write"), Ok(()));
    }

    #[test]
    fn the_detail_names_the_step_and_not_the_command() {
        let Err(Problem::Deviation { detail, .. }) =
            Reply::<()>::Refused(FinalResult::CmeError(527)).expect_ok("write of a CRLF CA")
        else {
            panic!("a deviation");
        };
        assert!(detail.starts_with("write of a CRLF CA: expected OK, got +CME ERROR: 527 ("));
    }
}
