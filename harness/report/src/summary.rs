//! The end-of-run summary: a comfy-table of counts per DUT and in total, the list of
//! unexpected results, and a verdict line.

use std::io::Write;
use std::sync::Arc;

use comfy_table::{Cell, CellAlignment, Table};
use hil_runner::{Counts, Reporter, RunEvent, RunStatus, Summary, props};

use crate::marks::{RunMarks, Standing, Tally};

const HEADER: [&str; 11] = [
    "DUT",
    "modem firmware",
    "pass",
    "fail",
    "xfail",
    "xpass",
    "n/a",
    "char",
    "error",
    "flaky",
    "total",
];

fn count_cells(counts: &Counts) -> Vec<Cell> {
    [
        counts.pass,
        counts.fail,
        counts.expected_fail,
        counts.unexpected_pass,
        counts.not_applicable,
        counts.characterized,
        counts.error,
        counts.flaky,
        counts.total(),
    ]
    .into_iter()
    .map(|n| Cell::new(n).set_alignment(CellAlignment::Right))
    .collect()
}

/// Counts per DUT and in total.
pub fn summary_table(summary: &Summary) -> Table {
    let mut table = Table::new();
    table.set_header(HEADER);
    for (dut, counts) in &summary.per_dut {
        let mut row = vec![
            Cell::new(&dut.name),
            Cell::new(
                dut.firmware
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "unknown".into()),
            ),
        ];
        row.extend(count_cells(counts));
        table.add_row(row);
    }
    let mut row = vec![Cell::new("total"), Cell::new("")];
    row.extend(count_cells(&summary.total));
    table.add_row(row);
    table
}

/// The verdict line. Its first word says how the run ended: `INCOMPLETE` (a report could not
/// be written), `UNFINISHED` (a merged run of which a part did not complete), `STOPPED`
/// (planned trials did not run), else `FAILED` or `PASSED`.
pub fn verdict(summary: &Summary) -> String {
    verdict_shielded(summary, 0)
}

/// The verdict line when `shielded` unexpected results are under quarantine (they do not
/// count, and the line says how many there were).
pub fn verdict_shielded(summary: &Summary, shielded: usize) -> String {
    let unexpected = summary.total.unexpected().saturating_sub(shielded);
    let results = if unexpected == 0 && shielded > 0 {
        format!("no unexpected results outside quarantine ({shielded} shielded)")
    } else if unexpected == 0 {
        "no unexpected results".to_string()
    } else if shielded > 0 {
        format!(
            "{unexpected} unexpected outside quarantine, {shielded} shielded (fail {}, xpass {}, error {})",
            summary.total.fail, summary.total.unexpected_pass, summary.total.error
        )
    } else {
        format!(
            "{unexpected} unexpected (fail {}, xpass {}, error {})",
            summary.total.fail, summary.total.unexpected_pass, summary.total.error
        )
    };
    let mut line = match summary.status() {
        RunStatus::InfrastructureError => format!(
            "INCOMPLETE: reports not written completely: {}; {results}",
            summary
                .incomplete_reports
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        RunStatus::Unfinished => format!(
            "UNFINISHED: {}; {results}",
            summary
                .unfinished_parts
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        RunStatus::Stopped => format!(
            "STOPPED: {} planned trials not run; {results}",
            summary.not_run
        ),
        RunStatus::Running | RunStatus::Completed if unexpected > 0 => {
            format!("FAILED: {results}")
        }
        RunStatus::Running | RunStatus::Completed => format!("PASSED: {results}"),
    };
    if summary.status() == RunStatus::InfrastructureError && summary.not_run > 0 {
        line.push_str(&format!(
            "; STOPPED: {} planned trials not run",
            summary.not_run
        ));
    }
    line.push_str(&format!(" in {:.1} s", summary.duration.as_secs_f64()));
    line
}

/// Prints the table, the unexpected results and the verdict when the run finishes; a run
/// with boards in maintenance or results under quarantine gets a first line saying so.
pub struct SummaryReporter {
    out: Box<dyn Write + Send>,
    /// DUT names in the rack's order (from `RunStarted`).
    duts: Vec<String>,
    /// Where each simulated DUT's modem profile comes from, in the rack's order.
    profiles: Vec<(String, String)>,
    /// (DUT, line) of each unexpected result, in arrival order.
    unexpected: Vec<(String, String)>,
    marks: Arc<RunMarks>,
    tally: Tally,
}

impl SummaryReporter {
    /// Writes to stdout.
    pub fn stdout() -> Self {
        Self::new(Box::new(std::io::stdout()))
    }

    /// Writes to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        SummaryReporter {
            out,
            duts: Vec::new(),
            profiles: Vec::new(),
            unexpected: Vec::new(),
            marks: Arc::new(RunMarks::default()),
            tally: Tally::default(),
        }
    }

    /// With quarantine and maintenance marks.
    pub fn with_marks(mut self, marks: Arc<RunMarks>) -> Self {
        self.marks = marks;
        self
    }

    fn finish(&mut self, summary: &Summary) {
        if let Some(headline) = self.marks.headline(&self.tally) {
            let _ = writeln!(self.out, "{headline}");
        }
        let _ = writeln!(self.out, "{}", summary_table(summary));
        if let Some(line) = profiles_line(&self.profiles) {
            let _ = writeln!(self.out, "{line}");
        }
        if !self.unexpected.is_empty() {
            let _ = writeln!(self.out, "Unexpected results:");
            // Grouped by DUT in the rack's order, whatever order the DUTs finished in.
            let duts = &self.duts;
            let rank = |dut: &str| duts.iter().position(|d| d == dut);
            self.unexpected
                .sort_by_key(|(dut, _)| rank(dut).unwrap_or(usize::MAX));
            for (_, line) in &self.unexpected {
                let _ = writeln!(self.out, "  {line}");
            }
        }
        if !self.tally.now_passing.is_empty() {
            let _ = writeln!(
                self.out,
                "Quarantined trials that ended as expected (their entries may be removable):"
            );
            for name in &self.tally.now_passing {
                let _ = writeln!(self.out, "  {name}");
            }
        }
        let _ = writeln!(
            self.out,
            "{}",
            verdict_shielded(summary, self.tally.shielded)
        );
        let _ = self.out.flush();
    }
}

