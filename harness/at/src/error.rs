//! Everything that can go wrong talking to a DUT's AT console. Command text and output carried
//! by an error are already redacted (errors end up in logs and reports).

use std::time::Duration;

use at_console::FinalResult;
use hil_model::CmeCode;

/// An AT console failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AtError {
    /// The port path does not exist (unplugged board, simulator not running, typo).
    #[error("serial port {path} does not exist")]
    PortMissing {
        /// The port path as given.
        path: String,
    },

    /// Another program holds the port (ports are opened exclusively).
    #[error("serial port {path} is busy (another program has it open): {detail}")]
    PortBusy {
        /// The port path as given.
        path: String,
        /// The operating system's error.
        detail: String,
    },

    /// The port exists but could not be opened or configured.
    #[error("cannot open serial port {path}: {detail}")]
    PortOpen {
        /// The port path as given.
        path: String,
        /// The operating system's error.
        detail: String,
    },

    /// Reading or writing the port failed.
    #[error("I/O error on {path} while {during}: {source}")]
    Io {
        /// The port.
        path: String,
        /// What was being done, e.g. `reading the response`.
        during: String,
        #[source]
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// No final result before the transaction's deadline. The DUT may still be busy; see
    /// [`crate::AtClient::resync`].
    #[error("{}", timeout_message(command, elapsed, partial, pending))]
    Timeout {
        /// The command as sent (redacted).
        command: String,
        /// How long was waited.
        elapsed: Duration,
        /// Complete lines received for the command before the deadline (redacted).
        partial: Vec<String>,
        /// Bytes of an unterminated last line (redacted, lossy UTF-8).
        pending: String,
    },

    /// The DUT answered with a final result other than `OK` where `OK` was required.
    #[error("`{command}` was rejected: {}", result_text(*result))]
    Rejected {
        /// The command as sent (redacted).
        command: String,
        /// The final result that came instead of `OK`.
        result: FinalResult,
        /// Information lines that came with the result (redacted).
        lines: Vec<String>,
    },

    /// The DUT printed its boot banner (`READY`) while a command was in flight and no final
    /// result came before the deadline: it reset and the command is lost.
    #[error("DUT rebooted during `{command}` (saw `READY`, no final result within {:.3} s); output: {partial:?}", elapsed.as_secs_f64())]
    Rebooted {
        /// The command as sent (redacted).
        command: String,
        /// How long the command was waited for.
        elapsed: Duration,
        /// Lines received for the command before the deadline (redacted).
        partial: Vec<String>,
    },

    /// The answer does not have the documented shape.
    #[error("malformed response to `{command}`: {why}: {line:?}")]
    Malformed {
        /// The command as sent (redacted).
        command: String,
        /// The offending line.
        line: String,
        /// What is wrong with it.
        why: String,
    },

    /// No matching unsolicited line arrived in time.
    #[error("no URC matching {wanted} within {elapsed:?}; other URCs seen meanwhile: {seen:?}")]
    UrcTimeout {
        /// Which URC was waited for.
        wanted: String,
        /// How long was waited.
        elapsed: Duration,
        /// Other URC lines that arrived meanwhile.
        seen: Vec<String>,
    },

    /// The request cannot be sent as a checked command (e.g. a `"` inside `%CMNG` content,
    /// an unterminated quote). Use the raw escape hatch for malformed input on purpose.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl AtError {
    /// The `+CME ERROR` code, if the DUT rejected the command with one.
    pub fn cme(&self) -> Option<CmeCode> {
        match self {
            AtError::Rejected {
                result: FinalResult::CmeError(n),
                ..
            } => Some(CmeCode(*n)),
            _ => None,
        }
    }

    /// The final result, if the DUT rejected the command.
    pub fn final_result(&self) -> Option<FinalResult> {
        match self {
            AtError::Rejected { result, .. } => Some(*result),
            _ => None,
        }
    }

    /// A short, stable name of what went wrong, as expectation data and problem signatures
    /// spell it: the final result for a rejection (`+CME ERROR: 527`, `ERROR`), else one label
    /// per kind (`rebooted`, `malformed response`, `no URC`, ...), so a reboot is not reported
    /// as a malformed response.
    pub fn signature(&self) -> String {
        match self {
            AtError::Rejected { result, .. } => result.to_string(),
            AtError::PortMissing { .. } => "port missing".into(),
            AtError::PortBusy { .. } => "port busy".into(),
            AtError::PortOpen { .. } => "port open failed".into(),
            AtError::Io { .. } => "port I/O error".into(),
            AtError::Timeout { .. } => "no final result".into(),
            AtError::Rebooted { .. } => "rebooted".into(),
            AtError::Malformed { .. } => "malformed response".into(),
            AtError::UrcTimeout { .. } => "no URC".into(),
            AtError::InvalidRequest(_) => "invalid request".into(),
        }
    }

    /// True for a deadline that passed without a final result.
    pub fn is_timeout(&self) -> bool {
        matches!(self, AtError::Timeout { .. })
    }

    /// True for failures of the harness's side (port, I/O), as opposed to DUT behaviour.
    pub fn is_infrastructure(&self) -> bool {
        matches!(
            self,
            AtError::PortMissing { .. }
                | AtError::PortBusy { .. }
                | AtError::PortOpen { .. }
                | AtError::Io { .. }
        )
    }
}

fn result_text(result: FinalResult) -> String {
    match result {
        FinalResult::CmeError(n) => CmeCode(n).to_string(),
        other => other.to_string(),
    }
}

fn timeout_message(command: &str, elapsed: &Duration, partial: &[String], pending: &str) -> String {
    let mut s = format!(
        "`{command}` got no final result within {:.3} s",
        elapsed.as_secs_f64()
    );
    if partial.is_empty() && pending.is_empty() {
        s.push_str("; no output at all");
    } else {
        s.push_str("; partial output: ");
        s.push_str(&format!("{partial:?}"));
        if !pending.is_empty() {
            s.push_str(&format!(" + unterminated {pending:?}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_signature_and_rejections_carry_their_result() {
        let errors = [
            AtError::PortMissing { path: "p".into() },
            AtError::PortBusy {
                path: "p".into(),
                detail: "d".into(),
            },
            AtError::PortOpen {
                path: "p".into(),
                detail: "d".into(),
            },
            AtError::Io {
                path: "p".into(),
                during: "reading".into(),
                source: std::io::Error::other("x"),
            },
            AtError::Timeout {
                command: "AT".into(),
                elapsed: Duration::ZERO,
                partial: Vec::new(),
                pending: String::new(),
            },
            AtError::Rebooted {
                command: "AT".into(),
                elapsed: Duration::ZERO,
                partial: Vec::new(),
            },
            AtError::Malformed {
                command: "AT".into(),
                line: "x".into(),
                why: "y".into(),
            },
            AtError::UrcTimeout {
                wanted: "%X".into(),
                elapsed: Duration::ZERO,
                seen: Vec::new(),
            },
            AtError::InvalidRequest("q".into()),
        ];
        let mut signatures: Vec<String> = errors.iter().map(AtError::signature).collect();
        assert_eq!(signatures[5], "rebooted");
        assert_eq!(signatures[6], "malformed response");
        signatures.sort();
        signatures.dedup();
        assert_eq!(signatures.len(), errors.len(), "{signatures:?}");
        let rejected = AtError::Rejected {
            command: "AT%CMNG".into(),
            result: FinalResult::CmeError(527),
            lines: Vec::new(),
        };
        assert_eq!(rejected.signature(), "+CME ERROR: 527");
    }
}
