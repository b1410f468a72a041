//! The machine-readable output of `hil flash --probe … --progress json`, which the SSH flasher
//! reads back on the other side: one JSON object per line on stdout.
//!
//! - `{"flash": <FlashEvent>}` while flashing (the events of [`FlashEvent`]);
//! - `{"done": <FlashReport>}` after a successful flash;
//! - `"reset_done"` after a successful reset;
//! - `{"failed": {"kind": …, "message": …}}` when it failed ([`RemoteFailure`] says what).
//!
//! Any other stdout line (a login banner from the remote shell) is not part of the protocol
//! and is kept only for error messages.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::FlashError;
use crate::flasher::FlashReport;
use crate::progress::FlashEvent;
use crate::sim_probe::SimProbeError;

/// One line of the protocol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteLine {
    /// A progress event.
    Flash(FlashEvent),
    /// The flash worked.
    Done(FlashReport),
    /// The reset worked.
    ResetDone,
    /// It failed.
    Failed(RemoteFailed),
}

/// What failed on the remote side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteFailed {
    /// The kind of failure.
    pub kind: RemoteFailure,
    /// The remote error message.
    pub message: String,
}

/// What went wrong when flashing over SSH: the connection, the remote program, or the probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RemoteFailure {
    /// There is no `ssh` program on this host.
    SshMissing,
    /// The exporter host cannot be reached (refused, timed out, unknown name).
    Unreachable,
    /// The SSH login was refused (no key the server accepts, wrong user).
    AuthRefused,
    /// The exporter host's SSH key is not trusted (unknown or changed).
    HostKey,
    /// ssh failed for another reason.
    SshFailed,
    /// The remote `hil` program was not found on the exporter host.
    RemoteHilMissing,
    /// The remote command failed without saying why in the protocol.
    RemoteCommand,
    /// The remote side wrote a line that is not the protocol.
    Protocol,
    /// The remote flash took longer than allowed and was stopped.
    TimedOut,
    /// No probe matches the selector on the exporter host.
    ProbeNotFound,
    /// The probe is there but cannot be used (permissions, several match, target silent,
    /// locked chip, wrong chip).
    ProbeUnusable,
    /// The image is not one the probe can flash.
    InvalidImage,
    /// Programming or verifying failed.
    FlashFailed,
    /// A kind this version does not know (a newer remote `hil`).
    #[serde(other)]
    Other,
}

impl RemoteFailure {
    /// The kind of a flash error, for the `failed` line.
    pub fn of(error: &FlashError) -> RemoteFailure {
        match error {
            FlashError::NoProbe { .. } => RemoteFailure::ProbeNotFound,
            FlashError::AmbiguousProbe { .. }
            | FlashError::ProbePermission { .. }
            | FlashError::TargetNotFound { .. }
            | FlashError::WrongChip { .. }
            | FlashError::UnknownChip { .. }
            | FlashError::Locked { .. } => RemoteFailure::ProbeUnusable,
            FlashError::InvalidImage(_) => RemoteFailure::InvalidImage,
            FlashError::Simulated { source, .. }
                if matches!(
                    source.downcast_ref::<SimProbeError>(),
                    Some(SimProbeError::Unreachable { .. })
                ) =>
            {
                RemoteFailure::ProbeNotFound
            }
            FlashError::Remote { failure, .. } => *failure,
            _ => RemoteFailure::FlashFailed,
        }
    }
}

impl fmt::Display for RemoteFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RemoteFailure::SshMissing => "no `ssh` program on this host (install openssh-client)",
            RemoteFailure::Unreachable => "the exporter host is unreachable",
            RemoteFailure::AuthRefused => "ssh login refused",
            RemoteFailure::HostKey => "the exporter host's ssh key is not trusted",
            RemoteFailure::SshFailed => "ssh failed",
            RemoteFailure::RemoteHilMissing => "the remote `hil` is missing",
            RemoteFailure::RemoteCommand => "the remote `hil flash` failed",
            RemoteFailure::Protocol => "the remote `hil flash` broke the progress protocol",
            RemoteFailure::TimedOut => "timed out",
            RemoteFailure::ProbeNotFound => "probe not found",
            RemoteFailure::ProbeUnusable => "probe unusable",
            RemoteFailure::InvalidImage => "invalid image",
            RemoteFailure::FlashFailed => "flash error",
            RemoteFailure::Other => "remote error",
        })
    }
}

/// What a stdout line of the remote side is.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsedLine {
    /// A protocol line.
    Line(RemoteLine),
    /// Not JSON: noise from the remote shell, kept for messages.
    Noise(String),
}

