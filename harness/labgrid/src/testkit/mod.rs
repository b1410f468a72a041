//! Test support: a labgrid lab on 127.0.0.1 with the real engine — a coordinator, exporters
//! standing for rack hosts, each exporting simulated boards (console ptys under `/dev/pts`
//! served by ser2net, supplies as `PyVISADevice` TCPIP sockets), and one place per board with
//! its `hil-*` tags. Everything stops on drop; no process outlives the fixture.
//!
//! - [`processes`]: starting and stopping the labgrid processes (each in its own group);
//! - [`lab`]: [`LabgridLab`], the whole lab, optionally with an `ssh` service per place
//!   ([`SshPlaces`]) so its boards are flashed over SSH;
//! - [`sshd`]: [`Sshd`], OpenSSH's sshd on 127.0.0.1 with generated keys (tests skip without
//!   it, and fail instead when `HIL_REQUIRE_SSHD=1`).
//!
//! Tests skip with a printed reason when `labgrid-coordinator`, `labgrid-exporter` or
//! `ser2net` is not on `PATH`, and fail instead when `HIL_REQUIRE_LABGRID=1` (CI).

mod lab;
mod processes;
mod sshd;

pub use lab::{LabPlace, LabSetup, LabgridLab, Ser2net, SshPlaces};
pub use processes::{free_port, missing_tools};
pub use sshd::{REQUIRE_SSHD_ENV, Sshd, missing_ssh_tools, sshd_available_or_skip};

/// The variable that turns a missing labgrid into a failure.
pub const REQUIRE_ENV: &str = "HIL_REQUIRE_LABGRID";

/// `true` when the labgrid tools are there; otherwise prints why the test is skipped and
/// returns `false` — or panics when `HIL_REQUIRE_LABGRID=1`.
pub fn available_or_skip(test: &str) -> bool {
    let missing =
        missing_tools().map(|t| format!("{t} not on PATH (install labgrid==26.0.1 and ser2net)"));
    present_or_skip(test, missing, REQUIRE_ENV)
}

/// `true` when nothing is `missing`; otherwise prints why `test` is skipped and returns
/// `false` — or panics when the variable `require` is `1`.
fn present_or_skip(test: &str, missing: Option<String>, require: &str) -> bool {
    match missing {
        None => true,
        Some(missing) if std::env::var(require).is_ok_and(|v| v == "1") => {
            panic!("{test}: {missing}, and {require}=1")
        }
        Some(missing) => {
            eprintln!("skipped {test}: {missing}");
            false
        }
    }
}
