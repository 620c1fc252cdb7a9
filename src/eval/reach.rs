//! Reachability of rules in an ordered list: which earlier rules (together) cover all the
//! traffic a rule matches. Matches are unions of boxes, one interval set per dimension
//! (protocol × source × source port × destination × destination port × ICMP type/code),
//! so object-groups are never expanded into a cross product.

use std::collections::HashMap;

use crate::model::addr::IntervalSet;
use crate::model::{Ace, Service};

/// A box: the product of one interval set per dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub dims: Vec<IntervalSet>,
}

impl Region {
    /// The destination dimension.
    pub fn destination(&self) -> &IntervalSet {
        &self.dims[3]
    }

    fn is_empty(&self) -> bool {
        self.dims.iter().any(IntervalSet::is_empty)
    }

    fn intersects(&self, other: &Region) -> bool {
        self.dims
            .iter()
            .zip(&other.dims)
            .all(|(a, b)| a.intersects(b))
    }

    /// `self` minus `other`, as disjoint boxes.
    fn subtract(&self, other: &Region) -> Vec<Region> {
        if !self.intersects(other) {
            return vec![self.clone()];
        }
        let mut pieces = Vec::new();
        let mut inside = self.dims.clone();
        for k in 0..self.dims.len() {
            let outside = self.dims[k].difference(&other.dims[k]);
            if !outside.is_empty() {
                let mut piece = inside.clone();
                piece[k] = outside;
                pieces.push(Region { dims: piece });
            }
            inside[k] = self.dims[k].intersection(&other.dims[k]);
        }
        pieces
    }
}

fn full(max: u32) -> IntervalSet {
    IntervalSet::range(0, max)
}

/// The box of one service of an ACE.
fn service_region(service: &Service, source: &IntervalSet, destination: &IntervalSet) -> Region {
    let protocol = service
        .protocol
        .map_or(full(255), |p| IntervalSet::single(u32::from(p)));
    let ports = matches!(service.protocol, Some(6 | 17 | 132));
    let icmp = match (service.protocol, service.icmp_type, service.icmp_code) {
        (Some(1 | 58), Some(t), Some(c)) => IntervalSet::single(u32::from(t) * 256 + u32::from(c)),
        (Some(1 | 58), Some(t), None) => {
            IntervalSet::range(u32::from(t) * 256, u32::from(t) * 256 + 255)
        }
        _ => full(65535),
    };
    Region {
        dims: vec![
            protocol,
            source.clone(),
            if ports {
                service.source.clone()
            } else {
                full(65535)
            },
            destination.clone(),
            if ports {
                service.destination.clone()
            } else {
                full(65535)
            },
            icmp,
        ],
    }
}

/// What an ACE matches, as boxes (empty when it matches nothing).
pub fn ace_regions(ace: &Ace) -> Vec<Region> {
    ace.services
        .iter()
        .map(|s| service_region(s, &ace.source, &ace.destination))
        .filter(|r| !r.is_empty())
        .collect()
}

/// How many box subtractions one question may take before it is given up (answered
/// `None`): coverage that needs more is left undecided rather than slowing the run down.
pub const WORK_LIMIT: usize = 16_384;

/// Whether earlier entries together cover an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// They do: the blockers that took part.
    Covered(Vec<usize>),
    Uncovered,
    /// Deciding needs more than [`WORK_LIMIT`] box subtractions (many overlapping
    /// blockers whose union fragments the entry); the entry is treated as reachable.
    Undecided,
}

/// Whether the blockers (in order) together cover every box of `target`: the blockers
/// that took part, or `None` when they do not cover it or the question is too complex.
pub fn covered(target: &[Region], blockers: &[(usize, &[Region])]) -> Option<Vec<usize>> {
    match coverage(target, blockers) {
        Coverage::Covered(used) => Some(used),
        Coverage::Uncovered | Coverage::Undecided => None,
    }
}

impl Region {
    fn is_subset_of(&self, other: &Region) -> bool {
        self.dims
            .iter()
            .zip(&other.dims)
            .all(|(a, b)| a.is_subset_of(b))
    }
}

