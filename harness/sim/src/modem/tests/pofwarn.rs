//! The power-off warning state machine (ref §4) and field report 1.

use rstest::rstest;

use super::*;
use crate::modem::{ClearPolicy, PofwarnBoot};

fn subscribed(name: &str, policy: Policy) -> Modem {
    let mut m = modem_with(name, policy);
    ok(&mut m, "AT+CMEE=1");
    ok(&mut m, "AT+CGEREP=1");
    if m.profile().commands.mdmev {
        ok(&mut m, "AT%MDMEV=1");
    }
    m
}

#[test]
fn field_report_1_write_and_delete_give_528() {
    // [F1]: MFW 1.3.6, a marginal supply on a factory jig, modem_key_mgmt delete/write → 528.
    let mut m = subscribed(V136, Policy::default());
    ok(&mut m, "AT+CFUN=4");
    ok(&mut m, &write_cmd(1004, 0, &cert_pem("old root")));
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.95);
    assert!(m.pofwarn_active());
    assert_eq!(
        m.take_urcs(),
        vec!["+CGEV: ME BATTERY LOW", "%MDMEV: ME BATTERY LOW"]
    );
    cme(&mut m, "AT%CMNG=3,1004,0", 528);
    cme(&mut m, &write_cmd(1001, 0, &cert_pem("new root")), 528);
    // The doc blocks updates only; read/list still work by default (ref §4.3).
    assert!(at(&mut m, "AT%CMNG=1").starts_with("%CMNG: 1004,0,"));
    // Recovery: supply back (level policy) → updates work again.
    m.supply_changed(3.3);
    assert!(!m.pofwarn_active());
    ok(&mut m, "AT%CMNG=3,1004,0");
}

#[test]
fn firing_takes_the_modem_offline_and_recovery_needs_cfun() {
    // ref §4.2 [D6]: offline; the application sets CFUN=1 again after %XVBAT recovers.
    let mut m = subscribed(V136, Policy::default());
    ok(&mut m, "AT%XPOFWARN=1,33");
    ok(&mut m, "AT+CFUN=1");
    m.supply_changed(3.25);
    assert_eq!(m.cfun(), 4);
    m.supply_changed(3.6);
    assert_eq!(m.cfun(), 4, "stays offline until CFUN=1");
    assert_eq!(at(&mut m, "AT%XVBAT"), "%XVBAT: 3600\r\nOK\r\n");
    ok(&mut m, "AT+CFUN=1");
    assert_eq!(m.cfun(), 1);
}

#[test]
fn urcs_only_when_subscribed() {
    let mut m = modem(V136);
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.9);
    assert!(m.pofwarn_active());
    assert!(m.take_urcs().is_empty());
}

#[test]
fn nrf91x1_is_on_by_default_at_3000_mv_and_one_shot() {
    // ref §4.1 [D7]
    let mut m = subscribed(V202, Policy::default());
    m.supply_changed(3.05);
    assert!(!m.pofwarn_active());
    m.supply_changed(2.99);
    assert!(m.pofwarn_active());
    assert_eq!(m.take_urcs().len(), 2);
    m.supply_changed(3.5);
    assert!(!m.pofwarn_active());
    // Second dip: not re-armed, so no warning, no URC, no 528.
    m.supply_changed(2.9);
    assert!(!m.pofwarn_active());
    assert!(m.take_urcs().is_empty());
    ok(&mut m, &write_cmd(1, 4, "id"));
    // Re-arming while the supply is low fires at once.
    ok(&mut m, "AT%XPOFWARN=1,30");
    assert!(m.pofwarn_active());
    assert_eq!(m.take_urcs().len(), 2);
}

#[test]
fn nrf9160_fires_on_every_dip() {
    let mut m = subscribed(V136, Policy::default());
    ok(&mut m, "AT%XPOFWARN=1,30");
    for _ in 0..3 {
        m.supply_changed(2.9);
        assert!(m.pofwarn_active());
        assert_eq!(m.take_urcs().len(), 2);
        m.supply_changed(3.7);
        assert!(!m.pofwarn_active());
    }
}

