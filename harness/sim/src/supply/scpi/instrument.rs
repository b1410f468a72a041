//! The state of a simulated SCPI supply: channels (the wired one keeps set point, current limit
//! and output on the [`SupplyRail`], so slew and load come from there; the others are ideal
//! outputs), protection latches, front-panel settings and the status model. What commands do
//! to it is the engine's job ([`super::engine`]).

use std::sync::Arc;
use std::time::Instant;

use super::spec::ModelSpec;
use super::status::Status;
use crate::rail::SupplyRail;

/// What executing one command produced.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Done,
    Reply(String),
    /// SCPI error number and text for the error queue.
    Error(i32, &'static str),
}

pub(crate) const SYNTAX: Outcome = Outcome::Error(-102, "Syntax error");
pub(crate) const DATA_TYPE: Outcome = Outcome::Error(-104, "Data type error");
pub(crate) const NOT_ALLOWED: Outcome = Outcome::Error(-108, "Parameter not allowed");
pub(crate) const MISSING_PARAMETER: Outcome = Outcome::Error(-109, "Missing parameter");
pub(crate) const UNDEFINED_HEADER: Outcome = Outcome::Error(-113, "Undefined header");
pub(crate) const SETTINGS_CONFLICT: Outcome = Outcome::Error(-221, "Settings conflict");
pub(crate) const OUT_OF_RANGE: Outcome = Outcome::Error(-222, "Data out of range");
pub(crate) const TOO_MUCH_DATA: Outcome = Outcome::Error(-223, "Too much data");
pub(crate) const ILLEGAL_VALUE: Outcome = Outcome::Error(-224, "Illegal parameter value");

/// Front-panel lockout state (`SYST:REM`, `SYST:LOC`, `SYST:RWL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Panel {
    Local,
    Remote,
    RemoteLocked,
}

/// One output's settings besides those the rail holds for the wired channel.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Channel {
    pub volts: f64,
    pub amps: f64,
    pub on: bool,
    pub ovp_level: f64,
    pub ovp_on: bool,
    pub ovp_tripped: bool,
    pub ocp_level: f64,
    pub ocp_on: bool,
    pub ocp_tripped: bool,
    pub ocp_delay: f64,
    pub volt_limit: f64,
    pub volt_limit_on: bool,
}

/// Instrument-wide settings `*RST` restores.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResetSettings {
    pub tracking: bool,
    pub track_mode: u8,
    pub display: bool,
    pub display_text: String,
    /// Measurement integration time, power-line cycles (Keithley 2280S; INFERRED default 1).
    pub nplc: f64,
}

/// A simulated SCPI supply.
pub(crate) struct Instrument {
    pub spec: &'static ModelSpec,
    rail: Arc<SupplyRail>,
    wired: u8,
    channels: Vec<Channel>,
    selected: u8,
    master: bool,
    pub settings: ResetSettings,
    /// Survives `*RST` (INFERRED: system settings are not part of the reset state).
    pub beeper: bool,
    pub otp: bool,
    pub panel: Panel,
    pub status: Status,
    /// The link is RS-232 (the E3631A and 2231A then want `SYST:REM` first).
    pub serial: bool,
    /// When the reading buffer's first reading was taken (power-on or `*RST`): the origin of
    /// its relative time stamps.
    pub readings_since: Instant,
}

impl Instrument {
    /// A supply at power-on: channel `wired` drives `rail`, on if the rail is; `queue_depth`
    /// is the error queue's.
    pub fn new(
        spec: &'static ModelSpec,
        rail: Arc<SupplyRail>,
        wired: u8,
        serial: bool,
        queue_depth: usize,
    ) -> Self {
        let n = spec.channel_count();
        let on = rail.output_on();
        let mut inst = Instrument {
            spec,
            rail,
            wired: wired.clamp(1, n),
            channels: (1..=n).map(|ch| default_channel(spec, ch)).collect(),
            selected: 1,
            master: on,
            settings: default_settings(),
            beeper: spec.beeper_default,
            otp: true,
            panel: Panel::Local,
            status: Status::new(queue_depth),
            serial,
            readings_since: Instant::now(),
        };
        let w = inst.wired;
        inst.channel_mut(w).on = on;
        inst
    }