/// `simulated profiles: sim-1.3.6 bundled:mfw_nrf9160_1.3.6, sim-2.0.2 lab/mfw_….yaml` — which
/// profile each simulated DUT ran; `None` on a rack without simulated DUTs.
pub fn profiles_line(profiles: &[(String, String)]) -> Option<String> {
    if profiles.is_empty() {
        return None;
    }
    let each: Vec<String> = profiles
        .iter()
        .map(|(dut, source)| format!("{dut} {source}"))
        .collect();
    Some(crate::text::xml_safe(&format!(
        "simulated profiles: {}",
        each.join(", ")
    )))
}

/// ` [quarantined until …: reason]` / ` [quarantine EXPIRED …]` after an unexpected result.
fn quarantine_suffix(standing: Standing<'_>) -> String {
    match standing {
        Standing::Plain => String::new(),
        Standing::Shielded(mark) | Standing::Expired(mark) => format!("  [{}]", mark.describe()),
    }
}

impl Reporter for SummaryReporter {
    fn on_event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::RunStarted { duts, .. } => {
                self.duts = duts.iter().map(|d| d.name.clone()).collect();
                self.profiles = duts
                    .iter()
                    .filter_map(|d| {
                        let source = d.property(props::SIM_PROFILE_SOURCE)?;
                        Some((d.name.clone(), source.to_string()))
                    })
                    .collect();
            }
            RunEvent::CaseFinished(result) => {
                self.marks.count(&mut self.tally, result);
                if result.outcome.is_unexpected() {
                    let line = crate::text::xml_safe(&format!(
                        "{}  {}: {}{}",
                        result.id,
                        result.outcome.kind().label(),
                        result.outcome.note(),
                        quarantine_suffix(self.marks.standing(result))
                    ));
                    self.unexpected.push((result.id.dut.clone(), line));
                }
            }
            RunEvent::RunFinished(summary) => self.finish(summary),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hil_runner::{DutInfo, RunInfo};
    use hil_testkit::SharedBuf;

    fn dut(name: &str, source: Option<&str>) -> DutInfo {
        DutInfo {
            name: name.into(),
            firmware: None,
            properties: source
                .map(|s| vec![(props::SIM_PROFILE_SOURCE.to_string(), s.to_string())])
                .unwrap_or_default(),
        }
    }

    fn summary() -> Summary {
        Summary {
            per_dut: Vec::new(),
            total: Counts::default(),
            duration: std::time::Duration::ZERO,
            stopped: false,
            not_run: 0,
            not_run_trials: Vec::new(),
            incomplete_reports: Vec::new(),
            unfinished_parts: Vec::new(),
        }
    }

    #[test]
    fn a_stop_that_left_nothing_unrun_is_a_completed_run() {
        let mut s = summary();
        s.stopped = true;
        assert_eq!(s.status(), RunStatus::Completed);
        let line = verdict(&s);
        assert!(line.starts_with("PASSED: no unexpected results"), "{line}");
        assert!(!line.contains("STOPPED"), "{line}");
        s.not_run = 2;
        assert!(verdict(&s).starts_with("STOPPED: 2 planned trials not run"));
    }

    #[test]
    fn the_summary_names_the_profile_of_each_simulated_dut() {
        let buf = SharedBuf::default();
        let mut r = SummaryReporter::new(Box::new(buf.clone()));
        r.on_event(&RunEvent::RunStarted {
            info: RunInfo::new("r"),
            duts: vec![
                dut("sim-1.3.6", Some("bundled:mfw_nrf9160_1.3.6")),
                dut("lab-1", None),
                dut("sim-1.3.7", Some("profiles/mfw_nrf9160_1.3.7.yaml")),
            ],
            planned: 0,
        });
        r.on_event(&RunEvent::RunFinished(summary()));
        assert!(
            buf.text().contains(
                "simulated profiles: sim-1.3.6 bundled:mfw_nrf9160_1.3.6, \
                 sim-1.3.7 profiles/mfw_nrf9160_1.3.7.yaml\n"
            ),
            "{}",
            buf.text()
        );
        assert_eq!(profiles_line(&[]), None, "no line on a rack of real boards");
    }
}
