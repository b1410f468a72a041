//! The board's current draw over time, from its power and its modem's state: the figures of the
//! firmware profile ([`CurrentFigures`]) per state, a boot pulse after power-up or reset, and a
//! pulse per NVM write and per key generation. Every change is scheduled on the rail as steps
//! (now, and when each pulse ends), so a sampling instrument sees pulses of the right length
//! whenever the board thread happens to run.

use std::time::{Duration, Instant};

use crate::load::LoadLevel;
use crate::profile::{CurrentFigures, DrawState};

/// What the modem tells the current model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModemDraw {
    /// The modem's activity state.
    pub state: DrawState,
    /// Credential writes and deletes so far (a counter; only its increments matter).
    pub nvm_writes: u64,
    /// Key generations so far.
    pub keygens: u64,
}

/// At most this many pulses of one activity wait or run at once. A board written faster than
/// its NVM pulses last (fast timing answers in microseconds) shows the activity busy for
/// this many pulses rather than a backlog that grows with every write and makes each update
/// slower (thousands of writes had made a write cost 12–16 ms).
const MAX_QUEUED: usize = 16;

/// What a pulse is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Activity {
    NvmWrite,
    KeyGen,
}

/// Extra current over `[start, end)`, milliamperes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pulse {
    activity: Activity,
    start: Instant,
    end: Instant,
    ma: f64,
}

/// A load schedule for the rail: the level from now, then later steps.
pub type Schedule = (LoadLevel, Vec<(Instant, LoadLevel)>);

/// The board's current model.
#[derive(Debug, Clone)]
pub struct CurrentModel {
    figures: CurrentFigures,
    powered: bool,
    state: Option<DrawState>,
    boot_until: Option<Instant>,
    pulses: Vec<Pulse>,
    /// Activity counters last seen: (NVM writes, key generations).
    seen: Option<(u64, u64)>,
    dirty: bool,
}

impl CurrentModel {
    /// A model of an unpowered board drawing `figures`.
    pub fn new(figures: CurrentFigures) -> Self {
        CurrentModel {
            figures,
            powered: false,
            state: None,
            boot_until: None,
            pulses: Vec::new(),
            seen: None,
            dirty: true,
        }
    }

    /// The current figures the model uses.
    pub fn figures(&self) -> &CurrentFigures {
        &self.figures
    }

    /// The board (re)booted at `now`: the boot draw for the profile's boot time.
    pub fn boot(&mut self, now: Instant) {
        self.powered = true;
        self.boot_until = Some(now + Duration::from_millis(self.figures.booting.ms));
        self.dirty = true;
    }

    /// The board lost power: nothing is drawn and running pulses end.
    pub fn power_lost(&mut self) {
        self.powered = false;
        self.boot_until = None;
        self.pulses.clear();
        self.dirty = true;
    }

    /// Looks at the modem; returns the new rail schedule when anything changed.
    pub fn update(&mut self, now: Instant, draw: ModemDraw) -> Option<Schedule> {
        self.pulses.retain(|p| p.end > now);
        let (nvm, keys) = self.seen.unwrap_or((draw.nvm_writes, draw.keygens));
        self.seen = Some((draw.nvm_writes, draw.keygens));
        if self.powered {
            let f = self.figures.clone();
            let new_keys = draw.keygens.saturating_sub(keys);
            let new_writes = draw.nvm_writes.saturating_sub(nvm);
            self.add_pulses(now, Activity::KeyGen, new_keys, f.keygen);
            self.add_pulses(now, Activity::NvmWrite, new_writes, f.nvm_write);
        }
        if self.state != Some(draw.state) {
            self.state = Some(draw.state);
            self.dirty = true;
        }
        if !std::mem::take(&mut self.dirty) {
            return None;
        }
        Some(self.schedule(now))
    }

    /// `count` pulses of `pulse`, one after the other (writes are serial).
    fn add_pulses(
        &mut self,
        now: Instant,
        activity: Activity,
        count: u64,
        pulse: crate::profile::Pulse,
    ) {
        let len = Duration::from_millis(pulse.ms);
        let queued = self
            .pulses
            .iter()
            .filter(|p| p.activity == activity)
            .count();
        let room = MAX_QUEUED.saturating_sub(queued) as u64;
        for _ in 0..count.min(room) {
            let start = self
                .pulses
                .iter()
                .filter(|p| p.activity == activity)
                .map(|p| p.end)
                .max()
                .unwrap_or(now)
                .max(now);
            self.pulses.push(Pulse {
                activity,
                start,
                end: start + len,
                ma: pulse.ma,
            });
            self.dirty = true;
        }
    }

    fn level(&self, t: Instant) -> LoadLevel {
        let Some(state) = self.state.filter(|_| self.powered) else {
            return LoadLevel::ZERO;
        };
        let base = match self.boot_until {
            Some(until) if t < until => self.figures.booting.ma,
            _ => self.figures.state_ma(state),
        };
        let extra: f64 = self
            .pulses
            .iter()
            .filter(|p| p.start <= t && t < p.end)
            .map(|p| p.ma)
            .sum();
        LoadLevel {
            amps: (base + extra) / 1000.0,
            ripple: self.figures.ripple_pct / 100.0,
        }
    }

