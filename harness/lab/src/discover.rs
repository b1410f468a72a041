//! Rack discovery: the consoles in a directory of stable port paths (`/dev/serial/by-id` on
//! a rack host) asked who they are — modem firmware (`AT+CGMR`), IMEI (`AT+CGSN`) and the
//! firmware-under-test id — and a rack file skeleton written from the answers, every guess
//! marked by a comment. A port that does not answer AT is listed in a comment, not dropped.
//! Probes and supplies are not paired here: the skeleton says to add them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hil_at::{AtClient, ClientConfig};
use hil_model::MfwVersion;

/// What one port answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortAnswer {
    /// A console that answered `AT+CGMR`.
    Board {
        /// The port's path (as found in the directory).
        port: PathBuf,
        /// `AT+CGMR`, verbatim, and parsed when it follows the MFW grammar.
        revision: String,
        /// The revision parsed, when it follows the MFW grammar.
        mfw: Option<MfwVersion>,
        /// `AT+CGSN`, when the modem has one.
        imei: Option<String>,
        /// The firmware-under-test id, when the console answers it.
        firmware_id: Option<String>,
    },
    /// No usable answer.
    Silent {
        /// The port's path (as found in the directory).
        port: PathBuf,
        /// Why: cannot open, no answer, not AT.
        why: String,
    },
}

/// Asks every entry of `dir` (sorted by name), each with `timeout` per command, in parallel.
pub fn discover(dir: &Path, baud: u32, timeout: Duration) -> std::io::Result<Vec<PortAnswer>> {
    let mut ports: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    ports.sort();
    Ok(std::thread::scope(|scope| {
        let handles: Vec<_> = ports
            .into_iter()
            .map(|port| scope.spawn(move || ask(port, baud, timeout)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("asking a port does not panic"))
            .collect()
    }))
}

fn ask(port: PathBuf, baud: u32, timeout: Duration) -> PortAnswer {
    let config = ClientConfig {
        timeout,
        ..ClientConfig::default()
    };
    let silent = |why: String| PortAnswer::Silent {
        port: port.clone(),
        why,
    };
    let mut at = match AtClient::open_with(&port, baud, config) {
        Ok(at) => at,
        Err(e) => return silent(format!("cannot open: {e}")),
    };
    let revision = match at.cgmr() {
        Ok(revision) => revision,
        Err(e) => return silent(format!("no answer to AT+CGMR: {e}")),
    };
    PortAnswer::Board {
        mfw: MfwVersion::parse(&revision).ok(),
        revision,
        imei: at.imei().ok(),
        firmware_id: at.firmware_id().ok(),
        port,
    }
}

/// A DUT name from a port's file name: letters, digits, `.`, `_`, `-` kept, the rest `-`.
fn dut_name(port: &Path, taken: &[String]) -> String {
    let file = port
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base: String = file
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '-',
        })
        .collect();
    let base = if base.is_empty() {
        "dut".to_string()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        name = format!("{base}-{n}");
    }
    name
}

/// A YAML double-quoted string (backslash, quote and control characters escaped).
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The rack file skeleton for `answers`, named `rack`; `source` names where the ports were
/// found (for the header comment). `None` when no board answered (a rack needs a DUT).
pub fn rack_skeleton(rack: &str, source: &Path, answers: &[PortAnswer]) -> Option<String> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Rack file skeleton written by `hil rack discover` from the consoles in {}.",
        source.display()
    );
    out.push_str(
        "# Every board below is what its console answered; names are guesses from the port\n\
         # names. Add each board's probe, supply and limits (`hil schema`), then `hil doctor`.\n",
    );
    let _ = writeln!(out, "name: {}  # guess: rename the rack", quoted(rack));
    let boards: Vec<&PortAnswer> = answers
        .iter()
        .filter(|a| matches!(a, PortAnswer::Board { .. }))
        .collect();
    if boards.is_empty() {
        return None;
    }
    out.push_str("duts:\n");
    let mut taken = Vec::new();
    for answer in boards {
        let PortAnswer::Board {
            port,
            revision,
            mfw,
            imei,
            firmware_id,
        } = answer
        else {
            continue;
        };
        let name = dut_name(port, &taken);
        taken.push(name.clone());
        let _ = writeln!(
            out,
            "  # {}: AT+CGMR {revision:?}, IMEI {}, firmware-under-test {}",
            port.display(),
            imei.as_deref().unwrap_or("none"),
            firmware_id.as_deref().unwrap_or("unknown")
        );
        let _ = writeln!(
            out,
            "  - name: {}  # guess: from the port name",
            quoted(&name)
        );
        let _ = writeln!(out, "    serial: {}", quoted(&port.display().to_string()));
        match mfw {
            Some(mfw) => {
                let _ = writeln!(out, "    expected_mfw: {}", quoted(&mfw.to_string()));
            }
            None => out.push_str("    # expected_mfw: the revision is not a known MFW name\n"),
        }
        if let Some(imei) = imei {
            let _ = writeln!(out, "    expected_imei: {}", quoted(imei));
        }
    }
    let silent: Vec<&PortAnswer> = answers
        .iter()
        .filter(|a| matches!(a, PortAnswer::Silent { .. }))
        .collect();
    if !silent.is_empty() {
        out.push_str(
            "# Ports that did not answer AT (not a board, busy, or a board not running):\n",
        );
        for answer in silent {
            if let PortAnswer::Silent { port, why } = answer {
                let _ = writeln!(out, "#   {}: {}", port.display(), why.replace('\n', " "));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(port: &str, imei: Option<&str>) -> PortAnswer {
        PortAnswer::Board {
            port: PathBuf::from(port),
            revision: "mfw_nrf9160_1.3.6".into(),
            mfw: MfwVersion::parse("mfw_nrf9160_1.3.6").ok(),
            imei: imei.map(str::to_string),
            firmware_id: Some("0.1.0".into()),
        }
    }

    #[test]
    fn the_skeleton_validates_and_keeps_silent_ports() {
        let answers = [
            board(
                "/dev/serial/by-id/usb-SEGGER_J-Link_000960012345-if00",
                Some("352656100123456"),
            ),
            board(
                "/dev/serial/by-id/usb-SEGGER_J-Link_000960012345-if00",
                None,
            ),
            PortAnswer::Silent {
                port: "/dev/serial/by-id/usb-FTDI-if00".into(),
                why: "no answer".into(),
            },
        ];
        let yaml = rack_skeleton("bench: \"a\"", Path::new("/dev/serial/by-id"), &answers).unwrap();
        let rack = hil_rack::parse(&yaml, "skeleton").unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert_eq!(rack.name, "bench: \"a\"");
        assert_eq!(rack.duts.len(), 2);
        assert_eq!(rack.duts[0].name, "usb-SEGGER_J-Link_000960012345-if00");
        assert_eq!(rack.duts[1].name, "usb-SEGGER_J-Link_000960012345-if00-2");
        assert_eq!(
            rack.duts[0].expected_imei.as_ref().unwrap().as_str(),
            "352656100123456"
        );
        assert!(
            yaml.contains("#   /dev/serial/by-id/usb-FTDI-if00: no answer"),
            "{yaml}"
        );
    }

    #[test]
    fn without_a_board_there_is_no_rack() {
        let silent = PortAnswer::Silent {
            port: "p".into(),
            why: "no answer".into(),
        };
        assert_eq!(rack_skeleton("r", Path::new("d"), &[silent]), None);
    }
}
