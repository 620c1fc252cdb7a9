//! Writes realistic large ASA configurations, deterministically from a seed: interfaces,
//! routes, thousands of objects and nested object-groups, ACEs mixing hosts, subnets,
//! groups and ports across several bound access lists, and hundreds of NAT rules; plus a
//! deployment that places an MRA pair (Expressway-C on inside, a single-NIC Expressway-E
//! with static NAT on the DMZ) on it.

use std::fmt::Write;

/// xorshift64*: small, fast, and the same numbers on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const PORTS: &[&str] = &[
    "22", "80", "443", "8443", "5061", "5222", "7001", "2222", "3478", "25", "53", "123", "389",
    "636", "www", "https", "ssh", "domain",
];

fn host(rng: &mut Rng) -> String {
    format!(
        "10.{}.{}.{}",
        40 + rng.below(150),
        rng.below(256),
        1 + rng.below(254)
    )
}

fn subnet(rng: &mut Rng) -> String {
    format!(
        "10.{}.{}.0 255.255.255.0",
        40 + rng.below(150),
        rng.below(256)
    )
}

/// A configuration with about `aces` access-list entries.
pub fn config(aces: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(aces * 90);
    let objects = (aces / 10).max(20);
    let groups = (aces / 50).max(5);
    let acls = (aces / 5000).clamp(2, 40);
    out.push_str("ASA Version 9.16(4)\n!\nhostname asa-bench\nnames\n!\n");
    let interfaces = [
        ("outside", 0, "64.100.0.2 255.255.255.0"),
        ("inside", 100, "10.0.30.1 255.255.255.0"),
        ("dmz", 50, "10.0.10.1 255.255.255.0"),
    ];
    for (i, (name, level, address)) in interfaces.iter().enumerate() {
        let _ = write!(out, "interface GigabitEthernet0/{i}\n nameif {name}\n security-level {level}\n ip address {address}\n!\n");
    }
    for v in 0..12 {
        let _ = write!(out, "interface GigabitEthernet1/0.{}\n vlan {}\n nameif vlan{v}\n security-level {}\n ip address 10.{}.0.1 255.255.0.0\n!\n", 100 + v, 100 + v, 20 + v, 40 + v * 12);
    }
    let _ = writeln!(out, "object network EXPC\n host 10.0.30.2\nobject network EXPE\n host 10.0.10.2\nobject network EXPE-PUBLIC\n host 64.100.0.10\nobject network INSIDE-NET\n subnet 10.0.30.0 255.255.255.0");
    for i in 0..objects {
        let kind = i % 10;
        let _ = if kind < 6 {
            writeln!(out, "object network H{i}\n host {}", host(&mut rng))
        } else if kind < 9 {
            writeln!(out, "object network N{i}\n subnet {}", subnet(&mut rng))
        } else {
            let a = 1 + rng.below(200);
            writeln!(
                out,
                "object network R{i}\n range 10.{}.0.{a} 10.{}.0.{}",
                40 + i % 150,
                40 + i % 150,
                a + 1 + rng.below(50)
            )
        };
    }
    let object_name = |i: usize| match i % 10 {
        0..=5 => format!("H{i}"),
        6..=8 => format!("N{i}"),
        _ => format!("R{i}"),
    };
    for g in 0..groups {
        let _ = writeln!(out, "object-group network G{g}");
        for _ in 0..(3 + rng.below(15)) {
            let _ = match rng.below(4) {
                0 => writeln!(out, " network-object host {}", host(&mut rng)),
                1 => writeln!(out, " network-object {}", subnet(&mut rng)),
                _ => writeln!(
                    out,
                    " network-object object {}",
                    object_name(rng.below(objects as u64) as usize)
                ),
            };
        }
        if g >= 10 && rng.below(3) == 0 {
            let _ = writeln!(out, " group-object G{}", rng.below(g as u64 - 1));
        }
    }
    for g in 0..(groups / 4).max(2) {
        let _ = writeln!(out, "object-group service S{g} tcp");
        for _ in 0..(1 + rng.below(6)) {
            let _ = writeln!(out, " port-object eq {}", rng.pick(PORTS));
        }
    }
    let per_acl = aces / acls;
    for a in 0..acls {
        let name = format!("ACL{a}_in");
        let _ = writeln!(out, "access-list {name} remark generated list {a}");
        for _ in 0..per_acl {
            let action = if rng.below(10) == 0 { "deny" } else { "permit" };
            let source = match rng.below(10) {
                0..=3 => format!("host {}", host(&mut rng)),
                4..=5 => subnet(&mut rng),
                6..=7 => format!("object {}", object_name(rng.below(objects as u64) as usize)),
                8 => format!("object-group G{}", rng.below(groups as u64)),
                _ if rng.below(3) == 0 => "any4".to_string(),
                _ => format!("host {}", host(&mut rng)),
            };
            let destination = match rng.below(20) {
                0..=8 => format!("host {}", host(&mut rng)),
                9..=12 => subnet(&mut rng),
                13..=16 => format!("object {}", object_name(rng.below(objects as u64) as usize)),
                17..=18 => format!("object-group G{}", rng.below(groups as u64)),
                _ if rng.below(5) == 0 => "any".to_string(),
                _ => format!("host {}", host(&mut rng)),
            };
            let port = if rng.below(2) == 0 {
                rng.pick(PORTS).to_string()
            } else {
                (1024 + rng.below(64_000)).to_string()
            };
            let _ = match rng.below(10) {
                0..=5 => writeln!(out, "access-list {name} extended {action} tcp {source} {destination} eq {port}"),
                6 => writeln!(out, "access-list {name} extended {action} udp {source} {destination} range {} {}", 1024 + rng.below(1000), 3000 + rng.below(1000)),
                7 => writeln!(out, "access-list {name} extended {action} tcp {source} {destination} object-group S{}", rng.below((groups / 4).max(2) as u64)),
                8 => writeln!(out, "access-list {name} extended {action} icmp {source} {destination} echo"),
                _ => writeln!(out, "access-list {name} extended {action} ip {source} {destination} log"),
            };
        }
        let interface = match a {
            0 => "inside".to_string(),
            1 => "outside".to_string(),
            2 => "dmz".to_string(),
            n => format!("vlan{}", (n - 3) % 12),
        };
        if a < 15 {
            let _ = writeln!(out, "access-group {name} in interface {interface}");
        }
    }
    // MRA: C reaches E's LAN1 and the internet reaches E's public address.
    let _ = writeln!(
        out,
        "access-list ACL0_in line 1 extended permit tcp object EXPC object EXPE eq 7001"
    );
    let _ = writeln!(
        out,
        "access-list ACL1_in line 1 extended permit tcp any object EXPE eq 5061"
    );
    out.push_str("nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\n");
    for t in 0..(aces / 2000).clamp(10, 60) {
        let _ = writeln!(
            out,
            "nat (vlan{},outside) source dynamic N{} interface",
            t % 12,
            (t * 10 + 6) % objects.max(7)
        );
    }
    for i in 0..(aces / 500).clamp(50, 300) {
        let _ = writeln!(
            out,
            "object network S-NAT{i}\n host 10.{}.{}.{}\n nat (vlan{},outside) static 64.101.{}.{}",
            40 + (i % 12) * 12,
            rng.below(256),
            1 + rng.below(254),
            i % 12,
            i / 250,
            i % 250 + 1
        );
    }
    out.push_str("object network EXPE\n nat (dmz,outside) static 64.100.0.10\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\n");
    out.push_str("same-security-traffic permit intra-interface\n");
    out.push_str("route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\n");
    for r in 0..50 {
        let _ = writeln!(
            out,
            "route inside 172.{}.{}.0 255.255.255.0 10.0.30.254 1",
            16 + r % 16,
            r
        );
    }
    out.push_str("timeout conn 2:00:00 half-closed 0:10:00 udp 0:02:00\n");
    out.push_str("class-map inspection_default\n match default-inspection-traffic\npolicy-map global_policy\n class inspection_default\n  inspect dns preset_dns_map\n  inspect ftp\nservice-policy global_policy global\n");
    out
}

