//! The scheduler: every selected case on every DUT, DUTs in parallel (one thread each), the
//! cases of a DUT one after the other, results to reporters through the collector thread.
//!
//! A stop request (SIGINT) lets each DUT thread finish its current case and stop; everything
//! that finished is reported and the summary says the run was stopped.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use crate::case::{Case, CaseId};
use crate::event::{
    Collector, Counts, EventSink, Reporter, RunEvent, RunInfo, Summary, incomplete_reports,
};
use crate::expectations::{Expectations, ExpectationsError};
use crate::filter::{Filter, Selection};
use crate::held_out::{HeldOut, report_held_out};
use crate::outcome::{TrialId, TrialResult};
use crate::retain::Retained;
use crate::session::DutSession;
use crate::stop::StopFlag;
use crate::trial::{DutSlot, TrialContext, execute_reported};

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    #[error("{0}")]
    /// The expectations file is invalid.
    Expectations(#[from] ExpectationsError),
    #[error("two cases have the id `{0}`")]
    /// Two cases have the same id.
    DuplicateCase(CaseId),
    #[error("two DUTs are named `{0}`")]
    /// Two DUTs have the same name.
    DuplicateDut(String),
}

/// A conformance run: cases, expectations and settings; [`Run::execute`] runs it on DUTs.
pub struct Run<D> {
    info: RunInfo,
    cases: Vec<Arc<dyn Case<D>>>,
    expectations: Expectations,
    filter: Filter,
    retries: u32,
    stop: StopFlag,
    held_out: Vec<HeldOut>,
    retained: Retained,
}

/// Everything a finished (or stopped) run gives back.
pub struct RunOutput<D> {
    /// The counts per DUT and in total.
    pub summary: Summary,
    /// Every reported result, DUT by DUT in execution order, as [`Run::with_retained`] keeps
    /// them.
    pub results: Vec<TrialResult>,
    /// The DUT sessions, for the caller to close.
    pub duts: Vec<D>,
    /// The reporters, after they saw `RunFinished`.
    pub reporters: Vec<Box<dyn Reporter>>,
}

impl<D: DutSession> Run<D> {
    /// A run of `cases`; fails when case ids repeat or the expectations name unknown cases.
    pub fn new(
        info: RunInfo,
        cases: Vec<Arc<dyn Case<D>>>,
        expectations: Expectations,
    ) -> Result<Self, RunError> {
        let mut seen = HashSet::new();
        for case in &cases {
            let id = case.id();
            if !seen.insert(id.clone()) {
                return Err(RunError::DuplicateCase(id));
            }
        }
        expectations.check_case_ids(seen.iter())?;
        Ok(Run {
            info,
            cases,
            expectations,
            filter: Filter::all(),
            retries: 0,
            stop: StopFlag::new(),
            held_out: Vec::new(),
            retained: Retained::Everything,
        })
    }

    /// What [`RunOutput::results`] keeps of each result (default: everything).
    pub fn with_retained(mut self, retained: Retained) -> Self {
        self.retained = retained;
        self
    }

    /// Runs only the trials `filter` selects.
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// Extra attempts for failed or errored trials.
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Uses `stop` as the run's stop flag.
    pub fn with_stop_flag(mut self, stop: StopFlag) -> Self {
        self.stop = stop;
        self
    }

    /// Boards the run does not touch (in maintenance): reported with their selected cases
    /// skipped and one `<dut>::health::maintenance` error each.
    pub fn with_held_out(mut self, held_out: Vec<HeldOut>) -> Self {
        self.held_out = held_out;
        self
    }

    /// The boards held out of the run.
    pub fn held_out(&self) -> &[HeldOut] {
        &self.held_out
    }

    /// The stop flag (register it with a SIGINT handler).
    pub fn stop_flag(&self) -> &StopFlag {
        &self.stop
    }

    /// Extra attempts for failed or errored trials.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The run's metadata.
    pub fn info(&self) -> &RunInfo {
        &self.info
    }

    /// The run's cases.
    pub fn cases(&self) -> &[Arc<dyn Case<D>>] {
        &self.cases
    }

    /// The expectation data the run looks outcomes up in.
    pub fn expectations(&self) -> &Expectations {
        &self.expectations
    }

    /// The trials this run would execute on a DUT named `dut`, with the filter applied
    /// (what `--list` prints), and whether each is ignored.
    pub fn plan_for(&self, dut: &str) -> Vec<(TrialId, Selection)> {
        self.cases
            .iter()
            .map(|case| {
                let id = TrialId::new(dut, case.id());
                let selection = self.filter.select(&id.to_string(), case.ignored());
                (id, selection)
            })
            .collect()
    }

    fn selected(&self, dut: &str) -> Vec<&dyn Case<D>> {
        self.cases
            .iter()
            .filter(|case| {
                let name = TrialId::new(dut, case.id()).to_string();
                self.filter.select(&name, case.ignored()) == Selection::Run
            })
            .map(|case| case.as_ref())
            .collect()
    }

