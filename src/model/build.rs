//! Builds a [`Firewall`] from the AST.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use super::addr::{self, any_address, any_port, AddrSet, IntervalSet, PortSet};
use super::{
    Ace, Acl, Binding, Firewall, Fqdn, Interface, Ipv6Part, Mapped, MappedDestination, NatRule,
    PortTranslation, Route, Service, Undefined,
};
use crate::source::Span;
use crate::syntax::ast::{
    self, AceIcmp, AceProtocol, AclBinding, AclEntry, Address, CommandKind, Config, GroupMember,
    GroupType, Name, NatKind, NatMapped, NatSection, Port, PortOp, PortSpec, Protocol,
    SameSecurity,
};
use crate::syntax::lexical::named_port;

/// Builds the model of one configuration; FQDN objects stay unresolved.
pub fn build(config: &Config) -> Firewall {
    build_with(config, &[])
}

/// Builds the model of one configuration, resolving FQDN objects through `dns` (names
/// compare case-insensitively; a name `dns` does not hold stays unresolved).
pub fn build_with(config: &Config, dns: &[(String, Ipv4Addr)]) -> Firewall {
    let mut builder = Builder::new(config, dns);
    builder.flatten_groups(config);
    let mut firewall = Firewall {
        interfaces: builder.interfaces.clone(),
        ..Firewall::default()
    };
    firewall.routes = connected_routes(&firewall.interfaces);
    let mut section1: Vec<NatRule> = Vec::new();
    let mut section3: Vec<NatRule> = Vec::new();
    for command in &config.commands {
        match &command.kind {
            CommandKind::Hostname(name) => firewall.hostname = Some(name.text.clone()),
            CommandKind::Route(route) => {
                builder.require_interface(&route.interface);
                firewall.routes.push(Route {
                    interface: route.interface.text.clone(),
                    network: route.network,
                    prefix: route.prefix,
                    gateway: Some(route.gateway),
                    distance: route.distance,
                    span: command.span,
                });
            }
            CommandKind::AccessList(list) => builder.access_list(&mut firewall, list, command.span),
            CommandKind::AccessGroup(group) => {
                builder.access_group(&mut firewall, group, command.span)
            }
            CommandKind::TwiceNat(nat) => {
                let rule = builder.twice_nat(nat, command.span);
                if !nat.options.inactive {
                    match nat.section {
                        NatSection::Before(line) => insert_at(&mut section1, line, rule),
                        NatSection::AfterAuto(line) => insert_at(&mut section3, line, rule),
                    }
                }
            }
            CommandKind::SameSecurity(SameSecurity::InterInterface) => {
                firewall.inter_interface = Some(command.span)
            }
            CommandKind::SameSecurity(SameSecurity::IntraInterface) => {
                firewall.intra_interface = Some(command.span)
            }
            CommandKind::TimeoutConn(seconds) => {
                firewall.timeout_conn = Some((*seconds, command.span))
            }
            CommandKind::LegacyNat(_) => firewall.legacy_nat.push(command.span),
            _ => {}
        }
    }
    firewall.policies = policy_classes(config);
    let mut section2 = builder.object_nat_rules();
    section2.sort_by(section2_order);
    firewall.nat = section1
        .into_iter()
        .chain(section2.into_iter().map(|(r, ..)| r))
        .chain(section3)
        .collect();
    firewall.undefined = builder.undefined;
    firewall.redefined = builder.redefined;
    firewall.definitions = builder.definitions;
    firewall.cycles = builder.cycles;
    firewall.used = builder.used;
    firewall.used.extend(
        builder
            .object_order
            .iter()
            .filter(|name| builder.networks[*name].nat.is_some())
            .cloned(),
    );
    firewall.used.extend(config.mentions.iter().cloned());
    firewall.acl_references = acl_references(config);
    firewall.network_groups = builder
        .flat
        .iter()
        .filter_map(|(name, flat)| match flat {
            Flat::Network(set) => Some((name.clone(), set.clone())),
            _ => None,
        })
        .collect();
    firewall.network_objects = builder.network_sets.into_iter().collect();
    firewall.platform = detect_platform(config, &firewall);
    firewall
}

/// FTD when the config has the `NGFW Version` banner, an ACL FMC writes
/// (`CSM_FW_ACL_…`) or an entry with a `rule-id`; otherwise ASA.
fn detect_platform(config: &Config, firewall: &Firewall) -> super::Platform {
    let ftd = config.ngfw_version.is_some()
        || firewall
            .acls
            .keys()
            .any(|name| super::ftd::is_fmc_acl(name))
        || firewall
            .acls
            .values()
            .any(|acl| acl.entries.iter().any(|ace| ace.fmc.is_some()));
    if ftd {
        super::Platform::Ftd
    } else {
        super::Platform::Asa
    }
}

/// Puts a twice NAT rule at its 1-based `line`, or at the end of the section.
fn insert_at(section: &mut Vec<NatRule>, line: Option<u32>, rule: NatRule) {
    match line {
        Some(n) if (n as usize) <= section.len() => section.insert(n as usize - 1, rule),
        _ => section.push(rule),
    }
}

/// Section 2 order (docs/asa-semantics.md#22-nat-selection-three-sections-two-lookups):
/// static before dynamic, fewer real addresses, lower first real address, then object name.
fn section2_order(a: &(NatRule, u64, u32), b: &(NatRule, u64, u32)) -> std::cmp::Ordering {
    let kind = |r: &NatRule| matches!(r.kind, NatKind::Dynamic);
    (kind(&a.0), a.1, a.2, &a.0.object).cmp(&(kind(&b.0), b.1, b.2, &b.0.object))
}