#[test]
fn nrf9160_is_off_at_boot_unless_the_policy_says_otherwise() {
    let mut m = modem(V136);
    m.supply_changed(2.9);
    assert!(!m.pofwarn_active());
    let policy = Policy {
        pofwarn_boot: PofwarnBoot::Enabled,
        pofwarn_boot_mv: 3100,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    m.supply_changed(3.05);
    assert!(m.pofwarn_active());
    // And the nRF91x1 default can be switched off.
    let policy = Policy {
        pofwarn_boot: PofwarnBoot::Disabled,
        ..Policy::default()
    };
    let mut m = modem_with(V202, policy);
    m.supply_changed(2.5);
    assert!(!m.pofwarn_active());
}

#[test]
fn a_low_supply_at_boot_blocks_right_after_reboot_on_nrf91x1() {
    // [F1]: 528 ~0.55 s after boot, repeatably; ref §4.4 INFERRED: a still-low supply.
    let mut m = modem(V202);
    m.supply_changed(2.95);
    m.reboot();
    assert!(m.pofwarn_active());
    ok(&mut m, "AT+CMEE=1");
    cme(&mut m, &write_cmd(1001, 0, &cert_pem("root")), 528);
}

/// What clears the warning under each policy (ref §4.4 (a)–(f)).
#[rstest]
#[case(ClearPolicy::Level, "recover", true)]
#[case(ClearPolicy::ReArm, "recover", false)]
#[case(ClearPolicy::ReArm, "AT%XPOFWARN=1,30", true)]
#[case(ClearPolicy::ReArm, "AT%XPOFWARN=0", true)]
#[case(ClearPolicy::CfunCycle, "recover", false)]
#[case(ClearPolicy::CfunCycle, "AT+CFUN=4", true)]
#[case(ClearPolicy::CfunCycle, "AT%XPOFWARN=1,30", false)]
#[case(ClearPolicy::Reset, "AT+CFUN=0", false)]
#[case(ClearPolicy::Reset, "reboot", true)]
#[case(ClearPolicy::PowerCycle, "reboot", false)]
#[case(ClearPolicy::PowerCycle, "power-cycle", true)]
#[case(ClearPolicy::Level, "power-cycle", true)]
fn clear_policies(#[case] clear: ClearPolicy, #[case] action: &str, #[case] cleared: bool) {
    let policy = Policy {
        pofwarn_clear: clear,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.9);
    assert!(m.pofwarn_active());
    m.supply_changed(3.7);
    match action {
        "recover" => {}
        "reboot" => m.reboot(),
        "power-cycle" => {
            m.supply_changed(0.0);
            assert_eq!(m.execute(b"AT"), Reply::Silent);
            m.supply_changed(3.7);
        }
        cmd => ok(&mut m, cmd),
    }
    assert_eq!(m.pofwarn_active(), !cleared, "{clear:?} after {action}");
}

#[test]
fn clearing_needs_the_supply_back_above_threshold_plus_hysteresis() {
    let policy = Policy {
        hysteresis_mv: 100,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.9);
    m.supply_changed(3.05);
    assert!(m.pofwarn_active());
    m.supply_changed(3.1);
    assert!(!m.pofwarn_active());
    // A cfun-cycle clear with the supply still low does nothing.
    let policy = Policy {
        pofwarn_clear: ClearPolicy::CfunCycle,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.9);
    ok(&mut m, "AT+CFUN=4");
    assert!(m.pofwarn_active());
}

#[test]
fn blocking_reads_is_a_policy() {
    // ref §4.3: Nordic support said read is blocked too; the doc says "update" (OPEN).
    let policy = Policy {
        pofwarn_blocks_read: true,
        ..Policy::default()
    };
    let mut m = modem_with(V202, policy);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(5, 4, "id"));
    m.supply_changed(2.8);
    cme(&mut m, "AT%CMNG=1", 528);
    cme(&mut m, "AT%CMNG=2,5,4", 528);
}

#[test]
fn builtin_3000_mv_check_takes_an_active_radio_offline() {
    // ref §4.2 [F3]: independent of %XPOFWARN, even on 1.2.3.
    let mut m = subscribed(V123, Policy::default());
    ok(&mut m, "AT+CFUN=1");
    m.supply_changed(3.1);
    assert_eq!(m.cfun(), 1);
    m.supply_changed(2.95);
    assert_eq!(m.cfun(), 4);
    assert_eq!(
        m.take_urcs(),
        vec!["+CGEV: ME BATTERY LOW", "%MDMEV: ME BATTERY LOW"]
    );
    assert!(!m.pofwarn_active());
    ok(&mut m, &write_cmd(1, 4, "x"));
    // Offline radio: no RX/TX, no check.
    m.supply_changed(2.9);
    assert!(m.take_urcs().is_empty());
    // CFUN=1 with the supply still low: the first RX/TX start trips it again.
    ok(&mut m, "AT+CFUN=1");
    assert_eq!(m.cfun(), 4);
}

#[test]
fn builtin_check_raising_528_is_a_policy() {
    let policy = Policy {
        builtin_check_sets_warning: true,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    ok(&mut m, "AT+CMEE=1");
    ok(&mut m, "AT+CFUN=1");
    m.supply_changed(2.95);
    assert!(m.pofwarn_active());
    cme(&mut m, &write_cmd(1, 4, "x"), 528);
    m.supply_changed(3.2);
    assert!(!m.pofwarn_active());
}

#[rstest]
#[case("AT%XPOFWARN=1")] // ref §4.1: voltage mandatory when enabling
#[case("AT%XPOFWARN=1,29")]
#[case("AT%XPOFWARN=2,30")]
#[case("AT%XPOFWARN=1,30,1")]
fn bad_xpofwarn_parameters(#[case] cmd: &str) {
    let mut m = modem(V136);
    ok(&mut m, "AT+CMEE=1");
    cme(&mut m, cmd, 50);
}

#[test]
fn xpofwarn_read_form_is_a_policy() {
    let mut m = modem(V202);
    assert_eq!(at(&mut m, "AT%XPOFWARN?"), "ERROR\r\n");
    let policy = Policy {
        xpofwarn_read_form: true,
        ..Policy::default()
    };
    let mut m = modem_with(V202, policy);
    assert_eq!(at(&mut m, "AT%XPOFWARN?"), "%XPOFWARN: 1,30\r\nOK\r\n");
    ok(&mut m, "AT%XPOFWARN=0");
    ok(&mut m, "AT%XPOFWARN=1,32");
    assert_eq!(at(&mut m, "AT%XPOFWARN?"), "%XPOFWARN: 1,32\r\nOK\r\n");
}