/// The deployment that places an MRA pair on the generated firewall.
pub fn deployment(config_file: &str) -> String {
    format!(
        "version: 1\nfirewalls:\n  - name: asa-bench\n    config: {config_file}\ndns:\n  expe.example.com: 64.100.0.10\nexpressway_c:\n  nodes:\n    - name: expc1\n      address: 10.0.30.2\nexpressway_e:\n  nic: single\n  size: large\n  nodes:\n    - name: expe1\n      lan1: 10.0.10.2/24\n      static_nat: 64.100.0.10\n      gateway: 10.0.10.1\ntraversal_zones:\n  - name: UCTraversal\n    type: unified-communications\n    port: 7001\n    peers: [expe.example.com]\nservices:\n  im_presence: true\n  turn: true\ninternet_client: 198.51.100.7\n"
    )
}

/// The shapes of configuration the benchmark measures (each at any size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// (a) many bound lists, destinations spread over 150 /16s ([`config`]).
    Spread,
    /// (b) one list of host/port entries, every destination in a single /16.
    OneSixteen,
    /// (c) about 20 lists, objects and hosts packed in 20 /16s, nested groups, port groups,
    /// 10 % deny, some `any` sources and destinations.
    Enterprise,
    /// (d) one object NAT rule per five entries and one twice NAT rule per fifty.
    NatHeavy,
    /// (e) one entry in twenty a duplicate of an earlier one: thousands of findings.
    Findings,
    /// (f) a (a)-shaped config named by 50 deployments.
    SharedConfig,
}