    fn schedule(&self, now: Instant) -> Schedule {
        let mut times: Vec<Instant> = self
            .pulses
            .iter()
            .flat_map(|p| [p.start, p.end])
            .chain(self.boot_until)
            .filter(|t| *t > now)
            .collect();
        times.sort();
        times.dedup();
        let steps = times.into_iter().map(|t| (t, self.level(t))).collect();
        (self.level(now), steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadSchedule;

    fn draw(state: DrawState, nvm: u64, keys: u64) -> ModemDraw {
        ModemDraw {
            state,
            nvm_writes: nvm,
            keygens: keys,
        }
    }

    fn apply(rail: &mut LoadSchedule, now: Instant, s: Option<Schedule>) {
        if let Some((level, then)) = s {
            rail.set_from(now, level, &then);
        }
    }

    fn ma(rail: &LoadSchedule, t: Instant) -> f64 {
        (rail.at(t).amps * 1e6).round() / 1000.0
    }

    #[test]
    fn unpowered_draws_nothing_and_active_draws_more_than_offline() {
        let f = CurrentFigures::default();
        let t0 = Instant::now();
        let mut m = CurrentModel::new(f.clone());
        let mut rail = LoadSchedule::new(t0, LoadLevel::ZERO);
        apply(&mut rail, t0, m.update(t0, draw(DrawState::Active, 0, 0)));
        assert_eq!(rail.at(t0).amps, 0.0, "not powered");
        m.boot(t0);
        let later = t0 + Duration::from_secs(1);
        apply(
            &mut rail,
            later,
            m.update(later, draw(DrawState::Offline, 0, 0)),
        );
        let offline = ma(&rail, later);
        let later2 = later + Duration::from_millis(1);
        apply(
            &mut rail,
            later2,
            m.update(later2, draw(DrawState::Active, 0, 0)),
        );
        assert!(ma(&rail, later2) > offline);
        assert_eq!(ma(&rail, later2), f.cfun1_ma);
        assert_eq!(rail.at(later2).ripple, f.ripple_pct / 100.0);
    }

    #[test]
    fn boot_then_state_then_nvm_pulses_in_sequence() {
        let f = CurrentFigures::default();
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let mut m = CurrentModel::new(f.clone());
        let mut rail = LoadSchedule::new(t0, LoadLevel::ZERO);
        m.boot(t0);
        apply(&mut rail, t0, m.update(t0, draw(DrawState::Off, 5, 0)));
        assert_eq!(ma(&rail, ms(1)), f.booting.ma);
        assert_eq!(
            ma(&rail, ms(f.booting.ms)),
            f.cfun0_ma,
            "boot ends on schedule"
        );
        let t = ms(1000);
        apply(&mut rail, t, m.update(t, draw(DrawState::Offline, 7, 0)));
        let w = f.nvm_write.ms;
        assert_eq!(
            ma(&rail, ms(1000)),
            f.cfun4_ma + f.nvm_write.ma,
            "first write"
        );
        assert_eq!(
            ma(&rail, ms(1000 + w)),
            f.cfun4_ma + f.nvm_write.ma,
            "second write follows"
        );
        assert_eq!(
            ma(&rail, ms(1000 + 2 * w)),
            f.cfun4_ma,
            "then back to the state"
        );
        assert!(
            m.update(ms(1001), draw(DrawState::Offline, 7, 0)).is_none(),
            "nothing new"
        );
    }

    #[test]
    fn writes_faster_than_their_pulses_queue_a_bounded_backlog() {
        let t0 = Instant::now();
        let mut m = CurrentModel::new(CurrentFigures::default());
        m.boot(t0);
        m.update(t0, draw(DrawState::Offline, 0, 0));
        for n in 1..=5_000 {
            m.update(t0, draw(DrawState::Offline, n, 0));
        }
        assert!(
            m.update(t0, draw(DrawState::Offline, 5_001, 0)).is_none(),
            "a full backlog changes nothing"
        );
        assert_eq!(m.pulses.len(), MAX_QUEUED);
        let (_, steps) = m.schedule(t0);
        let pulse = Duration::from_millis(m.figures().nvm_write.ms);
        let last = steps.last().unwrap().0;
        assert!(last <= t0 + pulse * MAX_QUEUED as u32, "{:?}", last - t0);
    }

    #[test]
    fn power_loss_ends_every_pulse() {
        let f = CurrentFigures::default();
        let t0 = Instant::now();
        let mut m = CurrentModel::new(f);
        let mut rail = LoadSchedule::new(t0, LoadLevel::ZERO);
        m.boot(t0);
        apply(&mut rail, t0, m.update(t0, draw(DrawState::Off, 0, 0)));
        let t = t0 + Duration::from_millis(500);
        apply(&mut rail, t, m.update(t, draw(DrawState::Off, 0, 1)));
        m.power_lost();
        let t2 = t + Duration::from_millis(1);
        apply(&mut rail, t2, m.update(t2, draw(DrawState::Off, 0, 1)));
        assert_eq!(rail.at(t2 + Duration::from_millis(100)).amps, 0.0);
    }
}
