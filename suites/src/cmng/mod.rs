//! `%CMNG` credential storage (ref §1, §3): write, list, read and delete; the digest in the
//! list; list filters; read rules per type; overwrite; the CFUN matrix; content validation.

mod basic;
mod cfun;
mod digest;
mod validation;

use std::sync::Arc;

use hil_lab::Board;
use hil_runner::Case;

use crate::support::boxed;

/// Every `%CMNG` case, in run order.
pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    let mut all = Vec::new();
    all.extend(basic::cases());
    all.extend(digest::cases());
    all.extend(cfun::cases());
    all.extend(validation::cases());
    boxed(all)
}