impl Shape {
    pub const ALL: [Shape; 6] = [
        Shape::Spread,
        Shape::OneSixteen,
        Shape::Enterprise,
        Shape::NatHeavy,
        Shape::Findings,
        Shape::SharedConfig,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Spread => "a-spread",
            Shape::OneSixteen => "b-one-16",
            Shape::Enterprise => "c-enterprise",
            Shape::NatHeavy => "d-nat-heavy",
            Shape::Findings => "e-findings",
            Shape::SharedConfig => "f-shared-config",
        }
    }

    pub fn parse(name: &str) -> Option<Shape> {
        Shape::ALL
            .into_iter()
            .find(|s| s.name() == name || s.name().starts_with(&format!("{name}-")))
    }

    /// The configuration of this shape with about `aces` entries.
    pub fn config(self, aces: usize, seed: u64) -> String {
        match self {
            Shape::Spread | Shape::SharedConfig => config(aces, seed),
            Shape::OneSixteen => one_sixteen(aces, seed, 0),
            Shape::Findings => one_sixteen(aces, seed, 20),
            Shape::Enterprise => enterprise(aces, seed),
            Shape::NatHeavy => nat_heavy(aces, seed),
        }
    }

    /// How many deployments name the config.
    pub fn deployments(self) -> usize {
        if self == Shape::SharedConfig {
            50
        } else {
            1
        }
    }
}