/// The ACLs something names: an `access-group`, a class-map `match access-list`, or any
/// command mralint does not model (crypto maps, VPN filters, route-maps, captures, …).
fn acl_references(config: &Config) -> HashSet<String> {
    let mut names: HashSet<String> = config.mentions.clone();
    for command in &config.commands {
        match &command.kind {
            CommandKind::AccessGroup(group) => {
                names.insert(group.acl.text.clone());
            }
            CommandKind::ClassMap(class) => {
                for (m, _) in &class.matches {
                    if let crate::syntax::ast::ClassMatch::AccessList(acl) = m {
                        names.insert(acl.text.clone());
                    }
                }
            }
            _ => {}
        }
    }
    names
}

/// The classes of every applied service policy. `class-default` matches any traffic.
fn policy_classes(config: &Config) -> Vec<super::PolicyClass> {
    use super::ClassTraffic;
    use crate::syntax::ast::ClassMatch;
    let mut class_maps: HashMap<&str, &ast::ClassMap> = HashMap::new();
    let mut policy_maps: HashMap<&str, &ast::PolicyMap> = HashMap::new();
    for command in &config.commands {
        match &command.kind {
            CommandKind::ClassMap(c) => {
                class_maps.insert(&c.name.text, c);
            }
            CommandKind::PolicyMap(p) => {
                policy_maps.insert(&p.name.text, p);
            }
            _ => {}
        }
    }
    let traffic = |class: &str| -> Vec<ClassTraffic> {
        if class == "class-default" {
            return vec![ClassTraffic::Any];
        }
        let Some(map) = class_maps.get(class) else {
            return Vec::new();
        };
        map.matches
            .iter()
            .filter_map(|(m, _)| match m {
                ClassMatch::Any => Some(ClassTraffic::Any),
                ClassMatch::DefaultInspectionTraffic => Some(ClassTraffic::DefaultInspection),
                ClassMatch::AccessList(acl) => Some(ClassTraffic::AccessList(acl.text.clone())),
                ClassMatch::Port(protocol, op) => Some(ClassTraffic::Ports(port_services(
                    *protocol,
                    any_port(),
                    port_op_set(op, *protocol),
                ))),
                ClassMatch::Other => None,
            })
            .collect()
    };
    let mut classes = Vec::new();
    for command in &config.commands {
        let CommandKind::ServicePolicy(service_policy) = &command.kind else {
            continue;
        };
        let Some(policy) = policy_maps.get(service_policy.policy.text.as_str()) else {
            continue;
        };
        for class in &policy.classes {
            classes.push(super::PolicyClass {
                service_policy: command.span,
                interface: service_policy.interface.as_ref().map(|i| i.text.clone()),
                class: class.class.text.clone(),
                traffic: traffic(&class.class.text),
                inspects: class.inspects.clone(),
                idle_timeout: class.idle_timeout,
            });
        }
    }
    classes
}

fn connected_routes(interfaces: &[Interface]) -> Vec<Route> {
    interfaces
        .iter()
        .filter(|i| !i.shutdown)
        .filter_map(|i| {
            let address = i.address?;
            let (lo, _) = addr::subnet_bounds(address, i.prefix);
            Some(Route {
                interface: i.name.clone(),
                network: Ipv4Addr::from(lo),
                prefix: i.prefix,
                gateway: None,
                distance: 0,
                span: i.span,
            })
        })
        .collect()
}

/// A flattened object-group.
#[derive(Clone, Debug)]
enum Flat {
    Network(AddrSet),
    Services(Vec<Service>),
    Ports(PortSet),
    Protocols(Vec<Option<u8>>),
    IcmpTypes(Vec<u8>),
}

struct NetworkObject<'a> {
    definition: Option<&'a Address>,
    nat: Option<(&'a ast::ObjectNat, &'a Name)>,
}

/// What an address, object or group holds beyond its IPv4 intervals.
#[derive(Clone, Debug, Default)]
struct Extras {
    ipv6: Ipv6Part,
    fqdn: Vec<Fqdn>,
}

impl Extras {
    /// Nothing beyond IPv4 (most objects and groups: not stored).
    fn is_plain(&self) -> bool {
        self.ipv6 == Ipv6Part::None && self.fqdn.is_empty()
    }

    fn union(mut self, other: Extras) -> Extras {
        self.ipv6 = self.ipv6.union(other.ipv6);
        for f in other.fqdn {
            if !self.fqdn.contains(&f) {
                self.fqdn.push(f);
            }
        }
        self
    }
}

