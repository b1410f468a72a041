//! Every simulated SCPI model, driven from its own table: each query answers, each setting can
//! be read back, `*RST` restores the defaults, unknown commands go to the error queue without
//! an answer, the queue overflows with -350, protection trips and clears, and each model's
//! channel syntax reaches the channel it names.

use std::sync::Arc;

use hil_model::ScpiModel;

use super::engine;
use super::instrument::Instrument;
use super::model_spec;
use super::spec::{Chan, ChanStyle, Entry, Form, Forms, ModelSpec, Op};
use crate::rail::{Slew, SupplyRail};

const MODELS: [ScpiModel; 9] = [
    ScpiModel::Generic,
    ScpiModel::KeysightE36300,
    ScpiModel::KeysightE3631a,
    ScpiModel::RigolDp800,
    ScpiModel::SiglentSpd3303x,
    ScpiModel::RsHmc804x,
    ScpiModel::RsNge100,
    ScpiModel::Keithley2230,
    ScpiModel::Keithley2280,
];

/// A simulated instrument of `model` on a rail that is on and settled at 3 V.
struct Sim {
    inst: Instrument,
    rail: Arc<SupplyRail>,
    model: ScpiModel,
}

impl Sim {
    fn new(model: ScpiModel) -> Sim {
        Sim::with_depth(model, model_spec(model).queue.0)
    }

    fn with_depth(model: ScpiModel, depth: usize) -> Sim {
        let rail = Arc::new(SupplyRail::new(3.0, Slew::FAST));
        let inst = Instrument::new(model_spec(model), rail.clone(), 1, false, depth);
        Sim { inst, rail, model }
    }

    fn spec(&self) -> &'static ModelSpec {
        self.inst.spec
    }

    fn ask(&mut self, line: &str) -> Option<String> {
        engine::execute(&mut self.inst, line)
    }

    fn query(&mut self, line: &str) -> String {
        let model = self.model;
        self.ask(line)
            .unwrap_or_else(|| panic!("{model}: no answer to {line:?}; queue: {}", self.error()))
    }

    /// The oldest queued error.
    fn error(&mut self) -> String {
        self.ask("SYST:ERR?").expect("SYST:ERR? always answers")
    }

    fn no_error(&mut self, after: &str) {
        let e = self.error();
        assert_eq!(e, "+0,\"No error\"", "{}: after {after}", self.model);
    }

    /// The line that performs `entry` on channel `ch`, with `value` for a set command.
    fn line(&self, entry: &Entry, ch: u8, value: Option<&str>) -> String {
        let header = entry.headers[0];
        let mark = if entry.forms == Forms::Query { "?" } else { "" };
        let head = match (entry.chan, self.spec().prefix) {
            (Chan::Selected | Chan::Prefix, Some(p)) => format!("{p}{ch}:{header}{mark}"),
            _ => format!("{header}{mark}"),
        };
        let name = |style: ChanStyle| style.name(ch);
        let args: Vec<String> = match entry.chan {
            Chan::Lead(s) | Chan::Named(s) => std::iter::once(name(s))
                .chain(value.map(str::to_owned))
                .collect(),
            Chan::Trail(s) => value
                .map(str::to_owned)
                .into_iter()
                .chain([name(s)])
                .collect(),
            _ => value.map(str::to_owned).into_iter().collect(),
        };
        if args.is_empty() {
            head
        } else {
            format!("{head} {}", args.join(","))
        }
    }

    /// The row performing `op` in `form`, as a row of that form alone.
    fn entry(&self, op: Op, form: Form) -> Option<Entry> {
        self.spec()
            .entries()
            .find(|e| e.op == op && e.forms.has(form))
            .map(|e| narrow(e, form))
    }

    /// Performs `op` (a set command) on channel 1 with `value`; panics if the model lacks it.
    fn set(&mut self, op: Op, value: &str) {
        let entry = self.entry(op, Form::Set).expect("model has the setting");
        let line = self.line(&entry, 1, Some(value));
        assert_eq!(
            self.ask(&line),
            None,
            "{}: a set command never answers",
            self.model
        );
        self.no_error(&line);
    }

    fn get(&mut self, op: Op) -> String {
        let entry = self.entry(op, Form::Query).expect("model has the query");
        let line = self.line(&entry, 1, None);
        self.query(&line)
    }

    /// Every parameter query on channel 1, with its answer.
    fn parameters(&mut self) -> Vec<(String, String)> {
        let queries: Vec<Entry> = self
            .spec()
            .entries()
            .filter(|e| e.forms.has(Form::Query) && e.op.is_parameter())
            .map(|e| narrow(e, Form::Query))
            .collect();
        queries
            .into_iter()
            .map(|e| {
                let line = self.line(&e, 1, None);
                let answer = self.query(&line);
                (line, answer)
            })
            .collect()
    }

    /// Switches channel 1 on by whatever the model uses (and the R&S master).
    fn output_on(&mut self) {
        match self.entry(Op::Output, Form::Set) {
            Some(_) => self.set(Op::Output, "ON"),
            None => self.set(Op::AllOutputs, "ON"),
        }
        if self.spec().master_switch {
            self.set(Op::Master, "ON");
        }
    }
}

