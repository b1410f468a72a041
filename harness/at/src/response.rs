//! What a transaction returns ([`Response`]) and how each received line is classified while a
//! command is in flight ([`Classifier`]).
//!
//! Classification rules, in order, for a line received during a transaction:
//! 1. inside a quoted string opened by one of the command's own prefixed lines (multi-line
//!    `%CMNG` read content, PEM): part of the response, whatever it looks like (a PEM line
//!    could read `OK`);
//! 2. blank: ignored (`\r\nOK\r\n` framing of some hosts);
//! 3. the echo of the command (with `ATE1`; only consecutive lines from the first one that
//!    repeat the command's lines): dropped, noted in the transcript;
//! 4. a final result (`OK`, `ERROR`, `+CME ERROR: n`, `+CMS ERROR: n`, old SLM `+CME: n`,
//!    via [`at_console::final_result`]): ends the transaction;
//! 5. starting with the command's own prefix (`%CMNG:` for `AT%CMNG=1`, every `;`-chained
//!    command counts): part of the response;
//! 6. firmware boot lines: `READY` means the DUT (re)booted — mid-command, or just before the
//!    command arrived; the client keeps waiting and reports a reboot if no result comes;
//!    `#XFWVER:` (unless the command is `AT#XFWVER`) and `#XFWPANIC:` are unsolicited;
//! 7. a known URC prefix ([`crate::urc::DEFAULT_URC_PREFIXES`] plus configured ones): goes to
//!    the URC queue (the firmware never splits a reply, so a URC can only come *between*
//!    lines of different replies, never inside a quoted string);
//! 8. anything else (bare text such as `+CGMR`/`+CGSN` output, `#XFWERR: ...`): part of the
//!    response.

use std::time::Duration;

use at_console::FinalResult;
use hil_model::CmeCode;

use crate::error::AtError;
use crate::urc::{UrcKind, classify_unsolicited};

/// The answer to one command: information lines and the final result.
///
/// The fields hold the real bytes; `Debug` shows them redacted, so an assertion message or a
/// log line never prints key material.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// The command as sent, without terminator (not redacted: it is the caller's own data).
    pub command: String,
    /// Information lines in order, without line endings; echo and blank lines removed.
    pub lines: Vec<String>,
    /// The information lines exactly as received, endings included (for byte-exact content).
    pub raw: String,
    /// The final result code.
    pub result: FinalResult,
    /// Time from the first byte written to the final result read.
    pub latency: Duration,
    /// Some bytes were not valid UTF-8 and were decoded lossily.
    pub lossy: bool,
    /// The command as shown in the transcript and errors (redacted).
    pub(crate) shown: String,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("command", &self.shown)
            .field("lines", &crate::redact::redact_lines(&self.lines))
            .field("result", &self.result)
            .field("latency", &self.latency)
            .field("lossy", &self.lossy)
            .finish_non_exhaustive()
    }
}

impl Response {
    /// Whether the final result was `OK`.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }

    /// The `+CME ERROR` code, if that is the result.
    pub fn cme(&self) -> Option<CmeCode> {
        match self.result {
            FinalResult::CmeError(n) => Some(CmeCode(n)),
            _ => None,
        }
    }

    /// `Ok(self)` for `OK`, otherwise [`AtError::Rejected`].
    pub fn check(self) -> Result<Response, AtError> {
        if self.is_ok() {
            Ok(self)
        } else {
            Err(self.rejected())
        }
    }

    pub(crate) fn rejected(&self) -> AtError {
        AtError::Rejected {
            command: self.shown.clone(),
            result: self.result,
            lines: crate::redact::redact_lines(&self.lines),
        }
    }

    /// Information lines starting with `prefix` (e.g. `"%CMNG:"`).
    pub fn lines_with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.lines
            .iter()
            .map(String::as_str)
            .filter(move |l| l.starts_with(prefix))
    }

    /// The value of a single `<prefix> <value>` line, e.g. `+CFUN: 4` → `4`.
    pub fn value_of(&self, prefix: &str) -> Result<&str, AtError> {
        let line = self
            .lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .ok_or_else(|| {
                self.malformed(&self.lines.join("\\n"), &format!("no `{prefix}` line"))
            })?;
        Ok(line[prefix.len()..].trim())
    }

    /// The only information line (for commands answering bare text, like `+CGMR`).
    pub fn single_line(&self) -> Result<&str, AtError> {
        match self.lines.as_slice() {
            [one] => Ok(one.trim()),
            [] => Err(self.malformed("", "expected one line, got none")),
            more => Err(self.malformed(
                &more.join("\\n"),
                &format!("expected one line, got {}", more.len()),
            )),
        }
    }

    /// A [`AtError::Malformed`] about `line` of this response.
    pub fn malformed(&self, line: &str, why: &str) -> AtError {
        AtError::Malformed {
            command: self.shown.clone(),
            line: crate::redact::redact_text(line).into_owned(),
            why: why.to_string(),
        }
    }
}

