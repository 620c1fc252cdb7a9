//! Reachability of rules in an ordered list: which earlier rules (together) cover all the
//! traffic a rule matches. Matches are unions of boxes, one interval set per dimension
//! (protocol × source × source port × destination × destination port × ICMP type/code),
//! so object-groups are never expanded into a cross product.

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
const WORK_LIMIT: usize = 4_096;

impl Region {
    fn is_subset_of(&self, other: &Region) -> bool {
        self.dims
            .iter()
            .zip(&other.dims)
            .all(|(a, b)| a.is_subset_of(b))
    }
}

/// Whether the blockers (in order) together cover every box of `target`: the blockers
/// that took part, or `None` when they do not cover it or the question is too complex.
pub fn covered(target: &[Region], blockers: &[(usize, &[Region])]) -> Option<Vec<usize>> {
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
        return Some(used);
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
            return None;
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
                    return None;
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
    remainder.is_empty().then_some(used)
}

/// Whether any box of `a` meets any box of `b`.
pub fn overlaps(a: &[Region], b: &[Region]) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.intersects(y)))
}

/// The per-dimension bounds of some boxes, for a cheap first test of overlap.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    lo: [u32; 6],
    hi: [u32; 6],
}

pub fn bounds(regions: &[Region]) -> Option<Bounds> {
    let mut b = Bounds {
        lo: [u32::MAX; 6],
        hi: [0; 6],
    };
    for region in regions {
        for (k, dim) in region.dims.iter().enumerate().take(6) {
            let (lo, hi) = dim.bounds()?;
            b.lo[k] = b.lo[k].min(lo);
            b.hi[k] = b.hi[k].max(hi);
        }
    }
    (!regions.is_empty()).then_some(b)
}

impl Bounds {
    pub fn meets(&self, other: &Bounds) -> bool {
        (0..6).all(|k| self.lo[k] <= other.hi[k] && other.lo[k] <= self.hi[k])
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
