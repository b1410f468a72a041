//! Identity, `+CMEE`, `+CFUN`, `%XVBAT`, subscriptions, unknown commands.

use rstest::rstest;

use super::*;
use crate::modem::identity::imei_is_valid;

#[rstest]
#[case(ALPHA, "nRF9160 SICA B0A", "nRF9160-SICA")]
#[case(V123, "nRF9160 SICA B0A", "nRF9160-SICA")]
#[case(V131, "nRF9160 SICA B1A", "nRF9160-SICA")]
#[case(V136, "nRF9160 SICA B1A", "nRF9160-SICA")]
#[case(V200, "nRF9151 LACA A0A", "nRF9151-LACA")]
#[case(V202, "nRF9151 LACA A0A", "nRF9151-LACA")]
fn identity_commands(#[case] name: &str, #[case] hw: &str, #[case] cgmm: &str) {
    let mut m = modem(name);
    assert_eq!(at(&mut m, "AT+CGMR"), format!("{name}\r\nOK\r\n"));
    let short = name.strip_prefix("mfw_").unwrap();
    assert_eq!(
        at(&mut m, "AT%SHORTSWVER"),
        format!("%SHORTSWVER: {short}\r\nOK\r\n")
    );
    assert_eq!(
        at(&mut m, "AT%HWVERSION"),
        format!("%HWVERSION: {hw}\r\nOK\r\n")
    );
    assert_eq!(at(&mut m, "AT+CGMM"), format!("{cgmm}\r\nOK\r\n"));
    assert_eq!(at(&mut m, "AT+CGMI"), "Nordic Semiconductor ASA\r\nOK\r\n");
}

#[test]
fn cgsn_bare_and_quoted() {
    let mut m = modem(V136);
    let imei = m.identity().imei.clone();
    assert!(imei_is_valid(&imei));
    assert_eq!(at(&mut m, "AT+CGSN"), format!("{imei}\r\nOK\r\n"));
    assert_eq!(
        at(&mut m, "AT+CGSN=1"),
        format!("+CGSN: \"{imei}\"\r\nOK\r\n")
    );
    assert_eq!(at(&mut m, "AT+CGSN=7"), "ERROR\r\n");
}

#[rstest]
#[case(0, "ERROR\r\n")]
#[case(1, "+CME ERROR: 513\r\n")]
// ref §2.2 [F4]: numeric even with CMEE=2.
#[case(2, "+CME ERROR: 513\r\n")]
fn cmee_rendering(#[case] cmee: u8, #[case] expected: &str) {
    let mut m = modem(V202);
    assert_eq!(at(&mut m, "AT+CMEE?"), "+CMEE: 0\r\nOK\r\n");
    ok(&mut m, &format!("AT+CMEE={cmee}"));
    assert_eq!(at(&mut m, "AT+CMEE?"), format!("+CMEE: {cmee}\r\nOK\r\n"));
    assert_eq!(at(&mut m, "AT%CMNG=2,7,0"), expected);
}

#[rstest]
#[case(0, "ERROR\r\n")]
#[case(1, "+CME ERROR: 50\r\n")]
fn parameter_errors_follow_cmee(#[case] cmee: u8, #[case] expected: &str) {
    let mut m = modem(V136);
    ok(&mut m, &format!("AT+CMEE={cmee}"));
    assert_eq!(at(&mut m, "AT+CFUN=3"), expected);
    assert_eq!(at(&mut m, "AT+CMEE=3"), expected);
    // Unknown commands are syntax errors: plain ERROR whatever CMEE says.
    assert_eq!(at(&mut m, "AT+NOSUCH"), "ERROR\r\n");
}

