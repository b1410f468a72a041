//! The simulated probe: same phases as probe-rs, times from the throughput model, the image's
//! id installed on the simulated DUT, and the same refusals as hardware.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{ElfSpec, RecordingTarget, code, hex_text, write};
use hil_flash::{
    FirmwareImage, FlashError, FlashEvent, FlashPhase, Flasher, ImageError, ProbeKind,
    SimulatedFlasher, ThroughputModel,
};

fn fast_flasher(target: Arc<RecordingTarget>) -> SimulatedFlasher {
    SimulatedFlasher::new("sim-1", target, ThroughputModel::FAST)
}

#[test]
fn flash_reports_phases_and_installs_the_fw_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "fw.elf",
        ElfSpec::firmware(Some("0.2.0+cafe")).build(),
    );
    let image = FirmwareImage::load(&path).unwrap();
    let target = Arc::new(RecordingTarget::default());
    let mut flasher = fast_flasher(target.clone());

    let mut events = Vec::new();
    let report = flasher
        .flash(&image, &mut |e| events.push(e.clone()))
        .unwrap();

    assert_eq!(*target.installed.lock().unwrap(), ["0.2.0+cafe"]);
    assert_eq!(report.installed_id, "0.2.0+cafe");
    assert_eq!(report.fw_id.as_deref(), Some("0.2.0+cafe"));
    assert_eq!(report.sha256, image.sha256());
    assert_eq!(report.dut, "sim-1");

    // Started, Progress…, Finished for erase, program, verify, in that order.
    let mut order = Vec::new();
    for e in &events {
        match e {
            FlashEvent::Started { phase, total_bytes } => {
                assert!(total_bytes.is_some());
                order.push(*phase);
            }
            FlashEvent::Progress(t) => assert_eq!(Some(&t.phase), order.last()),
            FlashEvent::Finished(t) => {
                assert_eq!(Some(&t.phase), order.last());
                assert_eq!(Some(t.bytes), t.total_bytes, "a finished phase is complete");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(order, FlashPhase::ALL);

    // Throughput follows the model even in fast mode.
    let program = &report.phases[1];
    assert_eq!(program.phase, FlashPhase::Program);
    assert_eq!(program.bytes, image.loadable_bytes());
    let rate = program.bytes_per_second.unwrap();
    assert!(
        (rate - ThroughputModel::FAST.program_bytes_per_second).abs() < 1.0,
        "{rate}"
    );
    assert_eq!(report.phases[0].bytes, image.erase_footprint());
    let modelled: Duration = report.phases.iter().map(|t| t.elapsed).sum();
    assert_eq!(report.elapsed, modelled);
}

#[test]
fn fast_mode_does_not_sleep_and_realistic_mode_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fw.hex", hex_text(&[(0, &code(2000, 1))], None));
    let image = FirmwareImage::load(&path).unwrap();
    let target = Arc::new(RecordingTarget::default());

    let slow = ThroughputModel {
        erase_bytes_per_second: 4096.0 / 0.02,
        program_bytes_per_second: 2000.0 / 0.03,
        verify_bytes_per_second: 2000.0 / 0.01,
        fast: false,
    };
    let started = Instant::now();
    let report = SimulatedFlasher::new("sim-1", target.clone(), slow)
        .flash(&image, &mut |_| {})
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(55),
        "{:?}",
        started.elapsed()
    );
    assert!(
        report.elapsed >= Duration::from_millis(59),
        "{:?}",
        report.elapsed
    );

    // Fast mode reports the model's time without spending it: a model worth 10 s of flashing
    // finishes in a fraction of that, however loaded the machine is.
    let started = Instant::now();
    let fast = ThroughputModel {
        erase_bytes_per_second: 4096.0 / 4.0,
        program_bytes_per_second: 2000.0 / 4.0,
        verify_bytes_per_second: 2000.0 / 2.0,
        fast: true,
    };
    let report = SimulatedFlasher::new("sim-1", target, fast)
        .flash(&image, &mut |_| {})
        .unwrap();
    assert!(
        report.elapsed >= Duration::from_secs(9),
        "{:?}",
        report.elapsed
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn hex_image_installs_a_digest_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "merged.hex",
        hex_text(&[(0, &code(100, 9))], None),
    );
    let image = FirmwareImage::load(&path).unwrap();
    let target = Arc::new(RecordingTarget::default());
    fast_flasher(target.clone())
        .flash(&image, &mut |_| {})
        .unwrap();
    let installed = target.installed.lock().unwrap();
    assert_eq!(installed.len(), 1);
    assert_eq!(installed[0], format!("sha256:{}", &image.sha256()[..16]));
}

#[test]
fn image_that_became_invalid_is_refused_before_install() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "fw.elf",
        ElfSpec::firmware(Some("1.0.0+a")).build(),
    );
    let image = FirmwareImage::load(&path).unwrap();
    let mut host = ElfSpec::firmware(None);
    host.machine = object::elf::EM_X86_64;
    host.is_64 = true;
    std::fs::write(&path, host.build()).unwrap();

    let target = Arc::new(RecordingTarget::default());
    let mut events = 0;
    let err = fast_flasher(target.clone())
        .flash(&image, &mut |_| events += 1)
        .unwrap_err();
    assert!(
        matches!(
            err,
            FlashError::InvalidImage(ImageError::WrongArchitecture { .. })
        ),
        "{err:?}"
    );
    assert_eq!(events, 0);
    assert!(target.installed.lock().unwrap().is_empty());
}

#[test]
fn locked_chip_needs_erase_all_permission() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "fw.elf",
        ElfSpec::firmware(Some("1.0.0+a")).build(),
    );
    let image = FirmwareImage::load(&path).unwrap();
    let target = Arc::new(RecordingTarget {
        locked: true,
        ..Default::default()
    });

    let err = fast_flasher(target.clone())
        .flash(&image, &mut |_| {})
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, FlashError::Locked { .. }), "{err:?}");
    assert!(text.contains("APPROTECT"), "{text}");
    assert!(
        text.contains("`allow_erase_all: true` for DUT `sim-1` in the rack file"),
        "{text}"
    );

    let mut allowed = fast_flasher(target.clone()).with_allow_erase_all(true);
    assert!(allowed.describe().allow_erase_all);
    let report = allowed.flash(&image, &mut |_| {}).unwrap();
    assert_eq!(
        report.phases[0].bytes, 0x10_0000,
        "unlocking erases the whole flash"
    );
    assert_eq!(*target.installed.lock().unwrap(), ["1.0.0+a"]);
}

#[test]
fn target_refusal_and_reset() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "fw.elf",
        ElfSpec::firmware(Some("1.0.0+a")).build(),
    );
    let image = FirmwareImage::load(&path).unwrap();
    let target = Arc::new(RecordingTarget {
        refuse: Some("DUT is not powered".into()),
        ..Default::default()
    });
    let mut flasher = fast_flasher(target.clone());
    let err = flasher.flash(&image, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("DUT is not powered"), "{err}");

    flasher.reset().unwrap();
    assert_eq!(*target.resets.lock().unwrap(), 1);
    let d = flasher.describe();
    assert_eq!(
        (d.kind, d.selector.as_str()),
        (ProbeKind::Simulated, "sim:sim-1")
    );
}

#[test]
fn flashers_are_usable_as_trait_objects() {
    let target = Arc::new(RecordingTarget::default());
    let boxed: Box<dyn Flasher> = Box::new(fast_flasher(target));
    fn assert_send<T: Send + ?Sized>(_: &T) {}
    assert_send(&*boxed);
    assert_eq!(boxed.describe().chip, "nRF9160_xxAA");
}
