//! Flashing over SSH: the probe is on another host (a labgrid exporter), so the image is sent
//! there and that host's `hil flash --probe … --progress json` writes it
//! ([`remote`](crate::remote) is the progress protocol). The system OpenSSH client does the
//! transport, never interactively: `BatchMode=yes` (no password or host-key prompt), a
//! `ConnectTimeout`, keep-alives, and an overall deadline after which ssh is killed.
//!
//! - [`command`]: the ssh command line and the remote shell script;
//! - [`session`]: running it, feeding the image, reading the progress lines;
//! - [`outcome`]: turning exit status, protocol lines and stderr into a result.

mod command;
mod outcome;
mod session;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::FlashError;
use crate::flasher::{FlashReport, Flasher, ProbeDescription, ProbeKind};
use crate::image::FirmwareImage;
use crate::probe_rs_flasher::NRF9160_CHIP;
use crate::probes::ProbeSelector;
use crate::progress::FlashEvent;

pub use command::shell_quote;
pub use outcome::classify_ssh_failure;

/// Where to log in: `user@host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshLogin {
    /// Login name.
    pub user: String,
    /// Host name or address.
    pub host: String,
    /// TCP port of sshd.
    pub port: u16,
}

impl fmt::Display for SshLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}:{}", self.user, self.host, self.port)
    }
}

/// What an [`SshFlasher`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshFlashConfig {
    /// The board's name (a labgrid place), for messages and the remote `--dut`.
    pub dut: String,
    /// The exporter host's sshd.
    pub login: SshLogin,
    /// The probe, as the exporter host sees it.
    pub probe: ProbeSelector,
    /// The `hil` program on the exporter host (a name on its `PATH`, or a path).
    pub remote_hil: String,
    /// Whether a locked chip may be erased to unlock it.
    pub allow_erase_all: bool,
    /// An ssh client configuration file (`ssh -F`), e.g. with `IdentityFile` and
    /// `UserKnownHostsFile`; `None` uses the user's own (`~/.ssh/config`).
    pub ssh_config: Option<PathBuf>,
    /// The `ssh` program (default `ssh` on `PATH`).
    pub ssh_program: PathBuf,
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// How long the whole remote operation may take before ssh is killed.
    pub deadline: Duration,
}

impl SshFlashConfig {
    /// `dut` on `login` with `probe`, flashed by `remote_hil` there: erase-all not allowed, the
    /// user's ssh configuration, 10 s to connect, 10 minutes in all.
    pub fn new(
        dut: impl Into<String>,
        login: SshLogin,
        probe: ProbeSelector,
        remote_hil: impl Into<String>,
    ) -> Self {
        SshFlashConfig {
            dut: dut.into(),
            login,
            probe,
            remote_hil: remote_hil.into(),
            allow_erase_all: false,
            ssh_config: None,
            ssh_program: PathBuf::from("ssh"),
            connect_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(600),
        }
    }
}

/// A [`Flasher`] for a board whose probe hangs off another host reachable over SSH.
#[derive(Debug, Clone)]
pub struct SshFlasher {
    config: SshFlashConfig,
}

impl SshFlasher {
    /// A flasher for `config`.
    pub fn new(config: SshFlashConfig) -> Self {
        SshFlasher { config }
    }

    /// Its configuration.
    pub fn config(&self) -> &SshFlashConfig {
        &self.config
    }
}

impl Flasher for SshFlasher {
    fn describe(&self) -> ProbeDescription {
        ProbeDescription {
            kind: ProbeKind::OverSsh,
            dut: self.config.dut.clone(),
            selector: format!("{} via ssh {}", self.config.probe, self.config.login),
            chip: NRF9160_CHIP.to_string(),
            allow_erase_all: self.config.allow_erase_all,
        }
    }

    fn flash(
        &mut self,
        image: &FirmwareImage,
        progress: &mut dyn FnMut(&FlashEvent),
    ) -> Result<FlashReport, FlashError> {
        // Read the file again (as the local flashers do); these bytes are what is sent.
        let bytes = std::fs::read(image.path()).map_err(|source| FlashError::Io {
            doing: format!("reading {} to send it", image.path().display()),
            source,
        })?;
        let image = FirmwareImage::from_bytes(image.path(), &bytes)?;
        let script = command::flash_script(&self.config);
        let end = session::run(&self.config, &script, Some(bytes), progress)?;
        let mut report = outcome::expect_report(&self.config, end)?;
        report.image = image.path().to_path_buf();
        Ok(report)
    }

    fn reset(&mut self) -> Result<(), FlashError> {
        let script = command::reset_script(&self.config);
        let end = session::run(&self.config, &script, None, &mut |_| {})?;
        outcome::expect_reset(&self.config, end)
    }
}