#[test]
fn param_error_style_is_a_policy() {
    let policy = Policy {
        param_error: crate::modem::ParamErrorStyle::PlainError,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    ok(&mut m, "AT+CMEE=1");
    assert_eq!(at(&mut m, "AT+CFUN=3"), "ERROR\r\n");
}

#[rstest]
fn cfun_set_and_read(#[values(0, 1, 2, 4, 21, 31, 41, 44)] n: u8) {
    let mut m = modem(V202);
    assert_eq!(at(&mut m, "AT+CFUN?"), "+CFUN: 0\r\nOK\r\n");
    ok(&mut m, &format!("AT+CFUN={n}"));
    assert_eq!(at(&mut m, "AT+CFUN?"), format!("+CFUN: {n}\r\nOK\r\n"));
    assert_eq!(m.cfun(), n);
}

#[test]
fn cfun_test_form_lists_the_profile_modes() {
    let mut m = modem(V136);
    assert_eq!(
        at(&mut m, "AT+CFUN=?"),
        "+CFUN: (0,1,2,4,21,31,41,44)\r\nOK\r\n"
    );
    assert_eq!(at(&mut m, "AT+CFUN=5"), "ERROR\r\n");
    assert_eq!(at(&mut m, "AT+CFUN"), "ERROR\r\n");
}

#[rstest]
#[case(false, 0)]
#[case(true, 1)]
fn cmee_across_cfun0_is_a_policy(#[case] survives: bool, #[case] after: u8) {
    let policy = Policy {
        cmee_survives_cfun: survives,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    ok(&mut m, "AT+CMEE=1");
    ok(&mut m, "AT+CFUN=4");
    assert_eq!(m.cmee(), 1, "CFUN 4 keeps CMEE");
    ok(&mut m, "AT+CFUN=0");
    assert_eq!(m.cmee(), after);
}

#[test]
fn xvbat_reports_the_supply() {
    let mut m = modem(V136);
    m.supply_changed(3.456);
    assert_eq!(at(&mut m, "AT%XVBAT"), "%XVBAT: 3456\r\nOK\r\n");
    m.supply_changed(4.2);
    assert_eq!(at(&mut m, "AT%XVBAT"), "%XVBAT: 4200\r\nOK\r\n");
}

#[test]
fn cgerep_and_mdmev_set_and_read() {
    let mut m = modem(V136);
    assert_eq!(at(&mut m, "AT+CGEREP?"), "+CGEREP: 0,0\r\nOK\r\n");
    ok(&mut m, "AT+CGEREP=1");
    assert_eq!(at(&mut m, "AT+CGEREP?"), "+CGEREP: 1,0\r\nOK\r\n");
    assert_eq!(at(&mut m, "AT%MDMEV?"), "%MDMEV: 0\r\nOK\r\n");
    ok(&mut m, "AT%MDMEV=1");
    assert_eq!(at(&mut m, "AT%MDMEV?"), "%MDMEV: 1\r\nOK\r\n");
    assert_eq!(at(&mut m, "AT%MDMEV=2"), "ERROR\r\n");
    // The alpha has no %MDMEV.
    let mut alpha = modem(ALPHA);
    assert_eq!(at(&mut alpha, "AT%MDMEV=1"), "ERROR\r\n");
}

#[test]
fn bare_at_and_case_insensitive_names() {
    let mut m = modem(V136);
    ok(&mut m, "AT");
    ok(&mut m, "at");
    assert_eq!(at(&mut m, "at+cfun?"), "+CFUN: 0\r\nOK\r\n");
    assert_eq!(at(&mut m, "AT?"), "ERROR\r\n");
}

#[test]
fn latency_comes_from_the_profile() {
    let m = modem(V136);
    assert_eq!(
        m.latency(b"AT%CMNG=0,1,0,\"x\""),
        Duration::from_millis(120)
    );
    assert_eq!(m.latency(b"AT%CMNG=1"), Duration::from_millis(25));
    assert_eq!(m.latency(b"AT%KEYGEN=1,2,0"), Duration::from_millis(1500));
    assert_eq!(m.latency(b"AT+CGMR"), Duration::from_millis(3));
    assert_eq!(m.latency(b"\xff"), Duration::from_millis(3));
}

#[test]
fn chained_commands_run_in_order_and_stop_at_the_first_error() {
    // ref §7.1 [D10]
    let mut m = modem(V136);
    assert_eq!(
        at(&mut m, "AT+CFUN?;+CMEE?"),
        "+CFUN: 0\r\n+CMEE: 0\r\nOK\r\n"
    );
    assert_eq!(
        at(&mut m, "AT+CMEE=1;%CMNG=2,1,0;+CFUN=4"),
        "+CME ERROR: 513\r\n"
    );
    assert_eq!(m.cfun(), 0, "the chain stopped at the error");
    assert_eq!(
        at(&mut m, "AT+CGMI;+CFUN?"),
        "Nordic Semiconductor ASA\r\n+CFUN: 0\r\nOK\r\n"
    );
    // %XSUDO is not modelled: the whole chain fails.
    assert_eq!(at(&mut m, "AT%XSUDO=35,\"c2ln\";%CMNG=1"), "ERROR\r\n");
}
