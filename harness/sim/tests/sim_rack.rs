//! The default simulated rack: one board per bundled modem firmware, started fast, each
//! reachable and self-describing, everything stopped when the rack is dropped.

mod common;

use std::collections::HashSet;
use std::time::Instant;

use common::Client;
use hil_sim::rack::{SimRack, SimRackConfig};
use hil_sim::timing::Timing;

#[test]
fn the_default_rack_starts_fast_and_every_board_answers() {
    let start = Instant::now();
    let rack = SimRack::start(SimRackConfig::default_rack(Timing::Fast)).unwrap();
    eprintln!(
        "default rack ({} boards) started in {:?}",
        rack.duts().len(),
        start.elapsed()
    );
    assert!(rack.duts().len() >= 6);
    let mut serials = HashSet::new();
    for dut in rack.duts() {
        let line = dut.describe().to_string();
        eprintln!("{line}");
        assert!(!line.contains('\n'), "one JSON line per board");
        assert!(
            serials.insert(dut.serial.clone()),
            "serial ports are distinct"
        );
        let mut c = Client::open_raw(dut);
        assert!(c.read_banner().ends_with("READY\r\n"), "{}", dut.name);
        let cgmr = c.command("AT+CGMR");
        let profile = dut.profile.as_str();
        assert!(
            cgmr.contains(profile),
            "{}: {cgmr:?} does not name {profile}",
            dut.name
        );
        assert_eq!(c.command("AT+CGSN"), format!("{}\r\nOK\r\n", dut.imei));
    }
    assert!(rack.dut("sim-1.3.6").is_some());
}

#[test]
fn dropping_the_rack_stops_every_board_and_removes_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = SimRackConfig::default_rack(Timing::Fast);
    cfg.link_dir = Some(dir.path().join("tty"));
    let rack = SimRack::start(cfg).unwrap();
    let controls: Vec<_> = rack.duts().iter().map(|d| d.control.clone()).collect();
    let links: Vec<_> = rack.duts().iter().map(|d| d.serial.clone()).collect();
    for (dut, link) in rack.duts().iter().zip(&links) {
        assert_eq!(link, &dir.path().join("tty").join(&dut.name));
        let mut c = Client::open(dut);
        assert_eq!(c.command("AT"), "OK\r\n");
    }
    let start = Instant::now();
    drop(rack);
    eprintln!("rack stopped in {:?}", start.elapsed());
    assert!(
        controls.iter().all(|c| !c.is_running()),
        "every board thread joined"
    );
    assert!(
        links.iter().all(|l| l.symlink_metadata().is_err()),
        "links removed"
    );
}

#[test]
fn an_unknown_profile_lists_the_known_ones() {
    let mut cfg = SimRackConfig::default_rack(Timing::Fast);
    cfg.duts[0].profile = "mfw_nrf9160_9.9.9".into();
    let err = SimRack::start(cfg).unwrap_err().to_string();
    assert!(
        err.contains("mfw_nrf9160_9.9.9") && err.contains("mfw_nrf9160_1.3.6"),
        "{err}"
    );
}
