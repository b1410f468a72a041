//! The modem's non-volatile credential store (NVM).
//!
//! `(sec_tag, type) → bytes`, at most one item per pair (ref §1.1 [D1]). Content is kept byte
//! for byte, CR and LF included (ref §1.3 [D3]). `%XPMNG` public keys live here too, as type 5
//! at their sec_tag (ref §5, INFERRED: deleted with `%CMNG=3,<tag>,5`). The store survives
//! [`Modem::reboot`](super::Modem::reboot) and power loss; only the write paths in
//! `cmng.rs`/`xpmng.rs`/`keygen.rs` decide what reaches it.

use std::collections::BTreeMap;

/// Highest sec_tag a user may address; higher tags are modem-reserved (ref §1.1 [D1][D2]).
pub const MAX_USER_TAG: u64 = 2_147_483_647;

/// Where an item came from; decides which overwrite policy applies (ref §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written with `%CMNG=0` or `%XPMNG=0`.
    User,
    /// Created by `%KEYGEN`.
    Generated,
    /// Present from the factory (profile `preinstalled` / `xpmng.factory_keys`).
    Factory,
}

/// One stored item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub content: Vec<u8>,
    pub origin: Origin,
}

/// The credential store.
#[derive(Debug, Clone, Default)]
pub struct Store {
    items: BTreeMap<(u32, u8), Item>,
    /// Writes and deletes that reached NVM (factory items not counted).
    writes: u64,
}

impl Store {
    pub fn get(&self, tag: u32, kind: u8) -> Option<&Item> {
        self.items.get(&(tag, kind))
    }

    pub fn contains(&self, tag: u32, kind: u8) -> bool {
        self.items.contains_key(&(tag, kind))
    }

    pub fn put(&mut self, tag: u32, kind: u8, content: Vec<u8>, origin: Origin) {
        if origin != Origin::Factory {
            self.writes += 1;
        }
        self.items.insert((tag, kind), Item { content, origin });
    }

    pub fn remove(&mut self, tag: u32, kind: u8) -> bool {
        let removed = self.items.remove(&(tag, kind)).is_some();
        self.writes += u64::from(removed);
        removed
    }

    /// Writes and deletes so far (what the simulated board's current model watches).
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Items counted against the capacity: user-addressable tags only.
    pub fn user_count(&self) -> usize {
        self.items
            .keys()
            .filter(|(t, _)| u64::from(*t) <= MAX_USER_TAG)
            .count()
    }

    /// Items matching the list filters, in `(tag, type)` order.
    pub fn list(
        &self,
        tag: Option<u32>,
        kind: Option<u8>,
    ) -> impl Iterator<Item = (u32, u8, &Item)> {
        self.items
            .iter()
            .filter(move |((t, k), _)| tag.is_none_or(|x| x == *t) && kind.is_none_or(|x| x == *k))
            .map(|((t, k), i)| (*t, *k, i))
    }

    /// Snapshot `(tag, type, bytes)` for tests and the rack's NVM view.
    pub fn snapshot(&self) -> Vec<(u32, u8, Vec<u8>)> {
        self.items
            .iter()
            .map(|((t, k), i)| (*t, *k, i.content.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_item_per_pair_and_filters() {
        let mut s = Store::default();
        s.put(1, 0, b"a".to_vec(), Origin::User);
        s.put(1, 0, b"b".to_vec(), Origin::User);
        s.put(1, 1, b"c".to_vec(), Origin::User);
        s.put(2, 0, b"d".to_vec(), Origin::User);
        s.put(4_294_967_292, 0, b"r".to_vec(), Origin::Factory);
        assert_eq!(s.get(1, 0).unwrap().content, b"b");
        assert_eq!(s.list(Some(1), None).count(), 2);
        assert_eq!(s.list(Some(1), Some(1)).count(), 1);
        assert_eq!(s.list(None, None).count(), 4);
        assert_eq!(s.user_count(), 3);
        assert!(s.remove(1, 0));
        assert!(!s.remove(1, 0));
    }
}