/// Reads one stdout line; a line that looks like JSON but is not the protocol is an error.
pub fn parse_line(line: &str) -> Result<ParsedLine, String> {
    let trimmed = line.trim();
    if !(trimmed.starts_with('{') || trimmed.starts_with('"')) {
        return Ok(ParsedLine::Noise(trimmed.to_string()));
    }
    serde_json::from_str(trimmed)
        .map(ParsedLine::Line)
        .map_err(|e| format!("`{}`: {e}", shorten(trimmed, 200)))
}

/// The protocol line for `line`, serialized (no newline).
pub fn render_line(line: &RemoteLine) -> String {
    // The types serialize infallibly (no maps with non-string keys, finite numbers only).
    serde_json::to_string(line).unwrap_or_else(|e| {
        format!(r#"{{"failed":{{"kind":"protocol","message":"cannot serialize: {e}"}}}}"#)
    })
}

/// At most `max` characters of `text`, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{FlashPhase, Throughput};
    use std::time::Duration;

    #[test]
    fn events_round_trip_through_lines() {
        let lines = [
            RemoteLine::Flash(FlashEvent::Started {
                phase: FlashPhase::Erase,
                total_bytes: Some(4096),
            }),
            RemoteLine::Flash(FlashEvent::Progress(Throughput::new(
                FlashPhase::Program,
                2048,
                Some(4096),
                Duration::from_millis(250),
            ))),
            RemoteLine::ResetDone,
            RemoteLine::Failed(RemoteFailed {
                kind: RemoteFailure::ProbeNotFound,
                message: "no debug probe matches `1366:1015:x`".into(),
            }),
        ];
        for line in lines {
            let text = render_line(&line);
            assert!(!text.contains('\n'), "{text}");
            assert_eq!(parse_line(&text), Ok(ParsedLine::Line(line)));
        }
    }

    #[test]
    fn wire_form_is_stable() {
        let text = r#"{"failed":{"kind":"probe_not_found","message":"m"}}"#;
        let Ok(ParsedLine::Line(RemoteLine::Failed(f))) = parse_line(text) else {
            panic!("{text}")
        };
        assert_eq!(
            (f.kind, f.message.as_str()),
            (RemoteFailure::ProbeNotFound, "m")
        );
        let started = r#"{"flash":{"event":"started","phase":"verify","total_bytes":null}}"#;
        assert_eq!(
            parse_line(started),
            Ok(ParsedLine::Line(RemoteLine::Flash(FlashEvent::Started {
                phase: FlashPhase::Verify,
                total_bytes: None
            })))
        );
    }

    #[test]
    fn unknown_kinds_and_noise_are_tolerated_but_broken_json_is_not() {
        let newer = r#"{"failed":{"kind":"quantum_probe","message":"m"}}"#;
        assert!(matches!(
            parse_line(newer),
            Ok(ParsedLine::Line(RemoteLine::Failed(RemoteFailed {
                kind: RemoteFailure::Other,
                ..
            })))
        ));
        assert_eq!(
            parse_line("Welcome to rack-a\n"),
            Ok(ParsedLine::Noise("Welcome to rack-a".into()))
        );
        let e = parse_line(r#"{"flash":{"event":"warp"}}"#).unwrap_err();
        assert!(e.contains("warp"), "{e}");
    }

    #[test]
    fn flash_errors_map_to_kinds() {
        let no_probe = FlashError::NoProbe {
            dut: "d".into(),
            selector: "1366:1015:x".into(),
            attached: Vec::new(),
        };
        assert_eq!(RemoteFailure::of(&no_probe), RemoteFailure::ProbeNotFound);
        let locked = FlashError::Locked {
            dut: "d".into(),
            chip: "c".into(),
        };
        assert_eq!(RemoteFailure::of(&locked), RemoteFailure::ProbeUnusable);
        let gone = FlashError::Simulated {
            dut: "d".into(),
            operation: "install the image",
            source: Box::new(SimProbeError::Unreachable {
                address: "127.0.0.1:1".into(),
                source: std::io::ErrorKind::ConnectionRefused.into(),
            }),
        };
        assert_eq!(RemoteFailure::of(&gone), RemoteFailure::ProbeNotFound);
        let refused = FlashError::Simulated {
            dut: "d".into(),
            operation: "reset",
            source: "unpowered".into(),
        };
        assert_eq!(RemoteFailure::of(&refused), RemoteFailure::FlashFailed);
    }
}