/// A value different from the power-on default for each settable parameter.
fn other_value(op: Op) -> Option<String> {
    Some(match op {
        Op::Volts => "1.5".into(),
        Op::Amps => "0.25".into(),
        Op::Output | Op::AllOutputs | Op::Master | Op::OvpEnabled | Op::OcpEnabled => "ON".into(),
        Op::Tracking | Op::VoltLimitEnabled => "ON".into(),
        Op::Display => "OFF".into(),
        Op::OvpLevel => "5".into(),
        Op::OcpLevel => "2".into(),
        Op::OcpDelay => "0.5".into(),
        Op::VoltLimit => "10".into(),
        Op::DisplayText => "\"HIL\"".into(),
        Op::Nplc => "5".into(),
        Op::TrackMode => "1".into(),
        Op::SelectNumber => "2".into(),
        Op::SelectName(style) => style.name(2),
        // System settings, not part of the *RST state.
        Op::Beeper | Op::Otp => return None,
        _ => return None,
    })
}

#[test]
fn every_query_of_every_model_answers() {
    for model in MODELS {
        let mut sim = Sim::new(model);
        let queries: Vec<Entry> = sim
            .spec()
            .entries()
            .filter(|e| e.forms.has(Form::Query))
            .map(|e| narrow(e, Form::Query))
            .collect();
        assert!(!queries.is_empty(), "{model}");
        for e in queries {
            for header in e.headers {
                let line = sim.line(&e, 1, None).replacen(e.headers[0], header, 1);
                let answer = sim.query(&line);
                assert!(!answer.is_empty(), "{model}: {line}");
                sim.no_error(&line);
            }
        }
        for common in [
            "*IDN?", "*OPC?", "*ESR?", "*STB?", "*ESE?", "*SRE?", "*TST?",
        ] {
            sim.query(common);
        }
        assert!(sim.query("SYST:VERS?").starts_with("19"), "{model}");
    }
}

#[test]
fn every_setting_has_its_query() {
    for model in MODELS {
        let spec = model_spec(model);
        for e in spec
            .entries()
            .filter(|e| e.forms.has(Form::Set) && e.op.is_parameter())
        {
            // Siglent reads back its output switches and tracking mode in `SYST:STAT?` only.
            let in_status =
                spec.has(Op::SystemStatus) && matches!(e.op, Op::Output | Op::TrackMode);
            assert!(
                in_status || spec.find(e.headers[0], Form::Query).is_some(),
                "{model}: `{}` can be set but not queried",
                e.headers[0]
            );
        }
    }
}

#[test]
fn reset_restores_the_defaults() {
    for model in MODELS {
        let mut sim = Sim::new(model);
        assert_eq!(sim.ask("*RST"), None);
        let defaults = sim.parameters();
        let sets: Vec<(Op, String)> = sim
            .spec()
            .entries()
            .filter(|e| e.forms.has(Form::Set))
            .filter_map(|e| Some((e.op, other_value(e.op)?)))
            .collect();
        for (op, value) in &sets {
            sim.set(*op, value);
        }
        let changed = sim.parameters();
        assert_ne!(changed, defaults, "{model}: the settings took");
        assert_eq!(sim.ask("*RST"), None);
        assert_eq!(sim.parameters(), defaults, "{model}: *RST restores");
        assert!(!sim.rail.output_on(), "{model}: outputs off after *RST");
        sim.no_error("*RST");
    }
}

