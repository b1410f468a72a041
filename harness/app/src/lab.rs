//! Bringing the lab up, and saying what bring-up did so a run's log names the image, the
//! boards and what failed.

use hil_lab::Lab;

use crate::error::AppError;
use crate::settings::LabSettings;

/// Brings the lab of `settings` up.
pub fn bring_up(settings: &LabSettings) -> Result<Lab, AppError> {
    Lab::bring_up(&settings.rack, &settings.options).map_err(|source| AppError::BringUp {
        rack: settings.rack.describe(),
        source: Box::new(source),
    })
}

/// Prints what bring-up did on stderr: rack notes, then each board with its modem firmware,
/// whether it is ready or its fault, and its notes.
pub fn print_lab(lab: &Lab) {
    for line in lab_lines(lab) {
        eprintln!("{line}");
    }
}

/// The lines [`print_lab`] prints.
pub fn lab_lines(lab: &Lab) -> Vec<String> {
    let mut lines: Vec<String> = lab.notes.iter().map(|n| format!("lab: {n}")).collect();
    for board in &lab.boards {
        let mfw = board
            .identity()
            .map_or("?".to_string(), |i| i.revision.clone());
        lines.push(match board.fault() {
            Some(fault) if board.left_alone() => {
                format!("lab: {}: NOT TOUCHED: {fault}", board.name())
            }
            Some(fault) => format!("lab: {} ({mfw}): FAULT: {fault}", board.name()),
            None => format!("lab: {} ({mfw}): ready", board.name()),
        });
        lines.extend(board.notes.iter().map(|n| format!("lab:   {n}")));
    }
    lines
}

/// A board that did not come up, and why; shown as "DUT `name`: fault".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardFault {
    /// The board's name.
    pub dut: String,
    /// What bring-up found.
    pub fault: String,
}

impl std::fmt::Display for BoardFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DUT `{}`: {}", self.dut, self.fault)
    }
}

/// The boards that did not come up (not those a stop left alone: they are not faulty).
pub fn board_faults(lab: &Lab) -> Vec<BoardFault> {
    lab.boards
        .iter()
        .filter_map(|b| {
            b.fault().filter(|_| !b.left_alone()).map(|f| BoardFault {
                dut: b.name().to_string(),
                fault: f.to_string(),
            })
        })
        .collect()
}
