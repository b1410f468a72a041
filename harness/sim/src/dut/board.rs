//! The simulated board's firmware behaviour, sans-IO: bytes in, a transmit queue out.
//!
//! One [`Board`] is the firmware-under-test running on an nRF91 whose modem is simulated:
//! - bytes from the client cross the wire first ([`Receiver`]: in realistic timing each arrives
//!   when its frame at the baud rate ends), then go through the [`Framer`] (the firmware's real
//!   console code); a framed command goes to the modem and its whole answer back
//!   ([`Transmitter`] keeps it whole, and paces it at the baud rate);
//! - **one command at a time**: from the moment a command is forwarded until its answer (or the
//!   firmware's `#XFWERR: timeout`) is written, received bytes are dropped and counted, as
//!   at_host did with its UART RX disabled (ref §7.2, INFERRED "bytes sent during that time are
//!   dropped"). Clients must wait for the final result code, as Nordic documents for at_host;
//! - a modem that stays silent gets the firmware's `#XFWERR: timeout` after `modem_timeout`
//!   (firmware.md §3); the board keeps watching its rail and forwarding URCs meanwhile, it only
//!   remembers when the answer is due. The legacy host has no timeout (libmodem waits forever,
//!   ref §7.1): a silent modem wedges it until reset or power loss;
//! - URCs are written as whole lines between replies (firmware.md §3);
//! - power comes from the rail ([`PowerMonitor`]): unpowered means silent, input discarded,
//!   output lost; power returning reboots the modem (volatile state lost, NVM kept) and the
//!   firmware prints its banner. Every voltage change, including a dip between two polls, is
//!   passed to the modem, which decides on its power-off warning (ref §4, §9);
//! - `freeze` (fault injection) makes the board a wedged one: nothing is answered until a power
//!   cycle, a pin reset or an image install.

use std::sync::Arc;
use std::time::{Duration, Instant};

use at_console::LocalCommand;
use at_console::response::{Banner, ERR_TIMEOUT, FwVersion, OK};

use super::backend::ModemBackend;
use super::current::CurrentModel;
use super::framer::{Framer, Intake};
use super::options::DutOptions;
use super::power::{PowerEvent, PowerMonitor};
use super::receiver::{DEFAULT_RX_QUEUE, Receiver};
use super::stats::DutStats;
use super::uart::Transmitter;
use crate::rail::SupplyRail;

/// Smallest voltage change passed on to the modem, volts.
const VOLTS_EPSILON: f64 = 1e-4;

/// A forwarded command whose answer has not been written yet.
#[derive(Debug)]
enum Busy {
    Idle,
    /// The answer (or the firmware's timeout error) is written at `at`.
    Until {
        at: Instant,
        then: Pending,
    },
    /// Never answered: the legacy host waits forever.
    Forever,
}

#[derive(Debug)]
enum Pending {
    Answer(Vec<u8>),
    Timeout,
}

/// One simulated board.
pub struct Board<M> {
    options: DutOptions,
    framer: Framer,
    pub(super) modem: M,
    rail: Arc<SupplyRail>,
    power: PowerMonitor,
    current: CurrentModel,
    frozen: bool,
    busy: Busy,
    /// When the last byte of a still-partial line arrived (arms the idle timer).
    last_rx: Option<Instant>,
    /// Last voltage passed to the modem (`None` while unpowered).
    reported_volts: Option<f64>,
    fw_id: String,
    rx: Receiver,
    pub(super) tx: Transmitter,
    stats: DutStats,
}

impl<M: ModemBackend> Board<M> {
    /// A board wired to `rail`, not yet looked at its supply (call [`Board::poll_power`]).
    pub fn new(options: DutOptions, modem: M, rail: Arc<SupplyRail>) -> Self {
        let framer = Framer::new(options.legacy_host.as_ref());
        let tx = Transmitter::new(options.timing, options.baud, options.tx_queue);
        let rx = Receiver::new(options.timing, options.baud, DEFAULT_RX_QUEUE);
        Board {
            fw_id: options.fw_id.clone(),
            power: PowerMonitor::new(options.supervisor),
            current: CurrentModel::new(modem.current_figures()),
            options,
            framer,
            modem,
            rail,
            frozen: false,
            busy: Busy::Idle,
            last_rx: None,
            reported_volts: None,
            rx,
            tx,
            stats: DutStats::default(),
        }
    }

    /// The options the board was started with.
    pub fn options(&self) -> &DutOptions {
        &self.options
    }

    /// Whether the board has power.
    pub fn powered(&self) -> bool {
        self.power.powered()
    }

    /// Whether the board is wedged by fault injection.
    pub fn frozen(&self) -> bool {
        self.frozen
    }

    /// The firmware id the board runs.
    pub fn fw_id(&self) -> &str {
        &self.fw_id
    }

    /// Whether a forwarded command is waiting for its answer.
    pub fn busy(&self) -> bool {
        !matches!(self.busy, Busy::Idle)
    }

