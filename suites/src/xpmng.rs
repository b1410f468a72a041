//! (being written)

use std::sync::Arc;

use hil_lab::Board;
use hil_runner::Case;

use crate::support::boxed;

pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    boxed(vec![])
}
