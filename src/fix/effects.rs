//! What a fix changes for traffic other than MRA's, computed from the firewall's model
//! before and after: each NAT rule, access-list entry, same-security setting and idle
//! timeout that differs, in words, with the addresses it covers beyond the Expressways.

use crate::model::addr::describe;
use crate::model::{AddrSet, Firewall, Mapped, MappedDestination, NatRule};
use crate::workspace::Project;

/// The differences of one firewall's model between two readings of the project.
pub fn of(before: &Project, after: &Project, firewall: usize) -> Vec<String> {
    let (Some(old), Some(new)) = (
        before.firewalls.get(firewall),
        after.firewalls.get(firewall),
    ) else {
        return Vec::new();
    };
    let name = old.name.as_str();
    let expressways = expressway_addresses(before);
    let mut effects = Vec::new();
    effects.extend(nat_changes(name, &old.model, &new.model, &expressways));
    effects.extend(acl_changes(name, &old.model, &new.model, &expressways));
    effects.extend(same_security_changes(name, &old.model, &new.model));
    effects.extend(timeout_changes(name, &old.model, &new.model));
    effects.extend(inspection_changes(name, &old.model, &new.model));
    if effects.is_empty() {
        effects.push(format!(
            "nothing else: the change on {name} alters no NAT rule, access-list entry, same-security setting or timeout beyond what MRA's flows use"
        ));
    }
    effects
}

/// Every address of the deployment's Expressways (C nodes, E's interfaces and static
/// NAT addresses): what "traffic other than MRA's" leaves out.
fn expressway_addresses(project: &Project) -> AddrSet {
    let Some(deployment) = project
        .deployment
        .as_ref()
        .and_then(|d| d.deployment.as_ref())
    else {
        return AddrSet::empty();
    };
    let mut addresses: Vec<std::net::Ipv4Addr> =
        deployment.c_nodes.iter().map(|n| n.address.value).collect();
    for node in &deployment.e.nodes {
        addresses.push(node.lan1.value.address);
        addresses.extend(node.lan2.as_ref().map(|l| l.value.address));
        addresses.extend(node.static_nat.as_ref().map(|s| s.value));
    }
    addresses.into_iter().fold(AddrSet::empty(), |set, a| {
        set.union(&crate::model::addr::host(a))
    })
}

/// "10.0.30.0/24 (besides the Expressways: 10.0.30.0-10.0.30.1, 10.0.30.3-10.0.30.255)".
fn covering(set: &AddrSet, expressways: &AddrSet) -> String {
    let others = set.difference(expressways);
    if *set == crate::model::addr::any_address() {
        "any address".into()
    } else if others.is_empty() {
        format!("{} (Expressways only)", describe(set))
    } else if others == *set {
        describe(set)
    } else if others.ranges().len() > 3 {
        format!("{} (hosts beyond the Expressways included)", describe(set))
    } else {
        format!(
            "{} (hosts other than the Expressways: {})",
            describe(set),
            describe(&others)
        )
    }
}

/// What a NAT rule does, in words: "hides 10.0.30.0/24 behind 64.100.0.10 toward dmz,
/// for traffic to 64.100.0.10".
fn nat_words(rule: &NatRule, expressways: &AddrSet) -> String {
    let toward = rule.mapped_interface.as_deref().unwrap_or("any interface");
    let source = covering(&rule.real_source, expressways);
    let mut words = match (&rule.mapped_source, rule.kind) {
        (Mapped::Addresses(m), _) if *m == rule.real_source => {
            format!("keeps the source of {source} toward {toward}")
        }
        (Mapped::Addresses(m), crate::syntax::ast::NatKind::Static) => {
            format!("translates {source} to {} toward {toward}", describe(m))
        }
        (Mapped::Addresses(m), _) | (Mapped::PatPool(m), _) => {
            format!("hides {source} behind {} toward {toward}", describe(m))
        }
        (Mapped::Interface, _) => {
            format!("hides {source} behind {toward}'s own address")
        }
    };
    if let Some((mapped, _)) = &rule.destination {
        let to = match mapped {
            MappedDestination::Addresses(set) => describe(set),
            MappedDestination::Interface => "the interface address".into(),
        };
        words.push_str(&format!(", for traffic to {to}"));
    }
    if rule.route_lookup {
        words.push_str(", its egress chosen by the routing table");
    }
    words
}

