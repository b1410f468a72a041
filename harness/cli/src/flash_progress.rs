//! Flash progress for `hil flash`: an indicatif bar per phase (erase, program, verify) with its
//! throughput on a terminal, plain lines otherwise (a line when a phase starts, at every
//! quarter, and when it ends).

use std::time::Duration;

use hil_flash::{FlashEvent, FlashPhase, Throughput};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// `12.3 KiB/s`, or `?` while no time has passed.
pub fn rate(bytes_per_second: Option<f64>) -> String {
    match bytes_per_second {
        Some(b) if b >= 1024.0 * 1024.0 => format!("{:.1} MiB/s", b / (1024.0 * 1024.0)),
        Some(b) if b >= 1024.0 => format!("{:.1} KiB/s", b / 1024.0),
        Some(b) => format!("{b:.0} B/s"),
        None => "? B/s".to_string(),
    }
}

fn done_text(t: &Throughput) -> String {
    format!(
        "{} B in {:.2} s ({})",
        t.bytes,
        t.elapsed.as_secs_f64(),
        rate(t.bytes_per_second)
    )
}

enum Mode {
    Bar(Option<ProgressBar>),
    Lines { quarter: u8 },
}

/// Shows one board's flash events.
pub struct FlashProgress {
    dut: String,
    mode: Mode,
}

impl FlashProgress {
    pub fn new(dut: &str, interactive: bool) -> Self {
        FlashProgress {
            dut: dut.to_string(),
            mode: if interactive {
                Mode::Bar(None)
            } else {
                Mode::Lines { quarter: 0 }
            },
        }
    }

    pub fn on_event(&mut self, event: &FlashEvent) {
        match &mut self.mode {
            Mode::Bar(bar) => on_bar_event(&self.dut, bar, event),
            Mode::Lines { quarter } => on_line_event(&self.dut, quarter, event),
        }
    }

    /// Clears a bar left unfinished (the flasher returned an error without a `Failed` event).
    pub fn finish(&mut self) {
        if let Mode::Bar(Some(bar)) = &self.mode
            && !bar.is_finished()
        {
            bar.abandon();
        }
    }
}

fn phase_bar(dut: &str, phase: FlashPhase, total: Option<u64>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let template = if total.is_some() {
        "{prefix:.bold} [{bar:30}] {bytes}/{total_bytes} {msg}"
    } else {
        "{prefix:.bold} {spinner} {bytes} {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(format!("{dut} {:<7}", phase.name()));
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

fn on_bar_event(dut: &str, bar: &mut Option<ProgressBar>, event: &FlashEvent) {
    match event {
        FlashEvent::Started { phase, total_bytes } => {
            if let Some(old) = bar.take()
                && !old.is_finished()
            {
                old.finish();
            }
            *bar = Some(phase_bar(dut, *phase, *total_bytes));
        }
        FlashEvent::Progress(t) => {
            if let Some(bar) = bar {
                bar.set_position(t.bytes);
                bar.set_message(rate(t.bytes_per_second));
            }
        }
        FlashEvent::Finished(t) => {
            if let Some(bar) = bar {
                bar.set_position(t.bytes);
                bar.finish_with_message(done_text(t));
            }
        }
        FlashEvent::Failed(t) => {
            if let Some(bar) = bar {
                bar.abandon_with_message(format!("FAILED after {} B", t.bytes));
            }
        }
        FlashEvent::Message { text } => match bar {
            Some(bar) => bar.println(format!("{dut}: {text}")),
            None => eprintln!("{dut}: {text}"),
        },
    }
}

fn on_line_event(dut: &str, quarter: &mut u8, event: &FlashEvent) {
    match event {
        FlashEvent::Started { phase, total_bytes } => {
            *quarter = 0;
            match total_bytes {
                Some(total) => eprintln!("{dut}: {phase}: {total} B"),
                None => eprintln!("{dut}: {phase}"),
            }
        }
        FlashEvent::Progress(t) => {
            let now = t.fraction().map_or(0, |f| (f * 4.0).floor() as u8);
            if now > *quarter && now < 4 {
                *quarter = now;
                eprintln!(
                    "{dut}: {}: {}% ({})",
                    t.phase,
                    u32::from(now) * 25,
                    rate(t.bytes_per_second)
                );
            }
        }
        FlashEvent::Finished(t) => eprintln!("{dut}: {}: done, {}", t.phase, done_text(t)),
        FlashEvent::Failed(t) => eprintln!("{dut}: {}: FAILED after {} B", t.phase, t.bytes),
        FlashEvent::Message { text } => eprintln!("{dut}: {text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_human() {
        assert_eq!(rate(None), "? B/s");
        assert_eq!(rate(Some(512.0)), "512 B/s");
        assert_eq!(rate(Some(2048.0)), "2.0 KiB/s");
        assert_eq!(rate(Some(3.0 * 1024.0 * 1024.0)), "3.0 MiB/s");
    }
}
