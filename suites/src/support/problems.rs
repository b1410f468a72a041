//! Console errors as [`Problem`]s, and the fixed signatures the shared checks produce.
//!
//! A deviation's signature is what expectation data matches (`xfail: signature:`), so each
//! one a shared check can produce is a constant of [`signatures`] — the list in
//! `docs/writing-cases.md` is checked against it.

use hil_at::{AtError, FinalResult, Response};
use hil_runner::Problem;

/// Every fixed signature a shared check produces. Checks that report a final result use the
/// result itself as the signature ([`signature`]): `OK`, `ERROR`, `+CME ERROR: 527`.
pub mod signatures {
    /// The modem's answer did not have the documented shape ([`super::at_problem`]).
    pub const MALFORMED: &str = "malformed response";
    /// The DUT printed its boot banner while a command was in flight ([`super::at_problem`]).
    pub const REBOOTED: &str = "rebooted during a command";
    /// An awaited URC did not come ([`super::at_problem`] of a URC wait).
    pub const NO_URC: &str = "no URC";
    /// `check_listed_digest`: the list does not show the item after an `OK` write.
    pub const NOT_STORED: &str = "not stored";
    /// `check_listed_digest`: the listed digest is one byte repeated (MFW 0.7.0 alpha, ref §1.4 [F2]).
    pub const PLACEHOLDER_DIGEST: &str = "placeholder digest";
    /// `check_listed_digest`: the listed digest is not the SHA-256 of the bytes written.
    pub const DIGEST_MISMATCH: &str = "digest mismatch";
    /// `check_absent`: the list shows an item that must not be stored.
    pub const STORED_ANYWAY: &str = "stored anyway";
    /// `%KEYGEN` answered `OK` without a well-formed `%KEYGEN:` line.
    pub const MALFORMED_KEYGEN: &str = "malformed %KEYGEN";

    /// All of the above, for the guide's check.
    pub const ALL: [&str; 8] = [
        MALFORMED,
        REBOOTED,
        NO_URC,
        NOT_STORED,
        PLACEHOLDER_DIGEST,
        DIGEST_MISMATCH,
        STORED_ANYWAY,
        MALFORMED_KEYGEN,
    ];
}

/// The short signature of a final result, as expectation data spells it:
/// `OK`, `ERROR`, `+CME ERROR: 527`, `+CMS ERROR: 300`.
pub fn signature(result: FinalResult) -> String {
    result.to_string()
}

/// A final result for a detail message: a `+CME ERROR` with its meaning.
pub(crate) fn described(result: FinalResult) -> String {
    match result {
        FinalResult::CmeError(n) => hil_model::CmeCode(n).to_string(),
        other => other.to_string(),
    }
}

/// A console error as a problem: no answer is a hang (the runner recovers the board), port
/// trouble and a request the harness could not send are infrastructure; a rejected command is
/// a deviation whose signature is its final result; a malformed answer, a reboot mid-command
/// and a missing URC are deviations with their own signatures ([`signatures`]).
pub fn at_problem(err: AtError) -> Problem {
    if err.is_timeout() {
        return Problem::hang(err.to_string());
    }
    if err.is_infrastructure() {
        return Problem::infra(err.to_string());
    }
    if let Some(result) = err.final_result() {
        return Problem::deviation(signature(result), err.to_string());
    }
    let seen = match &err {
        AtError::InvalidRequest(_) => {
            return Problem::infra(format!("the case built a request it cannot send: {err}"));
        }
        AtError::Rebooted { .. } => signatures::REBOOTED,
        AtError::UrcTimeout { .. } => signatures::NO_URC,
        _ => signatures::MALFORMED,
    };
    Problem::deviation(seen, err.to_string())
}

/// The response of a raw command that must answer `OK`; any other final result is a deviation
/// whose signature is that result, with `what` (the step) in the detail. Prefer the typed
/// methods of [`super::Ctx`], which return a [`super::Reply`].
pub fn ok(result: Result<Response, AtError>, what: &str) -> Result<Response, Problem> {
    let response = result.map_err(at_problem)?;
    if response.is_ok() {
        Ok(response)
    } else {
        Err(Problem::deviation(
            signature(response.result),
            format!("{what}: expected OK, got {}", described(response.result)),
        ))
    }
}

/// A deviation built from what was seen (the signature) and what the reference says.
pub fn deviation(seen: impl Into<String>, detail: impl Into<String>) -> Problem {
    Problem::deviation(seen, detail)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn sig(problem: Problem) -> String {
        match problem {
            Problem::Deviation { signature, .. } => signature,
            other => format!("not a deviation: {other}"),
        }
    }

    #[test]
    fn console_errors_map_to_their_problem_kinds() {
        let rejected = AtError::Rejected {
            command: "AT%CMNG=3,1,0".into(),
            result: FinalResult::CmeError(513),
            lines: vec![],
        };
        assert_eq!(sig(at_problem(rejected)), "+CME ERROR: 513");
        let timeout = AtError::Timeout {
            command: "AT".into(),
            elapsed: Duration::from_secs(1),
            partial: vec![],
            pending: String::new(),
        };
        assert!(matches!(at_problem(timeout), Problem::Hang(_)));
        let reboot = AtError::Rebooted {
            command: "AT".into(),
            elapsed: Duration::from_secs(1),
            partial: vec![],
        };
        assert_eq!(sig(at_problem(reboot)), signatures::REBOOTED);
        let malformed = AtError::Malformed {
            command: "AT+CFUN?".into(),
            line: "+CFUN: x".into(),
            why: "not a number".into(),
        };
        assert_eq!(sig(at_problem(malformed)), signatures::MALFORMED);
        let invalid = AtError::InvalidRequest("a quote".into());
        assert!(matches!(at_problem(invalid), Problem::Infra(_)));
    }
}
