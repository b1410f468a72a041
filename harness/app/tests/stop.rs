//! A stop before bring-up on the simulated rack: no board is touched, none is called faulty or
//! gets a health verdict, every trial is listed as not run, and the run says STOPPED.

use hil_app::{Env, Frontend, LabRequest, RunRequest, Settings};
use hil_runner::{RunStatus, StopFlag};

#[test]
fn boards_a_stop_left_alone_are_not_faults_and_their_trials_are_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let request = RunRequest {
        lab: LabRequest {
            flash: false,
            state_dir: Some(dir.path().join("state")),
            ..LabRequest::default()
        },
        report_dir: Some(dir.path().join("report")),
        ..RunRequest::default()
    };
    let mut settings =
        Settings::resolve(Frontend::Cli, request, &Env::default()).expect("valid settings");
    let stop = StopFlag::new();
    stop.request();
    settings.lab.options.stop = stop.clone();
    hil_app::create_report_dir(&settings).expect("report dir");
    let lab = hil_app::bring_up(&settings.lab).expect("the lab comes up");

    assert!(!lab.boards.is_empty());
    assert!(hil_app::board_faults(&lab).is_empty(), "no board is faulty");
    for line in hil_app::lab::lab_lines(&lab)
        .iter()
        .filter(|l| !l.starts_with("lab:   ") && l.contains("sim-"))
    {
        assert!(line.contains(": NOT TOUCHED: "), "{line}");
    }

    let run = hil_app::build_run(&lab, &settings)
        .expect("run")
        .with_stop_flag(stop);
    let finished = hil_app::execute(lab, &run, &settings).expect("the run ends");
    assert_eq!(finished.summary.status(), RunStatus::Stopped);
    assert!(finished.results.is_empty(), "no case ran");
    assert!(
        finished.summary.not_run > 0,
        "every trial is listed as not run"
    );
    assert!(
        finished.boards.is_empty(),
        "no health verdict on untouched boards"
    );
    assert_eq!(finished.lab_problem(), None);
    assert!(!finished.as_expected());
}
