//! Where the boards come from with labgrid: `--labgrid` (or `LG_COORDINATOR` with places named)
//! and `--place`/`--place-tag`, against `--rack` and `HIL_RACK`; and the session name.

use hil_app::env::{HIL_RACK, HOSTNAME, LG_COORDINATOR, LG_USERNAME, USER};
use hil_app::settings::lab_source;
use hil_app::{Env, LabRequest, LabSettings, LabgridRequest};
use hil_lab::RackSource;

fn request(coordinator: Option<&str>, places: &[&str], tags: &[&str]) -> LabgridRequest {
    LabgridRequest {
        coordinator: coordinator.map(Into::into),
        places: places.iter().map(|s| s.to_string()).collect(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn labgrid_places_come_from_the_option_or_the_variable() {
    let env = Env::default().with_var(LG_COORDINATOR, "coord.lab");
    let RackSource::Labgrid(l) = lab_source(
        None,
        &request(Some("127.0.0.1:1"), &[], &["hil=nrf91"]),
        &env,
    )
    .unwrap() else {
        panic!("not labgrid")
    };
    assert_eq!(l.coordinator.to_string(), "127.0.0.1:1");
    assert_eq!(l.selection.tags["hil"], "nrf91");
    let RackSource::Labgrid(l) = lab_source(None, &request(None, &["dut-a"], &[]), &env).unwrap()
    else {
        panic!("not labgrid")
    };
    assert_eq!(l.coordinator.to_string(), "coord.lab:20408");
    assert_eq!(l.selection.names, ["dut-a"]);
}

#[test]
fn the_variable_alone_does_not_turn_a_run_into_a_labgrid_run() {
    let env = Env::default()
        .with_var(LG_COORDINATOR, "coord.lab")
        .with_var(HIL_RACK, "r.yaml");
    assert_eq!(
        lab_source(None, &request(None, &[], &[]), &env).unwrap(),
        RackSource::File("r.yaml".into())
    );
}

#[test]
fn bad_or_conflicting_labgrid_settings_name_the_problem() {
    let env = Env::default();
    for (rack, req, want) in [
        (
            None,
            request(None, &["dut-a"], &[]),
            "--labgrid HOST:PORT or set LG_COORDINATOR",
        ),
        (
            None,
            request(None, &[], &["noequals"]),
            "--place-tag=\"noequals\": labgrid places need a coordinator",
        ),
        (
            None,
            request(Some("127.0.0.1:1"), &[], &[]),
            "--place NAME or --place-tag",
        ),
        (None, request(Some("h:x"), &["p"], &[]), "not a TCP port"),
        (None, request(Some("h"), &[], &["hil"]), "KEY=VALUE"),
        (
            Some("r.yaml"),
            request(Some("h"), &["p"], &[]),
            "two sources of boards",
        ),
    ] {
        let e = lab_source(rack.map(Into::into), &req, &env)
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{e}");
    }
    let bad_env = Env::default().with_var(LG_COORDINATOR, "h:0");
    let e = lab_source(None, &request(None, &["p"], &[]), &bad_env)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("LG_COORDINATOR=\"h:0\""), "{e}");
}

#[test]
fn the_session_is_named_host_slash_user_like_labgrid_client() {
    let lab = |env: &Env| {
        let req = LabRequest {
            labgrid: request(Some("h"), &["p"], &[]),
            ..LabRequest::default()
        };
        LabSettings::resolve(req, env)
            .unwrap()
            .options
            .labgrid_session
            .unwrap()
    };
    let env = Env::default()
        .with_var(USER, "alice")
        .with_var(HOSTNAME, "rack-7");
    assert!(lab(&env).ends_with("/alice"), "{}", lab(&env));
    assert!(lab(&env.clone().with_var(LG_USERNAME, "ci")).ends_with("/ci"));
}
