//! Settings: command line, then environment variable, then default — for both front ends.

use std::path::{Path, PathBuf};

use hil_app::env::{
    CARGO_TARGET_DIR, CI, FUT_ELF, HIL_RACK, HIL_REPORT_DIR, HIL_RETRIES, HIL_TIMING,
};
use hil_app::{Env, Frontend, LabRequest, RunRequest, Settings};
use hil_lab::RackSource;
use hil_report::LiveProgress;
use hil_sim::timing::Timing;

fn resolve(frontend: Frontend, request: RunRequest, env: &Env) -> Settings {
    Settings::resolve(frontend, request, env).expect("valid settings")
}

/// Every variable set, to show the command line wins over each.
fn full_env() -> Env {
    Env::default()
        .with_var(HIL_RACK, "env-rack.yaml")
        .with_var(HIL_TIMING, "realistic")
        .with_var(HIL_REPORT_DIR, "env-reports")
        .with_var(HIL_RETRIES, "2")
        .with_var(FUT_ELF, "env.elf")
}

#[test]
fn the_command_line_wins_over_the_environment() {
    let request = RunRequest {
        lab: LabRequest {
            rack: Some("cli-rack.yaml".into()),
            firmware: Some("cli.elf".into()),
            timing: Some(Timing::Fast),
            flash: true,
            ..LabRequest::default()
        },
        report_dir: Some("cli-reports".into()),
        retries: Some(0),
        ..RunRequest::default()
    };
    let s = resolve(Frontend::Cli, request, &full_env());
    assert_eq!(s.lab.rack, RackSource::File("cli-rack.yaml".into()));
    assert_eq!(s.lab.options.timing, Timing::Fast);
    assert_eq!(s.lab.options.firmware, Some(PathBuf::from("cli.elf")));
    assert_eq!(s.report_dir, Path::new("cli-reports"));
    assert_eq!(s.retries, 0);
    assert_eq!(
        s.lab.options.artifacts_dir,
        Some(PathBuf::from("cli-reports/artifacts"))
    );
}

#[test]
fn the_environment_wins_over_the_defaults() {
    for frontend in [Frontend::Cli, Frontend::Libtest] {
        let s = resolve(frontend, RunRequest::default(), &full_env());
        assert_eq!(s.lab.rack, RackSource::File("env-rack.yaml".into()));
        assert_eq!(s.lab.options.timing, Timing::Realistic);
        assert_eq!(s.lab.options.firmware, None, "FUT_ELF is not --firmware");
        assert_eq!(s.lab.options.fut_elf, Some(PathBuf::from("env.elf")));
        assert_eq!(s.report_dir, Path::new("env-reports"), "{frontend:?}");
        assert_eq!(s.retries, 2);
    }
}

#[test]
fn the_defaults_differ_by_front_end_only_where_they_should() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("custom-target");
    let deps = target.join("debug/deps");
    std::fs::create_dir_all(&deps).unwrap();
    std::fs::write(target.join("CACHEDIR.TAG"), "").unwrap();
    let env = Env::default()
        .with_exe(deps.join("hil-0123"))
        .with_var(CI, "1");

    let cli = resolve(Frontend::Cli, RunRequest::default(), &env);
    assert_eq!(cli.lab.rack, RackSource::Simulated);
    assert_eq!(cli.lab.options.timing, Timing::Fast);
    assert_eq!(cli.retries, 0);
    assert_eq!(cli.report_dir, Path::new("hil-report"));
    assert_eq!(cli.reporters.live_progress, LiveProgress::Lines, "CI logs");
    assert!(cli.reporters.summary_table);

    let libtest = resolve(Frontend::Libtest, RunRequest::default(), &env);
    assert_eq!(
        libtest.report_dir,
        target.join("hil-report"),
        "the target dir cargo used"
    );
    assert_eq!(libtest.reporters.live_progress, LiveProgress::Off);
    assert!(libtest.reporters.summary_table);
}

