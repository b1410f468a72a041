//! `hil flash --probe SEL`: flashes (or resets) the board behind one probe, without a rack or
//! a console — what a labgrid exporter host runs when a run elsewhere flashes one of its places
//! over SSH. `--progress json` prints the progress protocol of `hil_flash::remote` on stdout
//! (one JSON object per line), which the SSH flasher reads back.

use hil_flash::{
    FirmwareImage, FlashError, FlashEvent, FlashReport, ProbeSelector, RemoteFailed, RemoteFailure,
    RemoteLine, flasher_for_probe, remote::render_line,
};

use crate::commands::flash::{FlashArgs, ProgressArg};
use crate::exit::{Status, config_error};
use crate::flash_progress::{FlashProgress, rate};
use crate::output;

/// What was asked: flash an image, or reset.
enum Job {
    Flash(std::path::PathBuf),
    Reset,
}

pub fn run(args: &FlashArgs, probe: &ProbeSelector) -> anyhow::Result<Status> {
    let job = match (&args.firmware, args.reset) {
        (Some(path), false) => Job::Flash(path.clone()),
        (None, true) => Job::Reset,
        (None, false) => {
            return Err(config_error(
                "--probe needs --firmware PATH (the image to flash) or --reset",
            ));
        }
        (Some(_), true) => return Err(config_error("--firmware and --reset exclude each other")),
    };
    let dut = args
        .dut
        .first()
        .cloned()
        .unwrap_or_else(|| probe.to_string());
    let model = hil_lab::throughput_model(args.timing.into());
    let mut flasher = flasher_for_probe(&dut, probe, args.allow_erase_all, model);
    match args.progress {
        ProgressArg::Json => {
            let result = match job {
                Job::Flash(path) => flash(flasher.as_mut(), &path, &mut |e| {
                    println!("{}", render_line(&RemoteLine::Flash(e.clone())));
                })
                .map(RemoteLine::Done),
                Job::Reset => flasher.reset().map(|()| RemoteLine::ResetDone),
            };
            let ok = result.is_ok();
            let line = result.unwrap_or_else(|e| {
                RemoteLine::Failed(RemoteFailed {
                    kind: RemoteFailure::of(&e),
                    message: e.to_string(),
                })
            });
            println!("{}", render_line(&line));
            Ok(Status::from_ok(ok))
        }
        ProgressArg::Bar => {
            let mut progress = FlashProgress::new(&dut, output::interactive());
            match job {
                Job::Flash(path) => {
                    let result = flash(flasher.as_mut(), &path, &mut |e| progress.on_event(e));
                    progress.finish();
                    let report = result?;
                    let secs = report.elapsed.as_secs_f64();
                    let speed = rate(Some(report.loadable_bytes as f64 / secs.max(1e-9)));
                    eprintln!(
                        "{dut}: flashed {} B in {secs:.2} s ({speed}), now `{}`",
                        report.loadable_bytes, report.installed_id
                    );
                }
                Job::Reset => {
                    flasher.reset()?;
                    eprintln!("{dut}: reset");
                }
            }
            Ok(Status::Success)
        }
    }
}

fn flash(
    flasher: &mut dyn hil_flash::Flasher,
    path: &std::path::Path,
    progress: &mut dyn FnMut(&FlashEvent),
) -> Result<FlashReport, FlashError> {
    let image = FirmwareImage::load(path)?;
    flasher.flash(&image, progress)
}
