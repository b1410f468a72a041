//! What survives a reset or power loss, and what never reached NVM.

use super::*;

fn power_cycle(m: &mut Modem) {
    m.supply_changed(0.0);
    assert!(!m.powered());
    assert_eq!(m.execute(b"AT"), Reply::Silent);
    m.supply_changed(3.7);
    assert!(m.powered());
}

#[test]
fn stored_credentials_survive_reboot_and_power_loss() {
    let mut m = modem(V202);
    provisioning(&mut m);
    let ca = cert_pem("ca");
    ok(&mut m, &write_cmd(1, 0, &ca));
    ok(&mut m, &write_cmd(1, 4, "identity"));
    let before = m.credentials();
    m.reboot();
    assert_eq!(m.credentials(), before);
    power_cycle(&mut m);
    assert_eq!(m.credentials(), before);
    assert_eq!(
        at(&mut m, "AT%CMNG=1,1,0"),
        format!("{}\r\nOK\r\n", list_line(1, 0, &ca))
    );
}

#[test]
fn refused_writes_never_reach_nvm() {
    let mut m = modem(V202);
    provisioning(&mut m);
    cme(&mut m, &write_cmd(1, 0, "HONKHONK"), 527);
    ok(&mut m, "AT+CFUN=1");
    cme(&mut m, &write_cmd(2, 4, "x"), 518);
    ok(&mut m, "AT+CFUN=4");
    m.supply_changed(2.9);
    cme(&mut m, &write_cmd(3, 4, "x"), 528);
    m.supply_changed(3.7);
    m.reboot();
    assert!(m.credentials().is_empty());
}

#[test]
fn silently_dropped_writes_are_gone_after_reboot() {
    // ref §4.3 [C5]: 1.3.0/1.3.1 answer OK during the warning without storing.
    let mut m = modem(V131);
    provisioning(&mut m);
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.9);
    ok(&mut m, &write_cmd(7, 0, &cert_pem("dropped")));
    assert_eq!(
        at(&mut m, "AT%CMNG=1"),
        "OK\r\n",
        "read-back shows the drop"
    );
    m.supply_changed(3.7);
    m.reboot();
    assert!(m.credentials().is_empty());
}

#[test]
fn volatile_state_returns_to_boot_defaults() {
    let mut m = modem(V136);
    ok(&mut m, "AT+CMEE=1");
    ok(&mut m, "AT+CFUN=1");
    ok(&mut m, "AT+CGEREP=1");
    ok(&mut m, "AT%MDMEV=1");
    ok(&mut m, "AT%XPOFWARN=1,33");
    m.reboot();
    assert_eq!(at(&mut m, "AT+CFUN?"), "+CFUN: 0\r\nOK\r\n");
    assert_eq!(at(&mut m, "AT+CMEE?"), "+CMEE: 0\r\nOK\r\n");
    assert_eq!(at(&mut m, "AT+CGEREP?"), "+CGEREP: 0,0\r\nOK\r\n");
    assert_eq!(at(&mut m, "AT%MDMEV?"), "%MDMEV: 0\r\nOK\r\n");
    // XPOFWARN back to the profile default (off on nRF9160): a 3.2 V supply fires nothing.
    m.supply_changed(3.2);
    assert!(!m.pofwarn_active());
    // nRF91x1: back to on at 3000 mV even if it was switched off.
    let mut m = modem(V202);
    ok(&mut m, "AT%XPOFWARN=0");
    m.supply_changed(2.9);
    assert!(!m.pofwarn_active());
    m.reboot();
    assert!(m.pofwarn_active());
}

#[test]
fn urcs_are_lost_with_power() {
    let mut m = modem(V136);
    ok(&mut m, "AT+CGEREP=1");
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.9);
    power_cycle(&mut m);
    assert!(m.take_urcs().is_empty());
    // After power returns the subscriptions are off too.
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.9);
    assert!(m.take_urcs().is_empty());
}

#[test]
fn factory_items_are_not_reinstalled_after_delete() {
    let mut m = modem(ALPHA);
    provisioning(&mut m);
    ok(&mut m, "AT%CMNG=3,0,5");
    m.reboot();
    power_cycle(&mut m);
    assert!(m.credentials().is_empty());
}