/// The interfaces, the MRA pair's objects and rules, and the routes every shape shares.
fn skeleton(out: &mut String) {
    out.push_str("ASA Version 9.16(4)\n!\nhostname asa-bench\n!\n");
    let interfaces = [
        ("outside", 0, "64.100.0.2 255.255.255.0"),
        ("inside", 100, "10.0.30.1 255.255.255.0"),
        ("dmz", 50, "10.0.10.1 255.255.255.0"),
    ];
    for (i, (name, level, address)) in interfaces.iter().enumerate() {
        let _ = write!(out, "interface GigabitEthernet0/{i}\n nameif {name}\n security-level {level}\n ip address {address}\n!\n");
    }
    out.push_str("object network EXPC\n host 10.0.30.2\nobject network EXPE\n host 10.0.10.2\nobject network EXPE-PUBLIC\n host 64.100.0.10\nobject network INSIDE-NET\n subnet 10.0.30.0 255.255.255.0\n");
    out.push_str("access-list MRA_in extended permit tcp object EXPC object EXPE eq 7001\n");
    out.push_str("access-list MRA_in extended permit tcp object EXPC object EXPE eq 2222\n");
    out.push_str("access-list MRA_in extended permit tcp object EXPC object EXPE eq 7400\n");
    out.push_str(
        "access-list MRA_in extended permit udp object EXPC object EXPE range 36000 36011\n",
    );
    out.push_str("access-list MRA_in extended permit ip any any\n");
    out.push_str("access-group MRA_in in interface inside\n");
    out.push_str("nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\n");
}

fn skeleton_tail(out: &mut String) {
    out.push_str("object network EXPE\n nat (dmz,outside) static 64.100.0.10\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\n");
    out.push_str("same-security-traffic permit intra-interface\n");
    out.push_str("route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\n");
    out.push_str("timeout conn 2:00:00 half-closed 0:10:00 udp 0:02:00\n");
}

/// (b) and (e): one list of `permit tcp any host 10.20.X.Y eq P`, 10 % deny; with
/// `duplicate_every` > 0, every such entry repeats an earlier one.
fn one_sixteen(aces: usize, seed: u64, duplicate_every: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(aces * 70);
    skeleton(&mut out);
    let mut lines: Vec<String> = Vec::with_capacity(aces);
    for i in 0..aces {
        if duplicate_every > 0 && i > 0 && i % duplicate_every == 0 {
            let earlier = lines[rng.below(i as u64) as usize].clone();
            lines.push(earlier);
            continue;
        }
        let action = if rng.below(10) == 0 { "deny" } else { "permit" };
        lines.push(format!(
            "access-list OUTSIDE_in extended {action} tcp any host 10.20.{}.{} eq {}",
            rng.below(256),
            1 + rng.below(254),
            rng.pick(PORTS)
        ));
    }
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("access-list OUTSIDE_in extended permit tcp any object EXPE eq 5061\n");
    out.push_str("access-group OUTSIDE_in in interface outside\n");
    skeleton_tail(&mut out);
    out
}

