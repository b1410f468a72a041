//! Each bundled profile's documented differences.

use rstest::rstest;

use super::*;

#[rstest]
#[case(V202, Some(527))]
#[case(V200, None)]
fn crlf_pem_is_refused_on_2_0_2_and_stored_verbatim_on_2_0_0(
    #[case] name: &str,
    #[case] refused: Option<u16>,
) {
    // ref §1.3 [F5]: same text, 527 on 2.0.2; accepted on 2.0.0 with a SHA that does not match
    // the LF-based expectation.
    let lf = cert_pem("crlf");
    let crlf = lf.replace('\n', "\r\n");
    let mut m = modem(name);
    provisioning(&mut m);
    match refused {
        Some(code) => {
            cme(&mut m, &write_cmd(42, 0, &crlf), code);
            assert!(m.credentials().is_empty());
        }
        None => {
            ok(&mut m, &write_cmd(42, 0, &crlf));
            let list = at(&mut m, "AT%CMNG=1,42,0");
            assert_eq!(list, format!("{}\r\nOK\r\n", list_line(42, 0, &crlf)));
            assert_ne!(list, format!("{}\r\nOK\r\n", list_line(42, 0, &lf)));
        }
    }
    ok(&mut m, &write_cmd(43, 0, &lf));
}

#[rstest]
#[case::literal_backslash_n(0, true)]
#[case::literal_backslash_n_client_cert(1, true)]
#[case::literal_backslash_n_private_key(2, false)]
fn literal_backslash_n_is_refused_for_certificates_only(#[case] kind: u8, #[case] refused: bool) {
    // ref §1.3 [F4]: typed `\n` → 527 for types 0/1, type 2 accepted.
    let typed = cert_pem("typed").replace('\n', "\\n");
    let mut m = modem(V202);
    provisioning(&mut m);
    let answer = at(&mut m, &write_cmd(7, kind, &typed));
    if refused {
        assert_eq!(answer, "+CME ERROR: 527\r\n");
    } else {
        assert_eq!(answer, "OK\r\n");
    }
}

#[rstest]
#[case::single_line(cert_pem("x").replace('\n', ""))]
#[case::not_pem("HONKHONK".to_string())]
#[case::truncated(cert_pem("x")[..60].to_string())]
#[case::oversize({
    let one = cert_pem("big");
    one.repeat(4096 / one.len() + 1)
})]
fn invalid_certificate_content_gives_527_on_2_0_2(#[case] content: String) {
    let mut m = modem(V202);
    provisioning(&mut m);
    cme(&mut m, &write_cmd(3, 1, &content), 527);
    // Without validation the same bytes are stored (alpha stored "HONKHONK" as a CA, [F2]).
    let mut alpha = modem(ALPHA);
    provisioning(&mut alpha);
    let answer = at(&mut alpha, &write_cmd(3, 1, &content));
    assert!(
        answer == "OK\r\n" || answer == "+CME ERROR: 515\r\n",
        "{answer}"
    );
}

#[test]
fn a_certificate_chain_is_valid_content() {
    let chain = format!("{}{}", cert_pem("a"), cert_pem("b"));
    let mut m = modem(V202);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(3, 0, &chain));
    ok(&mut m, &write_cmd(4, 0, chain.trim_end()));
}

#[test]
fn alpha_lists_placeholder_digests() {
    // ref §1.4 [F2]
    let mut m = modem(ALPHA);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(64738, 0, "HONKHONK"));
    ok(&mut m, &write_cmd(64738, 1, "cert"));
    ok(&mut m, &write_cmd(64738, 2, "key"));
    let zeros = "0".repeat(64);
    let ones = "01".repeat(32);
    let twos = "02".repeat(32);
    assert_eq!(
        at(&mut m, "AT%CMNG=1,64738"),
        format!(
            "%CMNG: 64738,0,\"{zeros}\"\r\n%CMNG: 64738,1,\"{ones}\"\r\n%CMNG: 64738,2,\"{twos}\"\r\nOK\r\n"
        )
    );
    // The read returns the stored text (a multi-line PEM in the report).
    assert!(at(&mut m, "AT%CMNG=2,64738,0").contains("\"HONKHONK\""));
}

const SEED_KEY: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErrM7SxsE9WStx+6C2TQSsiaCnDww\nB6rYZe/xHP7sDuHP8SmB0uauqhWBXXy0e8xoxqAc2bniubZa4HI2Zfz7tQ==\n-----END PUBLIC KEY-----\n";
const OWN_KEY: &str = "-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE0hFbFkKzORGXw5UCyFV6McEsQlH/SA+5OPTg5ff1DwQDj9LQJJ4dkcgdGI46bVho3YU7RQTVc9LojyUFNHNEew==-----END PUBLIC KEY-----";

