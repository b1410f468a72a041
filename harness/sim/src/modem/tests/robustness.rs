//! Malformed input, fault injection, and "never panics, never silent" on arbitrary bytes.

use rstest::rstest;

use super::*;

#[rstest]
#[case::empty(b"")]
#[case::no_at(b"+CFUN?")]
#[case::junk(b"hello")]
#[case::missing_closing_quote(b"AT%CMNG=0,1,0,\"-----BEGIN CERTIFICATE-----\nabc")]
#[case::missing_opening_quote(b"AT%CMNG=0,1,0,abc\"")]
#[case::bad_number(b"AT%CMNG=0,1x,0,\"a\"")]
#[case::huge_number(b"AT%CMNG=0,99999999999999999999999,0,\"a\"")]
#[case::negative(b"AT+CFUN=-1")]
#[case::invalid_utf8(b"AT%CMNG=0,1,0,\"\xff\xfe\"")]
#[case::invalid_utf8_name(b"AT\xc3")]
#[case::nul(b"AT\0")]
#[case::bare_content(b"AT%CMNG=0,1,0,abc")]
#[case::only_prefix(b"AT+")]
#[case::space_in_name(b"AT +CFUN?")]
fn malformed_commands_answer_error(#[case] raw: &[u8]) {
    let mut m = modem(V136);
    assert_eq!(
        m.execute(raw),
        Reply::Answer(b"ERROR\r\n".to_vec()),
        "{raw:?}"
    );
    assert!(m.credentials().is_empty());
}

/// A tiny deterministic generator, so the fuzz corpus is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn arbitrary_bytes_never_panic_and_always_answer() {
    const PIECES: [&[u8]; 16] = [
        b"AT",
        b"%CMNG",
        b"+CFUN",
        b"=",
        b"?",
        b",",
        b"\"",
        b"0",
        b"1",
        b"2147483648",
        b"\r\n",
        b" ",
        b"%KEYGEN",
        b"%XPOFWARN",
        b"\xff",
        b"-----BEGIN CERTIFICATE-----",
    ];
    let mut rng = Lcg(7);
    for name in ALL {
        let mut m = modem(name);
        for _ in 0..400 {
            let mut cmd = Vec::new();
            for _ in 0..(rng.next() % 12) {
                cmd.extend_from_slice(PIECES[(rng.next() % 16) as usize]);
            }
            match m.execute(&cmd) {
                Reply::Answer(b) => assert!(b.ends_with(b"\r\n"), "{cmd:?}"),
                Reply::Silent => panic!("silent on {cmd:?}"),
            }
            if rng.next().is_multiple_of(50) {
                m.supply_changed((rng.next() % 45) as f64 / 10.0);
                m.supply_changed(3.7);
            }
        }
    }
}

#[test]
fn odd_quotes_wait_for_the_closing_quote_in_fault_mode() {
    // ref §7.1 (PR #1657 observation), §9: the modem waits for the closing quote.
    let policy = Policy {
        modem_waits_for_quote: true,
        ..Policy::default()
    };
    let mut m = modem_with(V136, policy);
    provisioning(&mut m);
    assert_eq!(m.execute(b"AT%CMNG=0,9,4,\"first"), Reply::Silent);
    assert_eq!(
        m.execute(b"AT+CFUN?"),
        Reply::Silent,
        "still inside the string"
    );
    assert_eq!(m.execute(b"last\""), Reply::Answer(b"OK\r\n".to_vec()));
    assert_eq!(
        m.credentials(),
        vec![(9, 4, b"first\r\nAT+CFUN?\r\nlast".to_vec())]
    );
    // Without the fault mode the same command is an error.
    let mut m = modem(V136);
    assert_eq!(at(&mut m, "AT%CMNG=0,9,4,\"first"), "ERROR\r\n");
}

#[test]
fn alpha_store_hang_is_opt_in() {
    // ref §7.3(b): the alpha credential store never answers a write.
    let policy = Policy {
        store_write_hangs: true,
        ..Policy::default()
    };
    let mut m = modem_with(ALPHA, policy);
    provisioning(&mut m);
    assert_eq!(m.execute(br#"AT%CMNG=0,64738,0,"HONKHONK""#), Reply::Silent);
    assert!(m.credentials().iter().all(|c| c.0 != 64738));
    // List and delete keep working, as in the report.
    assert!(at(&mut m, "AT%CMNG=1").ends_with("OK\r\n"));
    ok(&mut m, "AT%CMNG=3,0,5");
    // By default the alpha writes fine.
    let mut m = modem(ALPHA);
    provisioning(&mut m);
    ok(&mut m, r#"AT%CMNG=0,64738,0,"HONKHONK""#);
}

#[test]
fn an_unpowered_modem_is_silent() {
    let mut m = modem(V136);
    m.supply_changed(1.0);
    assert_eq!(m.execute(b"AT"), Reply::Silent);
    m.supply_changed(f64::NAN);
    assert_eq!(m.execute(b"AT"), Reply::Silent);
    m.supply_changed(3.3);
    assert_eq!(m.execute(b"AT"), Reply::Answer(b"OK\r\n".to_vec()));
}