/// Whether the blockers (in order) together cover every box of `target`.
pub fn coverage(target: &[Region], blockers: &[(usize, &[Region])]) -> Coverage {
    let mut used: Vec<usize> = Vec::new();
    // The common case first: one box that holds a whole target box.
    let mut remainder: Vec<Region> = Vec::new();
    for t in target {
        match blockers
            .iter()
            .find(|(_, b)| b.iter().any(|r| t.is_subset_of(r)))
        {
            Some((id, _)) => {
                if !used.contains(id) {
                    used.push(*id);
                }
            }
            None => remainder.push(t.clone()),
        }
    }
    if remainder.is_empty() {
        return Coverage::Covered(used);
    }
    // A cheap necessary condition: in every dimension, the blockers together must span
    // what is left; most uncovered entries fail it without any box arithmetic.
    let dimensions = remainder[0].dims.len();
    let meeting: Vec<&Region> = blockers
        .iter()
        .flat_map(|(_, b)| b.iter())
        .filter(|b| remainder.iter().any(|r| r.intersects(b)))
        .collect();
    for k in 0..dimensions {
        let needed: IntervalSet = remainder
            .iter()
            .flat_map(|r| r.dims[k].ranges().iter().copied())
            .collect();
        let spanned: IntervalSet = meeting
            .iter()
            .flat_map(|b| b.dims[k].ranges().iter().copied())
            .collect();
        if !needed.is_subset_of(&spanned) {
            return Coverage::Uncovered;
        }
    }
    let mut work = 0;
    for (id, blocker) in blockers {
        if remainder.is_empty() {
            break;
        }
        for block in blocker.iter() {
            if !remainder.iter().any(|r| r.intersects(block)) {
                continue;
            }
            let mut next = Vec::with_capacity(remainder.len());
            for piece in &remainder {
                work += 1;
                if work > WORK_LIMIT {
                    return Coverage::Undecided;
                }
                next.extend(piece.subtract(block));
            }
            remainder = next;
            if !used.contains(id) {
                used.push(*id);
            }
            if remainder.is_empty() {
                break;
            }
        }
    }
    if remainder.is_empty() {
        Coverage::Covered(used)
    } else {
        Coverage::Uncovered
    }
}

/// Whether any box of `a` meets any box of `b`.
pub fn overlaps(a: &[Region], b: &[Region]) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.intersects(y)))
}

/// The most dimensions a box has (ACEs have 6, NAT rules 7).
const MAX_DIMS: usize = 8;

/// The per-dimension bounds of some boxes, for a cheap first test of overlap.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    lo: [u32; MAX_DIMS],
    hi: [u32; MAX_DIMS],
}

pub fn bounds(regions: &[Region]) -> Option<Bounds> {
    let mut b = Bounds {
        lo: [0; MAX_DIMS],
        hi: [u32::MAX; MAX_DIMS],
    };
    for (n, region) in regions.iter().enumerate() {
        for (k, dim) in region.dims.iter().enumerate().take(MAX_DIMS) {
            let (lo, hi) = dim.bounds()?;
            b.lo[k] = if n == 0 { lo } else { b.lo[k].min(lo) };
            b.hi[k] = if n == 0 { hi } else { b.hi[k].max(hi) };
        }
    }
    (!regions.is_empty()).then_some(b)
}

impl Bounds {
    pub fn meets(&self, other: &Bounds) -> bool {
        (0..MAX_DIMS).all(|k| self.lo[k] <= other.hi[k] && other.lo[k] <= self.hi[k])
    }
}

/// The intervals of one dimension of every entry of a list, grouped by length class
/// (class `c` holds intervals spanning fewer than 2^c values) and sorted by their start:
/// the intervals meeting `[a, b]` in class `c` start within `[a - 2^c + 1, b]`, found by
/// two binary searches, so a query costs about what it returns.
#[derive(Default)]
struct DimensionIndex {
    classes: Vec<LengthClass>,
}

struct LengthClass {
    /// Every interval in the class spans fewer than `1 << log2` values.
    log2: u32,
    starts: Vec<u32>,
    ends: Vec<u32>,
    entries: Vec<u32>,
}

