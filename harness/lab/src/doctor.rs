//! `hil doctor`: checks every DUT of a rack (probe present, port opens, AT answers, identity
//! matches, supply answers) and says what is wrong and how to fix it. Nothing is flashed or
//! written — except by the health check of one board ([`health_check`], `hil doctor --dut`),
//! which also writes, lists and deletes a credential on a scratch tag.

use hil_at::CmngFilter;
use hil_model::CredentialType;
use serde::Serialize;

use crate::board::{Board, BoardState};
use crate::bringup::{BoardSelection, Lab, LabOptions};
use crate::error::LabError;
use crate::fault::{BoardFault, SupplyFault, describe_supply};
use crate::source::RackSource;

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nothing wrong.
    Ok,
    /// Something to fix (see the check's `fix`).
    Fail,
    /// Not checked (nothing declared, or an earlier check failed).
    Skip,
}

/// One check of one DUT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The DUT's name.
    pub dut: String,
    /// What was checked: `probe`, `port`, `at`, `identity`, `supply`.
    pub check: &'static str,
    /// How it ended.
    pub status: Status,
    /// What was seen.
    pub detail: String,
    /// What to do about a failure (empty when nothing is wrong).
    pub fix: String,
}

impl Check {
    /// A check of `dut`; the detail is bounded like a per-case message
    /// ([`hil_runner::bound`]): a board that babbles gives a few KB, not its whole output.
    fn new(
        dut: &str,
        (check, status, detail, fix): (&'static str, Status, String, String),
    ) -> Self {
        Check {
            dut: dut.to_string(),
            check,
            status,
            detail: hil_runner::bound::bounded_message(&detail),
            fix,
        }
    }
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

/// The security tag the health check writes to and deletes again: a user tag (below the
/// modem's reserved range, ref §1.1) high enough that no deployment uses it.
pub const SCRATCH_TAG: u32 = 2_147_483_000;

/// What the health check writes: a PSK identity, which is not secret material.
const SCRATCH_CONTENT: &str = "hil-doctor-health-check";

/// The health check of one board (`hil doctor --dut NAME`): only that board is brought up, and
/// besides the checks of [`diagnose`] a credential is written, listed and deleted on
/// [`SCRATCH_TAG`] (the modem is set offline for it and put back as it was).
pub fn health_check(
    source: &RackSource,
    opts: &LabOptions,
    dut: &str,
) -> Result<Vec<Check>, LabError> {
    let opts = LabOptions {
        flash: false,
        boards: BoardSelection::Only(vec![dut.to_string()]),
        ..opts.clone()
    };
    let mut lab = Lab::bring_up(source, &opts)?;
    let probes = hil_flash::list_probes();
    let mut checks = Vec::new();
    for board in &mut lab.boards {
        checks.extend(check_board(board, &probes));
        let (check, status, detail, fix) = check_credentials(board);
        checks.push(Check::new(
            &board.spec.name,
            (check, status, detail, fix.to_string()),
        ));
    }
    Ok(checks)
}

fn check_credentials(board: &mut Board) -> Row {
    let Ok(console) = board.console() else {
        return ("credentials", Status::Skip, "no console".into(), "");
    };
    match credential_round_trip(console) {
        Ok(()) => (
            "credentials",
            Status::Ok,
            format!("write, list and delete on tag {SCRATCH_TAG}"),
            "",
        ),
        Err(why) => (
            "credentials",
            Status::Fail,
            why,
            "check the modem answers %CMNG (hil at --dut … AT%CMNG=1) and its storage is not full",
        ),
    }
}

/// CFUN=4, write a PSK identity on the scratch tag, see it listed, delete it, see it gone,
/// CFUN back to what it was.
fn credential_round_trip(console: &mut hil_at::AtClient) -> Result<(), String> {
    let kind = CredentialType::PSK_IDENTITY;
    let before = console.cfun().map_err(|e| format!("AT+CFUN?: {e}"))?;
    if before != 4 && before != 0 {
        console.set_cfun(4).map_err(|e| format!("AT+CFUN=4: {e}"))?;
    }
    let listed = |console: &mut hil_at::AtClient| {
        console
            .cmng_list(CmngFilter::TagType(SCRATCH_TAG, kind))
            .map(|items| items.iter().any(|i| i.tag == SCRATCH_TAG && i.kind == kind))
            .map_err(|e| format!("list: {e}"))
    };
    let result = console
        .cmng_write(SCRATCH_TAG, kind, SCRATCH_CONTENT)
        .map_err(|e| format!("write: {e}"))
        .and_then(|_| match listed(console)? {
            true => Ok(()),
            false => Err("written, but not listed".to_string()),
        })
        .and_then(|()| {
            console
                .cmng_delete(SCRATCH_TAG, kind)
                .map_err(|e| format!("delete: {e}"))
        })
        .and_then(|_| match listed(console)? {
            false => Ok(()),
            true => Err("deleted, but still listed".to_string()),
        });
    if before != 4 && before != 0 {
        let restored = console.set_cfun(before);
        if let (Ok(()), Err(e)) = (&result, restored) {
            return Err(format!("AT+CFUN={before}: {e}"));
        }
    }
    result
}

fn check_board(board: &mut Board, probes: &[hil_flash::ProbeInfo]) -> Vec<Check> {
    let probe = check_probe(board, probes);
    let port = check_port(board);
    let at = check_at(board);
    let identity = check_identity(board);
    let supply = check_supply(board);
    [probe, port, at, identity]
        .map(|(check, status, detail, fix)| (check, status, detail, fix.to_string()))
        .into_iter()
        .chain([supply])
        .map(|row| Check::new(&board.spec.name, row))
        .collect()
}

/// One row before the DUT's name is added: check, status, detail, fix.
type Row = (&'static str, Status, String, &'static str);

fn check_probe(board: &Board, probes: &[hil_flash::ProbeInfo]) -> Row {
    match (&board.sim, &board.spec.probe) {
        (Some(_), _) => ("probe", Status::Ok, "simulated probe".into(), ""),
        (None, None) => (
            "probe",
            Status::Skip,
            "no probe in the rack file".into(),
            "add `probe: VID:PID:serial` to flash this board",
        ),
        (None, Some(selector)) if probes.iter().any(|p| probe_matches(p, selector)) => {
            ("probe", Status::Ok, format!("{selector} attached"), "")
        }
        (None, Some(selector @ hil_rack::ProbeSelector::Simulated(_))) => (
            "probe",
            Status::Ok,
            format!("{selector} (a simulated board's probe endpoint)"),
            "",
        ),
        (None, Some(selector)) => {
            let attached: Vec<String> = probes.iter().map(|p| p.to_string()).collect();
            let attached = if attached.is_empty() {
                "none".to_string()
            } else {
                attached.join(", ")
            };
            (
                "probe",
                Status::Fail,
                format!("{selector} not attached (attached: {attached})"),
                "check the USB cable and the probe serial in the rack file",
            )
        }
    }
}

fn check_port(board: &Board) -> Row {
    let console = match board.state() {
        BoardState::Ready { console, .. } => Some(console),
        BoardState::Faulted { console, .. } => console.as_ref(),
    };
    match (console, board.fault()) {
        (Some(at), _) => ("port", Status::Ok, format!("{} opens", at.port_name()), ""),
        (None, Some(fault @ (BoardFault::NoSerialPort | BoardFault::ConsoleOpen(_)))) => (
            "port",
            Status::Fail,
            fault.to_string(),
            "check the port path (prefer /dev/serial/by-id/...) and that nothing else holds it",
        ),
        (None, _) => (
            "port",
            Status::Fail,
            "not opened".into(),
            "see the errors above",
        ),
    }
}

fn check_at(board: &Board) -> Row {
    if let Some(id) = board.identity() {
        let detail = format!("answers; modem firmware {}", id.revision);
        return ("at", Status::Ok, detail, "");
    }
    match board.fault() {
        Some(BoardFault::NoSerialPort | BoardFault::ConsoleOpen(_)) => {
            ("at", Status::Skip, "no console".into(), "")
        }
        Some(BoardFault::Supply { .. }) => (
            "at",
            Status::Skip,
            "not asked: the supply does not work".into(),
            "",
        ),
        Some(BoardFault::NoAnswer { source, .. }) => (
            "at",
            Status::Fail,
            format!("no AT answer: {source}"),
            "power the board, check baud rate and that the firmware-under-test is flashed (hil flash)",
        ),
        Some(fault) => (
            "at",
            Status::Fail,
            fault.to_string(),
            "see the errors above",
        ),
        None => (
            "at",
            Status::Fail,
            "no identity".into(),
            "see the errors above",
        ),
    }
}

fn check_identity(board: &Board) -> Row {
    match (board.fault(), board.identity()) {
        (Some(BoardFault::IdentityMismatch(mismatch)), _) => (
            "identity",
            Status::Fail,
            mismatch.to_string(),
            "swap the ports back or correct expected_imei / expected_mfw in the rack file",
        ),
        (_, Some(_)) => ("identity", Status::Ok, "matches the rack file".into(), ""),
        (_, None) => ("identity", Status::Skip, "not read".into(), ""),
    }
}

/// The supply row; its fix names the supply the rack file gives.
fn check_supply(board: &mut Board) -> (&'static str, Status, String, String) {
    let named = board
        .spec
        .supply
        .as_ref()
        .map(describe_supply)
        .unwrap_or_default();
    let supply = match board.power() {
        Err(fault @ SupplyFault::NotOpened) => {
            return (
                "supply",
                Status::Skip,
                format!("{named}: {fault}"),
                String::new(),
            );
        }
        Err(fault) => {
            return (
                "supply",
                Status::Fail,
                format!("{named}: {fault}"),
                format!(
                    "check the supply {named} is on, reachable, in remote control, and the rack \
                     file's driver, address, channel and limits"
                ),
            );
        }
        Ok(None) => {
            return (
                "supply",
                Status::Skip,
                "no supply in the rack file".into(),
                String::new(),
            );
        }
        Ok(Some(supply)) => supply,
    };
    let answered = supply.identify().and_then(|id| {
        supply
            .measure_voltage()
            .map(|v| format!("{id}; output {:.3} V", v.value))
    });
    match answered {
        Ok(detail) => ("supply", Status::Ok, detail, String::new()),
        Err(e) => (
            "supply",
            Status::Fail,
            format!("{named}: {e}"),
            format!("check the supply {named} is on, remote control enabled and the address right"),
        ),
    }
}

/// Whether `probe` is the one `selector` names; a simulated probe is never a USB one.
fn probe_matches(probe: &hil_flash::ProbeInfo, selector: &hil_rack::ProbeSelector) -> bool {
    let Some(selector) = selector.usb() else {
        return false;
    };
    probe.vendor_id == selector.vendor_id
        && probe.product_id == selector.product_id
        && selector
            .serial_number
            .as_ref()
            .is_none_or(|s| probe.serial_number.as_ref() == Some(s))
}
