use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::model::{Param, ResourceEntry, ResourceId};

fn resource(name: &str, cls: &str, params: &[(&str, Param)]) -> ResourceEntry {
    ResourceEntry {
        id: ResourceId {
            exporter: "hostA".into(),
            group: "dut-a".into(),
            name: name.into(),
        },
        cls: cls.into(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        extra: BTreeMap::new(),
        acquired: Some("dut-a".into()),
        avail: true,
    }
}

fn console() -> ResourceEntry {
    resource(
        "console",
        "NetworkSerialPort",
        &[
            ("host", Param::Str("127.0.0.1".into())),
            ("port", Param::Int(40001)),
            ("speed", Param::Int(115200)),
        ],
    )
}

fn visa(url: &str) -> ResourceEntry {
    resource(
        "supply",
        "PyVISADevice",
        &[
            ("type", Param::Str("TCPIP".into())),
            ("url", Param::Str(url.into())),
        ],
    )
}

fn tags(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const FULL: &[(&str, &str)] = &[
    ("hil", "nrf91"),
    (TAG_SUPPLY_MODEL, "rigol-dp800"),
    (TAG_MFW, "mfw_nrf9160_1.3.6"),
    (TAG_IMEI, "352656100123456"),
    (TAG_MIN_VOLTS, "2.5"),
    (TAG_MAX_VOLTS, "4.2"),
    (TAG_MAX_AMPS, "0.6"),
    (TAG_NOMINAL_VOLTS, "3.8"),
];

fn place(name: &str, pairs: &[(&str, &str)]) -> Place {
    Place {
        name: name.into(),
        tags: tags(pairs),
        ..Place::default()
    }
}

fn named(entries: &[ResourceEntry]) -> Vec<PlaceResource<'_>> {
    entries
        .iter()
        .map(|r| PlaceResource {
            name: r.id.name.clone(),
            resource: r,
        })
        .collect()
}

fn problem(p: &Place, entries: &[ResourceEntry]) -> String {
    translate(p, &named(entries)).unwrap_err().to_string()
}

#[test]
fn a_full_place_is_the_rack_entry_a_rack_file_would_give() {
    let entries = [console(), visa("127.0.0.1::5025::SOCKET")];
    let board = translate(&place("dut-a", FULL), &named(&entries)).unwrap();
    let want = hil_rack::parse(
        "name: r\nduts:\n  - name: dut-a\n    serial: { port: \"rfc2217://127.0.0.1:40001\", baud: 115200 }\n    supply: { driver: scpi-tcp, model: rigol-dp800, address: \"127.0.0.1:5025\" }\n    expected_mfw: mfw_nrf9160_1.3.6\n    expected_imei: \"352656100123456\"\n    limits: { min_volts: 2.5, max_volts: 4.2, max_amps: 0.6 }\n    nominal_volts: 3.8\n    tags: [labgrid]\n",
        "r.yaml",
    )
    .unwrap();
    assert_eq!(board.spec, want.duts[0]);
    assert_eq!(board.exporter, "hostA");
    assert_eq!(board.exporter_host, "127.0.0.1");
    assert!(matches!(board.flashing, Flashing::Unavailable(ref why) if why.contains("`ssh`")));
}

#[test]
fn a_serial_supply_goes_over_rfc2217() {
    let supply = resource(
        "supply",
        "NetworkSerialPort",
        &[
            ("host", Param::Str("hostA".into())),
            ("port", Param::Int(40002)),
            ("speed", Param::Int(9600)),
        ],
    );
    let mut pairs = FULL.to_vec();
    pairs[1] = (TAG_SUPPLY_MODEL, "korad");
    let board = translate(&place("dut-a", &pairs), &named(&[console(), supply])).unwrap();
    let s = board.spec.supply.unwrap();
    assert_eq!(s.driver, hil_model::SupplyDriver::Korad);
    assert_eq!(
        (s.address.as_str(), s.baud),
        ("rfc2217://hostA:40002", Some(9600))
    );
}

#[test]
fn a_place_with_ssh_and_a_probe_can_be_flashed() {
    let ssh = resource(
        "ssh",
        "NetworkService",
        &[
            ("address", Param::Str("hostA".into())),
            ("username", Param::Str("lab".into())),
        ],
    );
    let mut pairs = FULL.to_vec();
    pairs.push((TAG_PROBE, "1366:1051:000960012345"));
    let board = translate(
        &place("dut-a", &pairs),
        &named(&[console(), ssh, visa("h::1::SOCKET")]),
    )
    .unwrap();
    assert_eq!(
        board.flashing.to_string(),
        "hil flash over ssh lab@hostA:22 with probe 1366:1051:000960012345"
    );
}

#[test]
fn a_sim_probe_and_a_remote_hil_path_come_from_the_tags() {
    let ssh = resource(
        "ssh",
        "NetworkService",
        &[
            ("address", Param::Str("127.0.0.1".into())),
            ("username", Param::Str("lab".into())),
            ("port", Param::Int(2222)),
        ],
    );
    let mut pairs = FULL.to_vec();
    pairs.push((TAG_PROBE, "sim@127.0.0.1:4100"));
    pairs.push((TAG_REMOTE_HIL, "/opt/hil/bin/hil"));
    let board = translate(
        &place("dut-a", &pairs),
        &named(&[console(), ssh, visa("h::1::SOCKET")]),
    )
    .unwrap();
    let Flashing::OverSsh {
        probe, remote_hil, ..
    } = &board.flashing
    else {
        panic!("{}", board.flashing)
    };
    assert!(
        matches!(probe, hil_rack::ProbeSelector::Simulated(_)),
        "{probe:?}"
    );
    assert_eq!(remote_hil, "/opt/hil/bin/hil");
    assert_eq!(
        board.flashing.to_string(),
        "hil flash over ssh lab@127.0.0.1:2222 with probe sim@127.0.0.1:4100 (remote hil `/opt/hil/bin/hil`)"
    );
}

#[test]
fn missing_or_malformed_pieces_name_the_place_and_the_tag_or_resource() {
    let ok = [console(), visa("127.0.0.1::5025::SOCKET")];
    let without = |key: &str| -> Vec<(&str, &str)> {
        FULL.iter().copied().filter(|(k, _)| *k != key).collect()
    };
    let with = |key: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        let mut v = without(key);
        v.push((key, value));
        v
    };
    for (p, entries, want) in [
        (
            place("dut-a", FULL),
            vec![visa("h::1::SOCKET")],
            "no `console` resource",
        ),
        (
            place("dut-a", &without(TAG_MAX_AMPS)),
            ok.to_vec(),
            "need tag `hil-max-amps`",
        ),
        (
            place("dut-a", &with(TAG_MAX_VOLTS, "lots")),
            ok.to_vec(),
            "tag `hil-max-volts`: `lots` is not a number",
        ),
        (
            place("dut-a", &with(TAG_MAX_VOLTS, "9")),
            ok.to_vec(),
            "above 5.5 V",
        ),
        (
            place("dut-a", &with(TAG_NOMINAL_VOLTS, "5")),
            ok.to_vec(),
            "outside its limits",
        ),
        (
            place("dut-a", &with(TAG_SUPPLY_MODEL, "hp-6632")),
            ok.to_vec(),
            "tag `hil-supply-model`",
        ),
        (
            place("dut-a", &without(TAG_SUPPLY_MODEL)),
            ok.to_vec(),
            "needs tag `hil-supply-model`",
        ),
        (
            place("dut-a", &with(TAG_PROBE, "nope")),
            ok.to_vec(),
            "tag `hil-probe`",
        ),
        (
            place("dut-a", &with(TAG_IMEI, "123")),
            ok.to_vec(),
            "tag `hil-imei`",
        ),
        (
            place("dut-a", &with(TAG_MFW, "1.3.6")),
            ok.to_vec(),
            "tag `hil-mfw`",
        ),
        (
            place("dut-a", FULL),
            vec![console(), visa("127.0.0.1:5025")],
            "HOST::PORT::SOCKET",
        ),
        (place("dut a", FULL), ok.to_vec(), "contains ' '"),
    ] {
        let got = problem(&p, &entries);
        assert!(
            got.starts_with(&format!("labgrid place `{}`", p.name)),
            "{got}"
        );
        assert!(got.contains(want), "want {want:?} in: {got}");
    }
}

#[test]
fn a_console_without_a_port_says_the_place_is_not_acquired() {
    let mut c = console();
    c.params.insert("port".into(), Param::Null);
    let got = problem(&place("dut-a", FULL), &[c]);
    assert!(got.contains("only while the place is acquired"), "{got}");
}

#[test]
fn a_place_without_a_console_is_not_a_dut() {
    let entries = [visa("h::1::SOCKET")];
    assert!(!is_dut(&named(&entries)));
    assert!(is_dut(&named(&[console()])));
}