#[test]
fn cargo_target_dir_places_libtest_reports_when_the_executable_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let env = Env::default()
        .with_exe(tmp.path().join("copied/hil"))
        .with_var(CARGO_TARGET_DIR, tmp.path().join("ctd"));
    let s = resolve(Frontend::Libtest, RunRequest::default(), &env);
    assert_eq!(s.report_dir, tmp.path().join("ctd/hil-report"));
}

#[test]
fn live_progress_is_bars_only_for_a_person_at_a_terminal() {
    let env = Env::default().with_stderr_terminal(true);
    let s = resolve(Frontend::Cli, RunRequest::default(), &env);
    assert_eq!(s.reporters.live_progress, LiveProgress::Bars);
}

#[test]
fn listing_never_flashes() {
    let mut request = RunRequest {
        list: true,
        ..RunRequest::default()
    };
    assert!(
        !resolve(Frontend::Cli, request.clone(), &Env::default())
            .lab
            .options
            .flash
    );
    request.list = false;
    assert!(
        resolve(Frontend::Cli, request.clone(), &Env::default())
            .lab
            .options
            .flash
    );
    request.lab.flash = false;
    assert!(
        !resolve(Frontend::Cli, request, &Env::default())
            .lab
            .options
            .flash
    );
}

#[test]
fn a_bad_variable_is_an_error_naming_it_and_its_value() {
    let env = Env::default().with_var(HIL_TIMING, "slow");
    let err = Settings::resolve(Frontend::Libtest, RunRequest::default(), &env).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("HIL_TIMING=\"slow\": "), "{text}");
    assert!(text.contains("realistic"), "{text}");

    let env = Env::default().with_var(HIL_RETRIES, "many");
    let err = Settings::resolve(Frontend::Cli, RunRequest::default(), &env).unwrap_err();
    assert!(
        err.to_string().starts_with("HIL_RETRIES=\"many\": "),
        "{err}"
    );

    // Given on the command line, the variable is not read at all.
    let request = RunRequest {
        retries: Some(1),
        ..RunRequest::default()
    };
    assert_eq!(resolve(Frontend::Cli, request, &env).retries, 1);
}

#[test]
fn boards_are_leased_in_the_state_dir_by_the_front_end() {
    let env = Env::default().with_var("HIL_STATE_DIR", "env-state");
    for (frontend, program) in [
        (Frontend::Cli, "hil run"),
        (Frontend::Libtest, "cargo test --test hil"),
    ] {
        let s = resolve(frontend, RunRequest::default(), &env);
        let hil_lab::Leasing::On(request) = &s.lab.options.leasing else {
            panic!("{frontend:?}: leases are off");
        };
        assert_eq!(request.holder.program, program);
        assert_eq!(request.state_dir, Ok(PathBuf::from("env-state")));
        assert_eq!(request.wait, hil_lease::Wait::Never);
    }
    let mut request = RunRequest::default();
    request.lab.state_dir = Some("cli-state".into());
    request.lab.wait_for_boards = Some(std::time::Duration::from_secs(120));
    let s = resolve(Frontend::Cli, request, &env);
    let hil_lab::Leasing::On(request) = &s.lab.options.leasing else {
        panic!("leases are off");
    };
    assert_eq!(request.state_dir, Ok(PathBuf::from("cli-state")));
    assert_eq!(
        request.wait,
        hil_lease::Wait::For(std::time::Duration::from_secs(120))
    );
}

/// Reports write attachment paths relative to the directory the run started in, which the
/// settings take from the environment snapshot (no library crate asks the process for it).
#[test]
fn the_run_starts_in_the_snapshots_current_directory() {
    let env = Env::default().with_cwd("/ci/project");
    let s = resolve(Frontend::Cli, RunRequest::default(), &env);
    assert_eq!(s.started_in, Some(PathBuf::from("/ci/project")));
    let s = resolve(Frontend::Cli, RunRequest::default(), &Env::default());
    assert_eq!(s.started_in, None);
}
