//! Which board a health record belongs to: what identifies the hardware rather than its name in
//! one rack file, so two rack files naming the same board share its record. In order of
//! preference: the debug probe (`VID:PID[:serial]`), the console port as the rack file writes
//! it (a `/dev/serial/by-id/...` path is stable across reboots where the device it points to
//! is not), the supply's address and channel. A board the lab simulates in-process has no
//! record: each run makes a new one.

use std::fmt;

use hil_rack::DutSpec;

/// The identity of one board's health record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BoardKey(String);

impl BoardKey {
    /// The key of a rack-file board; `None` for a board simulated in-process, or one the rack
    /// file gives neither probe, port nor supply (it cannot be reached, so it has no history).
    pub fn of(spec: &DutSpec) -> Option<BoardKey> {
        if spec.is_simulated() {
            return None;
        }
        if let Some(probe) = &spec.probe {
            return Some(BoardKey(format!(
                "probe:{}",
                probe.to_string().to_ascii_lowercase()
            )));
        }
        if let Some(serial) = &spec.serial {
            return Some(BoardKey(format!("port:{}", serial.port.display())));
        }
        spec.supply.as_ref().map(|s| {
            BoardKey(format!(
                "supply:{}#{}",
                s.address.to_ascii_lowercase(),
                s.channel
            ))
        })
    }

    /// The key of a labgrid place: `labgrid:<place>@<coordinator>`. The place is the board,
    /// whichever exporter serves it and whatever port its console gets while acquired.
    pub fn of_place(coordinator: &str, place: &str) -> BoardKey {
        BoardKey(format!("labgrid:{place}@{coordinator}"))
    }

    /// The key from its text (as stored in a record).
    pub fn from_text(text: impl Into<String>) -> BoardKey {
        BoardKey(text.into())
    }

    /// The key as text: `probe:…`, `port:…`, `supply:…` or `labgrid:…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The record's file name: a readable form of the key and a digest of the whole key, so
    /// two keys never share a file.
    pub fn file_name(&self) -> String {
        let readable: String = self
            .0
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let readable = readable.trim_matches('_');
        let tail = &readable[readable.len().saturating_sub(48)..];
        let digest = hil_model::sha256_upper_hex(self.0.as_bytes()).to_ascii_lowercase();
        format!("{tail}-{}.json", &digest[..12])
    }
}

impl fmt::Display for BoardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duts(yaml: &str) -> Vec<DutSpec> {
        hil_rack::parse(yaml, "rack.yaml").unwrap().duts
    }

    #[test]
    fn probe_beats_port_and_simulated_boards_have_none() {
        let d = duts(
            "name: r\nduts:\n\
             - { name: a, serial: /dev/serial/by-id/x, probe: \"1366:1015:000960012345\" }\n\
             - { name: b, serial: /dev/serial/by-id/y }\n\
             - { name: d, simulated: { profile: mfw_nrf9160_1.3.6 } }\n",
        );
        let keys: Vec<Option<String>> = d
            .iter()
            .map(|s| BoardKey::of(s).map(|k| k.to_string()))
            .collect();
        assert_eq!(
            keys,
            [
                Some("probe:1366:1015:000960012345".to_string()),
                Some("port:/dev/serial/by-id/y".to_string()),
                None
            ]
        );
    }

    #[test]
    fn a_place_is_keyed_by_its_name_and_coordinator() {
        let k = BoardKey::of_place("lab-1:20408", "hosta-dut1");
        assert_eq!(k.as_str(), "labgrid:hosta-dut1@lab-1:20408");
        assert_ne!(k, BoardKey::of_place("lab-2:20408", "hosta-dut1"));
        assert!(k.file_name().starts_with("labgrid_hosta-dut1_lab-1_20408-"));
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        let a = BoardKey::from_text("port:/dev/serial/by-id/a b");
        let b = BoardKey::from_text("port:/dev/serial/by-id/a_b");
        assert_ne!(a.file_name(), b.file_name());
        assert!(!a.file_name().contains('/') && a.file_name().ends_with(".json"));
    }
}