fn length_class(lo: u32, hi: u32) -> u32 {
    u32::BITS - (hi - lo).leading_zeros()
}

impl LengthClass {
    /// The positions whose intervals may meet `[a, b]`: every one that does, and others
    /// that start less than `2^log2` before `a`.
    fn window(&self, a: u32, b: u32) -> std::ops::Range<usize> {
        let reach = (1u64 << self.log2) - 1;
        let from = u64::from(a).saturating_sub(reach) as u32;
        let first = self.starts.partition_point(|&s| s < from);
        let last = self.starts.partition_point(|&s| s <= b);
        first..last.max(first)
    }
}

impl DimensionIndex {
    fn new(mut items: Vec<(u32, u32, u32, u32)>) -> Self {
        items.sort_unstable();
        let mut classes: Vec<LengthClass> = Vec::new();
        for (class, lo, hi, entry) in items {
            if classes.last().is_none_or(|c| c.log2 != class) {
                classes.push(LengthClass {
                    log2: class,
                    starts: Vec::new(),
                    ends: Vec::new(),
                    entries: Vec::new(),
                });
            }
            let last = classes.last_mut().expect("pushed above");
            last.starts.push(lo);
            last.ends.push(hi);
            last.entries.push(entry);
        }
        DimensionIndex { classes }
    }

    /// Calls `visit` with every entry that has an interval meeting one of `ranges`
    /// (an entry may be visited more than once).
    fn visit(&self, ranges: &[(u32, u32)], mut visit: impl FnMut(usize)) {
        for &(a, b) in ranges {
            for class in &self.classes {
                for p in class.window(a, b) {
                    if class.ends[p] >= a {
                        visit(class.entries[p] as usize);
                    }
                }
            }
        }
    }
}

/// The ranges of dimension `k` over all of an entry's boxes.
fn ranges_of(regions: &[Region], k: usize) -> IntervalSet {
    regions
        .iter()
        .flat_map(|r| r.dims[k].ranges().iter().copied())
        .collect()
}

/// How much of its dimension a set covers, in bits (0 for one value, 32 for every
/// address), scaled to the dimension's width so that addresses and ports compare.
fn breadth(set: &IntervalSet, width_bits: u32) -> f64 {
    (set.size().max(1) as f64).log2() / f64::from(width_bits)
}

/// An ordered list of entries (each a union of boxes) indexed for two questions: is a
/// point matched by an earlier entry, and which earlier entries meet this one.
///
/// Each entry is filed under one dimension, the one where it is narrowest (a host
/// destination, a source host, a single port), in an interval index of that dimension.
/// An entry can only contain a point, or meet another entry, if it does so in the
/// dimension it is filed under, so a query asks every dimension's index with the
/// target's values there. Filed entries are narrow in their dimension, so a point query
/// visits the few entries near the point, however many `any`s the list holds: a list of
/// host entries packed in one /16, or thousands of `permit tcp host X any` beside
/// thousands of `permit tcp any host Y`, is answered entry by entry.
pub struct ListIndex<'a> {
    entries: &'a [Vec<Region>],
    bounds: Vec<Option<Bounds>>,
    dimensions: Vec<(usize, DimensionIndex)>,
    /// The last query that visited each entry, so each is reported once.
    seen: Vec<u32>,
    query: u32,
}