#[test]
fn unknown_commands_queue_errors_and_get_no_answer() {
    for model in MODELS {
        let mut sim = Sim::new(model);
        let cases = [
            ("FOO:BAR 1", "-113,\"Undefined header\""),
            ("FOO:BAR?", "-113,\"Undefined header\""),
            ("VOLT:", "-102,\"Syntax error\""),
            ("*IDN", "-113,\"Undefined header\""),
            ("*ESE", "-109,\"Missing parameter\""),
            ("*ESE 300", "-222,\"Data out of range\""),
        ];
        for (line, error) in cases {
            assert_eq!(sim.ask(line), None, "{model}: {line} is not answered");
            assert_eq!(sim.error(), error, "{model}: {line}");
            sim.no_error(line);
        }
        // A query with an unknown unit: the known units answer, the unknown one adds nothing.
        assert_eq!(sim.query("*OPC?;FOO?;*OPC?"), "1;1", "{model}");
        assert_eq!(sim.error(), "-113,\"Undefined header\"");
        // Setting out of range, or without its value, through the model's own voltage command.
        let volts = sim.entry(Op::Volts, Form::Set).unwrap();
        let line = sim.line(&volts, 1, Some("999"));
        assert_eq!(sim.ask(&line), None);
        assert_eq!(sim.error(), "-222,\"Data out of range\"", "{model}: {line}");
        let line = sim.line(&volts, 1, None);
        if !matches!(volts.chan, Chan::Lead(_) | Chan::Trail(_)) {
            assert_eq!(sim.ask(&line), None);
            assert_eq!(sim.error(), "-109,\"Missing parameter\"", "{model}: {line}");
        }
        assert!(
            (sim.rail.setpoint() - 3.0).abs() < 1e-9,
            "{model}: nothing applied"
        );
    }
}

#[test]
fn event_status_register_reports_error_classes() {
    for model in MODELS {
        let mut sim = Sim::new(model);
        assert_eq!(sim.query("*ESR?"), "0");
        sim.ask("FOO");
        assert_eq!(sim.query("*STB?"), "4", "{model}: error queue not empty");
        assert_eq!(sim.query("*ESR?"), "32", "{model}: command error");
        assert_eq!(sim.query("*ESR?"), "0", "{model}: *ESR? clears");
        sim.ask("*ESE 16;*SRE 32");
        assert_eq!(sim.query("*ESE?;*SRE?"), "16;32");
        sim.ask("*ESE 300");
        assert_eq!(sim.query("*STB?"), "100", "{model}: EAV + ESB + MSS");
        sim.ask("*CLS");
        assert_eq!(sim.query("*STB?;*ESR?"), "0;0", "{model}: *CLS clears");
        sim.no_error("*CLS");
        sim.ask("*OPC");
        assert_eq!(sim.query("*ESR?"), "1", "{model}: *OPC sets bit 0");
    }
}

#[test]
fn the_queue_overflows_with_350_at_the_models_depth() {
    for model in MODELS {
        let depth = model_spec(model).queue.0;
        for depth in [depth, 3] {
            let mut sim = Sim::with_depth(model, depth);
            for _ in 0..depth + 4 {
                sim.ask("FOO");
            }
            if sim.spec().has(Op::ErrorCount) {
                assert_eq!(sim.query("SYST:ERR:COUN?"), depth.to_string(), "{model}");
            }
            for _ in 0..depth - 1 {
                assert_eq!(sim.error(), "-113,\"Undefined header\"", "{model}");
            }
            assert_eq!(
                sim.error(),
                "-350,\"Queue overflow\"",
                "{model} depth {depth}"
            );
            sim.no_error("reading the whole queue");
        }
    }
}

#[test]
fn protection_trips_switches_off_and_clears() {
    for model in MODELS {
        let mut sim = Sim::new(model);
        if sim.entry(Op::OvpLevel, Form::Set).is_none() {
            assert!(matches!(
                model,
                ScpiModel::KeysightE3631a | ScpiModel::Keithley2230 | ScpiModel::SiglentSpd3303x
            ));
            continue;
        }
        sim.output_on();
        assert!(sim.rail.output_on(), "{model}");
        if sim.entry(Op::OvpEnabled, Form::Set).is_some() {
            sim.set(Op::OvpEnabled, "ON");
        }
        sim.set(Op::OvpLevel, "2");
        assert!(
            !sim.rail.output_on(),
            "{model}: OVP at 2 V switched the 3 V output off"
        );
        let tripped = sim.get(Op::OvpTripped);
        assert!(
            matches!(tripped.as_str(), "1" | "YES"),
            "{model}: {tripped}"
        );
        sim.set(Op::OvpLevel, "5");
        let clear = [Op::OvpClear, Op::OvpClearRestore, Op::ProtClear]
            .into_iter()
            .find(|op| sim.entry(*op, Form::Set).is_some())
            .expect("a way to clear OVP");
        let entry = sim.entry(clear, Form::Set).unwrap();
        let line = sim.line(&entry, 1, None);
        assert_eq!(sim.ask(&line), None);
        sim.no_error(&line);
        let tripped = sim.get(Op::OvpTripped);
        assert!(matches!(tripped.as_str(), "0" | "NO"), "{model}: {tripped}");
        assert_eq!(
            sim.rail.output_on(),
            clear == Op::OvpClearRestore,
            "{model}"
        );
    }
}