    /// Whether the console echoes input (`ATE1`).
    pub fn echo_enabled(&self) -> bool {
        self.framer.echo_enabled()
    }

    /// What happened on the board since it started.
    pub fn stats(&self) -> DutStats {
        DutStats {
            bytes_out: self.tx.written(),
            dropped_tx: self.tx.dropped(),
            ..self.stats
        }
    }

    /// Looks at the rail: brown-out, power-up, voltage changes, load current.
    pub fn poll_power(&mut self, now: Instant) {
        let min = self.rail.take_min_volts();
        let volts = self.rail.volts();
        let output_on = self.rail.output_on();
        if self.power.powered() {
            // The modem sees the dip first, then where the rail is now (ref §9 POFWARN).
            self.report_volts(min);
            self.report_volts(volts);
        }
        match self.power.observe(output_on, min, volts) {
            PowerEvent::Steady => {}
            PowerEvent::Lost => self.power_lost(),
            PowerEvent::Up => self.boot(now, volts),
            PowerEvent::Bounced => {
                self.power_lost();
                self.boot(now, volts);
            }
        }
        self.update_load(now);
    }

    /// Schedules on the rail what the board draws, if that changed.
    fn update_load(&mut self, now: Instant) {
        if let Some((level, then)) = self.current.update(now, self.modem.draw()) {
            self.rail.schedule_load(now, level, &then);
        }
    }

    fn report_volts(&mut self, volts: f64) {
        let changed = self
            .reported_volts
            .is_none_or(|last| (last - volts).abs() > VOLTS_EPSILON);
        if changed {
            self.modem.supply_changed(volts);
            self.reported_volts = Some(volts);
        }
    }

    fn power_lost(&mut self) {
        self.stats.power_losses += 1;
        self.current.power_lost();
        self.tx.clear();
        self.quiesce();
        // The board and its modem share the supply: when the board counts as unpowered (the
        // output switched off while the rail still ramps down, or a brown-out), so does the
        // modem, even if this poll caught the rail above the modem's own threshold.
        self.modem.supply_changed(0.0);
        self.reported_volts = None;
        tracing::debug!(dut = %self.options.name, "power lost");
    }

    /// Forgets the session: line, echo, command in flight, idle timer, wedge.
    fn quiesce(&mut self) {
        self.framer.reset();
        self.busy = Busy::Idle;
        self.last_rx = None;
        self.frozen = false;
    }

    /// Power came up: the modem starts from NVM, the firmware prints its banner.
    fn boot(&mut self, now: Instant, volts: f64) {
        self.modem.reboot();
        self.reported_volts = None;
        self.report_volts(volts);
        self.start_firmware(now);
    }

    fn start_firmware(&mut self, now: Instant) {
        self.current.boot(now);
        self.quiesce();
        self.stats.boots += 1;
        let banner = Banner(&self.fw_id).to_string();
        self.tx.send(banner.as_bytes(), now);
        tracing::debug!(dut = %self.options.name, fw_id = %self.fw_id, "boot");
    }

    /// A reset while powered (pin reset, `AT#XRESET`, image install). `hard` drops output not yet
    /// sent, as a pin reset does; `AT#XRESET` lets its `OK` out first. Returns false if unpowered.
    pub fn restart(&mut self, now: Instant, hard: bool) -> bool {
        if !self.power.powered() {
            return false;
        }
        if hard {
            self.tx.clear();
        }
        self.modem.reboot();
        self.start_firmware(now);
        self.update_load(now);
        true
    }

    /// Installs a firmware image (simulated flashing) and boots it. False if unpowered: a probe
    /// cannot program an unpowered chip.
    pub fn install(&mut self, fw_id: &str, now: Instant) -> bool {
        if !self.power.powered() {
            return false;
        }
        self.fw_id = fw_id.to_owned();
        self.restart(now, true)
    }

    /// Fault injection: a wedged board answers nothing (cleared by power cycle or reset).
    pub fn set_frozen(&mut self, frozen: bool) {
        if frozen && !self.frozen {
            self.tx.clear();
            self.quiesce();
        }
        self.frozen = frozen;
    }

    /// Timers and URCs.
    pub fn tick(&mut self, now: Instant) {
        if !self.power.powered() || self.frozen {
            drop(self.modem.take_urcs()); // nobody is there to write them
            return;
        }
        self.answer_if_due(now);
        if let Some(last) = self.last_rx
            && now.saturating_duration_since(last) >= self.options.idle_timeout
        {
            self.last_rx = None;
            let tx = &mut self.tx;
            if let Some(reply) = self.framer.idle_timeout(&mut |e: &[u8]| tx.send(e, now)) {
                tx.send(reply.as_bytes(), now);
            }
        }
        for urc in self.modem.take_urcs() {
            let mut line = urc.trim_end_matches(['\r', '\n']).as_bytes().to_vec();
            line.extend_from_slice(b"\r\n");
            self.tx.send(&line, now);
        }
    }

