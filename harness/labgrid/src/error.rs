//! Why talking to the coordinator failed, as types: the coordinator is not reachable, a call
//! was refused (with the gRPC status the coordinator gave), the session stream ended, a wait
//! ran out of time.

use std::time::Duration;

/// A coordinator call or session that failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LabgridError {
    /// `HOST:PORT` is not a coordinator address.
    #[error("`{given}` is not a coordinator address (HOST[:PORT], e.g. 127.0.0.1:20408): {why}")]
    BadAddress {
        /// The address as given.
        given: String,
        /// What is wrong with it.
        why: String,
    },
    /// Nothing answered at the address (not running, wrong port, firewall).
    #[error("labgrid coordinator {address} is not reachable: {detail}")]
    Unreachable {
        /// The coordinator's address.
        address: String,
        /// What the transport said.
        detail: String,
    },
    /// The coordinator refused a call.
    #[error("labgrid coordinator {address}: {call} failed ({code}): {message}")]
    Refused {
        /// The coordinator's address.
        address: String,
        /// The call, e.g. `AcquirePlace(dut-a)`.
        call: String,
        /// The gRPC status code, e.g. `FailedPrecondition`.
        code: String,
        /// The coordinator's message.
        message: String,
    },
    /// The session stream ended (coordinator stopped or connection lost).
    #[error("labgrid coordinator {address}: the session ended: {detail}")]
    SessionLost {
        /// The coordinator's address.
        address: String,
        /// Why.
        detail: String,
    },
    /// A call or a wait took longer than allowed.
    #[error("labgrid coordinator {address}: {what} did not finish within {} s", .after.as_secs_f64())]
    Timeout {
        /// The coordinator's address.
        address: String,
        /// What was waited for.
        what: String,
        /// How long.
        after: Duration,
    },
}

impl LabgridError {
    /// Whether the coordinator said `FAILED_PRECONDITION` (e.g. a place already acquired).
    pub fn is_precondition(&self) -> bool {
        matches!(self, LabgridError::Refused { code, .. } if code == "FailedPrecondition")
    }
}
