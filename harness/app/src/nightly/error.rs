//! Why board health or the quarantine around a run could not be read or written: each variant
//! carries the error of the crate that failed (labgrid, health store, quarantine file, state
//! directory, rack file), and its message reads as that error's.

use hil_health::{HealthError, StateDirError};
use hil_lab::LabError;
use hil_labgrid::LabgridError;
use hil_quarantine::QuarantineError;
use hil_rack::RackError;

/// A problem with board health or the quarantine (a configuration problem: `hil run` exits 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NightlyError {
    /// The rack file could not be read.
    #[error(transparent)]
    Rack(#[from] RackError),
    /// The rack file's `labgrid:` section is not valid (boxed: a lab error is large).
    #[error(transparent)]
    RackLabgrid(Box<LabError>),
    /// The labgrid coordinator could not be asked for its places.
    #[error(transparent)]
    Labgrid(#[from] LabgridError),
    /// The places asked for are not the coordinator's.
    #[error("labgrid coordinator {coordinator}: {problem}")]
    Places {
        /// The coordinator, `HOST:PORT`.
        coordinator: String,
        /// What is wrong with the selection.
        problem: String,
    },
    /// No state directory is known for the health records.
    #[error(transparent)]
    StateDir(#[from] StateDirError),
    /// A health record could not be read or written.
    #[error(transparent)]
    Health(#[from] HealthError),
    /// The quarantine file could not be read or is invalid.
    #[error(transparent)]
    Quarantine(#[from] QuarantineError),
    /// `--maintenance-after 0`.
    #[error("--maintenance-after must be at least 1")]
    MaintenanceAfterZero,
    /// `--quarantine-verify` without a quarantine file.
    #[error(
        "--quarantine-verify needs a quarantine file (--quarantine FILE or `quarantine:` in the \
         rack file)"
    )]
    VerifyWithoutQuarantine,
    /// A health command names a DUT the rack file does not have.
    #[error("rack `{rack}` has no DUT `{name}` (DUTs: {})", duts.join(", "))]
    UnknownDut {
        /// The rack's name.
        rack: String,
        /// The name asked for.
        name: String,
        /// The rack's DUTs.
        duts: Vec<String>,
    },
    /// A health command names a DUT simulated in-process, which has no record.
    #[error(
        "DUT `{name}` is simulated in-process: each run makes a new one, it has no health record"
    )]
    SimulatedDut {
        /// The DUT's name.
        name: String,
    },
}

impl From<LabError> for NightlyError {
    fn from(e: LabError) -> Self {
        NightlyError::RackLabgrid(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts `hil run`, `hil boards` and `hil doctor` printed when these were strings.
    #[test]
    fn messages_read_as_before() {
        assert_eq!(
            NightlyError::MaintenanceAfterZero.to_string(),
            "--maintenance-after must be at least 1"
        );
        assert_eq!(
            NightlyError::VerifyWithoutQuarantine.to_string(),
            "--quarantine-verify needs a quarantine file (--quarantine FILE or `quarantine:` in \
             the rack file)"
        );
        let unknown = NightlyError::UnknownDut {
            rack: "r".into(),
            name: "dk-9".into(),
            duts: vec!["dk-1".into(), "dk-2".into()],
        };
        assert_eq!(
            unknown.to_string(),
            "rack `r` has no DUT `dk-9` (DUTs: dk-1, dk-2)"
        );
        let places = NightlyError::Places {
            coordinator: "127.0.0.1:20408".into(),
            problem: "no place `x`".into(),
        };
        assert_eq!(
            places.to_string(),
            "labgrid coordinator 127.0.0.1:20408: no place `x`"
        );
        assert_eq!(
            NightlyError::from(StateDirError).to_string(),
            StateDirError.to_string()
        );
    }

    #[test]
    fn the_source_error_is_kept() {
        let e = NightlyError::from(StateDirError);
        assert!(matches!(e, NightlyError::StateDir(StateDirError)), "{e:?}");
    }
}