#[test]
fn alpha_xpmng_has_a_factory_key_and_a_second_write_gives_519() {
    // ref §5, §7.3 [F2]: the seed report's session.
    let mut m = modem(ALPHA);
    provisioning(&mut m);
    assert_eq!(
        at(&mut m, "AT%XPMNG=2"),
        format!("%XPMNG: \"{SEED_KEY}\"\r\nOK\r\n")
    );
    cme(&mut m, &format!("AT%XPMNG=0,\"{OWN_KEY}\""), 519);
    // "delete the old one first" — through %CMNG type 5 (ref §5, INFERRED).
    ok(&mut m, "AT%CMNG=3,0,5");
    cme(&mut m, "AT%XPMNG=2", 513);
    ok(&mut m, &format!("AT%XPMNG=0,\"{OWN_KEY}\""));
    assert_eq!(
        at(&mut m, "AT%XPMNG=2"),
        format!("%XPMNG: \"{OWN_KEY}\"\r\nOK\r\n")
    );
    cme(&mut m, &format!("AT%XPMNG=0,\"{OWN_KEY}\""), 519);
}

#[test]
fn xpmng_slots_and_range_follow_the_profile() {
    let mut m = modem(V136);
    provisioning(&mut m);
    cme(&mut m, "AT%XPMNG=2", 513);
    ok(&mut m, &format!("AT%XPMNG=0,\"{OWN_KEY}\",9"));
    cme(&mut m, &format!("AT%XPMNG=0,\"{OWN_KEY}\",10"), 50); // ref §5 [D4]: 0-9
    assert!(at(&mut m, "AT%XPMNG=2,9").starts_with("%XPMNG: \"-----BEGIN PUBLIC KEY-----"));
    ok(&mut m, "AT+CFUN=1");
    cme(&mut m, &format!("AT%XPMNG=0,\"{OWN_KEY}\",1"), 518);
}

#[rstest]
#[case(ALPHA, false)]
#[case(V123, false)]
#[case(V131, true)]
#[case(V136, true)]
#[case(V200, true)]
#[case(V202, true)]
fn xpofwarn_exists_from_1_3_1(#[case] name: &str, #[case] present: bool) {
    // ref §4.1 [D8][C5]
    let mut m = modem(name);
    let answer = at(&mut m, "AT%XPOFWARN=1,30");
    assert_eq!(answer, if present { "OK\r\n" } else { "ERROR\r\n" });
}

#[rstest]
#[case(V123, None)] // no %XPOFWARN at all
#[case(V131, Some("OK\r\n"))] // ref §4.3 [C5]: OK without persisting
#[case(V136, Some("+CME ERROR: 528\r\n"))] // ref §2.1 [D1]: 1.3.x >= 2
#[case(V200, Some("+CME ERROR: 528\r\n"))] // ref §2.1 [D2]
#[case(V202, Some("+CME ERROR: 528\r\n"))]
fn writes_during_a_warning(#[case] name: &str, #[case] answer: Option<&str>) {
    let mut m = modem(name);
    provisioning(&mut m);
    ok(&mut m, &write_cmd(1, 0, &cert_pem("before")));
    let enabled = at(&mut m, "AT%XPOFWARN=1,30") == "OK\r\n";
    m.supply_changed(2.9);
    assert_eq!(m.pofwarn_active(), enabled);
    let got = at(&mut m, &write_cmd(2, 0, &cert_pem("during")));
    let del = at(&mut m, "AT%CMNG=3,1,0");
    match answer {
        None => {
            assert_eq!(got, "OK\r\n");
            assert_eq!(del, "OK\r\n");
        }
        Some(a) => {
            assert_eq!(got, a);
            assert_eq!(del, a);
        }
    }
    // Nothing changed in NVM whenever the warning was active.
    let tags: Vec<u32> = m.credentials().iter().map(|c| c.0).collect();
    assert_eq!(tags, if enabled { vec![1] } else { vec![2] });
}

#[rstest]
#[case(ALPHA, false)]
#[case(V123, false)]
#[case(V131, true)]
#[case(V136, true)]
#[case(V200, true)]
#[case(V202, true)]
fn keygen_and_attesttoken_from_1_3(#[case] name: &str, #[case] present: bool) {
    let mut m = modem(name);
    provisioning(&mut m);
    let k = at(&mut m, "AT%KEYGEN=16842753,2,0");
    let a = at(&mut m, "AT%ATTESTTOKEN");
    assert_eq!(k.starts_with("%KEYGEN: \""), present, "{k}");
    assert_eq!(a.starts_with("%ATTESTTOKEN: \""), present, "{a}");
}

#[test]
fn every_profile_difference_is_cited() {
    for p in crate::profile::bundled_profiles().unwrap() {
        for (what, cite) in [
            ("identity", &p.identity.cite),
            ("cmng", &p.cmng.cite),
            ("pofwarn", &p.pofwarn.cite),
            ("commands", &p.commands.cite),
        ] {
            assert!(
                cite.starts_with("ref §"),
                "{} {what} lacks a citation",
                p.name()
            );
        }
        if let Some(c) = &p.cmng.content_check {
            assert!(c.cite.starts_with("ref §"), "{}", p.name());
        }
    }
}
