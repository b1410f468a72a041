//! Where the rack comes from: an explicit rack file, the `HIL_RACK` environment variable, a
//! labgrid coordinator's places, or — with none of them — the simulated rack (one DUT per
//! bundled modem-firmware profile). The app layer reads the variables and passes their values
//! in.

use std::path::PathBuf;

use hil_labgrid::{Address, PlaceSelection};

/// Boards from a labgrid coordinator: which one, and which of its places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabgridSource {
    /// The coordinator.
    pub coordinator: Address,
    /// The places.
    pub selection: PlaceSelection,
}

/// Where the rack comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RackSource {
    /// The default simulated rack, started in-process.
    Simulated,
    /// A rack file (which may itself declare simulated DUTs, or a `labgrid:` section).
    File(PathBuf),
    /// A labgrid coordinator's places (`--labgrid HOST:PORT`).
    Labgrid(LabgridSource),
}

impl RackSource {
    /// `explicit` if given, else `env` (the value of `HIL_RACK`) if set and non-empty, else the
    /// simulated rack.
    pub fn resolve_from(explicit: Option<PathBuf>, env: Option<PathBuf>) -> Self {
        explicit
            .or(env)
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(RackSource::Simulated, RackSource::File)
    }

    /// `the simulated rack` or `rack file <path>`, for messages.
    pub fn describe(&self) -> String {
        match self {
            RackSource::Simulated => "the simulated rack".to_string(),
            RackSource::File(p) => format!("rack file {}", p.display()),
            RackSource::Labgrid(l) => format!(
                "labgrid coordinator {} ({})",
                l.coordinator,
                l.selection.describe()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_beats_env_beats_simulated() {
        let a = PathBuf::from("a.yaml");
        let b = PathBuf::from("b.yaml");
        assert_eq!(
            RackSource::resolve_from(Some(a.clone()), Some(b.clone())),
            RackSource::File(a)
        );
        assert_eq!(
            RackSource::resolve_from(None, Some(b.clone())),
            RackSource::File(b)
        );
        assert_eq!(RackSource::resolve_from(None, None), RackSource::Simulated);
        assert_eq!(
            RackSource::resolve_from(None, Some(PathBuf::new())),
            RackSource::Simulated
        );
    }
}
