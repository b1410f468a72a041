//! Sharding a rack across CI jobs: `--shard K/N` takes a stable 1/N of the rack's boards, by
//! board (a board's cases are never split), so N jobs — one per rack host, or N jobs over one
//! large rack — cover the rack exactly once.
//!
//! The boards are sorted by name and board `i` (0-based, in that order) belongs to shard
//! `i mod N + 1`: every board is in exactly one shard, the shards differ in size by at most one
//! board, and the split depends only on the rack's board names (not on the order in the rack
//! file, the host or the time).

use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (1-based, `1 <= index <= count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// Shard `index` of `count`; `None` unless `1 <= index <= count`.
    pub fn new(index: u32, count: u32) -> Option<Shard> {
        (index >= 1 && index <= count).then_some(Shard { index, count })
    }

    /// K (1-based).
    pub fn index(self) -> u32 {
        self.index
    }

    /// N.
    pub fn count(self) -> u32 {
        self.count
    }

    /// Whether the board called `name`, in a rack whose boards are `all`, is in this shard.
    pub fn takes(self, name: &str, all: &[&str]) -> bool {
        let mut sorted: Vec<&str> = all.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        sorted
            .iter()
            .position(|n| *n == name)
            .is_some_and(|i| i as u64 % u64::from(self.count) + 1 == u64::from(self.index))
    }

    /// Keeps the items (boards, rack entries) in this shard; `name` names each.
    pub fn retain<T>(self, items: &mut Vec<T>, name: impl Fn(&T) -> &str) {
        let names: Vec<String> = items.iter().map(|i| name(i).to_string()).collect();
        let all: Vec<&str> = names.iter().map(String::as_str).collect();
        let keep: Vec<bool> = names.iter().map(|n| self.takes(n, &all)).collect();
        let mut keep = keep.into_iter();
        items.retain(|_| keep.next().unwrap_or(false));
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N`, e.g. `2/3`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("shard {text:?} is not K/N with 1 <= K <= N (e.g. 1/2)");
        let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n_and_refuses_the_rest() {
        let s: Shard = "2/3".parse().unwrap();
        assert_eq!((s.index(), s.count()), (2, 3));
        assert_eq!(s.to_string(), "2/3");
        for bad in ["0/2", "3/2", "1/0", "1", "a/b", "1/2/3", ""] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("K/N"), "{bad}: {e}");
        }
    }

    #[test]
    fn every_board_is_in_exactly_one_shard_whatever_the_order() {
        let names = [
            "sim-2.0.0",
            "dk-1",
            "sim-1.3.6",
            "bench-b",
            "zeta",
            "alpha",
            "m",
        ];
        let mut reversed = names;
        reversed.reverse();
        for count in 1..=8 {
            for name in names {
                let owners: Vec<u32> = (1..=count)
                    .filter(|k| Shard::new(*k, count).unwrap().takes(name, &names))
                    .collect();
                assert_eq!(owners.len(), 1, "{name} in {count} shards: {owners:?}");
                let k = Shard::new(owners[0], count).unwrap();
                assert!(k.takes(name, &reversed), "order of the rack file matters");
            }
            let sizes: Vec<usize> = (1..=count)
                .map(|k| {
                    let shard = Shard::new(k, count).unwrap();
                    names.iter().filter(|n| shard.takes(n, &names)).count()
                })
                .collect();
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(max - min <= 1, "{count}: {sizes:?}");
        }
    }

    #[test]
    fn an_unknown_board_is_in_no_shard() {
        assert!(!Shard::new(1, 1).unwrap().takes("x", &["a", "b"]));
    }
}
