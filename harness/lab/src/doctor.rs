//! `hil doctor`: checks every DUT of a rack (probe present, port opens, AT answers, identity
//! matches, supply answers) and says what is wrong and how to fix it. Nothing is flashed or
//! written.

use serde::Serialize;

use crate::board::Board;
use crate::bringup::{Lab, LabOptions};
use crate::error::LabError;
use crate::source::RackSource;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Fail,
    Skip,
}

/// One check of one DUT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub dut: String,
    pub check: &'static str,
    pub status: Status,
    pub detail: String,
    /// What to do about a failure (empty when nothing is wrong).
    pub fix: String,
}

/// Brings the rack up without flashing and checks every board.
pub fn diagnose(source: &RackSource, opts: &LabOptions) -> Result<Vec<Check>, LabError> {
    let opts = LabOptions {
        flash: false,
        ..opts.clone()
    };
    let mut lab = Lab::bring_up(source, &opts)?;
    let probes = hil_flash::list_probes();
    let mut checks = Vec::new();
    for board in &mut lab.boards {
        checks.extend(check_board(board, &probes));
    }
    Ok(checks)
}

fn row(board: &Board, check: &'static str, status: Status, detail: String, fix: &str) -> Check {
    Check {
        dut: board.spec.name.clone(),
        check,
        status,
        detail,
        fix: fix.to_string(),
    }
}

fn check_board(board: &mut Board, probes: &[hil_flash::ProbeInfo]) -> Vec<Check> {
    let mut out = Vec::new();
    out.push(match (&board.sim, &board.spec.probe) {
        (Some(_), _) => row(board, "probe", Status::Ok, "simulated probe".into(), ""),
        (None, None) => row(
            board,
            "probe",
            Status::Skip,
            "no probe in the rack file".into(),
            "add `probe: VID:PID:serial` to flash this board",
        ),
        (None, Some(selector)) => {
            let found = probes.iter().any(|p| probe_matches(p, selector));
            if found {
                row(
                    board,
                    "probe",
                    Status::Ok,
                    format!("{selector} attached"),
                    "",
                )
            } else {
                let attached: Vec<String> = probes.iter().map(|p| p.to_string()).collect();
                row(
                    board,
                    "probe",
                    Status::Fail,
                    format!(
                        "{selector} not attached (attached: {})",
                        if attached.is_empty() {
                            "none".to_string()
                        } else {
                            attached.join(", ")
                        }
                    ),
                    "check the USB cable and the probe serial in the rack file",
                )
            }
        }
    });
    let console_fault = board
        .fault
        .as_deref()
        .filter(|f| f.contains("console") || f.contains("serial port"));
    out.push(match (console_fault, &board.at) {
        (Some(f), _) => row(
            board,
            "port",
            Status::Fail,
            f.to_string(),
            "check the port path (prefer /dev/serial/by-id/...) and that nothing else holds it",
        ),
        (None, Some(at)) => row(
            board,
            "port",
            Status::Ok,
            format!("{} opens", at.port_name()),
            "",
        ),
        (None, None) => row(
            board,
            "port",
            Status::Fail,
            "not opened".into(),
            "see the errors above",
        ),
    });
    out.push(match &board.identity {
        Some(id) => row(
            board,
            "at",
            Status::Ok,
            format!("answers; modem firmware {}", id.revision),
            "",
        ),
        None => row(
            board,
            "at",
            Status::Fail,
            "no AT answer".into(),
            "power the board, check baud rate and that the firmware-under-test is flashed (hil flash)",
        ),
    });
    out.push(match board.fault.as_deref() {
        Some(f) if f.contains("identity mismatch") => row(
            board,
            "identity",
            Status::Fail,
            f.to_string(),
            "swap the ports back or correct expected_imei / expected_mfw in the rack file",
        ),
        _ if board.identity.is_some() => row(
            board,
            "identity",
            Status::Ok,
            "matches the rack file".into(),
            "",
        ),
        _ => row(board, "identity", Status::Skip, "not read".into(), ""),
    });
    let supply = match (board.supply.as_mut(), board.supply_error.clone()) {
        (_, Some(err)) => (
            Status::Fail,
            err,
            "check the supply address, cable and limits",
        ),
        (None, None) => (Status::Skip, "no supply in the rack file".into(), ""),
        (Some(s), None) => match s.identify().and_then(|id| {
            s.measure_voltage()
                .map(|v| format!("{id}; output {:.3} V", v.value))
        }) {
            Ok(detail) => (Status::Ok, detail, ""),
            Err(e) => (
                Status::Fail,
                e.to_string(),
                "check the supply is on, remote control enabled and the address right",
            ),
        },
    };
    out.push(row(board, "supply", supply.0, supply.1, supply.2));
    out
}

fn probe_matches(probe: &hil_flash::ProbeInfo, selector: &hil_rack::ProbeSelector) -> bool {
    probe.vendor_id == selector.vendor_id
        && probe.product_id == selector.product_id
        && selector
            .serial_number
            .as_ref()
            .is_none_or(|s| probe.serial_number.as_ref() == Some(s))
}
