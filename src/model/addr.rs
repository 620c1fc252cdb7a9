//! Value sets the model and the simulator share: sets of addresses and of ports as
//! sorted, disjoint, inclusive intervals.

use std::net::Ipv4Addr;

/// A set of `u32` values (IPv4 addresses, ports) as sorted, disjoint, non-adjacent
/// inclusive intervals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IntervalSet {
    ranges: Ranges,
}

/// The intervals of a set. Most sets (a host, a subnet, a port, `any`) are one interval,
/// kept inline: a model of 100,000 entries holds hundreds of thousands of sets, and a heap
/// allocation for each would be most of its memory. Always canonical (one interval is
/// `One`), so the derived equality and hash are the sets'.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
enum Ranges {
    #[default]
    Empty,
    One((u32, u32)),
    Many(Box<[(u32, u32)]>),
}

impl std::ops::Deref for Ranges {
    type Target = [(u32, u32)];

    fn deref(&self) -> &[(u32, u32)] {
        match self {
            Ranges::Empty => &[],
            Ranges::One(range) => std::slice::from_ref(range),
            Ranges::Many(ranges) => ranges,
        }
    }
}

impl From<Vec<(u32, u32)>> for Ranges {
    fn from(ranges: Vec<(u32, u32)>) -> Self {
        match ranges.as_slice() {
            [] => Ranges::Empty,
            [one] => Ranges::One(*one),
            _ => Ranges::Many(ranges.into_boxed_slice()),
        }
    }
}

impl IntervalSet {
    pub fn empty() -> Self {
        IntervalSet::default()
    }

    /// `[lo, hi]`, empty when `lo > hi`.
    pub fn range(lo: u32, hi: u32) -> Self {
        if lo > hi {
            return IntervalSet::empty();
        }
        IntervalSet {
            ranges: Ranges::One((lo, hi)),
        }
    }

