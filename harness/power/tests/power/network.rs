//! Serial instruments over the network: the simulated PPK2 and E3631A on their ptys,
//! served by the real `ser2net` on 127.0.0.1, opened with an `rfc2217://` or `tcp://` address
//! in the rack-file entry. The binary PPK2 protocol crosses telnet with a 0xFF in a command.
//!
//! Without ser2net each test prints a skip line and passes, unless `HIL_REQUIRE_SER2NET=1`.

use std::path::Path;

use hil_rfc2217::ser2net::{self, Accepter, Ser2net};
use hil_sim::supply::SupplyModel;

use crate::common::{Bench, close, eventually};

/// The PPK2 driver's default baud rate (hil-power's `open.rs`).
const PPK2_BAUD: u32 = 115_200;

fn served(bench: &Bench, baud: u32, accepter: Accepter) -> Ser2net {
    Ser2net::start(Path::new(&bench.ep.address), baud, accepter).expect("ser2net starts")
}

#[test]
fn ppk2_over_rfc2217_with_0xff_in_a_command() {
    if !ser2net::available_or_skip("ppk2_over_rfc2217_with_0xff_in_a_command") {
        return;
    }
    let bench = Bench::start(SupplyModel::Ppk2);
    let server = served(&bench, PPK2_BAUD, Accepter::Rfc2217);
    let mut spec = bench.spec(1);
    spec.address = server.url();
    let mut supply = hil_power::open(&spec).expect("open over rfc2217");
    assert!(supply.identify().unwrap().contains("PPK2"));
    // 4095 mV is RegulatorSet 0x0D 0x0F 0xFF: the 0xFF must be doubled on the wire and undone
    // by the server.
    supply.set_voltage(4.095).unwrap();
    supply.set_output(true).unwrap();
    assert!(eventually(
        || bench.rail.output_on() && close(bench.rail.setpoint(), 4.095)
    ));
    assert_eq!(
        bench.ep.log.commands(),
        [
            "GetMetaData",
            "SetPowerMode 2",
            "RegulatorSet 4095",
            "DeviceRunningSet 1"
        ]
    );
}

#[test]
fn ppk2_over_raw_tcp() {
    if !ser2net::available_or_skip("ppk2_over_raw_tcp") {
        return;
    }
    // (Not the Korad: it drops a command arriving < 80 ms after the previous one, and network
    // jitter can bunch commands the driver paced 100 ms apart.)
    let bench = Bench::start(SupplyModel::Ppk2);
    let server = served(&bench, PPK2_BAUD, Accepter::Raw);
    let mut spec = bench.spec(1);
    spec.address = server.url();
    let mut supply = hil_power::open(&spec).expect("open over tcp");
    supply.set_voltage(4.095).unwrap();
    supply.set_output(true).unwrap();
    assert!(eventually(
        || bench.rail.output_on() && close(bench.rail.setpoint(), 4.095)
    ));
    assert!(bench.ep.log.contains("RegulatorSet 4095"));
}

#[test]
fn e3631a_over_rfc2217_with_its_two_stop_bits() {
    if !ser2net::available_or_skip("e3631a_over_rfc2217_with_its_two_stop_bits") {
        return;
    }
    let bench = Bench::serial(SupplyModel::Scpi(hil_power::ScpiModel::KeysightE3631a));
    let server = served(&bench, 9600, Accepter::Rfc2217);
    let mut spec = bench.spec(1);
    spec.address = server.url();
    let mut supply = hil_power::open(&spec).expect("open over rfc2217");
    assert!(supply.identify().unwrap().contains("E3631A"));
    supply.set_voltage(3.7).unwrap();
    assert!(eventually(|| close(bench.rail.setpoint(), 3.7)));
}
