//! The ssh command line (non-interactive, bounded) and the POSIX shell script run on the
//! exporter host: make a temporary file, receive the image on stdin, run the remote
//! `hil flash --probe … --progress json`, and remove the file however that ends.

use std::process::Command;

use super::SshFlashConfig;

/// `text` as one word for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The exit status the script uses when it cannot make or fill its temporary file.
pub(crate) const TEMP_FILE_EXIT: i32 = 3;

/// `ssh … -- HOST SCRIPT`.
pub(crate) fn ssh_command(config: &SshFlashConfig, script: &str) -> Command {
    let mut cmd = Command::new(&config.ssh_program);
    if let Some(file) = &config.ssh_config {
        cmd.arg("-F").arg(file);
    }
    let timeout = config.connect_timeout.as_secs().max(1);
    for option in [
        "BatchMode=yes".to_string(),
        format!("ConnectTimeout={timeout}"),
        "ServerAliveInterval=5".to_string(),
        "ServerAliveCountMax=3".to_string(),
        "LogLevel=ERROR".to_string(),
    ] {
        cmd.arg("-o").arg(option);
    }
    cmd.args(["-T", "-p"])
        .arg(config.login.port.to_string())
        .arg("-l")
        .arg(&config.login.user)
        .arg("--")
        .arg(&config.login.host)
        .arg(script);
    cmd
}

/// The remote `hil flash --probe SEL --dut NAME` with `rest` appended.
fn hil_flash(config: &SshFlashConfig, rest: &str) -> String {
    let mut line = format!(
        "{} flash --probe {} --dut {} --progress json",
        shell_quote(&config.remote_hil),
        shell_quote(&config.probe.to_string()),
        shell_quote(&config.dut),
    );
    if config.allow_erase_all {
        line.push_str(" --allow-erase-all");
    }
    line.push_str(rest);
    line
}

/// Receives the image on stdin into a temporary file, flashes it, removes it.
pub(crate) fn flash_script(config: &SshFlashConfig) -> String {
    format!(
        "f=$(mktemp \"${{TMPDIR:-/tmp}}/hil-flash.XXXXXX\") || {{ echo 'cannot create a temporary file' >&2; exit {TEMP_FILE_EXIT}; }}; \
         trap 'rm -f \"$f\"' EXIT; trap 'exit 129' HUP INT TERM; \
         cat >\"$f\" || {{ echo 'cannot write the temporary file' >&2; exit {TEMP_FILE_EXIT}; }}; \
         {}",
        hil_flash(config, " --firmware \"$f\"")
    )
}

/// Resets the board.
pub(crate) fn reset_script(config: &SshFlashConfig) -> String {
    hil_flash(config, " --reset")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssh::SshLogin;

    fn config() -> SshFlashConfig {
        let login = SshLogin {
            user: "lab".into(),
            host: "rack-a".into(),
            port: 2222,
        };
        let probe = hil_rack::ProbeSelector::parse("1366:1015:0009").unwrap();
        SshFlashConfig::new("dut 'one'", login, probe, "/opt/hil bin/hil")
    }

    #[test]
    fn quoting_survives_quotes_and_spaces() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("printf %s {}", shell_quote("x'; rm -rf / #$HOME")))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "x'; rm -rf / #$HOME");
    }

    #[test]
    fn the_command_never_prompts_and_names_the_login() {
        let cmd = ssh_command(&config(), "true");
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        for want in [
            "BatchMode=yes",
            "ConnectTimeout=10",
            "2222",
            "lab",
            "rack-a",
        ] {
            assert!(args.iter().any(|a| a == want), "{want} in {args:?}");
        }
        let host = args.iter().position(|a| a == "rack-a").unwrap();
        assert_eq!(args[host - 1], "--", "the host cannot be read as an option");
    }

    #[test]
    fn the_script_quotes_every_value_and_removes_its_file() {
        let script = flash_script(&config());
        assert!(
            script.contains(r"'/opt/hil bin/hil' flash --probe '1366:1015:0009'"),
            "{script}"
        );
        assert!(
            script.contains(r"--dut 'dut '\''one'\''' --progress json"),
            "{script}"
        );
        assert!(script.contains("trap 'rm -f \"$f\"' EXIT"), "{script}");
        assert!(reset_script(&config()).ends_with("--progress json --reset"));
    }

    #[test]
    fn the_script_keeps_the_exit_status_and_removes_the_file() {
        // The script with `true`/`false` in place of the remote hil, run by a local sh.
        let dir = tempfile::tempdir().unwrap();
        for (hil, status) in [("true", 0), ("false", 1)] {
            let mut c = config();
            c.remote_hil = hil.into();
            let script = flash_script(&c).replace(&shell_quote(hil), hil);
            let out = Command::new("sh")
                .arg("-c")
                .arg(script)
                .env("TMPDIR", dir.path())
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(status), "{out:?}");
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
    }
}
