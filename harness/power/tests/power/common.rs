//! Shared test fixtures: a simulated supply and a rack-file supply entry pointing at it.

use std::sync::Arc;
use std::time::Duration;

use hil_power::{Limits, OpenOptions, PowerSupply, ScpiModel, SupplyDriver, SupplySpec};
use hil_sim::rail::{Slew, SupplyRail};
use hil_sim::supply::{self, SimLink, SupplyEndpoint, SupplyModel, SupplyOptions};
use hil_sim::timing::Timing;

pub const LIMITS: Limits = Limits {
    min_volts: 2.5,
    max_volts: 4.2,
    max_amps: 1.0,
};

/// A simulated supply of `model` with its rail off at 0 V.
pub struct Bench {
    pub rail: Arc<SupplyRail>,
    pub ep: SupplyEndpoint,
}

impl Bench {
    pub fn start(model: SupplyModel) -> Bench {
        Bench::start_with(model, SupplyOptions::default())
    }

    pub fn start_with(model: SupplyModel, options: SupplyOptions) -> Bench {
        let rail = Arc::new(SupplyRail::new(0.0, Slew::FAST));
        rail.set_output(false);
        let ep = supply::start_with(model, rail.clone(), Timing::Fast, options)
            .expect("start simulated supply");
        Bench { rail, ep }
    }

    pub fn serial(model: SupplyModel) -> Bench {
        Bench::start_with(
            model,
            SupplyOptions {
                link: SimLink::Serial,
                ..SupplyOptions::default()
            },
        )
    }

    /// The rack-file entry a lab would write for this instrument.
    pub fn spec(&self, channel: u8) -> SupplySpec {
        let model = scpi_model(self.ep.model);
        let driver = match self.ep.model {
            SupplyModel::Korad => SupplyDriver::Korad,
            SupplyModel::Ppk2 => SupplyDriver::Ppk2,
            _ if self.ep.address.starts_with("tcp://") => SupplyDriver::ScpiTcp,
            _ => SupplyDriver::ScpiSerial,
        };
        SupplySpec {
            driver,
            model,
            address: self.ep.address.clone(),
            channel,
            baud: None,
        }
    }

    pub fn open(&self) -> Box<dyn PowerSupply> {
        self.open_with(OpenOptions::default())
    }

    pub fn open_with(&self, options: OpenOptions) -> Box<dyn PowerSupply> {
        hil_power::open_with(&self.spec(1), options).expect("open driver")
    }

    /// Commands the instrument received that it did not execute.
    pub fn dropped(&self) -> Vec<String> {
        self.ep.log.dropped()
    }
}

pub fn scpi_model(m: SupplyModel) -> Option<ScpiModel> {
    Some(match m {
        SupplyModel::GenericScpi => ScpiModel::Generic,
        SupplyModel::KeysightE36300 => ScpiModel::KeysightE36300,
        SupplyModel::KeysightE3631a => ScpiModel::KeysightE3631a,
        SupplyModel::RigolDp800 => ScpiModel::RigolDp800,
        SupplyModel::SiglentSpd3303x => ScpiModel::SiglentSpd3303x,
        SupplyModel::RsHmc804x => ScpiModel::RsHmc804x,
        SupplyModel::RsNge100 => ScpiModel::RsNge100,
        SupplyModel::Keithley2230 => ScpiModel::Keithley2230,
        SupplyModel::Keithley2280 => ScpiModel::Keithley2280,
        SupplyModel::Korad | SupplyModel::Ppk2 => return None,
    })
}

pub fn short_timeout() -> OpenOptions {
    OpenOptions {
        timeout: Duration::from_millis(300),
        pacing: None,
    }
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

/// Waits up to a second for `cond` (instruments without acknowledgement apply commands a
/// moment after the driver returns).
pub fn eventually(cond: impl FnMut() -> bool) -> bool {
    hil_testkit::poll_until(Duration::from_secs(1), cond)
}
