//! Which entry covers a trial: the first entry that names it and still shields, else the first
//! expired one that names it (so the report can say the shield has gone).

use chrono::NaiveDate;
use hil_model::MfwVersion;

use crate::entry::Entry;

/// The entries of a quarantine file, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quarantine {
    entries: Vec<Entry>,
}

/// An entry covering a trial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered<'a> {
    /// The entry.
    pub entry: &'a Entry,
    /// Its 0-based position in the file.
    pub index: usize,
    /// Its `until` date has passed: it no longer shields.
    pub expired: bool,
}

impl Quarantine {
    /// A list of `entries`.
    pub fn new(entries: Vec<Entry>) -> Self {
        Quarantine { entries }
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry covering trial `name` on board `dut` with modem firmware `mfw` on `today`.
    pub fn lookup(
        &self,
        name: &str,
        dut: &str,
        mfw: Option<&MfwVersion>,
        today: NaiveDate,
    ) -> Option<Covered<'_>> {
        let mut matching = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.covers(name, dut, mfw))
            .map(|(index, entry)| Covered {
                entry,
                index,
                expired: entry.expired(today),
            });
        let first = matching.next()?;
        if !first.expired {
            return Some(first);
        }
        Some(matching.find(|c| !c.expired).unwrap_or(first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quarantine {
        crate::parse(text, "q.yaml").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn v(s: &str) -> MfwVersion {
        MfwVersion::parse(s).unwrap()
    }

    #[test]
    fn substring_exact_dut_and_mfw_narrow_the_match() {
        let list = q("\
- { trial: cmng::write, reason: r, until: 2025-07-01, mfw: nrf9160 <1.3.2 }
- { trial: dk-2::pofwarn::threshold, exact: true, reason: s, until: 2025-07-01 }
- { trial: identity, dut: dk-3, reason: t, until: 2025-07-01 }
");
        let today = day("2025-06-01");
        let old = v("mfw_nrf9160_1.3.1");
        let new = v("mfw_nrf9160_1.3.6");
        assert!(
            list.lookup("dk-1::cmng::write_crlf", "dk-1", Some(&old), today)
                .is_some()
        );
        assert!(
            list.lookup("dk-1::cmng::write_crlf", "dk-1", Some(&new), today)
                .is_none()
        );
        assert!(
            list.lookup("dk-1::cmng::write_crlf", "dk-1", None, today)
                .is_none()
        );
        assert!(
            list.lookup("dk-2::pofwarn::threshold", "dk-2", None, today)
                .is_some()
        );
        assert!(
            list.lookup("dk-2::pofwarn::threshold_x", "dk-2", None, today)
                .is_none()
        );
        assert!(
            list.lookup("dk-3::identity::imei", "dk-3", None, today)
                .is_some()
        );
        assert!(
            list.lookup("dk-1::identity::imei", "dk-1", None, today)
                .is_none()
        );
    }

    #[test]
    fn until_is_the_last_shielding_day_and_a_live_entry_beats_an_expired_one() {
        let list = q("\
- { trial: cmng, reason: old, until: 2025-01-31 }
- { trial: cmng::write, reason: new, until: 2025-03-01 }
");
        let hit = |d: &str| list.lookup("a::cmng::write", "a", None, day(d)).unwrap();
        assert!(!hit("2025-01-31").expired);
        assert_eq!(hit("2025-01-31").index, 0);
        assert_eq!(
            (hit("2025-02-01").index, hit("2025-02-01").expired),
            (1, false)
        );
        let gone = hit("2025-03-02");
        assert!(gone.expired && gone.index == 0);
    }
}