/// NAT rules that differ, paired by their place in the table when the table kept its
/// length (a rule rewritten in place), else listed as added and removed.
fn nat_changes(name: &str, old: &Firewall, new: &Firewall, expressways: &AddrSet) -> Vec<String> {
    let describe_all = |fw: &Firewall| -> Vec<String> {
        fw.nat.iter().map(|r| nat_words(r, expressways)).collect()
    };
    let (before, after) = (describe_all(old), describe_all(new));
    if before == after {
        return Vec::new();
    }
    if before.len() == after.len() {
        return before
            .iter()
            .zip(&after)
            .zip(old.nat.iter().zip(&new.nat))
            .filter(|((b, a), _)| b != a)
            .map(|((b, a), (old_rule, new_rule))| {
                // The same hosts named twice in one sentence read as a difference.
                let a = if old_rule.real_source == new_rule.real_source {
                    a.replacen(
                        &covering(&new_rule.real_source, expressways),
                        "the same hosts",
                        1,
                    )
                } else {
                    a.clone()
                };
                format!("on {name}, this NAT rule no longer {b}; it now {a}")
            })
            .collect();
    }
    let mut changes: Vec<String> = missing_from(&before, &after)
        .map(|b| format!("on {name}, no NAT rule {b} any more"))
        .collect();
    changes.extend(missing_from(&after, &before).map(|a| format!("on {name}, a new NAT rule {a}")));
    changes
}

/// The descriptions of `these` that `those` does not hold, in order: a set lookup, so
/// that comparing two tables of 100,000 entries stays linear.
fn missing_from<'a>(
    these: &'a [String],
    those: &'a [String],
) -> impl Iterator<Item = &'a String> + 'a {
    let those: std::collections::HashSet<&str> = those.iter().map(String::as_str).collect();
    these.iter().filter(move |t| !those.contains(t.as_str()))
}

/// What an access-list entry matches, in words.
fn ace_words(acl: &str, ace: &crate::model::Ace, expressways: &AddrSet) -> String {
    let services: Vec<String> = ace
        .services
        .iter()
        .map(|s| {
            let protocol = s
                .protocol
                .map_or("IP".to_string(), crate::eval::protocol_name);
            let ports = describe_ports(&s.destination);
            match ports {
                Some(p) => format!("{protocol} port {p}"),
                None => protocol,
            }
        })
        .collect();
    format!(
        "access-list {acl} {} {} from {} to {}",
        if ace.action == crate::syntax::ast::Action::Permit {
            "permits"
        } else {
            "denies"
        },
        services.join(", "),
        covering(&ace.source, expressways),
        covering(&ace.destination, expressways)
    )
}

