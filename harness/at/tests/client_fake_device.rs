//! The client against a scripted device on a real pty: transactions, errors, URCs, timeouts,
//! raw sends, redaction, and hostile output. (The simulated nRF91 is exercised in `sim_*.rs`.)

mod common;

use std::time::{Duration, Instant};

use common::{FakeDut, ok_to_all};
use hil_at::{AtClient, AtError, ClientConfig, CmngFilter, FinalResult, Outcome, UrcKind};
use hil_model::{CmeCode, CredentialType};

const SHA: &str = "2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRET\n-----END PRIVATE KEY-----\n";

fn open(dut: &FakeDut) -> AtClient {
    let mut at = AtClient::open(dut.path(), 115_200).unwrap();
    at.set_timeout(Duration::from_secs(2));
    at
}

#[test]
fn ok_roundtrip_is_recorded() {
    let dut = FakeDut::start(ok_to_all);
    let mut at = open(&dut);
    let r = at.command("AT").unwrap();
    assert!(r.is_ok() && r.lines.is_empty());
    assert!(r.latency > Duration::ZERO && r.latency < Duration::from_secs(1));
    let x = at.transcript().exchanges().next().unwrap();
    assert_eq!(x.command, "AT");
    assert_eq!(x.result.as_deref(), Some("OK"));
    assert_eq!(x.outcome, Outcome::Ok);
    assert_eq!(dut.commands(), [b"AT".to_vec()]);
}

#[test]
fn error_results_are_data_for_exchange_and_errors_for_command() {
    let dut = FakeDut::start(|cmd| match cmd {
        b"AT%CMNG=3,1,0" => b"+CME ERROR: 528\r\n".to_vec(),
        b"AT+OLD" => b"+CME: 513\r\n".to_vec(),
        b"AT+CMSX" => b"+CMS ERROR: 304\r\n".to_vec(),
        _ => b"ERROR\r\n".to_vec(),
    });
    let mut at = open(&dut);
    let r = at.exchange("AT%CMNG=3,1,0").unwrap();
    assert_eq!(r.result, FinalResult::CmeError(528));
    assert_eq!(r.cme(), Some(CmeCode::POWER_OFF_WARNING));
    let e = at.cmng_delete(1, CredentialType::ROOT_CA).unwrap_err();
    assert_eq!(e.cme(), Some(CmeCode(528)));
    assert!(
        e.to_string()
            .contains("528 (not allowed when power off warning is active)"),
        "{e}"
    );
    assert_eq!(at.exchange("AT+OLD").unwrap().cme(), Some(CmeCode(513)));
    assert_eq!(
        at.exchange("AT+CMSX").unwrap().result,
        FinalResult::CmsError(304)
    );
    let e = at.command("AT+NOPE").unwrap_err();
    assert_eq!(e.final_result(), Some(FinalResult::Error));
    assert_eq!(e.cme(), None);
}

#[test]
fn urcs_between_and_inside_replies_are_demultiplexed_and_waitable() {
    let dut = FakeDut::start(move |cmd| {
        match cmd {
        b"AT%CMNG=1" => format!(
            "%CMNG: 1,0,\"{SHA}\"\r\n%MDMEV: ME BATTERY LOW\r\n%CMNG: 2,1,\"{SHA}\"\r\nOK\r\n+CGEV: ME BATTERY LOW\r\n"
        )
        .into_bytes(),
        _ => b"OK\r\n".to_vec(),
    }
    });
    let mut at = open(&dut);
    dut.inject(b"%XVBATLOWLVL: 3100\r\n");
    dut.flush_injected();
    let list = at.cmng_list(CmngFilter::All).unwrap();
    assert_eq!(list.len(), 2, "URC lines must not end up in the list");
    assert_eq!(list[1].kind, CredentialType::CLIENT_CERT);
    // the URC that arrived after OK is picked up by the waiter
    let cgev = at.wait_urc("+CGEV:", Duration::from_secs(1)).unwrap();
    assert_eq!(cgev.value(), "ME BATTERY LOW");
    let mdmev = at.wait_urc("%MDMEV:", Duration::from_secs(1)).unwrap();
    let vbat = at
        .wait_urc("%XVBATLOWLVL:", Duration::from_secs(1))
        .unwrap();
    assert!(
        vbat.at <= mdmev.at && mdmev.at <= cgev.at,
        "time-stamped in arrival order"
    );
    assert_eq!(vbat.kind, UrcKind::Event);
    assert_eq!(at.urcs().count(), 0);
    let text = at.transcript().to_text();
    assert!(text.contains("! %MDMEV: ME BATTERY LOW"), "{text}");
}

