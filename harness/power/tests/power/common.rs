//! Shared test fixtures: a simulated supply and a rack-file supply entry pointing at it.

use std::sync::Arc;
use std::time::Duration;

use hil_power::{Limits, OpenOptions, PowerSupply, SupplySpec};
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
        let link = if self.ep.address.starts_with("tcp://") {
            SimLink::Tcp
        } else {
            SimLink::Serial
        };
        SupplySpec {
            driver: self.ep.model.driver(link),
            model: self.ep.model.scpi_model(),
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