/// A port set in words, `None` for every port.
fn describe_ports(ports: &crate::model::PortSet) -> Option<String> {
    if *ports == crate::model::addr::any_port() {
        return None;
    }
    Some(
        ports
            .ranges()
            .iter()
            .map(|&(lo, hi)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Access-list entries added or removed.
fn acl_changes(name: &str, old: &Firewall, new: &Firewall, expressways: &AddrSet) -> Vec<String> {
    let entries = |fw: &Firewall| -> Vec<String> {
        fw.acls
            .values()
            .flat_map(|acl| {
                acl.entries
                    .iter()
                    .map(|e| ace_words(&acl.name, e, expressways))
            })
            .collect()
    };
    let (before, after) = (entries(old), entries(new));
    let mut changes: Vec<String> = missing_from(&after, &before)
        .map(|a| format!("on {name}, {a}"))
        .collect();
    changes.extend(
        missing_from(&before, &after).map(|b| format!("on {name}, no entry any more that {b}")),
    );
    changes
}

/// The pairs of interfaces of one security level: what `inter-interface` opens.
fn equal_level_pairs(fw: &Firewall) -> Vec<String> {
    let mut pairs = Vec::new();
    for (i, a) in fw.interfaces.iter().enumerate() {
        for b in &fw.interfaces[i + 1..] {
            if a.level == b.level && !a.management_only && !b.management_only {
                pairs.push(format!("{}–{} (level {})", a.name, b.name, a.level));
            }
        }
    }
    pairs
}

fn same_security_changes(name: &str, old: &Firewall, new: &Firewall) -> Vec<String> {
    let mut changes = Vec::new();
    if old.inter_interface.is_none() && new.inter_interface.is_some() {
        let pairs = equal_level_pairs(new);
        changes.push(if pairs.is_empty() {
            format!("on {name}, same-security-traffic permit inter-interface: no two interfaces share a security level, so no other traffic changes")
        } else {
            format!(
                "on {name}, any traffic between interfaces of one security level is now allowed where no access list denies it: {}",
                pairs.join(", ")
            )
        });
    }
    if old.intra_interface.is_none() && new.intra_interface.is_some() {
        changes.push(format!(
            "on {name}, any traffic may now leave by the interface it came in on (U-turn), for every host, not only E's hairpin, where no access list denies it"
        ));
    }
    changes
}

/// What a class selects, in words.
fn class_words(class: &crate::model::PolicyClass) -> String {
    use crate::model::ClassTraffic;
    let parts: Vec<String> = class
        .traffic
        .iter()
        .map(|t| match t {
            ClassTraffic::Any => "all traffic".to_string(),
            ClassTraffic::DefaultInspection => {
                "each inspection's default ports, for every host".to_string()
            }
            ClassTraffic::Ports(services) => {
                let ports: Vec<String> = services
                    .iter()
                    .map(|s| {
                        let protocol = s
                            .protocol
                            .map_or("IP".to_string(), crate::eval::protocol_name);
                        match describe_ports(&s.destination) {
                            Some(p) => format!("{protocol} {p}"),
                            None => protocol,
                        }
                    })
                    .collect();
                format!("{} for every host", ports.join(", "))
            }
            ClassTraffic::AccessList(acl) => format!("the traffic access-list {acl} permits"),
        })
        .collect();
    parts.join(" and ")
}

/// Inspections a class no longer (or newly) applies.
fn inspection_changes(name: &str, old: &Firewall, new: &Firewall) -> Vec<String> {
    let mut changes = Vec::new();
    for before in &old.policies {
        let Some(after) = new
            .policies
            .iter()
            .find(|p| p.class == before.class && p.interface == before.interface)
        else {
            continue;
        };
        for (inspect, _) in &before.inspects {
            if !after.inspects.iter().any(|(i, _)| i == inspect) {
                changes.push(format!(
                    "on {name}, `inspect {inspect}` no longer applies to anything class {} matches ({}), not only Expressway's traffic",
                    before.class,
                    class_words(before)
                ));
            }
        }
    }
    changes
}

/// `h:mm:ss` of a number of seconds.
fn clock(seconds: u32) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

fn timeout_changes(name: &str, old: &Firewall, new: &Firewall) -> Vec<String> {
    let mut changes = Vec::new();
    let (before, after) = (
        old.timeout_conn.map(|(s, _)| s),
        new.timeout_conn.map(|(s, _)| s),
    );
    if before != after {
        changes.push(format!(
            "on {name}, every TCP connection (not only Expressway's) may now stay idle {} instead of {} before the firewall closes it, keeping its connection and translation slots that much longer",
            after.map_or("the default 1:00:00".into(), clock),
            before.map_or("the default 1:00:00".into(), clock)
        ));
    }
    let idle = |fw: &Firewall| -> Vec<(String, Option<u32>)> {
        fw.policies
            .iter()
            .map(|p| (p.class.clone(), p.idle_timeout.map(|(s, _)| s)))
            .collect()
    };
    for ((class, b), (_, a)) in idle(old).iter().zip(idle(new).iter()) {
        if b != a {
            changes.push(format!(
                "on {name}, every connection class {class} matches (not only Expressway's) may now stay idle {} instead of {}",
                a.map_or("the global timeout".into(), clock),
                b.map_or("the global timeout".into(), clock)
            ));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_like_the_asa() {
        assert_eq!(clock(7200), "2:00:00");
        assert_eq!(clock(3661), "1:01:01");
    }

    #[test]
    fn covering_names_the_other_hosts() {
        let net = crate::model::addr::subnet("10.0.30.0".parse().unwrap(), 24);
        let c = crate::model::addr::host("10.0.30.2".parse().unwrap());
        assert_eq!(
            covering(&net, &c),
            "10.0.30.0/24 (hosts other than the Expressways: 10.0.30.0/31, 10.0.30.3-10.0.30.255)"
        );
        assert_eq!(covering(&c, &c), "10.0.30.2 (Expressways only)");
    }
}
