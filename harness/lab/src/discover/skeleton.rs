//! The rack file skeleton `hil rack discover` writes: one DUT per console that answered, with
//! its modem firmware, IMEI and — where pairing found exactly one — its debug probe; every
//! guess marked by a comment, every port that did not answer and every probe without a
//! console listed in comments. It parses as a rack file (tested with `hil_rack::parse`).

use std::fmt::Write as _;
use std::path::Path;

use hil_flash::{ProbeInfo, ProbeSelector};

use super::PortAnswer;
use super::pairing::{Pairing, ProbeMatch};

/// The rack file skeleton for `answers`, named `rack`, with the probes of `pairing`; `source`
/// names where the ports were found (for the header comment). `None` when no board answered
/// (a rack needs a DUT).
pub fn rack_skeleton(
    rack: &str,
    source: &Path,
    answers: &[PortAnswer],
    pairing: &Pairing,
) -> Option<String> {
    let boards: Vec<&PortAnswer> = answers
        .iter()
        .filter(|a| matches!(a, PortAnswer::Board { .. }))
        .collect();
    if boards.is_empty() {
        return None;
    }
    let mut out = header(rack, source);
    out.push_str("duts:\n");
    let mut taken = Vec::new();
    for answer in &boards {
        let name = dut_name(answer.port(), &taken);
        board_entry(&mut out, &name, answer, &boards, pairing);
        taken.push(name);
    }
    silent_ports(&mut out, answers, pairing);
    lone_probes(&mut out, pairing);
    Some(out)
}

fn header(rack: &str, source: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Rack file skeleton written by `hil rack discover` from the consoles in {}.",
        comment_text(&source.display().to_string())
    );
    out.push_str(
        "# Every board below is what its console answered; names are guesses from the port\n\
         # names, probes are paired by the USB serial number the port carries. Add each\n\
         # board's supply and limits (`hil schema`), then `hil doctor`.\n",
    );
    let _ = writeln!(out, "name: {}  # guess: rename the rack", quoted(rack));
    out
}

fn board_entry(
    out: &mut String,
    name: &str,
    answer: &PortAnswer,
    boards: &[&PortAnswer],
    pairing: &Pairing,
) {
    let PortAnswer::Board {
        port,
        revision,
        mfw,
        imei,
        firmware_id,
    } = answer
    else {
        return;
    };
    let _ = writeln!(
        out,
        "  # {}: AT+CGMR {}, IMEI {}, firmware-under-test {}",
        comment_text(&port.display().to_string()),
        comment_text(&format!("{revision:?}")),
        comment_text(imei.as_deref().unwrap_or("none")),
        comment_text(firmware_id.as_deref().unwrap_or("unknown"))
    );
    let _ = writeln!(
        out,
        "  - name: {}  # guess: from the port name",
        quoted(name)
    );
    let _ = writeln!(out, "    serial: {}", quoted(&port.display().to_string()));
    probe_line(out, port, boards, pairing);
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

/// `probe:` when exactly one probe carries the port's serial and no other board's port does;
/// otherwise a comment saying why there is none.
fn probe_line(out: &mut String, port: &Path, boards: &[&PortAnswer], pairing: &Pairing) {
    let probe = match pairing.of(port) {
        ProbeMatch::Paired(probe) => probe,
        ProbeMatch::Unpaired => {
            out.push_str(
                "    # probe: no attached debug probe carries this port's USB serial number;\n\
                 \x20   #   add `probe: VID:PID[:serial]` (`hil probes` lists the probes)\n",
            );
            return;
        }
        ProbeMatch::Ambiguous(probes) => {
            let _ = writeln!(
                out,
                "    # probe: {} all carry this port's USB serial number; pick one",
                comment_text(&names(probes))
            );
            return;
        }
    };
    let others: Vec<&Path> = boards
        .iter()
        .map(|b| b.port())
        .filter(|p| *p != port && pairing.of(p) == &ProbeMatch::Paired(probe.clone()))
        .collect();
    if !others.is_empty() {
        let others: Vec<String> = others.iter().map(|p| p.display().to_string()).collect();
        let _ = writeln!(
            out,
            "    # probe: {} also carries {}, which answered AT too; a probe debugs one\n\
             \x20   #   board: add `probe: {}` to the one it debugs",
            comment_text(&probe.to_string()),
            comment_text(&others.join(", ")),
            comment_text(&probe.selector)
        );
        return;
    }
    match ProbeSelector::parse(&probe.selector) {
        Ok(_) => {
            let _ = writeln!(
                out,
                "    probe: {}  # paired: {} carries this port's USB serial number",
                quoted(&probe.selector),
                comment_text(&probe.identifier)
            );
        }
        Err(e) => {
            let _ = writeln!(out, "    # probe: {}", comment_text(&e.to_string()));
        }
    }
}

fn names(probes: &[ProbeInfo]) -> String {
    let names: Vec<String> = probes.iter().map(ProbeInfo::to_string).collect();
    names.join(", ")
}

fn silent_ports(out: &mut String, answers: &[PortAnswer], pairing: &Pairing) {
    let silent: Vec<(&Path, &str)> = answers
        .iter()
        .filter_map(|a| match a {
            PortAnswer::Silent { port, why } => Some((port.as_path(), why.as_str())),
            PortAnswer::Board { .. } => None,
        })
        .collect();
    if silent.is_empty() {
        return;
    }
    out.push_str("# Ports that did not answer AT (not a board, busy, or a board not running):\n");
    for (port, why) in silent {
        let probe = match pairing.of(port) {
            ProbeMatch::Paired(probe) => format!(" (probe {probe})"),
            ProbeMatch::Ambiguous(probes) => format!(" (probes {})", names(probes)),
            ProbeMatch::Unpaired => String::new(),
        };
        let _ = writeln!(
            out,
            "#   {}: {}{}",
            comment_text(&port.display().to_string()),
            comment_text(why),
            comment_text(&probe)
        );
    }
}

fn lone_probes(out: &mut String, pairing: &Pairing) {
    let any_paired = pairing
        .ports
        .iter()
        .any(|(_, m)| !matches!(m, ProbeMatch::Unpaired));
    if pairing.lone_probes.is_empty() {
        if !any_paired {
            out.push_str("# probe-rs lists no debug probe on this host: add `probe:` by hand.\n");
        }
        return;
    }
    out.push_str(
        "# Debug probes whose USB serial number no port here carries (no VCOM, no serial\n\
         # number, or the console is wired elsewhere): `probe:` of the board they debug.\n",
    );
    for probe in &pairing.lone_probes {
        let _ = writeln!(out, "#   {}", comment_text(&probe.to_string()));
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

/// Text safe inside a YAML comment: control characters (a line break would end the comment)
/// shown as `?`.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests;
