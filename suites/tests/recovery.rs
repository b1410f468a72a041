//! Recovery on the simulated rack: a DUT that stops answering is power-cycled through its
//! supply and the run goes on. The hung case is reported as an error carrying its transcript
//! (the command that got no answer), and the next case on the same DUT runs and passes.

use std::time::Duration;

use hil_lab::{Board, Lab, LabOptions, RackSource};
use hil_runner::{Expectations, OutcomeKind, Problem, Run, RunInfo, TrialResult};
use hil_suites::support::{CaseResult, Ctx, at_problem, boxed, case, ok};

/// How long the hung command is given: short, so the test is quick.
const HANG_TIMEOUT: Duration = Duration::from_millis(300);

fn answers(ctx: &mut Ctx) -> CaseResult {
    ok(ctx.at()?.command("AT+CGMR"), "AT+CGMR")?;
    Ok(())
}

/// Wedges the board (no echo, no answer), then asks it something.
fn hangs(ctx: &mut Ctx) -> CaseResult {
    let control = ctx
        .board()
        .sim
        .as_ref()
        .map(|sim| sim.control.clone())
        .ok_or_else(|| Problem::infra("not a simulated board"))?;
    control.freeze(true);
    ctx.at()?
        .command_timeout("AT%SHORTSWVER", HANG_TIMEOUT)
        .map_err(at_problem)?;
    Ok(())
}

fn result<'a>(results: &'a [TrialResult], name: &str) -> &'a TrialResult {
    results
        .iter()
        .find(|r| r.id.case.name == name)
        .unwrap_or_else(|| panic!("no result for {name}"))
}

#[test]
fn a_hung_dut_is_power_cycled_and_the_remaining_cases_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rack = dir.path().join("rack.yaml");
    std::fs::write(
        &rack,
        "name: recovery\nduts:\n  - name: wedge\n    simulated: { profile: mfw_nrf9160_1.3.6, supply_model: generic-scpi }\n    expected_mfw: mfw_nrf9160_1.3.6\n",
    )
    .expect("rack file");
    let opts = LabOptions {
        flash: false,
        // No CI build output or FUT_ELF is looked for here.
        workspace_root: dir.path().to_path_buf(),
        ..LabOptions::default()
    };
    let lab = Lab::bring_up(&RackSource::File(rack), &opts).expect("lab up");
    let (boards, _guard): (Vec<Board>, _) = lab.into_parts();
    assert_eq!(boards.len(), 1);
    assert!(
        boards[0].fault().is_none(),
        "{:?} {:?}",
        boards[0].fault(),
        boards[0].notes
    );
    let sim = boards[0].sim.clone().expect("a simulated board");
    let supply_log = sim.control.supply_log().expect("the board's supply log");
    supply_log.clear();

    let cases = boxed(vec![
        case("recovery", "before", "the board answers", answers),
        case("recovery", "hang", "the board is wedged mid-run", hangs),
        case("recovery", "after", "the board answers again", answers),
    ]);
    let run = Run::new(RunInfo::new("recovery"), cases, Expectations::empty()).expect("run");
    let out = run.execute(boards, Vec::new()).expect("executed");

    assert_eq!(
        result(&out.results, "before").outcome.kind(),
        OutcomeKind::Pass
    );

    let hang = result(&out.results, "hang");
    assert_eq!(
        hang.outcome.kind(),
        OutcomeKind::Error,
        "{:?}",
        hang.outcome
    );
    assert!(
        hang.outcome.message().contains("hang"),
        "{}",
        hang.outcome.message()
    );
    let attempt = hang.attempts.last().expect("an attempt");
    let transcript = &attempt.log.transcript;
    assert!(
        transcript.contains("> AT%SHORTSWVER") && transcript.contains("no final result"),
        "the transcript shows the unanswered command:\n{transcript}"
    );
    assert_eq!(attempt.recovery, Some(Ok(())), "the board was recovered");

    let after = result(&out.results, "after");
    assert_eq!(
        after.outcome.kind(),
        OutcomeKind::Pass,
        "{:?}",
        after.outcome
    );
    assert!(!sim.control.frozen(), "the power cycle un-wedged the board");

    // The recovery went through the supply: output off, then on again.
    let commands: Vec<String> = supply_log
        .commands()
        .into_iter()
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let off = commands
        .iter()
        .position(|c| c.contains("OUTP") && c.contains("OFF"))
        .unwrap_or_else(|| panic!("no output-off command in {commands:?}"));
    assert!(
        commands[off..]
            .iter()
            .any(|c| c.contains("OUTP") && c.contains("ON") && !c.contains("OFF")),
        "no output-on after the output-off in {commands:?}"
    );
    let board = out.duts.first().expect("the board comes back");
    assert!(
        board.notes.iter().any(|n| n.contains("power cycle")),
        "{:?}",
        board.notes
    );
}

/// A legacy-at_host board (whose lost-quote hang the expectation data explains as the old
/// at_host's behaviour) that dies mid-console — wedged, and its supply no longer obeys, so no
/// power cycle brings it back — is an error saying the board was lost, not that expected
/// product behaviour; its remaining cases are "not run" with that one cause.
#[test]
fn a_board_that_dies_mid_console_is_not_explained_as_the_at_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rack = dir.path().join("rack.yaml");
    std::fs::write(
        &rack,
        "name: dies\nduts:\n  - name: alpha\n    simulated: { profile: mfw_nrf9160_0.7.0-29.alpha, legacy_host: true }\n",
    )
    .expect("rack file");
    let opts = LabOptions {
        flash: false,
        workspace_root: dir.path().to_path_buf(),
        console_timeout: Duration::from_millis(500),
        ..LabOptions::default()
    };
    let lab = Lab::bring_up(&RackSource::File(rack), &opts).expect("lab up");
    let (boards, _guard): (Vec<Board>, _) = lab.into_parts();
    assert!(boards[0].fault().is_none(), "{:?}", boards[0].fault());
    let sim = boards[0].sim.clone().expect("a simulated board");
    sim.control.freeze(true);
    sim.supply_faults.set_hang(true);

    let run = Run::new(
        RunInfo::new("dies"),
        hil_suites::cases(),
        hil_suites::expectations().expect("expectation data"),
    )
    .expect("run")
    .with_filter(hil_runner::Filter::all().pattern("console::l"));
    let out = run.execute(boards, Vec::new()).expect("executed");
    let died = &out.results[0];
    assert_eq!(died.outcome.kind(), OutcomeKind::Error, "{}", died.outcome);
    let message = died.outcome.message();
    assert!(message.contains("could not be recovered"), "{message}");
    for product_words in ["at_host", "§7", "closing quote", "field report"] {
        assert!(!message.contains(product_words), "{message}");
    }
    for later in &out.results[1..] {
        assert_eq!(
            later.outcome.kind(),
            OutcomeKind::Error,
            "{}",
            later.outcome
        );
        let text = later.outcome.message();
        assert!(
            text.starts_with("not run: the DUT is lost")
                && text.contains(&died.id.case.to_string()),
            "{text}"
        );
    }
}