struct Builder<'a> {
    names: HashMap<String, std::net::IpAddr>,
    /// FQDN answers, by lower-case name.
    dns: HashMap<String, Ipv4Addr>,
    /// IPv6 and FQDN contents of objects and groups, by name.
    extras: HashMap<String, Extras>,
    networks: HashMap<String, NetworkObject<'a>>,
    network_sets: HashMap<String, AddrSet>,
    services: HashMap<String, Option<&'a ast::Service>>,
    groups: HashMap<String, &'a ast::ObjectGroup>,
    flat: HashMap<String, Flat>,
    interfaces: Vec<Interface>,
    undefined: Vec<Undefined>,
    /// Network objects in definition order, for section 2.
    object_order: Vec<String>,
    /// What each object or group name was first defined as.
    kinds: HashMap<String, &'static str>,
    redefined: Vec<(Span, String, &'static str)>,
    definitions: Vec<(String, &'static str, Span)>,
    used: HashSet<String>,
    cycles: Vec<(Span, String, String)>,
    cyclic: HashSet<String>,
    /// FMC remarks (`remark rule-id N: …`) by ACL and rule id, in order.
    fmc_remarks: HashMap<(String, u64), Vec<(super::ftd::RemarkPart, Span)>>,
    /// How many entries each access list has: its entries are allocated once, at their
    /// size (a list grown by doubling holds up to twice the memory it needs).
    list_sizes: HashMap<String, usize>,
}

/// The number of entries of each access list (remarks are not entries).
fn list_sizes(config: &Config) -> HashMap<String, usize> {
    let mut sizes: HashMap<String, usize> = HashMap::new();
    for command in &config.commands {
        if let CommandKind::AccessList(list) = &command.kind {
            if matches!(list.entry, AclEntry::Extended(_)) {
                *sizes.entry(list.name.text.clone()).or_default() += 1;
            }
        }
    }
    sizes
}

impl<'a> Builder<'a> {
    fn new(config: &'a Config, dns: &[(String, Ipv4Addr)]) -> Self {
        let mut builder = Builder {
            names: HashMap::new(),
            // The first answer for a name wins (`firewall_dns` before `dns`).
            dns: dns.iter().rev().fold(HashMap::new(), |mut map, (n, a)| {
                map.insert(n.trim_end_matches('.').to_ascii_lowercase(), *a);
                map
            }),
            extras: HashMap::new(),
            networks: HashMap::new(),
            network_sets: HashMap::new(),
            services: HashMap::new(),
            groups: HashMap::new(),
            flat: HashMap::new(),
            interfaces: Vec::new(),
            undefined: Vec::new(),
            object_order: Vec::new(),
            kinds: HashMap::new(),
            redefined: Vec::new(),
            definitions: Vec::new(),
            used: HashSet::new(),
            cycles: Vec::new(),
            cyclic: HashSet::new(),
            fmc_remarks: HashMap::new(),
            list_sizes: list_sizes(config),
        };
        for command in &config.commands {
            match &command.kind {
                CommandKind::NameAlias(alias) => {
                    builder.names.insert(alias.name.text.clone(), alias.address);
                }
                CommandKind::ObjectNetwork(object) => {
                    if !builder.claim(&object.name, "object network") {
                        continue;
                    }
                    let entry_is_new = !builder.networks.contains_key(&object.name.text);
                    let entry = builder
                        .networks
                        .entry(object.name.text.clone())
                        .or_insert_with(|| NetworkObject {
                            definition: None,
                            nat: None,
                        });
                    if let Some((definition, _)) = &object.definition {
                        entry.definition = Some(definition);
                    }
                    if let Some(nat) = &object.nat {
                        entry.nat = Some((nat, &object.name));
                    }
                    if entry_is_new {
                        builder.object_order.push(object.name.text.clone());
                    }
                }
                CommandKind::ObjectService(object) => {
                    if !builder.claim(&object.name, "object service") {
                        continue;
                    }
                    builder.services.insert(
                        object.name.text.clone(),
                        object.service.as_ref().map(|(s, _)| s),
                    );
                }
                CommandKind::ObjectGroup(group) => {
                    if !builder.claim(&group.name, "object-group") {
                        continue;
                    }
                    builder.groups.insert(group.name.text.clone(), group);
                }
                CommandKind::Interface(interface) => {
                    if let Some(i) = interface_model(interface, command.span) {
                        builder.interfaces.push(i);
                    }
                }
                _ => {}
            }
        }
        let names: Vec<String> = builder.networks.keys().cloned().collect();
        for name in names {
            let set = match builder.networks[&name].definition {
                Some(Address::Fqdn(host)) => {
                    let resolved = builder
                        .dns
                        .get(&host.trim_end_matches('.').to_ascii_lowercase())
                        .copied();
                    builder.extras.insert(
                        name.clone(),
                        Extras {
                            ipv6: Ipv6Part::None,
                            fqdn: vec![Fqdn {
                                object: name.clone(),
                                host: host.clone(),
                                resolved,
                            }],
                        },
                    );
                    resolved.map(addr::host).unwrap_or_default()
                }
                Some(definition) => {
                    let extras = builder.address_extras(definition);
                    if !extras.is_plain() {
                        builder.extras.insert(name.clone(), extras);
                    }
                    builder.literal_addresses(definition)
                }
                None => AddrSet::empty(),
            };
            builder.network_sets.insert(name, set);
        }
        builder
    }

    /// Records the first definition of a name; a later definition of another kind is
    /// refused, as the ASA refuses it.
    fn claim(&mut self, name: &Name, kind: &'static str) -> bool {
        match self.kinds.get(&name.text) {
            Some(first) if *first != kind => {
                self.redefined.push((name.span, name.text.clone(), first));
                false
            }
            Some(_) => true,
            None => {
                self.kinds.insert(name.text.clone(), kind);
                self.definitions.push((name.text.clone(), kind, name.span));
                true
            }
        }
    }

    /// Flattens every group, members before the groups that hold them, with an explicit
    /// stack (no recursion, so nesting depth is not limited by the call stack). A member
    /// that leads back to a group on the current path closes a cycle and contributes
    /// nothing.
    fn flatten_groups(&mut self, config: &'a Config) {
        for command in &config.commands {
            let CommandKind::ObjectGroup(group) = &command.kind else {
                continue;
            };
            let root = group.name.text.clone();
            if self.flat.contains_key(&root) || !self.groups.contains_key(&root) {
                continue;
            }
            let mut path: Vec<String> = Vec::new();
            let mut on_path: HashSet<String> = HashSet::new();
            let mut stack: Vec<(String, bool)> = vec![(root, false)];
            while let Some((name, expanded)) = stack.pop() {
                if expanded {
                    self.combine(&name);
                    on_path.remove(&name);
                    path.pop();
                    continue;
                }
                if self.flat.contains_key(&name) || on_path.contains(&name) {
                    continue;
                }
                let Some(group) = self.groups.get(name.as_str()).copied() else {
                    continue;
                };
                on_path.insert(name.clone());
                path.push(name.clone());
                stack.push((name.clone(), true));
                for (member, _) in group.members.iter().rev() {
                    let GroupMember::Group(n) = member else {
                        continue;
                    };
                    self.used.insert(n.text.clone());
                    if on_path.contains(&n.text) {
                        self.cycles.push((n.span, n.text.clone(), name.clone()));
                        let from = path.iter().position(|p| *p == n.text).unwrap_or_default();
                        self.cyclic.extend(path[from..].iter().cloned());
                    } else if !self.flat.contains_key(&n.text) && self.groups.contains_key(&n.text)
                    {
                        stack.push((n.text.clone(), false));
                    }
                }
            }
        }
        self.cycles.sort_by_key(|(span, ..)| *span);
    }

    /// Flattens one group whose member groups are flattened already (a member still
    /// unflattened is on a cycle and contributes nothing).
    fn combine(&mut self, name: &str) {
        let Some(group) = self.groups.get(name).copied() else {
            return;
        };
        // Member ranges are gathered and merged once: a group of thousands of members
        // costs one sort, not one merge per member.
        let mut addresses: Vec<(u32, u32)> = Vec::new();
        let mut services = Vec::new();
        let mut ports: Vec<(u32, u32)> = Vec::new();
        let mut protocols = Vec::new();
        let mut icmp = Vec::new();
        let mut extras = Extras::default();
        for (member, _) in &group.members {
            let more = match member {
                GroupMember::Address(a) => self.address_extras(a),
                GroupMember::Object(n) | GroupMember::Group(n) => {
                    self.extras.get(&n.text).cloned().unwrap_or_default()
                }
                _ => Extras::default(),
            };
            if !more.is_plain() {
                extras = extras.union(more);
            }
            match member {
                GroupMember::Address(a) => {
                    addresses.extend_from_slice(self.literal_addresses(a).ranges())
                }
                GroupMember::Object(n) => {
                    addresses.extend_from_slice(self.network_object(n).ranges())
                }
                GroupMember::Service(s) => services.extend(self.service(s)),
                GroupMember::ServiceObject(n) => services.extend(self.service_object(n)),
                GroupMember::Port(op) => {
                    let protocol = match group.group_type {
                        GroupType::Service(Some(p)) => p,
                        _ => Protocol::TcpUdp,
                    };
                    let set = port_op_set(op, protocol);
                    if matches!(group.group_type, GroupType::Service(None)) {
                        services.extend(port_services(Protocol::TcpUdp, any_port(), set));
                    } else {
                        ports.extend_from_slice(set.ranges());
                    }
                }
                GroupMember::Protocol(p) => protocols.push(protocol_number(*p)),
                GroupMember::IcmpType(t) => icmp.push(*t),
                GroupMember::Group(n) => match self.flat.get(&n.text).cloned() {
                    Some(Flat::Network(s)) => addresses.extend_from_slice(s.ranges()),
                    Some(Flat::Services(s)) => services.extend(s),
                    Some(Flat::Ports(s)) => ports.extend_from_slice(s.ranges()),
                    Some(Flat::Protocols(p)) => protocols.extend(p),
                    Some(Flat::IcmpTypes(t)) => icmp.extend(t),
                    None if !self.groups.contains_key(&n.text) => self.undefined(n, "object-group"),
                    None => {}
                },
            }
        }
        let flat = match group.group_type {
            GroupType::Network => Flat::Network(addresses.into_iter().collect()),
            GroupType::Service(Some(_)) => Flat::Ports(ports.into_iter().collect()),
            GroupType::Service(None) => Flat::Services(services),
            GroupType::Protocol => Flat::Protocols(protocols),
            GroupType::IcmpType => Flat::IcmpTypes(icmp),
        };
        self.flat.insert(name.to_string(), flat);
        if !extras.is_plain() {
            self.extras.insert(name.to_string(), extras);
        }
    }

    fn undefined(&mut self, name: &Name, kind: &'static str) {
        self.undefined.push(Undefined {
            kind,
            name: name.text.clone(),
            span: name.span,
        });
    }

    fn require_interface(&mut self, name: &Name) -> bool {
        let known = self
            .interfaces
            .iter()
            .any(|i| i.name.eq_ignore_ascii_case(&name.text));
        if !known && !name.text.eq_ignore_ascii_case("null0") {
            self.undefined(name, "interface");
        }
        known
    }

    /// An IPv4 `name` alias (an IPv6 one gives `None`: it holds no IPv4 address).
    fn alias(&mut self, name: &Name) -> Option<Ipv4Addr> {
        match self.names.get(&name.text).copied() {
            Some(std::net::IpAddr::V4(a)) => Some(a),
            Some(std::net::IpAddr::V6(_)) => None,
            None => {
                self.undefined(name, "name");
                None
            }
        }
    }

    /// The IPv6 and FQDN contents of an address as written (objects and groups by name).
    fn address_extras(&self, address: &Address) -> Extras {
        let ipv6 = |part| Extras {
            ipv6: part,
            fqdn: Vec::new(),
        };
        match address {
            Address::Any | Address::Any6 => ipv6(Ipv6Part::All),
            Address::Ipv6 => ipv6(Ipv6Part::Some),
            Address::HostAlias(n) | Address::SubnetAlias(n, _) => match self.names.get(&n.text) {
                Some(std::net::IpAddr::V6(_)) => ipv6(Ipv6Part::Some),
                _ => Extras::default(),
            },
            // Most configs have no IPv6 or FQDN object: no lookup then.
            Address::Object(n) | Address::Group(n) if !self.extras.is_empty() => {
                self.extras.get(&n.text).cloned().unwrap_or_default()
            }
            _ => Extras::default(),
        }
    }

    /// The contents of a NAT address slot beyond IPv4.
    fn slot_extras(&self, slot: &NatMapped) -> Extras {
        match slot {
            NatMapped::Named(n) | NatMapped::PatPool(n) => {
                self.extras.get(&n.text).cloned().unwrap_or_default()
            }
            NatMapped::Ipv6 => Extras {
                ipv6: Ipv6Part::Some,
                fqdn: Vec::new(),
            },
            _ => Extras::default(),
        }
    }

    /// Addresses written without a reference to an object or group.
    fn literal_addresses(&mut self, address: &Address) -> AddrSet {
        match address {
            Address::Any | Address::Any4 => any_address(),
            Address::Any6 | Address::Ipv6 | Address::Fqdn(_) => AddrSet::empty(),
            Address::Host(a) => addr::host(*a),
            Address::HostAlias(n) => self.alias(n).map(addr::host).unwrap_or_default(),
            Address::Subnet(a, len) => addr::subnet(*a, *len),
            Address::SubnetAlias(n, len) => self
                .alias(n)
                .filter(|_| *len <= 32)
                .map(|a| addr::subnet(a, *len))
                .unwrap_or_default(),
            Address::Range(a, b) => IntervalSet::range(u32::from(*a), u32::from(*b)),
            Address::Object(n) => self.network_object(n),
            Address::Group(n) => self.network_group(n),
            Address::Interface(n) => {
                self.require_interface(n);
                self.interfaces
                    .iter()
                    .find(|i| i.name.eq_ignore_ascii_case(&n.text))
                    .and_then(|i| i.address)
                    .map(addr::host)
                    .unwrap_or_default()
            }
        }
    }

    fn network_object(&mut self, name: &Name) -> AddrSet {
        match self.network_sets.get(&name.text) {
            Some(set) => {
                self.used.insert(name.text.clone());
                set.clone()
            }
            None => {
                self.undefined(name, "object");
                AddrSet::empty()
            }
        }
    }

    fn network_group(&mut self, name: &Name) -> AddrSet {
        self.used.insert(name.text.clone());
        match self.flat.get(&name.text) {
            Some(Flat::Network(set)) => set.clone(),
            Some(_) => AddrSet::empty(),
            None if self.groups.contains_key(&name.text) => AddrSet::empty(),
            None => {
                self.undefined(name, "object-group");
                AddrSet::empty()
            }
        }
    }

    /// An object or a group, as NAT's address slots allow either.
    fn object_or_group(&mut self, name: &Name) -> AddrSet {
        self.used.insert(name.text.clone());
        if self.network_sets.contains_key(&name.text) {
            self.network_sets[&name.text].clone()
        } else if self.groups.contains_key(&name.text) {
            self.network_group(name)
        } else {
            self.undefined(name, "object or object-group");
            AddrSet::empty()
        }
    }

    fn service_object(&mut self, name: &Name) -> Vec<Service> {
        self.used.insert(name.text.clone());
        match self.services.get(&name.text) {
            Some(Some(service)) => self.service(service),
            Some(None) => Vec::new(),
            None => {
                self.undefined(name, "object service");
                Vec::new()
            }
        }
    }

    fn service(&mut self, service: &ast::Service) -> Vec<Service> {
        match service {
            ast::Service::Icmp {
                protocol,
                icmp_type,
                code,
            } => vec![Service {
                icmp_type: *icmp_type,
                icmp_code: *code,
                ..Service::protocol(Some(*protocol))
            }],
            ast::Service::Ports {
                protocol,
                source,
                destination,
            } => {
                let source = self.port_spec(source.as_ref(), *protocol);
                let destination = self.port_spec(destination.as_ref(), *protocol);
                port_services(*protocol, source, destination)
            }
        }
    }

    fn port_spec(&mut self, spec: Option<&PortSpec>, protocol: Protocol) -> PortSet {
        match spec {
            None => any_port(),
            Some(PortSpec::Op(op, _)) => port_op_set(op, protocol),
            Some(PortSpec::Group(name)) => match self.use_group(name) {
                Some(Flat::Ports(set)) => set,
                Some(_) => PortSet::empty(),
                None => {
                    self.undefined(name, "object-group");
                    PortSet::empty()
                }
            },
        }
    }

    fn access_list(&mut self, firewall: &mut Firewall, list: &ast::AccessList, span: Span) {
        let acl = firewall
            .acls
            .entry(list.name.text.clone())
            .or_insert_with(|| Acl {
                name: list.name.text.clone(),
                span,
                entries: Vec::with_capacity(
                    self.list_sizes.get(&list.name.text).copied().unwrap_or(0),
                ),
                extended: false,
            });
        let ace = match &list.entry {
            AclEntry::Extended(ace) => ace,
            AclEntry::Remark(text) => {
                if let Some((id, part)) = super::ftd::parse_remark(text) {
                    self.fmc_remarks
                        .entry((list.name.text.clone(), id))
                        .or_default()
                        .push((part, span));
                }
                return;
            }
            _ => return,
        };
        acl.extended = true;
        let undefined_before = self.undefined.len();
        let mut services = self.ace_services(ace);
        // Most entries have one service; kept at the capacity pushing left (four), the
        // services of 100,000 entries would take four times the memory they need.
        services.shrink_to_fit();
        let source = self.literal_addresses(&ace.source);
        let destination = self.literal_addresses(&ace.destination);
        let unresolved = self.undefined.len() > undefined_before || self.names_cyclic(ace);
        let (from, to) = (
            self.address_extras(&ace.source),
            self.address_extras(&ace.destination),
        );
        let ipv6 = Ipv6Part::entry(from.ipv6, to.ipv6);
        acl.entries.push(Ace {
            action: ace.action,
            services,
            source,
            destination,
            span,
            inactive: ace.inactive,
            unresolved,
            fqdn: from.union(to).fqdn,
            time_range: ace.time_range.as_ref().map(|n| n.text.clone()),
            ipv6,
            source_interface: ace.ftd().source_interface.as_ref().map(|n| n.text.clone()),
            destination_interface: ace
                .ftd()
                .destination_interface
                .as_ref()
                .map(|n| n.text.clone()),
            fmc: ace.ftd().rule_id.map(|id| {
                let remarks = self.fmc_remarks.get(&(list.name.text.clone(), id));
                let mut rule = super::ftd::rule_from_remarks(
                    id,
                    ace.ftd().trust,
                    remarks.map_or(&[], Vec::as_slice),
                );
                rule.fdm = super::ftd::is_fdm_acl(&list.name.text);
                rule
            }),
        });
    }

    /// A flattened group named at a use, which counts as using it.
    fn use_group(&mut self, name: &Name) -> Option<Flat> {
        self.used.insert(name.text.clone());
        self.flat.get(&name.text).cloned()
    }

    /// Whether an ACE names a group that is part of a cycle.
    fn names_cyclic(&self, ace: &ast::Ace) -> bool {
        let group = |a: &Address| matches!(a, Address::Group(n) if self.cyclic.contains(&n.text));
        let protocol =
            matches!(&ace.protocol, AceProtocol::Group(n) if self.cyclic.contains(&n.text));
        protocol || group(&ace.source) || group(&ace.destination)
    }

    /// What an ACE's protocol, port and ICMP slots match together.
    fn ace_services(&mut self, ace: &ast::Ace) -> Vec<Service> {
        let protocols: Vec<Option<u8>> = match &ace.protocol {
            AceProtocol::Protocol(p) => vec![protocol_number(*p)],
            AceProtocol::ServiceObject(name) => return self.service_object(name),
            AceProtocol::Group(name) => match self.use_group(name) {
                Some(Flat::Services(services)) => return services,
                Some(Flat::Protocols(protocols)) => protocols,
                Some(_) => return Vec::new(),
                None => {
                    self.undefined(name, "object-group");
                    return Vec::new();
                }
            },
        };
        let mut services = Vec::new();
        for protocol in protocols {
            let mut service = Service::protocol(protocol);
            if let Some(p @ (6 | 17 | 132)) = protocol {
                service.source = self.port_spec(ace.source_port.as_ref(), Protocol::Number(p));
                service.destination =
                    self.port_spec(ace.destination_port.as_ref(), Protocol::Number(p));
            }
            match &ace.icmp {
                Some(AceIcmp::Type(t, c)) => {
                    service.icmp_type = Some(*t);
                    service.icmp_code = *c;
                    services.push(service);
                }
                Some(AceIcmp::Group(name)) => match self.use_group(name) {
                    Some(Flat::IcmpTypes(types)) => {
                        services.extend(types.into_iter().map(|t| Service {
                            icmp_type: Some(t),
                            ..service.clone()
                        }))
                    }
                    _ => self.undefined(name, "object-group"),
                },
                None => services.push(service),
            }
        }
        services
    }

    fn access_group(&mut self, firewall: &mut Firewall, group: &ast::AccessGroup, span: Span) {
        if !firewall.acls.contains_key(&group.acl.text) {
            self.undefined(&group.acl, "access-list");
        }
        let binding = Binding {
            acl: group.acl.text.clone(),
            span,
        };
        match &group.binding {
            AclBinding::In(ifc) => {
                if self.require_interface(ifc) {
                    firewall
                        .inbound
                        .insert(ifc.text.to_ascii_lowercase(), binding);
                }
            }
            AclBinding::Out(ifc) => {
                if self.require_interface(ifc) {
                    firewall
                        .outbound
                        .insert(ifc.text.to_ascii_lowercase(), binding);
                }
            }
            AclBinding::Global => firewall.global = Some(binding),
        }
    }

    fn nat_interface(&mut self, name: &Option<Name>) -> Option<String> {
        let name = name.as_ref()?;
        self.require_interface(name);
        Some(name.text.clone())
    }

    /// A twice NAT address slot.
    fn nat_addresses(&mut self, slot: &NatMapped) -> AddrSet {
        match slot {
            NatMapped::Any => any_address(),
            NatMapped::Named(name) => self.object_or_group(name),
            NatMapped::Address(a) => addr::host(*a),
            NatMapped::Interface | NatMapped::PatPool(_) | NatMapped::Ipv6 => AddrSet::empty(),
        }
    }

    fn mapped(&mut self, slot: &NatMapped, real: &AddrSet) -> Mapped {
        match slot {
            NatMapped::Interface => Mapped::Interface,
            NatMapped::PatPool(name) => Mapped::PatPool(self.object_or_group(name)),
            NatMapped::Address(a) => Mapped::Addresses(inline_block(*a, real)),
            NatMapped::Any => Mapped::Addresses(real.clone()),
            NatMapped::Named(_) | NatMapped::Ipv6 => Mapped::Addresses(self.nat_addresses(slot)),
        }
    }

    fn twice_nat(&mut self, nat: &ast::Nat, span: Span) -> NatRule {
        let real_interface = self.nat_interface(&nat.interfaces.real);
        let mapped_interface = self.nat_interface(&nat.interfaces.mapped);
        let real_source = self.nat_addresses(&nat.real_source);
        let mapped_source = self.mapped(&nat.mapped_source, &real_source);
        let destination = nat.destination.as_ref().map(|(mapped, real)| {
            let real = self.nat_addresses(real);
            let mapped = match mapped {
                NatMapped::Interface => MappedDestination::Interface,
                NatMapped::Any => MappedDestination::Addresses(real.clone()),
                other => MappedDestination::Addresses(self.nat_addresses(other)),
            };
            (mapped, real)
        });
        let ports = nat.service.as_ref().map(|(original, translated)| {
            let original = self.service_object(original);
            let translated = self.service_object(translated);
            twice_ports(&original, &translated)
        });
        let mut extras = self
            .slot_extras(&nat.real_source)
            .union(self.slot_extras(&nat.mapped_source));
        if let Some((mapped, real)) = &nat.destination {
            extras = extras
                .union(self.slot_extras(mapped))
                .union(self.slot_extras(real));
        }
        NatRule {
            span,
            object: None,
            section: if matches!(nat.section, NatSection::AfterAuto(_)) {
                3
            } else {
                1
            },
            real_interface,
            mapped_interface,
            kind: nat.kind,
            real_source,
            mapped_source,
            interface_fallback: nat.interface_fallback,
            destination,
            ports,
            unidirectional: nat.options.unidirectional,
            route_lookup: nat.options.route_lookup,
            ipv6: extras.ipv6 != Ipv6Part::None,
            fqdn: extras.fqdn,
        }
    }

    /// Object NAT rules with their section-2 sort keys (real size, first real address).
    fn object_nat_rules(&mut self) -> Vec<(NatRule, u64, u32)> {
        let mut rules = Vec::new();
        for name in self.object_order.clone() {
            let Some((nat, _)) = self.networks[&name].nat else {
                continue;
            };
            if nat.options.inactive {
                continue;
            }
            let real_source = self.network_sets[&name].clone();
            let real_interface = self.nat_interface(&nat.interfaces.real);
            let mapped_interface = self.nat_interface(&nat.interfaces.mapped);
            let mapped_source = self.mapped(&nat.mapped, &real_source);
            let ports = nat.service.as_ref().map(|(protocol, real, mapped)| {
                let p = Protocol::Number(*protocol);
                PortTranslation {
                    protocols: vec![*protocol],
                    source: Some((port_set(real, p), port_set(mapped, p))),
                    destination: None,
                }
            });
            let (size, first) = (real_source.size(), real_source.first().unwrap_or(0));
            let extras = self
                .extras
                .get(&name)
                .cloned()
                .unwrap_or_default()
                .union(self.slot_extras(&nat.mapped));
            rules.push((
                NatRule {
                    span: nat.span,
                    object: Some(name),
                    section: 2,
                    real_interface,
                    mapped_interface,
                    kind: nat.kind,
                    real_source,
                    mapped_source,
                    interface_fallback: nat.interface_fallback,
                    destination: None,
                    ports,
                    unidirectional: nat.options.unidirectional,
                    route_lookup: nat.options.route_lookup,
                    ipv6: extras.ipv6 != Ipv6Part::None,
                    fqdn: extras.fqdn,
                },
                size,
                first,
            ));
        }
        rules
    }
}

fn interface_model(interface: &ast::Interface, span: Span) -> Option<Interface> {
    let nameif = interface.nameif.as_ref()?;
    let (address, prefix, standby) = match &interface.address {
        Some(ast::InterfaceAddress::Static {
            address,
            prefix,
            standby,
            ..
        }) => (Some(*address), *prefix, *standby),
        _ => (None, 32, None),
    };
    let default_level = if nameif.text.eq_ignore_ascii_case("inside") {
        100
    } else {
        0
    };
    Some(Interface {
        name: nameif.text.clone(),
        hardware: interface.hardware.clone(),
        level: interface.security_level.map_or(default_level, |(l, _)| l),
        address,
        prefix,
        standby,
        span,
        shutdown: interface.shutdown,
        management_only: interface.management_only,
    })
}

/// The mapped block of an inline mapped address: the same size as the real set,
/// aligned like it (a subnet maps to the subnet of the same length holding `mapped`).
fn inline_block(mapped: Ipv4Addr, real: &AddrSet) -> AddrSet {
    let size = real.size();
    if size <= 1 {
        return addr::host(mapped);
    }
    let aligned = size.is_power_of_two()
        && real.ranges().len() == 1
        && u64::from(real.ranges()[0].0) % size == 0;
    if aligned {
        addr::subnet(mapped, 32 - size.trailing_zeros() as u8)
    } else {
        let start = u64::from(u32::from(mapped));
        IntervalSet::range(
            start as u32,
            (start + size - 1).min(u64::from(u32::MAX)) as u32,
        )
    }
}

fn protocol_number(protocol: Protocol) -> Option<u8> {
    match protocol {
        Protocol::Ip => None,
        Protocol::Number(n) => Some(n),
        Protocol::TcpUdp => Some(6),
    }
}

/// Services for a port protocol; `tcp-udp` gives one per protocol.
fn port_services(protocol: Protocol, source: PortSet, destination: PortSet) -> Vec<Service> {
    let protocols: Vec<Option<u8>> = match protocol {
        Protocol::TcpUdp => vec![Some(6), Some(17)],
        other => vec![protocol_number(other)],
    };
    protocols
        .into_iter()
        .map(|p| Service {
            source: source.clone(),
            destination: destination.clone(),
            ..Service::protocol(p)
        })
        .collect()
}

/// A port number; a name resolves for the protocol (for `tcp-udp`, TCP first).
fn port_number(port: &Port, protocol: Protocol) -> Option<u16> {
    match port {
        Port::Number(n) => Some(*n),
        Port::Named(name) => match protocol {
            Protocol::Number(p) => named_port(name, p)
                .or_else(|| named_port(name, 6))
                .or_else(|| named_port(name, 17)),
            _ => named_port(name, 6).or_else(|| named_port(name, 17)),
        },
    }
}

fn port_set(port: &Port, protocol: Protocol) -> PortSet {
    port_number(port, protocol)
        .map(|p| PortSet::single(u32::from(p)))
        .unwrap_or_default()
}

/// The ports a port operator matches (`lt`/`gt` strict, `range` inclusive).
pub fn port_op_set(op: &PortOp, protocol: Protocol) -> PortSet {
    let n = |p: &Port| port_number(p, protocol).map(u32::from);
    match op {
        PortOp::Eq(p) => n(p).map(PortSet::single).unwrap_or_default(),
        PortOp::Neq(p) => n(p)
            .map(|p| below(p).union(&PortSet::range(p + 1, 65535)))
            .unwrap_or_default(),
        PortOp::Lt(p) => n(p).map(below).unwrap_or_default(),
        PortOp::Gt(p) => n(p)
            .map(|p| PortSet::range(p + 1, 65535))
            .unwrap_or_default(),
        PortOp::Range(a, b) => match (n(a), n(b)) {
            (Some(a), Some(b)) => PortSet::range(a, b),
            _ => PortSet::empty(),
        },
    }
}

/// The ports strictly below `port`.
fn below(port: u32) -> PortSet {
    match port {
        0 => PortSet::empty(),
        p => PortSet::range(0, p - 1),
    }
}

/// The port translation of `service ORIGINAL TRANSLATED` (twice NAT).
fn twice_ports(original: &[Service], translated: &[Service]) -> PortTranslation {
    let protocols: Vec<u8> = original.iter().filter_map(|s| s.protocol).collect();
    let pick = |services: &[Service], side: fn(&Service) -> &PortSet| {
        services.first().map(side).cloned().unwrap_or_else(any_port)
    };
    let differs = |set: &PortSet| *set != any_port();
    let source_original = pick(original, |s| &s.source);
    let destination_original = pick(original, |s| &s.destination);
    PortTranslation {
        protocols,
        source: differs(&source_original)
            .then(|| (source_original, pick(translated, |s| &s.source))),
        destination: differs(&destination_original)
            .then(|| (destination_original, pick(translated, |s| &s.destination))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_config;

    fn model(text: &str) -> Firewall {
        let parsed = parse_config(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        build(&parsed.config)
    }

    #[test]
    fn nested_groups_flatten_and_cycles_end() {
        let fw = model(
            "object network H\n host 10.0.0.1\nobject-group network A\n network-object object H\n group-object B\nobject-group network B\n network-object 10.1.0.0 255.255.0.0\n group-object A\naccess-list X extended permit ip object-group A any\n",
        );
        let ace = &fw.acls["X"].entries[0];
        assert!(ace.source.contains(u32::from(Ipv4Addr::new(10, 0, 0, 1))));
        assert!(ace.source.contains(u32::from(Ipv4Addr::new(10, 1, 2, 3))));
        assert!(fw.undefined.is_empty());
    }

    #[test]
    fn undefined_references_point_at_the_use() {
        let text = "access-list X extended permit ip object NOPE any\naccess-group Y in interface inside\n";
        let fw = model(text);
        let found: Vec<(&str, &str)> = fw
            .undefined
            .iter()
            .map(|u| (u.kind, &text[u.span.start..u.span.end]))
            .collect();
        assert_eq!(
            found,
            [
                ("object", "NOPE"),
                ("access-list", "Y"),
                ("interface", "inside")
            ]
        );
    }

    #[test]
    fn nat_table_order() {
        let fw = model(
            "interface G0\n nameif inside\n ip address 10.0.0.1 255.255.255.0\ninterface G1\n nameif outside\n security-level 0\n ip address 64.100.0.1 255.255.255.0\nobject network NET\n subnet 10.0.0.0 255.255.255.0\nobject network B-HOST\n host 10.0.0.5\nobject network A-HOST\n host 10.0.0.5\nobject network LOW\n host 10.0.0.4\nobject network NET\n nat (inside,outside) dynamic interface\nobject network B-HOST\n nat (inside,outside) static 64.100.0.5\nobject network A-HOST\n nat (inside,outside) static 64.100.0.6\nobject network LOW\n nat (inside,outside) dynamic 64.100.0.9\nnat (inside,outside) after-auto source dynamic any interface\nnat (inside,outside) source static NET NET\nnat (inside,outside) 1 source static LOW LOW\n",
        );
        let order: Vec<String> = fw
            .nat
            .iter()
            .map(|r| r.object.clone().unwrap_or(format!("twice{}", r.section)))
            .collect();
        assert_eq!(
            order,
            ["twice1", "twice1", "A-HOST", "B-HOST", "LOW", "NET", "twice3"]
        );
        assert!(fw.nat[0].real_source.size() == 1, "line 1 inserted first");
        assert_eq!(fw.interface("INSIDE").unwrap().level, 100);
    }

    #[test]
    fn inline_mapped_blocks_keep_the_prefix() {
        let real = addr::subnet(Ipv4Addr::new(4, 4, 4, 0), 24);
        assert_eq!(
            addr::describe(&inline_block(Ipv4Addr::new(192, 168, 4, 111), &real)),
            "192.168.4.0/24"
        );
        let range = IntervalSet::range(10, 14);
        assert_eq!(
            inline_block(Ipv4Addr::from(100), &range),
            IntervalSet::range(100, 104)
        );
    }

    #[test]
    fn port_operators() {
        let p = |op: PortOp| port_op_set(&op, Protocol::Number(6));
        assert_eq!(p(PortOp::Lt(Port::Number(1024))), PortSet::range(0, 1023));
        assert_eq!(
            p(PortOp::Gt(Port::Number(1023))),
            PortSet::range(1024, 65535)
        );
        assert_eq!(p(PortOp::Neq(Port::Named("www".into()))).size(), 65535);
        assert!(p(PortOp::Range(Port::Number(10), Port::Number(5))).is_empty());
        assert_eq!(p(PortOp::Lt(Port::Number(0))), PortSet::empty());
    }
}