impl<'a> ListIndex<'a> {
    /// Indexes `entries` on the given dimensions, each with its width in bits (those
    /// that tell entries apart: addresses and destination ports).
    pub fn new(entries: &'a [Vec<Region>], dimensions: &[(usize, u32)]) -> Self {
        let mut filed: Vec<Vec<(u32, u32, u32, u32)>> = vec![Vec::new(); dimensions.len()];
        // How many entries share each exact range, per dimension: of two equally narrow
        // dimensions, an entry is filed under the one where its value is rarer.
        let per_entry: Vec<Vec<IntervalSet>> = entries
            .iter()
            .map(|regions| {
                dimensions
                    .iter()
                    .map(|&(k, _)| ranges_of(regions, k))
                    .collect()
            })
            .collect();
        let mut popularity: Vec<HashMap<&IntervalSet, u32>> =
            vec![HashMap::new(); dimensions.len()];
        for sets in &per_entry {
            for (d, set) in sets.iter().enumerate() {
                *popularity[d].entry(set).or_default() += 1;
            }
        }
        for (e, sets) in per_entry.iter().enumerate() {
            if entries[e].is_empty() {
                continue;
            }
            let narrowest = (0..dimensions.len())
                .min_by(|&x, &y| {
                    let key =
                        |d: usize| (breadth(&sets[d], dimensions[d].1), popularity[d][&sets[d]]);
                    let (bx, px) = key(x);
                    let (by, py) = key(y);
                    bx.total_cmp(&by).then(px.cmp(&py))
                })
                .unwrap_or(0);
            filed[narrowest].extend(
                sets[narrowest]
                    .ranges()
                    .iter()
                    .map(|&(lo, hi)| (length_class(lo, hi), lo, hi, e as u32)),
            );
        }
        drop(popularity);
        let dimensions = dimensions
            .iter()
            .zip(filed)
            .map(|(&(k, _), items)| (k, DimensionIndex::new(items)))
            .collect();
        ListIndex {
            entries,
            bounds: entries.iter().map(|r| bounds(r)).collect(),
            dimensions,
            seen: vec![u32::MAX; entries.len()],
            query: 0,
        }
    }

    /// The bounds of entry `i`, `None` when it matches nothing.
    pub fn bounds(&self, i: usize) -> Option<Bounds> {
        self.bounds[i]
    }

    /// Whether an entry before `i` that `usable` accepts matches the packet `point`.
    fn point_matched_earlier(
        &self,
        i: usize,
        point: &[u32],
        usable: &impl Fn(usize) -> bool,
    ) -> bool {
        let mut matched = false;
        for (k, index) in &self.dimensions {
            index.visit(&[(point[*k], point[*k])], |j| {
                matched = matched
                    || (j < i
                        && usable(j)
                        && self.entries[j]
                            .iter()
                            .any(|r| r.dims.iter().zip(point).all(|(d, &v)| d.contains(v))));
            });
            if matched {
                return true;
            }
        }
        false
    }

    /// Whether some corner of entry `i`'s boxes is matched by no earlier entry: then
    /// the earlier entries cannot cover it. Settles most entries that are reachable
    /// with a few point queries.
    pub fn has_unmatched_corner(&self, i: usize, usable: impl Fn(usize) -> bool) -> bool {
        self.entries[i].iter().any(|region| {
            let low: Vec<u32> = region.dims.iter().map(|d| d.first().unwrap_or(0)).collect();
            let high: Vec<u32> = region
                .dims
                .iter()
                .map(|d| d.bounds().map_or(0, |(_, hi)| hi))
                .collect();
            !self.point_matched_earlier(i, &low, &usable)
                || !self.point_matched_earlier(i, &high, &usable)
        })
    }

    /// The entries before `i` that `usable` accepts and that share at least one packet
    /// with entry `i`, in list order.
    pub fn meeting_earlier(&mut self, i: usize, usable: impl Fn(usize) -> bool) -> Vec<usize> {
        let Some(own) = self.bounds[i] else {
            return Vec::new();
        };
        let target = &self.entries[i];
        self.query += 1;
        let (query_id, entries, bounds, seen) =
            (self.query, self.entries, &self.bounds, &mut self.seen);
        let mut found = Vec::new();
        for (k, index) in &self.dimensions {
            index.visit(ranges_of(target, *k).ranges(), |j| {
                if j >= i || seen[j] == query_id {
                    return;
                }
                seen[j] = query_id;
                if usable(j)
                    && bounds[j].is_some_and(|b| b.meets(&own))
                    && overlaps(target, &entries[j])
                {
                    found.push(j);
                }
            });
        }
        found.sort_unstable();
        found
    }
}