    pub fn single(value: u32) -> Self {
        IntervalSet::range(value, value)
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub fn contains(&self, value: u32) -> bool {
        let i = self.ranges.partition_point(|&(_, hi)| hi < value);
        self.ranges.get(i).is_some_and(|&(lo, _)| lo <= value)
    }

    /// How many values the set holds.
    pub fn size(&self) -> u64 {
        self.ranges
            .iter()
            .map(|&(lo, hi)| u64::from(hi - lo) + 1)
            .sum()
    }

    pub fn first(&self) -> Option<u32> {
        self.ranges.first().map(|&(lo, _)| lo)
    }

    pub fn union(&self, other: &IntervalSet) -> IntervalSet {
        self.ranges
            .iter()
            .chain(other.ranges.iter())
            .copied()
            .collect()
    }

    /// The set of some ranges, in any order, overlapping or not: one sort, one merge.
    fn from_ranges(mut all: Vec<(u32, u32)>) -> IntervalSet {
        all.retain(|&(lo, hi)| lo <= hi);
        all.sort_unstable();
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(all.len());
        for (lo, hi) in all {
            match ranges.last_mut() {
                Some(last) if u64::from(lo) <= u64::from(last.1) + 1 => last.1 = last.1.max(hi),
                _ => ranges.push((lo, hi)),
            }
        }
        IntervalSet {
            ranges: ranges.into(),
        }
    }

    pub fn intersection(&self, other: &IntervalSet) -> IntervalSet {
        let (mut i, mut j) = (0, 0);
        let mut ranges = Vec::new();
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            let (lo, hi) = (a.0.max(b.0), a.1.min(b.1));
            if lo <= hi {
                ranges.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        IntervalSet {
            ranges: ranges.into(),
        }
    }

    /// The values of `self` not in `other`.
    pub fn difference(&self, other: &IntervalSet) -> IntervalSet {
        let mut ranges = Vec::new();
        let mut j = 0;
        for &(lo, hi) in self.ranges.iter() {
            let mut start = lo;
            let mut open = true;
            while j < other.ranges.len() && other.ranges[j].1 < start {
                j += 1;
            }
            let mut k = j;
            while open && k < other.ranges.len() && other.ranges[k].0 <= hi {
                let (olo, ohi) = other.ranges[k];
                if olo > start {
                    ranges.push((start, olo - 1));
                }
                if ohi >= hi {
                    open = false;
                } else {
                    start = ohi + 1;
                    k += 1;
                }
            }
            if open {
                ranges.push((start, hi));
            }
        }
        IntervalSet {
            ranges: ranges.into(),
        }
    }

    /// Whether the two sets share a value.
    pub fn intersects(&self, other: &IntervalSet) -> bool {
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            if a.0 <= b.1 && b.0 <= a.1 {
                return true;
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    }

    /// The smallest and largest values.
    pub fn bounds(&self) -> Option<(u32, u32)> {
        Some((self.ranges.first()?.0, self.ranges.last()?.1))
    }

    pub fn is_subset_of(&self, other: &IntervalSet) -> bool {
        let mut j = 0;
        for &(lo, hi) in self.ranges.iter() {
            while j < other.ranges.len() && other.ranges[j].1 < lo {
                j += 1;
            }
            match other.ranges.get(j) {
                Some(&(olo, ohi)) if olo <= lo && hi <= ohi => {}
                _ => return false,
            }
        }
        true
    }

    /// The position of `value` in the set's ascending order.
    pub fn index_of(&self, value: u32) -> Option<u64> {
        let mut before = 0u64;
        for &(lo, hi) in self.ranges.iter() {
            if (lo..=hi).contains(&value) {
                return Some(before + u64::from(value - lo));
            }
            before += u64::from(hi - lo) + 1;
        }
        None
    }

    /// The value at position `index` in ascending order.
    pub fn nth(&self, mut index: u64) -> Option<u32> {
        for &(lo, hi) in self.ranges.iter() {
            let len = u64::from(hi - lo) + 1;
            if index < len {
                return Some(lo + index as u32);
            }
            index -= len;
        }
        None
    }
}

impl FromIterator<(u32, u32)> for IntervalSet {
    fn from_iter<T: IntoIterator<Item = (u32, u32)>>(iter: T) -> Self {
        IntervalSet::from_ranges(iter.into_iter().collect())
    }
}

/// A set of IPv4 addresses.
pub type AddrSet = IntervalSet;
/// A set of ports.
pub type PortSet = IntervalSet;

/// Every IPv4 address.
pub fn any_address() -> AddrSet {
    IntervalSet::range(0, u32::MAX)
}

/// Every port.
pub fn any_port() -> PortSet {
    IntervalSet::range(0, 65535)
}

/// The addresses of `network/prefix` (host bits ignored).
pub fn subnet(network: Ipv4Addr, prefix: u8) -> AddrSet {
    let (lo, hi) = subnet_bounds(network, prefix);
    IntervalSet::range(lo, hi)
}

pub fn subnet_bounds(network: Ipv4Addr, prefix: u8) -> (u32, u32) {
    let mask = prefix_mask(prefix);
    let lo = u32::from(network) & mask;
    (lo, lo | !mask)
}

pub fn prefix_mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

pub fn host(address: Ipv4Addr) -> AddrSet {
    IntervalSet::single(u32::from(address))
}

/// Shows an address set the way an engineer reads it: hosts, prefixes, ranges.
pub fn describe(set: &AddrSet) -> String {
    if set.is_empty() {
        return "nothing".into();
    }
    set.ranges()
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                return Ipv4Addr::from(lo).to_string();
            }
            let span = u64::from(hi - lo) + 1;
            if span.is_power_of_two() && u64::from(lo) % span == 0 {
                let prefix = 32 - span.trailing_zeros();
                format!("{}/{}", Ipv4Addr::from(lo), prefix)
            } else {
                format!("{}-{}", Ipv4Addr::from(lo), Ipv4Addr::from(hi))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(r: &[(u32, u32)]) -> IntervalSet {
        r.iter().copied().collect()
    }

    #[test]
    fn union_merges_adjacent_and_overlapping() {
        assert_eq!(
            set(&[(1, 3), (4, 6), (10, 12), (11, 20)]).ranges(),
            &[(1, 6), (10, 20)]
        );
        assert_eq!(
            set(&[(u32::MAX, u32::MAX), (0, u32::MAX - 1)]).size(),
            1 << 32
        );
    }

    #[test]
    fn intersection_and_subset() {
        let a = set(&[(1, 10), (20, 30)]);
        let b = set(&[(5, 25)]);
        assert_eq!(a.intersection(&b).ranges(), &[(5, 10), (20, 25)]);
        assert!(set(&[(21, 22)]).is_subset_of(&a));
        assert!(!b.is_subset_of(&a));
    }

    #[test]
    fn difference_and_intersects() {
        let a = set(&[(1, 10), (20, 30)]);
        let b = set(&[(5, 6), (9, 21), (30, 40)]);
        assert_eq!(a.difference(&b).ranges(), &[(1, 4), (7, 8), (22, 29)]);
        assert!(a.intersects(&b));
        assert!(!set(&[(11, 19)]).intersects(&a));
        assert_eq!(a.difference(&any_address()), IntervalSet::empty());
        assert_eq!(
            set(&[(0, u32::MAX)]).difference(&set(&[(0, 0)])).ranges(),
            &[(1, u32::MAX)]
        );
    }

    #[test]
    fn positions() {
        let a = set(&[(10, 11), (20, 22)]);
        assert_eq!(a.index_of(21), Some(3));
        assert_eq!(a.nth(3), Some(21));
        assert_eq!(a.nth(5), None);
        assert!(a.contains(22) && !a.contains(12));
    }

    #[test]
    fn subnets_ignore_host_bits() {
        let s = subnet(Ipv4Addr::new(10, 0, 30, 7), 24);
        assert_eq!(describe(&s), "10.0.30.0/24");
        assert_eq!(describe(&any_address()), "0.0.0.0/0");
        assert_eq!(describe(&IntervalSet::range(5, 9)), "0.0.0.5-0.0.0.9");
    }
}
