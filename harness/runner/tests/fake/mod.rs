//! A fake DUT session, fake cases and a recording reporter for the runner's own tests.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hil_model::MfwVersion;
use hil_runner::{Case, CaseLog, DutSession, FnCase, Problem, Reporter, RunEvent};

/// What happened on the fake rack, shared by every fake DUT and case of a test.
#[derive(Clone, Default)]
pub struct Lab {
    pub spans: Arc<Mutex<Vec<Span>>>,
    pub recoveries: Arc<AtomicUsize>,
}

/// One case execution: which DUT, which case, when.
#[derive(Debug, Clone)]
pub struct Span {
    pub dut: String,
    pub case: String,
    pub start: Instant,
    pub end: Instant,
}

impl Lab {
    pub fn spans(&self) -> Vec<Span> {
        self.spans.lock().unwrap().clone()
    }
    pub fn recoveries(&self) -> usize {
        self.recoveries.load(Ordering::SeqCst)
    }
    pub fn runs_of(&self, case: &str) -> usize {
        self.spans().iter().filter(|s| s.case == case).count()
    }
}

pub struct FakeDut {
    pub name: String,
    pub mfw: Option<MfwVersion>,
    pub lab: Lab,
    /// `recover` fails with this message when set.
    pub recovery_fails: Option<String>,
    /// Set by a hang, cleared by recovery: cases refuse to run on a hung DUT.
    pub hung: bool,
    /// Per-case attempt counters (for flaky cases).
    pub attempts: Arc<Mutex<Vec<(String, u32)>>>,
}

impl FakeDut {
    pub fn new(name: &str, mfw: &str, lab: &Lab) -> Self {
        FakeDut {
            name: name.to_string(),
            mfw: Some(MfwVersion::parse(mfw).unwrap()),
            lab: lab.clone(),
            recovery_fails: None,
            hung: false,
            attempts: Arc::default(),
        }
    }

    /// Counts and returns the attempt number of `case` on this DUT (1-based).
    pub fn next_attempt(&self, case: &str) -> u32 {
        let mut attempts = self.attempts.lock().unwrap();
        match attempts.iter_mut().find(|(c, _)| c == case) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                attempts.push((case.to_string(), 1));
                1
            }
        }
    }
}

impl DutSession for FakeDut {
    fn name(&self) -> &str {
        &self.name
    }
    fn firmware(&self) -> Option<&MfwVersion> {
        self.mfw.as_ref()
    }
    fn properties(&self) -> Vec<(String, String)> {
        vec![("hw_version".into(), "nRF9160 SICA B1A".into())]
    }
    type RecoverError = std::io::Error;

    fn recover(&mut self) -> Result<(), std::io::Error> {
        self.lab.recoveries.fetch_add(1, Ordering::SeqCst);
        if let Some(why) = &self.recovery_fails {
            return Err(std::io::Error::other(why.clone()));
        }
        self.hung = false;
        Ok(())
    }
}

/// A case that records its span, sleeps `busy`, then returns what `body` says.
pub fn case(
    suite: &str,
    name: &str,
    busy: Duration,
    body: impl Fn(&mut FakeDut, &mut CaseLog) -> Result<(), Problem> + Send + Sync + 'static,
) -> Arc<dyn Case<FakeDut>> {
    let case_name = format!("{suite}::{name}");
    let name = name.to_string();
    Arc::new(FnCase::new(
        suite,
        name.clone(),
        format!("fake case {name}"),
        move |dut: &mut FakeDut, log: &mut CaseLog| {
            if dut.hung {
                return Err(Problem::infra("DUT is hung and was not recovered"));
            }
            let start = Instant::now();
            log.transcript(&format!("AT+{name}\r\nOK"));
            std::thread::sleep(busy);
            let result = body(dut, log);
            dut.lab.spans.lock().unwrap().push(Span {
                dut: dut.name.clone(),
                case: case_name.clone(),
                start,
                end: Instant::now(),
            });
            if matches!(result, Err(Problem::Hang(_))) {
                dut.hung = true;
            }
            result
        },
    ))
}

pub fn passing(suite: &str, name: &str) -> Arc<dyn Case<FakeDut>> {
    case(suite, name, Duration::ZERO, |_, _| Ok(()))
}

/// Records every event it sees.
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<RunEvent>>>);

impl Recorder {
    pub fn events(&self) -> Vec<RunEvent> {
        self.0.lock().unwrap().clone()
    }
    pub fn boxed(&self) -> Vec<Box<dyn Reporter>> {
        vec![Box::new(self.clone())]
    }
}

impl Reporter for Recorder {
    fn on_event(&mut self, event: &RunEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}