/// (c): the realistic enterprise shape.
fn enterprise(aces: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(aces * 100);
    skeleton(&mut out);
    // 20 /16s the site's hosts live in.
    let sixteens: Vec<u64> = (0..20).map(|k| 40 + k * 7).collect();
    let pick_host = |rng: &mut Rng| {
        let s = sixteens[rng.below(20) as usize];
        format!("10.{s}.{}.{}", rng.below(64), 1 + rng.below(254))
    };
    let objects = (aces / 10).max(20);
    let groups = (aces / 50).max(10);
    for i in 0..objects {
        let _ = if i % 5 < 4 {
            writeln!(out, "object network O{i}\n host {}", pick_host(&mut rng))
        } else {
            let s = sixteens[rng.below(20) as usize];
            writeln!(
                out,
                "object network O{i}\n subnet 10.{s}.{}.0 255.255.255.0",
                rng.below(64)
            )
        };
    }
    for g in 0..groups {
        let _ = writeln!(out, "object-group network G{g}");
        for _ in 0..(2 + rng.below(10)) {
            let _ = match rng.below(3) {
                0 => writeln!(out, " network-object host {}", pick_host(&mut rng)),
                _ => writeln!(out, " network-object object O{}", rng.below(objects as u64)),
            };
        }
        if g >= 5 && rng.below(2) == 0 {
            let _ = writeln!(out, " group-object G{}", rng.below(g as u64));
        }
    }
    let port_groups = (groups / 4).max(4);
    for g in 0..port_groups {
        let _ = writeln!(out, "object-group service P{g} tcp");
        for _ in 0..(1 + rng.below(5)) {
            let _ = writeln!(out, " port-object eq {}", rng.pick(PORTS));
        }
        if rng.below(3) == 0 {
            let lo = 1024 + rng.below(30_000);
            let _ = writeln!(out, " port-object range {lo} {}", lo + rng.below(2000));
        }
    }
    let acls = 20;
    let per_acl = aces / acls;
    let address = |rng: &mut Rng, any_share: u64| match rng.below(100) {
        n if n < any_share => "any".to_string(),
        n if n < 40 => format!("host {}", pick_host(rng)),
        n if n < 60 => format!("object O{}", rng.below(objects as u64)),
        n if n < 85 => format!("object-group G{}", rng.below(groups as u64)),
        _ => {
            let s = sixteens[rng.below(20) as usize];
            format!("10.{s}.{}.0 255.255.255.0", rng.below(64))
        }
    };
    for a in 0..acls {
        let name = format!("L{a}_in");
        for _ in 0..per_acl {
            let action = if rng.below(10) == 0 { "deny" } else { "permit" };
            let source = address(&mut rng, 10);
            let mut destination = address(&mut rng, 3);
            if source == "any" && destination == "any" {
                // `any any` in the middle of a list would shadow the rest of it.
                destination = format!("host {}", pick_host(&mut rng));
            }
            let _ = match rng.below(10) {
                0..=4 => writeln!(out, "access-list {name} extended {action} tcp {source} {destination} eq {}", rng.pick(PORTS)),
                5..=7 => writeln!(out, "access-list {name} extended {action} tcp {source} {destination} object-group P{}", rng.below(port_groups as u64)),
                8 => writeln!(out, "access-list {name} extended {action} udp {source} {destination} range {} {}", 1024 + rng.below(1000), 3000 + rng.below(1000)),
                _ => writeln!(out, "access-list {name} extended {action} ip {source} {destination}"),
            };
        }
        let _ = writeln!(out, "access-list {name} extended deny ip any any log");
        if a > 0 {
            let _ = writeln!(out, "interface GigabitEthernet2/0.{a}\n vlan {a}\n nameif v{a}\n security-level 50\n ip address 10.{}.255.1 255.255.255.0\n!", 200 + a);
            let _ = writeln!(out, "access-group {name} in interface v{a}");
        }
    }
    skeleton_tail(&mut out);
    out
}

/// (d): object NAT and twice NAT by the thousand, plus (a)-shaped entries.
fn nat_heavy(aces: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(aces * 120);
    skeleton(&mut out);
    for i in 0..aces / 5 {
        let _ = writeln!(
            out,
            "object network SN{i}\n host 10.{}.{}.{}\n nat (inside,outside) static 64.{}.{}.{}",
            40 + rng.below(150),
            rng.below(256),
            1 + rng.below(254),
            101 + i / 65_000,
            (i / 254) % 256,
            i % 254 + 1
        );
    }
    for i in 0..aces / 50 {
        let _ = writeln!(
            out,
            "object network TR{i}\n subnet 10.{}.{}.0 255.255.255.0\nobject network TM{i}\n host 172.{}.{}.{}\nnat (inside,outside) source static TR{i} TR{i} destination static TM{i} TM{i}",
            40 + rng.below(150),
            rng.below(256),
            16 + rng.below(16),
            rng.below(256),
            1 + rng.below(254)
        );
    }
    for _ in 0..aces {
        let _ = writeln!(
            out,
            "access-list OUTSIDE_in extended permit tcp any host 64.{}.{}.{} eq {}",
            101 + rng.below(2),
            rng.below(256),
            1 + rng.below(254),
            rng.pick(PORTS)
        );
    }
    out.push_str("access-group OUTSIDE_in in interface outside\n");
    skeleton_tail(&mut out);
    out
}