    /// Runs every selected case on every DUT and reports to `reporters`.
    pub fn execute(
        &self,
        duts: Vec<D>,
        reporters: Vec<Box<dyn Reporter>>,
    ) -> Result<RunOutput<D>, RunError> {
        check_unique_names(&duts)?;
        let clock = Instant::now();
        let slots: Vec<DutSlot<D>> = duts.into_iter().map(DutSlot::new).collect();
        let plans: Vec<Vec<&dyn Case<D>>> =
            slots.iter().map(|s| self.selected(&s.info.name)).collect();
        let held_plans: Vec<Vec<(CaseId, String)>> = self
            .held_out
            .iter()
            .map(|h| {
                self.selected(&h.dut.name)
                    .iter()
                    .map(|c| (c.id(), c.description().to_string()))
                    .collect()
            })
            .collect();
        let planned = plans.iter().map(Vec::len).sum::<usize>()
            + held_plans.iter().map(|p| p.len() + 1).sum::<usize>();

        let collector = Collector::start(reporters);
        let events = collector.sink();
        events.send(RunEvent::RunStarted {
            info: self.info.clone(),
            duts: slots
                .iter()
                .map(|s| s.info.clone())
                .chain(self.held_out.iter().map(|h| h.dut.clone()))
                .collect(),
            planned,
        });
        let ctx = TrialContext {
            expectations: &self.expectations,
            retries: self.retries,
            stop: &self.stop,
        };

        let finished: Vec<(DutSlot<D>, Vec<TrialResult>, Vec<TrialId>)> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = slots
                    .into_iter()
                    .zip(plans)
                    .map(|(slot, plan)| {
                        let events = events.clone();
                        let ctx = &ctx;
                        let retained = self.retained;
                        std::thread::Builder::new()
                            .name(format!("dut-{}", slot.info.name))
                            .spawn_scoped(scope, move || {
                                run_dut(ctx, slot, plan, &events, retained)
                            })
                            .expect("spawn a DUT thread")
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a DUT thread panicked outside a case"))
                    .collect()
            });

        let not_run = finished.iter().flat_map(|f| f.2.iter().cloned()).collect();
        let mut summary = summarize(finished.iter().map(|f| &f.0), clock, &self.stop, not_run);
        let mut results = Vec::new();
        let mut duts = Vec::new();
        for (slot, dut_results, _) in finished {
            results.extend(dut_results);
            duts.push(slot.session);
        }
        for (held, plan) in self.held_out.iter().zip(&held_plans) {
            let (counts, held_results) = report_held_out(held, plan, &events);
            summary.total.merge(&counts);
            summary.per_dut.push((held.dut.clone(), counts));
            results.extend(held_results);
        }
        events.send(RunEvent::RunFinished(summary.clone()));
        drop(events);
        let reporters = collector.finish();
        summary.incomplete_reports = incomplete_reports(&reporters);
        Ok(RunOutput {
            summary,
            results,
            duts,
            reporters,
        })
    }
}

/// Refuses two DUTs with the same name: trial names `<dut>::<suite>::<case>` must be unique.
/// The one check behind both entry points ([`Run::execute`] and [`crate::run_libtest`]).
pub(crate) fn check_unique_names<D: DutSession>(duts: &[D]) -> Result<(), RunError> {
    let mut names = HashSet::new();
    match duts.iter().find(|dut| !names.insert(dut.name())) {
        Some(dut) => Err(RunError::DuplicateDut(dut.name().to_string())),
        None => Ok(()),
    }
}

/// The run summary from the finished DUT slots (in DUT order): per-DUT counts and their total.
/// The one summary assembly behind both entry points.
pub(crate) fn summarize<'a, D: 'a>(
    slots: impl IntoIterator<Item = &'a DutSlot<D>>,
    clock: Instant,
    stop: &StopFlag,
    not_run: Vec<TrialId>,
) -> Summary {
    let mut total = Counts::default();
    let mut per_dut = Vec::new();
    for slot in slots {
        total.merge(&slot.counts);
        per_dut.push((slot.info.clone(), slot.counts));
    }
    Summary {
        per_dut,
        total,
        duration: clock.elapsed(),
        stopped: stop.is_requested(),
        not_run: not_run.len(),
        not_run_trials: not_run,
        incomplete_reports: Vec::new(),
        unfinished_parts: Vec::new(),
    }
}

/// One DUT thread: its cases in order until done or stopped. Returns the trials not run.
fn run_dut<D: DutSession>(
    ctx: &TrialContext<'_>,
    mut slot: DutSlot<D>,
    plan: Vec<&dyn Case<D>>,
    events: &EventSink,
    retained: Retained,
) -> (DutSlot<D>, Vec<TrialResult>, Vec<TrialId>) {
    events.send(RunEvent::DutStarted {
        dut: slot.info.clone(),
        planned: plan.len(),
    });
    let mut results = Vec::with_capacity(plan.len());
    for case in &plan {
        if ctx.stop.is_requested() {
            tracing::warn!(dut = %slot.info.name, "stop requested; not starting further cases");
            break;
        }
        results.push(retained.keep(execute_reported(ctx, &mut slot, *case, events)));
    }
    let not_run = plan[results.len()..]
        .iter()
        .map(|case| TrialId::new(slot.info.name.clone(), case.id()))
        .collect();
    events.send(slot.finished_event());
    (slot, results, not_run)
}
