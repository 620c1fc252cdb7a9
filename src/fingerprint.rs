//! Identities of findings that survive unrelated edits, shared by SARIF's
//! `partialFingerprints`, baselines and `mralint diff`.
//!
//! A finding has two identities:
//! - the **exact** one: rule code, file, the whitespace-normalised text of the line it
//!   points at, and its message (which names the firewalls, nodes and addresses
//!   involved). Line numbers never enter it, so moving lines around changes nothing.
//! - the **relaxed** one: rule code, file, message and the flows its notes list, but not
//!   the line nor what happened to each flow. It recognises the same problem on a line
//!   that was edited without changing what it does (a rename of an object the line
//!   uses), or a flow that stays broken for another reason.
//!
//! [`pair`] matches two lists of identities: exact first, then relaxed for what is left.

use std::collections::HashMap;

use crate::finding::Finding;
use crate::source::Sources;

/// FNV-1a, 64 bits: a stable hash of the parts (each followed by a NUL).
pub fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The text of the line holding `offset`, with runs of whitespace made one space.
pub fn normalized_line(sources: &Sources, finding: &Finding) -> String {
    sources
        .get(finding.primary.file)
        .line_text(finding.primary.span.start)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The exact identity: code, file (as `file_key` names it), normalised line, message.
pub fn exact(finding: &Finding, sources: &Sources, file_key: &str) -> String {
    let line = normalized_line(sources, finding);
    fnv1a(&[finding.code, file_key, &line, &finding.message])
}

/// The relaxed identity: code, file, message and the flows of the notes; not the line.
pub fn relaxed(finding: &Finding, file_key: &str) -> String {
    let mut parts = vec![finding.code, file_key, finding.message.as_str()];
    parts.extend(flows(finding));
    fnv1a(&parts)
}

/// The flow a note names, without what happened to it: the text up to the packet's
/// destination (`UDP 10.0.10.2:36002 → 64.100.0.10:36004`) and the parenthesised nodes
/// right after it. Rules write their notes that way (`rules::flow_line`); a note with no
/// packet is taken whole.
pub fn flow_of_note(note: &str) -> &str {
    const ARROW: &str = " → ";
    let Some(arrow) = note.find(ARROW) else {
        return note;
    };
    let destination = arrow + ARROW.len();
    let end = note[destination..]
        .find(' ')
        .map_or(note.len(), |i| destination + i);
    let rest = &note[end..];
    match (rest.starts_with(" ("), rest.find(')')) {
        (true, Some(close)) => &note[..end + close + 1],
        _ => &note[..end],
    }
}

/// The distinct flows a finding's notes list, sorted.
pub fn flows(finding: &Finding) -> Vec<&str> {
    let mut flows: Vec<&str> = finding
        .notes
        .iter()
        .filter(|n| !crate::finding::is_confirmation(n) && !crate::finding::is_fix_note(n))
        .map(|n| flow_of_note(n))
        .collect();
    flows.sort_unstable();
    flows.dedup();
    flows
}

/// Both identities of a finding.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub exact: String,
    pub relaxed: String,
}

impl Identity {
    pub fn of(finding: &Finding, sources: &Sources, file_key: &str) -> Self {
        Identity {
            exact: exact(finding, sources, file_key),
            relaxed: relaxed(finding, file_key),
        }
    }
}

/// How two lists of identities pair up.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pairing {
    /// `(old index, new index)`, in new order.
    pub matched: Vec<(usize, usize)>,
    /// Old entries with no partner, in old order.
    pub only_old: Vec<usize>,
    /// New entries with no partner, in new order.
    pub only_new: Vec<usize>,
}

/// Pairs old and new identities: equal exact identities first, then equal relaxed ones
/// among the rest. Several entries with one identity pair up in order, so a second copy
/// of a problem is still new when the first one was already there.
pub fn pair(old: &[Identity], new: &[Identity]) -> Pairing {
    let mut partner_of_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut old_taken = vec![false; old.len()];
    for relaxed_pass in [false, true] {
        let key = |identity: &Identity| {
            if relaxed_pass {
                identity.relaxed.clone()
            } else {
                identity.exact.clone()
            }
        };
        let mut waiting: HashMap<String, std::collections::VecDeque<usize>> = HashMap::new();
        for (i, identity) in old.iter().enumerate().filter(|(i, _)| !old_taken[*i]) {
            waiting.entry(key(identity)).or_default().push_back(i);
        }
        for (j, identity) in new.iter().enumerate() {
            if partner_of_new[j].is_some() {
                continue;
            }
            if let Some(i) = waiting.get_mut(&key(identity)).and_then(|q| q.pop_front()) {
                partner_of_new[j] = Some(i);
                old_taken[i] = true;
            }
        }
    }
    Pairing {
        matched: partner_of_new
            .iter()
            .enumerate()
            .filter_map(|(j, i)| i.map(|i| (i, j)))
            .collect(),
        only_old: (0..old.len()).filter(|i| !old_taken[*i]).collect(),
        only_new: (0..new.len())
            .filter(|j| partner_of_new[*j].is_none())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(exact: &str, relaxed: &str) -> Identity {
        Identity {
            exact: exact.into(),
            relaxed: relaxed.into(),
        }
    }

    #[test]
    fn exact_matches_win_over_relaxed_ones() {
        let old = [id("a", "r"), id("b", "r")];
        let new = [id("b", "r"), id("c", "r")];
        let pairing = pair(&old, &new);
        assert_eq!(pairing.matched, vec![(1, 0), (0, 1)]);
        assert!(pairing.only_old.is_empty() && pairing.only_new.is_empty());
    }

    #[test]
    fn a_second_copy_is_new() {
        let old = [id("a", "r")];
        let new = [id("a", "r"), id("a", "r")];
        let pairing = pair(&old, &new);
        assert_eq!(pairing.matched, vec![(0, 0)]);
        assert_eq!(pairing.only_new, vec![1]);
    }

    #[test]
    fn notes_name_their_flow() {
        assert_eq!(
            flow_of_note("SIP traversal: TCP 10.0.30.2:25000 → 64.100.0.10:7003 (expc1, zone UC) reaches E as 64.100.0.10:25000 → 10.0.10.2:7003"),
            "SIP traversal: TCP 10.0.30.2:25000 → 64.100.0.10:7003 (expc1, zone UC)"
        );
        assert_eq!(
            flow_of_note("media hairpin: UDP 10.0.10.2:36002 → 64.100.0.10:36004 is dropped by asa-edge (acl-drop)"),
            "media hairpin: UDP 10.0.10.2:36002 → 64.100.0.10:36004"
        );
        assert_eq!(
            flow_of_note("TCP 10.0.30.2:25000 → 64.100.0.10:7003"),
            "TCP 10.0.30.2:25000 → 64.100.0.10:7003"
        );
        assert_eq!(flow_of_note("no packet here"), "no packet here");
    }

    #[test]
    fn different_problems_do_not_pair() {
        let pairing = pair(&[id("a", "r")], &[id("b", "s")]);
        assert!(pairing.matched.is_empty());
        assert_eq!((pairing.only_old, pairing.only_new), (vec![0], vec![0]));
    }
}
