//! Live progress: indicatif bars on a terminal (an overall bar plus one line per DUT showing
//! its current case), a plain line per result otherwise (CI logs). With [`Flush::WhenIdle`]
//! the lines wait for the collector's idle call, which comes after the report files'
//! (a line shown means its result is in the files).

use std::io::Write;
use std::time::Duration;

use hil_runner::{OutcomeKind, Reporter, RunEvent, TrialResult};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::flush::Flush;

/// One line for a finished trial: `[  3/12] XFAIL  dut1::cmng::crlf  0.412s  <message>`.
pub fn result_line(done: usize, planned: usize, result: &TrialResult) -> String {
    let kind = result.outcome.kind();
    let width = planned.max(1).to_string().len();
    let mut line = format!(
        "[{done:>width$}/{planned}] {:<5}  {}  {:.3}s",
        kind.label(),
        result.id,
        result.duration.as_secs_f64()
    );
    if result.is_flaky() {
        line.push_str(&format!(
            "  FLAKY: passed on attempt {}/{}",
            result.attempts.len(),
            result.max_attempts
        ));
    } else if result.attempts.len() > 1 {
        line.push_str(&format!(
            "  RERUN: failed {}/{} attempts",
            result.attempts.len(),
            result.max_attempts
        ));
    }
    if kind != OutcomeKind::Pass {
        line.push_str("  ");
        line.push_str(&crate::text::xml_safe(&result.outcome.note()));
    }
    line
}

enum Mode {
    Bars {
        multi: MultiProgress,
        overall: ProgressBar,
        per_dut: Vec<(String, ProgressBar)>,
    },
    Lines(Box<dyn Write + Send>),
}

/// The progress reporter.
pub struct ProgressReporter {
    mode: Mode,
    planned: usize,
    done: usize,
    flush: Flush,
    /// Lines waiting for the collector's idle call ([`Flush::WhenIdle`]).
    held: Vec<String>,
}

impl ProgressReporter {
    /// Plain lines to `out`, one per result.
    pub fn lines(out: Box<dyn Write + Send>) -> Self {
        ProgressReporter {
            mode: Mode::Lines(out),
            planned: 0,
            done: 0,
            flush: Flush::default(),
            held: Vec::new(),
        }
    }

    /// When lines are printed (default: at once).
    pub fn with_flush(mut self, flush: Flush) -> Self {
        self.flush = flush;
        self
    }

    /// indicatif bars on stderr.
    pub fn bars() -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let overall = multi.add(ProgressBar::new(0));
        overall.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        ProgressReporter {
            mode: Mode::Bars {
                multi,
                overall,
                per_dut: Vec::new(),
            },
            planned: 0,
            done: 0,
            flush: Flush::default(),
            held: Vec::new(),
        }
    }

    fn say(&mut self, line: &str) {
        match self.flush {
            Flush::EveryEvent => self.print(line),
            Flush::WhenIdle => self.held.push(line.to_string()),
        }
    }

    /// Prints the lines held for the idle call.
    fn release(&mut self) {
        for line in std::mem::take(&mut self.held) {
            self.print(&line);
        }
    }

    fn print(&mut self, line: &str) {
        match &mut self.mode {
            Mode::Bars { multi, .. } => {
                let _ = multi.println(line);
            }
            Mode::Lines(out) => {
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
        }
    }

    fn dut_bar(&mut self, dut: &str) -> Option<&ProgressBar> {
        match &mut self.mode {
            Mode::Bars { per_dut, .. } => per_dut.iter().find(|(n, _)| n == dut).map(|(_, b)| b),
            Mode::Lines(_) => None,
        }
    }
}

impl Reporter for ProgressReporter {
    fn idle(&mut self) {
        self.release();
    }

    fn on_event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::RunStarted {
                info,
                duts,
                planned,
            } => {
                self.planned = *planned;
                if let Mode::Bars { overall, .. } = &self.mode {
                    overall.set_length(*planned as u64);
                }
                self.say(&format!(
                    "rack {}: {} trials on {} DUTs",
                    info.rack,
                    planned,
                    duts.len()
                ));
            }
            RunEvent::DutStarted { dut, planned } => {
                let mfw = dut
                    .firmware
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "unknown firmware".into());
                if let Mode::Bars { multi, per_dut, .. } = &mut self.mode {
                    let bar = multi.add(ProgressBar::new_spinner());
                    bar.set_style(
                        ProgressStyle::with_template("  {spinner} {prefix:.bold} {wide_msg}")
                            .expect("valid template"),
                    );
                    bar.set_prefix(dut.name.clone());
                    bar.enable_steady_tick(Duration::from_millis(120));
                    per_dut.push((dut.name.clone(), bar));
                }
                self.say(&format!("DUT {} ({mfw}): {planned} trials", dut.name));
            }
            RunEvent::CaseStarted { id, .. } => {
                let case = id.case.to_string();
                if let Some(bar) = self.dut_bar(&id.dut) {
                    bar.set_message(case);
                }
            }
            RunEvent::CaseFinished(result) => {
                self.done += 1;
                let line = result_line(self.done, self.planned, result);
                if let Mode::Bars { overall, .. } = &self.mode {
                    overall.inc(1);
                    if result.outcome.is_unexpected() {
                        overall.set_message("(unexpected results)");
                    }
                }
                self.say(&line);
            }
            RunEvent::DutFinished {
                dut, counts, lost, ..
            } => {
                if let Some(bar) = self.dut_bar(&dut.name) {
                    bar.finish_with_message("done");
                }
                let mut line = format!(
                    "DUT {} finished: {} results, {} unexpected",
                    dut.name,
                    counts.total(),
                    counts.unexpected()
                );
                if let Some(why) = lost {
                    line.push_str(&format!("; LOST: {why}"));
                }
                self.say(&line);
            }
            RunEvent::RunFinished(_) => {
                self.release();
                if let Mode::Bars { multi, overall, .. } = &self.mode {
                    overall.finish();
                    let _ = multi.clear();
                }
            }
        }
    }
}
