//! The `%CMNG` happy path, list filters, read rules and overwrite (ref §1.1, §1.4).

use hil_at::{CmngEntry, CmngFilter, FinalResult};
use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::{FnCase, Problem};

use crate::fixtures::{CLIENT_CERT, CLIENT_KEY, ROOT_CA};
use crate::support::{CaseResult, Ctx, Reply, case, deviation, signature};

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![
        case(
            "cmng",
            "write_list_read_delete",
            "a root CA written byte for byte is listed with its SHA-256, read back verbatim, deleted",
            write_list_read_delete,
        ),
        case(
            "cmng",
            "list_filters",
            "AT%CMNG=1 lists all, =1,<tag> one tag, =1,<tag>,<type> one item, no match is a bare OK",
            list_filters,
        ),
        case(
            "cmng",
            "read_secrets",
            "characterizes reading a private key and a PSK back (OPEN: 514 or content, ref §1.4)",
            read_secrets,
        ),
        case(
            "cmng",
            "overwrite",
            "characterizes a second write to the same tag and type (OPEN: replace or 519, ref §1.4)",
            overwrite,
        ),
        case(
            "cmng",
            "delete_missing_513",
            "deleting a credential that is not there answers 513 (ref §2.1 [D1])",
            delete_missing,
        ),
        capacity_case(),
    ]
}

fn write_list_read_delete(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(0, CredentialType::ROOT_CA);
    ctx.cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA)?
        .expect_ok("write")?;
    ctx.check_listed_digest(tag, CredentialType::ROOT_CA, ROOT_CA.as_bytes())?;
    let item = ctx
        .cmng_read(tag, CredentialType::ROOT_CA)?
        .expect_ok("read")?;
    if item.content != ROOT_CA {
        return Err(deviation(
            "read differs",
            format!(
                "read back {} bytes, wrote {} (ref §1.3 [D3]: stored byte for byte)",
                item.content.len(),
                ROOT_CA.len()
            ),
        ));
    }
    ctx.cmng_delete(tag, CredentialType::ROOT_CA)?
        .expect_ok("delete")?;
    ctx.check_absent(tag, CredentialType::ROOT_CA, "it was deleted")
}

fn list_filters(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let a = ctx.tag(1, CredentialType::ROOT_CA);
    ctx.tag(1, CredentialType::CLIENT_CERT);
    let b = ctx.tag(2, CredentialType::ROOT_CA);
    let absent = ctx.tag(3, CredentialType::ROOT_CA);
    for (tag, kind, content, what) in [
        (a, CredentialType::ROOT_CA, ROOT_CA, "write a,0"),
        (a, CredentialType::CLIENT_CERT, CLIENT_CERT, "write a,1"),
        (b, CredentialType::ROOT_CA, ROOT_CA, "write b,0"),
    ] {
        ctx.cmng_write(tag, kind, content)?.expect_ok(what)?;
    }
    let all = list(ctx, CmngFilter::All)?;
    let ours = |t: u32| all.iter().filter(|e| e.tag == t).count();
    if ours(a) != 2 || ours(b) != 1 {
        return Err(deviation(
            "list incomplete",
            format!(
                "AT%CMNG=1 shows {} items at {a} (want 2) and {} at {b} (want 1)",
                ours(a),
                ours(b)
            ),
        ));
    }
    let by_tag = list(ctx, CmngFilter::Tag(a))?;
    if by_tag.len() != 2 || by_tag.iter().any(|e| e.tag != a) {
        return Err(deviation(
            "tag filter",
            format!("AT%CMNG=1,{a} listed {by_tag:?}"),
        ));
    }
    let one = list(ctx, CmngFilter::TagType(a, CredentialType::CLIENT_CERT))?;
    if one.len() != 1 || one[0].kind != CredentialType::CLIENT_CERT {
        return Err(deviation(
            "type filter",
            format!("AT%CMNG=1,{a},1 listed {one:?}"),
        ));
    }
    let none = list(ctx, CmngFilter::Tag(absent))?;
    if !none.is_empty() {
        return Err(deviation(
            "empty filter",
            format!("AT%CMNG=1,{absent} listed {none:?} for an unused tag"),
        ));
    }
    Ok(())
}