/// Of blockers that cover `target` (indices into `all`, in order), a set none of whose
/// members can be left out.
pub fn minimal_blockers(target: &[Region], all: &[Vec<Region>], blockers: &[usize]) -> Vec<usize> {
    let mut chosen: Vec<usize> = blockers.to_vec();
    let mut i = 0;
    while i < chosen.len() {
        let without: Vec<(usize, &[Region])> = chosen
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, &c)| (c, all[c].as_slice()))
            .collect();
        if covered(target, &without).is_some() {
            chosen.remove(i);
        } else {
            i += 1;
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(dims: &[(u32, u32)]) -> Region {
        Region {
            dims: dims
                .iter()
                .map(|&(a, b)| IntervalSet::range(a, b))
                .collect(),
        }
    }

    /// A small deterministic generator of entries: boxes over three dimensions mixing
    /// single values, ranges and everything, as ACLs mix hosts, subnets and `any`.
    fn random_entries(seed: u64, count: usize) -> Vec<Vec<Region>> {
        let mut state = seed;
        let mut next = move |n: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(n)) as u32
        };
        let dim = |next: &mut dyn FnMut(u32) -> u32| match next(4) {
            0 => IntervalSet::range(0, 63),
            1 => IntervalSet::single(next(64)),
            2 => {
                let lo = next(60);
                IntervalSet::range(lo, lo + next(8))
            }
            _ => [next(64), next(64)].into_iter().map(|v| (v, v)).collect(),
        };
        (0..count)
            .map(|_| {
                (0..1 + next(2))
                    .map(|_| Region {
                        dims: (0..3).map(|_| dim(&mut next)).collect(),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn index_finds_exactly_the_earlier_entries_that_meet() {
        for seed in 1..40 {
            let entries = random_entries(seed, 60);
            let mut index = ListIndex::new(&entries, &[(0, 6), (1, 6), (2, 6)]);
            for i in 0..entries.len() {
                let brute: Vec<usize> = (0..i)
                    .filter(|&j| overlaps(&entries[i], &entries[j]))
                    .collect();
                assert_eq!(
                    index.meeting_earlier(i, |_| true),
                    brute,
                    "seed {seed} entry {i}"
                );
                let blocking: Vec<(usize, &[Region])> =
                    brute.iter().map(|&j| (j, entries[j].as_slice())).collect();
                if index.has_unmatched_corner(i, |_| true) {
                    assert!(
                        covered(&entries[i], &blocking).is_none(),
                        "seed {seed} entry {i}: a covered entry has an unmatched corner"
                    );
                }
            }
        }
    }

    #[test]
    fn coverage_too_complex_is_undecided_not_uncovered() {
        // A column per source value, each leaving one destination uncovered, then the row
        // of that destination: the union covers the target, but every column splits the
        // remainder again, so deciding it takes about n²/2 subtractions.
        let n = 400;
        let target = vec![region(&[(0, n), (0, n)])];
        let mut all: Vec<Vec<Region>> = (0..=n)
            .map(|k| vec![region(&[(k, k), (0, n - 1)])])
            .collect();
        all.push(vec![region(&[(0, n), (n, n)])]);
        let blockers: Vec<(usize, &[Region])> = all
            .iter()
            .enumerate()
            .map(|(j, r)| (j, r.as_slice()))
            .collect();
        assert_eq!(coverage(&target, &blockers), Coverage::Undecided);
        let few: Vec<(usize, &[Region])> = blockers[..3].to_vec();
        assert_eq!(coverage(&target, &few), Coverage::Uncovered);
    }

    #[test]
    fn union_of_earlier_boxes_covers() {
        let target = vec![region(&[(0, 10), (0, 10)])];
        let left = vec![region(&[(0, 5), (0, 10)])];
        let right = vec![region(&[(6, 10), (0, 10)])];
        assert_eq!(covered(&target, &[(0, &left)]), None);
        assert_eq!(
            covered(&target, &[(0, &left), (1, &right)]),
            Some(vec![0, 1])
        );
        let all = vec![left, right, vec![region(&[(0, 10), (0, 10)])]];
        assert_eq!(minimal_blockers(&target, &all, &[0, 1, 2]), vec![2]);
    }
}
