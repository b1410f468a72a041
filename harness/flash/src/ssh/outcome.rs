//! What a remote run means: ssh's own failures (exit status 255, recognised by their stderr),
//! a missing remote `hil` (exit status 127), the remote side's `failed` line, or its result.
//! Every error names the board, the login (`user@host:port`) and what failed.

use super::SshFlashConfig;
use super::command::TEMP_FILE_EXIT;
use super::session::RemoteEnd;
use crate::error::FlashError;
use crate::flasher::FlashReport;
use crate::remote::{RemoteFailure, RemoteLine};

/// The error for `kind` with `detail`.
pub(crate) fn failure(config: &SshFlashConfig, kind: RemoteFailure, detail: String) -> FlashError {
    FlashError::Remote {
        dut: config.dut.clone(),
        login: config.login.to_string(),
        failure: kind,
        detail,
    }
}

/// What ssh's stderr says went wrong when it exits with 255 (its own failure).
pub fn classify_ssh_failure(stderr: &str) -> RemoteFailure {
    let has = |needles: &[&str]| needles.iter().any(|n| stderr.contains(n));
    if has(&["Permission denied", "Too many authentication failures"]) {
        RemoteFailure::AuthRefused
    } else if has(&[
        "Host key verification failed",
        "REMOTE HOST IDENTIFICATION HAS CHANGED",
        "No matching host key",
    ]) {
        RemoteFailure::HostKey
    } else if has(&[
        "Connection refused",
        "timed out",
        "No route to host",
        "Could not resolve hostname",
        "Network is unreachable",
        "Connection closed by",
        "Connection reset",
        "kex_exchange_identification",
    ]) {
        RemoteFailure::Unreachable
    } else {
        RemoteFailure::SshFailed
    }
}

/// ssh's own failures and a missing remote program, before the protocol is looked at.
pub(crate) fn check_transport(config: &SshFlashConfig, end: &RemoteEnd) -> Result<(), FlashError> {
    if end.last.is_some() {
        return Ok(());
    }
    match end.status.code() {
        Some(255) => {
            let kind = classify_ssh_failure(&end.stderr);
            Err(failure(config, kind, stderr_detail(end)))
        }
        Some(127) => Err(failure(
            config,
            RemoteFailure::RemoteHilMissing,
            format!(
                "`{}` was not found on the exporter host (put `hil` on its PATH or set the \
                 place tag `hil-remote-hil` to its path): {}",
                config.remote_hil,
                stderr_detail(end)
            ),
        )),
        _ => Ok(()),
    }
}

/// The flash report, or why there is none.
pub(crate) fn expect_report(
    config: &SshFlashConfig,
    end: RemoteEnd,
) -> Result<FlashReport, FlashError> {
    match end.last {
        Some(RemoteLine::Done(report)) if end.status.success() => Ok(report),
        Some(RemoteLine::Failed(f)) => Err(failure(config, f.kind, f.message)),
        _ => Err(unexplained(config, &end)),
    }
}

/// `Ok` when the reset worked.
pub(crate) fn expect_reset(config: &SshFlashConfig, end: RemoteEnd) -> Result<(), FlashError> {
    match end.last {
        Some(RemoteLine::ResetDone) if end.status.success() => Ok(()),
        Some(RemoteLine::Failed(f)) => Err(failure(config, f.kind, f.message)),
        _ => Err(unexplained(config, &end)),
    }
}

/// The remote side ended without a result line.
fn unexplained(config: &SshFlashConfig, end: &RemoteEnd) -> FlashError {
    let status = match end.status.code() {
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_string(),
    };
    let what = match end.status.code() {
        Some(TEMP_FILE_EXIT) => "could not store the image on the exporter host",
        Some(0) => "ended without a result line",
        _ => "failed without saying why",
    };
    let detail = format!("{what} ({status}): {}", stderr_detail(end));
    failure(config, RemoteFailure::RemoteCommand, detail)
}

