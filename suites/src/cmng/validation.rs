//! Content validation (ref §1.3): MFW ≥ 2.0.2 checks type 0/1 content on write and answers
//! **527** for CRLF line endings, literal `\n` sequences, or text that is not a PEM
//! certificate, and stores nothing (CONFIRMED [C3][F4][F5]); a private key with literal `\n`
//! is still accepted ([F4]).

use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::FnCase;

use crate::fixtures::{CLIENT_KEY, ROOT_CA, crlf, literal_backslash_n};
use crate::support::{CaseResult, Ctx, case};

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![
        case(
            "cmng",
            "reject_crlf_pem_527",
            "a root CA with CRLF line endings is refused with 527 and not stored",
            |ctx| rejected(ctx, crlf(ROOT_CA), "CRLF line endings"),
        ),
        case(
            "cmng",
            "reject_literal_newline_527",
            "a root CA typed with literal \\n sequences is refused with 527 and not stored",
            |ctx| rejected(ctx, literal_backslash_n(ROOT_CA), "literal \\n sequences"),
        ),
        case(
            "cmng",
            "reject_non_pem_527",
            "text that is not a certificate (\"HONKHONK\", ref §1.3 [F2]) is refused with 527",
            |ctx| rejected(ctx, "HONKHONK".to_string(), "non-PEM content"),
        ),
        case(
            "cmng",
            "key_literal_newline_accepted",
            "a private key with literal \\n sequences is accepted (types 0/1 only are checked)",
            key_literal_newline,
        ),
    ]
}

fn rejected(ctx: &mut Ctx, content: String, what: &str) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(0, CredentialType::ROOT_CA);
    ctx.cmng_write(tag, CredentialType::ROOT_CA, &content)?
        .expect_cme(
            CmeCode::INVALID_CONTENT,
            &format!("write of a root CA with {what}"),
        )?;
    ctx.check_absent(tag, CredentialType::ROOT_CA, "the write was refused")
}

fn key_literal_newline(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(1, CredentialType::CLIENT_KEY);
    let key = literal_backslash_n(CLIENT_KEY);
    ctx.cmng_write(tag, CredentialType::CLIENT_KEY, &key)?
        .expect_ok("write of a key with literal \\n")
}
