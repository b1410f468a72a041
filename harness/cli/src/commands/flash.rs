//! `hil flash`: puts the firmware-under-test on the rack's boards. The lab is brought up
//! without flashing (ports open, identity bound against the rack file — nothing is written to
//! a board that is not the one the rack names), then each selected board is flashed with a
//! progress bar per phase, unless it already runs the image (`--force` flashes anyway).
//!
//! With `--probe SEL` only that probe's board is flashed, without a rack or console
//! ([`flash_probe`](super::flash_probe)).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use hil_app::{Env, LabRequest, LabSettings};
use hil_flash::{FirmwareImage, ProbeSelector};
use hil_lab::flashing::{FlashOutcome, flash_board};
use hil_lab::{Board, Lab, LabOptions, RackSource};

use crate::cli::TimingArg;
use crate::exit::{OrConfig, Status, config_error};
use crate::flash_progress::{FlashProgress, rate};
use crate::lease_args::LeaseArgs;
use crate::output;

#[derive(Debug, Args)]
pub struct FlashArgs {
    /// Rack file (default: `HIL_RACK`, else the simulated rack).
    #[arg(long, value_name = "FILE", conflicts_with = "probe")]
    pub rack: Option<PathBuf>,

    /// Flash the board behind this probe only, without a rack or console: `VID:PID[:serial]`
    /// (USB, probe-rs) or `sim@HOST:PORT` (a `hil sim` board's probe endpoint). This is what a
    /// labgrid exporter host runs when a place is flashed over SSH.
    #[arg(long, value_name = "SELECTOR")]
    pub probe: Option<ProbeSelector>,

    /// With `--probe`: `json` prints one JSON object per line on stdout (the progress protocol
    /// the SSH flasher reads back); `bar` draws progress on stderr.
    #[arg(long, value_enum, default_value_t = ProgressArg::Bar, requires = "probe")]
    pub progress: ProgressArg,

    /// With `--probe`: reset the board instead of flashing it.
    #[arg(long, requires = "probe")]
    pub reset: bool,

    /// With `--probe`: a locked (APPROTECT) chip may be erased to unlock it.
    #[arg(long, requires = "probe")]
    pub allow_erase_all: bool,

    /// Flash only this DUT (repeatable; default: every DUT); with `--probe`, the board's name
    /// in messages.
    #[arg(long, value_name = "NAME")]
    pub dut: Vec<String>,

    /// Image to flash (ELF or HEX); default `FUT_ELF`, the rack file, the CI build output.
    #[arg(long, value_name = "PATH")]
    pub firmware: Option<PathBuf>,

    /// Flash even boards that already run the image.
    #[arg(long)]
    pub force: bool,

    /// Timing of simulated DUTs (their simulated probe's throughput).
    #[arg(long, value_enum, default_value_t = TimingArg::Fast)]
    pub timing: TimingArg,

    #[command(flatten)]
    pub lease: LeaseArgs,
}

/// How `hil flash --probe` reports progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ProgressArg {
    /// Progress bars (or lines) on stderr.
    #[default]
    Bar,
    /// One JSON object per line on stdout.
    Json,
}

pub fn run(args: FlashArgs) -> anyhow::Result<Status> {
    if let Some(probe) = &args.probe {
        return super::flash_probe::run(&args, probe);
    }
    let request = LabRequest {
        rack: args.rack.clone(),
        firmware: args.firmware.clone(),
        timing: Some(args.timing.into()),
        flash: false,
        state_dir: args.lease.state_dir.clone(),
        wait_for_boards: args.lease.wait_for_boards,
        program: Some("hil flash".to_string()),
        ..LabRequest::default()
    };
    let LabSettings {
        rack: source,
        options: opts,
    } = LabSettings::resolve(request, &Env::capture()).or_config()?;
    let image = load_image(&source, &opts)?;
    eprintln!(
        "image: {} ({} bytes, id {})",
        image.path().display(),
        image.loadable_bytes(),
        image.install_id()
    );
    let mut lab = Lab::bring_up(&source, &opts)
        .or_config_with(|| format!("bringing up {}", source.describe()))?;
    check_names(&lab, &args.dut)?;

    let interactive = output::interactive();
    let mut rows = Vec::new();
    for board in lab
        .boards
        .iter_mut()
        .filter(|b| args.dut.is_empty() || args.dut.iter().any(|d| d == b.name()))
    {
        let mut progress = FlashProgress::new(board.name(), interactive);
        let result = flash_board(board, &image, args.force, &mut |e| progress.on_event(e));
        progress.finish();
        let (status, detail) = match &result {
            Ok(FlashOutcome::Skipped(why)) => ("skipped", why.clone()),
            Ok(FlashOutcome::Flashed { bytes, elapsed, .. }) => (
                "flashed",
                format!(
                    "{bytes} B in {:.2} s ({})",
                    elapsed.as_secs_f64(),
                    rate(Some(*bytes as f64 / elapsed.as_secs_f64().max(1e-9)))
                ),
            ),
            Err(e) => ("FAILED", e.to_string()),
        };
        eprintln!("{}: {status}: {detail}", board.name());
        rows.push((board.name().to_string(), status, detail, result.is_ok()));
    }

    let mut table = output::table(["DUT", "result", "detail"]);
    for (dut, status, detail, _) in &rows {
        table.add_row([dut.as_str(), status, detail.as_str()]);
    }
    println!("{table}");
    Ok(Status::from_ok(rows.iter().all(|r| r.3)))
}

/// The image: `--firmware`, `FUT_ELF`, the rack file's `firmware_image`, the CI build output.
fn load_image(source: &RackSource, opts: &LabOptions) -> anyhow::Result<FirmwareImage> {
    let rack_firmware = match source {
        RackSource::File(path) => hil_rack::load(path).or_config()?.firmware_image,
        RackSource::Simulated | RackSource::Labgrid(_) => None,
    };
    let path = hil_flash::locate_image_from(
        opts.firmware.as_deref(),
        opts.fut_elf.as_deref(),
        rack_firmware.as_deref(),
        &opts.workspace_root,
    )
    .or_config()?
    .map(|found| found.path)
    .ok_or_else(|| config_error(hil_flash::no_image_reason(&opts.workspace_root)))?;
    FirmwareImage::load(&path).or_config_with(|| format!("firmware image {}", path.display()))
}

fn check_names(lab: &Lab, wanted: &[String]) -> anyhow::Result<()> {
    for name in wanted {
        if !lab.boards.iter().any(|b| b.name() == name) {
            let names: Vec<&str> = lab.boards.iter().map(Board::name).collect();
            return Err(config_error(format!(
                "--dut {name}: the rack has no DUT called `{name}` (DUTs: {})",
                names.join(", ")
            )));
        }
    }
    Ok(())
}
