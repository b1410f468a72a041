//! `%CMNG` write / list / read / delete on one firmware at a time.

use rstest::rstest;

use super::*;
use crate::modem::{OverwritePolicy, SecretReadPolicy, WriteCheck};

#[test]
fn write_list_read_delete_round_trip() {
    let mut m = modem(V136);
    provisioning(&mut m);
    let ca = cert_pem("ca");
    ok(&mut m, &write_cmd(16842753, 0, &ca));
    ok(&mut m, &write_cmd(16842753, 3, "0123456789abcdef"));
    assert_eq!(
        at(&mut m, "AT%CMNG=1"),
        format!(
            "{}\r\n{}\r\nOK\r\n",
            list_line(16842753, 0, &ca),
            list_line(16842753, 3, "0123456789abcdef")
        )
    );
    let sha = hil_model::sha256_upper_hex(ca.as_bytes());
    assert_eq!(
        at(&mut m, "AT%CMNG=2,16842753,0"),
        format!("%CMNG: 16842753,0,\"{sha}\",\"{ca}\"\r\nOK\r\n")
    );
    ok(&mut m, "AT%CMNG=3,16842753,0");
    cme(&mut m, "AT%CMNG=3,16842753,0", 513);
    cme(&mut m, "AT%CMNG=2,16842753,0", 513);
    assert_eq!(
        m.credentials(),
        vec![(16842753, 3, b"0123456789abcdef".to_vec())]
    );
}

#[test]
fn an_empty_list_is_exactly_ok() {
    let mut m = modem(V202);
    assert_eq!(m.execute(b"AT%CMNG=1"), Reply::Answer(b"OK\r\n".to_vec()));
    assert_eq!(m.execute(b"AT%CMNG=1,5"), Reply::Answer(b"OK\r\n".to_vec()));
}

#[rstest]
#[case::lf("line1\nline2\n")]
#[case::crlf("line1\r\nline2\r\n")]
#[case::no_trailing_newline("line1\nline2")]
#[case::two_trailing_newlines("line1\nline2\n\n")]
fn list_sha_is_over_the_exact_stored_bytes(#[case] content: &str) {
    // ref §1.3 [D3]: byte for byte; ref §1.4: SHA-256 of the entity as stored.
    let mut m = modem(V136);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(9, 4, content));
    assert_eq!(
        at(&mut m, "AT%CMNG=1,9,4"),
        format!("{}\r\nOK\r\n", list_line(9, 4, content))
    );
    assert_eq!(m.credentials(), vec![(9, 4, content.as_bytes().to_vec())]);
}

#[test]
fn lf_crlf_and_trailing_newline_give_different_digests() {
    let variants = ["a\nb\n", "a\r\nb\r\n", "a\nb"];
    let mut m = modem(V136);
    provisioning(&mut m);
    for (i, v) in variants.iter().enumerate() {
        ok(&mut m, &write_cmd(i as u32, 4, v));
    }
    let list = at(&mut m, "AT%CMNG=1");
    let shas: Vec<&str> = list.lines().filter_map(|l| l.split('"').nth(1)).collect();
    assert_eq!(shas.len(), 3);
    assert!(shas[0] != shas[1] && shas[1] != shas[2] && shas[0] != shas[2]);
    assert!(
        shas.iter()
            .all(|s| s.len() == 64 && !s.bytes().any(|b| b.is_ascii_lowercase()))
    );
}

fn three_items() -> Modem {
    let mut m = modem(V136);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(1, 0, "a"));
    ok(&mut m, &write_cmd(1, 1, "b"));
    ok(&mut m, &write_cmd(2, 0, "c"));
    m
}

#[rstest]
#[case("AT%CMNG=1", &[(1, 0, "a"), (1, 1, "b"), (2, 0, "c")])]
#[case("AT%CMNG=1,1", &[(1, 0, "a"), (1, 1, "b")])]
#[case("AT%CMNG=1, 1", &[(1, 0, "a"), (1, 1, "b")])] // ref §1.1 [C1]: blank after a comma
#[case("AT%CMNG=1,1,1", &[(1, 1, "b")])]
#[case("AT%CMNG=1, 2 , 0", &[(2, 0, "c")])]
#[case("AT%CMNG=1,2,1", &[])]
#[case("AT%CMNG=1,3", &[])]
fn list_filters(#[case] cmd: &str, #[case] expected: &[(u32, u8, &str)]) {
    let mut m = three_items();
    let mut want: String = expected
        .iter()
        .map(|(t, k, c)| format!("{}\r\n", list_line(*t, *k, c)))
        .collect();
    want.push_str("OK\r\n");
    assert_eq!(at(&mut m, cmd), want);
}

