//! The AT console under what broke provisioning in the field (firmware.md §4, ref §7): a
//! multi-line PEM in one command, a command over the 4096-byte limit (rejected whole, never
//! forwarded truncated), and a command that lost its closing quote — detected as a hang and
//! the console recovered, never a stuck run (field report 2).

use std::sync::Arc;
use std::time::Duration;

use hil_lab::Board;
use hil_model::CredentialType;
use hil_runner::{Case, Problem};

use crate::fixtures::{CERT_2K, CERT_OVERSIZE, ROOT_CA};
use crate::support::{CaseResult, Ctx, at_problem, boxed, case, deviation, signature};

/// How long a command may stay unanswered before the harness calls it a hang. Well below the
/// firmware's 10 s idle timeout, so the open line is still open when the harness acts.
const HANG_DEADLINE: Duration = Duration::from_millis(1500);

/// The suite's cases.
pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    boxed(vec![
        case(
            "console",
            "multiline_pem_verbatim",
            "a 2 KB multi-line PEM written in one command reads back byte for byte",
            multiline_pem,
        ),
        case(
            "console",
            "line_over_4096_rejected",
            "a command over 4096 bytes is rejected whole (#XFWERR: line too long), nothing stored",
            line_over_4096,
        ),
        case(
            "console",
            "lost_closing_quote_recovered",
            "a write that lost its closing quote gets no answer (hang detected); ESC recovers the console",
            lost_closing_quote,
        ),
    ])
}

fn multiline_pem(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(0, CredentialType::CLIENT_CERT);
    ctx.cmng_write(tag, CredentialType::CLIENT_CERT, CERT_2K)?
        .expect_ok("write")?;
    let item = ctx
        .cmng_read(tag, CredentialType::CLIENT_CERT)?
        .expect_ok("read")?;
    if item.content != CERT_2K {
        return Err(deviation(
            "read differs",
            format!(
                "wrote {} bytes in {} lines, read back {} bytes",
                CERT_2K.len(),
                CERT_2K.lines().count(),
                item.content.len()
            ),
        ));
    }
    Ok(())
}

fn line_over_4096(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(1, CredentialType::ROOT_CA);
    let line = format!("AT%CMNG=0,{tag},0,\"{CERT_OVERSIZE}\"\r");
    ctx.property("line_bytes", (line.len() - 1).to_string());
    // Twice the wire time at the console's baud rate, plus the hang deadline.
    let baud = ctx.console_baud();
    let wire = Duration::from_secs_f64(line.len() as f64 * 10.0 / f64::from(baud));
    let at = ctx.at()?;
    match at.send_raw(line.as_bytes(), wire * 2 + HANG_DEADLINE) {
        Ok(response) => {
            let reported = response.lines.iter().any(|l| l.contains("line too long"));
            if response.result.is_ok() || !reported {
                return Err(deviation(
                    signature(response.result),
                    format!(
                        "a {}-byte line was answered {} {:?}; reference: rejected whole with \
                         `#XFWERR: line too long` + ERROR (firmware.md §4 rule 3)",
                        line.len() - 1,
                        response.result,
                        response.lines
                    ),
                ));
            }
        }
        Err(e) if e.is_timeout() => {
            return Err(Problem::hang(format!(
                "the over-long line was never answered (ref §7.2: old at_host kept the quote \
                 open after an overflow): {e}"
            )));
        }
        Err(e) => return Err(at_problem(e)),
    }
    ctx.command("AT")?
        .expect_ok("AT after the over-long line")?;
    ctx.check_absent(tag, CredentialType::ROOT_CA, "the line was over 4096 bytes")
}

fn lost_closing_quote(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(2, CredentialType::ROOT_CA);
    // The PEM and its newline, then CR — but no closing quote: the CR is data (ref §7.1).
    let open = format!("AT%CMNG=0,{tag},0,\"{ROOT_CA}\r");
    let at = ctx.at()?;
    match at.send_raw(open.as_bytes(), HANG_DEADLINE) {
        Ok(response) => {
            return Err(deviation(
                signature(response.result),
                "a command with an open quote was answered; reference: the line stays open",
            ));
        }
        Err(e) if e.is_timeout() => {
            ctx.observe(
                "unterminated quote",
                format!(
                    "no answer within {} ms (hang detected)",
                    HANG_DEADLINE.as_millis()
                ),
            );
        }
        Err(e) => return Err(at_problem(e)),
    }
    let at = ctx.at()?;
    at.abandon_line().map_err(at_problem)?;
    match at.command_timeout("AT", Duration::from_secs(2)) {
        Ok(_) => {}
        Err(e) if e.is_timeout() => {
            return Err(Problem::hang(format!(
                "ESC did not recover the console (`AT` unanswered): the host still waits for the \
                 closing quote (ref §7.2 PR #1657, §7.3): {e}"
            )));
        }
        Err(e) => return Err(at_problem(e)),
    }
    ctx.check_absent(tag, CredentialType::ROOT_CA, "the write never completed")
}