/// The end of stderr (where the reason is), plus stray stdout lines.
fn stderr_detail(end: &RemoteEnd) -> String {
    let mut text = end.stderr.trim().to_string();
    if !end.noise.is_empty() {
        text = format!("{text} [stdout: {}]", end.noise.join(" | "));
    }
    if text.is_empty() {
        return "no message".to_string();
    }
    match text.char_indices().rev().nth(STDERR_TAIL - 1) {
        Some((i, _)) if i > 0 => format!("…{}", &text[i..]),
        _ => text,
    }
}

/// At most this many characters of the end of stderr go into a message.
const STDERR_TAIL: usize = 600;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::RemoteFailed;
    use crate::ssh::SshLogin;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    fn config() -> SshFlashConfig {
        let login = SshLogin {
            user: "lab".into(),
            host: "rack-a".into(),
            port: 22,
        };
        let probe = hil_rack::ProbeSelector::parse("sim@127.0.0.1:9").unwrap();
        SshFlashConfig::new("rack-a-dut1", login, probe, "hil")
    }

    fn end(code: i32, last: Option<RemoteLine>, stderr: &str) -> RemoteEnd {
        RemoteEnd {
            status: ExitStatus::from_raw(code << 8),
            last,
            stderr: stderr.into(),
            noise: Vec::new(),
        }
    }

    #[test]
    fn ssh_failures_are_told_apart() {
        let cases = [
            (
                "lab@127.0.0.1: Permission denied (publickey).",
                RemoteFailure::AuthRefused,
            ),
            (
                "ssh: connect to host 127.0.0.1 port 1: Connection refused",
                RemoteFailure::Unreachable,
            ),
            (
                "ssh: connect to host 10.0.0.9 port 22: Connection timed out",
                RemoteFailure::Unreachable,
            ),
            (
                "ssh: Could not resolve hostname nowhere: Name or service not known",
                RemoteFailure::Unreachable,
            ),
            ("Host key verification failed.", RemoteFailure::HostKey),
            ("something else", RemoteFailure::SshFailed),
        ];
        for (stderr, want) in cases {
            assert_eq!(classify_ssh_failure(stderr), want, "{stderr}");
        }
    }

    #[test]
    fn errors_name_the_board_the_login_and_what_failed() {
        let e = check_transport(
            &config(),
            &end(255, None, "lab@rack-a: Permission denied (publickey).\n"),
        )
        .unwrap_err()
        .to_string();
        for want in [
            "rack-a-dut1",
            "lab@rack-a:22",
            "ssh login refused",
            "Permission denied",
        ] {
            assert!(e.contains(want), "{want} in {e}");
        }
        let e = check_transport(&config(), &end(127, None, "sh: 1: hil: not found"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("remote `hil` is missing") && e.contains("hil-remote-hil"),
            "{e}"
        );
    }

    #[test]
    fn the_remote_failed_line_is_carried_back() {
        let failed = RemoteLine::Failed(RemoteFailed {
            kind: RemoteFailure::ProbeNotFound,
            message: "no debug probe matches `1366:1015:x`".into(),
        });
        let e = expect_report(&config(), end(1, Some(failed), "")).unwrap_err();
        let FlashError::Remote { failure, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(*failure, RemoteFailure::ProbeNotFound);
        assert!(
            e.to_string()
                .contains("probe not found: no debug probe matches"),
            "{e}"
        );
    }

    #[test]
    fn a_long_stderr_keeps_its_end() {
        let long = format!("{}the reason", "é".repeat(1000));
        let detail = stderr_detail(&end(1, None, &long));
        assert!(
            detail.starts_with('…') && detail.ends_with("the reason"),
            "{detail}"
        );
        assert_eq!(detail.chars().count(), STDERR_TAIL + 1);
        assert_eq!(stderr_detail(&end(1, None, " short \n")), "short");
    }

    #[test]
    fn silence_is_an_error_not_a_success() {
        let e = expect_report(&config(), end(0, None, ""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ended without a result line"), "{e}");
        let e = expect_reset(&config(), end(3, None, "cannot create a temporary file"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("could not store the image") && e.contains("temporary file"),
            "{e}"
        );
    }
}
