//! Usage errors in two lines: what is wrong (with clap's tips and possible values folded into
//! it) and the usage of the command, never the full help. `--help` and `--version` print as
//! clap renders them. The text goes through the transcripts' redaction: a mistyped command
//! line may hold a key.

use std::process::ExitCode;

use clap::error::ErrorKind;
use hil_at::redact::redact_text;

use crate::exit::CONFIG_EXIT;

/// Prints `e` (help and version in full, errors short) and returns the exit status: 0 for help
/// and version, 2 for usage errors.
pub fn exit(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => e.exit(),
        _ => {
            eprintln!("{}", redact_text(&short(&e.render().to_string())));
            ExitCode::from(CONFIG_EXIT)
        }
    }
}

/// The two lines of a rendered clap error (or of the help clap prints for a missing command).
pub fn short(rendered: &str) -> String {
    let usage = rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .map(|u| format!("usage: {} (more: --help)", u.trim()))
        .unwrap_or_else(|| "more: --help".to_string());
    let message = if rendered.trim_start().starts_with("error:") {
        error_line(rendered)
    } else {
        missing_command(rendered)
    };
    format!("{message}\n{usage}")
}

/// The error's lines before the usage, on one line (a list after `:` joined by `, `).
fn error_line(rendered: &str) -> String {
    let lines: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    match lines.iter().position(|l| l.ends_with(':')) {
        Some(i) => format!("{} {}", lines[..=i].join("; "), lines[i + 1..].join(", "))
            .trim_end()
            .to_string(),
        None => lines.join("; "),
    }
}

/// For the help clap shows when a command is missing: which commands there are.
fn missing_command(help: &str) -> String {
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    format!("error: a command is required: {}", commands.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_folds_into_one_line_and_the_usage() {
        let rendered = "error: unexpected argument '--nope' found\n\n  tip: a similar argument exists: '--ignored'\n\nUsage: hil run --ignored [FILTER]...\n\nFor more information, try '--help'.\n";
        assert_eq!(
            short(rendered),
            "error: unexpected argument '--nope' found; tip: a similar argument exists: '--ignored'\nusage: hil run --ignored [FILTER]... (more: --help)"
        );
    }

    #[test]
    fn a_list_of_missing_arguments_stays_on_the_line() {
        let rendered = "error: the following required arguments were not provided:\n  --port <PATH>\n  <COMMAND>...\n\nUsage: hil at --port <PATH> <COMMAND>...\n";
        assert_eq!(
            short(rendered),
            "error: the following required arguments were not provided: --port <PATH>, <COMMAND>...\nusage: hil at --port <PATH> <COMMAND>... (more: --help)"
        );
    }

    #[test]
    fn a_missing_command_lists_the_commands_instead_of_the_help() {
        let help = "Bench work\n\nUsage: hil psu [OPTIONS] <COMMAND>\n\nCommands:\n  identify  Print\n  set       Program\n  help      Print this\n\nOptions:\n  -h, --help  Print help\n";
        assert_eq!(
            short(help),
            "error: a command is required: identify, set\nusage: hil psu [OPTIONS] <COMMAND> (more: --help)"
        );
    }
}