#[test]
fn over_current_trips_at_its_level_or_the_current_limit() {
    for model in MODELS {
        let mut sim = Sim::new(model);
        if sim.entry(Op::OcpTripped, Form::Query).is_none() {
            continue;
        }
        sim.output_on();
        sim.rail.set_load_amps(1.0);
        match sim.entry(Op::OcpLevel, Form::Set) {
            Some(_) => sim.set(Op::OcpLevel, "0.5"),
            None => sim.set(Op::Amps, "0.5"),
        }
        assert!(sim.rail.output_on(), "{model}: not armed yet");
        sim.set(Op::OcpEnabled, "ON");
        assert!(!sim.rail.output_on(), "{model}: 1 A over 0.5 A tripped");
        let tripped = sim.get(Op::OcpTripped);
        assert!(
            matches!(tripped.as_str(), "1" | "YES"),
            "{model}: {tripped}"
        );
    }
}

#[test]
fn each_models_channel_syntax_reaches_channel_two() {
    for model in MODELS {
        let mut sim = Sim::new(model);
        if sim.spec().channel_count() < 2 {
            continue;
        }
        let set = sim.entry(Op::Volts, Form::Set).unwrap();
        let by_selection = matches!(set.chan, Chan::Selected) && sim.spec().prefix.is_none();
        if by_selection {
            let select = sim.entry(Op::SelectNumber, Form::Set).unwrap();
            let line = sim.line(&select, 1, Some("2"));
            sim.ask(&line);
        }
        let line = sim.line(&set, 2, Some("1.25"));
        assert_eq!(sim.ask(&line), None);
        sim.no_error(&line);
        let q = sim.entry(Op::Volts, Form::Query).unwrap();
        let line = sim.line(&q, 2, None);
        let v: f64 = super::parse::number(&sim.query(&line)).unwrap();
        assert!((v - 1.25).abs() < 1e-9, "{model}: {line} → {v}");
        assert!(
            (sim.rail.setpoint() - 3.0).abs() < 1e-9,
            "{model}: the wired channel 1 kept its set point"
        );
    }
}

#[test]
fn compound_messages_follow_the_header_path() {
    let mut sim = Sim::new(ScpiModel::Generic);
    assert_eq!(sim.ask(":INST:NSEL 2;:VOLT 1.5;:CURR 0.2"), None);
    sim.no_error("compound set");
    assert_eq!(sim.query("VOLT?;CURR?;:INST:NSEL?"), "1.5000;0.2000;2");
    // `VOLT:PROT 5;PROT:STAT ON` continues in `VOLT:` (SCPI-99 §6.2.4).
    sim.ask("VOLT:PROT 5;PROT:STAT ON");
    sim.no_error("VOLT:PROT 5;PROT:STAT ON");
    assert_eq!(sim.query("VOLT:PROT?;PROT:STAT?"), "5.0000;1");
    // pymeasure's Keithley 2200 `INST:SEL CH2;VOLT?`: relative `INST:VOLT` is undefined, so the
    // root `VOLT` is meant.
    let mut k = Sim::new(ScpiModel::Keithley2230);
    assert_eq!(k.ask("INST:SEL CH2;VOLT 2.5"), None);
    k.no_error("INST:SEL CH2;VOLT 2.5");
    assert_eq!(k.query("INST:SEL CH2;VOLT?"), "2.5000");
    assert_eq!(k.query("INST?"), "CH2");
}

#[test]
fn rigol_answers_its_own_formats() {
    let mut sim = Sim::new(ScpiModel::RigolDp800);
    sim.ask(":APPL CH1,3.3,0.5");
    assert_eq!(sim.query(":APPL? CH1"), "CH1:30V/3A,3.300,0.5000");
    assert_eq!(sim.query(":OUTP? CH1;:OUTP:MODE? CH1"), "ON;CV");
    assert_eq!(sim.query("SYST:BEEP:STAT?"), "ON");
    sim.ask("SYST:BEEP:STAT OFF");
    assert_eq!(sim.query("SYST:BEEPer:STATe?"), "OFF");
    assert_eq!(sim.query(":OUTP:OVP:QUES? CH1"), "NO");
    sim.rail.set_load_amps(0.01);
    let all = sim.query(":MEAS:ALL? CH1");
    let fields: Vec<f64> = all.split(',').map(|f| f.parse().unwrap()).collect();
    assert_eq!(fields.len(), 3, "{all}");
    assert!((fields[1] - 0.01).abs() < 1e-9, "{all}");
    assert_eq!(sim.query(":SOUR2:VOLT?"), "0.0000");
}

/// `e` as a row of `form` alone (a parameter row has both forms).
fn narrow(e: &Entry, form: Form) -> Entry {
    Entry {
        forms: form.into(),
        ..*e
    }
}
