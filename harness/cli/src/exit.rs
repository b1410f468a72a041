//! Exit statuses and how errors become them.
//!
//! A subcommand returns `anyhow::Result<Status>`. Errors are failures (exit 1) unless they
//! carry a [`ConfigError`] somewhere in their chain (exit 2): bad arguments, bad files, a
//! port or address that does not exist. The message is printed on one line with its causes.

use std::fmt;
use std::process::ExitCode;

use hil_at::redact::redact_text;

/// The exit status of a subcommand that ran to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything passed / worked.
    Success,
    /// Something failed (unexpected test results, a failed check, a timed-out command).
    Failure,
}

impl Status {
    pub fn from_ok(ok: bool) -> Self {
        if ok { Status::Success } else { Status::Failure }
    }
}

/// Exit status of usage and configuration errors.
pub const CONFIG_EXIT: u8 = 2;
/// Exit status of failures.
pub const FAILURE_EXIT: u8 = 1;

/// Marks an error as the user's input being wrong (exit 2).
#[derive(Debug)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// A configuration error with this message (an `anyhow::Error` keeps its causes: `{:#}`).
pub fn config_error(message: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(ConfigError(format!("{message:#}")))
}

/// Turns any error into a configuration error, keeping its whole message.
pub trait OrConfig<T> {
    fn or_config(self) -> anyhow::Result<T>;
    /// With `what` in front: `what: <error>`.
    fn or_config_with(self, what: impl FnOnce() -> String) -> anyhow::Result<T>;
}

impl<T, E: fmt::Display> OrConfig<T> for Result<T, E> {
    fn or_config(self) -> anyhow::Result<T> {
        self.map_err(config_error)
    }

    fn or_config_with(self, what: impl FnOnce() -> String) -> anyhow::Result<T> {
        self.map_err(|e| config_error(format!("{}: {e:#}", what())))
    }
}

/// The exit status of `outcome`, after printing its error if any.
pub fn finish(outcome: anyhow::Result<Status>) -> ExitCode {
    match outcome {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(Status::Failure) => ExitCode::from(FAILURE_EXIT),
        Err(e) => {
            // Errors may quote what was typed (e.g. an AT command): never print key material.
            eprintln!("error: {}", redact_text(&one_line(&e)));
            let config = e.chain().any(|c| c.is::<ConfigError>());
            ExitCode::from(if config { CONFIG_EXIT } else { FAILURE_EXIT })
        }
    }
}

/// The error and its causes on one line (`a: b: c`), without repeating a cause whose text is
/// already part of the message above it.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        let text = text.trim();
        if text.is_empty() || out.contains(text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(text);
    }
    out.replace(['\n', '\r'], " ")
}

/// A panic prints one line naming where it happened (no backtrace) and exits 101.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current()
            .name()
            .map(|n| format!(" in thread `{n}`"))
            .unwrap_or_default();
        eprintln!(
            "error: internal error{thread}{place}: {}",
            message.replace('\n', " ")
        );
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_are_found_under_context() {
        let e = config_error("rack.yaml:3:5: bad").context("bringing up the lab");
        assert!(e.chain().any(|c| c.is::<ConfigError>()));
        assert_eq!(one_line(&e), "bringing up the lab: rack.yaml:3:5: bad");
    }

    #[test]
    fn config_errors_keep_the_causes_of_an_anyhow_error() {
        let inner: anyhow::Result<()> =
            Err(anyhow::anyhow!("permission denied").context("creating dir x"));
        let e = inner.or_config().unwrap_err();
        assert_eq!(one_line(&e), "creating dir x: permission denied");
    }

    #[test]
    fn one_line_drops_repeated_causes_and_newlines() {
        let e = anyhow::anyhow!("inner\nline").context("outer: inner\nline");
        assert_eq!(one_line(&e), "outer: inner line");
    }
}
