//! The probe-rs flasher without hardware: selectors, probe listing, and the errors a machine
//! with no probe attached gets from the real probe-rs code path.

mod common;

use common::{ElfSpec, write};
use hil_flash::{
    FirmwareImage, FlashError, Flasher, ImageError, NRF9160_CHIP, ProbeKind, ProbeRsConfig,
    ProbeRsFlasher, ProbeSelector, UsbProbeSelector, list_probes,
};
use rstest::rstest;

fn selector() -> UsbProbeSelector {
    UsbProbeSelector::parse("1366:1015:000960012345").unwrap()
}

#[rstest]
#[case("1366", "missing `:PID`")]
#[case("xyz:1015", "VID")]
#[case("13661:1015", "VID")]
#[case("1366:", "PID")]
#[case("1366:1015:", "empty serial")]
#[case("1366:1015:12 34", "whitespace")]
fn selector_parse_errors(#[case] text: &str, #[case] says: &str) {
    let err = ProbeSelector::parse(text).unwrap_err();
    let message = err.to_string();
    assert!(message.contains(says), "{message}");
    assert!(
        message.contains(text),
        "the message quotes the selector: {message}"
    );
}

#[test]
fn selector_round_trips() {
    let s = selector();
    assert_eq!((s.vendor_id, s.product_id), (0x1366, 0x1015));
    assert_eq!(s.serial_number.as_deref(), Some("000960012345"));
    assert_eq!(s.to_string(), "1366:1015:000960012345");
    let any = UsbProbeSelector::parse("1366:1015").unwrap();
    assert_eq!(any.serial_number, None);
    let rack = ProbeSelector::parse("1366:1015:000960012345").unwrap();
    assert_eq!(rack.usb(), Some(&s));
}

/// Only meaningful where no probe is attached (CI, containers); skipped otherwise.
fn no_probes_here() -> bool {
    let probes = list_probes();
    if !probes.is_empty() {
        eprintln!("skipping: probes are attached: {probes:?}");
    }
    probes.is_empty()
}

#[test]
fn list_probes_without_usb_is_empty_not_an_error() {
    fn serializable<T: serde::Serialize>(_: &T) {}
    let probes = list_probes();
    serializable(&probes); // for `hil probes --json`
    if no_probes_here() {
        assert!(probes.is_empty());
    }
}

#[test]
fn attach_without_a_probe_lists_what_is_attached() {
    if !no_probes_here() {
        return;
    }
    let flasher = ProbeRsFlasher::new(ProbeRsConfig::new("dk-1", selector()));
    let err = flasher.attach().unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, FlashError::NoProbe { attached, .. } if attached.is_empty()),
        "{err:?}"
    );
    assert!(
        text.contains("no debug probe matches `1366:1015:000960012345`"),
        "{text}"
    );
    assert!(text.contains("DUT `dk-1`"), "{text}");
    assert!(text.contains("no debug probes are attached"), "{text}");
}

#[test]
fn flash_without_a_probe_fails_after_validating_the_image() {
    if !no_probes_here() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "fw.elf",
        ElfSpec::firmware(Some("0.1.0+abc")).build(),
    );
    let image = FirmwareImage::load(&path).unwrap();
    let mut flasher = ProbeRsFlasher::new(ProbeRsConfig::new("dk-1", selector()));
    let mut events = 0;
    let err = flasher.flash(&image, &mut |_| events += 1).unwrap_err();
    assert!(matches!(err, FlashError::NoProbe { .. }), "{err:?}");
    assert_eq!(events, 0);
    let err = flasher.reset().unwrap_err();
    assert!(matches!(err, FlashError::NoProbe { .. }), "{err:?}");
}

#[test]
fn a_bad_image_is_refused_before_the_probe_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fw.elf", ElfSpec::firmware(None).build());
    let image = FirmwareImage::load(&path).unwrap();
    std::fs::write(&path, b"garbage").unwrap();
    let mut flasher = ProbeRsFlasher::new(ProbeRsConfig::new("dk-1", selector()));
    let err = flasher.flash(&image, &mut |_| {}).unwrap_err();
    assert!(
        matches!(err, FlashError::InvalidImage(ImageError::NotAnImage { .. })),
        "{err:?}"
    );
}

#[test]
fn config_from_the_rack_dut() {
    let rack = hil_rack::parse(
        "name: bench\nduts:\n  - name: dk-1\n    serial: /dev/ttyACM0\n    probe: \"1366:1015:000960012345\"\n    allow_erase_all: true\n",
        "rack.yaml",
    )
    .unwrap();
    let config = ProbeRsConfig::from_dut(&rack.duts[0]).unwrap();
    assert_eq!(config.selector, selector());
    assert!(config.allow_erase_all);
    assert_eq!(config.chip, NRF9160_CHIP);
    let d = ProbeRsFlasher::new(config).describe();
    assert_eq!(d.kind, ProbeKind::ProbeRs);
    assert_eq!(
        d.to_string(),
        "probe-rs 1366:1015:000960012345 -> nRF9160_xxAA (DUT `dk-1`, erase-all allowed)"
    );
}
