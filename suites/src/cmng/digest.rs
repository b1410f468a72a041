//! The listed digest is the SHA-256 of the bytes as stored (ref §1.4 [D3], INFERRED that line
//! endings count): LF, CRLF and a missing trailing newline each give their own digest.

use hil_lab::Board;
use hil_model::CredentialType;
use hil_runner::FnCase;

use crate::fixtures::{ROOT_CA, crlf, without_trailing_newline};
use crate::support::{CaseResult, Ctx, case};

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![
        case(
            "cmng",
            "digest_lf",
            "an LF PEM is listed with the SHA-256 of exactly its bytes",
            |ctx| digest_of(ctx, ROOT_CA.to_string()),
        ),
        case(
            "cmng",
            "digest_crlf",
            "a CRLF PEM is stored with its CRs and listed with the SHA-256 of those bytes",
            |ctx| digest_of(ctx, crlf(ROOT_CA)),
        ),
        case(
            "cmng",
            "digest_no_trailing_newline",
            "a PEM without its final newline is listed with the SHA-256 of those bytes",
            |ctx| digest_of(ctx, without_trailing_newline(ROOT_CA).to_string()),
        ),
    ]
}

fn digest_of(ctx: &mut Ctx, content: String) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(0, CredentialType::ROOT_CA);
    ctx.cmng_write(tag, CredentialType::ROOT_CA, &content)?
        .expect_ok("write")?;
    ctx.check_listed_digest(tag, CredentialType::ROOT_CA, content.as_bytes())
}
