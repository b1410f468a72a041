//! Rack-file loading: the examples load, every error kind is located (line and field) and
//! explained, and the committed JSON Schema matches the types.

use std::path::{Path, PathBuf};

use hil_model::policy::{ClearPolicy, Policy};
use hil_rack::{ScpiModel, SupplyDriver, SupplyModel};
use rstest::rstest;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const GOOD: &str = "\
name: bench
duts:
  - name: dk-1
    serial: /dev/ttyACM0
    limits: { min_volts: 3.0, max_volts: 4.2, max_amps: 1.0 }
";

#[test]
fn minimal_rack_loads_with_defaults() {
    let rack = hil_rack::parse(GOOD, "rack.yaml").unwrap();
    let dut = &rack.duts[0];
    assert_eq!(dut.serial.as_ref().unwrap().baud, 115_200);
    assert!(!dut.allow_erase_all);
    assert!(!dut.is_simulated());
}

#[test]
fn lab_example_loads() {
    let path = manifest_dir().join("examples/lab-rack.yaml");
    let rack = hil_rack::load(&path).unwrap();
    assert_eq!(rack.duts.len(), 3);
    let dk1 = rack.dut("dk9160-1").unwrap();
    let supply = dk1.supply.as_ref().unwrap();
    assert_eq!(supply.driver, SupplyDriver::ScpiTcp);
    assert_eq!(supply.scpi_model(), Some(ScpiModel::RigolDp800));
    assert_eq!(supply.tcp_endpoint(), Some(("10.20.0.15".into(), 5555)));
    assert_eq!(
        dk1.probe.as_ref().unwrap().to_string(),
        "1366:1015:000960012345"
    );
    assert_eq!(
        dk1.expected_imei.as_ref().unwrap().as_str(),
        "351358815012345"
    );
    assert_eq!(
        dk1.expected_mfw.as_ref().unwrap().to_string(),
        "mfw_nrf9160_1.3.6"
    );
    assert_eq!(
        rack.dut("dk9151-1")
            .unwrap()
            .supply
            .as_ref()
            .unwrap()
            .channel,
        2
    );
    let image = rack.firmware_image.unwrap();
    assert_eq!(image, path.parent().unwrap().join("images/nrf9160-fut.elf"));
}

#[test]
fn profile_dirs_are_relative_to_the_rack_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("rack.yaml");
    std::fs::write(
        &path,
        "name: r\nprofile_dirs: [profiles, /opt/hil/profiles]\nduts:\n  - name: s\n    simulated: { profile: mfw_nrf9160_1.3.7 }\n",
    )
    .unwrap();
    let rack = hil_rack::load(&path).unwrap();
    assert_eq!(
        rack.profile_dirs,
        [
            tmp.path().join("profiles"),
            PathBuf::from("/opt/hil/profiles")
        ]
    );
    assert!(
        hil_rack::parse(GOOD, "rack.yaml")
            .unwrap()
            .profile_dirs
            .is_empty()
    );
    let err = hil_rack::parse(
        "name: r\nprofile_dirs: [\"\"]\nduts:\n  - name: s\n    simulated: { profile: p }\n",
        "rack.yaml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("rack.yaml:") && err.contains("profile_dirs[0] is empty"),
        "{err}"
    );
}

#[test]
fn sim_example_has_eight_simulated_duts() {
    let rack = hil_rack::load(manifest_dir().join("examples/sim-8.yaml")).unwrap();
    assert_eq!(rack.duts.len(), 8);
    assert!(
        rack.duts
            .iter()
            .all(|d| d.is_simulated() && d.serial.is_none())
    );
    assert_eq!(rack.tagged("sim").count(), 8);
    let sim = rack.duts[0].simulated.as_ref().unwrap();
    assert_eq!(sim.profile, "mfw_nrf9160_1.3.6");
    assert!(!sim.legacy_host);
}

#[test]
fn simulated_policy_is_typed() {
    let text = "\
name: sims
duts:
  - name: s1
    simulated:
      profile: mfw_nrf9160_1.3.6
      supply_model: generic-scpi
      legacy_host: true
      policy: { pofwarn_clear: cfun-cycle, hysteresis_mv: 50, modem_waits_for_quote: true }
";
    let rack = hil_rack::parse(text, "r.yaml").unwrap();
    let sim = rack.duts[0].simulated.as_ref().unwrap();
    assert!(sim.legacy_host);
    assert_eq!(sim.supply_model, Some(SupplyModel::default()));
    assert_eq!(sim.policy.hysteresis_mv, 50);
    assert_eq!(sim.policy.pofwarn_clear, ClearPolicy::CfunCycle);
    assert!(sim.policy.modem_waits_for_quote);
    // Knobs not given keep their defaults.
    assert_eq!(
        sim.policy.max_content_bytes,
        Policy::default().max_content_bytes
    );
    let again = hil_rack::parse(&serde_yaml_ng::to_string(&rack).unwrap(), "again").unwrap();
    assert_eq!(again, rack);
}