#[test]
fn wait_urc_times_out_with_what_it_saw() {
    let dut = FakeDut::start(ok_to_all);
    let mut at = open(&dut);
    dut.inject(b"+CEREG: 2\r\n");
    dut.flush_injected();
    let t = Instant::now();
    let e = at
        .wait_urc("%MDMEV:", Duration::from_millis(200))
        .unwrap_err();
    assert!(t.elapsed() >= Duration::from_millis(200) && t.elapsed() < Duration::from_secs(2));
    match e {
        AtError::UrcTimeout { seen, .. } => assert_eq!(seen, ["+CEREG: 2"]),
        other => panic!("{other}"),
    }
}

#[test]
fn a_hung_dut_gives_a_timeout_with_the_partial_output() {
    let dut = FakeDut::start(|cmd| match cmd {
        b"AT%CMNG=1" => format!("%CMNG: 1,0,\"{SHA}\"\r\n%CMNG: 2,0,\"AB").into_bytes(),
        _ => Vec::new(),
    });
    let mut at = open(&dut);
    let t = Instant::now();
    let e = at
        .command_timeout("AT%CMNG=1", Duration::from_millis(300))
        .unwrap_err();
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(2),
        "{took:?}"
    );
    match &e {
        AtError::Timeout {
            command,
            partial,
            pending,
            elapsed,
        } => {
            assert_eq!(command, "AT%CMNG=1");
            assert_eq!(partial, &[format!("%CMNG: 1,0,\"{SHA}\"")]);
            assert_eq!(pending, "%CMNG: 2,0,\"AB");
            assert!(*elapsed >= Duration::from_millis(300));
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("no final result within 0.3"), "{e}");
    let x = at.transcript().exchanges().last().unwrap();
    assert_eq!(x.outcome, Outcome::Timeout);
    // a silent DUT: no output at all
    let e = at
        .command_timeout("AT+HANG", Duration::from_millis(100))
        .unwrap_err();
    assert!(e.to_string().contains("no output at all"), "{e}");
}

#[test]
fn echo_is_recognised_and_dropped() {
    let dut = FakeDut::start(|cmd| {
        let mut out = cmd.to_vec();
        out.extend_from_slice(b"\r\n");
        match cmd {
            b"AT+CFUN?" => out.extend_from_slice(b"+CFUN: 4\r\nOK\r\n"),
            _ => out.extend_from_slice(b"OK\r\n"),
        }
        out
    });
    let mut at = open(&dut);
    assert_eq!(at.cfun().unwrap(), 4);
    let pem = "-----BEGIN CERTIFICATE-----\nOK\nMIIB\n-----END CERTIFICATE-----\n";
    at.cmng_write(7, CredentialType::ROOT_CA, pem).unwrap();
    assert!(at.transcript().exchanges().all(|x| x.echoed));
}

#[test]
fn reboot_mid_command_is_reported_at_the_deadline() {
    let dut = FakeDut::start(|cmd| match cmd {
        b"AT+CFUN=1" => b"#XFWVER: \"0.1.0+dev\"\r\nREADY\r\n".to_vec(),
        _ => b"OK\r\n".to_vec(),
    });
    let mut at = open(&dut);
    let e = at
        .command_timeout("AT+CFUN=1", Duration::from_millis(200))
        .unwrap_err();
    assert!(matches!(e, AtError::Rebooted { .. }), "{e}");
    let boot: Vec<_> = at.take_urcs().unwrap();
    assert!(boot.iter().all(|u| u.kind == UrcKind::Boot));
    assert_eq!(boot.len(), 2);
    assert_eq!(
        at.transcript().exchanges().last().unwrap().outcome,
        Outcome::Rebooted
    );
}

#[test]
fn a_boot_banner_just_before_the_answer_is_not_a_failure() {
    let dut = FakeDut::start(|_| b"#XFWVER: \"0.1.0+dev\"\r\nREADY\r\nOK\r\n".to_vec());
    let mut at = open(&dut);
    assert!(at.command("AT").unwrap().is_ok());
    assert!(at.wait_ready(Duration::from_millis(10)).is_ok());
}