/// The names of the commands in a command line: `AT%XSUDO=..;%CMNG=1` → `["%XSUDO", "%CMNG"]`.
/// Only `+`, `%` and `#` commands have prefixed responses; `ATE0` or bare `AT` give none.
pub fn command_names(command: &str) -> Vec<String> {
    let t = command.trim_start();
    let Some(rest) = t
        .get(..2)
        .filter(|p| p.eq_ignore_ascii_case("AT"))
        .map(|_| &t[2..])
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut in_quote = false;
    let mut at_segment_start = true;
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if at_segment_start && !in_quote && matches!(b, b'+' | b'%' | b'#') {
            let end = bytes[i + 1..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map_or(bytes.len(), |p| i + 1 + p);
            if end > i + 1 {
                names.push(rest[i..end].to_ascii_uppercase());
            }
            i = end;
            at_segment_start = false;
            continue;
        }
        at_segment_start = false;
        match b {
            b'"' => in_quote = !in_quote,
            b';' if !in_quote => at_segment_start = true,
            _ => {}
        }
        i += 1;
    }
    names
}

/// What a received line is, relative to the transaction in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineClass {
    /// An empty line.
    Blank,
    /// A final result line (`OK`, `ERROR`, `+CME ERROR: n`).
    Final(FinalResult),
    /// The echo of the command.
    Echo,
    /// An information line belonging to the command.
    Info,
    /// An unsolicited line, not part of the command's answer.
    Unsolicited(UrcKind),
    /// `READY`: the DUT booted.
    Reboot,
}

/// Classifies the lines of one transaction (see the module doc for the rules).
#[derive(Debug)]
pub struct Classifier<'a> {
    /// `"%CMNG:"`-style prefixes of the command's own responses.
    own: Vec<String>,
    urc_prefixes: &'a [String],
    in_quote: bool,
    /// The part of the command not yet seen echoed (`None` once echo is ruled out).
    echo_rest: Option<&'a str>,
    fwver_is_response: bool,
}

impl<'a> Classifier<'a> {
    /// A classifier for the answer to `command`, treating lines with `urc_prefixes` as URCs.
    pub fn new(command: &'a str, urc_prefixes: &'a [String]) -> Self {
        let names = command_names(command);
        let fwver_is_response = names.iter().any(|n| n == "#XFWVER");
        Classifier {
            own: names.into_iter().map(|n| n + ":").collect(),
            urc_prefixes,
            in_quote: false,
            echo_rest: (!command.is_empty()).then_some(command),
            fwver_is_response,
        }
    }

    /// Whether `line` is the next line of the command's echo; consumes it if so.
    fn take_echo(&mut self, line: &str) -> bool {
        let Some(rest) = self.echo_rest else {
            return false;
        };
        let (next, after) = match rest.split_once('\n') {
            Some((l, a)) => (l, Some(a)),
            None => (rest, None),
        };
        let next = next.trim_end_matches(['\r', '\n']);
        if next == line.trim_end_matches('\r') {
            self.echo_rest = after.filter(|a| !a.is_empty());
            true
        } else {
            self.echo_rest = None;
            false
        }
    }

    /// Says what `line`, the next line received, is.
    pub fn classify(&mut self, line: &str) -> LineClass {
        if self.in_quote {
            self.track_quotes(line);
            return LineClass::Info;
        }
        if line.trim().is_empty() {
            return LineClass::Blank;
        }
        // Echo first: an echoed PEM line may read `OK`.
        if self.take_echo(line) {
            return LineClass::Echo;
        }
        if let Some(result) = at_console::final_result(line.as_bytes()) {
            return LineClass::Final(result);
        }
        if self.own.iter().any(|p| line.starts_with(p.as_str())) {
            self.track_quotes(line);
            return LineClass::Info;
        }
        if line.trim_end() == "READY" {
            return LineClass::Reboot;
        }
        if self.fwver_is_response && line.starts_with("#XFWVER:") {
            return LineClass::Info;
        }
        if let Some(kind) =
            classify_unsolicited(line, self.urc_prefixes).filter(|k| *k != UrcKind::Stray)
        {
            return LineClass::Unsolicited(kind);
        }
        // Bare text does not open a quoted string: only the command's own prefixed lines do,
        // so a stray `"` (line noise, a late reply) cannot swallow the final result.
        LineClass::Info
    }