/// The done-when check of issue 9: a misspelled simulated supply model is refused with the
/// file, the line and every valid model.
#[test]
fn a_misspelled_simulated_supply_model_is_refused_with_file_line_and_the_valid_models() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.yaml");
    std::fs::write(
        &path,
        "name: r\nduts:\n  - name: s\n    simulated: { profile: mfw_nrf9160_1.3.6, supply_model: rigol-dp900 }\n",
    )
    .unwrap();
    let err = hil_rack::load(&path).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}:4:", path.display())),
        "{shown}"
    );
    assert_eq!(err.field.as_deref(), Some("duts[0].simulated.supply_model"));
    assert!(shown.contains("unknown variant `rigol-dp900`"), "{shown}");
    for model in SupplyModel::NAMES {
        assert!(
            shown.contains(&format!("`{model}`")),
            "{shown} lacks {model}"
        );
    }
}

/// Each error kind: the text, the expected 1-based line, the field path, and words of the reason.
#[rstest]
#[case::unknown_field(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    baudrate: 9600\n",
    5,
    Some("duts[0]"),
    "unknown field `baudrate`"
)]
#[case::unknown_top_level_field(
    "name: r\nlocation: lab 2\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n",
    2,
    None,
    "unknown field `location`"
)]
#[case::wrong_type(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    allow_erase_all: sometimes\n",
    5,
    Some("duts[0].allow_erase_all"),
    "expected a boolean"
)]
#[case::wrong_type_baud(
    "name: r\nduts:\n  - name: a\n    serial:\n      port: /dev/ttyACM0\n      baud: fast\n",
    6,
    Some("duts[0].serial.baud"),
    "invalid type"
)]
#[case::missing_port(
    "name: r\nduts:\n  - name: ok\n    serial: /dev/ttyACM0\n  - name: dk-2\n    tags: [x]\n",
    5,
    Some("duts[1]"),
    "DUT `dk-2` has no serial port"
)]
#[case::limits_inverted(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits:\n      min_volts: 4.2\n      max_volts: 3.0\n      max_amps: 1\n",
    6,
    Some("duts[0].limits"),
    "min_volts 4.2 is not below max_volts 3"
)]
#[case::limits_insane(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3.0, max_volts: 12.0, max_amps: 1 }\n",
    5,
    Some("duts[0].limits"),
    "max_volts 12 is above 5.5 V"
)]
#[case::limits_missing_field(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3.0, max_volts: 4.0 }\n",
    5,
    Some("duts[0].limits"),
    "missing field `max_amps`"
)]
#[case::bad_probe(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    probe: \"J-Link 1234\"\n",
    5,
    Some("duts[0].probe"),
    "bad probe selector `J-Link 1234`"
)]
#[case::bad_probe_hex(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    probe: \"13G6:1015\"\n",
    5,
    Some("duts[0].probe"),
    "VID `13G6` is not hexadecimal"
)]
#[case::bad_firmware(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    expected_mfw: nrf9160_1.3.6\n",
    5,
    Some("duts[0].expected_mfw"),
    "not a modem firmware name"
)]
#[case::bad_firmware_family(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    expected_mfw: mfw_nrf9999_1.3.6\n",
    5,
    Some("duts[0].expected_mfw"),
    "unknown SiP family"
)]
#[case::duplicate_names(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n  - name: b\n    serial: /dev/ttyACM1\n  - name: a\n    serial: /dev/ttyACM2\n",
    7,
    Some("duts[2]"),
    "duplicate DUT name `a` (already used by duts[0])"
)]
#[case::bad_driver(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: visa, address: x }\n",
    6,
    Some("duts[0].supply.driver"),
    "unknown variant `visa`"
)]
#[case::bad_scpi_model(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: scpi-tcp, model: rigol-dp900, address: \"h:5555\" }\n",
    6,
    Some("duts[0].supply.model"),
    "unknown variant `rigol-dp900`"
)]
#[case::model_on_korad(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: korad, model: generic, address: /dev/ttyUSB0 }\n",
    6,
    Some("duts[0].supply"),
    "model `generic` only applies to the scpi-tcp and scpi-serial drivers"
)]
#[case::tcp_address_is_a_path(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: scpi-tcp, address: /dev/ttyUSB0 }\n",
    6,
    Some("duts[0].supply"),
    "scpi-tcp needs host:port"
)]
#[case::channel_out_of_range(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: scpi-tcp, model: keithley-2280, address: \"h:5025\", channel: 2 }\n",
    6,
    Some("duts[0].supply"),
    "channel 2 does not exist on keithley-2280"
)]
#[case::supply_without_limits(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    supply: { driver: ppk2, address: /dev/ttyACM3 }\n",
    3,
    Some("duts[0]"),
    "has a supply but no `limits`"
)]
#[case::simulated_with_port(
    "name: r\nduts:\n  - name: s\n    serial: /dev/ttyACM0\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n",
    3,
    Some("duts[0]"),
    "DUT `s` is simulated; the lab provides its serial"
)]
#[case::simulated_unknown_field(
    "name: r\nduts:\n  - name: s\n    simulated: { profile: mfw_nrf9160_1.3.6, timing: fast }\n",
    4,
    Some("duts[0].simulated"),
    "unknown field `timing`"
)]
#[case::simulated_bad_policy_value(
    "name: r\nduts:\n  - name: s\n    simulated:\n      profile: mfw_nrf9160_1.3.6\n      policy:\n        pofwarn_clear: levle\n",
    7,
    Some("duts[0].simulated.policy.pofwarn_clear"),
    "unknown variant `levle`, expected one of `level`, `re-arm`, `cfun-cycle`, `reset`, `power-cycle`"
)]
#[case::simulated_unknown_policy_knob(
    "name: r\nduts:\n  - name: s\n    simulated:\n      profile: mfw_nrf9160_1.3.6\n      policy: { faults: [modem_waits_for_quote] }\n",
    6,
    Some("duts[0].simulated.policy"),
    "unknown field `faults`, expected one of `pofwarn_clear`"
)]
#[case::simulated_bad_check_order(
    "name: r\nduts:\n  - name: s\n    simulated:\n      profile: mfw_nrf9160_1.3.6\n      policy: { check_order: [active_mode_518, memory_full] }\n",
    6,
    Some("duts[0].simulated.policy.check_order[1]"),
    "unknown variant `memory_full`, expected one of `active_mode_518`"
)]
#[case::empty_profile(
    "name: r\nduts:\n  - name: s\n    simulated: { profile: \"\" }\n",
    4,
    Some("duts[0].simulated"),
    "is not a simulator profile name"
)]
#[case::bad_imei(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    expected_imei: 12345\n",
    5,
    Some("duts[0].expected_imei"),
    "IMEI `12345` is not 15 digits"
)]
#[case::bad_dut_name(
    "name: r\nduts:\n  - name: dk 1\n    serial: /dev/ttyACM0\n",
    3,
    Some("duts[0]"),
    "DUT name `dk 1` contains ' '"
)]
#[case::shared_console(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n  - name: b\n    serial: { port: /dev//ttyACM0, baud: 9600 }\n",
    5,
    Some("duts[1]"),
    "DUT `b` has the console port `/dev//ttyACM0` of DUT `a` (duts[0])"
)]
#[case::shared_network_console(
    "name: r\nduts:\n  - name: a\n    serial: rfc2217://Lab-Host:4001\n  - name: b\n    serial: /dev/ttyACM1\n  - name: c\n    serial: tcp://lab-host:4001\n",
    7,
    Some("duts[2]"),
    "DUT `c` has the console port `tcp://lab-host:4001` of DUT `a` (duts[0])"
)]
#[case::shared_supply_output(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: scpi-tcp, address: \"10.0.0.5\" }\n  - name: b\n    serial: /dev/ttyACM1\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: scpi-tcp, address: \"tcp://10.0.0.5:5025\", channel: 1 }\n",
    7,
    Some("duts[1]"),
    "DUT `b` has the supply output `tcp://10.0.0.5:5025` channel 1 of DUT `a` (duts[0])"
)]
#[case::shared_serial_supply(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: ppk2, address: /dev/ttyACM3 }\n  - name: b\n    serial: /dev/ttyACM1\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: ppk2, address: /dev/./ttyACM3 }\n",
    7,
    Some("duts[1]"),
    "of DUT `a` (duts[0]): one output cannot power two boards"
)]
#[case::maintenance_after_zero(
    "name: r\nmaintenance_after: 0\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n",
    2,
    Some("maintenance_after"),
    "must be at least 1"
)]
#[case::duplicate_top_level_key(
    "name: r\nname: s\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n",
    2,
    None,
    "duplicate field `name`"
)]
#[case::duplicate_dut_key(
    "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    tags: [x]\n    serial: /dev/ttyACM1\n",
    6,
    Some("duts[0]"),
    "duplicate field `serial`"
)]
#[case::duplicate_nested_key(
    "name: r\nduts:\n  - name: s\n    simulated:\n      profile: mfw_nrf9160_1.3.6\n      policy:\n        babble_after_commands: 3\n        babble_after_commands: 4\n",
    8,
    Some("duts[0].simulated.policy"),
    "duplicate field `babble_after_commands`"
)]
#[case::no_duts("name: r\nduts: []\n", 2, Some("duts"), "the rack lists no DUTs")]
#[case::missing_duts("name: r\n", 1, None, "missing field `duts`")]
fn errors_are_located_and_explained(
    #[case] text: &str,
    #[case] line: usize,
    #[case] field: Option<&str>,
    #[case] reason: &str,
) {
    let err = hil_rack::parse(text, "rack.yaml").unwrap_err();
    let shown = err.to_string();
    assert_eq!(err.line, Some(line), "line of: {shown}");
    assert_eq!(err.field.as_deref(), field, "field of: {shown}");
    assert!(err.message.contains(reason), "reason of: {shown}");
    assert!(
        shown.starts_with(&format!("rack.yaml:{line}:")),
        "rendering: {shown}"
    );
}

