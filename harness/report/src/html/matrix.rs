//! The conformance matrix model: rows are cases, columns are modem firmware versions, each cell
//! holds the results of every DUT running that firmware.

use hil_runner::{CaseId, OutcomeKind, TrialResult};

/// One firmware column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// `mfw_nrf9160_1.3.6`, or `unknown firmware`.
    pub label: String,
}

/// One case row; `cells[i]` are indices into the result list for column `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The case this row is for.
    pub case: CaseId,
    /// The case's one-line description.
    pub description: String,
    /// Per column, the indices of this case's results on that firmware.
    pub cells: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// The conformance matrix: one column per modem firmware, one row per case.
pub struct Matrix {
    /// The firmware columns, left to right.
    pub columns: Vec<Column>,
    /// The case rows, top to bottom.
    pub rows: Vec<Row>,
}

const UNKNOWN: &str = "unknown firmware";

fn column_label(result: &TrialResult) -> String {
    result
        .mfw
        .as_ref()
        .map(|m| m.to_string())
        .unwrap_or_else(|| UNKNOWN.to_string())
}

impl Matrix {
    /// Columns ordered by family then version (unknown last); rows in first-seen order.
    pub fn build(results: &[TrialResult]) -> Self {
        let mut versions: Vec<_> = results.iter().filter_map(|r| r.mfw.clone()).collect();
        versions.sort_by(|a, b| (a.family, &a.version, a.pti).cmp(&(b.family, &b.version, b.pti)));
        versions.dedup();
        let mut columns: Vec<Column> = versions
            .iter()
            .map(|v| Column {
                label: v.to_string(),
            })
            .collect();
        if results.iter().any(|r| r.mfw.is_none()) {
            columns.push(Column {
                label: UNKNOWN.to_string(),
            });
        }

        let mut rows: Vec<Row> = Vec::new();
        for (index, result) in results.iter().enumerate() {
            let row = match rows.iter().position(|r| r.case == result.id.case) {
                Some(i) => &mut rows[i],
                None => {
                    rows.push(Row {
                        case: result.id.case.clone(),
                        description: result.description.clone(),
                        cells: vec![Vec::new(); columns.len()],
                    });
                    rows.last_mut().expect("just pushed")
                }
            };
            let label = column_label(result);
            if let Some(col) = columns.iter().position(|c| c.label == label) {
                row.cells[col].push(index);
            }
        }
        Matrix { columns, rows }
    }
}

/// The most important outcome among several (for a cell's colour): unexpected first.
pub fn worst(kinds: impl IntoIterator<Item = OutcomeKind>) -> Option<OutcomeKind> {
    kinds.into_iter().max_by_key(|k| severity(*k))
}

fn severity(kind: OutcomeKind) -> u8 {
    match kind {
        OutcomeKind::NotApplicable => 0,
        OutcomeKind::Pass => 1,
        OutcomeKind::Characterized => 2,
        OutcomeKind::ExpectedFail => 3,
        OutcomeKind::Error => 4,
        OutcomeKind::UnexpectedPass => 5,
        OutcomeKind::Fail => 6,
    }
}