#[test]
fn invalid_utf8_and_garbage_never_panic() {
    let dut = FakeDut::start(|cmd| match cmd {
        b"AT+CGMR" => b"mfw_\xff\xfe_1.3.6\r\nOK\r\n".to_vec(),
        b"AT+NUL" => b"\x00\x01\x02\r\n\x1b[31m\r\nOK\r\n".to_vec(),
        _ => b"OK\r\n".to_vec(),
    });
    let mut at = open(&dut);
    let r = at.exchange("AT+CGMR").unwrap();
    assert!(r.lossy);
    assert!(r.lines[0].contains('\u{fffd}'));
    assert!(
        at.mfw_version().is_err(),
        "lossy revision is malformed, not a panic"
    );
    assert!(at.exchange("AT+NUL").unwrap().is_ok());
    assert!(at.transcript().exchanges().any(|x| x.lossy));
    // pseudo-random byte soup, injected unsolicited: the client must keep working
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..64 {
        let mut soup = Vec::new();
        for _ in 0..97 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            soup.push((seed >> 24) as u8);
        }
        soup.extend_from_slice(b"\r\n");
        dut.inject(&soup);
    }
    dut.flush_injected();
    std::thread::sleep(Duration::from_millis(20));
    at.poll_urcs().unwrap();
    assert!(at.command("AT").is_ok());
    let _ = at.transcript().to_text();
    let _ = at.transcript().to_json_lines();
}

#[test]
fn an_endless_line_from_the_device_is_cut_not_buffered_forever() {
    let dut = FakeDut::start(|_| {
        let mut out = vec![b'A'; 200_000];
        out.extend_from_slice(b"\r\nOK\r\n");
        out
    });
    let mut at = open(&dut);
    let r = at.exchange("AT+BIG").unwrap();
    assert!(r.is_ok());
    assert_eq!(r.lines.iter().map(String::len).sum::<usize>(), 200_000);
    assert!(r.lines.len() >= 3);
}

#[test]
fn raw_unterminated_quote_times_out_and_esc_abandons_it() {
    let dut = FakeDut::start(ok_to_all);
    let mut at = open(&dut);
    let e = at
        .send_raw(
            b"AT%CMNG=0,1,0,\"-----BEGIN CERTIFICATE-----\r\n",
            Duration::from_millis(200),
        )
        .unwrap_err();
    assert!(e.is_timeout(), "{e}");
    at.abandon_line().unwrap();
    at.command("AT").unwrap();
    let sent = dut.received();
    assert!(sent.contains(&0x1b));
    assert_eq!(dut.commands().last().unwrap(), b"AT");
    let text = at.transcript().to_text();
    assert!(text.contains("(raw)") && text.contains("ESC"), "{text}");
}

#[test]
fn raw_overlong_line_gets_the_firmware_error() {
    let dut = FakeDut::start(|cmd| {
        if cmd.len() > 4096 {
            b"#XFWERR: line too long\r\nERROR\r\n".to_vec()
        } else {
            b"OK\r\n".to_vec()
        }
    });
    let mut at = open(&dut);
    let mut big = b"AT%CMNG=0,1,0,\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 5000));
    big.extend_from_slice(b"\"\r");
    let r = at.send_raw(&big, Duration::from_secs(2)).unwrap();
    assert_eq!(r.result, FinalResult::Error);
    assert_eq!(r.lines, ["#XFWERR: line too long"]);
}

#[test]
fn checked_commands_refuse_what_would_hang_or_split() {
    let dut = FakeDut::start(ok_to_all);
    let mut at = open(&dut);
    for bad in ["AT%CMNG=0,1,0,\"abc", "AT\rAT", "AT\x1b", ""] {
        assert!(
            matches!(at.command(bad), Err(AtError::InvalidRequest(_))),
            "{bad:?}"
        );
    }
    assert!(matches!(
        at.cmng_write(1, CredentialType::ROOT_CA, "a\"b"),
        Err(AtError::InvalidRequest(_))
    ));
    assert!(matches!(
        at.xpofwarn_enable(2900),
        Err(AtError::InvalidRequest(_))
    ));
    assert!(dut.commands().is_empty(), "nothing was sent");
}

#[test]
fn secrets_never_reach_the_transcript_or_errors() {
    let dut = FakeDut::start(move |cmd| {
        if cmd.starts_with(b"AT%CMNG=0") {
            b"OK\r\n".to_vec()
        } else if cmd == b"AT%CMNG=2,9,2" {
            // a DUT that does print the key; stops mid-content (no final result)
            format!("%CMNG: 9,2,\"{SHA}\",\"{}", &KEY[..60]).into_bytes()
        } else if cmd == b"AT%CMNG=2,9,3" {
            format!("%CMNG: 9,3,\"{SHA}\",\"SECRETPSKHEX\"\r\nOK\r\n").into_bytes()
        } else {
            b"OK\r\n".to_vec()
        }
    });
    let mut at = open(&dut);
    at.cmng_write(9, CredentialType::CLIENT_KEY, KEY).unwrap();
    at.cmng_write(9, CredentialType::PSK, "SECRETPSKHEX")
        .unwrap();
    at.note(format!("about to write {KEY}"));
    let psk = at.cmng_read(9, CredentialType::PSK).unwrap();
    assert_eq!(
        psk.content, "SECRETPSKHEX",
        "the caller gets the real content"
    );
    assert!(!format!("{psk:?}").contains("SECRET"), "Debug hides it");
    let write = at
        .cmng_write(9, CredentialType::PSK, "SECRETPSKHEX")
        .unwrap();
    assert!(write.command.contains("SECRET"));
    assert!(!format!("{write:?}").contains("SECRET"), "Debug hides it");
    let e = at
        .command_timeout("AT%CMNG=2,9,2", Duration::from_millis(150))
        .unwrap_err();
    let shown = format!("{e} {e:?}");
    let text = at.transcript().to_text();
    let json = at.transcript().to_json_lines();
    for place in [&shown, &text, &json] {
        assert!(!place.contains("SECRET"), "secret leaked: {place}");
        assert!(!place.contains("MIGHAgEA"), "key leaked: {place}");
    }
    assert!(text.contains("[REDACTED"), "{text}");
    assert!(
        dut.received().windows(6).any(|w| w == b"SECRET"),
        "the DUT got the real bytes"
    );
}