#[test]
fn rendering_matches_the_documented_shape() {
    let text = "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n  - name: b\n    serial: /dev/ttyACM1\n    limits:\n      min_volts: 4.2\n      max_volts: 3.0\n      max_amps: 0.5\n";
    let err = hil_rack::parse(text, "rack.yaml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "rack.yaml:8:7: duts[1].limits: min_volts 4.2 is not below max_volts 3"
    );
}

#[test]
fn yaml_syntax_errors_are_located() {
    let err = hil_rack::parse("name: r\nduts:\n  - name: [a\n", "rack.yaml").unwrap_err();
    assert!(err.line.is_some(), "{err}");
    assert!(err.to_string().starts_with("rack.yaml:"), "{err}");
}

#[test]
fn a_missing_file_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.yaml");
    let err = hil_rack::load(&path).unwrap_err();
    assert!(err.to_string().contains("nope.yaml"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn serialized_rack_parses_back_identically() {
    let rack = hil_rack::load(manifest_dir().join("examples/lab-rack.yaml")).unwrap();
    let text = serde_yaml_ng::to_string(&rack).unwrap();
    let again = hil_rack::parse(&text, "round-trip").unwrap();
    assert_eq!(again, rack);
}

fn schema_path() -> PathBuf {
    manifest_dir().join("rack.schema.json")
}

fn rendered_schema() -> String {
    let mut text = serde_json::to_string_pretty(&hil_rack::json_schema()).unwrap();
    text.push('\n');
    text
}

/// Fails when `rack.schema.json` no longer matches the types. Regenerate with
/// `HIL_UPDATE_SCHEMA=1 cargo test -p hil-rack --test rack_file committed_schema`.
#[test]
fn committed_schema_is_up_to_date() {
    let want = rendered_schema();
    if std::env::var_os("HIL_UPDATE_SCHEMA").is_some() {
        std::fs::write(schema_path(), &want).unwrap();
    }
    let have = std::fs::read_to_string(schema_path()).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale; regenerate it with HIL_UPDATE_SCHEMA=1 cargo test -p hil-rack --test rack_file committed_schema",
        Path::new("harness/rack/rack.schema.json").display()
    );
}

#[test]
fn schema_describes_the_fields_editors_need() {
    let schema = hil_rack::json_schema();
    let text = schema.to_string();
    for needle in [
        "\"duts\"",
        "\"allow_erase_all\"",
        "\"keysight-e36300\"",
        "\"scpi-tcp\"",
        "\"ProbeSelector\"",
        "\"additionalProperties\":false",
    ] {
        assert!(text.contains(needle), "schema lacks {needle}");
    }
}

#[test]
fn schema_lists_every_supply_model_driver_dialect_and_policy_value() {
    let schema = hil_rack::json_schema();
    let defs = &schema["$defs"];
    let names = |def: &str| -> Vec<String> {
        defs[def]["oneOf"]
            .as_array()
            .unwrap_or_else(|| panic!("{def} lists no values: {}", defs[def]))
            .iter()
            .map(|v| v["const"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("SupplyModel"), SupplyModel::NAMES);
    assert_eq!(names("ScpiModel"), ScpiModel::NAMES);
    assert_eq!(names("SupplyDriver"), SupplyDriver::NAMES);
    let simulated = &defs["SimulatedSpec"]["properties"];
    assert!(
        simulated["supply_model"]
            .to_string()
            .contains("SupplyModel")
    );
    assert!(simulated["policy"].to_string().contains("Policy"));
    assert_eq!(
        names("ClearPolicy"),
        ["level", "re-arm", "cfun-cycle", "reset", "power-cycle"]
    );
    assert!(names("WriteCheck").contains(&"already_exists_519".to_owned()));
    assert_eq!(defs["Policy"]["additionalProperties"], false);
}

#[test]
fn nominal_volts_outside_the_limits_is_refused_with_its_line() {
    let text = "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3.0, max_volts: 4.2, max_amps: 0.5 }\n    nominal_volts: 5.0\n";
    let err = hil_rack::parse(text, "rack.yaml").unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("nominal_volts 5"), "{shown}");
    assert!(shown.contains("outside its limits"), "{shown}");
    assert!(shown.starts_with("rack.yaml:"), "{shown}");
    let ok = text.replace("nominal_volts: 5.0", "nominal_volts: 3.8");
    let rack = hil_rack::parse(&ok, "rack.yaml").unwrap();
    assert_eq!(rack.duts[0].nominal_volts, Some(3.8));
}

#[test]
fn a_labgrid_section_takes_the_place_of_duts() {
    let rack = hil_rack::parse(
        "name: lab-b\nlabgrid:\n  coordinator: \"127.0.0.1:20408\"\n  tags: { hil: nrf91 }\n",
        "rack.yaml",
    )
    .unwrap();
    let section = rack.labgrid.unwrap();
    assert_eq!(section.coordinator, "127.0.0.1:20408");
    assert_eq!(section.tags["hil"], "nrf91");
    assert!(rack.duts.is_empty());
    for (text, why) in [
        ("name: r\nlabgrid: { coordinator: c }\n", "name the places"),
        (
            "name: r\nlabgrid: { coordinator: \"a b\", places: [x] }\n",
            "not HOST[:PORT]",
        ),
        (
            "name: r\nlabgrid: { coordinator: c, places: [x] }\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n",
            "remove `duts`",
        ),
    ] {
        let e = hil_rack::parse(text, "rack.yaml").unwrap_err().to_string();
        assert!(e.contains(why), "{text}: {e}");
    }
}

/// Two channels of one instrument feed two boards: that is fine.
#[test]
fn two_channels_of_one_supply_are_two_outputs() {
    let text = "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: scpi-tcp, model: rigol-dp800, address: \"10.0.0.5\", channel: 1 }\n  - name: b\n    serial: /dev/ttyACM1\n    limits: { min_volts: 3, max_volts: 4, max_amps: 1 }\n    supply: { driver: scpi-tcp, model: rigol-dp800, address: \"10.0.0.5:5555\", channel: 2 }\n";
    let rack = hil_rack::parse(text, "rack.yaml").expect("two outputs");
    assert_eq!(rack.duts.len(), 2);
}

/// A rack file may declare at most MAX_DUTS DUTs: the first one past the cap is refused at its
/// line, and a file right at the cap loads.
#[test]
fn more_duts_than_the_cap_are_refused_at_the_first_one_past_it() {
    let rack = |n: usize| {
        let mut text = String::from("name: r\nduts:\n");
        for i in 0..n {
            text.push_str(&format!(
                "  - name: d{i}\n    simulated: {{ profile: mfw_nrf9160_1.3.6 }}\n"
            ));
        }
        text
    };
    let full = hil_rack::parse(&rack(hil_rack::MAX_DUTS), "rack.yaml").expect("at the cap");
    assert_eq!(full.duts.len(), hil_rack::MAX_DUTS);
    let err = hil_rack::parse(&rack(hil_rack::MAX_DUTS + 3), "rack.yaml").unwrap_err();
    let shown = err.to_string();
    // Two lines per DUT after the two header lines: DUT number MAX_DUTS (0-based) starts here.
    let line = 3 + 2 * hil_rack::MAX_DUTS;
    assert!(shown.starts_with(&format!("rack.yaml:{line}:")), "{shown}");
    assert!(shown.contains("more than 1024 DUTs"), "{shown}");
}