    /// `*RST`: every channel off at 0 V with its full current limit, protection levels at
    /// their maximum and disarmed, latches cleared, channel 1 selected, tracking off.
    pub fn reset(&mut self) {
        for ch in 1..=self.channel_count() {
            *self.channel_mut(ch) = default_channel(self.spec, ch);
        }
        self.master = false;
        self.selected = 1;
        self.settings = default_settings();
        self.readings_since = Instant::now();
        self.rail.set_output(false);
        self.rail.set_voltage(0.0);
        self.rail
            .set_current_limit(self.spec.ranges(self.wired).amps);
    }

    pub fn channel_count(&self) -> u8 {
        self.channels.len() as u8
    }

    pub fn valid(&self, ch: u8) -> bool {
        (1..=self.channel_count()).contains(&ch)
    }

    /// A channel's settings (`ch` must be valid).
    pub fn channel(&self, ch: u8) -> &Channel {
        &self.channels[usize::from(ch.max(1) - 1).min(self.channels.len() - 1)]
    }

    pub fn channel_mut(&mut self, ch: u8) -> &mut Channel {
        let last = self.channels.len() - 1;
        &mut self.channels[usize::from(ch.max(1) - 1).min(last)]
    }

    pub fn selected(&self) -> u8 {
        self.selected
    }

    pub fn select(&mut self, ch: u8) -> Outcome {
        if !self.valid(ch) {
            return ILLEGAL_VALUE;
        }
        self.selected = ch;
        Outcome::Done
    }

    pub fn set_volts(&mut self, ch: u8, v: f64) -> Outcome {
        let (lo, hi) = self.spec.ranges(ch).volts;
        let c = self.channel(ch);
        if !(lo..=hi).contains(&v) || (c.volt_limit_on && v > c.volt_limit) {
            return OUT_OF_RANGE;
        }
        self.put_volts(ch, v);
        let (leader, follower) = self.spec.track_pair;
        if self.settings.tracking && ch == leader && self.valid(follower) {
            let (flo, fhi) = self.spec.ranges(follower).volts;
            let fv = if fhi <= 0.0 { -v } else { v };
            if (flo..=fhi).contains(&fv) {
                self.put_volts(follower, fv);
            }
        }
        Outcome::Done
    }

    fn put_volts(&mut self, ch: u8, v: f64) {
        if ch == self.wired {
            self.rail.set_voltage(v);
        } else {
            self.channel_mut(ch).volts = v;
        }
    }

    pub fn volts_setpoint(&self, ch: u8) -> f64 {
        if ch == self.wired {
            self.rail.setpoint()
        } else {
            self.channel(ch).volts
        }
    }

    pub fn set_amps(&mut self, ch: u8, a: f64) -> Outcome {
        if !(0.0..=self.spec.ranges(ch).amps).contains(&a) {
            return OUT_OF_RANGE;
        }
        if ch == self.wired {
            self.rail.set_current_limit(a);
        } else {
            self.channel_mut(ch).amps = a;
        }
        Outcome::Done
    }

    pub fn amps_limit(&self, ch: u8) -> f64 {
        if ch == self.wired {
            self.rail.current_limit()
        } else {
            self.channel(ch).amps
        }
    }

    /// The channel's own output switch.
    pub fn set_on(&mut self, ch: u8, on: bool) -> Outcome {
        self.channel_mut(ch).on = on;
        self.apply_output();
        Outcome::Done
    }

    pub fn is_on(&self, ch: u8) -> bool {
        self.channel(ch).on
    }

