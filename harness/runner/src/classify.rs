//! Outcome classification: what a case's result means against its expectation.
//!
//! | expectation \ result | `Ok`            | `Deviation(sig)`                          | `NotApplicable` | `Infra` | `Hang`                          |
//! |----------------------|-----------------|-------------------------------------------|-----------------|---------|---------------------------------|
//! | none                 | pass            | fail                                      | n/a             | error   | error                           |
//! | xfail `s`            | unexpected-pass | `sig == s`: expected-fail, else fail (both named) | n/a     | error   | `s == "hang"`: expected-fail, else error |
//! | skip                 | n/a (not run)   | n/a                                       | n/a             | n/a     | n/a                             |
//! | characterize         | characterized   | characterized (deviation recorded)        | n/a             | error   | error                           |
//!
//! Signatures are compared exactly after trimming surrounding whitespace. A hang is an
//! infrastructure error unless the data expects it with the signature [`HANG_SIGNATURE`]
//! (a known modem or host-adapter hang on some firmware, ref §7.3).

use crate::case::Problem;
use crate::expectations::Expectation;
use crate::outcome::Outcome;

/// The xfail signature that expects a [`Problem::Hang`].
pub const HANG_SIGNATURE: &str = "hang";

/// Classifies a case's result against the expectation that applies to the DUT's firmware.
pub fn classify(expectation: Option<&Expectation>, result: &Result<(), Problem>) -> Outcome {
    match (expectation, result) {
        (Some(Expectation::Skip { reason }), _) => Outcome::NotApplicable {
            reason: reason.clone(),
        },
        (_, Err(Problem::NotApplicable(reason))) => Outcome::NotApplicable {
            reason: reason.clone(),
        },
        (_, Err(Problem::Infra(message))) => Outcome::Error {
            message: format!("infrastructure: {message}"),
        },

        (None, Ok(())) => Outcome::Pass,
        (None, Err(Problem::Deviation { signature, detail })) => Outcome::Fail {
            seen: signature.clone(),
            detail: detail.clone(),
            expected: None,
        },
        (None, Err(Problem::Hang(message))) => hang_error(message),

        (Some(Expectation::XFail { signature, reason }), Ok(())) => Outcome::UnexpectedPass {
            signature: signature.clone(),
            reason: reason.clone(),
        },
        (
            Some(Expectation::XFail { signature, reason }),
            Err(Problem::Deviation {
                signature: seen,
                detail,
            }),
        ) => {
            if same_signature(signature, seen) {
                Outcome::ExpectedFail {
                    signature: signature.clone(),
                    reason: reason.clone(),
                    detail: detail.clone(),
                }
            } else {
                Outcome::Fail {
                    seen: seen.clone(),
                    detail: detail.clone(),
                    expected: Some((signature.clone(), reason.clone())),
                }
            }
        }
        (Some(Expectation::XFail { signature, reason }), Err(Problem::Hang(message))) => {
            if same_signature(signature, HANG_SIGNATURE) {
                Outcome::ExpectedFail {
                    signature: signature.clone(),
                    reason: reason.clone(),
                    detail: message.clone(),
                }
            } else {
                Outcome::Error {
                    message: format!("hang: {message} (expected {signature}: {reason})"),
                }
            }
        }

        (Some(Expectation::Characterize { fact }), Ok(())) => Outcome::Characterized {
            fact: fact.clone(),
            deviation: None,
        },
        (Some(Expectation::Characterize { fact }), Err(Problem::Deviation { signature, .. })) => {
            Outcome::Characterized {
                fact: fact.clone(),
                deviation: Some(signature.clone()),
            }
        }
        (Some(Expectation::Characterize { .. }), Err(Problem::Hang(message))) => {
            hang_error(message)
        }
    }
}

fn hang_error(message: &str) -> Outcome {
    Outcome::Error {
        message: format!("hang: {message}"),
    }
}

