//! Where the rack comes from: an explicit rack file, the `HIL_RACK` environment variable, or —
//! with neither — the simulated rack (one DUT per bundled modem-firmware profile). The app
//! layer reads the variable and passes its value in.

use std::path::PathBuf;

/// Where the rack comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RackSource {
    /// The default simulated rack, started in-process.
    Simulated,
    /// A rack file (which may itself declare simulated DUTs).
    File(PathBuf),
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