#[rstest]
#[case("AT%CMNG=1,,0")] // ref §1.1 [P1]: type only after a tag
#[case("AT%CMNG=1,")]
#[case("AT%CMNG=1,1,0,7")]
#[case("AT%CMNG=1,x")]
fn bad_list_filters(#[case] cmd: &str) {
    let mut m = three_items();
    cme(&mut m, cmd, 50);
}

#[rstest]
fn active_mode_matrix(#[values(0, 1, 2, 4, 21, 31, 41, 44)] cfun: u8) {
    // ref §3 [D1]: 518 in CFUN 1, 2, 21 for write/delete; read/list in any mode (INFERRED).
    let mut m = modem(V136);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(5, 0, "x"));
    ok(&mut m, &format!("AT+CFUN={cfun}"));
    ok(&mut m, "AT+CMEE=1"); // CFUN=0 resets it (policy cmee_survives_cfun)
    let active = [1, 2, 21].contains(&cfun);
    let expect_update = if active {
        "+CME ERROR: 518\r\n"
    } else {
        "OK\r\n"
    };
    assert_eq!(
        at(&mut m, &write_cmd(6, 0, "y")),
        expect_update,
        "write in CFUN {cfun}"
    );
    assert_eq!(
        at(&mut m, "AT%CMNG=3,5,0"),
        expect_update,
        "delete in CFUN {cfun}"
    );
    assert!(at(&mut m, "AT%CMNG=1").ends_with("OK\r\n"));
    let read = at(&mut m, "AT%CMNG=2,5,0");
    assert!(
        read.ends_with("OK\r\n") || read == "+CME ERROR: 513\r\n",
        "{read}"
    );
    assert_eq!(m.credentials().iter().any(|c| c.0 == 6), !active);
}

#[test]
fn capacity_limit_gives_515() {
    let policy = Policy {
        max_credentials: 3,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    provisioning(&mut m);
    for tag in 0..3 {
        ok(&mut m, &write_cmd(tag, 0, "x"));
    }
    cme(&mut m, &write_cmd(3, 0, "x"), 515);
    // Replacing an existing item needs no new slot.
    ok(&mut m, &write_cmd(2, 0, "replaced"));
    ok(&mut m, "AT%CMNG=3,0,0");
    ok(&mut m, &write_cmd(3, 0, "x"));
    assert_eq!(m.credentials().len(), 3);
}

#[rstest]
#[case(V136, OverwritePolicy::Replace, "OK\r\n", "new")]
#[case(V136, OverwritePolicy::AlreadyExists519, "+CME ERROR: 519\r\n", "old")]
// ref §8: no 519 in the early doc, so the policy cannot apply on 1.2.3.
#[case(V123, OverwritePolicy::AlreadyExists519, "OK\r\n", "new")]
fn overwrite_is_a_policy(
    #[case] name: &str,
    #[case] overwrite: OverwritePolicy,
    #[case] answer: &str,
    #[case] kept: &str,
) {
    let policy = Policy {
        overwrite,
        ..Policy::default()
    };
    let mut m = modem_with(name, policy);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(1, 4, "old"));
    assert_eq!(at(&mut m, &write_cmd(1, 4, "new")), answer);
    assert_eq!(m.credentials(), vec![(1, 4, kept.as_bytes().to_vec())]);
}

#[rstest]
#[case(SecretReadPolicy::Refuse514, 2, false)]
#[case(SecretReadPolicy::Refuse514, 3, false)]
#[case(SecretReadPolicy::Refuse514, 4, true)]
#[case(SecretReadPolicy::Allow, 2, true)]
fn secret_reads_are_a_policy(
    #[case] secret_read: SecretReadPolicy,
    #[case] kind: u8,
    #[case] readable: bool,
) {
    let policy = Policy {
        secret_read,
        ..Policy::default()
    };
    let mut m = modem_with(V202, policy);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(11, kind, "secret"));
    let read = at(&mut m, &format!("AT%CMNG=2,11,{kind}"));
    if readable {
        assert!(read.contains("\"secret\"\r\nOK"), "{read}");
    } else {
        assert_eq!(read, "+CME ERROR: 514\r\n");
    }
}