    /// Every channel at once (E3631A `OUTP`, Keithley 2230 `OUTP`).
    pub fn set_all_on(&mut self, on: bool) -> Outcome {
        for c in &mut self.channels {
            c.on = on;
        }
        self.apply_output();
        Outcome::Done
    }

    /// The R&S master switch.
    pub fn set_master(&mut self, on: bool) -> Outcome {
        self.master = on;
        self.apply_output();
        Outcome::Done
    }

    pub fn master(&self) -> bool {
        self.master
    }

    fn drives(&self, ch: u8) -> bool {
        self.is_on(ch) && (!self.spec.master_switch || self.master)
    }

    fn apply_output(&mut self) {
        let on = self.drives(self.wired);
        if on != self.rail.output_on() {
            self.rail.set_output(on);
        }
    }

    pub fn meas_volts(&self, ch: u8) -> f64 {
        if ch == self.wired {
            self.rail.volts()
        } else if self.drives(ch) {
            self.volts_setpoint(ch)
        } else {
            0.0
        }
    }

    pub fn meas_amps(&self, ch: u8) -> f64 {
        if ch == self.wired {
            self.rail.amps()
        } else {
            0.0
        }
    }

    /// Constant-current regulation: the output is on and the load reaches the limit.
    pub fn in_cc(&self, ch: u8) -> bool {
        let a = self.meas_amps(ch);
        self.drives(ch) && a > 0.0 && a >= self.amps_limit(ch) - 1e-9
    }

    /// Trips OVP and OCP where armed and exceeded: the channel's output goes off and its latch
    /// is set until cleared. OVP compares the measured voltage with its level; OCP the measured
    /// current with its level, or with the current limit on models without a separate OCP level
    /// (Keysight: OCP trips when the output enters constant current). The delay of
    /// `FUSE:DEL` is kept and answered but not waited (INFERRED simplification).
    pub fn check_protection(&mut self, separate_ocp_level: bool) {
        for ch in 1..=self.channel_count() {
            if !self.drives(ch) {
                continue;
            }
            let c = *self.channel(ch);
            let over_v = c.ovp_on && self.meas_volts(ch).abs() > c.ovp_level + 1e-9;
            let a = self.meas_amps(ch);
            let ocp_at = if separate_ocp_level {
                c.ocp_level
            } else {
                self.amps_limit(ch)
            };
            let over_i = c.ocp_on && a > 0.0 && a >= ocp_at - 1e-9;
            if over_v || over_i {
                let c = self.channel_mut(ch);
                c.ovp_tripped |= over_v;
                c.ocp_tripped |= over_i;
                self.set_on(ch, false);
            }
        }
    }

    /// Clears a latch; `restore` switches the output back on if the latch had tripped it.
    pub fn clear_trip(&mut self, ch: u8, ovp: bool, ocp: bool, restore: bool) -> Outcome {
        let c = self.channel_mut(ch);
        let was = (ovp && c.ovp_tripped) || (ocp && c.ocp_tripped);
        if ovp {
            c.ovp_tripped = false;
        }
        if ocp {
            c.ocp_tripped = false;
        }
        if restore && was {
            self.set_on(ch, true);
        }
        Outcome::Done
    }
}

fn default_channel(spec: &ModelSpec, ch: u8) -> Channel {
    let r = spec.ranges(ch);
    Channel {
        volts: 0.0,
        amps: r.amps,
        on: false,
        ovp_level: spec.ovp_max(ch),
        ovp_on: spec.ovp_always,
        ovp_tripped: false,
        ocp_level: spec.ocp_max(ch),
        ocp_on: false,
        ocp_tripped: false,
        ocp_delay: 0.0,
        volt_limit: r.volts.1,
        volt_limit_on: false,
    }
}

fn default_settings() -> ResetSettings {
    ResetSettings {
        tracking: false,
        track_mode: 0,
        display: true,
        display_text: String::new(),
        nplc: 1.0,
    }
}