fn same_signature(expected: &str, seen: &str) -> bool {
    expected.trim() == seen.trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::OutcomeKind;
    use rstest::rstest;

    fn xfail(sig: &str) -> Expectation {
        Expectation::XFail {
            signature: sig.into(),
            reason: "known".into(),
        }
    }
    fn skip() -> Expectation {
        Expectation::Skip {
            reason: "not on this mfw".into(),
        }
    }
    fn characterize() -> Expectation {
        Expectation::Characterize {
            fact: "OPEN fact".into(),
        }
    }
    fn dev(sig: &str) -> Result<(), Problem> {
        Err(Problem::deviation(sig, "detail"))
    }
    fn na() -> Result<(), Problem> {
        Err(Problem::not_applicable("no supply"))
    }
    fn infra() -> Result<(), Problem> {
        Err(Problem::infra("port missing"))
    }
    fn hang() -> Result<(), Problem> {
        Err(Problem::hang("no final result"))
    }

    use OutcomeKind::*;

    /// Every (expectation, result) combination of the table in the module doc.
    #[rstest]
    // no expectation
    #[case(None, Ok(()), Pass)]
    #[case(None, dev("+CME ERROR: 527"), Fail)]
    #[case(None, na(), NotApplicable)]
    #[case(None, infra(), Error)]
    #[case(None, hang(), Error)]
    // xfail
    #[case(Some(xfail("+CME ERROR: 527")), Ok(()), UnexpectedPass)]
    #[case(Some(xfail("+CME ERROR: 527")), dev("+CME ERROR: 527"), ExpectedFail)]
    #[case(Some(xfail("+CME ERROR: 527")), dev(" +CME ERROR: 527 "), ExpectedFail)]
    #[case(Some(xfail("+CME ERROR: 527")), dev("+CME ERROR: 518"), Fail)]
    #[case(Some(xfail("+CME ERROR: 527")), na(), NotApplicable)]
    #[case(Some(xfail("+CME ERROR: 527")), infra(), Error)]
    #[case(Some(xfail("+CME ERROR: 527")), hang(), Error)]
    #[case(Some(xfail("hang")), hang(), ExpectedFail)]
    #[case(Some(xfail("hang")), dev("+CME ERROR: 518"), Fail)]
    // skip: never run, always not applicable
    #[case(Some(skip()), Ok(()), NotApplicable)]
    #[case(Some(skip()), dev("x"), NotApplicable)]
    #[case(Some(skip()), na(), NotApplicable)]
    #[case(Some(skip()), infra(), NotApplicable)]
    #[case(Some(skip()), hang(), NotApplicable)]
    // characterize
    #[case(Some(characterize()), Ok(()), Characterized)]
    #[case(Some(characterize()), dev("no 528"), Characterized)]
    #[case(Some(characterize()), na(), NotApplicable)]
    #[case(Some(characterize()), infra(), Error)]
    #[case(Some(characterize()), hang(), Error)]
    fn table(
        #[case] expectation: Option<Expectation>,
        #[case] result: Result<(), Problem>,
        #[case] kind: OutcomeKind,
    ) {
        let outcome = classify(expectation.as_ref(), &result);
        assert_eq!(
            outcome.kind(),
            kind,
            "{expectation:?} × {result:?} -> {outcome:?}"
        );
    }

    #[test]
    fn mismatched_xfail_names_both_signatures() {
        let o = classify(Some(&xfail("+CME ERROR: 527")), &dev("+CME ERROR: 518"));
        let m = o.message();
        assert!(
            m.contains("+CME ERROR: 527") && m.contains("+CME ERROR: 518"),
            "{m}"
        );
    }

    #[test]
    fn reasons_are_carried() {
        let o = classify(Some(&xfail("+CME ERROR: 527")), &dev("+CME ERROR: 527"));
        assert_eq!(
            o,
            Outcome::ExpectedFail {
                signature: "+CME ERROR: 527".into(),
                reason: "known".into(),
                detail: "detail".into(),
            }
        );
        let o = classify(None, &na());
        assert_eq!(
            o,
            Outcome::NotApplicable {
                reason: "no supply".into()
            }
        );
        let o = classify(Some(&characterize()), &dev("no 528"));
        assert_eq!(o.signature(), Some("no 528"));
        let o = classify(Some(&xfail("+CME ERROR: 527")), &Ok(()));
        assert!(o.message().contains("UNEXPECTED PASS"));
    }
}