#[rstest]
#[case("AT%CMNG=0,1,0,\"\"")] // ref §1.1: empty content not allowed
#[case("AT%CMNG=0,1,0")]
#[case("AT%CMNG=0,1,0,abc")]
#[case("AT%CMNG=0,2147483648,0,\"x\"")] // modem-reserved tag
#[case("AT%CMNG=0,1,7,\"x\"")] // type 7 reserved on 1.3.x
#[case("AT%CMNG=0,1,2,\"x\",\"123456789012345678901234567890123\"")] // passwd > 32
#[case("AT%CMNG=2,1")]
#[case("AT%CMNG=3,1,0,\"x\"")]
#[case("AT%CMNG=4,1,0")]
#[case("AT%CMNG=-1")]
fn bad_parameters_give_50(#[case] cmd: &str) {
    let mut m = modem(V136);
    provisioning(&mut m);
    cme(&mut m, cmd, 50);
}

#[test]
fn password_is_accepted_and_ignored() {
    let mut m = modem(V136);
    provisioning(&mut m);
    ok(&mut m, "AT%CMNG=0,1,2,\"key\",\"pw\"");
    assert_eq!(m.credentials(), vec![(1, 2, b"key".to_vec())]);
}

#[test]
fn type5_is_delete_only_before_1_3() {
    // ref §1.2 [D3]
    let mut m = modem(V123);
    provisioning(&mut m);
    cme(&mut m, &write_cmd(1, 5, "pub"), 514);
    cme(&mut m, "AT%CMNG=2,1,5", 514);
    cme(&mut m, "AT%CMNG=3,1,5", 513);
    cme(&mut m, &write_cmd(1, 6, "x"), 50); // 6 reserved on 1.2.x
}

#[test]
fn reserved_tags_appear_in_the_list_but_cannot_be_addressed() {
    // ref §1.1 [D1][D2]: tags above 2147483647 are the modem's.
    let mut p = (*profile(V202)).clone();
    p.preinstalled.push(crate::profile::Preinstalled {
        sec_tag: 4_294_967_292,
        kind: 0,
        content: "factory".into(),
    });
    let mut m = Modem::new(
        Arc::new(p),
        ModemIdentity::from_seed("r"),
        Policy::default(),
    );
    provisioning(&mut m);
    assert_eq!(
        at(&mut m, "AT%CMNG=1"),
        format!("{}\r\nOK\r\n", list_line(4_294_967_292, 0, "factory"))
    );
    cme(&mut m, "AT%CMNG=3,4294967292,0", 50);
    // They do not count against the user capacity.
    let policy = Policy {
        max_credentials: 1,
        ..Policy::default()
    };
    let mut p2 = (*profile(V202)).clone();
    p2.preinstalled = m.profile().preinstalled.clone();
    let mut m2 = Modem::new(Arc::new(p2), ModemIdentity::from_seed("r"), policy);
    provisioning(&mut m2);
    ok(&mut m2, &write_cmd(1, 4, "x"));
}

#[rstest]
#[case(vec![WriteCheck::ActiveMode518, WriteCheck::PowerOffWarning528], 518)]
#[case(vec![WriteCheck::PowerOffWarning528, WriteCheck::ActiveMode518], 528)]
fn write_check_precedence_is_a_policy(#[case] check_order: Vec<WriteCheck>, #[case] code: u16) {
    // ref §9: precedence OPEN. To be in CFUN 1 with an active warning, the warning must outlive
    // the supply recovery: the `reset` clear policy keeps it until a reboot.
    let policy = Policy {
        check_order,
        pofwarn_clear: crate::modem::ClearPolicy::Reset,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    ok(&mut m, "AT+CMEE=1");
    ok(&mut m, "AT%XPOFWARN=1,30");
    m.supply_changed(2.9);
    m.supply_changed(3.7);
    assert!(m.pofwarn_active());
    ok(&mut m, "AT+CFUN=1");
    assert_eq!(m.cfun(), 1);
    cme(&mut m, &write_cmd(1, 0, "x"), code);
    cme(&mut m, "AT%CMNG=3,1,0", code);
}