    /// Writes the answer of the command in flight (or the firmware's timeout error) if it is
    /// due by `now`.
    fn answer_if_due(&mut self, now: Instant) {
        if let Busy::Until { at, .. } = self.busy
            && at <= now
            && let Busy::Until { then, .. } = std::mem::replace(&mut self.busy, Busy::Idle)
        {
            match then {
                Pending::Answer(answer) => self.tx.send(&answer, now),
                Pending::Timeout => {
                    self.stats.modem_timeouts += 1;
                    self.tx.send(ERR_TIMEOUT.as_bytes(), now);
                }
            }
        }
    }

    /// Bytes the client wrote, read from the pty at `now`: they reach the firmware when their
    /// frames have crossed the wire ([`Board::deliver`]). Returns how many were taken (at most
    /// [`Board::rx_room`]).
    pub fn arrive(&mut self, bytes: &[u8], now: Instant) -> usize {
        self.rx.accept(bytes, now)
    }

    /// How many more bytes from the client the receiver takes now.
    pub fn rx_room(&self) -> usize {
        self.rx.room()
    }

    /// Hands the firmware every byte whose frame has ended by `now`, each at the instant it
    /// ended (an answer due before that instant is written first, so the byte is not taken for
    /// one sent while the board was busy). The rail is looked at before each byte, so a byte
    /// never reaches a board that has just lost power.
    pub fn deliver(&mut self, now: Instant) {
        while let Some((byte, at)) = self.rx.take_due(now) {
            self.poll_power(now);
            if self.power.powered() && !self.frozen {
                self.answer_if_due(at);
            }
            self.receive(byte, at);
        }
    }

    /// One byte from the client, its frame ended at `now`.
    pub fn receive(&mut self, byte: u8, now: Instant) {
        self.stats.bytes_in += 1;
        if !self.power.powered() || self.frozen {
            self.stats.dropped_dead += 1;
            return;
        }
        if self.busy() {
            self.stats.dropped_busy += 1;
            return;
        }
        let tx = &mut self.tx;
        let intake = self.framer.push(byte, &mut |e: &[u8]| tx.send(e, now));
        let forwarded = matches!(intake, Intake::Forward(_));
        match intake {
            Intake::Nothing => {}
            Intake::Reply(text) => tx.send(text.as_bytes(), now),
            Intake::Forward(cmd) => {
                self.stats.commands += 1;
                let latency = self.options.timing.modem_latency(self.modem.latency(cmd));
                self.busy = match self.modem.execute(cmd) {
                    Some(answer) if latency.is_zero() => {
                        tx.send(&answer, now);
                        Busy::Idle
                    }
                    Some(answer) => Busy::Until {
                        at: now + latency,
                        then: Pending::Answer(answer),
                    },
                    None if self.options.legacy_host.is_some() => Busy::Forever,
                    None => Busy::Until {
                        at: now + self.options.modem_timeout,
                        then: Pending::Timeout,
                    },
                };
            }
            Intake::Unanswerable(_) => {
                self.stats.commands += 1;
                self.busy = Busy::Forever;
            }
            Intake::Local(cmd) => {
                self.stats.local_commands += 1;
                match cmd {
                    LocalCommand::Version => {
                        let text = FwVersion(&self.fw_id).to_string();
                        tx.send(text.as_bytes(), now);
                    }
                    LocalCommand::Reset => {
                        tx.send(OK.as_bytes(), now);
                        self.restart(now, false);
                    }
                    // The console applies ATE0/ATE1 itself; answer like it if one ever arrives.
                    LocalCommand::EchoOff | LocalCommand::EchoOn => tx.send(OK.as_bytes(), now),
                }
            }
        }
        self.last_rx = self.framer.has_partial_line().then_some(now);
        if forwarded {
            // The command may have changed the modem's state or written NVM.
            self.update_load(now);
        }
    }

    /// The earliest moment something is due (an answer, the idle timer, a byte on the wire in
    /// either direction).
    pub fn next_deadline(&self) -> Option<Instant> {
        let answer = match self.busy {
            Busy::Until { at, .. } => Some(at),
            _ => None,
        };
        let idle = self.last_rx.map(|t| t + self.options.idle_timeout);
        [answer, idle, self.tx.next_due(), self.rx.next_due()]
            .into_iter()
            .flatten()
            .min()
    }

    /// How long the thread may wait for input before it must come back (whole milliseconds,
    /// rounded up, at most the poll interval).
    pub fn wait_time(&self, now: Instant) -> Duration {
        let poll = self.options.poll_interval;
        let Some(deadline) = self.next_deadline() else {
            return poll;
        };
        let left = deadline.saturating_duration_since(now);
        if left.is_zero() {
            return Duration::ZERO;
        }
        let ms = left.as_micros().div_ceil(1000) as u64;
        Duration::from_millis(ms.max(1)).min(poll)
    }
}
