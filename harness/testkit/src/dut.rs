//! A fake DUT session for runner and report tests, and cases that record when they ran on it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hil_model::MfwVersion;
use hil_runner::{Case, CaseLog, DutSession, FnCase, Problem};

/// What happened on the fake rack, shared by every fake DUT and case of a test.
#[derive(Debug, Clone, Default)]
pub struct Lab {
    /// Every case execution, in the order they ended.
    pub spans: Arc<Mutex<Vec<Span>>>,
    /// How often any DUT was recovered.
    pub recoveries: Arc<AtomicUsize>,
}

/// One case execution: which DUT, which case, when.
#[derive(Debug, Clone)]
pub struct Span {
    /// The DUT the case ran on.
    pub dut: String,
    /// `<suite>::<case>`.
    pub case: String,
    /// When the case started.
    pub start: Instant,
    /// When the case finished.
    pub end: Instant,
}

impl Lab {
    /// Every case execution so far.
    pub fn spans(&self) -> Vec<Span> {
        self.spans.lock().unwrap().clone()
    }

    /// How often a DUT was recovered so far.
    pub fn recoveries(&self) -> usize {
        self.recoveries.load(Ordering::SeqCst)
    }

    /// How often `case` (`<suite>::<case>`) ran, on any DUT.
    pub fn runs_of(&self, case: &str) -> usize {
        self.spans().iter().filter(|s| s.case == case).count()
    }
}

/// A DUT session with no hardware: a name, a modem firmware, properties, and a recovery that
/// succeeds (or fails with `recovery_fails`).
#[derive(Debug)]
pub struct FakeDut {
    /// The DUT's name.
    pub name: String,
    /// The modem firmware the DUT reports, if any.
    pub mfw: Option<MfwVersion>,
    /// What [`DutSession::properties`] returns.
    pub properties: Vec<(String, String)>,
    /// The shared record this DUT writes its case spans and recoveries into.
    pub lab: Lab,
    /// `recover` fails with this message when set.
    pub recovery_fails: Option<String>,
    /// The DUT did not come up, with this fault, when set ([`DutSession::bring_up_fault`]).
    pub bring_up_fault: Option<String>,
    /// Set by a hang, cleared by recovery: cases made with [`case`] refuse to run on a hung DUT.
    pub hung: bool,
    /// Per-case attempt counters (for flaky cases).
    pub attempts: Arc<Mutex<Vec<(String, u32)>>>,
}

impl FakeDut {
    /// A DUT called `name` running modem firmware `mfw` (e.g. `mfw_nrf9160_1.3.6`), reporting
    /// one property (`hw_version`), recording into `lab`.
    ///
    /// # Panics
    /// If `mfw` is not a modem firmware name (a mistake in the test).
    pub fn new(name: &str, mfw: &str, lab: &Lab) -> Self {
        FakeDut {
            name: name.to_string(),
            mfw: Some(MfwVersion::parse(mfw).unwrap()),
            properties: vec![("hw_version".into(), "nRF9160 SICA B1A".into())],
            lab: lab.clone(),
            recovery_fails: None,
            bring_up_fault: None,
            hung: false,
            attempts: Arc::default(),
        }
    }

    /// A DUT called `name` whose modem firmware is unknown (its identity never read), reporting
    /// no properties, recording into `lab`.
    pub fn unidentified(name: &str, lab: &Lab) -> Self {
        FakeDut {
            mfw: None,
            properties: Vec::new(),
            ..FakeDut::new(name, "mfw_nrf9160_1.3.6", lab)
        }
    }

    /// The same DUT reporting `properties` instead.
    pub fn with_properties(mut self, properties: &[(&str, &str)]) -> Self {
        self.properties = properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self
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
        self.properties.clone()
    }
    fn bring_up_fault(&self) -> Option<String> {
        self.bring_up_fault.clone()
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

/// A case that refuses a hung DUT, records a one-line transcript and its span, sleeps `busy`,
/// then returns what `body` says (a hang marks the DUT hung until it is recovered).
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

/// A [`case`] that passes at once.
pub fn passing(suite: &str, name: &str) -> Arc<dyn Case<FakeDut>> {
    case(suite, name, Duration::ZERO, |_, _| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_count_per_case_and_recovery_clears_a_hang() {
        let lab = Lab::default();
        let mut dut = FakeDut::new("d", "mfw_nrf9160_1.3.6", &lab);
        assert_eq!(dut.next_attempt("a"), 1);
        assert_eq!(dut.next_attempt("a"), 2);
        assert_eq!(dut.next_attempt("b"), 1);
        dut.hung = true;
        assert!(dut.recover().is_ok());
        assert!(!dut.hung);
        dut.recovery_fails = Some("no supply".into());
        assert_eq!(dut.recover().unwrap_err().to_string(), "no supply");
        assert_eq!(lab.recoveries(), 2);
    }

    #[test]
    fn an_unidentified_dut_has_no_firmware_and_no_properties() {
        let dut = FakeDut::unidentified("d", &Lab::default());
        assert_eq!(dut.name(), "d");
        assert_eq!(dut.firmware(), None);
        assert!(dut.properties().is_empty());
    }

    #[test]
    fn properties_can_be_replaced() {
        let dut = FakeDut::new("d", "mfw_nrf9160_1.3.6", &Lab::default())
            .with_properties(&[("app_firmware", "0.1.0+abc")]);
        assert_eq!(
            dut.properties(),
            [("app_firmware".to_string(), "0.1.0+abc".to_string())]
        );
    }
}