    fn track_quotes(&mut self, line: &str) {
        let quotes = line.bytes().filter(|&b| b == b'"').count();
        if quotes % 2 == 1 {
            self.in_quote = !self.in_quote;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urc::default_urc_prefixes;
    use rstest::rstest;

    #[rstest]
    #[case("AT%CMNG=1", &["%CMNG"])]
    #[case("at+cfun?", &["+CFUN"])]
    #[case("AT+CGMR", &["+CGMR"])]
    #[case("AT", &[])]
    #[case("ATE0", &[])]
    #[case("AT#XFWVER", &["#XFWVER"])]
    #[case("AT%XSUDO=35,\"sig;%X\";%CMNG=0,1,0,\"a;+B\"", &["%XSUDO", "%CMNG"])]
    #[case("AT%XPOFWARN=1,30", &["%XPOFWARN"])]
    #[case("hello", &[])]
    fn finds_command_names(#[case] cmd: &str, #[case] names: &[&str]) {
        assert_eq!(command_names(cmd), names);
    }

    fn run(cmd: &str, lines: &[&str]) -> Vec<LineClass> {
        let prefixes = default_urc_prefixes();
        let mut c = Classifier::new(cmd, &prefixes);
        lines.iter().map(|l| c.classify(l)).collect()
    }

    use LineClass::*;

    #[rstest]
    #[case::ok("AT", &["OK"], &[Final(FinalResult::Ok)])]
    #[case::cme("AT%CMNG=3,1,0", &["+CME ERROR: 528"], &[Final(FinalResult::CmeError(528))])]
    #[case::old_slm("AT%CMNG=3,1,0", &["+CME: 513"], &[Final(FinalResult::CmeError(513))])]
    #[case::cms("AT+CMGS", &["+CMS ERROR: 304"], &[Final(FinalResult::CmsError(304))])]
    #[case::blank_framing("AT", &["", "OK"], &[Blank, Final(FinalResult::Ok)])]
    #[case::bare_text("AT+CGMR", &["mfw_nrf9160_1.3.6", "OK"], &[Info, Final(FinalResult::Ok)])]
    #[case::urc_between(
        "AT%CMNG=1",
        &["%MDMEV: ME BATTERY LOW", "%CMNG: 1,0,\"AB\"", "+CGEV: ME BATTERY LOW", "OK"],
        &[Unsolicited(UrcKind::Event), Info, Unsolicited(UrcKind::Event), Final(FinalResult::Ok)]
    )]
    #[case::own_prefix_beats_urc("AT+CEREG?", &["+CEREG: 5,1", "OK"], &[Info, Final(FinalResult::Ok)])]
    #[case::pem_read_with_ok_inside(
        "AT%CMNG=2,1,0",
        &["%CMNG: 1,0,\"AB\",\"-----BEGIN CERTIFICATE-----", "OK", "+CEREG: 1", "-----END CERTIFICATE-----", "\"", "OK"],
        &[Info, Info, Info, Info, Info, Final(FinalResult::Ok)]
    )]
    #[case::echo("AT+CFUN?", &["AT+CFUN?", "+CFUN: 4", "OK"], &[Echo, Info, Final(FinalResult::Ok)])]
    #[case::multiline_echo(
        "AT%CMNG=0,1,0,\"a\nb\"",
        &["AT%CMNG=0,1,0,\"a", "b\"", "OK"],
        &[Echo, Echo, Final(FinalResult::Ok)]
    )]
    #[case::echoed_pem_line_reading_ok(
        "AT%CMNG=0,1,0,\"a\nOK\nb\"",
        &["AT%CMNG=0,1,0,\"a", "OK", "b\"", "OK"],
        &[Echo, Echo, Echo, Final(FinalResult::Ok)]
    )]
    #[case::reboot("AT+CFUN=1", &["READY"], &[Reboot])]
    #[case::banner_is_unsolicited("AT", &["#XFWVER: \"0.1.0+dev\"", "OK"], &[Unsolicited(UrcKind::Boot), Final(FinalResult::Ok)])]
    #[case::fwver_is_a_response("AT#XFWVER", &["#XFWVER: \"0.1.0+dev\"", "OK"], &[Info, Final(FinalResult::Ok)])]
    #[case::panic("AT", &["#XFWPANIC: oops", "OK"], &[Unsolicited(UrcKind::Panic), Final(FinalResult::Ok)])]
    #[case::fw_error("AT%CMNG=0,1", &["#XFWERR: line too long", "ERROR"], &[Info, Final(FinalResult::Error)])]
    #[case::stray_quote_in_bare_text_does_not_swallow_ok(
        "AT", &["noise \" here", "OK"], &[Info, Final(FinalResult::Ok)]
    )]
    #[case::unknown_prefix_is_response("AT%FOO", &["+BAR: 1", "OK"], &[Info, Final(FinalResult::Ok)])]
    fn classifies(#[case] cmd: &str, #[case] lines: &[&str], #[case] want: &[LineClass]) {
        assert_eq!(run(cmd, lines), want);
    }
}
