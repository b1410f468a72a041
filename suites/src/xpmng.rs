//! `%XPMNG` (ref §5 [D4][D5]): the public key of authenticated AT commands. A write to an
//! occupied slot answers 519 "already exists" — undocumented at the time of field report 2,
//! where a factory key occupied the slot of a fresh DK ([F2]).

use std::sync::Arc;

use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::{Case, Problem};
use p256::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};

use crate::fixtures::CLIENT_KEY;
use crate::support::{CaseResult, Ctx, boxed, case, deviation};

/// The `%XPMNG` slot the case writes: the default one (ref §5 [D4]).
const SLOT: u32 = 0;

/// The suite's cases.
pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    boxed(vec![case(
        "xpmng",
        "second_write_519",
        "a public key is written and read back; a write to the occupied slot answers 519",
        second_write,
    )])
}

/// The fixture client key's public half as a PEM (`-----BEGIN PUBLIC KEY-----`).
fn public_key_pem() -> Result<String, Problem> {
    let secret = p256::SecretKey::from_pkcs8_pem(CLIENT_KEY)
        .map_err(|e| Problem::infra(format!("fixture key: {e}")))?;
    secret
        .public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| Problem::infra(format!("fixture public key: {e}")))
}

fn second_write(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let pem = public_key_pem()?;
    let occupied = ctx.xpmng_read()?.is_ok();
    ctx.observe("slot occupied before the case", occupied.to_string());
    if !occupied {
        write_and_read_back(ctx, &pem)?;
    }
    let second = ctx
        .xpmng_write(&pem)?
        .expect_cme(CmeCode::ALREADY_EXISTS, "write to an occupied slot");
    if !occupied {
        // Ours: delete it again through its %CMNG type (5 = public key; ref §5, INFERRED).
        let _absent_or_deleted = ctx.cmng_delete(SLOT, CredentialType::PUBLIC_KEY)?;
    }
    second
}

/// The first write to the empty slot, read back.
fn write_and_read_back(ctx: &mut Ctx, pem: &str) -> CaseResult {
    ctx.xpmng_write(pem)?.expect_ok("first %XPMNG write")?;
    let shown = ctx.xpmng_read()?.expect_ok("%XPMNG read")?;
    if !shown.replace("\r\n", "\n").contains(pem.trim_end()) {
        return Err(deviation(
            "read differs",
            "%XPMNG=2 does not show the key just written",
        ));
    }
    Ok(())
}