#[test]
fn port_errors_name_the_path() {
    let e = AtClient::open("/nonexistent/ttyNOPE", 115_200).unwrap_err();
    assert!(matches!(e, AtError::PortMissing { .. }));
    assert!(e.to_string().contains("/nonexistent/ttyNOPE"));
    let dut = FakeDut::start(ok_to_all);
    let _first = open(&dut);
    let e = AtClient::open(dut.path(), 115_200).unwrap_err();
    assert!(matches!(e, AtError::PortBusy { .. }), "{e}");
    assert!(e.to_string().contains(&dut.path().display().to_string()));
}

#[test]
fn open_discards_stale_input() {
    let dut = FakeDut::start(ok_to_all);
    dut.inject(b"#XFWVER: \"0.1.0+dev\"\r\nREADY\r\nstale\r\n");
    dut.flush_injected();
    let mut at = open(&dut);
    at.command("AT").unwrap();
    assert_eq!(
        at.urcs().count(),
        0,
        "banner written before open was flushed"
    );
}

#[test]
fn late_replies_after_a_timeout_become_stray_urcs() {
    let dut = FakeDut::start(|cmd| match cmd {
        b"AT+SLOW" => {
            std::thread::sleep(Duration::from_millis(150));
            b"+SLOW: 1\r\nOK\r\n".to_vec()
        }
        _ => b"OK\r\n".to_vec(),
    });
    let mut at = open(&dut);
    assert!(
        at.command_timeout("AT+SLOW", Duration::from_millis(50))
            .unwrap_err()
            .is_timeout()
    );
    std::thread::sleep(Duration::from_millis(200));
    at.resync(Duration::from_secs(1)).unwrap();
    let stray: Vec<_> = at.take_urcs().unwrap();
    assert!(
        stray
            .iter()
            .any(|u| u.kind == UrcKind::Stray && u.line == "+SLOW: 1"),
        "{stray:?}"
    );
}

#[test]
fn config_adds_urc_prefixes() {
    let dut = FakeDut::start(|_| b"%CUSTOM: 1\r\nOK\r\n".to_vec());
    let mut config = ClientConfig::default();
    config.urc_prefixes.push("%CUSTOM:".into());
    let mut at = AtClient::open_with(dut.path(), 115_200, config).unwrap();
    let r = at.command("AT").unwrap();
    assert!(r.lines.is_empty());
    assert_eq!(
        at.wait_urc("%CUSTOM:", Duration::from_millis(100))
            .unwrap()
            .value(),
        "1"
    );
}

#[test]
fn wait_ready_ignores_a_banner_from_an_earlier_boot() {
    let dut = FakeDut::start(ok_to_all);
    let mut at = open(&dut);
    dut.inject(b"READY\r\n");
    dut.flush_injected();
    // The pty hands the bytes over asynchronously (a kernel worker, late on a loaded host):
    // wait until the client holds the old banner, so it is read before the command is sent.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !at.urcs().any(|u| u.line.trim_end() == "READY") {
        assert!(Instant::now() < deadline, "the old banner never arrived");
        at.poll_urcs().unwrap();
        std::thread::sleep(Duration::from_millis(1));
    }
    at.command("AT").unwrap();
    assert!(matches!(
        at.wait_ready(Duration::from_millis(100)),
        Err(AtError::UrcTimeout { .. })
    ));
    let before = Instant::now();
    dut.inject(b"#XFWVER: \"0.1.0+dev\"\r\nREADY\r\n");
    let ready = at.wait_ready(Duration::from_secs(2)).unwrap();
    assert!(ready.at >= before);
    assert!(
        at.wait_ready_since(before, Duration::from_millis(50))
            .is_err(),
        "taken"
    );
}