/// A list that must answer `OK`.
fn list(ctx: &mut Ctx, filter: CmngFilter) -> Result<Vec<CmngEntry>, Problem> {
    ctx.cmng_list(filter)?.expect_ok(&filter.command())
}

fn read_secrets(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let key_tag = ctx.tag(4, CredentialType::CLIENT_KEY);
    let psk_tag = ctx.tag(5, CredentialType::PSK);
    ctx.cmng_write(key_tag, CredentialType::CLIENT_KEY, CLIENT_KEY)?
        .expect_ok("write key")?;
    ctx.cmng_write(
        psk_tag,
        CredentialType::PSK,
        "000102030405060708090a0b0c0d0e0f",
    )?
    .expect_ok("write PSK")?;
    let key = ctx.cmng_read(key_tag, CredentialType::CLIENT_KEY)?;
    let psk = ctx.cmng_read(psk_tag, CredentialType::PSK)?;
    ctx.observe("read of a private key (type 2)", key.to_string());
    ctx.observe("read of a PSK (type 3)", psk.to_string());
    Ok(())
}

fn overwrite(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(6, CredentialType::ROOT_CA);
    ctx.cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA)?
        .expect_ok("first write")?;
    let second = ctx.cmng_write(tag, CredentialType::ROOT_CA, CLIENT_CERT)?;
    ctx.observe("second write to the same tag and type", second.to_string());
    // Whatever the modem chose, the list must describe what it keeps.
    let kept = if second.is_ok() { CLIENT_CERT } else { ROOT_CA };
    ctx.check_listed_digest(tag, CredentialType::ROOT_CA, kept.as_bytes())
}

fn delete_missing(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(7, CredentialType::ROOT_CA);
    ctx.cmng_delete(tag, CredentialType::ROOT_CA)?
        .expect_cme(CmeCode::NOT_FOUND, "delete of a missing credential")
}

/// How many root CAs fit before the modem answers 515 "memory full" (ref §2.1 [D1]); the
/// capacity itself is OPEN (ref §1.3, §11 Q6). Ignored by default: on hardware it is slow and
/// wears the modem's flash.
pub(super) fn capacity_case() -> FnCase<Board> {
    case(
        "cmng",
        "capacity_515",
        "characterizes how many credentials fit before 515 (memory full); run with --ignored",
        capacity,
    )
    .ignored()
}

/// Upper bound on writes, so a modem that never reports 515 cannot keep the case running.
const CAPACITY_PROBE_LIMIT: u32 = 200;

fn capacity(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let before = list(ctx, CmngFilter::All)?.len();
    let mut written = 0;
    let mut stopped_by = None;
    for n in 0..CAPACITY_PROBE_LIMIT {
        let tag = ctx.tag(n, CredentialType::ROOT_CA);
        match ctx.cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA)? {
            Reply::Ok(()) => written += 1,
            Reply::Refused(result) => {
                stopped_by = Some(result);
                break;
            }
        }
    }
    ctx.observe("credentials stored before the case", before.to_string());
    ctx.observe("root CAs written", written.to_string());
    match stopped_by {
        Some(FinalResult::CmeError(code)) if code == CmeCode::MEMORY_FULL.0 => {
            ctx.observe("capacity (items)", (before + written as usize).to_string());
            Ok(())
        }
        Some(other) => Err(deviation(
            signature(other),
            format!("after {written} writes the modem answered {other}, not 515 (memory full)"),
        )),
        None => {
            ctx.observe(
                "capacity (items)",
                format!("more than {}", before + CAPACITY_PROBE_LIMIT as usize),
            );
            Ok(())
        }
    }
}
